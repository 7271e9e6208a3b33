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


def _names(shape: dict) -> list[str]:
    if "anyOf" in shape:
        return [name for option in shape["anyOf"] for name in _names(option)]
    return [shape["$ref"].rsplit("/", 1)[-1]]


def schema_for(method: str, path: str, status: int) -> list[str]:
    """The schema the document names for this answer.

    A route's answer must be in the document (the contract is whole); a path no route serves, or a
    method a route does not take, is a plain error answer (404, 405).
    """
    method = "GET" if method == "HEAD" else method
    path = path.split("?", 1)[0]
    for route_method, resource, _ in ROUTES:
        if route_method == method and _pattern(resource).fullmatch(path):
            answer = document()["paths"][resource][method.lower()]["responses"].get(str(status))
            assert answer is not None, f"{method} {resource} answered {status}, which its contract does not name"
            return _names(answer["content"]["application/json"]["schema"])
    return ["error"] if status >= 400 else []


def check_answer(method: str, path: str, status: int, body) -> None:
    names = schema_for(method, path, status)
    errors = [error for name in names for error in [next(validator(name).iter_errors(body), None)] if error]
    if names and len(errors) == len(names):
        raise errors[0]  # the answer is none of the shapes its contract names
    if status >= 400 and status != 503:  # 503 is "not yet", not an error
        validator("error").validate(body)
