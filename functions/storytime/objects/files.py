"""Objects as files under one folder, written atomically and fsynced."""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from storytime.errors import InsufficientStorage, StoredDataMissing

_FULL = {errno.ENOSPC, errno.EDQUOT}


def write_durably(path: Path, data: bytes) -> None:
    """Write-then-rename with fsyncs, so a crash leaves the old file or the new one."""
    _write(path, data, sync=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write-then-rename: a reader never sees half a file, a killed process leaves none; but a
    machine that loses power may lose it (no fsyncs)."""
    _write(path, data, sync=False)


def _write(path: Path, data: bytes, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if not sync:
        return
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class FileObjectStore:
    """``transient_prefixes``: objects under them are not fsynced (two fsyncs, 3-20 ms each on a
    busy disk). Only for what the workflow makes again when it is lost: the speech parts between
    SpeakParts and JoinAudio (no record points at them), the OCR output and the text, which a
    resume uses only once LoadProgress has read them whole (after a power cut they may be empty or
    missing); the text is made durable (``persist``) with the page's last write."""

    def __init__(self, root: Path, transient_prefixes: tuple[str, ...] = ()):
        self.root = Path(root)
        self.transient_prefixes = tuple(transient_prefixes)
        self.root.mkdir(parents=True, exist_ok=True)
        self._root = os.path.realpath(self.root)
        self._secret_lock = threading.Lock()
        self._secret_bytes: bytes | None = None

    def path(self, key: str) -> Path:
        # Lexical, not resolve(): no filesystem calls per access (we make every file in here ourselves).
        path = os.path.normpath(os.path.join(self._root, key))
        if not path.startswith(self._root + os.sep):
            raise StoredDataMissing(f"Key outside the store: {key!r}")
        return Path(path)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            write = write_atomically if key.startswith(self.transient_prefixes) else write_durably
            write(self.path(key), data)
        except OSError as error:
            if error.errno in _FULL:  # write_durably left nothing behind
                raise InsufficientStorage("The data folder is full.") from None
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise StoredDataMissing(f"No stored object {key!r}.") from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def persist(self, keys: list[str]) -> None:
        """fsync each file written transiently, then the folders that name them."""
        paths = []
        for key in keys:
            path = self.path(key)
            if not path.is_file():
                raise StoredDataMissing(f"No stored object {key!r}.")
            if not key.startswith(self.transient_prefixes):
                continue  # written durably already
            paths.append(path)
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for folder in {path.parent for path in paths}:
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def _secret(self) -> bytes:
        """The data folder's own signing key, made on first use (a dot file: no object key reaches it)."""
        with self._secret_lock:  # read once; two first uses must not each make a key
            if self._secret_bytes is None:
                path = self.root / ".upload-signing-key"
                if not path.is_file():
                    write_durably(path, secrets.token_bytes(32))
                self._secret_bytes = path.read_bytes()
            return self._secret_bytes

    def _signature(self, key: str, expires_at: int) -> str:
        return hmac.new(self._secret(), f"PUT\n{key}\n{expires_at}".encode(), hashlib.sha256).hexdigest()

    def upload_url(self, key: str, expires_at: int, size: int | None = None) -> str:
        return f"/{quote(key)}?expires={int(expires_at)}&signature={self._signature(key, int(expires_at))}"

    def upload_allowed(self, key: str, expires: str, signature: str, now: float) -> str | None:
        """Why a PUT to an upload URL is refused (BAD_SIGNATURE, URL_EXPIRED), or None when it may go."""
        if not expires.isdigit() or not hmac.compare_digest(self._signature(key, int(expires)), signature):
            return "BAD_SIGNATURE"
        return "URL_EXPIRED" if int(expires) < now else None

    def expire(self, prefix: str, older_than_seconds: float, now: float | None = None) -> int:
        """Delete objects under ``prefix`` last written more than ``older_than_seconds`` ago.

        The one-machine twin of an S3 lifecycle rule (abandoned two-step uploads).
        """
        cutoff = (time.time() if now is None else now) - older_than_seconds
        folder = self.path(prefix.rstrip("/") + "/x").parent
        removed = 0
        for path in folder.glob("*") if folder.is_dir() else ():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:  # completed meanwhile
                continue
        return removed
