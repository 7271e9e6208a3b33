"""The machine's engine slots: at most N engine calls (OCR, speech) at once, run below the API.

A call that finds every slot taken waits in line (first come, first served)
for up to ``wait_seconds``; if its turn has not come by then it is refused,
the way AWS refuses a Lambda invoke beyond the function's reserved
concurrency (``TooManyRequestsException``) or a throttled Polly: the page
waits in the workflow's Retry with backoff, where its execution history
shows each refusal, and joins the line again. A page's later step (speech)
goes before pages still waiting to start (OCR): a page once begun finishes,
rather than every page waiting for every other page's OCR. Waiting in line costs nothing;
refusing at once did: 100 queued pages retried ~70 times a second, each retry
a thread, a botocore call and interpreter work under the server's one GIL,
and every API answer waited behind them.

Engines are subprocesses (tesseract, espeak-ng). Linux keeps a nice value
per thread and a child inherits its parent thread's, so lowering the calling
thread's priority lowers the engine's too: the HTTP server's threads are
never niced, and the scheduler runs them first.
"""

from __future__ import annotations

import os
import threading
from collections import deque
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
    def __init__(self, size: int | None = None, nice: int = 10, wait_seconds: float = 0.0):
        self.size = max(1, size or os.cpu_count() or 1)
        self.nice = nice
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        # Callers waiting, oldest first: pages finishing (speech), then pages starting (OCR).
        self._lines: tuple[deque[threading.Event], deque[threading.Event]] = (deque(), deque())
        self.in_use = 0
        self.refused = 0

    def _acquire(self, finishing: bool) -> bool:
        with self._lock:
            if self.in_use < self.size and not any(self._lines):
                self.in_use += 1
                return True
            if self.wait_seconds <= 0:
                return False
            turn = threading.Event()
            line = self._lines[0 if finishing else 1]
            line.append(turn)
        if turn.wait(self.wait_seconds):
            return True
        with self._lock:
            if turn.is_set():  # handed a slot just as the wait ran out
                return True
            line.remove(turn)
            return False

    def _release(self) -> None:
        with self._lock:
            line = next((line for line in self._lines if line), None)
            if line is not None:
                line.popleft().set()  # the slot passes straight to the next in line
            else:
                self.in_use -= 1

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(len(line) for line in self._lines)

    @contextmanager
    def take(self, finishing: bool = False) -> Iterator[None]:
        """One slot for the duration of an engine call, or :class:`NoSlot` once the wait is over.

        ``finishing``: the call is a later step of a page already begun, served first.
        """
        lower_priority(self.nice)  # waiting work is background work too
        if not self._acquire(finishing):
            with self._lock:
                self.refused += 1
            raise NoSlot(f"all {self.size} engine slots are in use")
        try:
            yield
        finally:
            self._release()
