"""Records in SQLite: one row per page, durable before each call returns."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from storytime.core.records import FINISHED, Record, Status
from storytime.errors import NotFound

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    item TEXT NOT NULL
)
"""


class SqliteRecordStore:
    def __init__(self, path: Path):
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One connection shared by the server's threads, serialised by a lock:
        # writes are tiny, and SQLite allows one writer anyway.
        self._db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, record: Record, *, insert: bool) -> int:
        item = record.to_item()
        row = (record.id, item["status"], record.attempts, json.dumps(item))
        if insert:
            sql = "INSERT INTO records (id, status, attempts, item) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING"
            return self._db.execute(sql, row).rowcount
        sql = "UPDATE records SET status = ?, attempts = ?, item = ? WHERE id = ?"
        return self._db.execute(sql, (row[1], row[2], row[3], row[0])).rowcount

    def _read(self, record_id: str) -> Record | None:
        row = self._db.execute("SELECT item FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.from_item(json.loads(row[0])) if row else None

    def create(self, record: Record) -> bool:
        with self._lock:
            return self._write(record, insert=True) == 1

    def get(self, record_id: str) -> Record | None:
        with self._lock:
            return self._read(record_id)

    def update(self, record_id: str, **changes) -> Record:
        with self._lock:
            current = self._read(record_id)
            if current is None:
                raise NotFound(f"No page with id {record_id}.")
            updated = current.with_changes(**changes)
            self._write(updated, insert=False)
            return updated

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float) -> bool:
        with self._lock:
            current = self._read(record_id)
            if current is None or current.attempts != seen_attempts:
                return False
            claimed = current.with_changes(
                status=Status.PROCESSING, attempts=seen_attempts + 1, attempt_at=now, error=None, cause=None
            )
            self._write(claimed, insert=False)
            return True

    def unfinished(self) -> list[Record]:
        done = tuple(str(s) for s in FINISHED)
        with self._lock:
            rows = self._db.execute(
                f"SELECT item FROM records WHERE status NOT IN ({','.join('?' * len(done))})", done
            ).fetchall()
        return [Record.from_item(json.loads(r[0])) for r in rows]
