import pytest
from storytime.local.runtime import Engines, LocalRuntime

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech


@pytest.fixture
def engines():
    return Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=FakeOutbox())


@pytest.fixture
def runtime(tmp_path, engines):
    rt = LocalRuntime(tmp_path / "data", "http://media.test", engines=engines)
    yield rt
    rt.close()
