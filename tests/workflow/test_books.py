"""A book's narration joined by the workflow when its last page is read, on the real ASL."""

import lameenc
import pytest
from storytime.core.books import book_audio_key, book_timings_key
from storytime.core.records import Status
from storytime.local.runtime import Engines, LocalRuntime
from storytime.service.books import add_image_page, create_book

from tests.fakes import FakeOutbox, FakeSpeech, GatedOcr, page_photo
from tests.workflow.helpers import entered


class RealMp3Speech(FakeSpeech):
    def synthesize_mp3(self, text, voice):
        super().synthesize_mp3(text, voice)
        encoder = lameenc.Encoder()
        encoder.set_channels(1)
        encoder.set_in_sample_rate(16_000)
        encoder.set_bit_rate(32)
        return bytes(encoder.encode(bytes(2 * 800 * len(text))) + encoder.flush())


@pytest.fixture
def ocr():
    gated = GatedOcr()
    gated.gate.set()
    yield gated
    gated.gate.set()


@pytest.fixture
def runtime(tmp_path, ocr):
    rt = LocalRuntime(tmp_path / "data", "http://media.test",
                      engines=Engines(ocr=ocr, speech=RealMp3Speech(), outbox=FakeOutbox()))
    yield rt
    rt.close()


def add(runtime, book_id, seed):
    answer = add_image_page(runtime.deps, book_id, page_photo(seed), "image/png", None)
    return runtime.records.get(answer.body["page"]["id"])


def wait(runtime, record):
    runtime.workflow.wait(runtime.records.get(record.id).execution_arn)
    return runtime.records.get(record.id)


def test_the_last_page_read_joins_the_book(runtime, ocr):
    ocr.gate.clear()  # both pages wait at the reader: nobody but the workflow can see them read
    book = create_book(runtime.deps, "Fox").body
    first, second = add(runtime, book["id"], 31), add(runtime, book["id"], 32)
    pages = [first.id, second.id]
    assert not runtime.objects.exists(book_audio_key(pages))
    ocr.gate.set()
    first, second = wait(runtime, first), wait(runtime, second)
    assert first.status is second.status is Status.COMPLETE
    assert runtime.objects.get(book_audio_key(pages)) == (runtime.objects.get(first.audio_key)
                                                          + runtime.objects.get(second.audio_key))
    assert runtime.objects.exists(book_timings_key(pages))
    assert "JoinBooks" in entered(runtime.workflow.history(second.execution_arn))


def test_a_book_that_cannot_be_joined_never_fails_the_page(runtime, ocr):
    book = create_book(runtime.deps, None).body
    first = wait(runtime, add(runtime, book["id"], 33))
    runtime.objects.delete(first.audio_key)  # joining any book that holds this page now fails
    ocr.gate.clear()
    second = add(runtime, book["id"], 34)
    ocr.gate.set()
    second = wait(runtime, second)
    assert second.status is Status.COMPLETE
    history = runtime.workflow.history(second.execution_arn)
    assert "JoinBooks" in entered(history) and "TellSubscribers" in entered(history)
    assert not runtime.objects.exists(book_audio_key([first.id, second.id]))
