"""make profile: where a page's CPU goes, every thread sampled by py-spy (pinned in pyproject).

Reads the fixture pages through the workflow in-process (real engines) and
prints Python CPU seconds by function (inclusive), for the pages' executions
and uploads only (not start-up). Time inside the engines' subprocesses
(tesseract, espeak-ng) is not Python and does not show: what is listed
outside ``ocr/`` and ``speech_espeak`` is what storytime and the
interpreter add. ``python bench/profile.py PAGE...`` for other pages.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAGES = ["tesseract_phototest.png", "paddleocr_img_12.png", "easyocr_korean.png"]
RATE = 200  # samples a second


def read_pages(names: list[str]) -> None:
    """The profiled process: each page through the workflow, one after another."""
    from storytime.local.runtime import LocalRuntime
    from storytime.service.uploads import accept_upload

    from bench.run import fixture, variant

    with tempfile.TemporaryDirectory() as tmp:
        runtime = LocalRuntime(Path(tmp), "http://profile/media")
        try:
            for n, name in enumerate(names):
                photo, kind = fixture(name)
                started = time.perf_counter()
                answer = accept_upload(runtime.deps, variant(photo, time.time_ns() + n), kind)
                runtime.workflow.wait(runtime.records.get(answer.body["id"]).execution_arn)
                print(f"{name}: {time.perf_counter() - started:.2f} s", flush=True)
        finally:
            runtime.close()


def _frame(raw: str) -> str:
    found = re.match(r"(\S+) \((.*?):\d+\)", raw)
    if not found:
        return raw
    return f"{found.group(1)} ({found.group(2).split('site-packages/')[-1].split('/functions/')[-1]})"


# The engines' Python side: the reader in this process, speech (the program's or the workers' caller).
ENGINE_FRAMES = ("TesseractDetectText.__call__", "KeptSpeech.synthesize_mp3", "EspeakSpeech.synthesize_mp3")


def summarise(raw_file: Path) -> str:
    inclusive, total, engine = Counter(), 0, 0  # engine: the Python side of OCR and speech
    for line in raw_file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        count = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        if not any("moto/stepfunctions/" in f or f.startswith("accept_upload") for f in frames) or any(
                f.startswith("_find_and_load") for f in frames):
            continue  # start-up and imports: not a page's work
        total += count
        if any(f.startswith(ENGINE_FRAMES) for f in frames):
            engine += count
        for name in set(frames):
            if "storytime/" in name or name.startswith(("Popen.communicate", "StateTask", "Program")):
                inclusive[name] += count
    rows = [f"{total / RATE:.2f} s of Python CPU in the pages' executions and uploads; {engine / RATE:.2f} s of it "
            f"({engine / max(total, 1):.0%}) in the engines' Python side (image preparation, MP3 encoding); "
            f"the rest, {(total - engine) / RATE:.2f} s, is storytime and the interpreter",
            "", "inclusive seconds by function (all threads):"]
    for name, count in inclusive.most_common(30):
        rows.append(f"{count / RATE:8.2f}  {name}")
    return "\n".join(rows)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--pages"]:
        return read_pages(argv[1:])
    names = argv or DEFAULT_PAGES
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H%M%S", time.gmtime())
    raw = Path(tempfile.mkstemp(suffix=".txt")[1])
    spy = Path(sys.executable).with_name("py-spy")
    subprocess.run([str(spy), "record", "--threads", "--subprocesses", "-r", str(RATE), "--format", "raw",
                    "-o", str(raw), "--", sys.executable, __file__, "--pages", *names], check=True)
    report = summarise(raw)
    path = out / f"profile-{stamp}.txt"
    path.write_text(report + "\n")
    print(report)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
