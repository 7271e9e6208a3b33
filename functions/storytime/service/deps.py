"""What the services need, passed in. Built only at entry points."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from storytime.metrics.port import Metrics, NoMetrics
from storytime.objects.port import ObjectStore
from storytime.records.port import RecordStore
from storytime.settings import Settings
from storytime.workflow.port import Workflow


@dataclass
class Deps:
    settings: Settings
    records: RecordStore
    objects: ObjectStore
    workflow: Workflow
    clock: Callable[[], float] = field(default=time.time)
    # The Tesseract reader (image bytes -> DetectText-shaped answer); only the
    # ReadPage step needs it, so only its entry points build one.
    ocr: Callable[..., dict] | None = None  # (image bytes, language=None) -> DetectText answer
    # Free bytes where pages are stored; None where storage does not fill up (S3).
    free_bytes: Callable[[], int | None] = field(default=lambda: None)
    # Counts of what happened to pages (CloudWatch on AWS, a counter locally).
    metrics: Metrics = field(default_factory=NoMetrics)
