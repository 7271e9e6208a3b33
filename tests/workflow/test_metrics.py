"""What the services count, as the local runtime's counter sees it (CloudWatch metrics on AWS)."""

from storytime.local import aws_bridge
from storytime.local.aws_bridge import ServiceError
from storytime.service.uploads import accept_upload

from tests.fakes import Flaky, page_photo
from tests.workflow.helpers import run_page


def test_each_page_ending_and_each_repeat_upload_is_counted_once(runtime, engines):
    counts = runtime.deps.metrics.counts
    run_page(runtime, page_photo(50))
    assert counts == {"PagesCompleted": 1}
    again = accept_upload(runtime.deps, page_photo(50), "image/png", "ann@example.com")
    runtime.workflow.wait(again.execution_arn)  # told again: RecordOutcome does not run, nothing ends twice
    assert counts == {"PagesCompleted": 1, "DuplicateUploads": 1}
    engines.ocr.lines = []
    run_page(runtime, page_photo(51))
    assert counts["NoText"] == 1


def test_a_final_failure_is_counted_and_a_retryable_one_is_not(rekognition_runtime):
    runtime = rekognition_runtime
    read = runtime.operations["rekognition.DetectText"]
    aws_bridge.install({"rekognition.DetectText": Flaky(
        read, ServiceError("InvalidImageFormatException", "Request has invalid image format", 400), 99)})
    run_page(runtime, page_photo(52))
    assert runtime.deps.metrics.counts == {"PagesFailed": 1}
