"""The API's answers checked against the JSON Schemas in storytime/schemas (the public contract)."""

import json
from functools import cache
from importlib import resources

import jsonschema


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("storytime").joinpath(f"schemas/{name}.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_for(method: str, path: str, status: int) -> str | None:
    if path.startswith("/upload") and method == "POST":
        return {202: "accepted", 200: "result"}.get(status, "error")
    if path.startswith("/result/"):
        return {200: "result", 422: "result", 503: "pending"}.get(status, "error")
    if status >= 400:
        return "error"
    return None


def check_answer(method: str, path: str, status: int, body) -> None:
    name = schema_for(method, path, status)
    if name is not None:
        validator(name).validate(body)
    if status >= 400 and status != 503:  # 503 is "not yet", not an error
        validator("error").validate(body)
