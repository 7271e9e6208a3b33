"""The OpenAPI document is the route table plus the answer schemas: nothing missing, nothing apart."""

import json

from storytime.functions import ROUTES
from storytime.openapi import document, schema, schema_names


def refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_every_route_is_in_the_document():
    doc = document("http://books.example")
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "http://books.example"}]
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == {(method, path) for method, path, _ in ROUTES}


def test_answer_shapes_are_the_schema_files_themselves():
    doc = document()
    for name in schema_names():
        assert doc["components"]["schemas"][name] == schema(name)
    targets = {ref.rsplit("/", 1)[-1] for ref in refs(doc["paths"])}
    assert set(schema_names()) <= targets  # every schema file is some answer's shape
    assert targets <= set(doc["components"]["schemas"])  # every reference resolves


def test_every_error_answer_is_the_error_schema():
    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                names = {ref.rsplit("/", 1)[-1] for ref in refs(answer["content"]["application/json"]["schema"])}
                if int(status) >= 400 and (path, status) not in {("/result/{id}", "422"), ("/result/{id}", "500")}:
                    assert "error" in names, (method, path, status)


def test_the_document_is_plain_json():
    assert json.loads(json.dumps(document())) == document()
