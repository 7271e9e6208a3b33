"""API Gateway proxy events in, proxy responses out; errors become JSON bodies."""

from __future__ import annotations

import base64
import functools
import json
import logging

from storytime.errors import MalformedRequest, StorytimeError
from storytime.service.answers import Answer

log = logging.getLogger("storytime.api")


def response(status: int, body: dict, headers: dict | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def error_response(status: int, code: str, message: str) -> dict:
    return response(status, {"error": code, "message": message})


def header(event: dict, name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def form_or_query(event: dict, fields: dict, name: str) -> str | None:
    """An upload's optional parameter: a multipart form field, else the query string
    (a photo sent as the raw body has no form to carry it)."""
    return fields.get(name) or (event.get("queryStringParameters") or {}).get(name)


def body_bytes(event: dict) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


def json_body(event: dict, optional: bool = False) -> dict:
    """A JSON object body; an empty body is {} when ``optional``."""
    data = body_bytes(event)
    if optional and not data.strip():
        return {}
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise MalformedRequest("The body is not JSON.") from None
    if not isinstance(value, dict):
        raise MalformedRequest("The body is a JSON object.")
    return value


def api_handler(service):
    """Wrap a service call ``(event, deps) -> Answer`` as a proxy-integration handler."""

    @functools.wraps(service)
    def handler(event, context, deps=None):
        from storytime.handlers._step import deps_or_default

        try:
            answer: Answer = service(event, deps_or_default(deps))
        except StorytimeError as error:
            return error_response(error.status, error.code, str(error))
        except Exception:
            log.exception("unhandled error")
            return error_response(500, "INTERNAL", "Something went wrong on our side; nothing was lost.")
        return response(answer.status, answer.body, answer.headers)

    return handler
