"""Rekognition first (the AWS default), the Tesseract reader when its answer cannot be the whole page.

DetectText is answered by the local engine within Rekognition's documented
limits (100 words, Latin script: storytime.local.rekognition_limits), so the
Choice after it sees what AWS would return and the fallback runs for real.
"""

from pathlib import Path

import pytest
from storytime.core.reading import read_page
from storytime.local.runtime import Engines, LocalRuntime
from storytime.service.uploads import accept_upload

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech, detect_text_response, page_photo
from tests.workflow.helpers import entered, run_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOSTON = (FIXTURES / "pagedewarp_boston_cooking_a.jpg.gt.txt").read_text("utf-8").splitlines()
KOREAN = ["옛날 옛적에 작은 마을에", "책을 좋아하는 여우가 살았어요.", "여우는 매일 밤 별을 보며 이야기를 읽었어요."]


class DoubtfulOcr(FakeOcr):
    """An engine answer whose words come back with low confidence, as an unread script does."""

    def __call__(self, image):
        answer = super().__call__(image)
        for item in answer["TextDetections"]:
            item["Confidence"] = 41.0
        return answer


def rekognition_first(tmp_path, ocr):
    engines = Engines(ocr=ocr, speech=FakeSpeech(), outbox=FakeOutbox())
    return LocalRuntime(tmp_path / "data", "http://media.test", engines=engines,
                        settings={"first_reader": "rekognition"})


@pytest.fixture
def read(tmp_path):
    runtimes = []

    def run(ocr, seed):
        runtime = rekognition_first(tmp_path / str(seed), ocr)
        runtimes.append(runtime)
        _, record, history = run_page(runtime, page_photo(seed))
        return runtime, record, entered(history)

    yield run
    for runtime in runtimes:
        runtime.close()


def text_of(runtime, record) -> str:
    return runtime.objects.get(record.text_key).decode("utf-8")


def test_a_dense_page_reaches_the_tesseract_reader_and_reads_whole(read):
    ocr = FakeOcr(BOSTON)
    runtime, record, states = read(ocr, 31)
    assert states[3:7] == ["DetectText", "ExtractText", "IsWholePage", "ReadPage"]
    assert record.status == "COMPLETE"
    whole = read_page(detect_text_response(BOSTON)["TextDetections"])
    assert len(whole.split()) > 300
    assert text_of(runtime, record) == whole  # every word, not Rekognition's first 100
    assert ocr.calls == 2  # once as Rekognition, once as the dense-page reader


def test_a_korean_page_reaches_the_tesseract_reader(read):
    runtime, record, states = read(FakeOcr(KOREAN), 32)
    assert states[3:7] == ["DetectText", "ExtractText", "IsWholePage", "ReadPage"]
    assert record.status == "COMPLETE" and record.language == "ko"
    assert text_of(runtime, record).startswith("옛날 옛적에")


@pytest.mark.parametrize("language, states", [
    ("ko", ["ReadPage", "ExtractText", "IsWholePage", "HasText"]),  # named Korean: straight to the reader, read once
    ("fr", ["DetectText", "ExtractText", "IsWholePage", "ReadPage"]),  # Latin script: Rekognition first
])
def test_a_page_named_in_a_script_rekognition_cannot_read_goes_to_the_reader_first(tmp_path, language, states):
    ocr = FakeOcr(KOREAN)
    runtime = rekognition_first(tmp_path, ocr)
    try:
        answer = accept_upload(runtime.deps, page_photo(40), "image/png", language=language)
        record = runtime.records.get(answer.body["id"])
        runtime.workflow.wait(record.execution_arn)
        entered_states = entered(runtime.workflow.history(record.execution_arn))
        assert entered_states[3:3 + len(states)] == states
        assert ocr.calls == len([s for s in states if s in ("DetectText", "ReadPage")])
        assert runtime.records.get(record.id).status == "COMPLETE"
    finally:
        runtime.close()


def test_a_short_latin_page_stays_on_rekognition(read):
    ocr = FakeOcr()
    runtime, record, states = read(ocr, 33)
    assert states[3:7] == ["DetectText", "ExtractText", "IsWholePage", "HasText"]
    assert "ReadPage" not in states
    assert record.status == "COMPLETE" and ocr.calls == 1
    assert text_of(runtime, record) == "Once upon a time there was a small fox who loved to read."


def test_words_rekognition_doubts_send_the_page_to_the_tesseract_reader(read):
    _, record, states = read(DoubtfulOcr(), 34)
    assert states[3:7] == ["DetectText", "ExtractText", "IsWholePage", "ReadPage"]
    assert record.status == "COMPLETE"


@pytest.mark.parametrize("count,reader", [(99, "HasText"), (100, "ReadPage")])
def test_the_hundredth_word_is_where_rekognition_may_have_stopped(read, count, reader):
    lines = [" ".join(f"word{n}" for n in range(start, min(start + 10, count))) for start in range(0, count, 10)]
    assert sum(len(line.split()) for line in lines) == count
    assert len([d for d in detect_text_response(lines)["TextDetections"] if d["Type"] == "WORD"]) == count
    _, record, states = read(FakeOcr(lines), 35 + count)
    assert states[6] == reader
    assert record.status == "COMPLETE"
