"""make quality: how well the product reads, against the raw engine on the same image.

For every image in DIR (default tests/fixtures/) with a ground truth
``NAME.gt.txt`` beside it:

Seconds are wall time and CPU time (this process and its tesseract
children); on a shared machine the CPU time is the fairer comparison. The
modules the engine imports lazily are imported before the first page
(``warm_up``, reported on its own): a page's seconds are a warm process's.

* product: the code the workflow runs on an upload, ``prepare_upload`` (EXIF
  applied, as stored), ``TesseractDetectText()`` on that, then
  ``read_page(TextDetections)``: CER, and seconds of OCR + reading, and
  the Tesseract runs they took (``eng``, ``osd``, ``kor``...);
* raw: one plain ``tesseract IMAGE - -l LANG`` run: CER and seconds.

LANG is the page's language as Tesseract names it: from the ``lang`` column
of ``DIR/index.tsv`` when there is one, else the language of the ground truth
(``detect_language``: kor, eng, fra, spa or deu). CER is ``tests/cer.py`` (the shared
``tools/cer.py`` semantics). Images whose ground truth is empty (no text) are
listed but left out of the means. Results are printed and written to
``bench/results/quality-<UTC time>.json``.

With ``--named`` each page's language from index.tsv is named to the
engine, as an uploader may name it (``POST /upload`` ``language``).
``--runner cli`` runs Tesseract as a program per run (``ocr.runner_cli``)
instead of in-process with its models kept warm (``ocr.runner_api``, what
the local server and the reader Lambda use).

usage: python bench/quality.py [--named] [--runner api|cli] [DIR]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storytime.core.images import prepare_upload  # noqa: E402
from storytime.core.language import detect_language  # noqa: E402
from storytime.core.reading import read_page  # noqa: E402
from storytime.ocr.tesseract import TesseractDetectText  # noqa: E402

from tests.cer import cer  # noqa: E402

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".heic", ".bmp"}
TESSERACT_LANG = {"en": "eng", "ko": "kor", "fr": "fra", "es": "spa", "de": "deu"}
PAGE_KINDS = {"scan", "photo", "page"}


def _index(folder: Path) -> dict[str, dict[str, str]]:
    """NAME -> {lang, kind} from index.tsv, when the folder has one."""
    path = folder / "index.tsv"
    if not path.exists():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header, body = rows[0], rows[1:]
    return {row[0]: dict(zip(header[1:], row[1:])) for row in body}


def _raw_lang(meta: dict[str, str], truth: str) -> str:
    return TESSERACT_LANG.get(meta.get("lang", "")) or TESSERACT_LANG[detect_language(truth)]


def _cpu() -> float:
    """CPU seconds of this process and its finished children: unlike wall time,
    not inflated by whatever else the machine is running."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def raw_tesseract(image: Path, lang: str) -> tuple[str, float, float]:
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(["tesseract", str(image), "-", "-l", lang],
                          capture_output=True, text=True, check=False, timeout=600)
    return done.stdout, time.perf_counter() - started, _cpu() - cpu


def product(engine: TesseractDetectText, image: Path, language: str | None = None) -> tuple[str, float, float]:
    stored = prepare_upload(image.read_bytes(), None).data
    started, cpu = time.perf_counter(), _cpu()
    answer = engine(stored, language) if language else engine(stored)
    text = read_page(answer["TextDetections"])
    return text, time.perf_counter() - started, _cpu() - cpu


class CountingEngine(TesseractDetectText):
    """The product's engine, noting its Tesseract runs ("eng", "osd", "kor", "eng strip"...)
    so each row says which runs its CPU time paid for."""

    def __init__(self, runner: str = "api") -> None:
        super().__init__(runner=_runner(runner))
        self.runs: list[str] = []

    def _lines(self, image, psm, languages):
        self.runs.append(languages)
        return super()._lines(image, psm, languages)

    def _osd(self, image):
        self.runs.append("osd")
        return super()._osd(image)

    def _read_strip(self, upright, accents):
        # The few lines read to tell an accented page's language: noted as such.
        reading = super()._read_strip(upright, accents)
        self.runs[-1] += " strip"
        return reading


def _runner(name: str):
    if name == "cli":
        from storytime.ocr.runner_cli import CliRunner
        return CliRunner()
    from storytime.ocr.runner_api import ApiRunner
    return ApiRunner()


def warm_up(engine: TesseractDetectText) -> float:
    """CPU seconds of the imports the engine makes lazily on its first page
    (OpenCV, scipy, page-dewarp: about 0.7 s, most of it page-dewarp's package
    importing its command line and scipy.optimize). A process pays them once,
    not per page, so they are paid here before any page is timed; else the
    first image alone (alphabetically the Korean sachet) carried them.
    The in-process runner's models (eng, kor, osd) are loaded here too, as
    the local server loads them when it starts."""
    cpu = _cpu()
    engine.warm()
    return _cpu() - cpu


def measure(folder: Path, named: bool = False, runner: str = "api") -> dict:
    index = _index(folder)
    engine = CountingEngine(runner)  # sets OMP_THREAD_LIMIT=1, which the raw runs inherit too
    warm = warm_up(engine)
    print(f"one-time imports before the first page: {warm:.2f} cpu s (not counted in any page)", flush=True)
    rows = []
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        truth_path = image.with_name(image.name + ".gt.txt")
        if not truth_path.exists():
            continue
        truth = truth_path.read_text(encoding="utf-8")
        meta = index.get(image.name, {})
        lang = _raw_lang(meta, truth)
        engine.runs.clear()
        hint = meta.get("lang") if named and meta.get("lang") in TESSERACT_LANG else None
        text, seconds, cpu = product(engine, image, hint)
        raw_text, raw_seconds, raw_cpu = raw_tesseract(image, lang)
        row = {"image": image.name, "kind": meta.get("kind", ""), "raw_lang": lang, "runs": list(engine.runs),
               "has_text": bool(truth.strip()),
               "cer": round(cer(truth, text), 4), "seconds": round(seconds, 2), "cpu": round(cpu, 2),
               "raw_cer": round(cer(truth, raw_text), 4), "raw_seconds": round(raw_seconds, 2),
               "raw_cpu": round(raw_cpu, 2), "cpu_ratio": round(cpu / raw_cpu, 2) if raw_cpu else None}
        rows.append(row)
        print(_format(row), flush=True)
    return {"dir": str(folder), "runner": runner, "images": rows, "means": _means(rows),
            "warm_up_cpu": round(warm, 2)}


def _means(rows: list[dict]) -> dict:
    def mean(selected: list[dict], key: str) -> float | None:
        return round(statistics.fmean(r[key] for r in selected), 4) if selected else None

    texts = [r for r in rows if r["has_text"]]
    pages = [r for r in texts if r["kind"] in PAGE_KINDS] if any(r["kind"] for r in rows) else texts
    out = {}
    for label, selected in (("all", texts), ("pages", pages)):
        out[label] = {"n": len(selected), "cer": mean(selected, "cer"), "raw_cer": mean(selected, "raw_cer"),
                      "seconds": mean(selected, "seconds"), "raw_seconds": mean(selected, "raw_seconds"),
                      "cpu": mean(selected, "cpu"), "raw_cpu": mean(selected, "raw_cpu"),
                      "worse_than_raw": [r["image"] for r in selected if r["cer"] > r["raw_cer"]]}
    return out


def _format(row: dict) -> str:
    return (f"{row['image'][:36]:36} {row['kind'][:7]:7} {row['cer']:7.2%} {row['seconds']:6.2f}s"
            f" {row['cpu']:5.2f}cpu   raw({row['raw_lang']}) {row['raw_cer']:7.2%} {row['raw_seconds']:6.2f}s"
            f" {row['raw_cpu']:5.2f}cpu   cpu x{row['cpu_ratio'] or 0:.2f}   {','.join(row['runs'])}")


def main(argv: list[str]) -> int:
    named = "--named" in argv
    argv = [a for a in argv if a != "--named"]
    runner = "api"
    if "--runner" in argv:
        at = argv.index("--runner")
        runner = argv[at + 1]
        del argv[at:at + 2]
    folder = Path(argv[1] if len(argv) > 1 else ROOT / "tests" / "fixtures").resolve()
    print(f"{'image':36} {'kind':7} {'CER':>7} {'wall':>7} {'cpu':>8}   raw CER, wall and cpu seconds"
          " (tesseract IMAGE - -l LANG)   our cpu / raw cpu   our runs")
    result = measure(folder, named, runner)
    for label, m in result["means"].items():
        if m["n"]:
            print(f"mean over {label} ({m['n']}): CER {m['cer']:.2%} in {m['seconds']:.2f}s ({m['cpu']:.2f} cpu);"
                  f" raw {m['raw_cer']:.2%} in {m['raw_seconds']:.2f}s ({m['raw_cpu']:.2f} cpu);"
                  f" worse than raw: {', '.join(m['worse_than_raw']) or 'none'}")
    out = ROOT / "bench" / "results" / f"quality-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(main(sys.argv))
