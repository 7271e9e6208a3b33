"""A whole part in one synthesis with libespeak-ng (ctypes), each word's and sentence's start from its events.

The espeak-ng program tells no timings, so :class:`~storytime.local.speech_espeak.EspeakSpeech`
starts one process per sentence (~7 ms of CPU each just to start). The library reports, with the
audio, an event at each word: its character position in the text and its time in the audio. A
part is spoken in one call, as ``espeak-ng`` would speak it; each word starts at its first event
and each sentence where its first word does: Polly's word and sentence marks.

Our own small binding: pyttsx3's is a private module of a playback library (it loads the library
on import and drives it for the sound card), phonemizer binds only phonemisation, and the packages
that bind synthesis (espeak-ng-python: "minimally functional"; py-espeak-ng, espeakng: the program)
do not give events with the audio.

The text is untrusted OCR output: it is still sanitised (:func:`sanitize_for_espeak`), and handed
over as UTF-8 (``espeakCHARS_UTF8``) without ``espeakSSML`` (tags are read as text) and without
``espeakPHONEMES`` (``[[...]]`` is read as text; the program always sets it). With
``espeakENDPAUSE``, as the program sets it. The library keeps global state and is not reentrant:
one synthesis at a time in a process (:mod:`speech_processes` gives each its own process).
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_left, bisect_right
from concurrent.futures import ThreadPoolExecutor
from ctypes import CFUNCTYPE, POINTER, Structure, Union, c_char_p, c_int, c_short, c_size_t, c_ubyte, c_uint, c_void_p

from storytime.core.chunks import sentence_spans
from storytime.errors import EngineError
from storytime.local.speech_espeak import Spoken, check_voice, mp3_encoder, sanitize_for_espeak

LIBRARY = "libespeak-ng.so.1"
# speak_lib.h (espeak-ng 1.51, API revision 12)
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000  # a missing data folder is an error code, not exit() of our process
POS_CHARACTER = 1
CHARS_UTF8 = 1
ENDPAUSE = 0x1000
EVENT_LIST_TERMINATED, EVENT_WORD = 0, 1
EE_OK = 0
# The library's pieces of audio: ~1 s each, not its default ~50 ms (a Korean page of 2 minutes came in
# 2,714 pieces, each a call into Python and a hand-over to the encoder: 444 -> 359 ms of CPU; the same audio).
BUFFER_MS = 1000
# PCM handed to the encoder at a time (~1.5 s of speech).
ENCODE_BYTES = 64 * 1024


class _EventId(Union):
    _fields_ = [("number", c_int), ("name", c_char_p), ("string", ctypes.c_char * 8)]


class _Event(Structure):
    _fields_ = [("type", c_int), ("unique_identifier", c_uint), ("text_position", c_int), ("length", c_int),
                ("audio_position", c_int), ("sample", c_int), ("user_data", c_void_p), ("id", _EventId)]


class _Voice(Structure):
    _fields_ = [("name", c_char_p), ("languages", c_char_p), ("identifier", c_char_p), ("gender", c_ubyte),
                ("age", c_ubyte), ("variant", c_ubyte), ("xx1", c_ubyte), ("score", c_int), ("spare", c_void_p)]


_CALLBACK = CFUNCTYPE(c_int, POINTER(c_short), c_int, POINTER(_Event))


class Library:
    """libespeak-ng loaded and initialised in this process: one per process, one call at a time."""

    def __init__(self, path: str = LIBRARY) -> None:
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise EngineError(f"libespeak-ng is not installed (looked for {path!r}): {exc}") from exc
        lib.espeak_Initialize.argtypes = [c_int, c_int, c_char_p, c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [c_char_p]
        lib.espeak_SetVoiceByProperties.argtypes = [POINTER(_Voice)]
        lib.espeak_Synth.argtypes = [c_void_p, c_size_t, c_uint, c_int, c_uint, c_uint, POINTER(c_uint), c_void_p]
        self.rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, None, INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise EngineError(f"libespeak-ng could not start (its data folder?): {self.rate}")
        self._lib = lib
        self._audio = None
        self._words: list[tuple[int, int]] = []
        self._callback = _CALLBACK(self._heard)  # kept: the library holds only the pointer
        lib.espeak_SetSynthCallback(self._callback)

    def set_voice(self, voice: str) -> None:
        """As the program's ``-v``: a voice by name, else by language."""
        check_voice(voice)
        name = voice.encode("ascii")
        if self._lib.espeak_SetVoiceByName(name) == EE_OK:
            return
        if self._lib.espeak_SetVoiceByProperties(ctypes.byref(_Voice(languages=name))) != EE_OK:
            raise EngineError(f"espeak-ng has no voice {voice!r}")

    def synthesize(self, text: str, audio) -> list[tuple[int, int]]:
        """Speak ``text``, handing each piece of 16-bit mono PCM to ``audio(bytes)`` as it is made.

        Returns each word's (character index in ``text``, start in ms).
        """
        self._audio, self._words = audio, []
        data = text.encode("utf-8", errors="replace") + b"\0"
        try:
            status = self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None)
        finally:
            self._audio = None
        if status != EE_OK:
            raise EngineError(f"libespeak-ng could not speak the text (error {status})")
        return self._words

    def _heard(self, wav, samples: int, events) -> int:
        if wav and samples > 0 and self._audio is not None:
            self._audio(ctypes.string_at(wav, samples * 2))
        index = 0
        while events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == EVENT_WORD:  # text_position counts characters from 1
                self._words.append((event.text_position - 1, event.audio_position))
            index += 1
        return 0


def spoken_text(text: str) -> tuple[str, list[tuple[int, int]], list[int]]:
    """What espeak-ng is given for ``text``: its sentences, sanitised, with the spaces between them.

    Returns the text, the (first, end) of each sentence kept (one with nothing to say is left out,
    as :class:`EspeakSpeech` leaves it out) in ``text``, and where each starts in the text given.
    """
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    starts: list[int] = []
    length, previous_end = 0, None
    for first, end in sentence_spans(text or ""):
        clean = sanitize_for_espeak(text[first:end])
        if not clean.strip():
            continue
        if previous_end is not None:  # the spaces (and any sentence with nothing to say) between
            gap = sanitize_for_espeak(text[previous_end:first])
            pieces.append(gap)
            length += len(gap)
        kept.append((first, end))
        starts.append(length)
        pieces.append(clean)
        length += len(clean)
        previous_end = end
    return "".join(pieces), kept, starts


class _Events:
    """The library's word events (place in the text spoken, ms), found by place.

    espeak-ng 1.51 tells no event for some words: in Korean most words that begin with ㄴ or ㅁ
    ("눈이 내리는 날이었다." has none), in English some short ones it runs into the next ("of a").
    Such a word is given a time between the events around it, in proportion to the characters
    before it: the web reader lights every word, as it does with Polly's marks.
    """

    def __init__(self, words: list[tuple[int, int]], length: int, total_ms: int) -> None:
        self._events = sorted(words)
        self._places = [place for place, _ in self._events]
        # Places and times to estimate between: never back in time (a number's pieces come out of order).
        self._anchors: list[tuple[int, int]] = [(0, 0)]
        for place, ms in self._events:
            self._anchors.append((place, max(ms, self._anchors[-1][1])))
        self._anchors.append((max(length, self._anchors[-1][0]), max(total_ms, self._anchors[-1][1])))
        self._anchor_places = [place for place, _ in self._anchors]

    def earliest(self, first: int, end: int) -> int | None:
        """The earliest time of an event in [first, end) of the text spoken, or None."""
        inside = self._events[bisect_left(self._places, first):bisect_left(self._places, end)]
        return min((ms for _, ms in inside), default=None)

    def at(self, first: int, end: int) -> int:
        """When the word at [first, end) of the text spoken starts: its earliest event, else an estimate."""
        ms = self.earliest(first, end)
        if ms is not None:
            return ms
        after = min(bisect_right(self._anchor_places, first), len(self._anchors) - 1)
        (p0, ms0), (p1, ms1) = self._anchors[after - 1], self._anchors[after]
        return ms0 if p1 <= p0 else round(ms0 + (ms1 - ms0) * (first - p0) / (p1 - p0))


_WORD = re.compile(r"\S+")
# Not part of a word's value: what Polly leaves out of a word mark too.
_AROUND_WORDS = "\"'“”‘’«»„‚‹›()[]{}<>.,;:!?¡¿…—–-*_/\\|"


def _words_in(text: str, first: int, end: int):
    """(first, end) of each word of ``text[first:end]``: a run between spaces with a letter or digit in
    it, its punctuation left out."""
    for token in _WORD.finditer(text, first, end):
        word = token.group().strip(_AROUND_WORDS)
        if any(c.isalnum() for c in word):
            word_first = token.start() + len(token.group()) - len(token.group().lstrip(_AROUND_WORDS))
            yield word_first, word_first + len(word)


def sentence_starts(starts: list[int], spoken: str, words: list[tuple[int, int]], total_ms: int) -> list[int]:
    """The ms at which each sentence starts: its earliest word's start (a first word without an event:
    estimated). ``starts``: where each sentence starts in the text ``spoken``. A sentence without a
    word (punctuation alone) starts where the next one does; never before the sentence before it."""
    events = _Events(words, len(spoken), total_ms)
    found = []
    for first, end in zip(starts, [*starts[1:], len(spoken)]):
        word = next(_words_in(spoken, first, end), None)
        found.append(None if word is None else min(events.at(*word), events.at(first, end)))
    result: list[int] = []
    following = total_ms
    for ms in reversed(found):
        following = following if ms is None else ms
        result.append(following)
    result.reverse()
    for n in range(1, len(result)):
        result[n] = max(result[n], result[n - 1])
    if result:
        result[0] = 0  # the first sentence starts the audio, as each part's marks always have
    return result


def word_marks(text: str, kept: list[tuple[int, int]], starts: list[int], words: list[tuple[int, int]],
               sentence_ms: list[int], length: int, total_ms: int) -> tuple[tuple[int, int, int], ...]:
    """Each word of ``text``'s sentences: (first char, end char, start ms), in order.

    A word is a run of text between spaces with a letter or digit, its punctuation left out; it starts
    where the library's first event inside it does (espeak-ng's events mark pieces of a word: "1,234"
    has four, "stop-gap" and "l'été" one, so their own lengths are not used), or, without an event,
    at an estimate (:class:`_Events`). A sentence that sanitising changed in length (a "[[", a CR LF)
    has no word marks: its places in the text spoken (``length`` characters) are not its places in
    ``text``.
    """
    events = _Events(words, length, total_ms)
    marks: list[tuple[int, int, int]] = []
    for (first, end), start, previous in zip(kept, starts, sentence_ms):
        if len(sanitize_for_espeak(text[first:end])) != end - first:
            continue
        shift = start - first  # text's place -> the text spoken's
        for word_first, word_end in _words_in(text, first, end):
            previous = max(previous, events.at(word_first + shift, word_end + shift))  # never before the word before
            marks.append((word_first, word_end, previous))
    return tuple(marks)


def speak_part(library: Library, text: str, voice: str, bitrate_kbps: int = 64) -> Spoken:
    """``text`` spoken in one synthesis, encoded to MP3 while it is spoken, and its sentences' starts."""
    spoken, kept, starts = spoken_text(text)
    if not kept:
        raise EngineError("There is no text to read aloud.")
    library.set_voice(voice)
    encoder = mp3_encoder(library.rate, bitrate_kbps)
    samples = 0
    # LAME lets go of the interpreter's lock: it encodes each piece while espeak-ng makes the next.
    with ThreadPoolExecutor(1, thread_name_prefix="mp3") as encoding:  # one thread: frames stay in order
        encoded = []

        pending = bytearray()

        def audio(pcm: bytes) -> None:
            nonlocal samples
            samples += len(pcm) // 2
            pending.extend(pcm)
            if len(pending) >= ENCODE_BYTES:
                encoded.append(encoding.submit(encoder.encode, bytes(pending)))
                pending.clear()

        words = library.synthesize(spoken, audio)
        if not samples:
            raise EngineError("espeak-ng produced no audio")
        if pending:
            encoded.append(encoding.submit(encoder.encode, bytes(pending)))
        encoded.append(encoding.submit(encoder.flush))
        mp3 = b"".join(bytes(piece.result()) for piece in encoded)
    if not mp3:
        raise EngineError("MP3 encoding produced no data")
    total_ms = round(samples * 1000 / library.rate)
    times = sentence_starts(starts, spoken, words, total_ms)
    return Spoken(mp3, tuple((first, end, ms) for (first, end), ms in zip(kept, times)),
                  word_marks(text, kept, starts, words, times, len(spoken), total_ms))
