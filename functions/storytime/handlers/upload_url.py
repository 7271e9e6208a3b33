import json

from storytime.errors import MalformedRequest
from storytime.handlers._http import api_handler, body_bytes
from storytime.service.staged import upload_ticket


def json_body(event) -> dict:
    raw = body_bytes(event)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedRequest("The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise MalformedRequest("The body must be a JSON object.")
    return body


@api_handler
def handler(event, deps):
    body = json_body(event)
    content_type, size = body.get("contentType"), body.get("bytes")
    if "contentType" in body and not isinstance(content_type, str):
        raise MalformedRequest("contentType must be a string.")
    if "bytes" in body and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise MalformedRequest("bytes must be a positive whole number.")
    return upload_ticket(deps, content_type, size)
