"""Fault injection: AWS error names, Retry with backoff, Catch -> FAILED record -> failure notice."""

from storytime.errors import EngineError
from storytime.local import aws_bridge
from storytime.local.aws_bridge import ServiceError
from storytime.service.results import retrieve

from tests.fakes import Flaky, page_photo
from tests.workflow.helpers import entered, failures, run_page


def inject(runtime, name, error, times):
    flaky = Flaky(runtime.operations[name], error, times)
    aws_bridge.install({name: flaky})
    return flaky


def test_throttled_ocr_is_retried_then_succeeds(rekognition_runtime, engines):
    runtime = rekognition_runtime
    flaky = inject(runtime, "rekognition.DetectText",
                   ServiceError("ThrottlingException", "Slow down", 400), times=2)
    _, record, history = run_page(runtime, page_photo(10))

    assert record.status == "COMPLETE"
    assert failures(history) == ["Rekognition.ThrottlingException"] * 2
    types = [e["type"] for e in history]
    first_failure = types.index("TaskFailed")
    assert "TaskSucceeded" in types[first_failure:]
    assert flaky.calls == 3 and engines.ocr.calls == 1


def test_polly_service_failure_is_retried(runtime, engines):
    inject(runtime, "polly.StartSpeechSynthesisTask",
           ServiceError("ServiceFailureException", "Polly hiccup", 500), times=1)
    _, record, history = run_page(runtime, page_photo(11))
    assert record.status == "COMPLETE"
    assert failures(history) == ["Polly.ServiceFailureException"]


def test_lambda_service_exception_is_retried(runtime):
    inject(runtime, "lambda.Invoke", ServiceError("ServiceException", "Lambda hiccup", 500), times=1)
    _, record, history = run_page(runtime, page_photo(12))
    assert record.status == "COMPLETE"
    assert failures(history) == ["Lambda.ServiceException"]


def test_permanent_ocr_failure_is_caught_recorded_and_notified(rekognition_runtime, engines):
    runtime = rekognition_runtime
    inject(runtime, "rekognition.DetectText",
           ServiceError("InvalidImageFormatException", "Request has invalid image format", 400), times=99)
    _, record, history = run_page(runtime, page_photo(13), "ann@example.com")

    assert runtime.workflow.status(record.execution_arn) == "FAILED"
    assert entered(history)[-4:] == ["RecordFailure", "Notify", "Outcome", "Failed"]
    assert record.status == "FAILED"
    assert record.error == "Rekognition.InvalidImageFormatException"
    assert "invalid image format" in record.cause
    [mail] = engines.outbox.sent
    assert mail["subject"] == "We could not read your page" and mail["to"] == "ann@example.com"
    assert engines.speech.calls == []


def test_failed_speech_task_is_caught(runtime, engines):
    def broken(text, voice):
        raise EngineError("espeak-ng exited with 1")

    engines.speech.synthesize_mp3 = broken
    _, record, history = run_page(runtime, page_photo(14))
    assert record.status == "FAILED"
    assert record.error == "SpeechSynthesisFailed"
    assert "SpeechFailed" in entered(history)


def test_retrieve_resumes_a_failed_page_from_stored_text_without_ocr(runtime, engines):
    real_speech = engines.speech.synthesize_mp3
    engines.speech.synthesize_mp3 = lambda text, voice: (_ for _ in ()).throw(EngineError("no audio device"))
    _, record, _ = run_page(runtime, page_photo(15), "ann@example.com")
    assert record.status == "FAILED" and record.text_key

    fresh = retrieve(runtime.deps, record.id)
    assert fresh.status == 503 and runtime.records.get(record.id).attempts == 1  # not yet stale

    engines.speech.synthesize_mp3 = real_speech
    runtime.deps.clock = lambda: record.attempt_at + 61
    stale = retrieve(runtime.deps, record.id)
    assert stale.status == 503 and stale.headers["Retry-After"] == "60"
    resumed = runtime.records.get(record.id)
    assert resumed.attempts == 2
    runtime.workflow.wait(resumed.execution_arn)
    history = runtime.workflow.history(resumed.execution_arn)

    assert "ReadPage" not in entered(history) and "ExtractText" not in entered(history)
    assert runtime.records.get(record.id).status == "COMPLETE"
    assert engines.ocr.calls == 1 and len(engines.speech.calls) == 1
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"] * 2  # failure, then ready


def test_resume_from_stored_ocr_skips_detect_text(runtime, engines):
    _, record, _ = run_page(runtime, page_photo(16))
    # Keep the OCR output, forget the text, as if ExtractText had never finished.
    runtime.records.update(record.id, status="PROCESSING", text_key=None, audio_key=None, completed_at=None)
    runtime.deps.clock = lambda: record.attempt_at + 120
    runtime.records.update(record.id, execution_arn=None)
    retrieve(runtime.deps, record.id)
    resumed = runtime.records.get(record.id)
    runtime.workflow.wait(resumed.execution_arn)
    states = entered(runtime.workflow.history(resumed.execution_arn))
    assert "ReadPage" not in states and "ExtractText" in states
    assert engines.ocr.calls == 1
    assert runtime.records.get(record.id).status == "COMPLETE"


def test_lambda_errors_carry_the_exception_class_name(tmp_path, engines):
    from storytime.local.runtime import LocalRuntime

    engines.ocr.lines = ["word " * 40]
    small = LocalRuntime(tmp_path / "small", "http://m", engines=engines, settings={"max_text_chars": 50})
    try:
        _, record, history = run_page(small, page_photo(17))
        assert record.status == "FAILED" and record.error == "TextTooLong"
        assert "TextTooLong" in failures(history)
    finally:
        small.close()


def test_a_restart_resumes_interrupted_pages_but_not_failed_ones(tmp_path, engines):
    from storytime.core.records import Record, Status
    from storytime.local.runtime import LocalRuntime

    first = LocalRuntime(tmp_path / "d", "http://m", engines=engines)
    for n, status in enumerate((Status.PROCESSING, Status.FAILED)):
        photo = page_photo(40 + n)
        key = f"images/{n}.png"
        first.objects.put(key, photo, "image/png")
        first.records.create(Record(id=f"{n}" * 64, status=status, image_key=key, image_type="image/png",
                                    created_at=1.0, attempts=1, attempt_at=1.0,
                                    execution_arn=f"arn:aws:states:us-east-1:123456789012:execution:storytime:{n}"))
    first.close()

    second = LocalRuntime(tmp_path / "d", "http://m", engines=engines)
    try:
        interrupted, failed = second.records.get("0" * 64), second.records.get("1" * 64)
        assert interrupted.attempts == 2 and failed.attempts == 1
        second.workflow.wait(interrupted.execution_arn)
        assert second.records.get("0" * 64).status == "COMPLETE"
        assert second.records.get("1" * 64).status == "FAILED"
    finally:
        second.close()


def test_a_page_waits_for_a_free_engine_slot_and_the_history_shows_it(tmp_path):
    import time

    from storytime.local.config import LocalSettings
    from storytime.local.runtime import Engines, LocalRuntime
    from storytime.service.uploads import accept_upload

    from tests.fakes import FakeOutbox, FakeSpeech, GatedOcr

    ocr = GatedOcr()
    runtime = LocalRuntime(tmp_path / "data", "http://media.test",
                           engines=Engines(ocr=ocr, speech=FakeSpeech(), outbox=FakeOutbox()),
                           local=LocalSettings(engine_slots=1, engine_nice=0))
    try:
        first = accept_upload(runtime.deps, page_photo(30), "image/png")
        assert ocr.entered.wait(30)  # the first page holds the only slot
        second = accept_upload(runtime.deps, page_photo(31), "image/png")
        waiting = runtime.records.get(second.body["id"]).execution_arn
        deadline = time.monotonic() + 30
        while "Lambda.TooManyRequestsException" not in failures(runtime.workflow.history(waiting)):
            assert time.monotonic() < deadline, "the second page was never refused a slot"
            time.sleep(0.05)
        ocr.gate.set()
        for answer in (first, second):
            record = runtime.records.get(answer.body["id"])
            runtime.workflow.wait(record.execution_arn)
            assert runtime.records.get(record.id).status == "COMPLETE"
        assert ocr.calls == 2
        # Refusals only (the two pages' speech and speech-marks tasks may also meet at the one slot).
        refused = set(failures(runtime.workflow.history(waiting)))
        assert "Lambda.TooManyRequestsException" in refused
        assert refused <= {"Lambda.TooManyRequestsException", "Polly.ThrottlingException"}
        assert runtime.slots.in_use == 0 and runtime.slots.refused >= 1
    finally:
        ocr.gate.set()
        runtime.close()
