"""A page's record: its status and where its parts are stored (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from enum import StrEnum


class Status(StrEnum):
    QUEUED = "QUEUED"
    PROCESSING = "PROCESSING"
    RETRYING = "RETRYING"  # an attempt failed with a retryable error; re-driven after the guard
    COMPLETE = "COMPLETE"
    NO_TEXT = "NO_TEXT"
    FAILED = "FAILED"  # final: the page can never succeed, or every allowed attempt failed


# Terminal: no write ever changes a record's status once it is one of these.
FINISHED = frozenset({Status.COMPLETE, Status.NO_TEXT, Status.FAILED})
UNFINISHED = frozenset(Status) - FINISHED


@dataclass(frozen=True)
class Record:
    id: str
    status: Status
    image_key: str
    image_type: str
    created_at: float
    attempts: int = 0  # claims so far: the compare-and-set counter and the execution name's suffix
    # Attempts that failed (recorded, or lost without a word): the re-drive budget. A restart of
    # the local service resuming its pages is not the page's failure and does not count.
    failures: int = 0
    attempt_at: float | None = None
    execution_arn: str | None = None
    ocr_key: str | None = None
    text_key: str | None = None
    characters: int | None = None
    language: str | None = None
    voice: str | None = None
    audio_key: str | None = None
    timings_key: str | None = None  # read-along timings for the MP3 (absent for pages read before them)
    completed_at: float | None = None
    error: str | None = None
    cause: str | None = None
    # Addresses given with uploads while the page is under way: each is told the outcome once.
    recipients: tuple[str, ...] = ()
    language_hint: str | None = None  # the page's language as its first uploader named it

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def last_activity(self) -> float:
        return self.attempt_at if self.attempt_at is not None else self.created_at

    def to_item(self) -> dict:
        item = {f.name: getattr(self, f.name) for f in fields(self)}
        item["status"] = str(self.status)
        item["recipients"] = sorted(self.recipients)
        return {k: v for k, v in item.items() if v is not None and v != []}

    @classmethod
    def from_item(cls, item: dict) -> Record:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in item.items() if k in names}
        values["status"] = Status(values["status"])
        values["recipients"] = tuple(sorted(values.get("recipients") or ()))
        return cls(**values)

    def with_changes(self, **changes) -> Record:
        if "status" in changes:
            changes["status"] = Status(changes["status"])
        if "recipients" in changes:
            changes["recipients"] = tuple(sorted(changes["recipients"]))
        return replace(self, **changes)


_PUBLIC_KEY = re.compile(r"(images/[0-9a-f]{64}\.(jpg|png)|audio/[0-9a-f]{64}\.mp3|timings/[0-9a-f]{64}\.json"
                         r"|books/[0-9a-f]{64}\.(mp3|json))")


def is_public_key(key: str) -> bool:
    """Page images, MP3s and their read-along timings (and books' joined ones) are linked to people; OCR output,
    text and speech parts are not."""
    return _PUBLIC_KEY.fullmatch(key) is not None


def outcome_allowed(current: Record, status: Status, execution_arn: str) -> bool:
    """The port's rule for ``finish``: terminal stays terminal; a failure only from its own attempt."""
    if current.status in FINISHED:
        return False
    if status in (Status.COMPLETE, Status.NO_TEXT):
        return True
    if status in (Status.FAILED, Status.RETRYING):
        return current.status is Status.PROCESSING and current.execution_arn == execution_arn
    raise ValueError(f"not an outcome: {status}")


def image_key(content_id: str, extension: str) -> str:
    return f"images/{content_id}.{extension}"


# The OCR engine's detections: read back by ExtractText only, and made again by OCR if lost, so
# a store may keep them less durably (LoadProgress checks them before a resume trusts them).
OCR_OUTPUT = "ocr/"


def ocr_key(content_id: str) -> str:
    return f"{OCR_OUTPUT}{content_id}.json"


# A page's text: written by ExtractText, made durable by the page's last write (JoinAudio's, or
# ExtractText's own when there is nothing to speak), so a store may write it less durably first
# (LoadProgress checks it before a resume trusts it).
TEXT = "text/"


def text_key(content_id: str) -> str:
    return f"{TEXT}{content_id}.txt"


def audio_key(content_id: str) -> str:
    return f"audio/{content_id}.mp3"


def timings_key(content_id: str) -> str:
    return f"timings/{content_id}.json"


SPEECH_PARTS = "speech/"  # a page's spoken parts until JoinAudio joins them: no record points here


def speech_part_prefix(content_id: str, index: int) -> str:
    return f"{SPEECH_PARTS}{content_id}/{index:04d}-"
