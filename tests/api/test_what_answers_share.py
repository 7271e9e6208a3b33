"""Answers share codes, state names and public media; never inputs, causes, traces or internal objects."""

import io
import json
import re

import pytest
from PIL import Image
from storytime.errors import UnreadableImage
from storytime.local.runtime import Engines

from tests.api.conftest import PUBLIC_URL, wait_finished
from tests.api.test_upload_and_result import multipart
from tests.fakes import FakeOutbox, FakeSpeech, GatedOcr, page_photo

SECRET_CAUSE = 'Traceback (most recent call last):\n  File "/var/task/storytime/secret.py", line 7'


class BreakableOcr(GatedOcr):
    """OCR that fails with ``error`` when it is set (the engine crashing mid-page)."""

    error: Exception | None = None

    def __call__(self, image: bytes) -> dict:
        if self.error is not None:
            raise self.error
        return super().__call__(image)


@pytest.fixture
def engines():
    ocr = BreakableOcr()
    ocr.gate.set()
    return Engines(ocr=ocr, speech=FakeSpeech(), outbox=FakeOutbox())


def raw(client, path):
    status, headers, body = client.request("GET", path)
    return status, headers, json.dumps(body) if isinstance(body, dict) else body


def test_history_gives_state_names_times_and_codes_never_the_uploaders_address(service):
    runtime, client = service
    body, kind = multipart([("page.png", page_photo(21), "image/png")], {"email": "ann.secret@example.com"})
    _, _, answer = client.upload(body, kind)
    wait_finished(runtime, answer["id"])
    status, _, text = raw(client, f"/executions/{answer['id']}/history")
    assert status == 200
    assert "ann.secret@example.com" not in text and "fox who loved" not in text  # no input, no output
    events = json.loads(text)["events"]
    assert events and all(set(e) <= {"id", "type", "timestamp", "state", "error"} for e in events)
    assert [e["state"] for e in events if e["type"].endswith("StateEntered")][:2] == ["LoadProgress", "WhatIsDone"]


def test_a_failed_page_answers_with_its_code_never_its_cause(service, engines):
    runtime, client = service
    engines.ocr.error = UnreadableImage(SECRET_CAUSE)  # final: the page ends FAILED at once
    _, _, answer = client.upload(page_photo(22))
    assert wait_finished(runtime, answer["id"]).status == "FAILED"
    status, _, text = raw(client, f"/result/{answer['id']}")
    assert status >= 400 and "secret.py" not in text and "Traceback" not in text
    code = json.loads(text)["error"]
    code = code["error"] if isinstance(code, dict) else code
    assert re.fullmatch(r"[A-Za-z_.]+", code)  # the code is there, and only the code
    status, _, text = raw(client, f"/executions/{answer['id']}/history")
    assert status == 200 and "secret.py" not in text
    assert any(e.get("error") for e in json.loads(text)["events"])


def test_only_page_images_and_mp3s_are_served_from_media(service):
    runtime, client = service
    _, _, answer = client.upload(page_photo(23))
    record = wait_finished(runtime, answer["id"])
    assert record.text_key and record.ocr_key
    for key in (record.text_key, record.ocr_key):
        assert runtime.objects.path(key).is_file()
        status, _, body = client.request("GET", f"/media/{key}")
        assert (status, body["error"]) == (404, "NOT_FOUND"), key
    for key in (record.image_key, record.audio_key):
        assert client.request("GET", f"/media/{key}")[0] == 200, key


@pytest.mark.parametrize("tail", [b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload.html",
                                  b"<html><script>alert(document.cookie)</script></html>"])
def test_an_image_with_a_zip_or_html_appended_is_never_served_as_sent(service, tail):
    runtime, client = service
    out = io.BytesIO()
    Image.new("RGB", (90, 70), "white").save(out, "JPEG")
    photo = out.getvalue() + tail
    _, _, answer = client.upload(photo, "image/jpeg")
    record = wait_finished(runtime, answer["id"])
    status, headers, served = client.request("GET", record.image_key.join(("/media/", "")))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert tail not in served and served != photo
    assert Image.open(io.BytesIO(served)).size == (90, 70)


def test_every_answer_says_nosniff(service):
    runtime, client = service
    _, _, answer = client.upload(page_photo(24))
    record = wait_finished(runtime, answer["id"])
    requests = [("GET", "/health"), ("GET", "/"), ("GET", "/nope"), ("GET", "/upload"), ("GET", "/result/x"),
                ("GET", f"/result/{answer['id']}"), ("GET", f"/media/{record.audio_key}"),
                ("GET", "/media/nothing.mp3"), ("POST", "/upload"), ("OPTIONS", "/upload")]
    for method, path in requests:
        _, headers, _ = client.request(method, path)
        assert headers.get("X-Content-Type-Options") == "nosniff", (method, path)


def test_links_people_receive_are_absolute(service, engines):
    runtime, client = service
    body, kind = multipart([("page.png", page_photo(25), "image/png")], {"email": "ann@example.com"})
    _, _, answer = client.upload(body, kind)
    link = f"{PUBLIC_URL}/result/{answer['id']}"
    assert answer["links"]["result"] == link
    wait_finished(runtime, answer["id"])
    _, _, result = client.request("GET", f"/result/{answer['id']}")
    assert result["links"]["result"] == link and result["audioUrl"].startswith(f"{PUBLIC_URL}/media/")
    mail = engines.outbox.sent[-1]["body"]
    assert f"Result: {link}" in mail and f"Listen: {PUBLIC_URL}/media/" in mail
    assert f"{PUBLIC_URL}/upload" in client.request("GET", "/")[2]["example"]
