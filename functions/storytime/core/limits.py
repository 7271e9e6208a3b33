"""What an upload may be: API Gateway's 10 MB body cap, and a pixel cap against decompression bombs.

Settings take their defaults from here and the image checks use them, so the
limit is written once.
"""

import re

from storytime.errors import MalformedRequest

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The two-step upload (POST /uploads, PUT the bytes to the signed URL, POST .../complete) skips the
# gateway's body cap, so it takes bigger photos; on AWS a direct body is capped lower still (~4.4 MB:
# a 6 MB synchronous Lambda payload, base64-encoded).
MAX_STAGED_UPLOAD_BYTES = 25 * 1024 * 1024
AWS_DIRECT_UPLOAD_BYTES = 4_400_000
MAX_UPLOAD_PIXELS = 40_000_000
# GET /result/{id}?wait=: the longest a request may wait for the page's outcome, well inside
# API Gateway's 29 s integration timeout.
MAX_RESULT_WAIT_SECONDS = 20
_NUMBER = re.compile(r"-?\d{1,20}(\.\d{1,20})?([eE][+-]?\d{1,3})?")  # as JSON writes a number


def result_wait(value: str | None) -> float:
    """``?wait=`` seconds: a number from 0 to MAX_RESULT_WAIT_SECONDS; left out, 0."""
    if value is None or value == "":
        return 0.0
    if not _NUMBER.fullmatch(value) or not 0 <= float(value) <= MAX_RESULT_WAIT_SECONDS:
        raise MalformedRequest(f"wait is a number of seconds from 0 to {MAX_RESULT_WAIT_SECONDS} "
                               "(how long to wait for the page to finish), or left out.")
    return float(value)


def direct_limit_message(limit: int) -> str:
    """The 413 for a direct POST /upload: each platform's limit, and the way round it."""
    return (f"The upload is larger than {limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
            + f" MB, the most a direct POST /upload takes (10 MB locally, ~{AWS_DIRECT_UPLOAD_BYTES / 1e6:.1f} MB "
            "on AWS). Send bigger photos in two steps: POST /uploads, PUT the photo to its uploadUrl, then POST its "
            f"completeUrl (up to {MAX_STAGED_UPLOAD_BYTES // (1024 * 1024)} MB).")
