"""The web reader's files and the choice between the page and the JSON description of /."""

import pytest
from storytime.core.notices import step
from storytime.core.records import Record, Status
from storytime.local.static import page_file, wants_page

CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("accept, page", [
    (CHROME, True),
    (SAFARI, True),
    ("text/html", True),
    (None, False),
    ("", False),
    ("*/*", False),                                   # curl
    ("application/json", False),
    ("application/json, text/html;q=0.5", False),
    ("text/html, application/json", False),            # a tie goes to JSON: today's answer
    ("text/html;q=0.9, application/json;q=0.2", True),
    ("text/html;q=0, */*", False),
    ("text/*, application/json;q=0.5", False),         # HTML not asked for by name
])
def test_browsers_get_the_page_and_programs_keep_json(accept, page):
    assert wants_page(accept) is page


def test_the_page_and_its_files_are_served_with_their_types():
    html, kind = page_file("/")
    assert kind.startswith("text/html") and b'<script type="module" src="app/main.js">' in html
    assert page_file("/index.html")[0] == html
    for name, expected in (("main.js", "text/javascript"), ("app.css", "text/css"), ("config.json",
                                                                                       "application/json")):
        data, kind = page_file(f"/app/{name}")
        assert data and kind.startswith(expected)


@pytest.mark.parametrize("path", ["/app/", "/app/../index.html", "/app/..%2fsettings.py", "/app/nothing.js",
                                  "/app/sub/main.js", "/app/.hidden.js", "/app/main.py", "/index.htm", "/health"])
def test_nothing_else_is_served(path):
    assert page_file(path) is None


def record(**changes) -> Record:
    return Record(id="a" * 64, status=Status.PROCESSING, image_key="images/a.png", image_type="image/png",
                  created_at=0.0).with_changes(**changes)


def test_the_step_follows_what_the_record_holds():
    assert step(record(status="QUEUED")) == "QUEUED"
    assert step(record()) == "READING_PAGE"
    assert step(record(ocr_key="ocr/a.json")) == "FINDING_TEXT"
    assert step(record(ocr_key="ocr/a.json", text_key="text/a.txt")) == "SPEAKING"
    # A failed page says where it stopped.
    assert step(record(status="FAILED", ocr_key="ocr/a.json")) == "FINDING_TEXT"
