"""The shared path cases on the embedded interpreter: the real ASL enters exactly the states the table lists.

The same cases, as a MockConfigFile, drive AWS's Step Functions Local
(tests/sfn_local, ``make test-sfn-local``). Here the answers come from the local
engines (fakes) and injected AWS errors, set up per case below.
"""

import pytest
from storytime.local import aws_bridge
from storytime.local.aws_bridge import ServiceError
from storytime.service.uploads import accept_upload

from tests.fakes import Flaky, page_photo
from tests.workflow.helpers import entered, run_page
from tests.workflow.path_cases import BY_NAME, RECIPIENT

HUNDRED_WORDS = [" ".join(f"word{n}" for n in range(start, start + 10)) for start in range(0, 100, 10)]


def inject(runtime, name, error, times):
    aws_bridge.install({name: Flaky(runtime.operations[name], error, times)})


def new_page(runtime, engines):
    return run_page(runtime, page_photo(40), RECIPIENT)


def fallback(runtime, engines):
    engines.ocr.lines = HUNDRED_WORDS  # Rekognition stops at 100 words: the page may go on
    return run_page(runtime, page_photo(41), RECIPIENT)


def cached(runtime, engines):
    run_page(runtime, page_photo(42))
    again = accept_upload(runtime.deps, page_photo(42), "image/png", RECIPIENT)
    runtime.workflow.wait(again.execution_arn)
    return again, None, runtime.workflow.history(again.execution_arn)


def no_text(runtime, engines):
    engines.ocr.lines = []
    return run_page(runtime, page_photo(43), RECIPIENT)


def throttled(runtime, engines):
    inject(runtime, "rekognition.DetectText", ServiceError("ThrottlingException", "Slow down", 400), 2)
    return run_page(runtime, page_photo(44), RECIPIENT)


def unreadable(runtime, engines):
    inject(runtime, "rekognition.DetectText",
           ServiceError("InvalidImageFormatException", "Request has invalid image format", 400), 99)
    return run_page(runtime, page_photo(45), RECIPIENT)


def notification_fails(runtime, engines):
    inject(runtime, "sns.Publish", ServiceError("AuthorizationError", "not allowed", 403), 99)
    inject(runtime, "sesv2.SendEmail", ServiceError("MessageRejected", "Email address is not verified."), 99)
    return run_page(runtime, page_photo(46), RECIPIENT)


SET_UPS = {
    "NewPageTesseractReader": new_page,
    "RekognitionStays": new_page,
    "RekognitionFallsBackToReadPage": fallback,
    "CachedDuplicate": cached,
    "NoText": no_text,
    "OcrThrottledThenRetried": throttled,
    "UnreadableImage": unreadable,
    "NotificationFailureLeavesComplete": notification_fails,
}


@pytest.fixture
def runtime_for(request):
    # One runtime per test: each routes the process-wide AWS bridge to its own services.
    return lambda case: request.getfixturevalue("runtime" if case.reader == "tesseract" else "rekognition_runtime")


@pytest.mark.parametrize("name", SET_UPS)
def test_the_embedded_interpreter_walks_the_shared_path(name, runtime_for, engines):
    case = BY_NAME[name]
    runtime = runtime_for(case)
    answer, _, history = SET_UPS[name](runtime, engines)
    assert entered(history) == case.states
    arn = answer.execution_arn or runtime.records.get(answer.body["id"]).execution_arn
    assert runtime.workflow.status(arn) == case.status
