"""The API's answers checked against its contract: the OpenAPI document, whose answer shapes are
the JSON Schemas in storytime/schemas."""

import re
from functools import cache

import jsonschema
from storytime.functions import ROUTES
from storytime.openapi import document


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    found = document()["components"]["schemas"][name]
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(found, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _pattern(resource: str) -> re.Pattern:
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(resource)))


def schema_for(method: str, path: str, status: int) -> str | None:
    """The schema the document names for this answer; an undocumented 4xx/5xx is an error answer."""
    method = "GET" if method == "HEAD" else method
    path = path.split("?", 1)[0]
    for route_method, resource, _ in ROUTES:
        if route_method == method and _pattern(resource).fullmatch(path):
            answer = document()["paths"][resource][method.lower()]["responses"].get(str(status))
            if answer is not None:
                return answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return "error" if status >= 400 else None


def check_answer(method: str, path: str, status: int, body) -> None:
    name = schema_for(method, path, status)
    if name is not None:
        validator(name).validate(body)
    if status >= 400 and status != 503:  # 503 is "not yet", not an error
        validator("error").validate(body)
