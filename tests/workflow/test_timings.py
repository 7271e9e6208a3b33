"""Read-along timings: a second synthesis task per part (speech marks), joined into one file for the page."""

import json

import lameenc
import pytest
from storytime.core.audio import mp3_seconds
from storytime.errors import EngineError
from storytime.local.runtime import Engines, LocalRuntime

from tests.fakes import FakeOcr, FakeOutbox, page_photo
from tests.workflow.helpers import entered, run_page

LINES = ["One little fox read a book.", "Then the fox read another one.", "The end came at last."]
RATE = 16_000


class SilentSpeech:
    """Real MP3s (silence, 60 ms a character) and one sentence mark per sentence, like the local engine's."""

    def __init__(self, marks=True):
        self.marks = marks

    def synthesize_mp3(self, text, voice):
        encoder = lameenc.Encoder()
        encoder.set_channels(1)
        encoder.set_in_sample_rate(RATE)
        encoder.set_bit_rate(32)
        pcm = bytes(2 * int(RATE * 0.06 * len(text)))
        return bytes(encoder.encode(pcm) + encoder.flush())

    def speech_marks(self, text, voice, types=("sentence",)):
        if not self.marks:
            raise EngineError("no marks today")
        marks, at = [], 0
        for sentence in text.split(". "):
            value = sentence if sentence.endswith(".") else sentence + "."
            start = text.encode().find(value.encode())
            marks.append({"time": at, "type": "sentence", "start": start, "end": start + len(value.encode()),
                          "value": value})
            at += int(60 * len(value))
        return marks


def runtime_with(tmp_path, speech):
    engines = Engines(ocr=FakeOcr(LINES), speech=speech, outbox=FakeOutbox())
    # Small parts: the page's text is spoken in three synthesis tasks.
    return LocalRuntime(tmp_path / "data", "http://media.test", engines=engines, settings={"speech_part_chars": 32})


@pytest.fixture
def timed(tmp_path):
    rt = runtime_with(tmp_path, SilentSpeech())
    yield rt
    rt.close()


def test_each_part_gets_marks_and_the_page_one_timing_file(timed):
    answer, record, history = run_page(timed, page_photo(21))
    assert record.status == "COMPLETE"
    assert entered(history).count("StartMarks") == 3 and "NoMarks" not in entered(history)

    timings = json.loads(timed.objects.get(record.timings_key))
    assert [m["value"] for m in timings["marks"]] == LINES
    # Each part's marks move by the length of the audio before it, as the joined MP3 plays.
    parts = [SilentSpeech().synthesize_mp3(line, "en-us") for line in LINES]
    assert [m["time"] for m in timings["marks"]] == [0, round(mp3_seconds(parts[0]) * 1000),
                                                     round((mp3_seconds(parts[0]) + mp3_seconds(parts[1])) * 1000)]
    assert mp3_seconds(timed.objects.get(record.audio_key)) == pytest.approx(sum(map(mp3_seconds, parts)), abs=0.1)
    # The parts' files are gone; the answer links the timings.
    assert not [p for p in timed.objects.root.rglob("*") if p.is_file() and "speech/" in p.as_posix()]
    assert timed.deps.settings.media_base_url + "/" + record.timings_key == \
        run_page(timed, page_photo(21))[0].body["timingsUrl"]


def test_a_part_without_marks_is_still_spoken(tmp_path):
    rt = runtime_with(tmp_path, SilentSpeech(marks=False))
    try:
        _, record, history = run_page(rt, page_photo(22))
        assert record.status == "COMPLETE" and entered(history).count("NoMarks") == 3
        assert json.loads(rt.objects.get(record.timings_key)) == {"version": 1, "marks": []}
    finally:
        rt.close()
