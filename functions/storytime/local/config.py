"""Settings of the one-machine platform only (AWS has its own: reserved concurrency, 90-day history)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

_ENV = {
    "engine_slots": "STORYTIME_ENGINE_SLOTS",
    "engine_nice": "STORYTIME_ENGINE_NICE",
    "engine_wait_seconds": "STORYTIME_ENGINE_WAIT_SECONDS",
    "history_retention_days": "STORYTIME_HISTORY_RETENTION_DAYS",
    "reader_processes": "STORYTIME_READER_PROCESSES",
    "reader_timeout_seconds": "STORYTIME_READER_TIMEOUT_SECONDS",
    "speech_processes": "STORYTIME_SPEECH_PROCESSES",
}


@dataclass(frozen=True)
class LocalSettings:
    # Engine calls (OCR, speech) at once: one per core keeps the machine busy, not swamped.
    engine_slots: int = field(default_factory=lambda: os.cpu_count() or 1)
    # Engines run at this nice value, so API requests never wait behind OCR.
    engine_nice: int = 10
    # An engine call waits this long in line for a slot before it is refused (and retried
    # by the workflow): well under the shortest engine Task's timeout (Polly's Start, 60 s).
    engine_wait_seconds: float = 10.0
    # Archived execution histories are deleted this long after they last changed
    # (AWS keeps a closed execution's history for 90 days).
    history_retention_days: float = 90.0
    # Pages are read (OCR) in this many warm worker processes, so two pages' Python never takes
    # turns on one interpreter lock (reader_processes.py); 0 reads in the server process.
    reader_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    # A page's reading may take this long before its worker is ended and the step fails (retried):
    # under ReadPage's TimeoutSeconds (300), so no worker outlives the step that waits for it.
    reader_timeout_seconds: float = 240.0
    # Speech in this many warm worker processes, a part in one synthesis of libespeak-ng
    # (speech_processes.py); 0 runs the espeak-ng program once per sentence in the server process.
    speech_processes: int = field(default_factory=lambda: os.cpu_count() or 1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalSettings:
        env = os.environ if env is None else env
        kinds = {"engine_slots": int, "engine_nice": int, "engine_wait_seconds": float,
                 "history_retention_days": float, "reader_processes": int, "reader_timeout_seconds": float,
                 "speech_processes": int}
        return cls(**{name: kinds[name](env[var]) for name, var in _ENV.items() if env.get(var)})
