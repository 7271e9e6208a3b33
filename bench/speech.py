"""Speech alone, per page: the espeak-ng program once per sentence against libespeak-ng a part at once.

    .venv/bin/python bench/speech.py [--reps N] [PAGE...]

Each page's text (its ground truth in tests/fixtures, made speakable and split into parts as the
workflow does) is spoken by both engines in turn, ``--reps`` times, both at the engines' nice value.
Printed per page, medians: wall ms, CPU ms (this process with the programs it waited for, and the
speech workers with the forks they waited for), and the sentence marks' largest difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["tesseract_phototest.png", "gen_en_dense_photo.jpg", "gen_ko_prose_photo.jpg"]


def _ticks(pid: int) -> float:
    """utime + stime + cutime + cstime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu(workers: set[int]) -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + sum(_ticks(pid) for pid in workers)


def parts(name: str) -> tuple[list[str], str]:
    from storytime.core.chunks import split_for_speech
    from storytime.core.language import detect_language, espeak_voice_for_polly, voice_for
    from storytime.core.speakable import speakable

    text = (ROOT / "tests" / "fixtures" / f"{name}.gt.txt").read_text("utf-8")
    voice = espeak_voice_for_polly(voice_for(detect_language(text)).polly_voice)
    return split_for_speech(speakable(text), 20_000), voice


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args(argv)

    from storytime.local.config import LocalSettings
    from storytime.local.engine_slots import lower_priority
    from storytime.local.speech_espeak import EspeakSpeech
    from storytime.local.speech_processes import SpeechProcesses

    nice = LocalSettings.from_env().engine_nice
    lower_priority(nice)
    library = SpeechProcesses(1, nice)
    workers = library.warm()
    engines = {"program per sentence": EspeakSpeech(), "library, a part at once": library}
    try:
        for name in args.pages:
            texts, voice = parts(name)
            runs: dict[str, list[tuple[float, float]]] = {label: [] for label in engines}
            sentences = {}
            for _ in range(args.reps):
                for label, engine in engines.items():
                    started, cpu_started = time.perf_counter(), cpu(workers)
                    spoken = [engine.speak(text, voice, keep=False) for text in texts]
                    runs[label].append((time.perf_counter() - started, cpu(workers) - cpu_started))
                    sentences[label] = [s for part in spoken for s in part.sentences]
            words = sum(len(t.split()) for t in texts)
            print(f"\n{name}: {voice}, {words} words, {len(sentences[label])} sentences, {len(texts)} part(s)")
            for label, page in runs.items():
                wall = statistics.median(r[0] for r in page) * 1000
                used = statistics.median(r[1] for r in page) * 1000
                print(f"  {label:26} wall {wall:7.1f} ms   CPU {used:7.1f} ms")
            a, b = sentences.values()
            gaps = [abs(x[2] - y[2]) for x, y in zip(a, b)]
            print(f"  marks: the same {len(a)} sentences: {[x[:2] for x in a] == [y[:2] for y in b]};"
                  f" start differs by median {statistics.median(gaps):.0f} ms, at most {max(gaps)} ms"
                  f" (audio {a[-1][2] / 1000:.1f} s to the last sentence)")
    finally:
        library.close()


if __name__ == "__main__":
    main()
