"""Where a page's time goes outside the engines: the workflow's fixed cost, part by part.

    .venv/bin/python bench/overhead.py [--reps N] [PAGE...]

Each fixture page is read in this process by the real runtime (the ASL on the embedded
interpreter, real engines) and, in turn, by the floor (the same engines called directly,
as ``bench/run.py`` does), alternately, so both see the same machine. Every engine call,
Lambda step, record write, object write and workflow start is timed where it happens; each
state's time comes from the interpreter. Printed per page, medians of the runs, in ms:

* upload -> COMPLETE recorded, the floor, and their difference (the overhead);
* the engines' own time in each (OCR, speech, marks), so a difference in engine time
  (a different image, a cold cache) is not taken for overhead;
* the parts: the upload's steps, each state's time outside the engines (the Lambda steps'
  own work beside the interpreter's), record and object writes.

``--timeline`` also prints the last pipeline page of each fixture as it ran: every span's start and
end (ms from the upload) and thread, up to the COMPLETE record, so the gaps between states show.

No HTTP server and no polling: ``make bench ARGS="--sections floor,e2e"`` measures those.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from run import PAGES, fixture, raw_speech, variant  # noqa: E402 (bench/ is this script's folder)

_spans: list[tuple[str, float]] = []
_spans_lock = threading.Lock()
_timeline: list[tuple[float, float, str, str]] = []  # (start, end, name, thread) of every span


def record(name: str, seconds: float) -> None:
    ended = time.perf_counter()
    with _spans_lock:
        _spans.append((name, seconds))
        _timeline.append((ended - seconds, ended, name, threading.current_thread().name))


@contextmanager
def span(name: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - started)


def wrap(owner, attribute: str, name) -> None:
    original = getattr(owner, attribute)

    def timed(*args, **kwargs):
        label = name(*args, **kwargs) if callable(name) else name
        with span(label):
            return original(*args, **kwargs)

    setattr(owner, attribute, timed)


def instrument(runtime) -> None:
    """Time the engines, the Lambda steps, the stores and each state, where they run."""
    import storytime.core.images as images
    import storytime.service.uploads as uploads
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField

    engines = runtime.engines
    wrap(engines.ocr.__class__, "__call__", "engine: OCR")
    wrap(engines.speech.__class__, "synthesize_mp3", "engine: speech")
    wrap(engines.speech.__class__, "speech_marks", "engine: marks")
    wrap(uploads, "prepare_upload", "upload: decode + re-encode image")
    wrap(images, "prepare_upload", "upload: decode + re-encode image")
    wrap(uploads, "start_attempt", "upload: claim + start execution")
    wrap(runtime.workflow.__class__.__mro__[1], "start", "upload: StartExecution call")
    for method in ("create", "update", "claim_attempt", "finish", "get", "claim_notice"):
        wrap(runtime.records, method, f"records.{method}")
    wrap(runtime.objects, "put", lambda key, *a, **k: f"objects.put {key.split('/')[0]}")
    wrap(runtime.objects, "get", lambda key, *a, **k: f"objects.get {key.split('/')[0]}")
    original = CommonStateField._eval_body

    def state(self, env):
        started = time.perf_counter()
        try:
            return original(self, env)
        finally:
            record(f"state {self.name}", time.perf_counter() - started)

    CommonStateField._eval_body = state


def floor_page(ocr, photo: bytes) -> None:
    from storytime.core.chunks import split_for_speech
    from storytime.core.language import detect_language, espeak_voice_for_polly, voice_for
    from storytime.core.reading import read_page
    from storytime.core.speakable import speakable

    text = read_page(ocr(photo)["TextDetections"])
    voice = voice_for(detect_language(text))
    for part in split_for_speech(speakable(text), 20_000):
        with span("engine: speech"):  # the program once + LAME: no sentence marks
            raw_speech(part, espeak_voice_for_polly(voice.polly_voice))


def pipeline_page(runtime, photo: bytes, kind: str) -> tuple[float, float, list]:
    """Seconds to the COMPLETE record (what GET /result answers 200 on) and to the execution's end,
    and the page's timeline up to COMPLETE: (ms from the upload to a span's start, to its end, name, thread)."""
    from storytime.core.records import Status
    from storytime.service.uploads import accept_upload

    done = threading.Event()
    finish = runtime.records.finish
    marks = {}

    def finished(record_id, status, *args, **kwargs):
        answer = finish(record_id, status, *args, **kwargs)
        if str(status) == str(Status.COMPLETE):
            marks["complete"] = time.perf_counter()
            done.set()
        return answer

    runtime.records.finish = finished
    try:
        with _spans_lock:
            _timeline.clear()
        started = time.perf_counter()
        answer = accept_upload(runtime.deps, photo, kind)
        record("upload: accept_upload", time.perf_counter() - started)
        done.wait(300)
        runtime.workflow.wait(runtime.records.get(answer.body["id"]).execution_arn)
        ended = time.perf_counter()
    finally:
        runtime.records.finish = finish
    with _spans_lock:
        timeline = [((a - started) * 1000, (b - started) * 1000, name, thread)
                    for a, b, name, thread in sorted(_timeline) if a >= started and b <= marks["complete"]]
    return marks["complete"] - started, ended - started, timeline


def collect() -> dict[str, float]:
    with _spans_lock:
        spans = list(_spans)
        _spans.clear()
    totals: dict[str, float] = defaultdict(float)
    for name, seconds in spans:
        totals[name] += seconds
    return totals


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--timeline", action="store_true", help="print each page's last pipeline run span by span")
    parser.add_argument("pages", nargs="*", default=PAGES[:3])
    args = parser.parse_args(argv)

    from storytime.local.runtime import LocalRuntime

    with tempfile.TemporaryDirectory() as tmp:
        runtime = LocalRuntime(Path(tmp), "http://bench/media")
        instrument(runtime)
        try:
            photo, kind = fixture(PAGES[0])
            pipeline_page(runtime, variant(photo, time.time_ns()), kind)  # warm: first page's imports
            floor_page(runtime.engines.ocr, photo)
            collect()
            for name in args.pages:
                report(runtime, name, args.reps, args.timeline)
        finally:
            runtime.close()


def report(runtime, name: str, reps: int, timeline: bool = False) -> None:
    photo, kind = fixture(name)
    floors, pipes, ends, floor_parts, pipe_parts = [], [], [], [], []
    for n in range(reps):
        started = time.perf_counter()
        floor_page(runtime.engines.ocr, photo)
        floors.append(time.perf_counter() - started)
        floor_parts.append(collect())
        complete, ended, spans = pipeline_page(runtime, variant(photo, time.time_ns() + n), kind)
        pipes.append(complete)
        ends.append(ended)
        pipe_parts.append(collect())
    med = statistics.median

    def part(parts, key):
        return med([p.get(key, 0.0) for p in parts]) * 1000

    print(f"\n{name}: upload -> COMPLETE {med(pipes) * 1000:.1f} ms (execution ended {med(ends) * 1000:.1f}),"
          f" floor {med(floors) * 1000:.1f} ms: overhead {(med(pipes) - med(floors)) * 1000:+.1f} ms"
          f" (median of the {reps} pairs' differences:"
          f" {med([p - f for p, f in zip(pipes, floors)]) * 1000:+.1f} ms)")
    engines = [k for k in sorted({k for p in pipe_parts + floor_parts for k in p}) if k.startswith("engine")]
    for key in engines:
        print(f"  {key:44} pipeline {part(pipe_parts, key):8.1f}   floor {part(floor_parts, key):8.1f}")
    keys = sorted({k for p in pipe_parts for k in p if not k.startswith("engine")},
                  key=lambda k: -part(pipe_parts, k))
    for key in keys:
        print(f"  {key:44} {part(pipe_parts, key):8.1f}")
    if timeline:
        print(f"  the last run, ms from the upload to COMPLETE ({complete * 1000:.1f}):")
        for first, last, key, thread in spans:
            print(f"  {first:8.1f} {last:8.1f} {last - first:7.2f}  {key:44} {thread}")


if __name__ == "__main__":
    main()
