"""libespeak-ng a part at once, in forks of warm workers, against the espeak-ng program: the program's
own audio, sentence marks where the program's sentence by sentence put them, no state carried from
page to page, and its faults (a crash, a hang, a killed worker or server) an EngineError or nothing,
never the server's."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from storytime.errors import EngineError
from storytime.local.config import LocalSettings
from storytime.local.runtime import default_engines
from storytime.local.speech_espeak import EspeakSpeech, mp3_encoder, sanitize_for_espeak
from storytime.local.speech_library import sentence_starts, spoken_text, word_marks
from storytime.local.speech_processes import SpeechProcesses

pytestmark = pytest.mark.e2e  # the real espeak-ng and libespeak-ng, as make test installs them

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE = (FIXTURES / "tesseract_phototest.png.gt.txt").read_text("utf-8")
KOREAN = "옛날 옛적에 작은 곰이 살았어요. 곰은 숲에서 빨간 풍선을 찾았어요! 풍선은 하늘로 날아갔어요."
LONG = " ".join([PAGE] * 60)  # ~18 minutes of speech: long enough to be caught in the middle


@pytest.fixture(scope="module")
def speech():
    engine = SpeechProcesses(1, nice=7)
    engine.warm()
    yield engine
    engine.close()


def program_mp3(text: str, voice: str) -> bytes:
    """The program on the whole text (``-b 1``: UTF-8), its PCM encoded as the engine encodes."""
    wav = subprocess.run(["espeak-ng", "-b", "1", "-v", voice, "--stdout", "--stdin"], check=True,
                         input=sanitize_for_espeak(text).encode("utf-8"), capture_output=True).stdout
    encoder = mp3_encoder(22050, 64)
    return bytes(encoder.encode(wav[44:])) + bytes(encoder.flush())


@pytest.mark.parametrize("text, voice", [(PAGE, "en-us"), (KOREAN, "ko"),
                                         ("Le petit ours a trouvé un ballon rouge.", "fr"),
                                         ("El pequeño oso encontró un globo rojo. ¿Dónde está?", "es"),
                                         ("Der kleine Bär fand einen roten Ballon. Wo ist er?", "de")])
def test_a_part_is_the_programs_audio_of_the_whole_text(speech, text, voice):
    # Every part starts from the state the program starts from: the same samples, so the same MP3.
    assert speech.speak(text, voice, keep=False).mp3 == program_mp3(text, voice)


def test_nothing_a_page_says_changes_how_the_next_is_spoken(speech):
    # In one process, "PR 1ᵉʳ" left later French pages 2.3 % longer; each part has a fresh fork.
    text = "Tous droits réservés. Le petit ours a trouvé un ballon rouge."
    before = speech.speak(text, "fr", keep=False).mp3
    for nasty, voice in [("PR 1ᵉʳ", "fr"), ("Testing ꦒꦩꦼꦭꦤ꧀ © � 😀", "en-us"), ("hého � hého", "fr")]:
        speech.speak(nasty, voice, keep=False)
        assert speech.speak(text, "fr", keep=False).mp3 == before


def program_ms(text: str, voice: str) -> float:
    wav = subprocess.run(["espeak-ng", "-b", "1", "-v", voice, "--stdout", "--stdin"], check=True,
                         input=text.encode("utf-8"), capture_output=True).stdout
    return (len(wav) - 44) / 2 * 1000 / 22050


@pytest.mark.parametrize("text, voice", [
    (PAGE, "en-us"), (KOREAN, "ko"),
    ("The fox ran. Then it stopped!\n\nA new paragraph begins here. Is it the end?", "en-us"),
])
def test_each_sentence_mark_is_where_the_rest_of_the_text_starts_in_the_audio(speech, text, voice):
    # Checked without the library's events: what follows a mark lasts as long as the program takes to
    # speak the text from that sentence on (measured within 50 ms; a dense page's dialogue, whose
    # closing quotes hide the sentence ends from espeak-ng, within 183 ms).
    spoken = speech.speak(text, voice, keep=False)
    assert [s[:2] for s in spoken.sentences] == [s[:2] for s in EspeakSpeech().speak(text, voice).sentences]
    whole = program_ms(text, voice)
    assert all(abs((whole - ms) - program_ms(text[first:], voice)) <= 80 for first, _, ms in spoken.sentences), \
        [round((whole - ms) - program_ms(text[first:], voice)) for first, _, ms in spoken.sentences]


def test_the_marks_task_takes_the_mp3_tasks_audio_once(speech, monkeypatch):
    spoken = []
    real = speech._spoken
    monkeypatch.setattr(speech, "_spoken", lambda text, voice: spoken.append(text) or real(text, voice))
    text = "The fox ran. Then it stopped!"
    first = speech.synthesize_mp3(text, "en-us")
    assert [m["value"] for m in speech.speech_marks(text, "en-us")] == ["The fox ran.", "Then it stopped!"]
    assert len(spoken) == 1
    assert speech.synthesize_mp3(text, "en-us") == first and len(spoken) == 2


def test_spoken_text_is_the_sanitised_sentences_with_the_spaces_between():
    text = "  A [[b]] c.\r\n\r\nD\x01e!  \x00\x01.  F?"
    spoken, kept, starts = spoken_text(text)
    assert spoken == "A [ [b]] c.\n\nD e!    .  F?"
    assert [text[a:b] for a, b in kept] == ["A [[b]] c.", "D\x01e!", "\x00\x01.", "F?"]
    assert [spoken[s:s + 3] for s in starts] == ["A [", "D e", "  .", "F?"]


def test_a_sentence_starts_at_its_earliest_word_and_one_of_punctuation_where_the_next_does():
    spoken = "One two. 12 345 x. ... Then more words."
    words = [(0, 0), (4, 100), (9, 900), (12, 400), (23, 1500)]  # (character, ms); a number's parts out of order
    assert sentence_starts([0, 9, 19, 23], spoken, words, 2000) == [0, 400, 1500, 1500]
    assert sentence_starts([0, 9], "One two. Three four.", [(0, 0)], 700) == [0, round(700 * 9 / 20)]


def test_a_word_or_sentence_without_an_event_starts_between_the_events_around_it():
    # espeak-ng tells no event for most Korean words that begin with ㄴ or ㅁ: each gets a time
    # between the events before and after it, in proportion to the characters before it.
    text = "그는 눈이 내리는 날을 보았다. 눈이 내렸다. 그래서 갔다."
    spoken, kept, starts = spoken_text(text)
    events = [(0, 0), (13, 2000), (26, 3800)]  # 그는, 보았다., 그래서: 눈이 내렸다. has none
    times = sentence_starts(starts, spoken, events, 4400)
    assert times == [0, round(2000 + 1800 * 5 / 13), 3800]  # the middle sentence estimated, not at 3800
    words = word_marks(text, kept, starts, events, times, len(spoken), 4400)
    assert [(text[a:b], ms) for a, b, ms in words] == [
        ("그는", 0), ("눈이", round(2000 * 3 / 13)), ("내리는", round(2000 * 6 / 13)), ("날을", round(2000 * 10 / 13)),
        ("보았다", 2000), ("눈이", times[1]), ("내렸다", round(2000 + 1800 * 8 / 13)),
        ("그래서", 3800), ("갔다", round(3800 + 600 * 4 / 7))]


@pytest.mark.parametrize("text, voice", [(PAGE, "en-us"), (KOREAN, "ko"),
                                         ("Le petit ours a trouvé l'été un ballon rouge. Où est-il?", "fr")])
def test_every_word_has_a_mark_in_order_inside_its_sentence(speech, text, voice):
    marks = speech.speech_marks(text, voice, ("sentence", "word"))
    words = [m for m in marks if m["type"] == "word"]
    # Each word of the text, in order, without its punctuation, found by its UTF-8 bytes; also the
    # Korean words espeak-ng 1.51 tells no event for ("날아갔어요" ending a sentence).
    expected = [w for w in (w.strip("\"'“”.,!?") for w in text.split()) if w]
    assert [w["value"] for w in words] == expected
    data = text.encode("utf-8")
    assert all(data[w["start"]:w["end"]].decode("utf-8") == w["value"] for w in words)
    # Time order, Polly's: a sentence, then its words from its start on.
    times = [m["time"] for m in marks]
    assert times == sorted(times)
    sentences = [m for m in marks if m["type"] == "sentence"]
    for sentence in sentences:
        first = next(w for w in words if w["start"] >= sentence["start"])
        assert first["time"] == sentence["time"] and marks.index(sentence) < marks.index(first)
    # The words move on through the audio: one every ~0.1-1 s of speech, none left at 0.
    assert len({w["time"] for w in words}) == len(words)


def test_only_the_marks_asked_for_and_no_words_from_the_program(speech):
    text = "The fox ran. Then it stopped!"
    assert {m["type"] for m in speech.speech_marks(text, "en-us")} == {"sentence"}
    assert {m["type"] for m in speech.speech_marks(text, "en-us", ("word",))} == {"word"}
    assert speech.speech_marks(text, "en-us", ()) == []
    program = EspeakSpeech().speech_marks(text, "en-us", ("sentence", "word"))  # it tells no words
    assert [m["type"] for m in program] == ["sentence", "sentence"]


def test_a_word_starts_at_its_first_event_and_a_changed_sentence_has_no_words():
    text = "Don't (stop) 1,234 — go.\r\nA [[b]] c."
    spoken, kept, starts = spoken_text(text)
    # Events (place in the text spoken, ms): a number's pieces out of order, none for the dash.
    events = [(0, 0), (7, 300), (13, 700), (15, 650), (21, 900), (26, 1500), (32, 1800)]
    words = word_marks(text, kept, starts, events, [0, 1500], len(spoken), 2000)
    assert [(text[a:b], ms) for a, b, ms in words] == [("Don't", 0), ("stop", 300), ("1,234", 650), ("go", 900)]


def test_workers_start_warm_below_the_api_with_the_library(speech):
    [pid] = speech.warm()
    assert pid != os.getpid()
    assert "libespeak-ng" in Path(f"/proc/{pid}/maps").read_text()
    assert os.getpriority(os.PRIO_PROCESS, pid) == 7


def _forks(worker: int) -> list[int]:
    found = []
    for children in Path(f"/proc/{worker}/task").glob("*/children"):
        try:
            found += [int(c) for c in children.read_text().split()]
        except OSError:
            pass
    return found


def _signal_when_speaking(worker: int, *, fork: bool, sent=signal.SIGKILL) -> threading.Thread:
    found = []

    def send():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            forks = _forks(worker)
            if forks:
                found.append(forks[0])
                os.kill(forks[0] if fork else worker, sent)
                return
            time.sleep(0.005)

    thread = threading.Thread(target=send)
    thread.found = found
    thread.start()
    return thread


@pytest.mark.parametrize("fork", [True, False], ids=["its fork", "the worker"])
def test_a_process_killed_mid_synthesis_fails_the_call_and_the_next_part_is_spoken(fork):
    engine = SpeechProcesses(1)
    try:
        [worker] = engine.warm()
        killer = _signal_when_speaking(worker, fork=fork)
        with pytest.raises(EngineError, match="ended"):
            engine.speak(LONG, "en-us", keep=False)
        killer.join()
        assert engine.speak(KOREAN, "ko", keep=False).sentences
    finally:
        engine.close()


def test_a_part_past_the_timeout_is_killed_and_the_next_part_is_spoken():
    engine = SpeechProcesses(1, timeout_seconds=0.2)
    try:
        [worker] = engine.warm()
        with pytest.raises(EngineError, match="longer than 0.2 s"):
            engine.speak(LONG, "en-us", keep=False)
        assert _forks(worker) == []  # killed and reaped, not left running
        assert engine.warm() == {worker}  # the worker itself carries on
        assert engine.speak("The fox ran.", "en-us", keep=False).sentences
    finally:
        engine.close()


def test_a_worker_that_hangs_mid_synthesis_is_ended_with_its_fork_and_replaced(monkeypatch):
    from storytime.local import speech_processes

    monkeypatch.setattr(speech_processes, "MARGIN_SECONDS", 1.0)
    engine = SpeechProcesses(1, timeout_seconds=1.0)
    try:
        [worker] = engine.warm()
        stopper = _signal_when_speaking(worker, fork=False, sent=signal.SIGSTOP)  # it never reads its fork's answer
        with pytest.raises(EngineError, match="did not answer"):
            engine.speak(LONG, "en-us", keep=False)
        stopper.join()
        deadline = time.monotonic() + 10
        while _alive(stopper.found[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker) and not _alive(stopper.found[0])
        assert engine.speak("The fox ran.", "en-us", keep=False).sentences
    finally:
        engine.close()


def test_the_local_server_speaks_in_its_workers_and_never_loads_the_library(tmp_path):
    program = ("import os, sys\nfrom pathlib import Path\n"
               "from storytime.local.config import LocalSettings\n"
               "from storytime.local.runtime import default_engines\n"
               "if __name__ == '__main__':\n"
               "    local = LocalSettings(reader_processes=0, speech_processes=2)\n"
               f"    engines = default_engines(Path({str(tmp_path)!r}), None, local)\n"
               "    print(len(engines.speech.warm()), len(engines.speech.speak('Hello there.', 'en-us').sentences),\n"
               "          'libespeak-ng' in Path('/proc/self/maps').read_text())\n"
               "    engines.speech.close()\n")
    script = tmp_path / "server.py"
    script.write_text(program)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["2", "1", "False"]


def test_the_program_per_sentence_remains_a_setting(tmp_path):
    engines = default_engines(tmp_path, None, LocalSettings(reader_processes=0, speech_processes=0))
    assert isinstance(engines.speech, EspeakSpeech)


def test_workers_and_forks_end_with_a_killed_server(tmp_path):
    program = ("import sys, threading\nfrom storytime.local.speech_processes import SpeechProcesses\n"
               "if __name__ == '__main__':\n"
               "    engine = SpeechProcesses(1, timeout_seconds=600)\n"
               "    print(*engine.warm(), flush=True)\n"
               f"    engine.speak(' '.join([{PAGE!r}] * 400), 'en-us')\n")
    script = tmp_path / "server.py"
    script.write_text(program)
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    worker = int(server.stdout.readline())
    deadline = time.monotonic() + 30
    while not _forks(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    [fork] = _forks(worker)
    server.kill()
    server.wait()
    deadline = time.monotonic() + 30
    while (_alive(worker) or _alive(fork)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker) and not _alive(fork)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
