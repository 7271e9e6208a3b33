"""The DetectText response schema against AWS's own description of DetectText (botocore's service
model), not against moto's canned answer: the fields, their types, enums and ranges must be
Rekognition's, and an answer built from the model's fields must pass. The real Tesseract reader is
held to the same schema in tests/e2e/test_ocr_tesseract.py.
"""

import copy
import json
from importlib.resources import files

import botocore.session
import jsonschema
import pytest

SCHEMA = json.loads((files("storytime.ocr") / "schemas" / "detect_text_response.json").read_text("utf-8"))
MODEL = botocore.session.get_session().get_service_model("rekognition").operation_model("DetectText").output_shape
JSON_TYPES = {"string": "string", "integer": "integer", "float": "number", "double": "number",
              "structure": "object", "list": "array", "boolean": "boolean"}


def resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


# Our own additions, beyond Rekognition's fields: the Tesseract reader's page segmentation.
EXTENSIONS = {"DetectTextResponse.TextDetections[]": {"BlockId", "ParagraphId"}}


def pairs(shape, node, path="DetectTextResponse"):
    """Every (botocore shape, schema node, path) the two descriptions share, depth first."""
    node = resolve(node)
    yield shape, node, path
    if shape.type_name == "structure":
        members = set(shape.members)
        named = set(node.get("properties", {})) - {"ResponseMetadata"} - EXTENSIONS.get(path, set())
        assert named == members, f"{path}: schema {sorted(named)} vs AWS {sorted(members)}"
        for name, member in shape.members.items():
            yield from pairs(member, node["properties"][name], f"{path}.{name}")
    elif shape.type_name == "list":
        yield from pairs(shape.member, node["items"], f"{path}[]")


ALL = list(pairs(MODEL, SCHEMA))


@pytest.mark.parametrize("shape,node,path", ALL, ids=[p for _, _, p in ALL])
def test_each_field_has_rekognitions_type_enum_and_range(shape, node, path):
    if "enum" in node:
        assert node["enum"] == shape.enum, path
        return
    assert node["type"] == JSON_TYPES[shape.type_name], path
    if "min" in shape.metadata and shape.type_name != "string":
        assert node.get("minimum") == shape.metadata["min"], path
    if "max" in shape.metadata and shape.type_name != "string":
        assert node.get("maximum") == shape.metadata["max"], path
    if shape.type_name == "structure":
        assert node.get("additionalProperties") is False, path  # a misspelt field is an error, not ignored


def value(shape, name=""):
    """An answer built from the model's own field names: one LINE and its WORD."""
    kind = shape.type_name
    if kind == "structure":
        return {member: value(s, member) for member, s in shape.members.items()}
    if kind == "list":
        return [value(shape.member) for _ in range(4 if shape.name == "Polygon" else 1)]
    if kind == "integer":
        return 0
    if kind in ("float", "double"):
        return 97.5 if name == "Confidence" else 0.25
    return shape.enum[0] if shape.enum else "Once"


@pytest.fixture
def answer():
    built = value(MODEL)
    line = built["TextDetections"][0]
    line.pop("ParentId")
    word = {**copy.deepcopy(line), "Type": "WORD", "Id": 1, "ParentId": 0}
    built["TextDetections"].append(word)
    return built


def validate(instance):
    jsonschema.Draft202012Validator(SCHEMA).validate(instance)


def test_an_answer_with_every_field_rekognition_defines_passes(answer):
    assert {d["Type"] for d in answer["TextDetections"]} == {"LINE", "WORD"}
    validate(answer)
    validate({**answer, "ResponseMetadata": {"HTTPStatusCode": 200}})


def _first(response, kind):
    return next(d for d in response["TextDetections"] if d["Type"] == kind)


@pytest.mark.parametrize("break_it", [
    lambda r: _first(r, "WORD").pop("ParentId"),
    lambda r: _first(r, "LINE").__setitem__("ParentId", 0),
    lambda r: _first(r, "LINE").__setitem__("Type", "PARAGRAPH"),
    lambda r: _first(r, "LINE").__setitem__("Confidence", 100.5),
    lambda r: _first(r, "LINE")["Geometry"]["BoundingBox"].__setitem__("Left", 1.2),
    lambda r: _first(r, "LINE")["Geometry"]["Polygon"][0].__setitem__("Y", -0.1),
    lambda r: _first(r, "LINE")["Geometry"]["Polygon"].pop(),
    lambda r: _first(r, "WORD").pop("Geometry"),
    lambda r: _first(r, "WORD").__setitem__("Id", "4"),
    lambda r: _first(r, "WORD").__setitem__("Detectedtext", "x"),
    lambda r: r.pop("TextDetections"),
], ids=["word-without-parent", "line-with-parent", "bad-type", "confidence>100",
        "box-outside-image", "point-outside-image", "three-point-polygon",
        "no-geometry", "string-id", "misspelt-field", "no-detections"])
def test_schema_rejects_broken_responses(answer, break_it):
    broken = copy.deepcopy(answer)
    break_it(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def _with_blocks(response):
    """An answer with the segmentation our Tesseract engine adds to each LINE."""
    for n, d in enumerate(x for x in response["TextDetections"] if x["Type"] == "LINE"):
        d.update(BlockId=n // 2, ParagraphId=n)
    return response


def test_lines_may_carry_block_and_paragraph_ids(answer):
    validate(_with_blocks(copy.deepcopy(answer)))


@pytest.mark.parametrize("break_it", [
    lambda r: _first(r, "WORD").update(BlockId=0, ParagraphId=0),
    lambda r: _first(r, "LINE").pop("ParagraphId"),
    lambda r: _first(r, "LINE").pop("BlockId"),
    lambda r: _first(r, "LINE").__setitem__("BlockId", -1),
    lambda r: _first(r, "LINE").__setitem__("ParagraphId", "0"),
    lambda r: _first(r, "LINE").__setitem__("ColumnId", 0),
], ids=["word-with-block", "block-without-paragraph", "paragraph-without-block", "negative-block",
        "string-paragraph", "unknown-field"])
def test_schema_rejects_broken_segmentation(answer, break_it):
    broken = _with_blocks(copy.deepcopy(answer))
    break_it(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
