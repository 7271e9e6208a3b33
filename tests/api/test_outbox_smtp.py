"""Outbox delivering through real smtplib to a tiny SMTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from storytime.errors import EngineError, MalformedRequest
from storytime.local.outbox import Outbox


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes
    auth: str | None


@dataclass
class FakeSMTPServer:
    """Just enough RFC 5321 for smtplib: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    reject_rcpt: bool = False
    messages: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)  # closing a socket does not wake accept(): poll
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        self.sock.close()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                try:
                    self._session(conn.makefile("rb"), conn)
                except (OSError, ConnectionError):
                    pass

    def _session(self, rfile, conn):
        def reply(line: str):
            conn.sendall(line.encode() + b"\r\n")

        reply("220 fake ESMTP")
        mail_from, rcpt, auth = "", [], None
        while True:
            line = rfile.readline()
            if not line:
                return
            cmd = line.decode().rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                conn.sendall(b"250-fake\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                reply("250 fake")
            elif verb == "AUTH":
                _, mechanism, *initial = cmd.split(" ")
                if mechanism.upper() != "PLAIN":
                    reply("504 unsupported")
                    continue
                if not initial:
                    reply("334 ")
                    initial = [rfile.readline().decode().strip()]
                auth = base64.b64decode(initial[0]).decode()
                reply("235 ok")
            elif verb == "MAIL":
                mail_from, rcpt = cmd.split(":", 1)[1].split()[0].strip("<>"), []
                reply("250 ok")
            elif verb == "RCPT":
                if self.reject_rcpt:
                    reply("550 no such user")
                    continue
                rcpt.append(cmd.split(":", 1)[1].strip().strip("<>"))
                reply("250 ok")
            elif verb == "DATA":
                reply("354 go ahead")
                lines = []
                while True:
                    data_line = rfile.readline()
                    if data_line in (b".\r\n", b""):
                        break
                    if data_line.startswith(b".."):
                        data_line = data_line[1:]
                    lines.append(data_line)
                self.messages.append(Received(mail_from, rcpt, b"".join(lines), auth))
                reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                reply("250 ok")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")


@pytest.fixture
def server():
    s = FakeSMTPServer()
    yield s
    s.close()


def test_message_is_filed_and_delivered(tmp_path, server):
    box = Outbox(tmp_path, f"smtp://127.0.0.1:{server.port}", sender="books@example.org")
    path = box.send("kid@example.com", "곰 이야기", "옛날 옛적에...\n.\n..and a line of dots\n")
    (received,) = server.messages
    assert received.mail_from == "books@example.org"
    assert received.rcpt_to == ["kid@example.com"]
    assert received.auth is None
    sent = email.message_from_bytes(received.data, policy=email.policy.default)
    filed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert sent["Message-ID"] == filed["Message-ID"]
    assert sent["Subject"] == "곰 이야기"
    assert sent.get_content().replace("\r\n", "\n") == "옛날 옛적에...\n.\n..and a line of dots\n"


def test_no_recipient_no_message(tmp_path, server):
    """Issue 6: mail without an address went to reader@localhost."""
    with pytest.raises(MalformedRequest):
        Outbox(tmp_path, f"smtp://127.0.0.1:{server.port}").send(None, "s", "b")
    assert server.messages == [] and list(tmp_path.glob("*.eml")) == []


def test_credentials_in_url_log_in(tmp_path, server):
    Outbox(tmp_path, f"smtp://me%40x.org:s%3Acret@127.0.0.1:{server.port}").send("kid@example.com", "s", "b")
    assert server.messages[0].auth == "\0me@x.org\0s:cret"


def test_refused_recipient_is_an_engine_error_file_kept(tmp_path, server):
    server.reject_rcpt = True
    with pytest.raises(EngineError) as e:
        Outbox(tmp_path, f"smtp://127.0.0.1:{server.port}").send("kid@example.com", "s", "b")
    (kept,) = tmp_path.glob("*.eml")
    assert str(kept) in str(e.value)


def test_nobody_listening_is_an_engine_error(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # bound, then closed: nothing listens there
    with pytest.raises(EngineError):
        Outbox(tmp_path, f"smtp://127.0.0.1:{port}", smtp_timeout_seconds=5).send("kid@example.com", "s", "b")
    assert len(list(tmp_path.glob("*.eml"))) == 1
