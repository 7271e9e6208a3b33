"""The reader in worker processes answers as the reader in the server process does, and its faults
reach the workflow as a reader Lambda's would: EngineError (retried, then caught), never a hang."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storytime.errors import EngineError, UnreadableImage
from storytime.local.config import LocalSettings
from storytime.local.reader_processes import ReaderProcesses, tesseract_reader
from storytime.local.runtime import default_engines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MISBEHAVING = "tests.contract.reader_factories.misbehaving_reader"


@pytest.fixture
def workers():
    pool = ReaderProcesses(2, nice=7, timeout=2, factory=MISBEHAVING)
    yield pool
    pool.close()


def test_a_page_read_in_a_worker_is_the_page_read_in_this_process():
    photo = (FIXTURES / "tesseract_phototest.png").read_bytes()
    pool = ReaderProcesses(1)
    try:
        assert pool(photo) == tesseract_reader()(photo)
    finally:
        pool.close()


def test_workers_start_warm_one_per_slot_below_the_api(workers):
    pids = workers.warm()
    assert len(pids) == 2 and os.getpid() not in pids
    answers = [workers(b"page", language="fr") for _ in range(4)]
    assert {a["pid"] for a in answers} <= pids
    assert {(a["language"], a["nice"]) for a in answers} == {("fr", 7)}


def test_a_worker_that_dies_fails_the_call_with_engine_error_and_is_replaced(workers):
    with pytest.raises(EngineError, match="process ended"):
        workers(b"die")
    assert workers(b"page")["TextDetections"] == []


def test_a_worker_that_hangs_is_ended_at_the_timeout_and_replaced(workers):
    pids = workers.warm()
    started = time.monotonic()
    with pytest.raises(EngineError, match="did not finish within 2 s"):
        workers(b"hang")
    assert time.monotonic() - started < 60  # ended, not waited for
    assert len({pid for pid in pids if Path(f"/proc/{pid}").exists()}) == 1  # the hung one is gone
    assert workers(b"page")["TextDetections"] == []


def test_the_reader_s_own_errors_reach_the_caller_as_themselves(workers):
    with pytest.raises(UnreadableImage):
        workers(b"unreadable")


def test_workers_that_cannot_start_fail_the_call_and_the_next_call_tries_again():
    pool = ReaderProcesses(1, timeout=30, factory="tests.contract.reader_factories.broken_reader")
    try:
        for _ in range(2):
            with pytest.raises(EngineError, match="could not start"):
                pool(b"page")
    finally:
        pool.close()


def test_the_local_server_s_reader_processes_are_warm_when_made(tmp_path):
    """The server's first page is read as fast as the rest: each worker has its engine's libraries
    and imports loaded before the server answers."""
    engines = default_engines(tmp_path, None, LocalSettings(reader_processes=1, engine_nice=5))
    try:
        [pid] = engines.ocr.warm()
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "libtesseract" in maps and "cv2" in maps and "scipy" in maps
        assert os.getpriority(os.PRIO_PROCESS, pid) == 5
    finally:
        engines.ocr.close()


def test_workers_end_with_a_killed_server_even_mid_page(tmp_path):
    program = ("import sys, time\nfrom storytime.local.reader_processes import ReaderProcesses\n"
               "if __name__ == '__main__':\n"
               f"    pool = ReaderProcesses(1, factory={MISBEHAVING!r})\n"
               "    print(*pool.warm(), flush=True)\n"
               "    pool(b'hang')\n")
    script = tmp_path / "server.py"
    script.write_text(program)
    root = str(FIXTURES.parent.parent)  # the tests' factories are imported by name in the worker
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    worker = int(server.stdout.readline())
    time.sleep(0.5)  # the worker is inside the page that hangs
    server.kill()
    server.wait()
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_large_image_reaches_the_worker_whole_through_a_memory_file_closed_after_the_call(monkeypatch):
    import hashlib

    from storytime.local import reader_processes

    pool = ReaderProcesses(1, timeout=30, factory="tests.contract.reader_factories.echo_reader")
    assert pool.warm() and pool.memory_files  # a worker can open them here
    opened, memfd_create = [], os.memfd_create
    monkeypatch.setattr(os, "memfd_create", lambda *args: opened.append(memfd_create(*args)) or opened[-1])
    try:
        for size in (10, reader_processes.MEMORY_FILE_BYTES, 3 * 1024 * 1024 + 7):
            image = os.urandom(size)
            assert pool(image) == {"sha256": hashlib.sha256(image).hexdigest(), "bytes": size}
    finally:
        pool.close()
    assert len(opened) == 2  # the small image went through the pipe
    for fd in opened:  # each memory file closed once its call ended
        assert "memfd:storytime-page" not in (os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(
            f"/proc/self/fd/{fd}") else "")


def test_a_worker_keeps_its_imports_and_models_out_of_the_collectors_walks():
    pool = ReaderProcesses(1, timeout=30, factory="tests.contract.reader_factories.frozen_count_reader")
    try:
        assert pool(b"page")["frozen"] > 1000
    finally:
        pool.close()


def test_where_a_worker_cannot_open_the_servers_memory_files_images_take_the_pipe(monkeypatch):
    from contextlib import contextmanager

    from storytime.local import reader_processes

    real = reader_processes._handed_over

    @contextmanager
    def unopenable(image_bytes, memory_files):
        with real(image_bytes, memory_files) as image:
            yield "/proc/self/fd/999999" if isinstance(image, str) else image  # a file the worker cannot open

    pool = ReaderProcesses(1, timeout=30, factory="tests.contract.reader_factories.echo_reader")
    try:
        monkeypatch.setattr(reader_processes, "_handed_over", unopenable)
        pool.warm()
        assert pool.memory_files is False
        assert pool(bytes(200_000))["bytes"] == 200_000
    finally:
        pool.close()
