"""Where images, OCR output, text and audio live. ``files`` (local), ``s3`` (AWS)."""

from __future__ import annotations

from typing import Protocol


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """Raise ``StoredDataMissing`` when there is no such key."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...
