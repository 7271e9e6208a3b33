"""A book: pages read in order as one narration (pure).

A book holds page ids only; each page is still uploaded, read and deduplicated on its own. The
book's joined MP3 and timing file are named by the ordered list of pages they were made from, so
a reorder or a new page names a new narration, and the same pages in the same order (in any
book) share one: nothing to invalidate, and joining twice writes the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field

from storytime.core.records import Record, Status

MAX_PAGES = 200  # bounds one join: 200 pages of MP3 is well inside a Lambda's memory and time
MAX_TITLE = 200
_BOOK_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Book:
    id: str
    created_at: float
    title: str | None = None
    pages: tuple[str, ...] = field(default_factory=tuple)
    version: int = 0  # bumped by every change of pages: the stores compare-and-set on it

    def to_item(self) -> dict:
        item = {"id": self.id, "kind": "book", "created_at": self.created_at, "pages": list(self.pages),
                "version": self.version}
        if self.title is not None:
            item["title"] = self.title
        return item

    @classmethod
    def from_item(cls, item: dict) -> Book:
        return cls(id=item["id"], created_at=item["created_at"], title=item.get("title"),
                   pages=tuple(item.get("pages") or ()), version=int(item.get("version", 0)))


def new_book_id() -> str:
    return uuid.uuid4().hex


def is_book_id(value: str) -> bool:
    return _BOOK_ID.fullmatch(value or "") is not None


def narration_id(pages: list[str] | tuple[str, ...]) -> str:
    """Names the narration of these pages in this order."""
    return hashlib.sha256(",".join(pages).encode("ascii")).hexdigest()


def book_audio_key(pages) -> str:
    return f"books/{narration_id(pages)}.mp3"


def book_timings_key(pages) -> str:
    return f"books/{narration_id(pages)}.json"


def spoken_pages(records: list[Record]) -> list[Record] | None:
    """The pages the narration joins, once every page is finished; None while any is not.

    A page with no text is finished but silent: the book plays on without it.
    """
    if not records or any(not r.finished or r.status is Status.FAILED for r in records):
        return None
    spoken = [r for r in records if r.status is Status.COMPLETE and r.audio_key]
    return spoken or None


def book_status(records: list[Record]) -> str:
    if not records:
        return "EMPTY"
    if any(r.status is Status.FAILED for r in records):
        return "FAILED"
    if spoken_pages(records) is not None:
        return "COMPLETE"
    if all(r.finished for r in records):
        return "NO_TEXT"
    return "PROCESSING"
