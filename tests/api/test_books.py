"""Books through the real local server: pages uploaded and deduplicated on their own, joined in order."""

import json
import uuid

import pytest
from storytime.core.audio import mp3_seconds

from tests.api.conftest import PUBLIC_URL, wait_finished
from tests.api.test_upload_and_result import multipart
from tests.fakes import FakeSpeech, page_photo


class TimedSpeech(FakeSpeech):
    """Real MP3 frames, a tenth of a second per word, so the book's length can be measured."""

    def synthesize_mp3(self, text: str, voice: str) -> bytes:
        import lameenc

        super().synthesize_mp3(text, voice)
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(32)
        encoder.set_in_sample_rate(22050)
        encoder.set_channels(1)
        return encoder.encode(b"\x00\x00" * 2205 * len(text.split())) + encoder.flush()


@pytest.fixture
def engines(engines):
    engines.speech = TimedSpeech()
    return engines


def new_book(client, title="The fox"):
    status, _, book = client.request("POST", "/books", json.dumps({"title": title}),
                                     {"Content-Type": "application/json"})
    assert status == 201 and book["pages"] == [] and book["status"] == "EMPTY" and book["audioUrl"] is None
    assert book["links"]["book"] == f"{PUBLIC_URL}/books/{book['id']}"
    return book


def get(client, url):
    status, headers, data = client.request("GET", url.removeprefix(PUBLIC_URL))
    assert status == 200
    return data


def test_a_two_page_book_is_one_mp3_and_one_timing_file_in_page_order(service):
    runtime, client = service
    book = new_book(client)
    first = client.upload(page_photo(21), path=f"/books/{book['id']}/pages")
    assert first[0] == 201 and first[2]["page"]["status"] in ("QUEUED", "PROCESSING", "COMPLETE")
    # The second page was uploaded alone first: added by its id, then deduplicated when sent again.
    _, _, alone = client.upload(page_photo(22))
    status, _, added = client.request("POST", f"/books/{book['id']}/pages", json.dumps({"pageId": alone["id"]}),
                                      {"Content-Type": "application/json"})
    assert status == 201 and [p["id"] for p in added["pages"]] == [first[2]["page"]["id"], alone["id"]]
    for p in added["pages"]:
        wait_finished(runtime, p["id"])

    status, _, done = client.request("GET", f"/books/{book['id']}")
    assert status == 200 and done["status"] == "COMPLETE" and done["title"] == "The fox"
    assert [p["status"] for p in done["pages"]] == ["COMPLETE", "COMPLETE"]
    audio = get(client, done["audioUrl"])
    pages = [runtime.records.get(p["id"]) for p in done["pages"]]
    page_audio = [runtime.objects.get(r.audio_key) for r in pages]
    assert audio == b"".join(page_audio)
    assert mp3_seconds(audio) == pytest.approx(sum(mp3_seconds(a) for a in page_audio), abs=0.1)
    marks = get(client, done["timingsUrl"])["marks"]  # served as JSON
    texts = [runtime.objects.get(r.text_key).decode() for r in pages]
    assert [m["value"] for m in marks] == texts  # one sentence mark per page here, in page order
    assert marks[0]["time"] == 0 and marks[1]["time"] == pytest.approx(mp3_seconds(page_audio[0]) * 1000, abs=60)

    # Reordered: a new narration, the other way round; the first one stays as it was.
    status, _, turned = client.request("PUT", f"/books/{book['id']}/pages",
                                       json.dumps({"pages": [alone["id"], first[2]["page"]["id"]]}),
                                       {"Content-Type": "application/json"})
    assert status == 200 and turned["audioUrl"] != done["audioUrl"]
    assert get(client, turned["audioUrl"]) == page_audio[1] + page_audio[0]
    assert get(client, done["audioUrl"]) == audio


def test_a_page_read_long_ago_added_to_a_book_is_joined_at_once(service):
    runtime, client = service
    _, _, alone = client.upload(page_photo(23))
    wait_finished(runtime, alone["id"])
    book = new_book(client, title=None)
    status, _, added = client.upload(page_photo(23), path=f"/books/{book['id']}/pages?position=0")
    assert status == 201 and added["page"] == {"id": alone["id"], "status": "COMPLETE"}
    assert added["status"] == "COMPLETE" and get(client, added["audioUrl"]) == runtime.objects.get(
        runtime.records.get(alone["id"]).audio_key)


@pytest.mark.parametrize("method,path,body,status,code", [
    ("POST", "/books", "[1]", 400, "MALFORMED_REQUEST"),
    ("POST", "/books", '{"title": 5}', 400, "MALFORMED_REQUEST"),
    ("GET", "/books/nope", None, 400, "MALFORMED_ID"),
    ("GET", f"/books/{uuid.uuid4().hex}", None, 404, "NOT_FOUND"),
    ("POST", "/books/{book}/pages", '{"pageId": "' + "a" * 64 + '"}', 404, "NOT_FOUND"),
    ("POST", "/books/{book}/pages", '{"pageId": "x"}', 400, "MALFORMED_ID"),
    ("POST", "/books/{book}/pages", "{}", 400, "MALFORMED_REQUEST"),
    ("POST", "/books/{book}/pages", "not json", 400, "MALFORMED_REQUEST"),
    ("PUT", "/books/{book}/pages", '{"pages": ["' + "a" * 64 + '"]}', 400, "MALFORMED_REQUEST"),
    ("PUT", f"/books/{uuid.uuid4().hex}/pages", '{"pages": []}', 404, "NOT_FOUND"),
])
def test_bad_book_requests_get_clear_errors(client, method, path, body, status, code):
    book = new_book(client)
    answer = client.request(method, path.replace("{book}", book["id"]), body, {"Content-Type": "application/json"})
    assert answer[0] == status and answer[2]["error"] == code
    assert client.request("GET", f"/books/{book['id']}")[2]["pages"] == []  # nothing added


def test_a_bad_photo_for_a_book_stores_nothing(service):
    runtime, client = service
    book = new_book(client)
    status, _, answer = client.upload(b"not an image", content_type="image/png", path=f"/books/{book['id']}/pages")
    assert status in (415, 422) and answer["error"] in ("UNSUPPORTED_MEDIA_TYPE", "CORRUPT_IMAGE")
    assert client.request("GET", f"/books/{book['id']}")[2]["pages"] == []
    status, _, answer = client.upload(page_photo(24), path=f"/books/{uuid.uuid4().hex}/pages")
    assert status == 404 and runtime.records.unfinished() == []


@pytest.mark.parametrize("how", ["form", "query"])
def test_the_language_named_with_a_book_page_reaches_the_ocr(service, engines, how):
    runtime, client = service
    book = new_book(client)
    photo = page_photo(5181 if how == "form" else 5182)
    if how == "form":
        body, kind = multipart([("page.png", photo, "image/png")], {"language": "KO", "position": "0"})
        status, _, added = client.upload(body, kind, path=f"/books/{book['id']}/pages")
    else:
        status, _, added = client.upload(photo, path=f"/books/{book['id']}/pages?language=ko")
    assert status == 201, added
    wait_finished(runtime, added["page"]["id"])
    assert engines.ocr.languages == ["ko"]
    assert runtime.records.get(added["page"]["id"]).language_hint == "ko"


@pytest.mark.parametrize("how", ["form", "query"])
def test_a_book_page_in_a_language_not_offered_stores_nothing(service, how):
    runtime, client = service
    book = new_book(client)
    if how == "form":
        body, kind = multipart([("page.png", page_photo(5183), "image/png")], {"language": "klingon"})
        status, _, answer = client.upload(body, kind, path=f"/books/{book['id']}/pages")
    else:
        status, _, answer = client.upload(page_photo(5183), path=f"/books/{book['id']}/pages?language=klingon")
    assert (status, answer["error"]) == (400, "MALFORMED_REQUEST") and "language" in answer["message"]
    assert client.request("GET", f"/books/{book['id']}")[2]["pages"] == []
    assert runtime.records.unfinished() == [] and not any(p.is_file() for p in runtime.objects.root.rglob("*"))
