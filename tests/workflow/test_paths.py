"""The real ASL on the embedded interpreter: every path shows as states in the history."""

import json

import pytest
from storytime.service.results import retrieve
from storytime.service.uploads import accept_upload

from tests.fakes import FakeOcr, page_photo
from tests.workflow.helpers import entered, run_page


def test_new_page_runs_ocr_text_speech_record_notify(runtime, engines):
    answer, record, history = run_page(runtime, page_photo(1), "ann@example.com")

    assert answer.status == 202
    assert runtime.workflow.status(record.execution_arn) == "SUCCEEDED"
    assert entered(history) == ["LoadProgress", "WhatIsDone", "ChooseReader", "ReadPage", "ExtractText",
                                "IsWholePage", "HasText", "PlanSpeech", "SpeakParts", "ReadPart", "StartSpeech",
                                "SpeechStatus", "StartMarks", "MarksStatus",
                                "PartDone", "JoinAudio", "RecordComplete", "Notify", "Outcome", "Done"]
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
    photo = page_photo(9)
    _, record, _ = run_page(runtime, photo)
    runtime.records.update(record.id, status="PROCESSING", text_key=None, ocr_key=None, audio_key=None,
                           completed_at=None)
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
    _, record, history = run_page(runtime, page_photo(3))

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
    assert [m["to"] for m in engines.outbox.sent] == ["reader@localhost", "bob@example.com"]


def test_cached_path_in_history(runtime, engines):
    photo = page_photo(5)
    _, record, _ = run_page(runtime, photo)
    arn = runtime.workflow.start("cached-check", {"id": record.id, "imageKey": record.image_key,
                                                   "recipient": None, "config": {"pollSeconds": 0}})
    runtime.workflow.wait(arn)
    assert entered(runtime.workflow.history(arn)) == ["LoadProgress", "WhatIsDone", "AlreadyFinished",
                                                      "Notify", "Outcome", "Done"]


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
