"""Which language a page is in, and which voice reads it.

Only two languages matter here: Korean and English. A Korean page often holds
a few English words, so the decision is a majority vote over letters: Hangul
letters outnumbering all other letters means Korean; anything else, including
an empty page, is English.

The voice table pairs each language with its Amazon Polly voice and the
espeak-ng voice the local engine uses instead. Seoyeon (ko-KR) and Joanna
(en-US) both support Polly's neural engine (Polly "Available voices" table;
DescribeVoices lists Seoyeon with SupportedEngines neural and standard).
"""

from __future__ import annotations

from dataclasses import dataclass

KOREAN = "ko"
ENGLISH = "en"


def is_hangul(char: str) -> bool:
    """Hangul syllables and jamo (conjoining, compatibility, extended)."""
    code = ord(char)
    return (
        0xAC00 <= code <= 0xD7A3
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0xA960 <= code <= 0xA97F
        or 0xD7B0 <= code <= 0xD7FF
    )


def detect_language(text: str) -> str:
    """"ko" when Hangul letters are the majority of the letters, else "en"."""
    hangul = letters = 0
    for char in text or "":
        if is_hangul(char):
            hangul += 1
            letters += 1
        elif char.isalpha():
            letters += 1
    return KOREAN if hangul * 2 > letters else ENGLISH


@dataclass(frozen=True)
class Voice:
    language: str  # "ko" / "en"
    language_code: str  # Polly LanguageCode
    polly_voice: str  # Polly VoiceId
    polly_engine: str  # Polly Engine
    espeak_voice: str  # espeak-ng -v


VOICES: dict[str, Voice] = {
    KOREAN: Voice(KOREAN, "ko-KR", "Seoyeon", "neural", "ko"),
    ENGLISH: Voice(ENGLISH, "en-US", "Joanna", "neural", "en-us"),
}


def voice_for(language: str) -> Voice:
    """The voice for "ko" or "en" (also accepts "ko-KR", "EN" ...); English otherwise."""
    key = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return VOICES.get(key, VOICES[ENGLISH])


def espeak_voice_for_polly(polly_voice_id: str) -> str:
    """espeak-ng voice matching a Polly voice id; "en-us" for ids we don't know."""
    for voice in VOICES.values():
        if voice.polly_voice.lower() == (polly_voice_id or "").strip().lower():
            return voice.espeak_voice
    return VOICES[ENGLISH].espeak_voice
