import http.client
import json
import threading

import pytest
from storytime.local.runtime import Engines, LocalRuntime
from storytime.local.server import serve

from tests.fakes import FakeOutbox, FakeSpeech, GatedOcr
from tests.schemas import check_answer


class Client:
    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            raw = response.read()
            kind = response.getheader("Content-Type", "")
            payload = json.loads(raw) if kind.startswith("application/json") else raw
            if kind.startswith("application/json"):
                check_answer(method, path, response.status, payload)
            return response.status, dict(response.getheaders()), payload
        finally:
            conn.close()

    def upload(self, photo: bytes, content_type="image/png", path="/upload"):
        return self.request("POST", path, photo, {"Content-Type": content_type})


@pytest.fixture
def engines():
    ocr = GatedOcr()
    ocr.gate.set()  # open unless a test closes it
    return Engines(ocr=ocr, speech=FakeSpeech(), outbox=FakeOutbox())


# Where people reach the API in these tests (STORYTIME_PUBLIC_URL): links must start with it.
PUBLIC_URL = "http://books.example"


@pytest.fixture
def start_service(tmp_path, engines):
    """Start the real local HTTP server on a free port, with its runtime; ``edge`` sets the gateway's limits."""
    started = []

    def start(edge=None, **settings):
        runtime = LocalRuntime(tmp_path / f"data{len(started)}", f"{PUBLIC_URL}/media", engines=engines,
                               settings={"public_url": PUBLIC_URL, **settings})
        server = serve(runtime, "127.0.0.1", 0, edge)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((server, runtime))
        return runtime, Client(server.server_port)

    yield start
    engines.ocr.gate.set()
    engines.ocr.closing.set()
    for server, runtime in started:
        server.shutdown()
        server.server_close()
        runtime.close()


@pytest.fixture
def service(start_service):
    return start_service()


@pytest.fixture
def client(service):
    return service[1]


def wait_finished(runtime, page_id):
    record = runtime.records.get(page_id)
    assert runtime.workflow.wait(record.execution_arn) not in (None, "RUNNING"), "the execution did not end"
    return runtime.records.get(page_id)
