"""Every handler, invoked as Lambda invokes it (recorded events, no deps passed in), on the AWS adapters.

The environment is Settings.environment(), as the CDK stack sets it; S3,
DynamoDB and Step Functions are moto. One page goes through the API and the
workflow's steps in order, so each answer is checked against the state the
previous step left. Every AWS call a handler makes is checked against the
IAM table the stack grants from (infra/storytime_infra/access.py): a handler
that starts touching a new prefix or action fails here, not on AWS.
"""

import json
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from storytime.functions import FUNCTIONS, ROUTES, load_handler
from storytime.settings import Settings

from tests.schemas import check_answer

EVENTS = Path(__file__).resolve().parents[1] / "events"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "infra"))
from storytime_infra.access import ACCESS  # noqa: E402

REGION = "us-east-1"
ASL = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}})


def event(name: str, page_id: str = "") -> dict:
    return json.loads((EVENTS / name).read_text("utf-8").replace("PAGE_ID", page_id))


class Calls:
    """The AWS calls made through boto3's default session (as the adapters make them)."""

    def __init__(self):
        self.seen: list[tuple[str, str, str | None]] = []

    def __call__(self, model, params, **_kwargs):
        self.seen.append((model.service_model.service_name, model.name, params.get("Key")))


S3_ACTIONS = {"GetObject": "reads", "HeadObject": "reads", "PutObject": "writes", "DeleteObject": "deletes"}


def granted(name: str, service: str, operation: str, key: str | None) -> bool:
    access = ACCESS[name]
    if service == "s3":
        return any(key.startswith(prefix) for prefix in getattr(access, S3_ACTIONS[operation]))
    if service == "dynamodb":
        return f"dynamodb:{operation}" in access.records
    if service == "stepfunctions":
        return f"states:{operation}" in access.workflow + access.executions
    return False


CALLS = Calls()


def handler(name: str):
    dotted = FUNCTIONS.get(name) or next(h for _m, _p, h in ROUTES if h.rsplit(".", 2)[-2] == name)
    function = load_handler(dotted)

    def invoke(event, context):
        CALLS.seen.clear()
        answer = function(event, context)
        denied = [call for call in CALLS.seen if not granted(name, *call)]
        assert denied == [], f"{name} makes calls its IAM role does not grant: {denied}"
        return answer

    return invoke


@pytest.fixture
def aws(monkeypatch):
    from storytime import aws_deps

    with mock_aws():
        boto3.setup_default_session(region_name=REGION)
        boto3.DEFAULT_SESSION.events.register("provide-client-params", CALLS)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="media")
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName="pages", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        machine = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
            name="storytime", definition=ASL, roleArn="arn:aws:iam::123456789012:role/storytime")["stateMachineArn"]
        settings = Settings(bucket="media", table="pages", state_machine_arn=machine,
                            media_base_url="https://d111111abcdef8.cloudfront.net", max_upload_bytes=4_400_000)
        for name, value in settings.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        aws_deps.aws_deps.cache_clear()
        yield s3
        aws_deps.aws_deps.cache_clear()
        boto3.DEFAULT_SESSION = None


def half_a_second_of_mp3() -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(22050)
    encoder.set_channels(1)
    return encoder.encode(b"\x00\x00" * 11025) + encoder.flush()


def body(answer: dict) -> dict:
    assert answer["headers"]["Content-Type"].startswith("application/json")
    return json.loads(answer["body"])


def test_one_page_through_every_handler_on_aws_adapters(aws):
    s3 = aws
    assert handler("health")(event("apigw_health.json"), None)["statusCode"] == 200

    upload = handler("upload")(event("apigw_upload.json"), None)
    assert upload["statusCode"] == 202, upload
    accepted = body(upload)
    check_answer("POST", "/upload", 202, accepted)
    page = accepted["id"]
    assert s3.list_objects_v2(Bucket="media", Prefix="images/")["KeyCount"] == 1

    pending = handler("result")(event("apigw_result.json", page), None)
    assert pending["statusCode"] == 503 and "Retry-After" in pending["headers"]
    check_answer("GET", f"/result/{page}", 503, body(pending))

    progress = handler("LoadProgress")(event("sfn_load_progress.json", page), None)
    assert progress["stage"] == "NEW"

    text = handler("ExtractText")(event("sfn_extract_text.json", page), None)
    assert text == {"stage": "TEXT", "textKey": f"text/{page}.txt", "language": "en", "characters": 57,
                    "shortfall": None}
    assert s3.get_object(Bucket="media", Key=f"ocr/{page}.json")["ContentLength"] > 0

    plan = handler("PlanSpeech")(event("sfn_plan_speech.json", page), None)
    assert plan["parts"] == [0] and plan["voice"]["voiceId"] == "Joanna"

    part = handler("ReadSpeechPart")(event("sfn_read_speech_part.json", page), None)
    assert part == {"text": "Once upon a time there was a small fox who loved to read.",
                    "keyPrefix": f"speech/{page}/0000-"}

    # Polly's tasks wrote the MP3 and its speech marks under the part's prefix, named by task id.
    joined = event("sfn_join_audio.json", page)
    task = joined["parts"][0]
    mp3 = half_a_second_of_mp3()
    s3.put_object(Bucket="media", Key=f"{task['keyPrefix']}{task['taskId']}.mp3", Body=mp3)
    marks = task["marksUri"].split("/media/", 1)[1]
    s3.put_object(Bucket="media", Key=marks, Body=json.dumps(
        {"time": 0, "type": "sentence", "start": 0, "end": 57, "value": part["text"]}).encode() + b"\n")
    audio = handler("JoinAudio")(joined, None)
    assert audio == {"audioKey": f"audio/{page}.mp3", "bytes": len(mp3)}
    assert s3.get_object(Bucket="media", Key=f"timings/{page}.json")["ContentLength"] > 0
    assert s3.list_objects_v2(Bucket="media", Prefix=f"speech/{page}/")["KeyCount"] == 0

    notice = handler("RecordOutcome")(event("sfn_record_outcome.json", page), None)
    assert notice["status"] == "COMPLETE"
    assert f"https://d111111abcdef8.cloudfront.net/audio/{page}.mp3" in notice["message"]

    done = handler("result")(event("apigw_result.json", page), None)
    assert done["statusCode"] == 200
    result = body(done)
    check_answer("GET", f"/result/{page}", 200, result)
    assert result["text"] == "Once upon a time there was a small fox who loved to read."

    history = handler("history")(event("apigw_history.json", page), None)
    assert history["statusCode"] == 200
    # The execution the upload started, as Step Functions (moto) records it.
    assert "ExecutionStarted" in json.dumps(body(history))

    # The page, read, in a book: created, added by id, its narration joined when the book is loaded.
    def book_event(method, resource, book_id="", payload=None):
        found = event("apigw_result.json", page)
        path = resource.replace("{id}", book_id)
        found.update(resource=resource, path=path, httpMethod=method, body=json.dumps(payload) if payload else None,
                     pathParameters={"id": book_id} if book_id else None)
        found["headers"]["Content-Type"] = "application/json"
        return found

    created = handler("create_book")(book_event("POST", "/books", payload={"title": "Fox"}), None)
    assert created["statusCode"] == 201, created
    book = body(created)["id"]
    added = handler("add_book_page")(book_event("POST", "/books/{id}/pages", book, {"pageId": page}), None)
    assert added["statusCode"] == 201, added
    check_answer("POST", f"/books/{book}/pages", 201, body(added))
    loaded = handler("book")(book_event("GET", "/books/{id}", book), None)
    view = body(loaded)
    check_answer("GET", f"/books/{book}", 200, view)
    assert view["status"] == "COMPLETE" and view["audioUrl"].startswith("https://d111111abcdef8.cloudfront.net/books/")
    key = view["audioUrl"].split(".net/", 1)[1]
    assert s3.get_object(Bucket="media", Key=key)["Body"].read() == mp3
    turned = handler("reorder_book")(book_event("PUT", "/books/{id}/pages", book, {"pages": [page]}), None)
    assert turned["statusCode"] == 200, turned
    # The workflow's JoinBooks step finds the book from the page (and finds it joined already).
    assert handler("JoinBooks")({"id": page}, None) == {"joined": [book]}


def test_two_step_upload_on_aws_adapters(aws):
    """POST /uploads presigns a real S3 PUT (moto takes it), complete answers as POST /upload and drops the copy."""
    import base64

    import requests

    s3 = aws
    photo = base64.b64decode(event("apigw_upload.json")["body"])
    ticket = handler("upload_url")(event("apigw_uploads.json"), None)
    assert ticket["statusCode"] == 201, ticket
    answer = body(ticket)
    check_answer("POST", "/uploads", 201, answer)
    assert answer["uploadUrl"].startswith("https://media.s3.amazonaws.com/uploads/")
    assert "Signature" in answer["uploadUrl"]
    assert requests.put(answer["uploadUrl"], data=photo, timeout=10).status_code == 200
    assert s3.get_object(Bucket="media", Key=f"uploads/{answer['key']}")["Body"].read() == photo

    complete = event("apigw_upload_complete.json")
    complete = json.loads(json.dumps(complete).replace("UPLOAD_KEY", answer["key"]))
    done = handler("upload_complete")(complete, None)
    assert done["statusCode"] == 202, done
    check_answer("POST", f"/uploads/{answer['key']}/complete", 202, body(done))
    assert s3.list_objects_v2(Bucket="media", Prefix="uploads/")["KeyCount"] == 0
    direct = handler("upload")(event("apigw_upload.json"), None)
    assert body(direct)["id"] == body(done)["id"]  # the same bytes, the same page
    again = handler("upload_complete")(complete, None)
    assert again["statusCode"] == 404 and body(again)["error"] == "NOT_FOUND"
