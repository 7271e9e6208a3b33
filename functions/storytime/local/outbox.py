"""Local "email": every message is written to a folder as one ``.eml`` file,
and optionally also delivered through SMTP.

Files are named ``{UTC timestamp}-{short uuid}.eml`` (e.g.
``20250131T140502.123456Z-3f9c2a1b7d4e.eml``): they sort by time, never
collide, and contain no characters any filesystem dislikes. Each file
appears atomically: it is written to a hidden temporary file in the same
folder, flushed and fsynced, renamed into place with ``os.replace``, and the
folder itself is fsynced so the rename survives a crash. A reader that lists
``*.eml`` therefore never sees a half-written message.

``smtp_url``:

* ``smtp://host[:port]`` (port 25 by default), plain SMTP, e.g. a local
  MailHog/Mailpit;
* ``smtps://[user:password@]host[:port]`` (port 465 by default), SMTP over
  TLS with certificate verification; user and password are percent-decoded.
  ``smtp://user:password@host`` also logs in, without TLS.
"""

from __future__ import annotations

import email.policy
import email.utils
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from storytime.core.addresses import plain_address
from storytime.errors import EngineError
from storytime.objects.files import write_durably


class Outbox:
    def __init__(
        self,
        folder: Path,
        smtp_url: str | None = None,
        sender: str = "storytime@localhost",
        *,
        smtp_timeout_seconds: float = 30.0,
    ) -> None:
        self.folder = Path(folder)
        self.sender = plain_address(sender, "sender")
        self.smtp_url = smtp_url or None
        self._smtp = _parse_smtp_url(smtp_url) if smtp_url else None
        self.smtp_timeout_seconds = smtp_timeout_seconds

    def send(self, to: str, subject: str, body: str) -> Path:
        """Write the message to the folder (and SMTP if configured); return the file.

        Raises :class:`MalformedRequest` for an unusable recipient address,
        :class:`EngineError` when SMTP delivery fails (the ``.eml`` file has
        been written by then, and its path is in the message).
        """
        message = self.build(to, subject, body)
        path = self._write(message)
        if self._smtp is not None:
            self._deliver(message, path)
        return path

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        """The message :meth:`send` would send."""
        # Written with plain \n line ends, like Maildir and mbox files; smtplib
        # converts to CRLF on the wire.
        message = EmailMessage(policy=email.policy.default)
        message["From"] = self.sender
        message["To"] = plain_address(to, "recipient")  # no address, no e-mail: never a default
        # A subject is one line: fold any line breaks an OCR'd title may carry.
        message["Subject"] = " ".join(str(subject).split())
        message["Date"] = email.utils.formatdate(usegmt=True)
        message["Message-ID"] = email.utils.make_msgid(domain=self.sender.split("@", 1)[1] or None)
        message.set_content(body)
        return message

    # ------------------------------------------------------------------

    def _write(self, message: EmailMessage) -> Path:
        now = datetime.now(UTC)
        final = self.folder / f"{now:%Y%m%dT%H%M%S.%fZ}-{uuid.uuid4().hex[:12]}.eml"
        write_durably(final, message.as_bytes())
        return final

    def _deliver(self, message: EmailMessage, path: Path) -> None:
        assert self._smtp is not None
        secure, host, port, user, password = self._smtp
        try:
            if secure:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=self.smtp_timeout_seconds, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(host, port, timeout=self.smtp_timeout_seconds)
            with client:
                if user is not None:
                    client.login(user, password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise EngineError(
                f"Could not deliver the email through {host}:{port} "
                f"({type(exc).__name__}: {exc}); it is saved as {path}"
            ) from exc


def _parse_smtp_url(url: str) -> tuple[bool, str, int, str | None, str | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ValueError(f"smtp_url must start with smtp:// or smtps://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"smtp_url has no host: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"smtp_url has a bad port: {url!r}") from exc
    secure = scheme == "smtps"
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return secure, parts.hostname, port or (465 if secure else 25), user, password
