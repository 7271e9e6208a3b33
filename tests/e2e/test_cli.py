"""The storytime command: read one page through the workflow, then show its history."""

import subprocess
import sys

import miniaudio
import pytest

from tests.cer import cer
from tests.e2e.conftest import FIXTURES, truth

pytestmark = pytest.mark.e2e


def storytime(*args, data):
    return subprocess.run([sys.executable, "-m", "storytime.cli", "--data", str(data), *args],
                          capture_output=True, text=True, timeout=300)


def test_read_then_history(tmp_path):
    out = tmp_path / "page.mp3"
    photo = FIXTURES / "tesseract_phototest.png"
    read = storytime("read", str(photo), "-o", str(out), "--email", "ann@example.com", data=tmp_path / "data")

    assert read.returncode == 0, read.stderr
    assert cer(truth("tesseract_phototest.png"), read.stdout) <= 0.05
    for state in ("LoadProgress", "ReadPage", "ExtractText", "StartSpeech", "RecordComplete", "Notify"):
        assert state in read.stderr
    assert miniaudio.mp3_get_info(out.read_bytes()).duration > 5

    page_id = read.stderr.split("page ", 1)[1].split()[0]
    history = storytime("history", page_id, data=tmp_path / "data")
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert lines[0].startswith("execution arn:aws:states:")
    assert any("TaskStateEntered" in line and "ReadPage" in line for line in lines)
    assert "ExecutionSucceeded" in lines[-1]

    outbox = tmp_path / "data" / "outbox"
    quiet = storytime("read", str(photo), data=tmp_path / "data")  # no address: nothing to send, nothing started
    assert quiet.returncode == 0 and "already read" in quiet.stderr and "LoadProgress" not in quiet.stderr
    again = storytime("read", str(photo), "--email", "bob@example.com", data=tmp_path / "data")
    assert again.returncode == 0 and "already read" in again.stderr
    assert "AlreadyFinished" in again.stderr and "ReadPage" not in again.stderr
    assert sorted("bob@" in p.read_text() for p in outbox.glob("*.eml")) == [False, True]


def test_read_refuses_a_file_that_is_not_an_image(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("not a photo")
    result = storytime("read", str(note), data=tmp_path / "data")
    assert result.returncode == 2 and "UNSUPPORTED_MEDIA_TYPE" in result.stderr


def test_read_refuses_a_language_it_does_not_offer(tmp_path):
    result = storytime("read", str(FIXTURES / "tesseract_phototest.png"), "--language", "it", data=tmp_path / "data")
    assert result.returncode == 2 and "MALFORMED_REQUEST" in result.stderr and "language" in result.stderr


def test_read_a_page_whose_language_is_named(tmp_path):
    from tests.e2e.pages import DEJAVU_SERIF, FRENCH_STORY, render_page
    page = tmp_path / "page.png"
    page.write_bytes(render_page(FRENCH_STORY, font=DEJAVU_SERIF, size=34))
    result = storytime("read", str(page), "--language", "fr", data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert cer("\n".join(FRENCH_STORY), result.stdout) <= 0.01


def test_history_of_an_unknown_page(tmp_path):
    result = storytime("history", "f" * 64, data=tmp_path / "data")
    assert result.returncode == 2 and "NOT_FOUND" in result.stderr


def test_serve_on_a_busy_port_says_what_to_do(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = storytime("serve", "--port", str(port), data=tmp_path / "data")
    assert result.returncode == 1 and "STORYTIME_PORT" in result.stderr


def test_a_book_of_two_photos_is_one_mp3(tmp_path):
    from storytime.core.audio import mp3_seconds

    from tests.e2e.test_web_reader import second_page

    second = tmp_path / "second.png"
    second.write_bytes(second_page())
    out = tmp_path / "book.mp3"
    book = storytime("book", str(FIXTURES / "tesseract_phototest.png"), str(second), "--title", "Fox", "-o", str(out),
                     data=tmp_path / "data")
    assert book.returncode == 0, book.stderr
    assert book.stdout.index("lazy fox") < book.stdout.index("fox went home")
    one = storytime("read", str(FIXTURES / "tesseract_phototest.png"), "-o", str(tmp_path / "1.mp3"),
                    data=tmp_path / "data")
    two = storytime("read", str(second), "-o", str(tmp_path / "2.mp3"), data=tmp_path / "data")
    assert "already read" in one.stderr and "already read" in two.stderr  # each page deduplicated on its own
    assert out.read_bytes() == (tmp_path / "1.mp3").read_bytes() + (tmp_path / "2.mp3").read_bytes()
    assert mp3_seconds(out.read_bytes()) > 5
