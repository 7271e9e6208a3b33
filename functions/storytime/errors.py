"""Every error storytime raises, in one place.

Class names double as Step Functions error names: a Lambda that raises
``NoTextFound`` fails its Task with error ``NoTextFound``, and the ASL routes
on that name (never on message text).

    StorytimeError
    ├── BadRequest                 -> HTTP 4xx, ``code`` and ``status`` on the class
    │   ├── EmptyUpload            400
    │   ├── MalformedId            400
    │   ├── MalformedRequest       400
    │   ├── UnsupportedMediaType   415
    │   ├── CorruptImage           422
    │   ├── PayloadTooLarge        413 (bytes)
    │   └── ImageTooLarge          413 (pixels)
    ├── NotFound                   404
    ├── EngineError                an engine failed (OCR, speech): worth one more try
    ├── UnreadableImage            the OCR engine cannot open the stored image: final
    ├── TextTooLong                more text than a page holds (workflow error name)
    └── StoredDataMissing          a key the workflow carries points at nothing
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


class NotFound(StorytimeError):
    status = 404
    code = "NOT_FOUND"


class EngineError(StorytimeError):
    code = "ENGINE_ERROR"


class UnreadableImage(StorytimeError):
    """The stored page image cannot be decoded by the OCR engine; trying again will not help."""

    code = "UNREADABLE_IMAGE"


class StoredDataMissing(StorytimeError):
    code = "STORED_DATA_MISSING"


class TextTooLong(StorytimeError):
    """More text than any page holds: refused rather than spoken for hours."""

    code = "TEXT_TOO_LONG"
