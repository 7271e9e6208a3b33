"""The bench's wait for a page (bench/run.py): fine polls only once the page's text is found."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run as bench  # noqa: E402 (bench/ is a folder of scripts, not a package)


@pytest.mark.parametrize("step", ["QUEUED", "READING_PAGE", None])
def test_a_page_still_being_read_is_asked_at_the_given_interval(step):
    answer = {"status": "PROCESSING", **({"step": step} if step else {})}
    assert bench.next_poll(answer, 0.05) == 0.05


@pytest.mark.parametrize("step", ["FINDING_TEXT", "SPEAKING"])
def test_a_page_near_its_end_is_asked_often(step):
    assert bench.next_poll({"status": "PROCESSING", "step": step}, 0.05) == bench.FINAL_POLL < 0.05


def test_the_final_steps_are_steps_the_api_names():
    from storytime.core.notices import step
    from storytime.core.records import Record, Status

    named = {step(Record("a" * 64, Status.PROCESSING, "uploads/a.png", "image/png", 0.0, **fields))
             for fields in ({}, {"ocr_key": "o"}, {"ocr_key": "o", "text_key": "t"})}
    assert set(bench.FINAL_STEPS) <= named


def test_the_bench_asks_the_server_to_wait_for_the_page_and_polls_only_a_server_that_does_not():
    assert bench.result_path("a" * 64, 20.0) == f"/result/{'a' * 64}?wait=20"
    assert bench.result_path("a" * 64, 0) == f"/result/{'a' * 64}"
    assert bench.waited(20.0, 20.0) and not bench.waited(0.003, 20.0)  # a 503 at once: poll as before
    assert not bench.waited(5.0, 0)


def test_the_floor_and_the_server_read_each_page_in_turn(monkeypatch):
    order = []

    class Engines:
        def run(self, name):
            order.append(("floor", name))
            return {"seconds": 1.0, "spoken": 0.1, "cpu": 1.0, "raw": 0.5}

        def close(self):
            order.append(("closed", None))

    def through_server(server, name, seed):
        order.append(("server", name))
        return {"seconds": 1.1, "cpu": 1.2, "polls": 1}

    monkeypatch.setattr(bench, "Floor", Engines)
    monkeypatch.setattr(bench, "e2e_run", through_server)
    floors, ends = bench.floor_and_e2e(None, 2, seed=0)
    first = bench.PAGES[0]
    assert order[:4] == [("floor", first), ("server", first)] * 2 and order[-1] == ("closed", None)
    assert len(order) == 4 * len(bench.PAGES) + 1
    assert ends[first]["ratio_to_floor"] == 1.1 and ends[first]["cpu_ratio_to_floor"] == 1.2


def test_the_instant_section_counts_every_state_of_the_execution_once_it_has_ended(monkeypatch):
    entered = {"type": "TaskStateEntered"}
    answers = iter([{"events": [{"type": "ExecutionStarted"}, entered]},
                    {"events": [{"type": "ExecutionStarted"}, entered, entered, {"type": "ExecutionSucceeded"}]}])
    monkeypatch.setattr(bench, "request", lambda port, method, path: (200, next(answers)))
    monkeypatch.setattr(bench.time, "sleep", lambda seconds: None)
    assert bench.states_entered(1, "a" * 64) == 2
