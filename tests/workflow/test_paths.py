"""The real ASL on the embedded interpreter: every path shows as states in the history."""

import json

import pytest
from storytime.core.content_id import content_id as page_id
from storytime.service.results import retrieve
from storytime.service.uploads import accept_upload

from tests.fakes import FakeOcr, page_photo
from tests.workflow.helpers import entered, run_page
from tests.workflow.path_cases import BY_NAME


def test_new_page_runs_ocr_text_speech_record_notify(runtime, engines):
    answer, record, history = run_page(runtime, page_photo(1), "ann@example.com")

    assert answer.status == 202
    assert runtime.workflow.status(record.execution_arn) == "SUCCEEDED"
    assert entered(history) == BY_NAME["NewPageTesseractReader"].states  # the path Step Functions Local runs too
    assert record.status == "COMPLETE"
    assert runtime.objects.get(record.text_key).decode() == \
        "Once upon a time there was a small fox who loved to read."
    assert engines.ocr.calls == 1
    assert engines.speech.calls == [("Once upon a time there was a small fox who loved to read.", "en-us")]
    assert runtime.objects.get(record.audio_key).startswith(b"\xff\xfb")
    [mail] = engines.outbox.sent
    assert mail["to"] == "ann@example.com"
    assert record.audio_key in mail["body"]


def test_rekognition_reads_first_where_configured(rekognition_runtime, engines):
    _, record, history = run_page(rekognition_runtime, page_photo(8))
    assert entered(history)[:7] == ["LoadProgress", "WhatIsDone", "ChooseReader", "DetectText", "ExtractText",
                                    "IsWholePage", "HasText"]
    assert record.status == "COMPLETE" and engines.ocr.calls == 1
    assert rekognition_runtime.objects.exists(record.ocr_key)


def test_an_execution_input_without_a_reader_reads_with_rekognition(runtime, engines):
    # Executions started before the setting existed carry no config.reader.
    from storytime.core.records import Record, Status

    record = Record(id="9" * 64, status=Status.QUEUED, image_key="images/9.png", image_type="image/png",
                    created_at=1.0)
    runtime.objects.put(record.image_key, page_photo(9), "image/png")
    runtime.records.create(record)
    arn = runtime.workflow.start("no-reader", {"id": record.id, "imageKey": record.image_key,
                                               "recipient": None, "config": {"pollSeconds": 0}})
    runtime.workflow.wait(arn)
    states = entered(runtime.workflow.history(arn))
    assert "DetectText" in states and "ReadPage" not in states


def test_large_data_stays_in_storage_and_the_state_carries_keys(runtime):
    _, record, history = run_page(runtime, page_photo(2))
    final = [e for e in history if e["type"] == "ExecutionSucceeded"][0]
    output = final["executionSucceededEventDetails"]["output"]
    assert "TextDetections" not in output
    assert "Once upon a time" not in output  # the text itself is only in storage
    assert record.text_key in output and runtime.objects.exists(record.ocr_key)


def test_no_text_records_no_text_and_notifies_without_speech(tmp_path, runtime, engines):
    engines.ocr.lines = []
    _, record, history = run_page(runtime, page_photo(3), "ann@example.com")

    assert record.status == "NO_TEXT"
    assert "RecordNoText" in entered(history) and "SpeakParts" not in entered(history)
    assert engines.speech.calls == []
    assert engines.outbox.sent[0]["subject"] == "We found no text on your page"
    assert retrieve(runtime.deps, record.id).status == 422


def test_symbol_debris_is_not_spoken_and_alone_is_no_text(runtime, engines):
    engines.ocr.lines = ["The fox | ran ~ home."]
    _, record, _ = run_page(runtime, page_photo(30))
    assert runtime.objects.get(record.text_key).decode() == "The fox ran home."
    assert engines.speech.calls == [("The fox ran home.", "en-us")]

    engines.ocr.lines = ["| ~ *"]
    _, record, _ = run_page(runtime, page_photo(31))
    assert record.status == "NO_TEXT" and len(engines.speech.calls) == 1


def test_cached_duplicate_notifies_again_without_ocr_or_speech(runtime, engines):
    photo = page_photo(4)
    run_page(runtime, photo)
    again = accept_upload(runtime.deps, photo, "image/png", "bob@example.com")

    assert again.status == 200 and again.body["status"] == "COMPLETE"
    assert again.body["text"].startswith("Once upon a time")
    runtime.workflow.wait(again.execution_arn)
    assert engines.ocr.calls == 1 and len(engines.speech.calls) == 1
    assert [m["to"] for m in engines.outbox.sent] == ["bob@example.com"]


def test_no_address_no_email_and_a_repeat_without_one_starts_nothing(runtime, engines):
    """Issue 6: mail went to reader@localhost, and a repeat without an address mailed the first uploader."""
    photo = page_photo(21)
    _, record, _ = run_page(runtime, photo)
    assert engines.outbox.sent == []
    run_page(runtime, page_photo(22), "ann@example.com")
    for _ in range(3):
        again = accept_upload(runtime.deps, page_photo(22), "image/png")
        assert again.status == 200 and again.execution_arn is None  # nothing to send: no execution
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]


def test_repeat_uploads_tell_each_address_once_a_day(runtime, engines):
    """Issue 6: 20 uploads of a finished page -> 20 e-mails to one victim address."""
    photo = page_photo(23)
    run_page(runtime, photo, "ann@example.com")
    runs = [accept_upload(runtime.deps, photo, "image/png", "victim@example.com") for _ in range(20)]
    runs += [accept_upload(runtime.deps, photo, "image/png", "ann@example.com") for _ in range(5)]
    started = [a.execution_arn for a in runs if a.execution_arn]
    assert len(started) == 1
    runtime.workflow.wait(started[0])
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com", "victim@example.com"]

    now = runtime.deps.clock()
    runtime.deps.clock = lambda: now + 86_401
    tomorrow = accept_upload(runtime.deps, photo, "image/png", "victim@example.com")
    runtime.workflow.wait(tomorrow.execution_arn)
    assert [m["to"] for m in engines.outbox.sent][-1] == "victim@example.com" and len(engines.outbox.sent) == 3


def test_many_pages_in_one_victims_name_send_at_most_the_daily_limit(runtime, engines):
    """Uploading many different pages naming someone else's address must not flood their inbox."""
    from dataclasses import replace

    runtime.deps.settings = replace(runtime.deps.settings, max_notices_per_address_per_day=3)
    for n in range(5):
        run_page(runtime, page_photo(300 + n), "victim@example.com")
    assert [m["to"] for m in engines.outbox.sent] == ["victim@example.com"] * 3
    assert [r.status for r in map(runtime.records.get, [page_id(page_photo(300 + n)) for n in range(5)])] \
        == ["COMPLETE"] * 5  # every page is read; only the mail is held back


def test_every_address_given_while_in_progress_is_told_once_when_it_ends(gated_runtime):
    """Issue 6: five people sent the page while it was read; one e-mail."""
    rt, engines = gated_runtime, gated_runtime.engines
    photo = page_photo(24)
    first = accept_upload(rt.deps, photo, "image/png", "p0@example.com")
    assert engines.ocr.entered.wait(30)
    for n in [1, 2, 3, 4, 1, 0]:
        assert accept_upload(rt.deps, photo, "image/png", f"p{n}@example.com").status == 202
    engines.ocr.gate.set()
    assert rt.workflow.wait(first.execution_arn) == "SUCCEEDED"
    assert sorted(m["to"] for m in engines.outbox.sent) == [f"p{n}@example.com" for n in range(5)]
    assert accept_upload(rt.deps, photo, "image/png", "p3@example.com").execution_arn is None


def test_the_speech_poll_path_runs_when_synthesis_finishes_after_start(tmp_path):
    """What AWS always does: StartSpeech answers 'scheduled', WaitForSpeech -> GetSpeech until 'completed'."""
    import threading

    from storytime.local.runtime import Engines, LocalRuntime

    from tests.fakes import FakeOutbox, FakeSpeech

    class SlowSpeech(FakeSpeech):
        def __init__(self):
            super().__init__()
            self.gate = threading.Event()

        def synthesize_mp3(self, text, voice):
            assert self.gate.wait(60)
            return super().synthesize_mp3(text, voice)

    engines = Engines(ocr=FakeOcr(), speech=SlowSpeech(), outbox=FakeOutbox())
    rt = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines, speech_inline_seconds=0,
                      settings={"poll_seconds": 1})
    try:
        answer = accept_upload(rt.deps, page_photo(25), "image/png")
        arn = rt.records.get(answer.body["id"]).execution_arn
        while entered(rt.workflow.history(arn)).count("GetSpeech") < 2:
            assert rt.workflow.status(arn) == "RUNNING"
        engines.speech.gate.set()
        assert rt.workflow.wait(arn) == "SUCCEEDED"
        states = entered(rt.workflow.history(arn))
        loop = states[states.index("StartSpeech"):states.index("StartMarks")]  # the audio's loop
        assert loop.count("WaitForSpeech") >= 2 and loop.count("GetSpeech") == loop.count("WaitForSpeech")
        assert loop[-2:] == ["GetSpeech", "SpeechStatus"]  # the poll saw it completed
        record = rt.records.get(answer.body["id"])
        assert record.status == "COMPLETE" and rt.objects.get(record.audio_key).startswith(b"\xff\xfb")
    finally:
        engines.speech.gate.set()
        rt.close()


def test_cached_path_in_history(runtime, engines):
    photo = page_photo(5)
    _, record, _ = run_page(runtime, photo)
    arn = runtime.workflow.start("cached-check", {"id": record.id, "imageKey": record.image_key,
                                                   "recipient": None, "config": {"pollSeconds": 0}})
    runtime.workflow.wait(arn)
    assert entered(runtime.workflow.history(arn)) == ["LoadProgress", "WhatIsDone", "AlreadyFinished",
                                                      "Notify", "Outcome", "Done"]  # nobody to tell: no Publish


def test_long_text_is_spoken_in_parts_joined_in_order(tmp_path, engines):
    from storytime.local.runtime import LocalRuntime

    engines.ocr.lines = [f"Sentence number {n} is here." for n in range(12)]
    rt = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines, settings={"speech_part_chars": 60})
    try:
        _, record, history = run_page(rt, page_photo(6))
        assert record.status == "COMPLETE"
        parts = [text for text, _ in engines.speech.calls]
        assert len(parts) > 3 and all(len(p) <= 60 for p in parts)
        assert " ".join(parts) == rt.objects.get(record.text_key).decode()
        audio = rt.objects.get(record.audio_key)
        assert audio == b"".join(b"\xff\xfb" + p.encode() for p in parts)
        assert not any(rt.objects.root.joinpath("speech").rglob("*.mp3"))  # parts cleaned up
    finally:
        rt.close()


def test_korean_page_gets_a_korean_voice(runtime, engines):
    engines.ocr.lines = ["옛날 옛적에 작은 여우가", "책 읽기를 좋아했어요."]
    _, record, _ = run_page(runtime, page_photo(7))
    assert record.language == "ko" and record.voice == "Seoyeon"
    assert engines.speech.calls[0][1] == "ko"


def test_fake_ocr_is_shaped_like_the_real_engine():
    # The contract test (tests/e2e/test_ocr_tesseract.py) holds the real engine to the same schema.
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("storytime.ocr").joinpath("schemas/detect_text_response.json").read_text())
    jsonschema.validate(FakeOcr()(b""), schema)


SPEECH_STATES = {"ReadPart", "StartSpeech", "SpeechStatus", "CountPoll", "PollsLeft", "WaitForSpeech", "GetSpeech",
                 "StartMarks", "MarksStatus", "CountMarksPoll", "MarksPollsLeft", "WaitForMarks", "GetMarks", "NoMarks",
                 "PartDone"}


def _state_payload_sizes(history) -> dict[str, int]:
    """Largest input or output per state; Polly takes the words it speaks inline, so a speech
    part's states carry that part's text (bounded by speech_part_chars) and nothing else does."""
    sizes, state = {}, "execution"
    for event in history:
        for key, details in event.items():
            if key.endswith("EventDetails") and isinstance(details, dict):
                state = details.get("name", state)
                for field in ("input", "output"):
                    if isinstance(details.get(field), str):
                        sizes[state] = max(sizes.get(state, 0), len(details[field].encode("utf-8")))
    return sizes


@pytest.mark.parametrize("words", [600, 2000])
def test_a_dense_page_reads_whole_and_no_state_carries_its_detections(runtime, engines, words):
    # 12 words a line; as the Tesseract reader answers, detections are far over 256 KB at 2,000 words.
    vocabulary = ["river", "lantern", "quietly", "morning", "garden", "whisper", "harbour", "silver"]
    text_words = [f"{vocabulary[n % len(vocabulary)]}{n}" for n in range(words)]
    engines.ocr.lines = [" ".join(text_words[i:i + 12]) + "." for i in range(0, words, 12)]
    detections_bytes = len(json.dumps(engines.ocr(b"")).encode())
    engines.ocr.calls = 0

    _, record, history = run_page(runtime, page_photo(50 + words))

    assert record.status == "COMPLETE"
    assert runtime.objects.get(record.text_key).decode().split() == " ".join(engines.ocr.lines).split()
    assert engines.ocr.calls == 1
    sizes = _state_payload_sizes(history)
    largest = max(size for state, size in sizes.items() if state not in SPEECH_STATES)
    assert largest < 4096 < detections_bytes, ({s: n for s, n in sizes.items() if n >= 4096}, detections_bytes)
    part_chars = runtime.settings.speech_part_chars
    assert max(sizes[s] for s in SPEECH_STATES if s in sizes) < 4096 + 3 * part_chars
