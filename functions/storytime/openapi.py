"""The API's contract as an OpenAPI 3.1 document, built from the route table and the JSON Schemas.

One source of truth: the paths are :data:`storytime.functions.ROUTES`, every answer's shape is a
file in ``schemas/`` embedded as it is, and the table below only says which answer each status
is. The API tests validate every answer against this document, and schemathesis fuzzes the
running server with it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from storytime.core.language import LANGUAGES
from storytime.core.limits import (
    AWS_DIRECT_UPLOAD_BYTES,
    MAX_RESULT_WAIT_SECONDS,
    MAX_STAGED_UPLOAD_BYTES,
    MAX_UPLOAD_BYTES,
)
from storytime.functions import OPEN_ROUTES, ROUTES

# What each route answers: status -> (schema name, description); a tuple of names is any one of them.
# The HTTP layer's own refusals, on any route, before a handler runs.
EDGE_ERRORS = {
    400: ("error", "MALFORMED_REQUEST: not valid HTTP/1.1 (or an ambiguous body length)"),
    408: ("error", "REQUEST_TIMEOUT: the request did not arrive in time"),
    414: ("error", "URI_TOO_LONG"),
    431: ("error", "HEADERS_TOO_LARGE"),
    503: ("error", "BUSY: the server is at its connection limit; try again shortly"),
}
FULL = {507: ("error", "INSUFFICIENT_STORAGE: storytime is short of space for new work; try again later")}
CROWDED = {429: ("error", "TOO_MANY_RECIPIENTS: too many addresses already wait on this page")}
KEY_ERRORS = {
    403: ("error", "FORBIDDEN: the API key (x-api-key) is missing or wrong, when the service has one"),
}
ANSWERS: dict[tuple[str, str], dict[int, tuple[str, str]]] = {
    ("POST", "/upload"): {
        202: ("accepted", "A new page, or one still being read: poll links.result"),
        200: ("result", "These exact bytes were read before: the result at once"),
        400: ("error", "EMPTY_UPLOAD, or MALFORMED_REQUEST (multipart without exactly one file, a bad e-mail)"),
        408: ("error", "REQUEST_TIMEOUT: the body did not arrive in time"),
        411: ("error", "LENGTH_REQUIRED"),
        413: ("error", "PAYLOAD_TOO_LARGE (over 10 MB locally, ~4.4 MB on AWS: use POST /uploads) or "
                       "IMAGE_TOO_LARGE (over 40 megapixels)"),
        415: ("error", "UNSUPPORTED_MEDIA_TYPE: not JPEG, PNG, WebP or HEIC"),
        422: ("error", "CORRUPT_IMAGE: damaged or truncated"),
        **CROWDED, **FULL,
    },
    ("POST", "/uploads"): {
        201: ("upload_ticket", "For photos over the direct limit: PUT the bytes to uploadUrl (no API key), "
                               "then POST completeUrl"),
        400: ("error", "MALFORMED_REQUEST: not a JSON object, or a bad contentType or bytes"),
        413: ("error", "PAYLOAD_TOO_LARGE: bytes over the upload limit (25 MB)"),
        **FULL,
    },
    ("POST", "/uploads/{key}/complete"): {
        202: ("accepted", "A new page, or one still being read: poll links.result"),
        200: ("result", "These exact bytes were read before: the result at once"),
        400: ("error", "MALFORMED_ID (not an upload key), or MALFORMED_REQUEST (a bad e-mail)"),
        404: ("error", "NOT_FOUND: nothing was PUT under this key, or it expired"),
        413: ("error", "PAYLOAD_TOO_LARGE (over 25 MB) or IMAGE_TOO_LARGE (over 40 megapixels)"),
        415: ("error", "UNSUPPORTED_MEDIA_TYPE: not JPEG, PNG, WebP or HEIC"),
        422: ("error", "CORRUPT_IMAGE: damaged or truncated"),
        **CROWDED, **FULL,
    },
    ("GET", "/result/{id}"): {
        200: ("result", "COMPLETE: the text, its language and voice, links to the image and the MP3"),
        422: ("result", "NO_TEXT (no readable text on the page), or FAILED for good with the page's own "
                        "error: UNREADABLE_IMAGE, TEXT_TOO_LONG, PAGE_TOO_LARGE"),
        500: ("result", "FAILED: storytime gave up on the page (ATTEMPTS_EXHAUSTED)"),
        503: (("pending", "error"), "Still being read (ask again after Retry-After seconds, or at once with "
                                     "wait), or BUSY"),
        400: ("error", "MALFORMED_ID, or MALFORMED_REQUEST (a wait that is not 0 to 20 seconds)"),
        404: ("error", "NOT_FOUND"),
    },
    ("GET", "/executions/{id}/history"): {
        200: ("history", "The workflow's states for the page: names, times and error codes"),
        400: ("error", "MALFORMED_ID"),
        404: ("error", "NOT_FOUND"),
    },
    ("GET", "/health"): {200: ("health", "The service is up")},
    ("GET", "/"): {200: ("index", "How to use the service")},
    ("GET", "/openapi.json"): {200: ("openapi", "This document")},
    ("POST", "/books"): {
        201: ("book", "A new, empty book"),
        400: ("error", "MALFORMED_REQUEST: not a JSON object, or a title that is not a short string"),
        **FULL,
    },
    ("GET", "/books/{id}"): {
        200: ("book", "The pages in order with their statuses; audioUrl and timingsUrl once every page is read"),
        400: ("error", "MALFORMED_ID"),
        404: ("error", "NOT_FOUND"),
    },
    ("POST", "/books/{id}/pages"): {
        201: ("book", "The page was added (a photo is uploaded and deduplicated exactly as by POST /upload)"),
        400: ("error", "MALFORMED_ID, EMPTY_UPLOAD or MALFORMED_REQUEST (no pageId, a bad position or language)"),
        404: ("error", "NOT_FOUND: no such book, or no such page"),
        408: ("error", "REQUEST_TIMEOUT: the body did not arrive in time"),
        409: ("error", "CONFLICT: the book changed meanwhile; try again"),
        411: ("error", "LENGTH_REQUIRED"),
        413: ("error", "PAYLOAD_TOO_LARGE or IMAGE_TOO_LARGE"),
        415: ("error", "UNSUPPORTED_MEDIA_TYPE"),
        422: ("error", "CORRUPT_IMAGE, or TOO_MANY_PAGES"),
        **FULL,
    },
    ("PUT", "/books/{id}/pages"): {
        200: ("book", "The pages in their new order"),
        400: ("error", "MALFORMED_ID, or MALFORMED_REQUEST (not exactly the book's pages)"),
        404: ("error", "NOT_FOUND"),
        409: ("error", "CONFLICT: the book changed meanwhile; try again"),
    },
}
EMAIL = {"type": "string", "maxLength": 254, "description": "Who to tell when the page is read (optional)"}
LANGUAGE = {"type": "string", "enum": list(LANGUAGES),
            "description": "The page's language (optional): read with its model first, in one OCR run"}
WAIT = {"type": "number", "minimum": 0, "maximum": MAX_RESULT_WAIT_SECONDS, "default": 0,
        "description": "Seconds to wait for an unfinished page's outcome (optional): the answer comes the "
                       "moment the page is finished, or as 503 once they have passed"}
JSON_BODIES = {
    "/uploads": {"type": "object", "properties": {
        "contentType": {"type": "string", "pattern": "^image/"},
        # No maximum here: over the limit is a 413 (PAYLOAD_TOO_LARGE), as for the photo itself.
        "bytes": {"type": "integer", "minimum": 1,
                  "description": f"The photo's size, at most {MAX_STAGED_UPLOAD_BYTES} "
                                 "(signed into the URL on AWS: S3 takes only that many)"}}},
    "/uploads/{key}/complete": {"type": "object", "properties": {"email": EMAIL, "language": LANGUAGE}},
}
DIRECT_LIMITS = (f"A direct body may be {MAX_UPLOAD_BYTES // (1024 * 1024)} MB locally and "
                 f"~{AWS_DIRECT_UPLOAD_BYTES / 1e6:.1f} MB on AWS; bigger photos take the two-step POST /uploads.")
BINARY = {"type": "string", "format": "binary", "maxLength": MAX_UPLOAD_BYTES}


@cache
def schema(name: str) -> dict:
    """One of the answer schemas in ``schemas/``, as JSON."""
    return json.loads(resources.files("storytime").joinpath(f"schemas/{name}.json").read_text("utf-8"))


def schema_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("storytime").joinpath("schemas").iterdir()
                  if p.name.endswith(".json"))


PATH_PARAMETERS = {
    "id": ("^[0-9a-f]{64}$", "The page id: the SHA-256 of the photo, in lowercase hex"),
    "key": ("^[0-9a-f]{32}$", "The upload key POST /uploads gave"),
}


def _parameters(resource: str, method: str) -> list[dict]:
    if resource.startswith("/books/"):
        book = [{"name": "id", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}, "description": "The book id"}]
        if (method, resource) == ("POST", "/books/{id}/pages"):  # a photo's own: as POST /upload takes it
            book.append({"name": "language", "in": "query", "required": False, "schema": LANGUAGE})
        return book
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "string", "pattern": PATH_PARAMETERS[name][0]},
               "description": PATH_PARAMETERS[name][1]}
              for name in re.findall(r"\{(\w+)\}", resource)]
    if (method, resource) == ("GET", "/result/{id}"):
        params.append({"name": "wait", "in": "query", "required": False, "schema": WAIT})
    if (method, resource) in (("POST", "/upload"), ("POST", "/uploads/{key}/complete")):
        params.append({"name": "email", "in": "query", "required": False, "schema": EMAIL})
        params.append({"name": "language", "in": "query", "required": False, "schema": LANGUAGE})
    return params


def _upload_body(fields: dict | None = None) -> dict:
    images = {kind: {"schema": BINARY} for kind in ("image/jpeg", "image/png", "image/webp", "image/heic")}
    form = {"type": "object", "required": ["file"],
            "properties": {"file": BINARY, **(fields or {"email": EMAIL}), "language": LANGUAGE}}
    return {"required": True, "content": {**images, "multipart/form-data": {"schema": form}}}


def _add_page_body() -> dict:
    body = _upload_body({"position": {"type": "integer", "minimum": 0}})
    page = {"type": "object", "required": ["pageId"],
            "properties": {"pageId": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                           "position": {"type": "integer", "minimum": 0}}}
    return {"required": True, "content": {**body["content"], "application/json": {"schema": page}}}


BOOK_BODIES = {
    ("POST", "/books"): lambda: {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"title": {"type": ["string", "null"], "maxLength": 200}}}}}},
    ("POST", "/books/{id}/pages"): _add_page_body,
    ("PUT", "/books/{id}/pages"): lambda: {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["pages"],
        "properties": {"pages": {"type": "array", "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}}}}},
}


def _shape(names: str | tuple[str, ...]) -> dict:
    if isinstance(names, str):
        return {"$ref": f"#/components/schemas/{names}"}
    return {"anyOf": [_shape(name) for name in names]}


def _operation(method: str, resource: str) -> dict:
    answers = {**EDGE_ERRORS, **ANSWERS[(method, resource)]}
    if (method, resource) not in OPEN_ROUTES:
        answers.update(KEY_ERRORS)
    operation = {
        "operationId": f"{method.lower()}{re.sub(r'[^A-Za-z]+', '_', resource).rstrip('_') or '_index'}",
        "parameters": _parameters(resource, method),
        "responses": {
            str(status): {"description": text, "content": {"application/json": {"schema": _shape(name)}}}
            for status, (name, text) in sorted(answers.items())
        },
    }
    if (method, resource) == ("POST", "/upload"):
        operation["requestBody"] = _upload_body()
    elif (method, resource) in BOOK_BODIES:
        operation["requestBody"] = BOOK_BODIES[(method, resource)]()
    elif resource in JSON_BODIES:
        operation["requestBody"] = {"required": False,
                                    "content": {"application/json": {"schema": JSON_BODIES[resource]}}}
    if (method, resource) in OPEN_ROUTES:
        operation["security"] = []
    return operation


def document(server_url: str = "") -> dict:
    """The OpenAPI 3.1 document for every route in ROUTES."""
    paths: dict[str, dict] = {}
    for method, resource, _handler in ROUTES:
        paths.setdefault(resource, {})[method.lower()] = _operation(method, resource)
    schemas = {name: schema(name) for name in schema_names()}
    schemas["openapi"] = {"type": "object", "required": ["openapi", "info", "paths"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "storytime", "version": "1",
                 "description": "Photograph a book page; storytime reads it aloud. Every error answer is "
                                "{error: CODE, message}; media (images, MP3s) are linked from the answers. "
                                + DIRECT_LIMITS},
        "servers": [{"url": server_url or "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
        },
        # The key is optional: a service without STORYTIME_API_KEY takes requests without one.
        "security": [{}, {"apiKey": []}],
    }
