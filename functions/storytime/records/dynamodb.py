"""Records in DynamoDB: conditional writes make create and claim atomic."""

from __future__ import annotations

import json
from dataclasses import fields
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
        try:
            return self._update(record_id, changes, Attr("id").exists())
        except self._conditional_failed:
            raise NotFound(f"No page with id {record_id}.") from None

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float) -> bool:
        changes = {"status": Status.PROCESSING, "attempts": seen_attempts + 1, "attempt_at": now,
                   "error": None, "cause": None}
        try:
            self._update(record_id, changes, Attr("attempts").eq(seen_attempts))
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
