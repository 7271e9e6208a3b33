"""AWS's default reader order with the real engines: Rekognition first (the Tesseract engine answering
within Rekognition's limits), then the dense-page reader when that answer cannot be the whole page."""

import pytest
from storytime.local.runtime import LocalRuntime

from tests.cer import cer
from tests.e2e.conftest import fixture, truth
from tests.workflow.helpers import entered

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rekognition_first(tmp_path_factory):
    runtime = LocalRuntime(tmp_path_factory.mktemp("rek"), "http://127.0.0.1:0/media",
                           settings={"first_reader": "rekognition"})
    yield runtime
    runtime.close()


def read(runtime, photo: bytes, content_type: str):
    from storytime.service.uploads import accept_upload

    answer = accept_upload(runtime.deps, photo, content_type, None)
    record = runtime.records.get(answer.body["id"])
    runtime.workflow.wait(record.execution_arn, timeout=240)
    record = runtime.records.get(record.id)
    return record, entered(runtime.workflow.history(record.execution_arn))


def test_the_cookbook_page_is_read_whole_by_the_dense_page_reader(rekognition_first):
    name = "pagedewarp_boston_cooking_a.jpg"
    record, states = read(rekognition_first, fixture(name), "image/jpeg")
    assert states[3:7] == ["DetectText", "ExtractText", "IsWholePage", "ReadPage"]
    assert record.status == "COMPLETE"
    text = rekognition_first.objects.get(record.text_key).decode("utf-8")
    assert len(text.split()) > 300  # Rekognition alone would have stopped at 100 words
    score = cer(truth(name), text)
    print(f"CER {name} via the fallback: {score:.4f}")
    assert score <= 0.25

