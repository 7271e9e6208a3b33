import socket
import threading
import time
from pathlib import Path

import pytest
from storytime.local.runtime import LocalRuntime
from storytime.local.server import serve

from tests.api.conftest import Client

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def truth(name: str) -> str:
    return (FIXTURES / f"{name}.gt.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def real_service(tmp_path_factory):
    """The real server with the real engines: Tesseract, espeak-ng, the outbox."""
    data = tmp_path_factory.mktemp("e2e")
    runtime = LocalRuntime(data, "http://127.0.0.1:0/media")
    server = serve(runtime, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield runtime, Client(server.server_port)
    server.shutdown()
    server.server_close()
    runtime.close()


def read_aloud(client: Client, photo: bytes, content_type: str, timeout: float = 240,
               email: str | None = None) -> tuple[int, dict]:
    """Upload, then poll the result the way a person's app would (Retry-After honoured, capped)."""
    status, _, body = client.upload(photo, content_type, path=f"/upload?email={email}" if email else "/upload")
    assert status in (200, 202), body
    deadline = time.time() + timeout
    while True:
        status, headers, result = client.request("GET", f"/result/{body['id']}")
        if status != 503 or time.time() > deadline:
            return status, result
        time.sleep(min(float(headers.get("Retry-After", 1)), 0.5))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
