import pytest
from storytime.local.runtime import Engines, LocalRuntime

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech, GatedOcr


@pytest.fixture
def engines():
    return Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=FakeOutbox())


@pytest.fixture
def runtime(tmp_path, engines):
    rt = LocalRuntime(tmp_path / "data", "http://media.test", engines=engines)
    yield rt
    rt.close()


@pytest.fixture
def rekognition_runtime(tmp_path, engines):
    """The AWS default: Rekognition DetectText reads a new page first."""
    rt = LocalRuntime(tmp_path / "rek", "http://media.test", engines=engines,
                      settings={"first_reader": "rekognition"})
    yield rt
    rt.close()


@pytest.fixture
def gated_runtime(tmp_path):
    """A runtime whose OCR holds each page at its gate (``engines.ocr.gate``) until the test opens it."""
    engines = Engines(ocr=GatedOcr(), speech=FakeSpeech(), outbox=FakeOutbox())
    rt = LocalRuntime(tmp_path / "gated", "http://media.test", engines=engines)
    yield rt
    engines.ocr.gate.set()
    rt.close()
