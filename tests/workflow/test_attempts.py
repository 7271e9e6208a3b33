"""The execution is named and stored with the claim, before it starts: a crash between the two
never leads to two executions of one page."""

import threading

import pytest
from storytime.local.runtime import Engines, LocalRuntime
from storytime.service.results import retrieve
from storytime.service.uploads import accept_upload

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech, GatedOcr, page_photo


class Crash(Exception):
    pass


@pytest.fixture
def gated(tmp_path):
    engines = Engines(ocr=GatedOcr(), speech=FakeSpeech(), outbox=FakeOutbox())
    rt = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    yield rt, engines
    engines.ocr.gate.set()
    rt.close()


def executions(rt, page_id: str = ""):
    """The runtime's executions (of ``page_id`` when given: moto keeps one backend per process, so
    a runtime another test still has open shows its executions here too)."""
    listed = rt.workflow._sfn.list_executions(stateMachineArn=rt.settings.state_machine_arn)["executions"]
    return [e for e in listed if e["name"].startswith(page_id)]


def notifying(rt, page_id: str) -> list[str]:
    """The ARNs of the executions started to send ``page_id``'s notices again, running or ended: one that
    ended is archived and forgotten, maybe before the runtime that started it has finished starting."""
    prefix = f"{page_id}-n"
    live = {e["executionArn"] for e in executions(rt, prefix)}
    archived = {rt.workflow.execution_arn(path.name.split(".")[0]) for path in rt.workflow.folder.glob(f"{prefix}*")}
    return sorted(live | archived)


def test_a_crash_right_after_the_start_leaves_the_running_execution_on_the_record(gated, monkeypatch):
    """Issue 6: the ARN was stored only after the start, so a crash in between let a second execution run."""
    rt, engines = gated
    start = rt.workflow.start

    def start_then_crash(name, payload):
        start(name, payload)
        raise Crash("the process died here")

    monkeypatch.setattr(rt.workflow, "start", start_then_crash)
    with pytest.raises(Crash):
        accept_upload(rt.deps, page_photo(60), "image/png", "ann@example.com")
    monkeypatch.setattr(rt.workflow, "start", start)
    [running] = executions(rt)
    assert engines.ocr.entered.wait(30)
    record = rt.records.get(running["name"].rsplit("-", 1)[0])
    assert record.execution_arn == running["executionArn"]

    rt.deps.clock = lambda: record.attempt_at + 3600
    assert retrieve(rt.deps, record.id).status == 503
    assert len(executions(rt)) == 1 and rt.records.get(record.id).attempts == 1  # it is running: left alone
    engines.ocr.gate.set()
    assert rt.workflow.wait(record.execution_arn) == "SUCCEEDED"
    assert rt.records.get(record.id).status == "COMPLETE"
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"] and engines.ocr.calls == 1


def test_a_crash_between_the_claim_and_the_start_is_started_once_after_the_guard(gated, monkeypatch):
    rt, engines = gated
    engines.ocr.gate.set()
    start = rt.workflow.start

    def crash(name, payload):
        raise Crash("the process died before starting anything")

    monkeypatch.setattr(rt.workflow, "start", crash)
    with pytest.raises(Crash):
        accept_upload(rt.deps, page_photo(61), "image/png")
    monkeypatch.setattr(rt.workflow, "start", start)
    [record] = rt.records.unfinished()
    assert record.execution_arn.endswith(f"{record.id}-1") and executions(rt) == []

    assert retrieve(rt.deps, record.id).status == 503 and executions(rt) == []  # within the guard
    rt.deps.clock = lambda: record.attempt_at + 61
    for _ in range(3):
        retrieve(rt.deps, record.id)
    [only] = executions(rt)
    assert only["name"] == f"{record.id}-2"
    assert rt.workflow.wait(only["executionArn"]) == "SUCCEEDED" and engines.ocr.calls == 1


def test_lost_attempts_count_a_restart_does_not_and_the_page_ends_after_the_budget(tmp_path, monkeypatch):
    """An execution that vanishes each time (no outcome recorded) counts as a failed attempt: after
    1 + 3 of them the page ends FAILED ATTEMPTS_EXHAUSTED with one e-mail; resuming after a restart
    costs nothing."""
    engines = Engines(ocr=GatedOcr(), speech=FakeSpeech(), outbox=FakeOutbox())
    first = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    accept_upload(first.deps, page_photo(62), "image/png", "ann@example.com")
    assert engines.ocr.entered.wait(30)
    first.close()  # the process stops mid-page

    rt = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    try:
        [record] = rt.records.unfinished()
        assert (record.attempts, record.failures) == (2, 0)  # resumed at start, not counted
        for n in range(1, 5):
            known = rt.workflow.status
            lost = rt.records.get(record.id)
            monkeypatch.setattr(rt.workflow, "status", lambda arn, lost=lost, known=known:
                                None if arn == lost.execution_arn else known(arn))
            rt.deps.clock = lambda lost=lost: lost.attempt_at + 61
            assert retrieve(rt.deps, record.id).status == 503
            counted = rt.records.get(record.id).failures
            # The fourth lost attempt's successor ends the page at once and counts its own end too:
            # it may have done so already by the time this reads the record.
            assert counted == n or (n == 4 and counted == 5)
        ended = rt.records.get(record.id)  # the fifth lost attempt's successor only records the end
        assert rt.workflow.wait(ended.execution_arn) == "FAILED"
        assert rt.records.get(record.id).failures == 5
        assert "ReadPage" not in str(rt.workflow.history(ended.execution_arn))
        answer = retrieve(rt.deps, record.id)
        assert (answer.status, answer.body["error"]) == (500, "ATTEMPTS_EXHAUSTED")
        assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
    finally:
        engines.ocr.gate.set()
        rt.close()


class StuckOutbox(FakeOutbox):
    """An outbox that never answers while ``stuck`` is set: the process dies before the e-mail leaves."""

    def __init__(self):
        super().__init__()
        self.stuck, self.release, self.entered = True, threading.Event(), threading.Event()

    def send(self, to, subject, body):
        if self.stuck:
            self.entered.set()
            self.release.wait(60)
            raise Crash("the process was gone")  # never sent
        super().send(to, subject, body)


def test_a_notice_claimed_by_an_execution_that_died_is_sent_after_a_restart_once(tmp_path):
    """The page was COMPLETE and its notice claimed, then the server was killed before the e-mail
    state ran: nothing told that address ever (make soak saw it in 3 runs of 10)."""
    outbox = StuckOutbox()
    engines = Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=outbox)
    first = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    page_id = accept_upload(first.deps, page_photo(63), "image/png", "ann@example.com").body["id"]
    assert outbox.entered.wait(30)
    assert first.records.get(page_id).status == "COMPLETE"
    first.close()  # the process stops inside the e-mail state
    outbox.stuck = False
    outbox.release.set()

    second = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    try:
        [resent] = notifying(second, page_id)
        assert second.workflow.wait(resent) == "SUCCEEDED"
        assert [m["to"] for m in outbox.sent] == ["ann@example.com"]
    finally:
        second.close()
    third = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)  # settled: not again
    try:
        assert notifying(third, page_id) == [resent] and [m["to"] for m in outbox.sent] == ["ann@example.com"]
    finally:
        third.close()


def test_a_notice_whose_execution_ended_is_not_sent_again_after_a_restart(tmp_path):
    engines = Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=FakeOutbox())
    first = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    page_id = accept_upload(first.deps, page_photo(64), "image/png", "ann@example.com").body["id"]
    assert first.workflow.wait(first.records.get(page_id).execution_arn) == "SUCCEEDED"
    first.close()
    second = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    try:
        assert executions(second, page_id) == [] and [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
        assert second.records.unsettled_notices(0) == []
    finally:
        second.close()
