"""How long an MP3 plays, read from its frame headers by mutagen (pure: bytes in, seconds out)."""

from __future__ import annotations

import io

from mutagen import MutagenError
from mutagen.mp3 import MP3


def mp3_seconds(data: bytes) -> float | None:
    """Seconds of audio, or None when the bytes hold no MP3 frames."""
    try:
        return float(MP3(io.BytesIO(data)).info.length)
    except (MutagenError, ValueError):
        return None
