"""Settings, parsed once at an entry point into a typed object.

:meth:`Settings.environment` is the one definition of a function's
environment: CDK (``infra``) sets each Lambda's environment from it, and
:meth:`Settings.from_env` reads it back, so the two cannot drift.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from storytime.core.limits import MAX_STAGED_UPLOAD_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS

_ENV = {
    "bucket": "STORYTIME_BUCKET",
    "table": "STORYTIME_TABLE",
    "state_machine_arn": "STORYTIME_STATE_MACHINE_ARN",
    "media_base_url": "STORYTIME_MEDIA_BASE_URL",
    "public_url": "STORYTIME_PUBLIC_URL",
    "poll_seconds": "STORYTIME_POLL_SECONDS",
    "speech_part_chars": "STORYTIME_SPEECH_PART_CHARS",
    "stale_after_seconds": "STORYTIME_STALE_AFTER_SECONDS",
    "fresh_retry_after_seconds": "STORYTIME_FRESH_RETRY_AFTER_SECONDS",
    "max_upload_bytes": "STORYTIME_MAX_UPLOAD_BYTES",
    "max_pixels": "STORYTIME_MAX_PIXELS",
    "max_staged_upload_bytes": "STORYTIME_MAX_STAGED_UPLOAD_BYTES",
    "upload_url_seconds": "STORYTIME_UPLOAD_URL_SECONDS",
    "max_text_chars": "STORYTIME_MAX_TEXT_CHARS",
    "first_reader": "STORYTIME_FIRST_READER",
    "max_redrives": "STORYTIME_MAX_REDRIVES",
    "renotify_after_seconds": "STORYTIME_RENOTIFY_AFTER_SECONDS",
    "max_recipients": "STORYTIME_MAX_RECIPIENTS",
    "max_notices_per_address_per_day": "STORYTIME_MAX_NOTICES_PER_ADDRESS_PER_DAY",
    "min_free_bytes": "STORYTIME_MIN_FREE_BYTES",
    "sweep_seconds": "STORYTIME_SWEEP_SECONDS",
}


@dataclass(frozen=True)
class Settings:
    bucket: str
    table: str
    state_machine_arn: str
    media_base_url: str
    # Wait between speech-status polls; 0 where synthesis finishes in the call.
    poll_seconds: int = 5
    # Polly's StartSpeechSynthesisTask takes 100,000 characters, but the text
    # travels in the state (256 KB): 20,000 Hangul characters are 60 KB.
    speech_part_chars: int = 20_000
    # serverless-storytime's fail-over: an unfinished page whose last attempt
    # is older than this is started again by retrieve.
    stale_after_seconds: int = 60
    fresh_retry_after_seconds: int = 5
    # Where people reach the API (http://127.0.0.1:8000 locally, the API's URL on AWS): links in
    # answers and e-mails start with it, so they open from anywhere.
    public_url: str = ""
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_pixels: int = MAX_UPLOAD_PIXELS
    # The two-step upload's limit, and how long its signed URL is good for.
    max_staged_upload_bytes: int = MAX_STAGED_UPLOAD_BYTES
    upload_url_seconds: int = 900
    # A dense page holds ~5,000 characters; far more means OCR read noise.
    max_text_chars: int = 100_000
    # Which OCR reads a new page first: "rekognition" (DetectText; the workflow
    # falls back to the Tesseract reader when its answer cannot be the whole page)
    # or "tesseract" (the dense-page reader straight away, as on one machine).
    first_reader: str = "rekognition"
    # A page whose attempt failed with a retryable error is re-driven at most
    # this many times (after the fail-over guard); then its failure is final.
    max_redrives: int = 3
    # A finished page sent again with an address tells that address at most once a day.
    renotify_after_seconds: int = 86_400
    # Addresses waiting on one unfinished page (bounds the record's size).
    max_recipients: int = 50
    # E-mails to one address per UTC day, about any pages: nobody can aim storytime's
    # mail at someone else's inbox by uploading many pages in their name.
    max_notices_per_address_per_day: int = 20
    # Below this much free space in the data folder new pages are refused (507)
    # and /health answers 503; in-flight pages resume once it is back.
    min_free_bytes: int = 64 * 1024 * 1024
    # How often the local sweeper looks for stuck pages (no one needs to poll).
    sweep_seconds: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        return cls(**cls.given(env))

    @classmethod
    def given(cls, env: Mapping[str, str] | None = None) -> dict:
        """The settings the environment sets, typed (the local runtime fills in the rest)."""
        env = os.environ if env is None else env
        values = {}
        for field, name in _ENV.items():
            if name in env:
                default = cls.__dataclass_fields__[field].default
                values[field] = int(env[name]) if isinstance(default, int) else env[name]
        return values

    def environment(self) -> dict[str, str]:
        """This object as the environment variables a Lambda receives."""
        return {_ENV[field]: str(value) for field, value in asdict(self).items()}
