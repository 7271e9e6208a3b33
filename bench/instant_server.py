"""The real local server with engines that answer at once: what the platform itself costs.

Used by bench/run.py (orchestration overhead, memory after N pages). Same
environment as `storytime serve`: STORYTIME_DATA, STORYTIME_PORT.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storytime.local.runtime import Engines, LocalRuntime  # noqa: E402
from storytime.local.server import serve  # noqa: E402

from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech  # noqa: E402


def main() -> None:
    port = int(os.environ.get("STORYTIME_PORT", "8000"))
    runtime = LocalRuntime(Path(os.environ["STORYTIME_DATA"]), f"http://127.0.0.1:{port}/media",
                           engines=Engines(ocr=FakeOcr(), speech=FakeSpeech(), outbox=FakeOutbox()))
    server = serve(runtime, "127.0.0.1", port)
    print(f"storytime (instant engines) on http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
