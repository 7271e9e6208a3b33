"""Where page records live. Implementations: ``sqlite`` (local), ``dynamodb`` (AWS).

Every write that changes a status is conditional, so terminal states stay
terminal and a stale attempt cannot overwrite a newer one:

* ``claim_attempt``: only from an unfinished status, only if nobody claimed first;
* ``finish`` COMPLETE / NO_TEXT: only from an unfinished status;
* ``finish`` FAILED / RETRYING: only from PROCESSING of the same execution.
"""

from __future__ import annotations

from typing import Protocol

from storytime.core.books import Book
from storytime.core.records import Record

# Fields only the conditional writes below may change.
GUARDED_FIELDS = frozenset({"status", "attempts", "attempt_at", "execution_arn", "recipients", "failures"})


class RecordStore(Protocol):
    def create(self, record: Record) -> bool:
        """Insert unless a record with this id exists; True when this call created it.

        Atomic: of many concurrent creates of one id exactly one returns True.
        """

    def get(self, record_id: str) -> Record | None: ...

    def wait_finished(self, record_id: str, timeout: float) -> Record | None:
        """The record once it is finished (COMPLETE, NO_TEXT, FAILED), or as it stands after
        ``timeout`` seconds; None when there is no such record. Answers as soon as the
        outcome is written, not at the next poll (a long poll: ``GET /result/{id}?wait=``)."""

    def update(self, record_id: str, **changes) -> Record:
        """Set fields (none of GUARDED_FIELDS) on an existing record and return it as stored."""

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float, execution_arn: str,
                      failures: int | None = None) -> bool:
        """Start attempt ``seen_attempts + 1`` if nobody else has and the page is unfinished.

        Sets status PROCESSING, ``attempt_at`` = now and the execution that will
        run it (named before it starts), and clears the last error; sets
        ``failures`` when given (a lost attempt counts against the budget).
        """

    def finish(self, record_id: str, status: str, execution_arn: str, **changes) -> Record | None:
        """Record an outcome under the conditions above; the stored record, or None when refused."""

    def add_recipient(self, record_id: str, address: str, limit: int) -> Record | None:
        """Add an address to tell when the page ends; None when it has already ended.

        Raises TooManyRecipients when ``limit`` addresses already wait.
        """

    def claim_notice(self, record_id: str, address: str, now: float, every_seconds: float,
                     daily_limit: int | None = None, execution_arn: str | None = None) -> bool:
        """True (and remembered) unless ``address`` was told about this page within ``every_seconds``,
        or was already told ``daily_limit`` times this UTC day (about any pages).

        ``execution_arn``: the execution that sends it; the notice is unsettled until that one
        is seen to have ended (``hand_notice``), so one lost with its process is sent again."""

    def unsettled_notices(self, since: float) -> list[tuple[str, str, str]]:
        """(page id, address, sending execution) of notices claimed since ``since`` and not settled."""

    def hand_notice(self, record_id: str, address: str, execution_arn: str | None) -> None:
        """Point an unsettled notice at the execution that sends it now; None: it is settled."""

    def unfinished(self) -> list[Record]: ...

    # Books live beside the pages (their ids are 32 hex characters, never a page's 64).
    def create_book(self, book: Book) -> None: ...

    def add_page_book(self, page_id: str, book_id: str) -> None:
        """Note that the book holds the page (atomic set add), so the page's workflow can join the book."""

    def books_of_page(self, page_id: str) -> list[str]: ...

    def get_book(self, book_id: str) -> Book | None: ...

    def set_book_pages(self, book_id: str, pages: tuple[str, ...], seen_version: int) -> Book | None:
        """Replace the pages if the book is still at ``seen_version`` (compare-and-set); the stored book, or None
        when someone else changed it first."""
