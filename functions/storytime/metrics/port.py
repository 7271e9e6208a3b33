"""Business metrics the services count where they know them (a page ended, a repeat upload).

On AWS the Powertools adapter turns each count into a CloudWatch metric (EMF);
on one machine the runtime keeps a counter (or nothing).
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol

PAGES_COMPLETED = "PagesCompleted"
PAGES_FAILED = "PagesFailed"
NO_TEXT = "NoText"
DUPLICATE_UPLOADS = "DuplicateUploads"


class Metrics(Protocol):
    def count(self, name: str) -> None: ...


class NoMetrics:
    def count(self, name: str) -> None:
        pass


class CountingMetrics:
    """In memory: what the one-machine runtime (and its tests) can read back."""

    def __init__(self):
        self.counts: Counter[str] = Counter()

    def count(self, name: str) -> None:
        self.counts[name] += 1
