"""Local speech engine: espeak-ng to WAV, lameenc to MP3.

The text comes from OCR of a photo anyone can upload, so it is treated as
untrusted data:

* it reaches espeak-ng on stdin only (``--stdin``), never on the command
  line, so a page starting with ``-v`` or ``--path=...`` is just read;
* no ``-m``: espeak-ng does not interpret SSML or other ``<tags>``;
* the espeak-ng command line always enables ``[[phoneme]]`` input (there is
  no flag to turn it off), so ``[[`` is split into ``[ [``;
* control characters (espeak-ng's embedded-command introducer is ``\\x01``)
  become spaces.
"""

from __future__ import annotations

import io
import re
import subprocess
import threading
import time
import unicodedata
import wave
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import lameenc

from storytime.core.chunks import sentence_spans
from storytime.errors import EngineError

# A part's limit, however it is spoken: under StartSpeech's TimeoutSeconds (60; the task is answered
# once spoken), so no synthesis outlives the step that waits for it. The longest part (20,000
# characters, ~25 minutes of speech) takes ~4 s of CPU in one synthesis.
TIMEOUT_SECONDS = 50.0
_VOICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+./-]*")
_KEEP_CONTROLS = {"\n", "\t"}


def sanitize_for_espeak(text: str) -> str:
    """The text with nothing espeak-ng could take as an instruction."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        " " if unicodedata.category(c) == "Cc" and c not in _KEEP_CONTROLS else c for c in text
    )
    # "[[[[" -> "[ [ [ [": re.sub does not see overlapping matches, so loop.
    while "[[" in text:
        text = text.replace("[[", "[ [")
    return text


@dataclass(frozen=True)
class Spoken:
    mp3: bytes
    sentences: tuple[tuple[int, int, int], ...]  # (first char, end char, start in ms) of each sentence
    words: tuple[tuple[int, int, int], ...] = ()  # the same of each word, where the engine tells them


def check_voice(espeak_voice: str) -> None:
    if not isinstance(espeak_voice, str) or not _VOICE.fullmatch(espeak_voice):
        raise EngineError(f"Not an espeak-ng voice name: {espeak_voice!r}")


def mp3_encoder(rate: int, bitrate_kbps: int) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_channels(1)
    encoder.set_in_sample_rate(rate)
    encoder.set_bit_rate(bitrate_kbps)
    # LAME's "fast" setting: the same bit rate, 2.7x less encoding than 2 ("high quality")
    # for a synthetic voice (measured on 2 minutes of espeak-ng speech).
    encoder.set_quality(7)
    return encoder


class KeptSpeech:
    """Polly's two tasks of a part on one synthesis: the MP3, then its sentence marks.

    The MP3 task and the marks task of a part ask for the same text one after the other: the
    marks take the spoken audio's timings, once. Another page with the same text is spoken anew.
    A subclass speaks in ``_spoken(text, voice) -> Spoken``.
    """

    KEPT = 16

    def __init__(self) -> None:
        self._recent: OrderedDict[tuple[str, str], Spoken] = OrderedDict()
        self._lock = threading.Lock()

    def synthesize_mp3(self, text: str, espeak_voice: str) -> bytes:
        """Speak ``text`` with espeak-ng voice ``espeak_voice`` (e.g. "en-us", "ko").

        Returns MP3 bytes (mono, espeak-ng's sample rate, ``bitrate_kbps``).
        Raises :class:`EngineError` for empty text, an unknown voice, a
        missing engine, a timeout, or no audio.
        """
        return self.speak(text, espeak_voice).mp3

    def speech_marks(self, text: str, espeak_voice: str, types: tuple[str, ...] = ("sentence",)) -> list[dict]:
        """Polly's speech marks of ``types`` ("sentence", "word") for the MP3 of the same text: time in
        ms, UTF-8 byte offsets, in time order, a sentence before its first word (Polly's order). Word
        marks only where the engine tells words (the program per sentence does not)."""
        with self._lock:
            spoken = self._recent.pop((text, espeak_voice), None)
        return self._marks(text, spoken or self.speak(text, espeak_voice, keep=False), types)

    def kept_marks(self, text: str, espeak_voice: str, types: tuple[str, ...] = ("sentence",)) -> list[dict] | None:
        """The marks of a part whose MP3 task has just spoken it, as :meth:`speech_marks` gives them,
        without speaking; None when no such synthesis is kept (then :meth:`speech_marks` speaks)."""
        with self._lock:
            spoken = self._recent.pop((text, espeak_voice), None)
        return None if spoken is None else self._marks(text, spoken, types)

    @staticmethod
    def _marks(text: str, spoken: Spoken, types: tuple[str, ...]) -> list[dict]:
        marks = []
        for kind, spans in (("sentence", spoken.sentences), ("word", spoken.words)):
            if kind not in types:
                continue
            for first, end, ms in spans:
                start = len(text[:first].encode("utf-8"))
                value = text[first:end]
                marks.append({"time": ms, "type": kind, "start": start,
                              "end": start + len(value.encode("utf-8")), "value": value})
        return sorted(marks, key=lambda mark: (mark["time"], mark["start"], mark["type"] != "sentence"))

    def speak(self, text: str, espeak_voice: str, keep: bool = True) -> Spoken:
        check_voice(espeak_voice)
        with self._lock:
            if (text, espeak_voice) in self._recent:
                return self._recent[(text, espeak_voice)]
        spoken = self._spoken(text, espeak_voice)
        if not keep:
            return spoken
        with self._lock:
            self._recent[(text, espeak_voice)] = spoken
            while len(self._recent) > self.KEPT:
                self._recent.popitem(last=False)
        return spoken

    def _spoken(self, text: str, espeak_voice: str) -> Spoken:
        raise NotImplementedError


class EspeakSpeech(KeptSpeech):
    """Text to MP3 with the espeak-ng command-line program, one sentence at a time.

    Speaking each sentence on its own is what tells where each one starts in
    the audio (espeak-ng's command line reports no timings): the speech marks
    a read-along page needs, in Polly's shape. Each sentence costs a process
    (~7 ms of CPU to start); :mod:`speech_processes` speaks a part at once.
    """

    def __init__(
        self,
        binary: str = "espeak-ng",
        *,
        bitrate_kbps: int = 64,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        super().__init__()
        self.binary = binary
        self.bitrate_kbps = bitrate_kbps
        self.timeout_seconds = timeout_seconds

    def _spoken(self, text: str, espeak_voice: str) -> Spoken:
        encoded, sentences, samples, rate, encoder = [], [], 0, None, None
        deadline = time.monotonic() + self.timeout_seconds  # the part's, however many sentences it has
        # The MP3 encoder (which lets go of the GIL) encodes each sentence while espeak-ng
        # speaks the next: on a page it cost several times espeak-ng's own time, serially.
        with ThreadPoolExecutor(1, thread_name_prefix="mp3") as encoding:  # one thread: frames stay in order
            for first, end in sentence_spans(text or ""):
                clean = sanitize_for_espeak(text[first:end])
                if not clean.strip():
                    continue
                pcm, sentence_rate = self._wav(clean, espeak_voice, deadline)
                if encoder is None:
                    rate, encoder = sentence_rate, mp3_encoder(sentence_rate, self.bitrate_kbps)
                sentences.append((first, end, round(samples * 1000 / rate)))
                encoded.append(encoding.submit(encoder.encode, pcm))
                samples += len(pcm) // 2
            if encoder is None:
                raise EngineError("There is no text to read aloud.")
            encoded.append(encoding.submit(encoder.flush))
            mp3 = b"".join(bytes(piece.result()) for piece in encoded)
        if not mp3:
            raise EngineError("MP3 encoding produced no data")
        return Spoken(mp3, tuple(sentences))

    # ------------------------------------------------------------------

    def _wav(self, text: str, voice: str, deadline: float | None = None) -> tuple[bytes, int]:
        # -b 1: the input is UTF-8. No -m: no markup. Text only on stdin.
        argv = [self.binary, "-b", "1", "-v", voice, "--stdout", "--stdin"]
        left = self.timeout_seconds if deadline is None else deadline - time.monotonic()
        if left <= 0:
            raise EngineError(f"espeak-ng took longer than {self.timeout_seconds:g} s")
        try:
            proc = subprocess.run(
                argv,
                input=text.encode("utf-8", errors="replace"),
                capture_output=True,
                timeout=left,
                check=False,
            )
        except FileNotFoundError as exc:
            raise EngineError(f"espeak-ng is not installed (looked for {self.binary!r})") from exc
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"espeak-ng took longer than {self.timeout_seconds:g} s") from exc
        stderr = proc.stderr.decode("utf-8", errors="replace").strip()
        if proc.returncode != 0:
            raise EngineError(
                f"espeak-ng failed (exit {proc.returncode}) for voice {voice!r}: {stderr or 'no message'}"
            )
        try:
            # espeak-ng writing to a pipe cannot seek back to fix the RIFF
            # sizes, so its header claims ~2 GB; wave then simply reads what
            # is there.
            with wave.open(io.BytesIO(proc.stdout), "rb") as wav:
                channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
                pcm = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            raise EngineError(f"espeak-ng produced no readable WAV: {stderr or exc}") from exc
        if channels != 1 or width != 2:
            raise EngineError(f"espeak-ng produced {channels}-channel {8 * width}-bit audio; expected mono 16-bit")
        pcm = pcm[: len(pcm) - len(pcm) % 2]
        if not pcm:
            raise EngineError(f"espeak-ng produced no audio: {stderr or 'no message'}")
        return pcm, rate
