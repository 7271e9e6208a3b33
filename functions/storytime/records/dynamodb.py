"""Records in DynamoDB: conditional writes make create, claim and every status change atomic."""

from __future__ import annotations

import json
import time
from dataclasses import fields
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr

from storytime.core.books import Book
from storytime.core.notices import notice_day
from storytime.core.records import UNFINISHED, Record, Status
from storytime.errors import NotFound, TooManyRecipients
from storytime.records.port import GUARDED_FIELDS

_PAGE_BOOKS = "books#"  # which books hold a page: a string set, keyed apart from page and book ids
_NOTICE = "notice#"  # notice ledger items share the table, keyed apart from page ids (64 hex chars)
_ADDRESS_DAY = "sent#"  # notices per address per UTC day (the daily cap); expire with the table's TTL


def _to_dynamo(item: dict) -> dict:
    # DynamoDB takes Decimal, not float; recipients are a string set (ADD keeps it duplicate-free).
    recipients = item.pop("recipients", None)
    converted = json.loads(json.dumps(item), parse_float=Decimal)
    if recipients:
        converted["recipients"] = set(recipients)
    return converted


def _from_dynamo(item: dict) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | set):
            return [plain(v) for v in value]
        return value

    return plain(item)


def _unfinished() -> Attr:
    return Attr("status").is_in([str(s) for s in UNFINISHED])


class DynamoRecordStore:
    POLL_SECONDS = 0.25  # a strongly consistent read of one item: half a read unit each

    def __init__(self, table_name: str, resource=None):
        self._table = (resource or boto3.resource("dynamodb")).Table(table_name)
        self._conditional_failed = self._table.meta.client.exceptions.ConditionalCheckFailedException

    def create(self, record: Record) -> bool:
        try:
            self._table.put_item(Item=_to_dynamo(record.to_item()), ConditionExpression=Attr("id").not_exists())
            return True
        except self._conditional_failed:
            return False

    def get(self, record_id: str) -> Record | None:
        item = self._table.get_item(Key={"id": record_id}, ConsistentRead=True).get("Item")
        return Record.from_item(_from_dynamo(item)) if item else None

    def wait_finished(self, record_id: str, timeout: float) -> Record | None:
        """DynamoDB tells no one of a write: read again every ``POLL_SECONDS`` until the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            record = self.get(record_id)
            left = deadline - time.monotonic()
            if record is None or record.finished or left <= 0:
                return record
            time.sleep(min(left, self.POLL_SECONDS))

    def _update(self, record_id: str, changes: dict, condition) -> Record:
        """Set (or, for None, remove) only the changed attributes, so concurrent
        updates of other fields are never overwritten by a stale copy."""
        unknown = set(changes) - ({f.name for f in fields(Record)} - {"id"})  # the key never changes
        if unknown:
            raise TypeError(f"not record fields: {sorted(unknown)}")
        # Placeholders named #set/:set: boto3's condition builder takes #n0/:v0 for itself.
        names, values, sets, removes = {}, {}, [], []
        for n, (name, value) in enumerate(sorted(changes.items())):
            names[f"#set{n}"] = name
            if value is None:
                removes.append(f"#set{n}")
            else:
                values[f":set{n}"] = str(value) if isinstance(value, Status) else value
                sets.append(f"#set{n} = :set{n}")
        expression = " ".join(part for part in (
            "SET " + ", ".join(sets) if sets else "", "REMOVE " + ", ".join(removes) if removes else "") if part)
        answer = self._table.update_item(
            Key={"id": record_id}, UpdateExpression=expression, ConditionExpression=condition,
            ExpressionAttributeNames=names, ReturnValues="ALL_NEW",
            **({"ExpressionAttributeValues": _to_dynamo(values)} if values else {}))
        return Record.from_item(_from_dynamo(answer["Attributes"]))

    def update(self, record_id: str, **changes) -> Record:
        if GUARDED_FIELDS & set(changes):
            raise TypeError(f"only conditional writes change {sorted(GUARDED_FIELDS & set(changes))}")
        try:
            return self._update(record_id, changes, Attr("id").exists())
        except self._conditional_failed:
            raise NotFound(f"No page with id {record_id}.") from None

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float, execution_arn: str,
                      failures: int | None = None) -> bool:
        changes = {"status": Status.PROCESSING, "attempts": seen_attempts + 1, "attempt_at": now,
                   "execution_arn": execution_arn, "error": None, "cause": None}
        if failures is not None:
            changes["failures"] = failures
        try:
            self._update(record_id, changes, Attr("attempts").eq(seen_attempts) & _unfinished())
            return True
        except self._conditional_failed:
            return False

    def finish(self, record_id: str, status: str, execution_arn: str, **changes) -> Record | None:
        status = Status(status)
        if status in (Status.COMPLETE, Status.NO_TEXT):
            condition = _unfinished()
        elif status in (Status.FAILED, Status.RETRYING):
            condition = Attr("status").eq(str(Status.PROCESSING)) & Attr("execution_arn").eq(execution_arn)
        else:
            raise ValueError(f"not an outcome: {status}")
        try:
            return self._update(record_id, {**changes, "status": status, "execution_arn": execution_arn}, condition)
        except self._conditional_failed:
            return None

    def add_recipient(self, record_id: str, address: str, limit: int) -> Record | None:
        room = Attr("recipients").not_exists() | Attr("recipients").size().lt(limit) | \
            Attr("recipients").contains(address)
        try:
            answer = self._table.update_item(
                Key={"id": record_id}, UpdateExpression="ADD #recipients :address",
                ConditionExpression=Attr("id").exists() & _unfinished() & room,
                ExpressionAttributeNames={"#recipients": "recipients"},
                ExpressionAttributeValues={":address": {address}}, ReturnValues="ALL_NEW")
        except self._conditional_failed:
            current = self.get(record_id)
            if current is None:
                raise NotFound(f"No page with id {record_id}.") from None
            if current.finished:
                return None
            raise TooManyRecipients(f"{limit} addresses already wait for this page.") from None
        return Record.from_item(_from_dynamo(answer["Attributes"]))

    def claim_notice(self, record_id: str, address: str, now: float, every_seconds: float,
                     daily_limit: int | None = None, execution_arn: str | None = None) -> bool:
        # Two conditional writes, the day's count first: a page notice refused after it gives the
        # count back, so a lost race can only send fewer notices, never more than the cap.
        day_key = {"id": f"{_ADDRESS_DAY}{address}#{notice_day(now)}"}
        if daily_limit is not None:
            try:
                self._table.update_item(
                    Key=day_key, UpdateExpression="ADD sent :one SET expiresAt = :expires",
                    ConditionExpression=Attr("sent").not_exists() | Attr("sent").lt(daily_limit),
                    ExpressionAttributeValues={":one": 1, ":expires": int(now) + 2 * 86_400})
            except self._conditional_failed:
                return False
        try:
            self._table.put_item(
                Item=_to_dynamo({"id": f"{_NOTICE}{record_id}#{address}", "at": now, "pageId": record_id,
                                 "address": address, "executionArn": execution_arn, "settled": False}),
                ConditionExpression=Attr("id").not_exists() | Attr("at").lte(Decimal(str(now - every_seconds))))
            return True
        except self._conditional_failed:
            if daily_limit is not None:
                self._table.update_item(Key=day_key, UpdateExpression="ADD sent :minus",
                                        ExpressionAttributeValues={":minus": -1})
            return False

    def unfinished(self) -> list[Record]:
        return [Record.from_item(item) for item in self._scan(_unfinished())]

    def _scan(self, condition) -> list[dict]:
        scan = {"FilterExpression": condition}
        items, page = [], self._table.scan(**scan)
        while True:
            items += [_from_dynamo(i) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return items
            page = self._table.scan(ExclusiveStartKey=page["LastEvaluatedKey"], **scan)

    def unsettled_notices(self, since: float) -> list[tuple[str, str, str]]:
        condition = (Attr("id").begins_with(_NOTICE) & Attr("settled").eq(False)
                     & Attr("executionArn").exists() & Attr("executionArn").ne(None)
                     & Attr("at").gte(Decimal(str(since))))
        return [(i["pageId"], i["address"], i["executionArn"]) for i in self._scan(condition)]

    def hand_notice(self, record_id: str, address: str, execution_arn: str | None) -> None:
        change = ({"UpdateExpression": "SET settled = :yes", "ExpressionAttributeValues": {":yes": True}}
                  if execution_arn is None else
                  {"UpdateExpression": "SET executionArn = :arn", "ExpressionAttributeValues": {":arn": execution_arn}})
        self._table.update_item(Key={"id": f"{_NOTICE}{record_id}#{address}"},
                                ConditionExpression=Attr("id").exists(), **change)

    def create_book(self, book: Book) -> None:
        self._table.put_item(Item=_to_dynamo(book.to_item()), ConditionExpression=Attr("id").not_exists())

    def get_book(self, book_id: str) -> Book | None:
        item = self._table.get_item(Key={"id": book_id}, ConsistentRead=True).get("Item")
        return Book.from_item(_from_dynamo(item)) if item and item.get("kind") == "book" else None

    def set_book_pages(self, book_id: str, pages: tuple[str, ...], seen_version: int) -> Book | None:
        try:
            answer = self._table.update_item(
                Key={"id": book_id}, UpdateExpression="SET pages = :pages, version = :next",
                ConditionExpression=Attr("kind").eq("book") & Attr("version").eq(seen_version),
                ExpressionAttributeValues={":pages": list(pages), ":next": seen_version + 1}, ReturnValues="ALL_NEW")
        except self._conditional_failed:
            if self.get_book(book_id) is None:
                raise NotFound(f"No book with id {book_id}.") from None
            return None
        return Book.from_item(_from_dynamo(answer["Attributes"]))

    def add_page_book(self, page_id: str, book_id: str) -> None:
        self._table.update_item(Key={"id": _PAGE_BOOKS + page_id}, UpdateExpression="ADD books :book",
                                ExpressionAttributeValues={":book": {book_id}})

    def books_of_page(self, page_id: str) -> list[str]:
        item = self._table.get_item(Key={"id": _PAGE_BOOKS + page_id}, ConsistentRead=True).get("Item")
        return sorted(item["books"]) if item else []
