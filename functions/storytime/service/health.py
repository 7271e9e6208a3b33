"""GET /health: alive, and room to store pages."""

from __future__ import annotations

from storytime.service.answers import Answer
from storytime.service.attempts import storage_low
from storytime.service.deps import Deps


def health(deps: Deps) -> Answer:
    free = deps.free_bytes()
    if storage_low(deps):
        return Answer(503, {"error": "INSUFFICIENT_STORAGE", "status": "low on space", "freeBytes": free,
                            "message": "The data folder is nearly full: new pages are refused until there is room."},
                      {"Retry-After": str(deps.settings.stale_after_seconds)})
    return Answer(200, {"status": "ok", "freeBytes": free})
