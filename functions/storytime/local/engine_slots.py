"""The machine's engine slots: at most N engine calls (OCR, speech) at once, run below the API.

A call that finds every slot taken is refused at once, not queued, the way
AWS refuses a Lambda invoke beyond the function's reserved concurrency
(``TooManyRequestsException``) or a throttled Polly: the page waits in the
workflow's Retry with backoff, where its execution history shows each turn.

Engines are subprocesses (tesseract, espeak-ng). Linux keeps a nice value
per thread and a child inherits its parent thread's, so lowering the calling
thread's priority lowers the engine's too: the HTTP server's threads are
never niced, and the scheduler runs them first.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class NoSlot(Exception):
    """Every engine slot is in use: try again later."""


def lower_priority(nice: int) -> None:
    """Run the calling thread (and what it starts) at ``nice`` or lower priority; irreversible."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError:  # not Linux: the nice value is per process, leave it alone
        pass


class EngineSlots:
    def __init__(self, size: int | None = None, nice: int = 10):
        self.size = max(1, size or os.cpu_count() or 1)
        self.nice = nice
        self._free = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()
        self.in_use = 0
        self.refused = 0

    @contextmanager
    def take(self) -> Iterator[None]:
        """One slot for the duration of an engine call, or :class:`NoSlot` at once."""
        lower_priority(self.nice)  # waiting work is background work too
        if not self._free.acquire(blocking=False):
            with self._lock:
                self.refused += 1
            raise NoSlot(f"all {self.size} engine slots are in use")
        with self._lock:
            self.in_use += 1
        try:
            yield
        finally:
            with self._lock:
                self.in_use -= 1
            self._free.release()
