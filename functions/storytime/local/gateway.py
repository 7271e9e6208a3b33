"""API Gateway, emulated: request -> REST proxy event -> the same handler -> HTTP answer.

Like chalice's LocalGateway: the handlers cannot tell this from AWS.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from storytime.functions import ROUTES, load_handler


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    handler: object
    pattern: re.Pattern

    def match(self, path: str) -> dict | None:
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()


def compile_routes() -> list[Route]:
    routes = []
    for method, resource, dotted in ROUTES:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource))
        routes.append(Route(method, resource, load_handler(dotted), re.compile(regex)))
    return routes


def proxy_event(route: Route, method: str, url: str, headers: dict[str, str], body: bytes,
                path_parameters: dict, source_ip: str) -> dict:
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    return {
        "resource": route.resource,
        "path": parts.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": route.resource, "httpMethod": method, "path": f"/local{parts.path}",
            "stage": "local", "requestId": str(uuid.uuid4()), "identity": {"sourceIp": source_ip},
        },
        # binaryMediaTypes is */* on the deployed API, so bodies arrive base64-encoded.
        "body": base64.b64encode(body).decode("ascii") if body else None,
        "isBase64Encoded": bool(body),
    }


def decode_body(response: dict) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode("utf-8")
