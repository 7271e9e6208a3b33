"""Which language a page is in, and which voice reads it.

Korean, and four Latin-script languages: English, French, Spanish, German.
A Korean page often holds a few English words, so the first decision is a
majority vote over letters: Hangul letters outnumbering all other letters
means Korean. A Latin page is told apart by its commonest short words and its
accented letters (:func:`latin_language`), which survive OCR well; with no
clear sign, including an empty page, it is English.

The voice table pairs each language with its Amazon Polly voice and the
espeak-ng voice the local engine uses instead. Seoyeon (ko-KR), Joanna
(en-US), Lea (fr-FR), Lucia (es-ES) and Vicki (de-DE) all support Polly's
neural engine (Polly "Available voices" table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytime.errors import MalformedRequest

KOREAN = "ko"
ENGLISH = "en"
FRENCH = "fr"
SPANISH = "es"
GERMAN = "de"

# Frequent short words, each telling one language from the others (words
# the languages share, such as "de", "la", "en", are left out), and letters
# only one of them uses.
_WORDS = {
    ENGLISH: set("the and of to is was that with for his her he she it you they this are be at by not".split()),
    FRENCH: set("le les et des du est une il elle qui dans pour pas au aux ce sur avec ne était sont nous vous "
                "je mais ou où à".split()),
    SPANISH: set("el los las y del que una por con su sus es al lo como más pero fue era muy yo él no ni ya "
                 "cuando porque hasta donde sin sobre también".split()),
    GERMAN: set("der die das und ist nicht ein eine zu den dem mit sich auf für von im er sie es war als auch "
                "dass ich".split()),
}
_LETTERS = {FRENCH: set("éèêëçàâîïôûùœ"), SPANISH: set("ñáíóú¿¡"), GERMAN: set("äöüß")}
_TOKEN = re.compile(r"[^\W\d_]+")


LANGUAGES = (KOREAN, ENGLISH, FRENCH, SPANISH, GERMAN)


def language_hint(value: str | None) -> str | None:
    """The page language an uploader names (optional): one of LANGUAGES.
    The OCR reads with that language's model first, so a page that would
    otherwise need two reads (any language but English) needs one."""
    if value is None or value == "":
        return None
    code = str(value).strip().lower()
    if code not in LANGUAGES:
        raise MalformedRequest(f"language must be one of {', '.join(LANGUAGES)} (the page's language), "
                               "or left out.")
    return code


# What Rekognition DetectText reads: Latin script. A page named in another language
# goes to the Tesseract reader first, instead of being read twice.
REKOGNITION_READS = frozenset({ENGLISH, FRENCH, SPANISH, GERMAN})


def first_reader(hint: str | None, default: str) -> str:
    """Which OCR reads a page first: the deployment's choice, unless its named language rules Rekognition out."""
    return "tesseract" if hint is not None and hint not in REKOGNITION_READS else default


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
    """"ko" when Hangul letters are the majority of the letters, else the Latin
    language of :func:`latin_language`."""
    hangul = letters = 0
    for char in text or "":
        if is_hangul(char):
            hangul += 1
            letters += 1
        elif char.isalpha():
            letters += 1
    return KOREAN if hangul * 2 > letters else latin_language(text)


def latin_language(text: str) -> str:
    """"en", "fr", "es" or "de" for Latin-script text; "en" without a clear sign.

    Each known short word is one vote, each accented letter only one
    language uses half a vote; English wins ties.
    """
    votes = latin_votes(text)
    best = max(votes, key=lambda language: (votes[language], language == ENGLISH))
    return best if votes[best] > 0 else ENGLISH


def clear_latin_language(text: str, least: float = 3.0) -> str | None:
    """The Latin language a few lines' words clearly say: at least ``least``
    votes, and twice as many as any other language's; None when unsure."""
    votes = sorted(latin_votes(text).items(), key=lambda item: -item[1])
    (best, most), (_, next_most) = votes[0], votes[1]
    return best if most >= least and most >= 2 * next_most else None


def latin_votes(text: str) -> dict[str, float]:
    """Each language's votes (see :func:`latin_language`)."""
    votes = dict.fromkeys(_WORDS, 0.0)
    for token in _TOKEN.findall((text or "").lower()):
        for language, words in _WORDS.items():
            if token in words:
                votes[language] += 1
    for char in (text or "").lower():
        for language, letters in _LETTERS.items():
            if char in letters:
                votes[language] += 0.5
    return votes


@dataclass(frozen=True)
class Voice:
    language: str  # "ko", "en", "fr", "es", "de"
    language_code: str  # Polly LanguageCode
    polly_voice: str  # Polly VoiceId
    polly_engine: str  # Polly Engine
    espeak_voice: str  # espeak-ng -v


VOICES: dict[str, Voice] = {
    KOREAN: Voice(KOREAN, "ko-KR", "Seoyeon", "neural", "ko"),
    ENGLISH: Voice(ENGLISH, "en-US", "Joanna", "neural", "en-us"),
    FRENCH: Voice(FRENCH, "fr-FR", "Lea", "neural", "fr"),
    SPANISH: Voice(SPANISH, "es-ES", "Lucia", "neural", "es"),
    GERMAN: Voice(GERMAN, "de-DE", "Vicki", "neural", "de"),
}


def voice_for(language: str) -> Voice:
    """The voice for "ko", "en", "fr", "es", "de" (also "ko-KR", "FR" ...); English otherwise."""
    key = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return VOICES.get(key, VOICES[ENGLISH])


def espeak_voice_for_polly(polly_voice_id: str) -> str:
    """espeak-ng voice matching a Polly voice id; "en-us" for ids we don't know."""
    for voice in VOICES.values():
        if voice.polly_voice.lower() == (polly_voice_id or "").strip().lower():
            return voice.espeak_voice
    return VOICES[ENGLISH].espeak_voice
