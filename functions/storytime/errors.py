"""Every error storytime raises, in one place.

Class names double as Step Functions error names: a Lambda that raises
``TextTooLong`` fails its Task with error ``TextTooLong``; the workflow
catches every error into RecordFailure, and :func:`classify` decides from the
name alone (never from message text) whether re-driving the page can help.

    StorytimeError
    ├── BadRequest                 -> HTTP 4xx, ``code`` and ``status`` on the class
    │   ├── EmptyUpload            400
    │   ├── MalformedId            400
    │   ├── MalformedRequest       400
    │   ├── UnsupportedMediaType   415
    │   ├── CorruptImage           422
    │   ├── PayloadTooLarge        413 (bytes)
    │   ├── ImageTooLarge          413 (pixels)
    │   ├── TooManyRecipients      429 (addresses waiting on one page)
    │   ├── Conflict               409 (a book changed under a request)
    │   └── TooManyPages           422 (a book over its page limit)
    ├── NotFound                   404
    ├── InsufficientStorage        507 (the data folder is full)
    └── PageError                  a page's workflow failed; ``final`` says whether to re-drive
        ├── RetryableError         re-driven after the fail-over guard, a bounded number of times,
        │   │                      then final with its own code (HTTP 500)
        │   ├── EngineError        a local engine crashed (OCR, speech)
        │   ├── ServiceBusy        throttled or the service failed (AWS 5xx, Lambda service errors)
        │   ├── StepTimedOut       States.Timeout
        │   ├── SpeechSynthesisFailed  the speech task ended "failed" (the ASL's Fail state)
        │   ├── SpeechTimedOut     the speech task never ended within its polls (the ASL's Fail state)
        │   └── StoredDataMissing  a key the workflow carries points at nothing
        └── FinalError             the page can never succeed: ends at once (HTTP 422)
            ├── TextTooLong        more text than a page holds
            ├── UnreadableImage    the OCR engine refuses the image
            ├── PageTooLarge       States.DataLimitExceeded: too much for the workflow's state
            └── AttemptsExhausted  every allowed attempt ended without an outcome (HTTP 500)

``InsufficientStorage`` inside the workflow is retryable too (space comes back).
"""


class StorytimeError(Exception):
    status = 500
    code = "INTERNAL"


class BadRequest(StorytimeError):
    status = 400
    code = "BAD_REQUEST"


class EmptyUpload(BadRequest):
    code = "EMPTY_UPLOAD"


class MalformedId(BadRequest):
    code = "MALFORMED_ID"


class MalformedRequest(BadRequest):
    code = "MALFORMED_REQUEST"


class UnsupportedMediaType(BadRequest):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class CorruptImage(BadRequest):
    status = 422
    code = "CORRUPT_IMAGE"


class PayloadTooLarge(BadRequest):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class ImageTooLarge(BadRequest):
    status = 413
    code = "IMAGE_TOO_LARGE"


class TooManyRecipients(BadRequest):
    status = 429
    code = "TOO_MANY_RECIPIENTS"


class Conflict(BadRequest):
    status = 409
    code = "CONFLICT"


class TooManyPages(BadRequest):
    status = 422
    code = "TOO_MANY_PAGES"


class NotFound(StorytimeError):
    status = 404
    code = "NOT_FOUND"


class PageError(StorytimeError):
    """A page's workflow failed. ``message`` is what a person is told (never the cause)."""

    code = "PAGE_FAILED"
    final = False
    message = "Something went wrong while reading this page aloud."


class RetryableError(PageError):
    code = "READING_FAILED"


class EngineError(RetryableError):
    code = "ENGINE_ERROR"
    message = "The reading or speech engine failed on this page."


class ServiceBusy(RetryableError):
    code = "SERVICE_BUSY"
    message = "A service storytime uses was busy or failing."


class StepTimedOut(RetryableError):
    code = "TIMEOUT"
    message = "A step took too long."


class SpeechSynthesisFailed(RetryableError):
    code = "SPEECH_FAILED"
    message = "The speech engine could not read this page aloud."


class SpeechTimedOut(RetryableError):
    code = "SPEECH_TIMEOUT"
    message = "The speech engine did not finish in time."


class StoredDataMissing(RetryableError):
    code = "STORED_DATA_MISSING"
    message = "Part of this page's stored work was missing."


class InsufficientStorage(RetryableError):
    status = 507
    code = "INSUFFICIENT_STORAGE"
    message = "storytime has no room to store this now; try again later."


class FinalError(PageError):
    code = "PAGE_REFUSED"
    final = True
    status = 422


class TextTooLong(FinalError):
    """More text than any page holds: refused rather than spoken for hours."""

    code = "TEXT_TOO_LONG"
    message = "There is far more text on this image than a book page holds."


class UnreadableImage(FinalError):
    code = "UNREADABLE_IMAGE"
    message = "The text engine cannot read this image."


class PageTooLarge(FinalError):
    code = "PAGE_TOO_LARGE"
    message = "This page holds more than the reading workflow can carry."


class AttemptsExhausted(FinalError):
    status = 500
    code = "ATTEMPTS_EXHAUSTED"
    message = "storytime tried to read this page several times and could not finish."


# Error names the workflow reports that are not our own class names: AWS's
# (``Service.ExceptionName``, checked against botocore's models in
# tests/unit/test_error_names.py) and Step Functions' own.
AWS_ERROR_NAMES: dict[str, type[PageError]] = {
    "States.DataLimitExceeded": PageTooLarge,
    "States.Timeout": StepTimedOut,
    "States.TaskFailed": RetryableError,
    "Rekognition.InvalidImageFormatException": UnreadableImage,
    "Rekognition.ImageTooLargeException": UnreadableImage,
    "Rekognition.InvalidS3ObjectException": UnreadableImage,
    "Rekognition.ThrottlingException": ServiceBusy,
    "Rekognition.ProvisionedThroughputExceededException": ServiceBusy,
    "Rekognition.InternalServerErrorException": ServiceBusy,
    "Polly.TextLengthExceededException": TextTooLong,
    "Polly.ServiceFailureException": ServiceBusy,
    "Polly.ThrottlingException": ServiceBusy,
    "Lambda.ServiceException": ServiceBusy,
    "Lambda.TooManyRequestsException": ServiceBusy,
    "Lambda.AWSLambdaException": ServiceBusy,
    "Lambda.SdkClientException": ServiceBusy,
}


def _subclasses(cls: type) -> list[type]:
    return [cls] + [d for c in cls.__subclasses__() for d in _subclasses(c)]


def classify(error_name: str | None) -> type[PageError]:
    """The class for a workflow error name; an unknown name is retryable (the attempt bound ends it)."""
    if error_name in AWS_ERROR_NAMES:
        return AWS_ERROR_NAMES[error_name]
    for cls in _subclasses(PageError):
        if cls.__name__ == error_name:
            return cls
    return RetryableError
