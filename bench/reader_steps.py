"""Where the reader's CPU goes outside Tesseract, step by step, per fixture.

For every image with a ``NAME.gt.txt`` in DIR (default tests/fixtures/), the
page is read as ``make quality`` reads it (``prepare_upload``, then
``TesseractDetectText``, then ``read_page``), in a warm process, with the
reader's steps wrapped in timers. Each step's CPU is its own (this process's
user + system time, less the steps it calls); Tesseract's runs are their
child processes' CPU. Printed as a table (milliseconds of CPU) and written to
``bench/results/reader-steps-<UTC time>.json``. Each page is read ``--repeat``
times (default 3) and the smallest figure of each step kept: the machine is
shared, and the least a step took is the closest to what it costs.

usage: python bench/reader_steps.py [--repeat N] [DIR]
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import storytime.ocr.preparation as preparation  # noqa: E402
import storytime.ocr.runner_cli as runner_cli  # noqa: E402
import storytime.ocr.tesseract as tesseract  # noqa: E402
import storytime.ocr.working_size as working_size  # noqa: E402
from storytime.core.images import prepare_upload  # noqa: E402
from storytime.core.reading import read_page  # noqa: E402

from bench.quality import IMAGE_SUFFIXES, warm_up  # noqa: E402

# Module-level names the engine's modules call: step -> (the module that looks
# it up, where it is wrapped; its name there), and the engine's own methods;
# "tesseract" is the child processes.
FUNCTIONS = {name: (preparation, name) for name in ("flatten_if_curved", "working_copy", "estimate_skew",
                                                      "fanned", "rotated", "even_out")}
FUNCTIONS.update({"survey": (working_size, "survey"),
                  "shrunk": (working_size, "shrunk"), "second_look": (tesseract, "second_look"),
                  "_image_file": (runner_cli, "image_file"), "_spaces_before": (tesseract, "spaces_before"),
                  "_border_grey": (preparation, "border_grey"), "_response": (tesseract, "detections")})
METHODS = ["_open", "_lines", "_rescaled", "_tesseract"]
STEPS = ["open", "script_guess", "survey", "shrunk", "flatten_if_curved", "working_copy", "estimate_skew",
         "fanned", "rotated",
         "_border_grey", "even_out", "_image_file", "tesseract", "_lines", "_spaces_before", "_tesseract",
         "_rescaled", "second_look", "_response", "read_page", "other"]


def _cpu_self() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _cpu_children() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


class Timers:
    """Exclusive CPU per step: a step's time less the steps it calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[list] = []     # [name, started, nested]
        self.runs: list[str] = []       # each Tesseract run: languages/psm, image size, CPU

    def enter(self, name: str) -> None:
        self.stack.append([name, _cpu_self(), 0.0])

    def leave(self) -> None:
        name, started, nested = self.stack.pop()
        total = _cpu_self() - started
        self.spent[name] += total - nested
        if self.stack:
            self.stack[-1][2] += total

    def wrap(self, name: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.enter(name)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()
        return timed

    def wrap_context(self, name: str, factory):
        """A context manager factory (``_image_file``): its setup and teardown timed."""
        timers = self

        class Timed:
            def __init__(self, *args, **kwargs):
                self.inner = factory(*args, **kwargs)

            def __enter__(self):
                timers.enter(name)
                try:
                    return self.inner.__enter__()
                finally:
                    timers.leave()

            def __exit__(self, *exc):
                timers.enter(name)
                try:
                    return self.inner.__exit__(*exc)
                finally:
                    timers.leave()
        return Timed


def instrument(timers: Timers) -> None:
    for name, (module, attribute) in FUNCTIONS.items():
        if name == "_image_file":   # the program runner's TIFF file (runner_cli.image_file)
            runner_cli.image_file = timers.wrap_context(name, runner_cli.image_file)
            continue
        if hasattr(module, attribute):        # the code moves: a step gone is left out
            setattr(module, attribute, timers.wrap(name, getattr(module, attribute)))
    cls = tesseract.TesseractDetectText
    for name in METHODS:
        setattr(cls, name, timers.wrap("open" if name == "_open" else name, getattr(cls, name)))
    lines = cls._lines

    def counted(self, image, psm, languages):
        children = _cpu_children()
        try:
            return lines(self, image, psm, languages)
        finally:
            timers.runs.append(f"{languages}/{psm} {image.width}x{image.height} "
                               f"{(_cpu_children() - children) * 1000:.0f}ms")
    cls._lines = counted


def measure_page(engine, timers: Timers, stored: bytes) -> dict[str, float]:
    timers.spent.clear()
    timers.runs.clear()
    own, children = _cpu_self(), _cpu_children()
    answer = engine(stored)
    timers.enter("read_page")
    read_page(answer["TextDetections"])
    timers.leave()
    total_own = _cpu_self() - own
    spent = dict(timers.spent)
    spent["other"] = total_own - sum(spent.values())
    spent["tesseract"] = _cpu_children() - children
    return spent, list(timers.runs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="CPU per reader step per fixture.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("dir", type=Path, nargs="?", default=ROOT / "tests" / "fixtures")
    args = parser.parse_args(argv[1:])
    repeat, folder = args.repeat, args.dir.resolve()
    timers = Timers()
    instrument(timers)
    # Tesseract as a program per run: its CPU is the child processes' ("tesseract").
    engine = tesseract.TesseractDetectText(runner=runner_cli.CliRunner())
    warm = warm_up(engine)
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
                    and p.with_name(p.name + ".gt.txt").exists())
    short = {"flatten_if_curved": "dewarp", "working_copy": "skwcopy", "estimate_skew": "skew",
             "fanned": "fanned", "rotated": "rotate", "_border_grey": "border", "even_out": "light",
             "_image_file": "tiff", "tesseract": "TESS", "_lines": "tsv", "_spaces_before": "spaces",
             "_tesseract": "lines", "_rescaled": "rescale", "second_look": "2ndlook",
             "_response": "respond", "read_page": "readpg", "script_guess": "script", "open": "open",
             "survey": "survey", "shrunk": "shrunk",
             "other": "other"}
    print(f"one-time imports: {warm:.2f} cpu s; CPU ms per step (least of {repeat} reads)")
    print(f"{'image':32}" + "".join(f"{short[s]:>8}" for s in STEPS) + f"{'outside':>9}")
    rows = []
    for image in images:
        stored = prepare_upload(image.read_bytes(), None).data
        measured = [measure_page(engine, timers, stored) for _ in range(repeat)]
        best = {step: min(spent.get(step, 0.0) for spent, _ in measured) for step in STEPS}
        runs = min(measured, key=lambda m: m[0]["tesseract"])[1]
        outside = sum(v for k, v in best.items() if k != "tesseract")
        rows.append({"image": image.name, "ms": {k: round(v * 1000, 1) for k, v in best.items()},
                     "outside_ms": round(outside * 1000, 1), "tesseract_ms": round(best["tesseract"] * 1000, 1),
                     "runs": runs})
        print(f"{image.name[:32]:32}" + "".join(f"{best[s] * 1000:8.0f}" for s in STEPS)
              + f"{outside * 1000:9.0f}   " + "; ".join(runs), flush=True)
    out = ROOT / "bench" / "results" / f"reader-steps-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"dir": str(folder), "repeat": repeat, "warm_up_cpu": round(warm, 2),
                               "images": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.perf_counter()
    code = main(sys.argv)
    print(f"{time.perf_counter() - started:.0f} s")
    sys.exit(code)
