"""Content ids: the SHA-256 of the bytes the user uploaded.

The id is always computed from the *original* upload, before any
normalisation (rotation, re-encoding, downscaling), so the same photo
uploaded twice gets the same id whatever the normaliser does.
"""

from __future__ import annotations

import hashlib
import re

_CONTENT_ID = re.compile(r"[0-9a-f]{64}")


def content_id(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def is_content_id(s: object) -> bool:
    """True when ``s`` is a string of exactly 64 lowercase hex digits."""
    return isinstance(s, str) and _CONTENT_ID.fullmatch(s) is not None
