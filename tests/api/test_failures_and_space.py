"""The real HTTP server: final answers for failed pages, a full disk, /health, pages that resume unasked."""

import errno
import threading
import time
from dataclasses import replace

import pytest
from storytime.errors import EngineError
from storytime.local.runtime import Engines, LocalRuntime
from storytime.local.server import serve

from tests.api.conftest import Client, wait_finished
from tests.api.test_upload_and_result import multipart, stored_nothing
from tests.fakes import FakeOcr, FakeOutbox, FakeSpeech, page_photo


def test_a_page_that_can_never_be_read_gets_a_final_422_with_its_code(service, engines):
    runtime, client = service
    runtime.deps.settings = replace(runtime.settings, max_text_chars=20)  # more text than a page holds
    _, _, answer = client.upload(page_photo(50))
    wait_finished(runtime, answer["id"])
    runtime.deps.clock = lambda: time.time() + 3600
    for _ in range(3):
        status, headers, body = client.request("GET", f"/result/{answer['id']}")
        assert (status, body["error"], body["status"]) == (422, "TEXT_TOO_LONG", "FAILED")
        assert "Retry-After" not in headers and body["message"]
    assert runtime.records.get(answer["id"]).attempts == 1
    status, _, body = client.upload(page_photo(50))  # the same page again: the same final answer
    assert (status, body["error"]) == (422, "TEXT_TOO_LONG")


def test_a_page_that_ends_before_its_upload_is_answered_gets_its_final_answer(service, monkeypatch):
    """The 202 said FAILED (against its schema) when the workflow failed before the answer was made."""
    runtime, client = service
    runtime.deps.settings = replace(runtime.settings, max_text_chars=20)
    start = runtime.deps.workflow.start

    def start_and_wait(name, payload):
        arn = start(name, payload)
        assert runtime.workflow.wait(arn) == "FAILED"
        return arn

    monkeypatch.setattr(runtime.deps.workflow, "start", start_and_wait)
    status, _, body = client.upload(page_photo(52))
    assert (status, body["error"], body["status"]) == (422, "TEXT_TOO_LONG", "FAILED")


@pytest.mark.parametrize("length,status", [(254, 202), (255, 400), (100_000, 400)])
def test_addresses_are_at_most_254_characters(service, length, status):
    runtime, client = service
    address = "a" * (length - len("@example.com")) + "@example.com"
    body, kind = multipart([("page.png", page_photo(51), "image/png")], {"email": address})
    got, _, answer = client.upload(body, kind)
    assert got == status
    if status == 400:
        assert answer["error"] == "MALFORMED_REQUEST" and stored_nothing(runtime)


def test_a_full_disk_answers_507_and_stores_nothing(service, monkeypatch):
    """Issue 6: a full disk answered 500."""
    runtime, client = service

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("storytime.objects.files.write_durably", full)
    status, _, answer = client.upload(page_photo(52))
    assert (status, answer["error"]) == (507, "INSUFFICIENT_STORAGE") and answer["message"]
    assert stored_nothing(runtime)


def test_health_reports_free_space_and_refuses_new_pages_below_the_threshold(service):
    """Issue 6: /health stayed 200 on a full disk."""
    runtime, client = service
    status, _, body = client.request("GET", "/health")
    assert status == 200 and body["freeBytes"] > 0
    runtime.deps.free_bytes = lambda: runtime.settings.min_free_bytes - 1
    status, headers, body = client.request("GET", "/health")
    assert (status, body["error"]) == (503, "INSUFFICIENT_STORAGE") and int(headers["Retry-After"]) > 0
    assert body["freeBytes"] == runtime.settings.min_free_bytes - 1
    status, _, answer = client.upload(page_photo(53))
    assert (status, answer["error"]) == (507, "INSUFFICIENT_STORAGE")
    assert stored_nothing(runtime)


def test_books_and_upload_tickets_are_refused_while_the_disk_is_short(service):
    """A new book or a two-step ticket on a full disk would only fail later, halfway through."""
    runtime, client = service
    runtime.deps.free_bytes = lambda: runtime.settings.min_free_bytes - 1
    status, _, answer = client.request("POST", "/books", b"{}", {"Content-Type": "application/json"})
    assert (status, answer["error"]) == (507, "INSUFFICIENT_STORAGE") and answer["message"]
    status, _, answer = client.request("POST", "/uploads", b'{"contentType": "image/png", "bytes": 1000}',
                                       {"Content-Type": "application/json"})
    assert (status, answer["error"]) == (507, "INSUFFICIENT_STORAGE")
    runtime.deps.free_bytes = lambda: 10**12
    status, _, _ = client.request("POST", "/books", b"{}", {"Content-Type": "application/json"})
    assert status == 201


def test_pages_in_flight_resume_by_themselves_once_there_is_room(tmp_path):
    """Issue 6: pages in flight recovered only if someone polled."""
    speech = FakeSpeech()
    real = speech.synthesize_mp3
    broken = threading.Event()
    broken.set()

    def flaky(text, voice):
        if broken.is_set():
            raise EngineError("no space for the audio")
        return real(text, voice)

    speech.synthesize_mp3 = flaky
    engines = Engines(ocr=FakeOcr(), speech=speech, outbox=FakeOutbox())
    runtime = LocalRuntime(tmp_path / "data", "http://127.0.0.1:0/media", engines=engines, sweeper=True,
                           settings={"sweep_seconds": 1})
    server = serve(runtime, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Client(server.server_port)
        body, kind = multipart([("page.png", page_photo(54), "image/png")], {"email": "ann@example.com"})
        _, _, answer = client.upload(body, kind)
        page_id = answer["id"]
        assert wait_finished(runtime, page_id).status == "RETRYING"
        runtime.deps.free_bytes = lambda: 0  # the disk is full: the sweeper waits
        broken.clear()
        runtime.deps.clock = lambda: time.time() + 61
        assert not until(lambda: runtime.records.get(page_id).attempts > 1, seconds=3)
        runtime.deps.free_bytes = lambda: 10**12  # room again; nobody polls
        assert until(lambda: runtime.records.get(page_id).attempts == 2, seconds=60)
        assert wait_finished(runtime, page_id).status == "COMPLETE"
        assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
    finally:
        server.shutdown()
        server.server_close()
        runtime.close()


def until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
