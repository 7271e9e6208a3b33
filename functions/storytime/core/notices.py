"""What a person is told, and how a record looks from outside (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from storytime.core.records import Record, Status
from storytime.errors import classify


def iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def media_url(base: str, key: str | None) -> str | None:
    return None if key is None else f"{base.rstrip('/')}/{key}"


def step(record: Record) -> str:
    """Which part of the work a page is in, told from what its record already holds."""
    if record.text_key:
        return "SPEAKING"
    if record.ocr_key:
        return "FINDING_TEXT"
    if record.status is Status.QUEUED:
        return "QUEUED"
    return "READING_PAGE"


def result_link(public_url: str, record_id: str) -> str:
    return f"{public_url.rstrip('/')}/result/{record_id}"


def result_view(record: Record, text: str | None, media_base_url: str, public_url: str = "") -> dict:
    view = {
        "id": record.id,
        "status": str(record.status),
        "text": text,
        "language": record.language,
        "voice": record.voice,
        "imageUrl": media_url(media_base_url, record.image_key),
        "audioUrl": media_url(media_base_url, record.audio_key),
        "timingsUrl": media_url(media_base_url, record.timings_key),
        "createdAt": iso(record.created_at),
        "completedAt": iso(record.completed_at),
        "executionArn": record.execution_arn,
        "links": {"result": result_link(public_url, record.id)},
    }
    if record.status is Status.NO_TEXT:
        view["message"] = "No readable text was found on this page."
    if record.status is Status.FAILED:
        view.update(failure(record))
    return view


def failure(record: Record) -> dict:
    """A failed page as a person sees it: a stable code and a human message, never the cause."""
    kind = classify(record.error)
    return {"error": kind.code, "message": kind.message}


def failure_status(record: Record) -> int:
    """422 when the page itself can never be read; 500 when storytime gave up on it."""
    kind = classify(record.error)
    return (kind.status if kind.final else 500) if record.status is Status.FAILED else 503


def notice(record: Record, recipients: list[str], media_base_url: str, public_url: str = "") -> dict:
    """The message for a record's outcome; the Notify state sends it to each recipient (none: no e-mail)."""
    audio = media_url(media_base_url, record.audio_key)
    image = media_url(media_base_url, record.image_key)
    if record.status is Status.COMPLETE:
        subject = "Your page is ready to listen to"
        lines = ["storytime has read your page aloud.", f"Listen: {audio}", f"Page: {image}"]
    elif record.status is Status.NO_TEXT:
        subject = "We found no text on your page"
        lines = ["storytime could not find readable text on the photo you sent.",
                 "Try a sharper photo, in good light, with the page filling the frame.", f"Page: {image}"]
    else:
        subject = "We could not read your page"
        lines = ["storytime could not read your page aloud.", failure(record)["message"],
                 f"Error code: {failure(record)['error']}"]
    lines.append(f"Result: {result_link(public_url, record.id)}")
    return {
        "status": str(record.status),
        "subject": subject,
        "message": "\n".join(lines) + "\n",
        "recipients": list(recipients),
    }


def notice_day(now: float) -> int:
    """The UTC day a notice counts against for its address's daily cap."""
    return int(now // 86_400)
