"""make bench: where the time goes, measured in one run and compared as ratios.

1. Real pages (real Tesseract, espeak-ng, the real ASL on the interpreter):
   seconds per state, from the execution history's timestamps.
2. The same upload again: the cached answer, against the first full read.
3. Workflow overhead: pages through the interpreter with instant fake engines.

Figures are printed and written to bench/results/<UTC time>.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storytime.local.runtime import Engines, LocalRuntime  # noqa: E402
from storytime.service.uploads import accept_upload  # noqa: E402

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech, page_photo  # noqa: E402

PAGES = ["tesseract_phototest.png", "paddleocr_img_12.png", "pagedewarp_boston_cooking_a.jpg"]
KIND = {"png": "image/png", "jpg": "image/jpeg"}


def state_seconds(history: list[dict]) -> dict[str, float]:
    """Time from each state's Entered event to its Exited event."""
    entered, spent = {}, {}
    for event in history:
        stamp = datetime.fromisoformat(event["timestamp"]).timestamp()
        if "stateEnteredEventDetails" in event:
            entered[event["stateEnteredEventDetails"]["name"]] = stamp
        elif "stateExitedEventDetails" in event:
            name = event["stateExitedEventDetails"]["name"]
            spent[name] = spent.get(name, 0.0) + stamp - entered.pop(name, stamp)
    return spent


def timed_read(runtime, photo: bytes, kind: str) -> tuple[float, dict, str]:
    started = time.perf_counter()
    answer = accept_upload(runtime.deps, photo, kind)
    record = runtime.records.get(answer.body["id"])
    if answer.status == 202:
        runtime.workflow.wait(record.execution_arn)
    return time.perf_counter() - started, answer.body, record.id


def real_pages(data: Path) -> dict:
    runtime = LocalRuntime(data, "http://bench/media")
    try:
        figures = {}
        for name in PAGES:
            photo = (ROOT / "tests" / "fixtures" / name).read_bytes()
            kind = KIND[name.rsplit(".", 1)[1]]
            first, _, page_id = timed_read(runtime, photo, kind)
            record = runtime.records.get(page_id)
            states = state_seconds(runtime.workflow.history(record.execution_arn))
            again = [timed_read(runtime, photo, kind)[0] for _ in range(5)]
            figures[name] = {
                "first_read_s": round(first, 3),
                "states_s": {k: round(v, 3) for k, v in sorted(states.items(), key=lambda kv: -kv[1])[:6]},
                "characters": record.characters,
                "duplicate_answer_s": round(statistics.median(again), 4),
                "duplicate_vs_first_ratio": round(statistics.median(again) / first, 4),
            }
        return figures
    finally:
        runtime.close()


def workflow_overhead(data: Path, pages: int = 20) -> dict:
    runtime = LocalRuntime(data, "http://bench/media",
                           engines=Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=FakeOutbox()))
    try:
        seconds = [timed_read(runtime, page_photo(1000 + n), "image/png")[0] for n in range(pages)]
        return {"pages": pages, "median_s_per_page": round(statistics.median(seconds), 4),
                "max_s": round(max(seconds), 4)}
    finally:
        runtime.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "real_pages": real_pages(Path(tmp) / "real"),
            "workflow_with_instant_engines": workflow_overhead(Path(tmp) / "fake"),
        }
    real = results["real_pages"]
    overhead = results["workflow_with_instant_engines"]["median_s_per_page"]
    results["interpreter_share_of_a_real_read"] = {
        name: round(overhead / page["first_read_s"], 4) for name, page in real.items()}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{results['when'].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
