"""make soak: the real server under faults, with real Tesseract and espeak-ng.

* 200 uploads of 20 distinct pages, 16 at a time, each distinct page with its own address;
* the server killed with SIGKILL at 10 random moments and started again on the same data;
* the data folder a small tmpfs, filled to the last byte once and then freed.

A client retries what the server could not take (a refused connection, 503, 507), as a
phone would. At the end nobody polls for a while: the pages must finish by themselves
(the sweeper). Then every page that was accepted must be COMPLETE with its MP3 and its
text, and every address told exactly once. Prints loads held, faults survived, inputs
tried and data lost (which must be 0); exits 1 otherwise. Needs root (mount).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_json import request  # noqa: E402 (bench/ is this script's folder)

from tests.e2e.pages import render_page  # noqa: E402

DISTINCT, UPLOADS, CONCURRENCY, KILLS = 20, 200, 16, 10
TMPFS_SIZE = "48m"
WORDS = ["river", "candle", "garden", "window", "morning", "lantern", "orchard", "pebble", "harbor", "meadow"]


def pages() -> list[bytes]:
    rng = random.Random(6)
    out = []
    for n in range(DISTINCT):
        lines = [f"Page {n} of the soak story.",
                 " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + ".",
                 " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + "."]
        out.append(render_page(lines, size=28))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data: Path, port: int):
        self.data, self.port, self.process = data, port, None
        self.lock = threading.Lock()

    def start(self) -> None:
        env = {**os.environ, "STORYTIME_DATA": str(self.data), "STORYTIME_PORT": str(self.port),
               "STORYTIME_STALE_AFTER_SECONDS": "5", "STORYTIME_SWEEP_SECONDS": "2",
               "STORYTIME_MIN_FREE_BYTES": str(4 * 1024 * 1024), "PYTHONPATH": str(ROOT / "functions")}
        self.process = subprocess.Popen([sys.executable, "-m", "storytime.cli", "serve"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=open(self.data.parent / "server.log", "ab"))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/health")[0] in (200, 503):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)


def multipart(photo: bytes, email: str) -> tuple[bytes, str]:
    boundary = "soak-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n{email}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\n'
            f"Content-Type: image/png\r\n\r\n").encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def fill(folder: Path) -> Path:
    """Write until the filesystem says no more."""
    ballast = folder / "ballast"
    with open(ballast, "wb") as f:
        chunk = b"\0" * (1 << 20)
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError:
            pass
    return ballast


def main() -> int:
    if os.geteuid() != 0:
        print("make soak mounts a tmpfs: run it as root", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="storytime-soak-"))
    data = work / "data"
    data.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(data)], check=True)
    try:
        return soak(work, data)
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)
        shutil.rmtree(work, ignore_errors=True)


def soak(work: Path, data: Path) -> int:
    photos = pages()
    extra = render_page(["A page sent while the disk is full."], size=28)
    extra_id = hashlib.sha256(extra).hexdigest()
    server = Server(data, free_port())
    server.start()
    stats = {"tried": 0, "accepted": 0, "refused_full": 0, "unreachable": 0, "kills": 0, "disk_full": 0,
             "health_503": 0, "probe_stored": False}
    ids: dict[int, str] = {}
    stop = threading.Event()
    count = threading.Lock()

    def upload(n: int) -> None:
        page = n % DISTINCT
        body, kind = multipart(photos[page], f"reader{page}@example.com")
        while True:
            with count:
                stats["tried"] += 1
            try:
                status, answer = request(server.port, "POST", "/upload", body, kind)
            except (OSError, http.client.HTTPException):  # killed mid-answer: try again, as a phone would
                with count:
                    stats["unreachable"] += 1
                time.sleep(0.5)
                continue
            if status in (200, 202):
                with count:
                    stats["accepted"] += 1
                    ids.setdefault(page, answer["id"])
                    assert ids[page] == answer["id"], "one page, two ids"
                return
            if status in (503, 507):
                with count:
                    stats["refused_full"] += status == 507
                time.sleep(0.5)
                continue
            raise AssertionError(f"upload answered {status}: {answer}")

    def faults() -> None:
        rng = random.Random(66)
        fill_at = rng.randrange(3, KILLS - 2)
        for k in range(KILLS):
            if stop.wait(rng.uniform(1.0, 5.0)):
                return
            with server.lock:
                server.kill()
                stats["kills"] += 1
                server.start()
            if k == fill_at:
                ballast = fill(data)
                stats["disk_full"] += 1
                time.sleep(1)
                try:
                    stats["health_503"] += request(server.port, "GET", "/health")[0] == 503
                    # A new page while the disk is full: 507, and nothing of it stored.
                    status, _ = request(server.port, "POST", "/upload", extra, "image/png")
                    stats["refused_full"] += status == 507
                    stats["probe_stored"] = request(server.port, "GET", f"/result/{extra_id}")[0] != 404
                except (OSError, http.client.HTTPException):
                    pass
                time.sleep(rng.uniform(3.0, 6.0))
                ballast.unlink()

    started = time.monotonic()
    killer = threading.Thread(target=faults, daemon=True)
    killer.start()
    order = [n for n in range(UPLOADS)]
    random.Random(16).shuffle(order)
    try:
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(upload, order))
        killer.join()
    except BaseException:
        stop.set()
        killer.join()
        server.kill()
        raise

    # Nobody polls now: the pages in flight finish by themselves.
    db = data / "storytime.db"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        statuses = read_statuses(db)
        if len(statuses) == DISTINCT and all(s in ("COMPLETE", "NO_TEXT", "FAILED") for s in statuses.values()):
            break
        time.sleep(1)
    unasked = time.monotonic()

    lost, details = [], {}
    for page, page_id in sorted(ids.items()):
        status, result = request(server.port, "GET", f"/result/{page_id}")
        details[page] = status
        if status != 200 or f"Page {page}" not in (result.get("text") or ""):
            lost.append((page, status, result.get("error") or result.get("status")))
            continue
        audio = result["audioUrl"].split(f":{server.port}", 1)[1]
        got, mp3 = request(server.port, "GET", audio)
        if got != 200 or len(mp3) < 1000:
            lost.append((page, "audio", got))
    mails = {}
    for eml in (data / "outbox").glob("*.eml"):
        to = next(line for line in eml.read_text().splitlines() if line.startswith("To: "))[4:]
        mails[to] = mails.get(to, 0) + 1
    told_once = sum(1 for page in ids if mails.get(f"reader{page}@example.com") == 1)
    attempts = read_attempts(db)
    server.kill()

    print(f"loads held:      {stats['accepted']} of {UPLOADS} uploads accepted ({len(ids)} distinct pages, "
          f"concurrency {CONCURRENCY}); {told_once} of {len(ids)} addresses told exactly once "
          f"({sum(mails.values())} e-mails)")
    print(f"faults survived: {stats['kills']} SIGKILLs, {stats['disk_full']} full disk "
          f"({stats['refused_full']} uploads answered 507, /health 503: {bool(stats['health_503'])}, "
          f"anything of a refused page stored: {stats['probe_stored']})")
    print(f"inputs tried:    {stats['tried']} upload requests ({stats['unreachable']} found the server down)")
    print(f"data lost:       {len(lost)} {lost if lost else ''}")
    print(f"attempts per page: {sorted(attempts.values())}; finished {unasked - started:.0f} s after the start "
          "without anyone polling")
    held = stats["accepted"] == UPLOADS and told_once == len(ids) == DISTINCT
    full_disk_ok = stats["refused_full"] >= 1 and stats["health_503"] >= 1 and not stats["probe_stored"]
    return 0 if not lost and held and full_disk_ok else 1


def read_statuses(db: Path) -> dict[str, str]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return dict(conn.execute("SELECT id, status FROM records").fetchall())
    except sqlite3.Error:
        return {}


def read_attempts(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return dict(conn.execute("SELECT id, attempts FROM records").fetchall())


if __name__ == "__main__":
    sys.exit(main())
