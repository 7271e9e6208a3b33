"""Each port's cases run against its local adapter and its AWS adapter (on moto), so they cannot drift."""

import os
import sqlite3
import threading
import time
from dataclasses import replace

import boto3
import pytest
from moto import mock_aws
from storytime.core.records import Record, Status
from storytime.errors import NotFound, StoredDataMissing, TooManyRecipients
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
        yield DynamoRecordStore("pages", resource=_pages_table())


def _pages_table():
    dynamo = boto3.resource("dynamodb", region_name="us-east-1")
    dynamo.create_table(TableName="pages", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    return dynamo


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


def test_concurrent_creates_have_one_winner(sqlite_records):
    """Real concurrency on SQLite; on DynamoDB the same insert-if-absent condition is held by the case above
    (moto applies condition expressions without a lock, so threads racing on it would test moto)."""
    records = sqlite_records
    wins, barrier = [], threading.Barrier(10)

    def create():
        barrier.wait()
        wins.append(records.create(new_record()))

    threads = [threading.Thread(target=create) for _ in range(10)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(wins) == [False] * 9 + [True]


ARN = "arn:aws:states:us-east-1:123456789012:execution:storytime:" + ID


def test_update_and_round_trip_of_every_field(records):
    records.create(new_record(recipients=("bob@example.com", "ann@example.com"), language_hint="fr"))
    assert records.get(ID).language_hint == "fr"
    assert records.claim_attempt(ID, 0, now=1700000001.0, execution_arn=ARN + "-1")
    records.update(ID, text_key="text/x.txt", characters=57, language="en", voice="Joanna", error=None)
    finished = records.finish(ID, "COMPLETE", ARN + "-1", audio_key="audio/x.mp3", completed_at=1700000100.25)
    assert records.get(ID) == finished and finished.status is Status.COMPLETE
    assert finished.recipients == ("ann@example.com", "bob@example.com") and finished.text_key == "text/x.txt"
    assert records.unfinished() == []
    with pytest.raises(NotFound):
        records.update("b" * 64, language="ko")


def test_status_changes_only_through_conditional_writes(records):
    records.create(new_record())
    for guarded in ({"status": "FAILED"}, {"attempts": 5}, {"execution_arn": "x"}, {"recipients": ("a@b.c",)},
                    {"failures": 3}):
        with pytest.raises(TypeError):
            records.update(ID, **guarded)
    assert records.get(ID) == new_record()


def test_claim_attempt_is_compare_and_set_and_names_the_execution_first(records):
    records.create(new_record())
    assert records.claim_attempt(ID, 0, now=1700000001.0, execution_arn=ARN + "-1") is True
    assert records.claim_attempt(ID, 0, now=1700000002.0, execution_arn=ARN + "-x") is False
    claimed = records.get(ID)
    assert (claimed.attempts, claimed.attempt_at, claimed.status) == (1, 1700000001.0, Status.PROCESSING)
    assert claimed.execution_arn == ARN + "-1"  # stored with the claim, before anything starts
    assert records.claim_attempt("b" * 64, 0, now=1.0, execution_arn="x") is False
    assert [r.id for r in records.unfinished()] == [ID]
    assert records.claim_attempt(ID, 1, now=1700000003.0, execution_arn=ARN + "-2", failures=1) is True
    assert (records.get(ID).attempts, records.get(ID).failures) == (2, 1)  # a lost attempt counts
    assert records.claim_attempt(ID, 2, now=1700000004.0, execution_arn=ARN + "-3") is True
    assert records.get(ID).failures == 1  # a resumption after a restart does not


@pytest.mark.parametrize("terminal", ["COMPLETE", "NO_TEXT", "FAILED"])
def test_terminal_states_are_terminal(records, terminal):
    """Issue 6: a claim flipped COMPLETE back to PROCESSING; a repeat upload's failure turned COMPLETE into FAILED."""
    records.create(new_record())
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    assert records.finish(ID, terminal, ARN + "-1", completed_at=3.0).status == terminal
    before = records.get(ID)
    assert records.claim_attempt(ID, 1, now=4.0, execution_arn=ARN + "-2") is False
    for outcome in ("COMPLETE", "NO_TEXT", "FAILED", "RETRYING"):
        assert records.finish(ID, outcome, ARN + "-1", error="X") is None, outcome
    assert records.get(ID) == before


def test_a_failure_is_recorded_only_by_the_attempt_that_holds_the_page(records):
    records.create(new_record())
    assert records.finish(ID, "FAILED", ARN + "-1") is None  # QUEUED: nobody holds it
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    records.claim_attempt(ID, 1, now=3.0, execution_arn=ARN + "-2")
    assert records.finish(ID, "RETRYING", ARN + "-1", error="EngineError") is None  # a stale attempt
    retrying = records.finish(ID, "RETRYING", ARN + "-2", error="EngineError", cause="c", failures=1)
    assert (retrying.status, retrying.error, retrying.failures) == (Status.RETRYING, "EngineError", 1)
    assert records.finish(ID, "FAILED", ARN + "-2") is None  # RETRYING, not PROCESSING
    assert records.claim_attempt(ID, 2, now=4.0, execution_arn=ARN + "-3")
    assert records.get(ID).error is None
    # Finished work is kept whichever attempt did it.
    assert records.finish(ID, "COMPLETE", ARN + "-2", audio_key="audio/x.mp3").status is Status.COMPLETE


def test_wait_finished_answers_the_outcome_once_written_or_the_record_as_it_stands(records):
    assert records.wait_finished("b" * 64, 5) is None  # unknown: at once
    records.create(new_record())
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    assert records.wait_finished(ID, 0.05).status is Status.PROCESSING  # the time ran out
    writer = threading.Timer(0.2, lambda: records.finish(ID, "COMPLETE", ARN + "-1", completed_at=3.0))
    writer.start()
    try:
        assert records.wait_finished(ID, 60).status is Status.COMPLETE
    finally:
        writer.join()
    assert records.wait_finished(ID, 60).status is Status.COMPLETE  # finished: at once


def test_a_sqlite_wait_is_woken_by_the_outcome_not_by_looking_again(sqlite_records, monkeypatch):
    """Looking again only every 10 minutes, a waiter still answers once the outcome is written here."""
    from storytime.records import sqlite

    monkeypatch.setattr(sqlite, "RECHECK_SECONDS", 600)
    records = sqlite_records
    records.create(new_record())
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(records.wait_finished(ID, 600)), daemon=True)
    waiter.start()
    waiter.join(0.2)
    records.finish(ID, "NO_TEXT", ARN + "-1", completed_at=3.0)
    waiter.join(60)
    assert not waiter.is_alive() and answers[0].status is Status.NO_TEXT


def test_a_woken_sqlite_wait_is_handed_its_outcome_without_reading_again(sqlite_records, monkeypatch):
    """The outcome written in this process goes to its waiters as written: no second read of the
    database while the page's workflow still runs (each read gives up the interpreter's lock)."""
    records = sqlite_records
    records.create(new_record())
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    other = "c" * 64
    records.create(replace(new_record(), id=other, image_key=f"images/{other}.png"))
    records.claim_attempt(other, 0, now=2.0, execution_arn=ARN + "-2")
    answers, reads = [], []
    waiter = threading.Thread(target=lambda: answers.append(records.wait_finished(ID, 600)), daemon=True)
    waiter.start()
    waiter.join(0.2)
    real_get = records.get
    monkeypatch.setattr(records, "get", lambda record_id: reads.append(record_id) or real_get(record_id))
    records.finish(other, "COMPLETE", ARN + "-2", completed_at=3.0)  # another page's: this one looks again
    for _ in range(200):
        if reads:
            break
        time.sleep(0.01)
    assert reads == [ID] and waiter.is_alive()
    records.finish(ID, "COMPLETE", ARN + "-1", completed_at=3.0, audio_key="audio/x.mp3")
    waiter.join(60)
    assert not waiter.is_alive() and reads == [ID]  # its own outcome: not read again
    assert answers[0] == real_get(ID) and answers[0].status is Status.COMPLETE


def test_past_max_waiters_a_sqlite_wait_answers_at_once(tmp_path):
    """Long polls cannot take every server thread: the one past the limit gets the record as it stands."""
    records = SqliteRecordStore(tmp_path / "r.db", max_waiters=1)
    try:
        records.create(new_record())
        records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
        first = threading.Thread(target=records.wait_finished, args=(ID, 600), daemon=True)
        first.start()
        first.join(0.2)
        assert first.is_alive()  # the one allowed is waiting
        assert records.wait_finished(ID, 600).status is Status.PROCESSING  # not a 600 s wait
        records.finish(ID, "COMPLETE", ARN + "-1", completed_at=3.0)
        first.join(60)
        assert not first.is_alive()
        assert records.wait_finished(ID, 600).status is Status.COMPLETE  # the place is free again
    finally:
        records.close()


@pytest.fixture
def sqlite_records(tmp_path):
    store = SqliteRecordStore(tmp_path / "r.db")
    yield store
    store.close()


def test_concurrent_outcomes_have_one_winner(sqlite_records):
    """Real concurrency on SQLite. (moto applies DynamoDB's condition expressions without a lock, so
    threads racing on it prove nothing about DynamoDB; the conditions are held on both by the cases above.)"""
    records = sqlite_records
    records.create(new_record())
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    results, barrier = [], threading.Barrier(8)

    def finish(outcome):
        barrier.wait()
        results.append(records.finish(ID, outcome, ARN + "-1") is not None)

    threads = [threading.Thread(target=finish, args=(o,)) for o in ["COMPLETE", "FAILED", "NO_TEXT", "FAILED"] * 2]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [False] * 7 + [True]


def test_closing_the_store_leaves_a_read_in_progress_its_connection(tmp_path):
    """A page's thread still reading when the runtime closes (a test's teardown, a shutdown): its
    connection is closed by it when its read ends, not under it (which crashed the process once)."""
    store = SqliteRecordStore(tmp_path / "r.db")
    store.create(new_record())
    idle_before = store._select("SELECT 1")  # leaves one idle reader in the pool
    with store._reader() as busy:
        store.close()
        assert busy.execute("SELECT count(*) FROM records").fetchone() == (1,)
    with pytest.raises(sqlite3.ProgrammingError):
        busy.execute("SELECT 1")     # closed once its read ended
    assert idle_before == [(1,)]


def test_recipients_wait_for_the_outcome_without_duplicates(records):
    records.create(new_record(recipients=("ann@example.com",)))
    assert records.add_recipient(ID, "bob@example.com", limit=3).recipients == ("ann@example.com", "bob@example.com")
    assert records.add_recipient(ID, "bob@example.com", limit=3).recipients == ("ann@example.com", "bob@example.com")
    records.add_recipient(ID, "cy@example.com", limit=3)
    with pytest.raises(TooManyRecipients):
        records.add_recipient(ID, "dee@example.com", limit=3)
    assert records.add_recipient(ID, "cy@example.com", limit=3) is not None  # already there: not one more
    records.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + "-1")
    done = records.finish(ID, "COMPLETE", ARN + "-1")
    assert done.recipients == ("ann@example.com", "bob@example.com", "cy@example.com")
    assert records.add_recipient(ID, "eve@example.com", limit=3) is None  # ended: told through the ledger instead
    with pytest.raises(NotFound):
        records.add_recipient("b" * 64, "eve@example.com", limit=3)


def test_notice_ledger_allows_one_notice_per_address_per_page_per_period(records):
    records.create(new_record())
    assert records.claim_notice(ID, "ann@example.com", now=1000.0, every_seconds=86400) is True
    assert records.claim_notice(ID, "ann@example.com", now=1001.0, every_seconds=86400) is False
    assert records.claim_notice(ID, "ann@example.com", now=1000.0 + 86399, every_seconds=86400) is False
    assert records.claim_notice(ID, "bob@example.com", now=1001.0, every_seconds=86400) is True
    assert records.claim_notice("b" * 64, "ann@example.com", now=1001.0, every_seconds=86400) is True
    assert records.claim_notice(ID, "ann@example.com", now=1000.0 + 86400, every_seconds=86400) is True
    assert records.claim_notice(ID, "ann@example.com", now=1000.0 + 86401, every_seconds=86400) is False
    assert [r.id for r in records.unfinished()] == [ID]  # the ledger is not pages


def test_a_notice_stays_unsettled_until_its_execution_is_seen_to_end(records):
    other = "b" * 64
    assert records.claim_notice(ID, "ann@example.com", now=1000.0, every_seconds=86400, execution_arn=ARN + "-1")
    assert records.claim_notice(other, "bob#1@example.com", now=1001.0, every_seconds=86400, execution_arn=ARN + "-2")
    assert records.claim_notice(other, "cy@example.com", now=1001.0, every_seconds=86400)  # no execution named
    assert sorted(records.unsettled_notices(since=0)) == [(ID, "ann@example.com", ARN + "-1"),
                                                          (other, "bob#1@example.com", ARN + "-2")]
    assert records.unsettled_notices(since=1000.5) == [(other, "bob#1@example.com", ARN + "-2")]
    records.hand_notice(other, "bob#1@example.com", ARN + "-3")  # sent again by another execution
    records.hand_notice(ID, "ann@example.com", None)  # its execution ended
    assert records.unsettled_notices(since=0) == [(other, "bob#1@example.com", ARN + "-3")]
    # Told again a day later: unsettled again, with the new execution.
    assert records.claim_notice(ID, "ann@example.com", now=1000.0 + 86400, every_seconds=86400,
                                execution_arn=ARN + "-4")
    assert (ID, "ann@example.com", ARN + "-4") in records.unsettled_notices(since=0)


def test_an_address_is_told_at_most_the_daily_limit_about_all_pages(records):
    day = 20_000 * 86_400.0
    pages = [f"{n:064x}" for n in range(5)]
    told = [records.claim_notice(p, "ann@example.com", now=day + n, every_seconds=86400, daily_limit=3)
            for n, p in enumerate(pages)]
    assert told == [True, True, True, False, False]
    # A page notice refused for its own reason does not use up the day's count.
    assert records.claim_notice(pages[0], "bob@example.com", now=day, every_seconds=86400, daily_limit=2)
    assert not records.claim_notice(pages[0], "bob@example.com", now=day + 1, every_seconds=86400, daily_limit=2)
    assert records.claim_notice(pages[1], "bob@example.com", now=day + 2, every_seconds=86400, daily_limit=2)
    assert not records.claim_notice(pages[2], "bob@example.com", now=day + 3, every_seconds=86400, daily_limit=2)
    # Other addresses have their own count; the next UTC day starts afresh.
    assert records.claim_notice(pages[4], "cy@example.com", now=day + 5, every_seconds=86400, daily_limit=3)
    assert records.claim_notice(pages[3], "ann@example.com", now=day + 86_400, every_seconds=86400, daily_limit=3)
    assert records.unfinished() == []  # the counts are not pages


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


def test_objects_persist_what_was_written(objects):
    objects.put("text/a.txt", b"words", "text/plain")
    objects.persist(["text/a.txt"])
    assert objects.get("text/a.txt") == b"words"


def test_updates_of_different_fields_do_not_overwrite_each_other(sqlite_records):
    """ExtractText writing text_key while the API records an execution ARN: both stay (real concurrency)."""
    records = sqlite_records
    records.create(new_record())
    barrier = threading.Barrier(2)

    def update(**changes):
        barrier.wait()
        records.update(ID, **changes)

    threads = [threading.Thread(target=update, kwargs={"text_key": "text/x.txt"}),
               threading.Thread(target=update, kwargs={"ocr_key": "ocr/x.json"})]
    [t.start() for t in threads]
    [t.join() for t in threads]
    stored = records.get(ID)
    assert (stored.text_key, stored.ocr_key) == ("text/x.txt", "ocr/x.json")


def test_a_dynamodb_update_writes_only_the_fields_it_changes():
    """Why concurrent updates of different fields cannot lose each other on DynamoDB: each is one
    UpdateItem naming only its own attributes, never a whole item read a moment earlier."""
    with mock_aws():
        records = DynamoRecordStore("pages", resource=_pages_table())
        _only_changed_fields_are_written(records)


def _only_changed_fields_are_written(records):
    records.create(new_record())
    sent = []
    client = records._table.meta.client
    client.meta.events.register("before-call.dynamodb.*", lambda model, params, **_: sent.append((model.name, params)))
    records.update(ID, text_key="text/x.txt")
    writes = [(name, params) for name, params in sent if name != "GetItem"]
    assert [name for name, _ in writes] == ["UpdateItem"]
    body = writes[0][1]
    assert "text_key" in str(body) and "ocr_key" not in str(body) and "image_key" not in str(body)


def test_setting_a_field_to_none_removes_it(records):
    records.create(new_record(error="Rekognition.ThrottlingException"))
    assert records.update(ID, error=None).error is None
    assert records.get(ID).error is None


BOOK = "b" * 32


def test_a_book_is_stored_beside_the_pages_and_changed_by_compare_and_set(records):
    from storytime.core.books import Book

    records.create_book(Book(id=BOOK, created_at=1700000000.5, title="Fox"))
    assert records.get_book(BOOK) == Book(id=BOOK, created_at=1700000000.5, title="Fox")
    assert records.get_book("c" * 32) is None
    first = records.set_book_pages(BOOK, ("1" * 64, "2" * 64), 0)
    assert first.pages == ("1" * 64, "2" * 64) and first.version == 1
    assert records.set_book_pages(BOOK, ("2" * 64,), 0) is None  # someone else changed it first
    assert records.get_book(BOOK) == first
    with pytest.raises(NotFound):
        records.set_book_pages("c" * 32, (), 0)
    records.create(new_record())
    assert [r.id for r in records.unfinished()] == [ID]  # books are not pages


def test_concurrent_page_additions_to_one_book_have_one_winner(sqlite_records):
    """Real concurrency on SQLite only (moto holds no lock; the condition is held on both above)."""
    from storytime.core.books import Book

    records = sqlite_records
    records.create_book(Book(id=BOOK, created_at=1.0))
    wins, barrier = [], threading.Barrier(8)

    def add(n):
        barrier.wait()
        wins.append(records.set_book_pages(BOOK, (f"{n}" * 64,), 0))

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [w for w in wins if w is not None]
    assert len(winners) == 1 and records.get_book(BOOK) == winners[0]


def put_to_upload_url(objects, url: str, data: bytes) -> None:
    """One PUT to the URL, taken as its adapter's server takes it: S3 (moto), or the local server's check."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if isinstance(objects, S3ObjectStore):
        import requests

        assert requests.put(url, data=data, timeout=10).status_code == 200
        return
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    key = unquote(parts.path[1:])
    assert objects.upload_allowed(key, query["expires"], query["signature"], time.time()) is None
    objects.put(key, data, "image/png")


def test_upload_url_takes_one_put_of_the_bytes_under_its_key(objects):
    expires = int(time.time()) + 900
    url = objects.upload_url("uploads/" + "c" * 32, expires)
    assert "/uploads/" + "c" * 32 + "?" in url
    assert not objects.exists("uploads/" + "c" * 32)  # a URL is only a permission
    put_to_upload_url(objects, url, b"\x89PNG staged")
    assert objects.get("uploads/" + "c" * 32) == b"\x89PNG staged"


def test_local_upload_url_refuses_another_key_a_changed_expiry_and_a_late_put(tmp_path):
    objects = FileObjectStore(tmp_path / "o")
    expires = int(time.time()) + 60
    signature = objects.upload_url("uploads/" + "d" * 32, expires).rsplit("signature=", 1)[1]
    assert objects.upload_allowed("uploads/" + "d" * 32, str(expires), signature, time.time()) is None
    assert objects.upload_allowed("uploads/" + "e" * 32, str(expires), signature, time.time()) == "BAD_SIGNATURE"
    assert objects.upload_allowed("uploads/" + "d" * 32, str(expires + 1), signature, time.time()) == "BAD_SIGNATURE"
    assert objects.upload_allowed("uploads/" + "d" * 32, str(expires), signature, expires + 1) == "URL_EXPIRED"
    other = FileObjectStore(tmp_path / "other")  # another data folder has its own key
    assert other.upload_allowed("uploads/" + "d" * 32, str(expires), signature, time.time()) == "BAD_SIGNATURE"
    again = FileObjectStore(tmp_path / "o")  # the same folder after a restart keeps its key
    assert again.upload_allowed("uploads/" + "d" * 32, str(expires), signature, time.time()) is None


def test_abandoned_local_uploads_expire_like_the_buckets_lifecycle_rule(tmp_path):
    objects = FileObjectStore(tmp_path / "o")
    objects.put("uploads/" + "a" * 32, b"old", "image/jpeg")
    objects.put("uploads/" + "b" * 32, b"new", "image/jpeg")
    objects.put("images/" + "c" * 64 + ".jpg", b"kept", "image/jpeg")
    day = 86_400
    os.utime(objects.path("uploads/" + "a" * 32), (time.time() - 2 * day, time.time() - 2 * day))
    os.utime(objects.path("images/" + "c" * 64 + ".jpg"), (time.time() - 2 * day, time.time() - 2 * day))

    assert objects.expire("uploads/", day) == 1
    assert not objects.exists("uploads/" + "a" * 32)
    assert objects.exists("uploads/" + "b" * 32) and objects.exists("images/" + "c" * 64 + ".jpg")
    assert FileObjectStore(tmp_path / "empty").expire("uploads/", day) == 0


def test_the_books_of_a_page_are_a_set(records):
    assert records.books_of_page(ID) == []
    for book in ("c" * 32, BOOK, "c" * 32):
        records.add_page_book(ID, book)
    assert records.books_of_page(ID) == [BOOK, "c" * 32]
    assert records.books_of_page("f" * 64) == [] and records.unfinished() == []


def test_a_write_that_returned_survives_the_process_being_killed(tmp_path):
    """WAL with synchronous=NORMAL: no fsync per commit, yet a commit is in the OS's hands when it returns."""
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from storytime.records.sqlite import SqliteRecordStore\n"
        "from tests.contract.test_stores import ID, ARN, new_record\n"
        "store = SqliteRecordStore(sys.argv[1])\n"
        "store.create(new_record())\n"
        "store.claim_attempt(ID, 0, now=2.0, execution_arn=ARN + '-1')\n"
        "store.claim_notice(ID, 'ann@example.com', now=3.0, every_seconds=86400)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path / "r.db")], timeout=60,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert killed.returncode == -9
    store = SqliteRecordStore(tmp_path / "r.db")
    try:
        assert store.get(ID).attempts == 1 and store.get(ID).status is Status.PROCESSING
        assert store.claim_notice(ID, "ann@example.com", now=4.0, every_seconds=86400) is False
    finally:
        store.close()


def test_a_data_folder_from_before_the_notice_columns_still_opens(tmp_path):
    import sqlite3

    from storytime.records.sqlite import SqliteRecordStore

    old = sqlite3.connect(tmp_path / "old.db")
    old.execute("CREATE TABLE notices (page_id TEXT NOT NULL, address TEXT NOT NULL, at REAL NOT NULL, "
                "PRIMARY KEY (page_id, address))")
    old.execute("INSERT INTO notices VALUES (?, 'ann@example.com', 5.0)", (ID,))
    old.commit()
    old.close()
    store = SqliteRecordStore(tmp_path / "old.db")
    try:
        assert store.unsettled_notices(since=0) == []  # told before: nothing known to resend
        assert store.claim_notice(ID, "bob@example.com", now=9.0, every_seconds=1, execution_arn=ARN)
        assert store.unsettled_notices(since=0) == [(ID, "bob@example.com", ARN)]
    finally:
        store.close()
