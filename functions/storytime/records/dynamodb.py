"""Records in DynamoDB: conditional writes make create and claim atomic."""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr

from storytime.core.records import FINISHED, Record, Status
from storytime.errors import NotFound


def _to_dynamo(item: dict) -> dict:
    # DynamoDB takes Decimal, not float.
    return json.loads(json.dumps(item), parse_float=Decimal)


def _from_dynamo(item: dict) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(item)


class DynamoRecordStore:
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

    def update(self, record_id: str, **changes) -> Record:
        current = self.get(record_id)
        if current is None:
            raise NotFound(f"No page with id {record_id}.")
        updated = current.with_changes(**changes)
        self._table.put_item(Item=_to_dynamo(updated.to_item()), ConditionExpression=Attr("id").exists())
        return updated

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float) -> bool:
        current = self.get(record_id)
        if current is None or current.attempts != seen_attempts:
            return False
        claimed = current.with_changes(
            status=Status.PROCESSING, attempts=seen_attempts + 1, attempt_at=now, error=None, cause=None
        )
        try:
            self._table.put_item(
                Item=_to_dynamo(claimed.to_item()), ConditionExpression=Attr("attempts").eq(seen_attempts)
            )
            return True
        except self._conditional_failed:
            return False

    def unfinished(self) -> list[Record]:
        done = [str(s) for s in FINISHED]
        scan = {"FilterExpression": ~Attr("status").is_in(done)}
        records, page = [], self._table.scan(**scan)
        while True:
            records += [Record.from_item(_from_dynamo(i)) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return records
            page = self._table.scan(ExclusiveStartKey=page["LastEvaluatedKey"], **scan)
