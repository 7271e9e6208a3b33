"""A reader worker process that dies or hangs fails ReadPage the way the ASL expects of a reader
Lambda: EngineError, retried once by the state's Retry, then caught into RecordFailure (the page
RETRYING, re-driven later), never a page waiting for ever."""

import pytest
from storytime.local.reader_processes import ReaderProcesses
from storytime.local.runtime import Engines, LocalRuntime

from tests.fakes import FakeOutbox, FakeSpeech, page_photo
from tests.workflow.helpers import entered, failures, run_page


@pytest.mark.parametrize("factory", ["dying_reader", "hanging_reader"])
def test_a_reader_process_that_dies_or_hangs_fails_the_step_and_the_page_is_retried_later(tmp_path, factory):
    reader = ReaderProcesses(1, timeout=1, factory=f"tests.contract.reader_factories.{factory}")
    engines = Engines(ocr=reader, speech=FakeSpeech(), outbox=FakeOutbox())
    runtime = LocalRuntime(tmp_path / "data", "http://media.test", engines=engines)
    try:
        _, record, history = run_page(runtime, page_photo(31), "ann@example.com")
    finally:
        runtime.close()
        reader.close()
    assert failures(history)[:2] == ["EngineError", "EngineError"]  # the Retry's one more try
    assert "RecordFailure" in entered(history) and "ExtractText" not in entered(history)
    assert (record.status, record.error) == ("RETRYING", "EngineError")
    assert engines.speech.calls == [] and engines.outbox.sent == []
