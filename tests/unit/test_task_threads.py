"""The interpreter's per-state threads come from a pool (storytime.local.task_threads)."""

import contextvars
import os
import threading

import pytest
from storytime.local import task_threads
from storytime.local.task_threads import PooledThread


def run(target, *args):
    thread = PooledThread(target=target, args=args, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()


def test_a_finished_threads_worker_runs_the_next_target():
    seen = []
    run(lambda: seen.append(threading.get_ident()))
    run(lambda: seen.append(threading.get_ident()))
    assert seen[0] == seen[1] != threading.get_ident()


def test_join_and_is_alive_follow_the_target():
    gate, thread = threading.Event(), PooledThread(target=lambda: gate.wait(10))
    assert not thread.is_alive()
    thread.start()
    thread.join(0.05)
    assert thread.is_alive()
    gate.set()
    thread.join(10)
    assert not thread.is_alive()
    with pytest.raises(RuntimeError):
        thread.start()


def test_a_target_that_never_returns_holds_its_worker_only():
    # A Task past its TimeoutSeconds keeps running; the states after it must still get threads.
    gate, blocked = threading.Event(), PooledThread(target=lambda: gate.wait(10))
    blocked.start()
    try:
        done = []
        run(done.append, 1)
        assert done == [1]
    finally:
        gate.set()
        blocked.join(10)


def test_each_target_starts_with_an_empty_context_as_a_new_thread_does():
    var = contextvars.ContextVar("var", default="unset")
    seen = []
    run(lambda: (seen.append(var.get()), var.set("left behind")))
    run(lambda: seen.append(var.get()))
    assert seen == ["unset", "unset"]


def test_a_worker_whose_priority_was_lowered_is_not_reused():
    from storytime.local.engine_slots import lower_priority

    def nice():
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    start = nice()
    assert start < 19, "run the tests above the lowest priority: a worker's priority must be lowerable"
    lowered, after = [], []
    run(lambda: (lower_priority(start + 1), lowered.append(threading.get_native_id())))
    run(lambda: after.append((threading.get_native_id(), nice())))
    assert after[0][0] != lowered[0] and after[0][1] == start


def test_an_error_is_reported_and_the_worker_carries_on(monkeypatch):
    reported = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_type))

    def fail():
        raise ValueError("boom")

    run(fail)
    run(lambda: None)
    assert reported == [ValueError]


def test_idle_workers_end_after_a_while(monkeypatch):
    monkeypatch.setattr(task_threads, "IDLE_SECONDS", 0.05)
    monkeypatch.setattr(task_threads, "_idle", [])  # earlier tests' workers wait 30 s: a new worker here
    workers = []
    run(lambda: workers.append(threading.current_thread()))
    workers[0].join(10)  # a burst of pages leaves no threads behind
    assert not workers[0].is_alive() and task_threads.idle_workers() == 0
