"""The real local HTTP server: every status of POST /upload and GET /result/{id}."""

import io
import threading
from urllib.parse import quote

import pytest
from PIL import Image

from tests.api.conftest import PUBLIC_URL, wait_finished
from tests.fakes import page_photo, png_claiming_size

OUT = "Once upon a time there was a small fox who loved to read."


def stored_nothing(runtime):
    return runtime.records.unfinished() == [] and not any(p.is_file() for p in runtime.objects.root.rglob("*"))


def jpeg(size=(80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


def multipart(files, fields=None, boundary="storytime-test-boundary"):
    lines = []
    for name, value in (fields or {}).items():
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", value]
    body = "\r\n".join(lines).encode() + (b"\r\n" if lines else b"")
    for filename, data, kind in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: {kind}\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_health_and_index(client):
    assert client.request("GET", "/health")[0] == 200
    status, _, index = client.request("GET", "/")
    assert status == 200 and "POST /upload" in index["endpoints"]


def test_upload_then_result_then_media(service):
    runtime, client = service
    status, headers, body = client.upload(page_photo(1))
    assert status == 202
    assert body["links"] == {"result": f"{PUBLIC_URL}/result/{body['id']}"} and len(body["id"]) == 64
    wait_finished(runtime, body["id"])

    status, _, result = client.request("GET", f"/result/{body['id']}")
    assert status == 200
    assert result["status"] == "COMPLETE" and result["text"] == OUT
    assert result["language"] == "en" and result["voice"] == "Joanna"
    for field in ("imageUrl", "audioUrl", "createdAt", "completedAt", "executionArn"):
        assert result[field], field
    for url, kind in ((result["imageUrl"], "image/png"), (result["audioUrl"], "audio/mpeg")):
        path = url.removeprefix(PUBLIC_URL)
        status, headers, data = client.request("GET", path)
        assert status == 200 and headers["Content-Type"] == kind and len(data) > 0


def test_audio_is_served_in_byte_ranges_for_players_that_seek(service):
    runtime, client = service
    _, _, answer = client.upload(page_photo(8))
    record = wait_finished(runtime, answer["id"])
    whole = runtime.objects.get(record.audio_key)
    status, headers, part = client.request("GET", f"/media/{record.audio_key}", headers={"Range": "bytes=2-9"})
    assert status == 206 and part == whole[2:10]
    assert headers["Content-Range"] == f"bytes 2-9/{len(whole)}" and headers["Accept-Ranges"] == "bytes"
    assert client.request("GET", f"/media/{record.audio_key}", headers={"Range": "bytes=99999-"})[0] == 416
    assert client.request("GET", "/media/../storytime.db")[0] == 404


def test_multipart_upload_with_email(service, engines):
    runtime, client = service
    body, kind = multipart([("page.jpg", jpeg(), "image/jpeg")], {"email": "ann@example.com"})
    status, _, answer = client.upload(body, kind)
    assert status == 202
    wait_finished(runtime, answer["id"])
    assert engines.outbox.sent[-1]["to"] == "ann@example.com"


@pytest.mark.parametrize("files,code", [
    ([], "MALFORMED_REQUEST"),
    ([("a.png", page_photo(1), "image/png"), ("b.png", page_photo(2), "image/png")], "MALFORMED_REQUEST"),
])
def test_multipart_needs_exactly_one_file(service, files, code):
    runtime, client = service
    body, kind = multipart(files, {"email": "x@example.com"})
    status, _, answer = client.upload(body, kind)
    assert (status, answer["error"]) == (400, code) and answer["message"]
    assert stored_nothing(runtime)


@pytest.mark.parametrize("field,value", [("email", "Ann <ann@example.com>, bob@x"), ("language", "klingon")])
def test_a_bad_field_is_refused_before_anything_is_stored(service, field, value):
    """A bad e-mail address, a language not offered: 400 naming the field."""
    runtime, client = service
    body, kind = multipart([("page.jpg", jpeg(), "image/jpeg")], {field: value})
    status, _, answer = client.upload(body, kind)
    assert (status, answer["error"]) == (400, "MALFORMED_REQUEST") and field in answer["message"]
    assert stored_nothing(runtime)


@pytest.mark.parametrize("how", ["form", "query"])
def test_the_language_named_with_a_page_reaches_the_ocr(service, engines, how):
    runtime, client = service
    photo = page_photo(5171 if how == "form" else 5172)
    if how == "form":
        body, kind = multipart([("page.png", photo, "image/png")], {"language": "FR"})
        status, _, answer = client.upload(body, kind)
    else:
        status, _, answer = client.upload(photo, "image/png", path="/upload?language=fr")
    assert status == 202, answer
    wait_finished(runtime, answer["id"])
    assert engines.ocr.languages == ["fr"]
    assert runtime.records.get(answer["id"]).language_hint == "fr"


def truncated_jpeg():
    data = jpeg((400, 300))
    return data[: len(data) // 2]


@pytest.mark.parametrize("name,body,content_type,status,code", [
    ("empty", b"", "image/png", 400, "EMPTY_UPLOAD"),
    ("text", b"hello, this is not a picture", "image/png", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("declared text", None, "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("gif", "gif", "image/gif", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("truncated", "truncated", "image/jpeg", 422, "CORRUPT_IMAGE"),
    ("over 10 MB", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10), "image/jpeg", 413, "PAYLOAD_TOO_LARGE"),
    ("over 40 MP", "bomb", "image/png", 413, "IMAGE_TOO_LARGE"),
])
def test_bad_uploads_get_clear_errors_and_store_nothing(service, name, body, content_type, status, code):
    runtime, client = service
    if body is None:
        body = page_photo(9)
    elif body == "gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        body = out.getvalue()
    elif body == "truncated":
        body = truncated_jpeg()
    elif body == "bomb":
        body = png_claiming_size(8000, 6000)
    got, _, answer = client.upload(body, content_type)
    assert (got, answer["error"]) == (status, code), name
    assert answer["message"]
    assert stored_nothing(runtime)


def test_same_bytes_again_while_in_progress_then_finished(service, engines):
    runtime, client = service
    engines.ocr.gate.clear()
    photo = page_photo(3)
    first = client.upload(photo)
    assert engines.ocr.entered.wait(30)
    second = client.upload(photo)
    assert first[0] == 202 and second[0] == 202
    assert second[2]["id"] == first[2]["id"]

    status, headers, body = client.request("GET", f"/result/{first[2]['id']}")
    assert status == 503 and int(headers["Retry-After"]) > 0 and body["status"] == "PROCESSING"

    engines.ocr.gate.set()
    wait_finished(runtime, first[2]["id"])
    third = client.upload(photo)
    assert third[0] == 200 and third[2]["id"] == first[2]["id"] and third[2]["text"] == OUT
    assert engines.ocr.calls == 1


def test_twenty_concurrent_uploads_of_one_new_photo_run_ocr_and_speech_once(service, engines):
    runtime, client = service
    engines.ocr.gate.clear()
    photo = page_photo(4)
    answers, start = [], threading.Barrier(20)

    def send():
        start.wait()
        answers.append(client.upload(photo))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    engines.ocr.gate.set()
    ids = {a[2]["id"] for a in answers}
    assert len(answers) == 20 and len(ids) == 1
    assert {a[0] for a in answers} == {202}
    wait_finished(runtime, ids.pop())
    assert engines.ocr.calls == 1 and len(engines.speech.calls) == 1


def test_result_statuses(service, engines):
    runtime, client = service
    assert client.request("GET", "/result/" + "a" * 64)[0] == 404
    status, _, body = client.request("GET", "/result/not-an-id")
    assert (status, body["error"]) == (400, "MALFORMED_ID")

    engines.ocr.lines = []
    _, _, answer = client.upload(page_photo(5))
    wait_finished(runtime, answer["id"])
    status, _, body = client.request("GET", f"/result/{answer['id']}")
    assert status == 422 and body["status"] == "NO_TEXT" and body["message"]


def test_a_lost_execution_is_started_again_after_sixty_seconds_and_the_page_is_read_once(service, engines,
                                                                                        monkeypatch):
    """Issue 6: this test hid two OCR runs, two syntheses and two e-mails."""
    runtime, client = service
    engines.ocr.gate.clear()
    body, kind = multipart([("page.png", page_photo(6), "image/png")], {"email": "ann@example.com"})
    _, _, answer = client.upload(body, kind)
    page_id = answer["id"]
    assert engines.ocr.entered.wait(30)
    lost = runtime.records.get(page_id)
    # The engine loses the execution (as a restart does) while its OCR call hangs on.
    known = runtime.workflow.status
    monkeypatch.setattr(runtime.workflow, "status", lambda arn: None if arn == lost.execution_arn else known(arn))
    assert client.request("GET", f"/result/{page_id}")[0] == 503
    assert runtime.records.get(page_id).attempts == 1  # quiet for under a minute: left alone

    engines.ocr.hang_first = True  # the lost attempt's call never comes back; the next one does
    engines.ocr.gate.set()
    runtime.deps.clock = lambda: lost.attempt_at + 61
    status, headers, _ = client.request("GET", f"/result/{page_id}")
    assert status == 503 and headers["Retry-After"] == "60"
    record = wait_finished(runtime, page_id)
    assert (record.status, record.attempts) == ("COMPLETE", 2)
    assert engines.ocr.calls == 1 and len(engines.speech.calls) == 1
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
    assert client.request("GET", f"/result/{page_id}")[0] == 200


def test_history_endpoint(service):
    runtime, client = service
    _, _, answer = client.upload(page_photo(7))
    wait_finished(runtime, answer["id"])
    status, _, body = client.request("GET", f"/executions/{answer['id']}/history")
    names = [e["state"] for e in body["events"] if e["type"].endswith("StateEntered")]
    assert status == 200 and names[0] == "LoadProgress" and names[-1] == "Done"


def test_unknown_route_and_wrong_method(client):
    assert client.request("GET", "/nope")[0] == 404
    status, _, body = client.request("GET", "/upload")
    assert (status, body["error"]) == (405, "METHOD_NOT_ALLOWED")


def test_a_body_far_over_the_limit_is_refused_by_the_gateway(service):
    """Like API Gateway's 10 MB cap: refused before any handler runs, and the client still gets JSON."""
    runtime, client = service
    status, _, answer = client.upload(b"\xff\xd8\xff" + b"0" * (12 * 1024 * 1024), "image/jpeg")
    assert (status, answer["error"]) == (413, "PAYLOAD_TOO_LARGE")
    assert stored_nothing(runtime)
    assert client.request("GET", "/health")[0] == 200


@pytest.mark.parametrize("wait", ["-1", "20.5", "21", "abc", "nan", "inf", "1e3", "0x10", " 5", "5s"])
def test_a_result_wait_outside_0_to_20_seconds_is_refused(service, wait):
    runtime, client = service
    _, _, answer = client.upload(page_photo(8))
    wait_finished(runtime, answer["id"])
    status, _, body = client.request("GET", f"/result/{answer['id']}?wait={quote(wait)}")
    assert status == 400 and body["error"] == "MALFORMED_REQUEST" and "wait" in body["message"]


def test_a_result_asked_with_wait_answers_once_the_page_is_finished(service, engines):
    runtime, client = service
    engines.ocr.gate.clear()
    _, _, answer = client.upload(page_photo(9))
    assert engines.ocr.entered.wait(30)
    asked = []
    waiting = threading.Thread(target=lambda: asked.append(client.request("GET", f"/result/{answer['id']}?wait=20")))
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive()  # the page is unfinished: the request waits, no 503 yet
    engines.ocr.gate.set()
    waiting.join(30)
    status, _, body = asked[0]
    assert status == 200 and body["status"] == "COMPLETE" and body["text"] == OUT


@pytest.mark.parametrize("wait", ["0", "0.2", "1e-1"])
def test_a_result_wait_that_runs_out_answers_503_as_without_it(service, engines, wait):
    runtime, client = service
    engines.ocr.gate.clear()
    _, _, answer = client.upload(page_photo(10))
    assert engines.ocr.entered.wait(30)
    status, headers, body = client.request("GET", f"/result/{answer['id']}?wait={wait}")
    assert status == 503 and body["status"] == "PROCESSING" and int(headers["Retry-After"]) > 0
    engines.ocr.gate.set()
    wait_finished(runtime, answer["id"])
