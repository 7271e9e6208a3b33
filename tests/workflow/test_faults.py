"""Fault injection: AWS error names, Retry with backoff, Catch -> a classified failure -> one final answer."""

import json

import pytest
from storytime.core.records import Record, Status, text_key
from storytime.errors import EngineError
from storytime.local import aws_bridge
from storytime.local.aws_bridge import ServiceError, streaming
from storytime.local.runtime import LocalRuntime
from storytime.service.results import retrieve
from storytime.service.uploads import accept_upload

from tests.fakes import Flaky, page_photo
from tests.workflow.helpers import entered, failures, run_page
from tests.workflow.path_cases import BY_NAME


def inject(runtime, name, error, times):
    flaky = Flaky(runtime.operations[name], error, times)
    aws_bridge.install({name: flaky})
    return flaky


def later(runtime, seconds):
    now = runtime.deps.clock()
    runtime.deps.clock = lambda: now + seconds


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


def test_unreadable_image_ends_the_page_at_once_with_a_final_answer(rekognition_runtime, engines):
    """Issue 6: a page that can never succeed answered 503 for ever and was re-driven on every poll."""
    runtime = rekognition_runtime
    inject(runtime, "rekognition.DetectText",
           ServiceError("InvalidImageFormatException", "Request has invalid image format", 400), times=99)
    _, record, history = run_page(runtime, page_photo(13), "ann@example.com")

    assert runtime.workflow.status(record.execution_arn) == "FAILED"
    assert entered(history) == BY_NAME["UnreadableImage"].states
    assert (record.status, record.error) == ("FAILED", "Rekognition.InvalidImageFormatException")
    later(runtime, 3600)
    for _ in range(3):
        answer = retrieve(runtime.deps, record.id)
        assert (answer.status, answer.body["error"], answer.body["status"]) == (422, "UNREADABLE_IMAGE", "FAILED")
        assert "invalid image format" not in json.dumps(answer.body)  # a code and a message, never the cause
    assert runtime.records.get(record.id).attempts == 1
    [mail] = engines.outbox.sent
    assert mail["subject"] == "We could not read your page" and mail["to"] == "ann@example.com"
    assert engines.speech.calls == []


def test_a_failing_page_is_redriven_at_most_n_times_then_final_with_one_email(runtime, engines):
    """Issue 6: 5 GETs -> 6 attempts and 6 failure e-mails. Now: 1 + 3 attempts, then 500 with a code, one e-mail."""
    def broken(text, voice):
        raise EngineError("espeak-ng exited with 1")

    engines.speech.synthesize_mp3 = broken
    _, record, history = run_page(runtime, page_photo(14), "ann@example.com")
    assert (record.status, record.error) == ("RETRYING", "SpeechSynthesisFailed")
    assert "SpeechFailed" in entered(history) and engines.outbox.sent == []
    assert retrieve(runtime.deps, record.id).status == 503  # within the guard: not re-driven yet
    assert runtime.records.get(record.id).attempts == 1

    for _ in range(10):
        later(runtime, 61)
        answer = retrieve(runtime.deps, record.id)
        current = runtime.records.get(record.id)
        runtime.workflow.wait(current.execution_arn)
    final = runtime.records.get(record.id)
    assert (final.status, final.attempts) == ("FAILED", 1 + runtime.settings.max_redrives)
    answer = retrieve(runtime.deps, record.id)
    assert (answer.status, answer.body["error"]) == (500, "SPEECH_FAILED") and answer.body["message"]
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
    assert engines.outbox.sent[0]["subject"] == "We could not read your page"


def test_retrieve_resumes_a_retrying_page_from_stored_text_without_ocr(runtime, engines):
    real_speech = engines.speech.synthesize_mp3
    engines.speech.synthesize_mp3 = lambda text, voice: (_ for _ in ()).throw(EngineError("no audio device"))
    _, record, _ = run_page(runtime, page_photo(15), "ann@example.com")
    assert record.status == "RETRYING" and record.text_key

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
    assert [m["subject"] for m in engines.outbox.sent] == ["Your page is ready to listen to"]  # no failure mail


def put_page(runtime, n, **fields):
    photo = page_photo(40 + n)
    key = f"images/{n}.png"
    runtime.objects.put(key, photo, "image/png")
    record = Record(id=f"{n}" * 64, image_key=key, image_type="image/png", created_at=1.0, attempts=1,
                    attempt_at=1.0, **{"status": Status.PROCESSING, **fields})
    runtime.records.create(record)
    return record


def test_resume_from_stored_ocr_skips_detect_text(runtime, engines):
    from tests.fakes import detect_text_response

    runtime.objects.put("ocr/x.json", json.dumps(detect_text_response(["A stored page."])).encode(), "x")
    record = put_page(runtime, 1, ocr_key="ocr/x.json")  # OCR done, text never extracted
    retrieve(runtime.deps, record.id)
    resumed = runtime.records.get(record.id)
    runtime.workflow.wait(resumed.execution_arn)
    states = entered(runtime.workflow.history(resumed.execution_arn))
    assert "ReadPage" not in states and "ExtractText" in states
    assert engines.ocr.calls == 0
    assert runtime.records.get(record.id).status == "COMPLETE"


@pytest.mark.parametrize("left", [None, b"", b'{"TextDetections": [{"Detected'])
def test_ocr_output_a_power_cut_lost_or_cut_short_is_read_again_on_resume(runtime, engines, left):
    # OCR output is stored without an fsync: after a power cut the record may name it while the
    # file is missing, empty or cut short. The resume reads the page again instead of failing on it.
    if left is not None:
        runtime.objects.put("ocr/x.json", left, "application/json")
    record = put_page(runtime, 2, ocr_key="ocr/x.json")
    retrieve(runtime.deps, record.id)
    resumed = runtime.records.get(record.id)
    runtime.workflow.wait(resumed.execution_arn)
    states = entered(runtime.workflow.history(resumed.execution_arn))
    assert "ReadPage" in states and "ExtractText" in states
    assert engines.ocr.calls == 1
    finished = runtime.records.get(record.id)
    assert finished.status == "COMPLETE" and finished.ocr_key == f"ocr/{record.id}.json"
    assert json.loads(runtime.objects.get(finished.ocr_key))["TextDetections"]


@pytest.mark.parametrize("left", [None, b"", b"A stored pa"])
def test_text_a_power_cut_lost_or_cut_short_is_found_again_on_resume(runtime, engines, left):
    # The text is stored without an fsync until the page's last write: after a power cut the record
    # may name it while the file is missing, empty or cut short. The resume extracts it again from
    # the OCR output instead of speaking what is left.
    from tests.fakes import detect_text_response

    runtime.objects.put("ocr/y.json", json.dumps(detect_text_response(["A stored page."])).encode(), "x")
    if left is not None:
        runtime.objects.put("text/y.txt", left, "text/plain")
    record = put_page(runtime, 3, ocr_key="ocr/y.json", text_key="text/y.txt", characters=14, language="en")
    retrieve(runtime.deps, record.id)
    resumed = runtime.records.get(record.id)
    runtime.workflow.wait(resumed.execution_arn)
    states = entered(runtime.workflow.history(resumed.execution_arn))
    assert "ReadPage" not in states and "ExtractText" in states and engines.ocr.calls == 0
    finished = runtime.records.get(record.id)
    assert finished.status == "COMPLETE" and runtime.objects.get(finished.text_key) == b"A stored page."
    assert engines.speech.calls == [("A stored page.", "en-us")]


def test_a_whole_stored_text_is_spoken_on_resume_without_extracting_it_again(runtime, engines):
    key = text_key("4" * 64)  # where ExtractText puts it
    runtime.objects.put(key, b"A stored page.", "text/plain")
    record = put_page(runtime, 4, text_key=key, characters=14, language="en")
    retrieve(runtime.deps, record.id)
    resumed = runtime.records.get(record.id)
    runtime.workflow.wait(resumed.execution_arn)
    states = entered(runtime.workflow.history(resumed.execution_arn))
    assert "ExtractText" not in states and runtime.records.get(record.id).status == "COMPLETE"


@pytest.mark.parametrize("lines", [["Once upon a time."], []])
def test_the_text_is_made_durable_before_the_page_is_finished(runtime, engines, monkeypatch, lines):
    import os

    engines.ocr.lines = lines
    synced, real_fsync = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real_fsync(fd))
    _, record, _ = run_page(runtime, page_photo(18))
    assert record.status == ("COMPLETE" if lines else "NO_TEXT")
    assert str(runtime.objects.path(record.text_key)) in synced


def test_text_too_long_is_final_at_once_under_its_class_name(tmp_path, engines):
    engines.ocr.lines = ["word " * 40]
    small = LocalRuntime(tmp_path / "small", "http://m", engines=engines, settings={"max_text_chars": 50})
    try:
        _, record, history = run_page(small, page_photo(17))
        assert record.status == "FAILED" and record.error == "TextTooLong"
        assert "TextTooLong" in failures(history)
        later(small, 3600)
        answer = retrieve(small.deps, record.id)
        assert (answer.status, answer.body["error"]) == (422, "TEXT_TOO_LONG")
        assert small.records.get(record.id).attempts == 1
    finally:
        small.close()


def test_more_than_the_state_can_carry_is_final(runtime):
    """A step answering over 256 KB ends the execution with States.DataLimitExceeded: final, not 503 for ever."""
    invoke = runtime.operations["lambda.Invoke"]

    def oversized(params):
        if params["FunctionName"].endswith("PlanSpeech"):
            payload = {"parts": list(range(60_000)), "voice": {}}
            return {"StatusCode": 200, "Payload": streaming(json.dumps(payload).encode())}
        return invoke(params)

    aws_bridge.install({"lambda.Invoke": oversized})
    _, record, history = run_page(runtime, page_photo(18))
    assert "States.DataLimitExceeded" in failures(history)
    assert (record.status, record.error) == ("FAILED", "States.DataLimitExceeded")
    assert retrieve(runtime.deps, record.id).body["error"] == "PAGE_TOO_LARGE"


def test_a_failed_repeat_never_overwrites_a_finished_page(runtime, engines):
    """Issue 6: a repeat upload whose first step failed turned a COMPLETE page into FAILED (and its answer 503)."""
    photo = page_photo(19)
    _, record, _ = run_page(runtime, photo)
    invoke = runtime.operations["lambda.Invoke"]

    def load_progress_fails(params):
        if params["FunctionName"].endswith("LoadProgress"):
            return {"StatusCode": 200, "FunctionError": "Unhandled",
                    "Payload": streaming(json.dumps({"errorType": "EngineError", "errorMessage": "boom"}).encode())}
        return invoke(params)

    aws_bridge.install({"lambda.Invoke": load_progress_fails})
    again = accept_upload(runtime.deps, photo, "image/png", "bob@example.com")
    assert runtime.workflow.wait(again.execution_arn) == "FAILED"
    assert "RecordFailure" in entered(runtime.workflow.history(again.execution_arn))
    assert runtime.records.get(record.id) == record
    assert retrieve(runtime.deps, record.id).status == 200


def test_a_failed_email_neither_fails_nor_repeats_the_page(runtime, engines):
    failing = inject(runtime, "sesv2.SendEmail", ServiceError("TooManyRequestsException", "Slow down", 429), times=99)
    _, record, history = run_page(runtime, page_photo(20), "ann@example.com")
    assert record.status == "COMPLETE"
    assert runtime.workflow.status(record.execution_arn) == "SUCCEEDED"
    assert "NotSent" in entered(history) and "SesV2.TooManyRequestsException" in failures(history)
    assert failing.calls == 1 + 4  # the Retry's attempts, once per page
    assert engines.outbox.sent == []
    later(runtime, 3600)
    assert retrieve(runtime.deps, record.id).status == 200
    assert runtime.records.get(record.id).attempts == 1 and failing.calls == 5


def test_an_email_ses_rejects_is_not_retried_and_the_page_stays_complete(runtime, engines):
    failing = inject(runtime, "sesv2.SendEmail", ServiceError("MessageRejected", "Email address is not verified."),
                     times=99)
    _, record, history = run_page(runtime, page_photo(21), "ann@example.com")
    assert record.status == "COMPLETE" and runtime.workflow.status(record.execution_arn) == "SUCCEEDED"
    assert failures(history) == ["SesV2.MessageRejectedException"] and failing.calls == 1
    assert "NotSent" in entered(history)


def test_subscribers_unreachable_still_mail_the_person_and_complete_the_page(runtime, engines):
    failing = inject(runtime, "sns.Publish", ServiceError("InternalError", "SNS is down", 500), times=99)
    _, record, history = run_page(runtime, page_photo(22), "ann@example.com")
    assert record.status == "COMPLETE" and runtime.workflow.status(record.execution_arn) == "SUCCEEDED"
    assert "SNS.InternalErrorException" in failures(history) and failing.calls == 1 + 4
    [mail] = engines.outbox.sent
    assert mail["to"] == "ann@example.com"
    final = [e for e in history if e["type"] == "ExecutionSucceeded"][0]["executionSucceededEventDetails"]["output"]
    assert "SNS.InternalErrorException" in final  # the error is kept in the state ($.notifyError)


def test_a_restart_resumes_interrupted_pages_but_not_retrying_ones(tmp_path, engines):
    first = LocalRuntime(tmp_path / "d", "http://m", engines=engines)
    arn = "arn:aws:states:us-east-1:123456789012:execution:storytime:"
    put_page(first, 0, execution_arn=arn + "0")
    put_page(first, 1, status=Status.RETRYING, execution_arn=arn + "1")
    first.close()

    second = LocalRuntime(tmp_path / "d", "http://m", engines=engines)
    try:
        interrupted, retrying = second.records.get("0" * 64), second.records.get("1" * 64)
        assert interrupted.attempts == 2 and retrying.attempts == 1
        second.workflow.wait(interrupted.execution_arn)
        assert second.records.get("0" * 64).status == "COMPLETE"
        assert second.records.get("1" * 64).status == "RETRYING"
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
                           local=LocalSettings(engine_slots=1, engine_nice=0, engine_wait_seconds=0.2))
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
