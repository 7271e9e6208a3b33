"""The upload body: raw image bytes, or multipart/form-data with exactly one file."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from storytime.errors import EmptyUpload, MalformedRequest


def single_file(body: bytes, content_type: str | None) -> tuple[bytes, str | None, dict[str, str]]:
    """Return (file bytes, its declared type, other form fields)."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        return body, content_type, {}
    if not body:
        raise EmptyUpload("The request has no body: send the photo as the body or as a form file.")
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise MalformedRequest("The multipart body could not be read (missing or wrong boundary?).")
    files, fields = [], {}
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") is None:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files.append((payload, part.get_content_type()))
        else:
            fields[part.get_param("name", header="content-disposition")] = payload.decode("utf-8", "replace").strip()
    if len(files) != 1:
        raise MalformedRequest(f"Send exactly one file in the form; this request has {len(files)}.")
    return files[0][0], files[0][1], fields
