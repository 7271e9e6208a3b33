"""The two-step upload on the real local server: a signed URL, a PUT of the bytes, then complete."""

import io
import os
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.api.conftest import PUBLIC_URL, wait_finished
from tests.fakes import page_photo


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """A ~12 MB PNG (noise does not compress): over the 10 MB direct limit, under the upload limit."""
    out = io.BytesIO()
    Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def local(url: str) -> str:
    """The path and query of a URL the answers give (they start with PUBLIC_URL, where people reach us)."""
    assert url.startswith(PUBLIC_URL + "/")
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def ticket(client, **body):
    import json

    status, _, answer = client.request("POST", "/uploads", json.dumps(body).encode(),
                                       {"Content-Type": "application/json"})
    assert status == 201, answer
    return answer


def test_a_photo_over_the_direct_limit_goes_through_the_two_step_upload_to_complete(service, big_photo):
    runtime, client = service
    assert 11 * 1024 * 1024 < len(big_photo) < runtime.settings.max_staged_upload_bytes
    status, _, refused = client.upload(big_photo)
    assert status == 413 and refused["error"] == "PAYLOAD_TOO_LARGE" and "POST /uploads" in refused["message"]
    assert "10 MB" in refused["message"] and "4.4 MB on AWS" in refused["message"]

    answer = ticket(client, contentType="image/png", bytes=len(big_photo))
    assert answer["method"] == "PUT" and answer["expiresAt"] > time.time()
    assert answer["completeUrl"] == f"{PUBLIC_URL}/uploads/{answer['key']}/complete"
    status, _, _ = client.request("PUT", local(answer["uploadUrl"]), big_photo, answer["headers"])
    assert status == 200
    assert runtime.objects.exists(f"uploads/{answer['key']}")

    status, _, accepted = client.request("POST", local(answer["completeUrl"]))
    assert status == 202 and accepted["status"] in ("QUEUED", "PROCESSING")
    assert not runtime.objects.exists(f"uploads/{answer['key']}")  # staged copy dropped
    record = wait_finished(runtime, accepted["id"])
    assert str(record.status) == "COMPLETE"
    status, _, result = client.request("GET", f"/result/{accepted['id']}")
    assert status == 200 and result["status"] == "COMPLETE"


def test_the_upload_url_needs_its_own_signature_and_time(start_service):
    runtime, client = start_service(upload_url_seconds=1)
    answer = ticket(client)
    path = local(answer["uploadUrl"])
    forged = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
    status, _, refused = client.request("PUT", forged, b"\x89PNG")
    assert status == 403 and refused["error"] == "BAD_SIGNATURE"
    other_key = path.replace(answer["key"], "f" * 32)
    assert client.request("PUT", other_key, b"\x89PNG")[0] == 403
    time.sleep(2.1)
    status, _, refused = client.request("PUT", path, b"\x89PNG")
    assert status == 403 and refused["error"] == "URL_EXPIRED"
    assert not runtime.objects.exists(f"uploads/{answer['key']}")


def test_over_the_upload_limit_is_refused_with_413(start_service):
    runtime, client = start_service(max_staged_upload_bytes=1024)
    status, _, refused = client.request("POST", "/uploads", b'{"bytes": 2048}', {"Content-Type": "application/json"})
    assert status == 413 and refused["error"] == "PAYLOAD_TOO_LARGE"
    answer = ticket(client)
    status, _, refused = client.request("PUT", local(answer["uploadUrl"]), b"x" * 2048)
    assert status == 413 and refused["error"] == "PAYLOAD_TOO_LARGE"
    assert not runtime.objects.exists(f"uploads/{answer['key']}")


def test_unknown_and_malformed_keys(client):
    status, _, answer = client.request("POST", f"/uploads/{'a' * 32}/complete")
    assert status == 404 and answer["error"] == "NOT_FOUND"
    status, _, answer = client.request("POST", "/uploads/not-a-key/complete")
    assert status == 400 and answer["error"] == "MALFORMED_ID"
    status, _, answer = client.request("POST", "/uploads", b"[1]", {"Content-Type": "application/json"})
    assert status == 400 and answer["error"] == "MALFORMED_REQUEST"


def test_a_bad_photo_completed_is_refused_and_not_kept(service):
    runtime, client = service
    answer = ticket(client)
    assert client.request("PUT", local(answer["uploadUrl"]), b"not an image at all")[0] == 200
    status, _, refused = client.request("POST", local(answer["completeUrl"]))
    assert status == 415 or status == 422, refused
    assert runtime.records.unfinished() == [] and not runtime.objects.exists(f"uploads/{answer['key']}")


def test_the_same_photo_direct_and_two_step_is_one_page_read_once(service, engines):
    from tests.api.test_upload_and_result import jpeg

    runtime, client = service
    photo = jpeg((120, 90))
    status, _, direct = client.upload(photo, "image/jpeg")
    assert status == 202
    wait_finished(runtime, direct["id"])
    calls = engines.ocr.calls
    answer = ticket(client, contentType="image/jpeg")
    assert client.request("PUT", local(answer["uploadUrl"]), photo)[0] == 200
    status, _, again = client.request("POST", local(answer["completeUrl"]), b'{"email": "ann@example.com"}',
                                      {"Content-Type": "application/json"})
    assert status == 200 and again["id"] == direct["id"] and again["status"] == "COMPLETE"
    assert engines.ocr.calls == calls  # answered from the stored result, not read again


def test_a_direct_upload_just_over_the_limit_is_told_the_two_step_way(start_service):
    """Past the edge's slack the handler refuses it: the same message, each platform's limit and the way round."""
    from tests.api.test_upload_and_result import jpeg

    _, client = start_service(max_upload_bytes=200)
    status, _, refused = client.upload(jpeg((300, 300)), "image/jpeg")
    assert status == 413 and refused["error"] == "PAYLOAD_TOO_LARGE"
    assert "~4.4 MB on AWS" in refused["message"] and "POST /uploads" in refused["message"]


def test_complete_takes_the_pages_language_and_a_bad_one_keeps_the_upload(service, engines):
    import json

    runtime, client = service
    photo = page_photo(5173)
    answer = ticket(client, contentType="image/png")
    assert client.request("PUT", local(answer["uploadUrl"]), photo, answer["headers"])[0] == 200
    status, _, refused = client.request("POST", local(answer["completeUrl"]), json.dumps({"language": "xx"}).encode(),
                                        {"Content-Type": "application/json"})
    assert (status, refused["error"]) == (400, "MALFORMED_REQUEST") and "language" in refused["message"]
    assert runtime.objects.exists(f"uploads/{answer['key']}")  # the photo was not at fault: still there
    status, _, accepted = client.request("POST", local(answer["completeUrl"]), json.dumps({"language": "ko"}).encode(),
                                         {"Content-Type": "application/json"})
    assert status == 202, accepted
    wait_finished(runtime, accepted["id"])
    assert engines.ocr.languages == ["ko"]


def test_a_page_on_another_origin_may_put_to_the_upload_url(start_service):
    """The browser asks first (a PUT of an image is no simple request), as S3's bucket CORS answers on AWS."""
    from storytime.local.edge import Edge

    origin = "https://app.example"
    runtime, client = start_service(Edge(cors_origins=frozenset({origin})))
    answer = ticket(client, contentType="image/png")
    path = local(answer["uploadUrl"])
    status, headers, body = client.request("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and body == {"allow": ["OPTIONS", "PUT"]}
    assert headers["Access-Control-Allow-Origin"] == origin and "PUT" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    status, headers, _ = client.request("PUT", path, page_photo(7), {"Content-Type": "image/png", "Origin": origin})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == origin
    assert runtime.objects.exists(f"uploads/{answer['key']}")
    status, headers, _ = client.request("OPTIONS", path, headers={"Origin": "https://evil.example"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
