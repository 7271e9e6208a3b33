"""The answer schemas are strict enough to catch a wrong answer."""

import jsonschema
import pytest

from tests.schemas import check_answer

ID = "0" * 64
COMPLETE = {"id": ID, "status": "COMPLETE", "text": "Once.", "language": "en", "voice": "Joanna",
            "imageUrl": "http://h/media/images/x.png", "audioUrl": "http://h/media/audio/x.mp3",
            "createdAt": "2026-11-27T10:00:00+00:00", "completedAt": "2026-11-27T10:00:05+00:00",
            "executionArn": "arn:aws:states:us-east-1:1:execution:storytime:x", "links": {"result": f"/result/{ID}"}}


def test_good_answers_pass():
    check_answer("GET", f"/result/{ID}", 200, COMPLETE)
    check_answer("POST", "/upload", 202, {"id": ID, "status": "PROCESSING", "links": {"result": f"/result/{ID}"}})
    check_answer("GET", "/result/x", 400, {"error": "MALFORMED_ID", "message": "A page id is..."})


@pytest.mark.parametrize("method,path,status,body", [
    ("GET", f"/result/{ID}", 200, {**COMPLETE, "text": None}),
    ("GET", f"/result/{ID}", 200, {**COMPLETE, "status": "PROCESSING"}),
    ("GET", f"/result/{ID}", 422, {**COMPLETE, "status": "NO_TEXT"}),  # no error/message
    ("POST", "/upload", 202, {"id": "ABC", "status": "PROCESSING", "links": {"result": "/result/ABC"}}),
    ("POST", "/upload", 415, {"message": "no code"}),
    ("GET", f"/result/{ID}", 503, {"id": ID, "status": "COMPLETE", "message": "m", "links": {"result": "x"}}),
])
def test_wrong_answers_fail(method, path, status, body):
    with pytest.raises(jsonschema.ValidationError):
        check_answer(method, path, status, body)
