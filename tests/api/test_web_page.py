"""The real local server hands browsers the web reader and tells the page each step of the work."""

from tests.api.conftest import wait_finished
from tests.fakes import page_photo

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_page_and_curl_the_json(client):
    status, headers, html = client.request("GET", "/", headers={"Accept": BROWSER})
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"app/main.js" in html and headers["Vary"] == "Accept"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    for accept in ("*/*", "application/json"):
        status, headers, index = client.request("GET", "/", headers={"Accept": accept})
        assert status == 200 and "POST /upload" in index["endpoints"]


def test_the_page_files_are_served_and_nothing_beside_them(client):
    status, headers, script = client.request("GET", "/app/main.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"import" in script
    status, _, head = client.request("HEAD", "/app/app.css")
    assert status == 200 and head == b""
    for path in ("/app/../pyproject.toml", "/app/missing.js", "/app/%2e%2e/settings.py"):
        status, _, body = client.request("GET", path)
        assert status == 404 and body["error"] == "NOT_FOUND"


def test_the_pending_answer_names_the_step(service, engines):
    runtime, client = service
    engines.ocr.gate.clear()
    _, _, accepted = client.upload(page_photo(7))
    assert engines.ocr.entered.wait(30)
    status, headers, pending = client.request("GET", f"/result/{accepted['id']}")
    assert status == 503 and pending["step"] == "READING_PAGE" and int(headers["Retry-After"]) > 0
    engines.ocr.gate.set()
    wait_finished(runtime, accepted["id"])
    assert client.request("GET", f"/result/{accepted['id']}")[0] == 200
