"""Each port's cases run against its local adapter and its AWS adapter (on moto), so they cannot drift."""

import threading

import boto3
import pytest
from moto import mock_aws
from storytime.core.records import Record, Status
from storytime.errors import NotFound, StoredDataMissing
from storytime.objects.files import FileObjectStore
from storytime.objects.s3 import S3ObjectStore
from storytime.records.dynamodb import DynamoRecordStore
from storytime.records.sqlite import SqliteRecordStore

ID = "a" * 64


@pytest.fixture(params=["sqlite", "dynamodb"])
def records(request, tmp_path):
    if request.param == "sqlite":
        store = SqliteRecordStore(tmp_path / "r.db")
        yield store
        store.close()
        return
    with mock_aws():
        dynamo = boto3.resource("dynamodb", region_name="us-east-1")
        dynamo.create_table(TableName="pages", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
        yield DynamoRecordStore("pages", resource=dynamo)


@pytest.fixture(params=["files", "s3"])
def objects(request, tmp_path):
    if request.param == "files":
        yield FileObjectStore(tmp_path / "objects")
        return
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="media")
        yield S3ObjectStore("media", client=s3)


def new_record(**changes):
    return Record(id=ID, status=Status.QUEUED, image_key=f"images/{ID}.png", image_type="image/png",
                  created_at=1700000000.5, **changes)


def test_create_is_insert_if_absent(records):
    assert records.create(new_record()) is True
    assert records.create(new_record(language="ko")) is False
    assert records.get(ID) == new_record()


def test_concurrent_creates_have_one_winner(records):
    wins, barrier = [], threading.Barrier(10)

    def create():
        barrier.wait()
        wins.append(records.create(new_record()))

    threads = [threading.Thread(target=create) for _ in range(10)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(wins) == [False] * 9 + [True]


def test_update_and_round_trip_of_every_field(records):
    records.create(new_record())
    updated = records.update(ID, status="COMPLETE", text_key="text/x.txt", characters=57, language="en",
                             voice="Joanna", audio_key="audio/x.mp3", completed_at=1700000100.25,
                             error=None, recipient="ann@example.com")
    assert records.get(ID) == updated and updated.status is Status.COMPLETE
    assert records.unfinished() == []
    with pytest.raises(NotFound):
        records.update("b" * 64, status="FAILED")


def test_claim_attempt_is_compare_and_set(records):
    records.create(new_record())
    assert records.claim_attempt(ID, 0, now=1700000001.0) is True
    assert records.claim_attempt(ID, 0, now=1700000002.0) is False
    claimed = records.get(ID)
    assert (claimed.attempts, claimed.attempt_at, claimed.status) == (1, 1700000001.0, Status.PROCESSING)
    assert records.claim_attempt("b" * 64, 0, now=1.0) is False
    assert [r.id for r in records.unfinished()] == [ID]


def test_objects_put_get_exists_delete(objects):
    objects.put("text/a.txt", "안녕".encode(), "text/plain")
    assert objects.get("text/a.txt") == "안녕".encode()
    assert objects.exists("text/a.txt") and not objects.exists("text/b.txt")
    objects.put("text/a.txt", b"second", "text/plain")
    assert objects.get("text/a.txt") == b"second"
    objects.delete("text/a.txt")
    assert not objects.exists("text/a.txt")
    with pytest.raises(StoredDataMissing):
        objects.get("text/a.txt")


def test_updates_of_different_fields_do_not_overwrite_each_other(records):
    """ExtractText writing text_key while the API records an execution ARN: both stay."""
    records.create(new_record())
    barrier = threading.Barrier(2)

    def update(**changes):
        barrier.wait()
        records.update(ID, **changes)

    threads = [threading.Thread(target=update, kwargs={"text_key": "text/x.txt"}),
               threading.Thread(target=update, kwargs={"execution_arn": "arn:aws:states:x"})]
    [t.start() for t in threads]
    [t.join() for t in threads]
    stored = records.get(ID)
    assert (stored.text_key, stored.execution_arn) == ("text/x.txt", "arn:aws:states:x")


def test_setting_a_field_to_none_removes_it(records):
    records.create(new_record(error="Rekognition.ThrottlingException"))
    assert records.update(ID, error=None).error is None
    assert records.get(ID).error is None
