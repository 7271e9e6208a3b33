"""Warm worker processes for an engine: the local twin of a Lambda's warm sandboxes.

A pebble pool of ``size`` processes (spawn: the server has threads), each started once at the
engines' nice value, its engine loaded before the first call, and ending with the server, even a
killed one. A call that runs past its limit, or whose worker dies (a crash in a C library, the OOM
killer), ends that worker and the pool replaces it; the caller gets :class:`EngineError`, which the
step's Retry tries once more and its Catch records, as for a Lambda that crashed or timed out.
Used by the reader (``reader_processes``) and by speech (``speech_processes``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

import pebble

from storytime.errors import EngineError
from storytime.local.engine_slots import lower_priority


def start_worker(nice: int) -> None:
    """First in a worker's initializer: below the API, and gone as soon as the server is."""
    lower_priority(nice)  # before anything starts a thread: the whole worker (and its forks) runs below the API
    threading.Thread(target=_end_with, args=(os.getppid(),), name="end-with-server", daemon=True).start()


def settle_worker() -> None:
    """Last in a worker's initializer: what it loaded stays out of the cyclic collector's walks, as in
    the server (local/server.py), so a full collection never stops a call for long, and a fork shares
    those pages rather than copying what a collection touches."""
    gc.collect()
    gc.freeze()


def _end_with(server: int) -> None:
    """A killed server's workers stop at once, not after the call they are in (up to its limit)."""
    while os.getppid() == server:
        time.sleep(0.5)
    os._exit(1)


def _pid(hold: float) -> int:
    time.sleep(hold)  # long enough for another worker that is ready to take the next one
    return os.getpid()


class WarmWorkers:
    """``size`` warm processes made by ``initializer(*initargs)``; ``owner`` names them in errors
    ("the reader's": "the reader's process ended: ...")."""

    def __init__(self, size: int, initializer, initargs: tuple, owner: str) -> None:
        self.size = max(1, size)
        self.owner = owner
        self._start = dict(max_workers=self.size, initializer=initializer, initargs=initargs,
                           context=multiprocessing.get_context("spawn"))
        self._lock = threading.Lock()
        self._pool = pebble.ProcessPool(**self._start)

    def call(self, function, args: tuple, timeout: float, late: str):
        """``function(*args)`` in a worker; past ``timeout`` seconds its worker is ended and ``late`` raised."""
        try:
            return self._live_pool().schedule(function, args, timeout=timeout).result()
        except FutureTimeout:
            raise EngineError(late) from None
        except pebble.ProcessExpired as error:
            raise EngineError(f"{self.owner} process ended: {error}") from None
        except BrokenProcessPool as error:  # every worker died starting: the next call starts a new pool
            raise EngineError(f"{self.owner} processes could not start: {error}") from None

    def _live_pool(self) -> pebble.ProcessPool:
        with self._lock:
            if not self._pool.active:
                self._pool.stop()
                self._pool = pebble.ProcessPool(**self._start)
            return self._pool

    def warm(self, patience: float) -> set[int]:
        """Wait (up to ``patience`` seconds) until every worker is up with its engine loaded: the first
        calls are as fast as the rest. Returns the workers' process ids."""
        pids: set[int] = set()
        deadline = time.monotonic() + patience
        while len(pids) < self.size and time.monotonic() < deadline:
            pids |= {future.result() for future in [self._pool.schedule(_pid, (0.05,)) for _ in range(self.size)]}
        return pids

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()
