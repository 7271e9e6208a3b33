"""A page sent again with nothing new to record: answered from its content id, no write, no execution."""

import sqlite3

from storytime.service.uploads import accept_upload

from tests.fakes import page_photo
from tests.workflow.helpers import run_page


class Watch:
    """What a repeat upload could change: a commit to the database, a history, a stored object.

    While watching, another connection holds the database's write lock: an answer that
    needed it would wait (and fail after the store's busy timeout) instead of coming at once.
    """

    def __init__(self, runtime):
        self.runtime = runtime
        # data_version changes when any other connection commits (SQLite documents it).
        self.db = sqlite3.connect(runtime.data / "storytime.db", isolation_level=None, timeout=0.1)
        self.before = self.now()
        self.db.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def now(self):
        data = self.runtime.data
        return (self.db.execute("PRAGMA data_version").fetchone()[0],
                sorted(p.name for p in (data / "history").iterdir()),
                sorted(str(p) for p in (data / "objects").rglob("*")))

    def unchanged(self) -> bool:
        self.release()
        return self.now() == self.before


def test_a_finished_duplicate_makes_no_write_and_starts_no_execution(runtime, engines):
    photo = page_photo(40)
    run_page(runtime, photo, "ann@example.com")
    watch = Watch(runtime)

    # No address; the address the page was read for; an address told today already.
    for recipient in [None, "ann@example.com", None, "ann@example.com"]:
        again = accept_upload(runtime.deps, photo, "image/png", recipient)
        assert again.status == 200 and again.execution_arn is None
    assert watch.unchanged()
    assert engines.ocr.calls == 1 and [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]

    # A new address is something new: recorded once, told once.
    watch.release()
    told = accept_upload(runtime.deps, photo, "image/png", "bob@example.com")
    runtime.workflow.wait(told.execution_arn)
    assert not watch.unchanged()
    watch = Watch(runtime)
    assert accept_upload(runtime.deps, photo, "image/png", "bob@example.com").execution_arn is None
    assert watch.unchanged()
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com", "bob@example.com"]


def test_an_unfinished_duplicate_with_an_address_already_waiting_writes_nothing(gated_runtime):
    rt, engines = gated_runtime, gated_runtime.engines
    photo = page_photo(41)
    first = accept_upload(rt.deps, photo, "image/png", "ann@example.com")
    assert engines.ocr.entered.wait(30)  # the page is being read, its execution in the OCR step
    watch = Watch(rt)
    for recipient in ["ann@example.com", None]:
        assert accept_upload(rt.deps, photo, "image/png", recipient).status == 202
    assert watch.unchanged()
    watch.release()
    engines.ocr.gate.set()
    rt.workflow.wait(rt.records.get(first.body["id"]).execution_arn)
    assert [m["to"] for m in engines.outbox.sent] == ["ann@example.com"]
