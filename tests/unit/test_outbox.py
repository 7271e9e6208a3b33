"""Outbox: .eml files in a folder; SMTP only through a stand-in (no network here)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import smtplib
import stat

import pytest
from storytime.errors import EngineError, MalformedRequest
from storytime.local.outbox import Outbox

NAME = re.compile(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}\.eml")


def read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_send_writes_one_eml_file(tmp_path):
    box = Outbox(tmp_path)
    path = box.send("kid@example.com", "Your story is ready", "Once upon a time...\n")
    assert path.parent == tmp_path
    assert NAME.fullmatch(path.name), path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    msg = read(path)
    assert msg["To"] == "kid@example.com"
    assert msg["From"] == "storytime@localhost"
    assert msg["Subject"] == "Your story is ready"
    assert msg["Date"] and msg["Message-ID"]
    assert msg.get_content() == "Once upon a time...\n"


@pytest.mark.parametrize("to", [None, "", "a" * 243 + "@example.com"])
def test_no_default_recipient_and_no_overlong_one(tmp_path, to):
    """Issue 6: no address went to reader@localhost; a 100,000-character address was taken."""
    with pytest.raises(MalformedRequest):
        Outbox(tmp_path).send(to, "s", "b")
    assert list(tmp_path.glob("*.eml")) == []
    assert read(Outbox(tmp_path).send("a" * 242 + "@example.com", "s", "b"))["To"] == "a" * 242 + "@example.com"


def test_sender_is_configurable(tmp_path):
    msg = read(Outbox(tmp_path, sender="books@example.org").send("kid@example.com", "s", "b"))
    assert msg["From"] == "books@example.org"
    assert msg["Message-ID"].endswith("@example.org>")


def test_unicode_subject_and_body_round_trip(tmp_path):
    path = Outbox(tmp_path).send("kid@example.com", "곰 이야기 🐻", "옛날 옛적에 작은 곰이 살았어요.\n" * 50)
    msg = read(path)
    assert msg["Subject"] == "곰 이야기 🐻"
    assert msg.get_content() == "옛날 옛적에 작은 곰이 살았어요.\n" * 50


def test_folder_is_created(tmp_path):
    folder = tmp_path / "a" / "b"
    path = Outbox(folder).send("kid@example.com", "s", "b")
    assert path.parent == folder and path.exists()


def test_each_send_is_a_new_file_in_time_order(tmp_path):
    box = Outbox(tmp_path)
    paths = [box.send("kid@example.com", f"page {i}", f"body {i}") for i in range(5)]
    assert len(set(paths)) == 5
    assert sorted(paths) == paths
    assert [read(p)["Subject"] for p in paths] == [f"page {i}" for i in range(5)]


def test_eml_file_uses_unix_line_ends(tmp_path):
    raw = Outbox(tmp_path).send("kid@example.com", "s", "line one\nline two\n").read_bytes()
    assert b"\n\n" in raw
    assert b"\r" not in raw


def test_subject_line_breaks_are_folded_not_injected(tmp_path):
    msg = read(Outbox(tmp_path).send("kid@example.com", "Hi\r\nBcc: victim@example.com", "b"))
    assert msg["Subject"] == "Hi Bcc: victim@example.com"
    assert msg["Bcc"] is None


@pytest.mark.parametrize(
    "to",
    [
        "",
        "not an address",
        "a@b.com, c@d.com",
        "a@b.com\r\nBcc: victim@example.com",
        "Name <a@b.com>",
        "@example.com",
        "kid@",
    ],
)
def test_bad_recipients_are_refused_and_nothing_is_written(tmp_path, to):
    with pytest.raises(MalformedRequest):
        Outbox(tmp_path).send(to, "s", "b")
    assert list(tmp_path.iterdir()) == []


def test_write_is_atomic_temp_in_same_folder_fsynced_then_replaced(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"))
        return real_fsync(fd)

    def replace(src, dst):
        src, dst = os.fspath(src), os.fspath(dst)
        events.append(("replace", os.path.dirname(src) == os.path.dirname(dst)))
        assert os.path.basename(src).startswith(".")  # hidden from *.eml readers
        with open(src, "rb") as f:
            assert b"Subject: s" in f.read()  # complete before it gets its name
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    Outbox(tmp_path).send("kid@example.com", "s", "body")
    assert events == [("fsync", "file"), ("replace", True), ("fsync", "dir")]


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        Outbox(tmp_path).send("kid@example.com", "s", "b")
    assert list(tmp_path.iterdir()) == []


def test_eml_file_is_private(tmp_path):
    path = Outbox(tmp_path).send("kid@example.com", "s", "b")
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


# --------------------------------------------------------------------------
# SMTP configuration, with smtplib replaced by a recorder


class FakeSMTP:
    instances: list[FakeSMTP] = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout=None, context=None):
        self.host, self.port, self.timeout, self.context = host, port, timeout, context
        self.logins, self.sent = [], []
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def login(self, user, password):
        self.logins.append((user, password))

    def send_message(self, message):
        if FakeSMTP.fail_with:
            raise FakeSMTP.fail_with
        self.sent.append(message)


class FakeSMTPSSL(FakeSMTP):
    pass


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.instances = []
    FakeSMTP.fail_with = None
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSMTPSSL)
    return FakeSMTP


def test_no_smtp_url_means_no_smtp(tmp_path, fake_smtp):
    Outbox(tmp_path).send("kid@example.com", "s", "b")
    assert fake_smtp.instances == []


def test_smtp_url_plain(tmp_path, fake_smtp):
    path = Outbox(tmp_path, "smtp://mail.local:1025").send("kid@example.com", "s", "b")
    (client,) = fake_smtp.instances
    assert type(client) is FakeSMTP
    assert (client.host, client.port, client.logins) == ("mail.local", 1025, [])
    (sent,) = client.sent
    assert sent["To"] == "kid@example.com"
    assert sent["Message-ID"] == read(path)["Message-ID"]  # the same message, filed and sent


def test_smtp_default_port(tmp_path, fake_smtp):
    Outbox(tmp_path, "smtp://mail.local").send("kid@example.com", "s", "b")
    assert fake_smtp.instances[0].port == 25


def test_smtps_url_with_credentials(tmp_path, fake_smtp):
    Outbox(tmp_path, "smtps://me%40example.com:p%3Ass%2Fw0rd@smtp.example.com:2465").send("kid@example.com", "s", "b")
    (client,) = fake_smtp.instances
    assert type(client) is FakeSMTPSSL
    assert (client.host, client.port) == ("smtp.example.com", 2465)
    assert client.logins == [("me@example.com", "p:ss/w0rd")]
    assert client.context is not None and client.context.verify_mode.name == "CERT_REQUIRED"
    assert len(client.sent) == 1


def test_smtps_default_port(tmp_path, fake_smtp):
    Outbox(tmp_path, "smtps://u:p@smtp.example.com").send("kid@example.com", "s", "b")
    assert fake_smtp.instances[0].port == 465


def test_smtp_failure_is_an_engine_error_and_the_file_is_kept(tmp_path, fake_smtp):
    fake_smtp.fail_with = smtplib.SMTPRecipientsRefused({"kid@example.com": (550, b"no")})
    with pytest.raises(EngineError) as e:
        Outbox(tmp_path, "smtp://mail.local:1025").send("kid@example.com", "s", "b")
    (kept,) = tmp_path.iterdir()
    assert str(kept) in str(e.value)


@pytest.mark.parametrize("url", ["http://mail.local", "smtp://", "smtp://mail.local:notaport", "mail.local:25"])
def test_bad_smtp_urls_are_refused_at_construction(tmp_path, url):
    with pytest.raises(ValueError):
        Outbox(tmp_path, url)
