"""Where page records live. Implementations: ``sqlite`` (local), ``dynamodb`` (AWS)."""

from __future__ import annotations

from typing import Protocol

from storytime.core.records import Record


class RecordStore(Protocol):
    def create(self, record: Record) -> bool:
        """Insert unless a record with this id exists; True when this call created it.

        Atomic: of many concurrent creates of one id exactly one returns True.
        """

    def get(self, record_id: str) -> Record | None: ...

    def update(self, record_id: str, **changes) -> Record:
        """Set fields on an existing record and return it as stored."""

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float) -> bool:
        """Start attempt ``seen_attempts + 1`` if nobody else has (compare-and-set).

        Sets status PROCESSING, ``attempt_at`` = now and clears the last error.
        """

    def unfinished(self) -> list[Record]: ...
