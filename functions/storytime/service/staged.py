"""The two-step upload for photos too big for a direct body: a signed URL, then the staged key.

POST /uploads answers where to PUT the bytes (a presigned S3 URL on AWS, the local server's
HMAC-signed URL on one machine); POST /uploads/{key}/complete reads them back and answers exactly
as POST /upload does (same validation, same content-hash dedup), then drops the staged copy.
"""

from __future__ import annotations

import re
import secrets

from storytime.core.language import language_hint
from storytime.errors import MalformedId, MalformedRequest, NotFound, PayloadTooLarge, StoredDataMissing, StorytimeError
from storytime.service.answers import Answer
from storytime.service.attempts import ensure_room
from storytime.service.deps import Deps
from storytime.service.uploads import accept_upload

STAGED_PREFIX = "uploads/"
# What is never completed goes after this long: the bucket's lifecycle rule on AWS, the sweeper locally.
STAGED_EXPIRY_DAYS = 1
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def upload_ticket(deps: Deps, content_type: str | None = None, size: int | None = None) -> Answer:
    settings = deps.settings
    if size is not None and size > settings.max_staged_upload_bytes:
        raise PayloadTooLarge(f"The photo is larger than {_mb(settings.max_staged_upload_bytes)}.")
    if content_type is not None and not content_type.startswith("image/"):
        raise MalformedRequest("contentType must be an image type (image/jpeg, image/png, image/webp, image/heic).")
    ensure_room(deps)
    token = secrets.token_hex(16)
    key = STAGED_PREFIX + token
    expires_at = int(deps.clock()) + settings.upload_url_seconds
    url = deps.objects.upload_url(key, expires_at, size)
    if url.startswith("/"):  # the local server's own URL: reached where the API is
        url = settings.public_url.rstrip("/") + url
    headers = {"Content-Length": str(size)} if size is not None else {}
    body = {"uploadUrl": url, "method": "PUT", "headers": headers, "key": token, "expiresAt": expires_at,
            "maxBytes": settings.max_staged_upload_bytes,
            "completeUrl": f"{settings.public_url.rstrip('/')}/uploads/{token}/complete"}
    return Answer(201, body, {})


def complete_upload(deps: Deps, token: str, recipient: str | None = None, language: str | None = None) -> Answer:
    language = language_hint(language)  # before the bytes are judged: a bad value is no fault of theirs
    if not _TOKEN.fullmatch(token or ""):
        raise MalformedId("An upload key is 32 lowercase hex characters, as POST /uploads gave it.")
    key = STAGED_PREFIX + token
    try:
        data = deps.objects.get(key)
    except StoredDataMissing:
        raise NotFound("No upload under this key: PUT the photo to its uploadUrl first (or it expired).") from None
    try:
        answer = accept_upload(deps, data, None, recipient, max_bytes=deps.settings.max_staged_upload_bytes,
                               language=language)
    except StorytimeError as error:
        if error.status < 500:  # these bytes can never pass: nothing kept
            deps.objects.delete(key)
        raise
    deps.objects.delete(key)  # kept under images/ now (or already was: the same bytes)
    return answer
