"""The speech engines against the real espeak-ng, decoded back with miniaudio: the same cases on the
program once per sentence (EspeakSpeech) and on libespeak-ng, a part at once, in worker processes
(SpeechProcesses)."""

from __future__ import annotations

import array

import miniaudio
import pytest
from storytime.errors import EngineError
from storytime.local.speech_espeak import EspeakSpeech, sanitize_for_espeak
from storytime.local.speech_processes import SpeechProcesses

pytestmark = pytest.mark.e2e  # espeak-ng is installed by make test: missing, these fail rather than skip

ENGLISH = "Once upon a time, a little bear found a red balloon in the forest."
KOREAN = "옛날 옛적에 작은 곰이 숲에서 빨간 풍선을 찾았어요."


@pytest.fixture(scope="module", params=["program", "library"])
def speech(request):
    if request.param == "program":
        yield EspeakSpeech()
        return
    engine = SpeechProcesses(1)
    yield engine
    engine.close()


def decode(mp3: bytes) -> miniaudio.DecodedSoundFile:
    assert mp3, "no MP3 bytes"
    # Decode at the file's own layout (miniaudio.decode defaults to 2 ch, 44.1 kHz).
    info = miniaudio.mp3_get_info(mp3)
    return miniaudio.decode(
        mp3,
        output_format=miniaudio.SampleFormat.SIGNED16,
        nchannels=info.nchannels,
        sample_rate=info.sample_rate,
    )


def peak(sound: miniaudio.DecodedSoundFile) -> int:
    samples = array.array("h", sound.samples)
    return max(abs(s) for s in samples)


def loud_samples(sound: miniaudio.DecodedSoundFile, threshold: int = 1000) -> int:
    return sum(1 for s in array.array("h", sound.samples) if abs(s) > threshold)


@pytest.mark.parametrize(("text", "voice"), [(ENGLISH, "en-us"), (KOREAN, "ko")])
def test_speech_is_mp3_with_sound(speech, text, voice):
    mp3 = speech.synthesize_mp3(text, voice)
    assert mp3[:3] == b"ID3" or (mp3[0] == 0xFF and mp3[1] & 0xE0 == 0xE0)  # MPEG frame sync
    sound = decode(mp3)
    assert sound.nchannels == 1
    assert sound.sample_rate == 22050  # espeak-ng's rate, kept
    assert sound.duration > 1.0
    assert peak(sound) > 1000
    assert loud_samples(sound) > 1000


def test_three_times_the_text_is_longer(speech):
    short = decode(speech.synthesize_mp3(ENGLISH, "en-us")).duration
    long = decode(speech.synthesize_mp3(" ".join([ENGLISH] * 3), "en-us")).duration
    assert long / short > 1.5


def test_korean_three_times_is_longer(speech):
    short = decode(speech.synthesize_mp3(KOREAN, "ko")).duration
    long = decode(speech.synthesize_mp3(" ".join([KOREAN] * 3), "ko")).duration
    assert long / short > 1.5


@pytest.mark.parametrize(
    "text",
    [
        "-v xx --path=/nonexistent the bear said",
        "--help",
        "- dash first",
        "-\n-v ko\n",
        "<speak><prosody rate='x-slow'>hello</prosody></speak>",
        "<?xml version='1.0'?><speak>hello</speak> & goodbye",
        "[[h@l'oU]] said the bear",
        "bell \x07 and embedded \x01 commands",
    ],
)
def test_hostile_looking_text_is_just_read(speech, text):
    sound = decode(speech.synthesize_mp3(text, "en-us"))
    assert sound.duration > 0.3
    assert peak(sound) > 1000


def test_option_looking_text_is_not_an_option(speech):
    # If "--help" were taken as an option espeak-ng would print help, not speak.
    sound = decode(speech.synthesize_mp3("--help", "en-us"))
    assert peak(sound) > 1000


def test_markup_is_spoken_not_obeyed(speech):
    # Read as text, "<speak>" adds words; obeyed as SSML it would add nothing.
    plain = decode(speech.synthesize_mp3("hello", "en-us")).duration
    tagged = decode(speech.synthesize_mp3("<speak>hello</speak>", "en-us")).duration
    assert tagged > plain * 1.5


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\x00\x01"])
def test_empty_text_is_an_engine_error(speech, text):
    with pytest.raises(EngineError):
        speech.synthesize_mp3(text, "en-us")


def test_unknown_voice_is_an_engine_error_with_espeaks_message(speech):
    with pytest.raises(EngineError) as e:
        speech.synthesize_mp3("hello", "xx-nonexistent")
    assert "voice" in str(e.value).lower()


@pytest.mark.parametrize("voice", ["-m", "--stdin", "", "en us", "en;rm"])
def test_voice_names_that_look_like_options_are_refused(speech, voice):
    with pytest.raises(EngineError):
        speech.synthesize_mp3("hello", voice)


def test_missing_binary_is_an_engine_error():
    with pytest.raises(EngineError) as e:
        EspeakSpeech(binary="/nonexistent/espeak-ng").synthesize_mp3("hello", "en-us")
    assert "not installed" in str(e.value)


def test_the_programs_limit_is_the_parts_not_each_sentences(tmp_path):
    # Each sentence is quick (0.3 s) but the part's four take longer than its limit (0.8 s): refused,
    # as the library's whole part is, so no part runs on past the step that waits for it.
    slow = tmp_path / "espeak-ng"
    slow.write_text('#!/bin/sh\nsleep 0.3\nexec espeak-ng "$@"\n')
    slow.chmod(0o755)
    text = "One. Two. Three. Four."
    assert EspeakSpeech(binary=str(slow), timeout_seconds=5).synthesize_mp3(text, "en-us")
    with pytest.raises(EngineError, match="longer than 0.8 s"):
        EspeakSpeech(binary=str(slow), timeout_seconds=0.8).synthesize_mp3(text, "en-us")


def test_missing_library_is_an_engine_error_on_every_call():
    engine = SpeechProcesses(1, library="/nonexistent/libespeak-ng.so.1")
    try:
        for _ in range(2):  # the worker answers with it rather than dying as it starts
            with pytest.raises(EngineError, match="not installed"):
                engine.synthesize_mp3("hello", "en-us")
    finally:
        engine.close()


def test_sanitize_for_espeak():
    assert sanitize_for_espeak("a [[b]] c") == "a [ [b]] c"
    assert "[[" not in sanitize_for_espeak("[[[[[")
    assert sanitize_for_espeak("a\x01b\x00c\r\nd") == "a b c\nd"
    assert sanitize_for_espeak("<speak>-v</speak>") == "<speak>-v</speak>"


@pytest.mark.parametrize("text, voice", [
    ("The fox ran. Then it stopped!\n\nA new paragraph begins here. Is it the end?", "en-us"),
    ("옛날 옛적에 작은 곰이 살았어요. 곰은 숲에서 빨간 풍선을 찾았어요! 풍선은 하늘로 날아갔어요.", "ko"),
])
def test_sentence_marks_say_where_each_sentence_starts_in_the_mp3(speech, text, voice):
    marks = speech.speech_marks(text, voice)
    data = text.encode("utf-8")
    # Polly's shape: UTF-8 byte offsets that slice the text to the mark's value.
    assert [data[m["start"]:m["end"]].decode("utf-8") for m in marks] == [m["value"] for m in marks]
    assert len(marks) == 4 if voice == "en-us" else len(marks) == 3
    assert all(m["type"] == "sentence" for m in marks)
    times = [m["time"] for m in marks]
    assert times[0] == 0 and times == sorted(times) and len(set(times)) == len(times)
    # Each sentence takes time in proportion to its length, and all of them fit in the MP3.
    seconds = decode(speech.synthesize_mp3(text, voice)).duration
    assert times[-1] / 1000 < seconds
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert all(gap > 300 for gap in gaps), gaps


def test_every_sentence_is_in_the_mp3_encoded_while_the_next_is_spoken():
    # The encoder runs beside espeak-ng, sentence by sentence: no sentence's audio may be lost.
    speech = EspeakSpeech()
    sentences = ["The fox ran.", "Then it stopped!", "A new paragraph begins here.", "Is it the end?"]
    whole = decode(speech.synthesize_mp3(" ".join(sentences), "en-us")).duration
    pcm = sum(len(audio) / 2 / rate for audio, rate in (speech._wav(s, "en-us") for s in sentences))
    # The MP3 adds about two frames of encoder delay and padding (52 ms at 22,050 Hz), nothing more.
    assert pcm <= whole < pcm + 0.08, (whole, pcm)


def test_the_marks_task_takes_the_mp3_tasks_audio_once(monkeypatch):
    # The marks of a part follow its MP3 at once: spoken once for both. A later page with the same
    # text is spoken again (nothing is kept past its marks).
    speech, spoken = EspeakSpeech(), []
    wav = speech._wav
    monkeypatch.setattr(speech, "_wav", lambda text, *rest: spoken.append(text) or wav(text, *rest))
    text = "The fox ran. Then it stopped!"
    first = speech.synthesize_mp3(text, "en-us")
    assert len(spoken) == 2
    assert [m["value"] for m in speech.speech_marks(text, "en-us")] == ["The fox ran.", "Then it stopped!"]
    assert len(spoken) == 2
    assert speech.synthesize_mp3(text, "en-us") == first and len(spoken) == 4
