"""Where images, OCR output, text and audio live. ``files`` (local), ``s3`` (AWS)."""

from __future__ import annotations

from typing import Protocol


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """Raise ``StoredDataMissing`` when there is no such key."""

    def exists(self, key: str) -> bool: ...

    def persist(self, keys: list[str]) -> None:
        """Make objects a store wrote less durably (see ``FileObjectStore``) as durable as any other,
        before something that lasts points at them; a no-op where every write is durable (S3)."""

    def delete(self, key: str) -> None: ...

    def upload_url(self, key: str, expires_at: int, size: int | None = None) -> str:
        """A URL that takes one PUT of the object's bytes until ``expires_at`` (epoch seconds), no key
        needed: presigned on S3, HMAC-signed for the local server (relative: the server's own)."""
