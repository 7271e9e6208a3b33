"""Threads the embedded interpreter starts for every state, taken from a pool of idle ones.

moto's interpreter runs each Task state in a new thread (so that the state's waiting thread
can give up after ``TimeoutSeconds``), each execution's and each Map iteration's program in
another: about 20 threads a page, each created, started and torn down while the page waits
(profiled: ~2 ms of the server's CPU a page). :class:`PooledThread` has the part of
``threading.Thread``'s interface those places use (``start``, ``join``, ``is_alive``) and runs
its target on an idle worker thread, or on a new one when none is idle, so a target that
never returns (a Task past its timeout) holds one worker and nothing else waits for it.

A reused thread must look new to its target: each target runs in an empty ``contextvars``
context, as a new thread's does; and a worker whose nice value the target changed (an
engine call lowers its thread's priority for good, see ``engine_slots.lower_priority``)
ends after it instead of carrying that priority into unrelated states.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable

IDLE_SECONDS = 30.0  # an idle worker ends after this long: a burst of pages leaves no threads behind

_idle: list[_Worker] = []  # workers waiting for a target, most recently idle last
_lock = threading.Lock()


def _nice() -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except (AttributeError, OSError):
        return None


class _Worker:
    def __init__(self):
        self._ready = threading.Condition(threading.Lock())
        self._job: tuple[Callable, tuple, dict, threading.Event] | None = None
        self._thread = threading.Thread(target=self._run, name="task-thread", daemon=True)

    def give(self, job) -> None:
        with self._ready:
            self._job = job
            self._ready.notify()

    def _run(self) -> None:
        nice = _nice()
        while True:
            with self._ready:
                if self._job is None and not self._ready.wait_for(lambda: self._job is not None, IDLE_SECONDS):
                    if self._retire():
                        return
                    continue  # handed a job just as the wait ran out
                target, args, kwargs, done = self._job
                self._job = None
            try:
                contextvars.Context().run(target, *args, **kwargs)
            except BaseException as error:  # as a thread would: reported, and the worker carries on
                threading.excepthook(threading.ExceptHookArgs((type(error), error, error.__traceback__, None)))
            finally:
                done.set()
            if _nice() != nice:
                return  # a changed priority is not passed on to the next target
            with _lock:
                _idle.append(self)

    def _retire(self) -> bool:
        """Leave the idle list, unless a job was handed over meanwhile (then run it)."""
        with _lock:
            if self in _idle:
                _idle.remove(self)
                return True
        return False


def _run_soon(target: Callable, args: tuple, kwargs: dict, done: threading.Event) -> None:
    with _lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = _Worker()
        worker._thread.start()  # it waits for the job given next
    worker.give((target, args, kwargs, done))


class PooledThread:
    """``threading.Thread(target=..., args=..., daemon=True)`` as the interpreter uses it, on a pooled thread."""

    def __init__(self, group=None, target: Callable | None = None, name: str | None = None, args=(),
                 kwargs=None, *, daemon: bool | None = None):
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs or {})
        self.name = name or "task-thread"
        self.daemon = True  # every worker is a daemon: a process never waits for the interpreter
        self._done = threading.Event()
        self._started = False

    def start(self) -> None:
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True
        if self._target is None:
            self._done.set()
            return
        _run_soon(self._target, self._args, self._kwargs, self._done)

    def join(self, timeout: float | None = None) -> None:
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        self._done.wait(timeout)

    def is_alive(self) -> bool:
        return self._started and not self._done.is_set()


class _ThreadingWithPool:
    """The ``threading`` module as a module that says ``threading.Thread(...)`` sees it, with pooled threads."""

    Thread = PooledThread

    def __getattr__(self, name: str):
        return getattr(threading, name)


threading_with_pool = _ThreadingWithPool()


def idle_workers() -> int:
    with _lock:
        return len(_idle)
