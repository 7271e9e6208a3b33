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


@pytest.fixture
def service(tmp_path, engines):
    """The real local HTTP server on a free port, with its runtime."""
    runtime = LocalRuntime(tmp_path / "data", "http://127.0.0.1:0/media", engines=engines)
    server = serve(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield runtime, Client(server.server_port)
    engines.ocr.gate.set()
    server.shutdown()
    server.server_close()
    runtime.close()


@pytest.fixture
def client(service):
    return service[1]


def wait_finished(runtime, page_id):
    record = runtime.records.get(page_id)
    runtime.workflow.wait(record.execution_arn)
    return runtime.records.get(page_id)
