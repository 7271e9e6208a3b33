"""make bench: how close to the engines storytime runs, measured in one run and compared as ratios.

Sections (``--sections a,b``; all by default):

floor     the engines alone, in-process: OCR, reading order, then the espeak-ng program once on the
          text into LAME (no workflow, no server, no sentence marks)
e2e       the same pages through the real local server: upload -> COMPLETE, p50/p95, ratio to floor
          (with floor: the two page by page in turn, so both see the same machine; --floor-first: not);
          and to the raw engines (issue 8's first measure: one `tesseract IMAGE - -l LANG` run plus the speech)
dup       a finished page again: POST /upload and GET /result, p50/p99
load      20 distinct pages at concurrency 1, 2, 4: pages/min, upload p50/p99, API probes meanwhile
queue     100 pages queued at once: upload p50/p99, rejections and /result meanwhile, all finish
instant   engines that answer at once: ms per state transition; server RSS after 30 and 300 pages
states    seconds per workflow state for each page (in-process, from the execution history)
cost      `storytime cost`: dollars per 1,000 pages on AWS by workflow path

e2e also compares CPU seconds (the server and its engines against the floor process):
on a shared machine wall time mostly measures the other users, CPU what storytime adds.

Everything is printed as a table and written to bench/results/<UTC time>.json,
with the machine's load average: the machine is shared, so compare ratios
within one run. ``--code DIR`` runs the servers from another checkout's
``functions`` folder (a before/after comparison in one run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_json import close_all, request  # noqa: E402 (bench/ is this script's folder)

from tests.fakes import page_photo  # noqa: E402

PAGES = ["tesseract_phototest.png", "paddleocr_img_12.png", "easyocr_korean.png", "pagedewarp_boston_cooking_a.jpg"]
KIND = {"png": "image/png", "jpg": "image/jpeg"}
LOAD_PAGE = "tesseract_phototest.png"  # short real page for throughput and queueing
SECTIONS = ["floor", "e2e", "dup", "load", "queue", "instant", "states", "cost"]


# -- helpers -----------------------------------------------------------------

def fixture(name: str) -> tuple[bytes, str]:
    return (ROOT / "tests" / "fixtures" / name).read_bytes(), KIND[name.rsplit(".", 1)[1]]


def variant(data: bytes, n: int) -> bytes:
    """The same picture with different bytes (a new page to the content id): a PNG text chunk or a JPEG comment."""
    tag = f"storytime-bench-{n}".encode()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        chunk = b"tEXt" + b"bench\x00" + tag
        packed = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
        return data[:-12] + packed + data[-12:]  # before IEND
    if data[:2] == b"\xff\xd8":
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]
    raise ValueError("PNG or JPEG only")


def raw_speech(text: str, voice: str) -> bytes:
    """Issue 8's floor for speech: the espeak-ng program once on the text, its PCM to LAME as it comes
    (as ``espeak-ng --stdout | lame``), with the product's MP3 settings. No sentence marks."""
    from storytime.local.speech_espeak import mp3_encoder, sanitize_for_espeak

    program = subprocess.Popen(["espeak-ng", "-b", "1", "-v", voice, "--stdout", "--stdin"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    program.stdin.write(sanitize_for_espeak(text).encode("utf-8"))
    program.stdin.close()
    header = program.stdout.read(44)  # RIFF header: the rate at bytes 24-27
    encoder = mp3_encoder(struct.unpack("<I", header[24:28])[0], 64)
    mp3 = [bytes(encoder.encode(pcm)) for pcm in iter(lambda: program.stdout.read(1 << 16), b"")]
    if program.wait() != 0:
        raise RuntimeError(f"espeak-ng exited with {program.returncode}")
    return b"".join(mp3) + bytes(encoder.flush())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(pct(values, 50) * 1000, 1), "p95_ms": round(pct(values, 95) * 1000, 1),
            "p99_ms": round(pct(values, 99) * 1000, 1), "max_ms": round(max(values) * 1000, 1) if values else None}


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stat_ticks(pid: int) -> list[float]:
    """utime, stime, cutime, cstime of a process, in seconds (0 for one already gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return [0.0] * 4
    return [int(f) / os.sysconf("SC_CLK_TCK") for f in fields[11:15]]


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid`` now (children of every thread, and theirs)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            for child in children.read_text().split():
                found += [int(child), *_descendants(int(child))]
        except OSError:
            pass
    return found


def machine_ticks() -> int:
    """Clock ticks every core has spent busy (all users' processes), from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]  # all but idle and iowait


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Server:
    """`storytime serve` (or the instant-engine server) in its own process, on a fresh data folder."""

    def __init__(self, data: Path, port: int, instant: bool = False, code: Path | None = None,
                 env: dict | None = None):
        self.port, self.data = port, data
        environment = {**os.environ, "STORYTIME_DATA": str(data), "STORYTIME_PORT": str(port), **(env or {})}
        if code:
            environment["PYTHONPATH"] = f"{code}{os.pathsep}{environment.get('PYTHONPATH', '')}"
        argv = [sys.executable, str(ROOT / "bench" / "instant_server.py")] if instant else \
            [sys.executable, "-m", "storytime.cli", "serve"]
        self.process = subprocess.Popen(argv, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if request(port, "GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """CPU seconds of the server's own threads, and of its engine processes: those it has waited
        for, and those still running (the reader's and speech's worker processes live as long as the
        server) with those they have waited for (each speech worker forks a process per part)."""
        ticks = _stat_ticks(self.process.pid)
        live = sum(sum(_stat_ticks(pid)) for pid in _descendants(self.process.pid))
        return ticks[0] + ticks[1], ticks[2] + ticks[3] + live

    def memory_kb(self) -> dict:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return {"rss_kb": int(fields["VmRSS"].split()[0]), "peak_rss_kb": int(fields["VmHWM"].split()[0])}

    def stop(self) -> None:
        close_all()
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def timed(port, method, path, body=None, kind=None):
    started = time.perf_counter()
    status, payload = request(port, method, path, body, kind)
    return time.perf_counter() - started, status, payload


# How the bench learns a page is finished, printed with every run. The server's Retry-After
# (whole seconds, 5 for a fresh page) is for phones; waiting that long would measure the wait,
# so the bench asks more often, each client on its own kept-alive connection. The 503 answer
# names the page's step: once its text is found (FINDING_TEXT, SPEAKING: the last ~0.1 s of a
# short page) the bench asks every FINAL_POLL. With one interval throughout, a page's time was
# rounded up to the next poll: at 50 ms, phototest pages alone took 7 polls and two at once 8,
# which made the throughput ratio between concurrency levels jump by whole polls. Each poll costs
# ~0.45 ms of CPU (server and bench), which competes with the pages: no finer than needed.
#
# Now the server can wait for the page itself (GET /result/{id}?wait=S answers the moment the page
# is finished, or 503 after S seconds): one request, no poll's delay and no poll's CPU. A server
# that does not wait (``--code`` of an older checkout) answers 503 at once; then the bench polls
# as before. ``--result-wait 0`` polls as before against any server.
WAIT = ("GET /result every {poll_ms} ms (load: {load_poll_ms} ms) until 200, every {final_ms} ms once the 503 says"
        " FINDING_TEXT or SPEAKING; one kept-alive connection per client thread")
LONG_POLL = "GET /result?wait={wait:g} (answered the moment the page is finished), again until 200; " \
    "polled as follows where the server answers 503 at once: "
E2E_POLL, LOAD_POLL, FINAL_POLL = 0.02, 0.05, 0.01
FINAL_STEPS = ("FINDING_TEXT", "SPEAKING")
RESULT_WAIT = 20.0  # seconds; the API's most


def next_poll(answer: dict, poll: float) -> float:
    """Seconds until the next GET /result, from the last 503 answer's step."""
    return FINAL_POLL if answer.get("step") in FINAL_STEPS else poll


def result_path(page_id: str, wait: float) -> str:
    return f"/result/{page_id}?wait={wait:g}" if wait else f"/result/{page_id}"


def waited(asked_seconds: float, wait: float) -> bool:
    """Whether a 503 came after the server waited (a long poll), not at once (a server that polls)."""
    return wait > 0 and asked_seconds >= wait / 2


def read_aloud(port: int, photo: bytes, kind: str, poll: float = E2E_POLL, timeout: float = 900,
               wait: float | None = None) -> dict:
    """Upload, then ask for the result until it is final: seconds to COMPLETE and to the upload's answer.

    ``wait``: seconds each GET /result may wait for the page (None: ``RESULT_WAIT``; 0: poll)."""
    wait = RESULT_WAIT if wait is None else wait
    polls = 0
    started = time.perf_counter()
    status, body = request(port, "POST", "/upload", photo, kind)
    uploaded = time.perf_counter() - started
    if status not in (200, 202):
        raise RuntimeError(f"upload answered {status}: {body}")
    page_id, asked = body["id"], 0.0
    while status != 200:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"page {page_id} not finished after {timeout} s")
        if polls == 0 and wait or waited(asked, wait):
            pass  # ask again at once: the server waits for the page
        else:
            time.sleep(next_poll(body, poll))
        polls += 1
        asking = time.perf_counter()
        status, body = request(port, "GET", result_path(page_id, wait), timeout=wait + 120)
        asked = time.perf_counter() - asking
        if status not in (200, 503):
            raise RuntimeError(f"result answered {status}: {body}")
    return {"id": page_id, "seconds": time.perf_counter() - started, "upload_s": uploaded, "polls": polls}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- sections ----------------------------------------------------------------

class Floor:
    """The engines the workflow runs, called directly: the least a page can cost.

    Run at the engines' nice value, as the server runs them: on a shared machine a niced
    engine gets less of the CPU, and the ratio must compare like with like. One thread, made
    once, runs every page (``run``), so the floor can alternate with the server's pages.
    """

    def __init__(self):
        from storytime.local.config import LocalSettings
        from storytime.local.engine_slots import lower_priority

        self._pool = ThreadPoolExecutor(1, initializer=lower_priority,
                                        initargs=(LocalSettings.from_env().engine_nice,))
        self.ocr = self._pool.submit(self._engine).result()

    @staticmethod
    def _engine():
        from storytime.ocr.runner_api import ApiRunner
        from storytime.ocr.tesseract import TesseractDetectText

        ocr = TesseractDetectText(runner=ApiRunner())   # as the server composes it (local.runtime.default_engines)
        ocr.warm()
        return ocr

    def run(self, name: str) -> dict:
        """One reading of a fixture page: seconds, CPU seconds, the speech's seconds, raw tesseract's seconds."""
        return self._pool.submit(self._run, name).result()

    def _run(self, name: str) -> dict:
        from quality import TESSERACT_LANG, raw_tesseract
        from storytime.core.chunks import split_for_speech
        from storytime.core.language import detect_language, espeak_voice_for_polly, voice_for
        from storytime.core.reading import read_page
        from storytime.core.speakable import speakable

        photo, _ = fixture(name)
        truth = (ROOT / "tests" / "fixtures" / f"{name}.gt.txt").read_text(encoding="utf-8")
        started, cpu_started = time.perf_counter(), cpu_seconds()
        text = read_page(self.ocr(photo)["TextDetections"])
        voice = voice_for(detect_language(text))
        speaking = time.perf_counter()
        for part in split_for_speech(speakable(text), 20_000):  # one part on every fixture page
            raw_speech(part, espeak_voice_for_polly(voice.polly_voice))
        run = {"seconds": time.perf_counter() - started, "spoken": time.perf_counter() - speaking,
               "cpu": cpu_seconds() - cpu_started}
        run["raw"] = raw_tesseract(ROOT / "tests" / "fixtures" / name, TESSERACT_LANG[detect_language(truth)])[1]
        return run

    def close(self) -> None:
        self._pool.shutdown()


def floor_figures(runs: dict[str, list[dict]]) -> dict:
    figures = {}
    for name, page in runs.items():
        seconds = [r["seconds"] for r in page]
        figures[name] = {"p50_s": round(pct(seconds, 50), 3), "runs": [round(s, 3) for s in seconds],
                         "cpu_p50_s": round(pct([r["cpu"] for r in page], 50), 3),
                         # issue 8's first floor: one `tesseract IMAGE - -l LANG` run, then the speech
                         "raw_p50_s": round(pct([r["raw"] for r in page], 50) +
                                            pct([r["spoken"] for r in page], 50), 3)}
    return figures


def floor(reps: int) -> dict:
    engines = Floor()
    try:
        return floor_figures({name: [engines.run(name) for _ in range(reps)] for name in PAGES})
    finally:
        engines.close()


def e2e_run(server: Server, name: str, seed: int) -> dict:
    """One page upload -> COMPLETE through the server, and the server's CPU seconds meanwhile."""
    photo, kind = fixture(name)
    before = server.cpu_seconds()
    run = read_aloud(server.port, variant(photo, seed), kind)
    return {**run, "cpu": server.cpu_seconds() - before}


def e2e(server: Server, reps: int, floors: dict | None, seed: int) -> dict:
    """Wall seconds upload -> COMPLETE, and the server's CPU seconds meanwhile (its own and its engines').

    The CPU ratio to the floor holds on a shared machine, where wall time mostly measures the
    other users: what storytime adds is work, and work is CPU.
    """
    return e2e_figures({name: [e2e_run(server, name, seed + n) for n in range(reps)] for name in PAGES}, floors)


def floor_and_e2e(server: Server, reps: int, seed: int) -> tuple[dict, dict]:
    """The floor and the server page by page, in turn (floor, server, floor, ...): both see the same
    machine, where the other users' load moves by the minute."""
    engines = Floor()
    try:
        floors, ends = {}, {}
        for name in PAGES:
            for n in range(reps):
                floors.setdefault(name, []).append(engines.run(name))
                ends.setdefault(name, []).append(e2e_run(server, name, seed + n))
        figures = floor_figures(floors)
        return figures, e2e_figures(ends, figures)
    finally:
        engines.close()


def e2e_figures(all_runs: dict[str, list[dict]], floors: dict | None) -> dict:
    figures = {}
    for name, runs in all_runs.items():
        seconds, cpu = [r["seconds"] for r in runs], [r["cpu"] for r in runs]
        entry = {"p50_s": round(pct(seconds, 50), 3), "p95_s": round(pct(seconds, 95), 3),
                 "runs": [round(s, 3) for s in seconds], "cpu_p50_s": round(pct(cpu, 50), 3),
                 "polls_p50": pct([r["polls"] for r in runs], 50)}
        if floors and name in floors:
            entry["ratio_to_floor"] = round(entry["p50_s"] / floors[name]["p50_s"], 3)
            if floors[name].get("raw_p50_s"):
                entry["ratio_to_raw_engines"] = round(entry["p50_s"] / floors[name]["raw_p50_s"], 3)
            if floors[name].get("cpu_p50_s"):
                entry["cpu_ratio_to_floor"] = round(entry["cpu_p50_s"] / floors[name]["cpu_p50_s"], 3)
        figures[name] = entry
    ratios = [f["ratio_to_floor"] for f in figures.values() if "ratio_to_floor" in f]
    if ratios:
        total_e2e = sum(f["p50_s"] for f in figures.values())
        total_floor = sum(floors[n]["p50_s"] for n in figures)
        figures["overall"] = {"ratio_to_floor": round(total_e2e / total_floor, 3),
                              "worst_page_ratio": max(ratios)}
        if all(floors[n].get("cpu_p50_s") for n in PAGES if n in figures):
            figures["overall"]["cpu_ratio_to_floor"] = round(
                sum(figures[n]["cpu_p50_s"] for n in PAGES) / sum(floors[n]["cpu_p50_s"] for n in PAGES), 3)
    return figures


def duplicates(port: int, n: int, seed: int) -> dict:
    photo, kind = fixture(LOAD_PAGE)
    photo = variant(photo, seed)
    page = read_aloud(port, photo, kind)
    uploads, results, told = [], [], []
    for _ in range(n):
        seconds, status, _ = timed(port, "POST", "/upload", photo, kind)
        assert status == 200, status
        uploads.append(seconds)
        seconds, status, _ = timed(port, "GET", f"/result/{page['id']}")
        assert status == 200, status
        results.append(seconds)
    # With an address: the first is told (one notice), the rest were told today: nothing to do.
    timed(port, "POST", "/upload?email=again%40example.com", photo, kind)
    for _ in range(n):
        seconds, status, _ = timed(port, "POST", "/upload?email=again%40example.com", photo, kind)
        assert status == 200, status
        told.append(seconds)
    return {"first_read_s": round(page["seconds"], 3), "upload": ms(uploads), "result": ms(results),
            "upload_address_told_today": ms(told)}


class Probe:
    """Meanwhile, ask the API what a user would: a rejected upload (415) and /health, every ``every`` s."""

    def __init__(self, port: int, every: float = 0.2, result_id: str | None = None):
        self.port, self.every, self.result_id = port, every, result_id
        self.rejections, self.health, self.results = [], [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.every):
            seconds, status, _ = timed(self.port, "POST", "/upload", b"hello", "text/plain")
            assert status == 415, status
            self.rejections.append(seconds)
            self.health.append(timed(self.port, "GET", "/health")[0])
            if self.result_id:
                self.results.append(timed(self.port, "GET", f"/result/{self.result_id}")[0])

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        out = {"rejection_415": ms(self.rejections), "health": ms(self.health)}
        if self.results:
            out["result"] = ms(self.results)
        return out


def throughput(server: Server, pages: int, levels: list[int], seed: int) -> dict:
    """Pages per minute at each concurrency, and the CPU a page cost: the server's own threads,
    its engine processes, and this bench process (clients and probe). CPU per page holds on a
    shared machine where pages per minute do not, and shows what concurrency adds."""
    port = server.port
    photo, kind = fixture(LOAD_PAGE)
    figures = {}
    for level in levels:
        bodies = [variant(photo, seed + level * 1000 + n) for n in range(pages)]
        probe = Probe(port)
        (own, engines), client, machine = server.cpu_split(), cpu_seconds(), machine_ticks()
        started = time.perf_counter()
        with ThreadPoolExecutor(level) as pool:
            runs = list(pool.map(lambda body: read_aloud(port, body, kind, poll=LOAD_POLL), bodies))
        wall = time.perf_counter() - started
        (own_after, engines_after), client_after, machine_after = server.cpu_split(), cpu_seconds(), machine_ticks()
        cpu = {"server_ms": (own_after - own) / pages * 1000, "engines_ms": (engines_after - engines) / pages * 1000,
               "bench_ms": (client_after - client) / pages * 1000}
        figures[f"concurrency_{level}"] = {
            "pages_per_min": round(pages / wall * 60, 2), "wall_s": round(wall, 2),
            "upload": ms([r["upload_s"] for r in runs]), "page_p50_s": round(pct([r["seconds"] for r in runs], 50), 3),
            "polls_p50": pct([r["polls"] for r in runs], 50),
            "cpu_per_page": {k: round(v, 1) for k, v in cpu.items()},
            "cores_busy": round(sum(cpu.values()) * pages / 1000 / wall, 2),
            # every process on the machine: what ours left idle, or other users took
            "machine_cores_busy": round((machine_after - machine) / os.sysconf("SC_CLK_TCK") / wall, 2),
            "meanwhile": probe.stop(), "load_average": load_average()}
    base = figures.get("concurrency_1", {}).get("pages_per_min")
    if base:
        for level in levels:
            figures[f"concurrency_{level}"]["speedup_vs_1"] = round(
                figures[f"concurrency_{level}"]["pages_per_min"] / base, 2)
    return figures


def queued(port: int, pages: int, seed: int, clients: int = 8) -> dict:
    """``pages`` new pages sent as fast as ``clients`` can: how the API answers meanwhile, and all finish."""
    photo, kind = fixture(LOAD_PAGE)
    bodies = [variant(photo, seed + n) for n in range(pages)]
    probe = Probe(port, every=0.25)
    started = time.perf_counter()

    def upload(body):
        seconds, status, answer = timed(port, "POST", "/upload", body, kind)
        assert status == 202, (status, answer)
        return seconds, answer["id"]

    with ThreadPoolExecutor(clients) as pool:
        sent = list(pool.map(upload, bodies))
    probe.result_id = sent[-1][1]
    all_sent = time.perf_counter() - started
    waiting = {page_id for _, page_id in sent}
    statuses: dict[str, int] = {}
    deadline = time.time() + 3600
    while waiting and time.time() < deadline:
        time.sleep(1)
        for page_id in list(waiting):
            status, _ = request(port, "GET", f"/result/{page_id}")
            if status != 503:
                statuses[page_id] = status
                waiting.discard(page_id)
    return {"pages": pages, "clients": clients, "upload": ms([s for s, _ in sent]),
            "all_uploaded_s": round(all_sent, 2), "all_finished_s": round(time.perf_counter() - started, 2),
            "finished_200": sum(1 for s in statuses.values() if s == 200), "unfinished": len(waiting),
            "other_answers": sorted(s for s in statuses.values() if s != 200),
            "meanwhile": probe.stop(), "load_average": load_average()}


def instant(port_factory, data: Path, code: Path | None, pages: int = 300, sample: int = 20) -> dict:
    """Engines that answer at once: what the workflow and the server cost by themselves."""
    server = Server(data, port_factory(), instant=True, code=code)
    try:
        port = server.port
        seconds, transitions = [], []
        for n in range(sample):
            run = read_aloud(port, page_photo(50_000 + n), "image/png", poll=0.005)
            seconds.append(run["seconds"])
            transitions.append(states_entered(port, run["id"]))
        per_page = pct(seconds, 50)
        memory = {}
        done = sample
        with ThreadPoolExecutor(4) as pool:
            for target in (30, pages):
                list(pool.map(lambda n: read_aloud(port, page_photo(50_000 + n), "image/png", poll=0.02),
                              range(done, target)))
                done = target
                memory[f"after_{target}"] = server.memory_kb()
        # Archived histories only: a history being written is a temp file that may be renamed meanwhile.
        history_bytes = sum(p.stat().st_size for p in (data / "history").glob("*.json.gz"))
        first, last = memory["after_30"]["rss_kb"], memory[f"after_{pages}"]["rss_kb"]
        return {
            "page_p50_ms": round(per_page * 1000, 1), "state_transitions_per_page": statistics.median(transitions),
            "ms_per_state_transition": round(per_page * 1000 / statistics.median(transitions), 2),
            "memory_kb": memory, f"rss_growth_30_to_{pages}": round(last / first - 1, 3),
            "history_bytes_per_page": round(history_bytes / pages),
            "load_average": load_average()}
    finally:
        server.stop()


def states_entered(port: int, page_id: str, timeout: float = 60) -> int:
    """States the page's execution entered, all of them: its history once the execution has ended
    (the page's answer comes at RecordComplete, a few states before the end)."""
    deadline = time.monotonic() + timeout
    while True:
        _, history = request(port, "GET", f"/executions/{page_id}/history")
        types = [e["type"] for e in history["events"]]
        if any(t in ENDED for t in types) or time.monotonic() > deadline:
            return sum(1 for t in types if t.endswith("StateEntered"))
        time.sleep(0.01)


ENDED = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}


def states(data: Path) -> dict:
    """Seconds per workflow state for each page, from its execution history (in-process, real engines)."""
    from storytime.local.runtime import LocalRuntime
    from storytime.service.uploads import accept_upload

    runtime = LocalRuntime(data, "http://bench/media")
    try:
        figures = {}
        for name in PAGES:
            photo, kind = fixture(name)
            answer = accept_upload(runtime.deps, photo, kind)
            record = runtime.records.get(answer.body["id"])
            runtime.workflow.wait(record.execution_arn)
            spent = state_seconds(runtime.workflow.history(record.execution_arn))
            figures[name] = {k: round(v, 3) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])[:6]}
        return figures
    finally:
        runtime.close()


def state_seconds(history: list[dict]) -> dict[str, float]:
    """Time from each state's Entered event to its Exited event."""
    entered, spent = {}, {}
    for event in history:
        stamp = datetime.fromisoformat(event["timestamp"]).timestamp()
        if "stateEnteredEventDetails" in event:
            entered[event["stateEnteredEventDetails"]["name"]] = stamp
        elif "stateExitedEventDetails" in event:
            name = event["stateExitedEventDetails"]["name"]
            spent[name] = spent.get(name, 0.0) + stamp - entered.pop(name, stamp)
    return spent


def cost() -> dict:
    from storytime.cost import estimate

    return estimate()


# -- the table ---------------------------------------------------------------

def table(results: dict) -> str:
    rows = [f"storytime bench {results['when']}  load average at start {results['load_average_start']}",
            f"waiting for a page: {results['wait']}"]
    fl, ee = results.get("floor", {}), results.get("e2e", {})
    if ee:
        rows.append(f"\n{'page':36} {'floor p50':>10} {'e2e p50':>9} {'e2e p95':>9} {'ratio':>7} {'CPU ratio':>10}"
                    f" {'raw engines':>12} {'e2e/raw':>8}")
        for name in PAGES:
            if name in ee:
                rows.append(f"{name:36} {fl.get(name, {}).get('p50_s', float('nan')):>9.2f}s "
                            f"{ee[name]['p50_s']:>8.2f}s {ee[name]['p95_s']:>8.2f}s "
                            f"{ee[name].get('ratio_to_floor', float('nan')):>7.2f} "
                            f"{ee[name].get('cpu_ratio_to_floor', float('nan')):>10.2f} "
                            f"{fl.get(name, {}).get('raw_p50_s', float('nan')):>11.2f}s "
                            f"{ee[name].get('ratio_to_raw_engines', float('nan')):>8.2f}")
        if "overall" in ee:
            overall = ee["overall"]["ratio_to_floor"]
            rows.append(f"{'overall (sum of p50s)':36} {'':>10} {'':>9} {'':>9} {overall:>7.2f} "
                        f"{ee['overall'].get('cpu_ratio_to_floor', float('nan')):>10.2f}")
    if "dup" in results:
        d = results["dup"]
        rows.append(f"\nduplicate of a finished page: POST /upload p50 {d['upload']['p50_ms']} ms "
                    f"p99 {d['upload']['p99_ms']} ms; GET /result p50 {d['result']['p50_ms']} ms "
                    f"p99 {d['result']['p99_ms']} ms"
                    + (f"; with an address told today p50 {d['upload_address_told_today']['p50_ms']} ms p99 "
                       f"{d['upload_address_told_today']['p99_ms']} ms" if "upload_address_told_today" in d else ""))
    if "load" in results:
        rows.append(f"\n{'concurrency':12} {'pages/min':>10} {'x c1':>6} {'upload p50':>11} {'upload p99':>11} "
                    f"{'415 p99 meanwhile':>18}  CPU ms a page: server + engines + bench = total; cores busy (machine)")
        for key, f in results["load"].items():
            cpu = f["cpu_per_page"]
            rows.append(f"{key.split('_')[1]:12} {f['pages_per_min']:>10} {f.get('speedup_vs_1', ''):>6} "
                        f"{f['upload']['p50_ms']:>9}ms {f['upload']['p99_ms']:>9}ms "
                        f"{f['meanwhile']['rejection_415']['p99_ms']:>16}ms  {cpu['server_ms']:.0f} + "
                        f"{cpu['engines_ms']:.0f} + {cpu['bench_ms']:.0f} = {sum(cpu.values()):.0f}; "
                        f"{f['cores_busy']} ({f.get('machine_cores_busy', '?')})")
    if "queue" in results:
        q = results["queue"]
        rows.append(f"\n{q['pages']} pages queued: upload p50 {q['upload']['p50_ms']} ms "
                    f"p99 {q['upload']['p99_ms']} ms;"
                    f" meanwhile 415 p50 {q['meanwhile']['rejection_415']['p50_ms']} ms "
                    f"p99 {q['meanwhile']['rejection_415']['p99_ms']} ms, /result p99 "
                    f"{q['meanwhile'].get('result', {}).get('p99_ms')} ms; finished {q['finished_200']}/{q['pages']}"
                    f" in {q['all_finished_s']} s")
    if "instant" in results:
        i = results["instant"]
        mem = i["memory_kb"]
        rows.append(f"\ninstant engines: page p50 {i['page_p50_ms']} ms, {i['state_transitions_per_page']} states,"
                    f" {i['ms_per_state_transition']} ms per state transition; RSS "
                    + ", ".join(f"{k} {v['rss_kb'] // 1024} MB" for k, v in mem.items())
                    + f" (growth {i[next(k for k in i if k.startswith('rss_growth'))]:+.1%}),"
                    f" history {i['history_bytes_per_page']} bytes/page")
    if "cost" in results:
        from storytime.cost import render

        rows.append("\n" + render(results["cost"]))
    return "\n".join(rows)


def main(argv=None) -> None:
    global RESULT_WAIT  # what --result-wait sets for every section's read_aloud
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--reps", type=int, default=7,
                        help="runs per page for floor and e2e (a median of 3 moved by 5-8 %% run to run)")
    parser.add_argument("--queue", type=int, default=100, help="pages queued at once")
    parser.add_argument("--load-pages", type=int, default=20)
    parser.add_argument("--memory-pages", type=int, default=300)
    parser.add_argument("--code", type=Path, help="run the servers from this functions/ folder (before/after)")
    parser.add_argument("--floor-first", action="store_true",
                        help="every floor run before the server's (as before), not page by page in turn")
    parser.add_argument("--result-wait", type=float, default=RESULT_WAIT,
                        help="seconds each GET /result may wait for the page (?wait=); 0: poll as before")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    RESULT_WAIT = args.result_wait
    wanted = args.sections.split(",")
    seed = int(time.time())  # new bytes every run: nothing is a duplicate of an earlier run
    results: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
                     "load_average_start": load_average(), "code": str(args.code or "this checkout"),
                     "wait": (LONG_POLL.format(wait=args.result_wait) if args.result_wait else "") + WAIT.format(
                         poll_ms=round(E2E_POLL * 1000), load_poll_ms=round(LOAD_POLL * 1000),
                         final_ms=round(FINAL_POLL * 1000))}
    tmp = Path(tempfile.mkdtemp(prefix="storytime-bench-"))
    try:
        together = "floor" in wanted and "e2e" in wanted and not args.floor_first
        if "floor" in wanted and not together:
            results["floor"] = floor(args.reps)
        server_sections = [s for s in ("e2e", "dup", "load", "queue") if s in wanted]
        if server_sections:
            server = Server(tmp / "real", free_port(), code=args.code)
            try:
                if together:
                    results["floor"], results["e2e"] = floor_and_e2e(server, args.reps, seed)
                elif "e2e" in wanted:
                    results["e2e"] = e2e(server, args.reps, results.get("floor"), seed)
                if "dup" in wanted:
                    results["dup"] = duplicates(server.port, 50, seed + 500)
                if "load" in wanted:
                    results["load"] = throughput(server, args.load_pages, [1, 2, 4], seed + 10_000)
                if "queue" in wanted:
                    results["queue"] = queued(server.port, args.queue, seed + 20_000)
                results["real_server_memory_kb"] = server.memory_kb()
            finally:
                server.stop()
        if "instant" in wanted:
            results["instant"] = instant(free_port, tmp / "instant", args.code, pages=args.memory_pages)
        if "states" in wanted:
            results["states"] = states(tmp / "states")
        if "cost" in wanted:
            results["cost"] = cost()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_average_end"] = load_average()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{results['when'].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
