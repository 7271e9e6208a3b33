"""Records in SQLite: one row per page, kept across a crash of the process.

Each conditional write reads and writes inside one ``BEGIN IMMEDIATE``
transaction, so it is atomic across threads and processes alike.

WAL with ``synchronous=NORMAL``: a commit is in the WAL file (the OS's page
cache) when the call returns, so a killed process loses nothing (SQLite
documents this); only a power cut or kernel crash can lose the last commits,
never leaving the file inconsistent (a page then rolls back to an earlier
step and is resumed). Commits without an fsync keep the one write lock short:
under load every upload and every workflow step queued behind fsyncs.
Reads take a connection of their own from a pool: WAL readers see the last
commit without waiting for a writer, or for each other.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from storytime.core.books import Book
from storytime.core.notices import notice_day
from storytime.core.records import FINISHED, UNFINISHED, Record, Status, outcome_allowed
from storytime.errors import InsufficientStorage, NotFound, TooManyRecipients
from storytime.records.port import GUARDED_FIELDS

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS records (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        item TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS notices (
        page_id TEXT NOT NULL,
        address TEXT NOT NULL,
        at REAL NOT NULL,
        execution_arn TEXT,
        settled INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (page_id, address)
    )""",
    # Notices sent to an address per UTC day, about any page (the daily cap).
    """CREATE TABLE IF NOT EXISTS address_days (
        address TEXT NOT NULL,
        day INTEGER NOT NULL,
        sent INTEGER NOT NULL,
        PRIMARY KEY (address, day)
    )""",
    """CREATE TABLE IF NOT EXISTS page_books (
        page_id TEXT NOT NULL,
        book_id TEXT NOT NULL,
        PRIMARY KEY (page_id, book_id)
    )""",
    """CREATE TABLE IF NOT EXISTS books (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        item TEXT NOT NULL
    )""",
]
_ADDED_COLUMNS = [
    "ALTER TABLE notices ADD COLUMN execution_arn TEXT",
    "ALTER TABLE notices ADD COLUMN settled INTEGER NOT NULL DEFAULT 0",
]
# The start-up check reads only the unsettled notices, not the whole ledger.
_INDEXES = ["CREATE INDEX IF NOT EXISTS notices_unsettled ON notices (settled, at)"]
_FULL = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}
# A waiting reader looks again this often even unwoken: another process (``storytime read``
# on the same folder) may have written the outcome.
RECHECK_SECONDS = 1.0
# At most this many requests wait at once (each holds one of the local server's 64 connection
# threads for up to 20 s); past it a request is answered at once, as without ``?wait=``, so
# long polls alone can never take every connection from uploads.
MAX_WAITERS = 16
# Outcomes written by this process, handed to the long polls they wake: a woken waiter takes its
# page's outcome from here instead of reading the database again while the page's workflow runs
# its last states (each read gave up the interpreter's lock two or three times, and the workflow
# took it meanwhile: 1-3 ms before a finished page was answered).
KEPT_OUTCOMES = 256


class SqliteRecordStore:
    def __init__(self, path: Path, max_waiters: int = MAX_WAITERS):
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One writing connection shared by the threads, serialised by a lock:
        # writes are tiny, and SQLite allows one writer anyway.
        self._db = self._connect()
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)
        for column in _ADDED_COLUMNS:  # data folders made before these columns
            try:
                self._db.execute(column)
            except sqlite3.OperationalError:
                pass  # already there
        for statement in _INDEXES:
            self._db.execute(statement)
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._outcomes = threading.Condition()  # notified when an outcome is written here
        self._written: OrderedDict[str, Record] = OrderedDict()  # the last outcomes written, under _outcomes
        self._waiters = threading.BoundedSemaphore(max_waiters)
        self._pool_lock = threading.Lock()  # not the write lock: a reader never waits for a write
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None, timeout=30)
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def _reader(self):
        """A connection of this call's own (one per concurrent reader, kept for the next)."""
        try:
            db = self._readers.get_nowait()
        except queue.Empty:
            db = self._connect()
            # Each connection has a page cache of its own (2 MB by default): readers keep a
            # small one, the operating system caches the file for all of them.
            db.execute("PRAGMA cache_size=-512")
        try:
            yield db
        finally:
            with self._pool_lock:
                if not self._closed:
                    self._readers.put(db)
                    db = None
            if db is not None:
                db.close()  # the store closed while this read ran: closed by its last user

    def _select(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._reader() as db:
            return db.execute(sql, params).fetchall()

    def close(self) -> None:
        """Closes the writer and the idle readers; a reader in use is closed when its read ends.
        (Closing a connection while another thread runs a statement on it can crash the process.)"""
        with self._lock, self._pool_lock:
            self._closed = True
            while True:
                try:
                    self._readers.get_nowait().close()
                except queue.Empty:
                    break
            self._db.close()

    @contextmanager
    def _transaction(self):
        """One atomic read-check-write; a full disk is InsufficientStorage, and nothing is half written."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) in _FULL or "full" in str(error):
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise InsufficientStorage("The data folder is full.") from None
                raise

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
        with self._transaction():
            return self._write(record, insert=True) == 1

    def get(self, record_id: str) -> Record | None:
        rows = self._select("SELECT item FROM records WHERE id = ?", (record_id,))
        return Record.from_item(json.loads(rows[0][0])) if rows else None

    def wait_finished(self, record_id: str, timeout: float) -> Record | None:
        if not self._waiters.acquire(blocking=False):
            return self.get(record_id)  # MAX_WAITERS wait already: answered as it stands
        try:
            deadline = time.monotonic() + timeout
            with self._outcomes:  # held while reading: an outcome written meanwhile wakes the wait below
                record = self.get(record_id)
                while True:
                    left = deadline - time.monotonic()
                    if record is None or record.finished or left <= 0:
                        return record
                    woken = self._outcomes.wait(min(left, RECHECK_SECONDS))
                    written = self._written.get(record_id) if woken else None
                    # Another page's outcome, or time to look again (another process may write it).
                    record = written if written is not None and written.finished else self.get(record_id)
        finally:
            self._waiters.release()

    def update(self, record_id: str, **changes) -> Record:
        if GUARDED_FIELDS & set(changes):
            raise TypeError(f"only conditional writes change {sorted(GUARDED_FIELDS & set(changes))}")
        with self._transaction():
            current = self._read(record_id)
            if current is None:
                raise NotFound(f"No page with id {record_id}.")
            updated = current.with_changes(**changes)
            self._write(updated, insert=False)
            return updated

    def claim_attempt(self, record_id: str, seen_attempts: int, now: float, execution_arn: str,
                      failures: int | None = None) -> bool:
        with self._transaction():
            current = self._read(record_id)
            if current is None or current.attempts != seen_attempts or current.status in FINISHED:
                return False
            counted = {} if failures is None else {"failures": failures}
            self._write(current.with_changes(status=Status.PROCESSING, attempts=seen_attempts + 1, attempt_at=now,
                                             execution_arn=execution_arn, error=None, cause=None, **counted),
                        insert=False)
            return True

    def finish(self, record_id: str, status: str, execution_arn: str, **changes) -> Record | None:
        status = Status(status)
        with self._transaction():
            current = self._read(record_id)
            if current is None or not outcome_allowed(current, status, execution_arn):
                return None
            finished = current.with_changes(status=status, execution_arn=execution_arn, **changes)
            self._write(finished, insert=False)
        with self._outcomes:  # committed: whoever waits for this page has it now
            self._written[record_id] = finished
            self._written.move_to_end(record_id)
            while len(self._written) > KEPT_OUTCOMES:
                self._written.popitem(last=False)
            self._outcomes.notify_all()
        return finished

    def add_recipient(self, record_id: str, address: str, limit: int) -> Record | None:
        seen = self.get(record_id)  # nothing new to record: answered without the write lock
        if seen is not None and seen.status in FINISHED:
            return None
        if seen is not None and address in seen.recipients:
            return seen
        with self._transaction():
            current = self._read(record_id)
            if current is None:
                raise NotFound(f"No page with id {record_id}.")
            if current.status in FINISHED:
                return None
            if address in current.recipients:
                return current
            if len(current.recipients) >= limit:
                raise TooManyRecipients(f"{limit} addresses already wait for this page.")
            added = current.with_changes(recipients=(*current.recipients, address))
            self._write(added, insert=False)
            return added

    def claim_notice(self, record_id: str, address: str, now: float, every_seconds: float,
                     daily_limit: int | None = None, execution_arn: str | None = None) -> bool:
        rows = self._select("SELECT at FROM notices WHERE page_id = ? AND address = ?", (record_id, address))
        if rows and rows[0][0] > now - every_seconds:
            return False  # told within the period: no write, no lock
        with self._transaction():
            row = self._db.execute("SELECT at FROM notices WHERE page_id = ? AND address = ?",
                                   (record_id, address)).fetchone()
            if row is not None and row[0] > now - every_seconds:
                return False
            if daily_limit is not None:
                day = notice_day(now)
                sent = self._db.execute("SELECT sent FROM address_days WHERE address = ? AND day = ?",
                                        (address, day)).fetchone()
                if sent is not None and sent[0] >= daily_limit:
                    return False
                self._db.execute("INSERT INTO address_days (address, day, sent) VALUES (?, ?, 1) "
                                 "ON CONFLICT(address, day) DO UPDATE SET sent = sent + 1", (address, day))
                self._db.execute("DELETE FROM address_days WHERE day < ?", (day - 1,))
            self._db.execute("INSERT INTO notices (page_id, address, at, execution_arn, settled) "
                             "VALUES (?, ?, ?, ?, 0) ON CONFLICT(page_id, address) DO UPDATE SET "
                             "at = excluded.at, execution_arn = excluded.execution_arn, settled = 0",
                             (record_id, address, now, execution_arn))
            return True

    def unsettled_notices(self, since: float) -> list[tuple[str, str, str]]:
        return [tuple(row) for row in self._select(
            "SELECT page_id, address, execution_arn FROM notices "
            "WHERE settled = 0 AND execution_arn IS NOT NULL AND at >= ?", (since,))]

    def hand_notice(self, record_id: str, address: str, execution_arn: str | None) -> None:
        with self._transaction():
            if execution_arn is None:
                self._db.execute("UPDATE notices SET settled = 1 WHERE page_id = ? AND address = ?",
                                 (record_id, address))
            else:
                self._db.execute("UPDATE notices SET execution_arn = ? WHERE page_id = ? AND address = ?",
                                 (execution_arn, record_id, address))

    def unfinished(self) -> list[Record]:
        waiting = tuple(str(s) for s in UNFINISHED)
        rows = self._select(f"SELECT item FROM records WHERE status IN ({','.join('?' * len(waiting))})", waiting)
        return [Record.from_item(json.loads(r[0])) for r in rows]

    def create_book(self, book: Book) -> None:
        with self._transaction():
            self._db.execute("INSERT INTO books (id, version, item) VALUES (?, ?, ?)",
                             (book.id, book.version, json.dumps(book.to_item())))

    def get_book(self, book_id: str) -> Book | None:
        rows = self._select("SELECT item FROM books WHERE id = ?", (book_id,))
        return Book.from_item(json.loads(rows[0][0])) if rows else None

    def set_book_pages(self, book_id: str, pages: tuple[str, ...], seen_version: int) -> Book | None:
        with self._transaction():
            row = self._db.execute("SELECT item FROM books WHERE id = ?", (book_id,)).fetchone()
            if row is None:
                raise NotFound(f"No book with id {book_id}.")
            book = Book.from_item(json.loads(row[0]))
            if book.version != seen_version:
                return None
            book = replace(book, pages=tuple(pages), version=seen_version + 1)
            self._db.execute("UPDATE books SET version = ?, item = ? WHERE id = ?",
                             (book.version, json.dumps(book.to_item()), book_id))
            return book

    def add_page_book(self, page_id: str, book_id: str) -> None:
        with self._transaction():
            self._db.execute("INSERT INTO page_books (page_id, book_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                             (page_id, book_id))

    def books_of_page(self, page_id: str) -> list[str]:
        rows = self._select("SELECT book_id FROM page_books WHERE page_id = ? ORDER BY book_id", (page_id,))
        return [r[0] for r in rows]
