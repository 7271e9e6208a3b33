"""The DetectText response schema accepts what Rekognition (moto) answers.

moto runs in-process: no network, no credentials needed.
"""
import copy
import json
from importlib.resources import files

import boto3
import jsonschema
import pytest
from moto import mock_aws


@pytest.fixture(scope="module")
def schema():
    text = (files("storytime.ocr") / "schemas" / "detect_text_response.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def moto_response():
    with mock_aws():
        client = boto3.client("rekognition", region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        return client.detect_text(Image={"Bytes": b"any bytes: moto answers a canned page"})


def validate(schema, instance):
    jsonschema.Draft202012Validator(schema).validate(instance)


def test_moto_canned_response_matches_schema(schema, moto_response):
    validate(schema, moto_response)
    body = {k: v for k, v in moto_response.items() if k != "ResponseMetadata"}
    validate(schema, body)
    assert any(d["Type"] == "LINE" for d in body["TextDetections"])
    assert any(d["Type"] == "WORD" for d in body["TextDetections"])


def test_moto_words_point_at_lines(moto_response):
    detections = moto_response["TextDetections"]
    line_ids = {d["Id"] for d in detections if d["Type"] == "LINE"}
    for d in detections:
        if d["Type"] == "WORD":
            assert d["ParentId"] in line_ids


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
    lambda r: r.pop("TextDetections"),
], ids=["word-without-parent", "line-with-parent", "bad-type", "confidence>100",
        "box-outside-image", "point-outside-image", "three-point-polygon",
        "no-geometry", "string-id", "no-detections"])
def test_schema_rejects_broken_responses(schema, moto_response, break_it):
    broken = copy.deepcopy(moto_response)
    break_it(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(schema, broken)


def _with_blocks(response):
    """moto's answer with the segmentation our Tesseract engine adds to each LINE."""
    for n, d in enumerate(x for x in response["TextDetections"] if x["Type"] == "LINE"):
        d.update(BlockId=n // 2, ParagraphId=n)
    return response


def test_lines_may_carry_block_and_paragraph_ids(schema, moto_response):
    validate(schema, _with_blocks(copy.deepcopy(moto_response)))


@pytest.mark.parametrize("break_it", [
    lambda r: _first(r, "WORD").update(BlockId=0, ParagraphId=0),
    lambda r: _first(r, "LINE").pop("ParagraphId"),
    lambda r: _first(r, "LINE").pop("BlockId"),
    lambda r: _first(r, "LINE").__setitem__("BlockId", -1),
    lambda r: _first(r, "LINE").__setitem__("ParagraphId", "0"),
    lambda r: _first(r, "LINE").__setitem__("ColumnId", 0),
], ids=["word-with-block", "block-without-paragraph", "paragraph-without-block", "negative-block",
        "string-paragraph", "unknown-field"])
def test_schema_rejects_broken_segmentation(schema, moto_response, break_it):
    broken = _with_blocks(copy.deepcopy(moto_response))
    break_it(broken)
    with pytest.raises(jsonschema.ValidationError):
        validate(schema, broken)
