"""Execution histories kept in the data folder, readable after a restart; memory stays flat.

The embedded interpreter would keep every execution in memory for ever.
When one ends, its history is archived (``history/<name>.json.gz``) and the
interpreter forgets it; from then on status and history come from the
archive. While an execution runs, one thread snapshots its history when it
has entered a new state, at most every ``snapshot_seconds``, so a crash
leaves what happened so far (a page waiting for an engine slot retries
without entering states, and is not written again and again). Archives
are pruned ``retention_days`` after they last changed, as AWS keeps a
closed execution's history for 90 days.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

from storytime.local import moto_patch
from storytime.objects.files import write_durably
from storytime.workflow.stepfunctions import StepFunctionsWorkflow

ARCHIVE_SUFFIX = ".json.gz"


def read_archive(path: Path) -> dict:
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if path.name.endswith(".gz") else data)


def prune(folder: Path, cutoff: float) -> int:
    """Delete archives that last changed before ``cutoff`` (epoch seconds); how many went."""
    removed = 0
    for path in Path(folder).iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


class ArchivingWorkflow(StepFunctionsWorkflow):
    def __init__(self, state_machine_arn: str, client, folder: Path, snapshot_seconds: float = 0.5,
                 retention_days: float = 90.0, clock=time.time):
        super().__init__(state_machine_arn, client)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.retention_seconds = retention_days * 86400
        self._clock = clock
        self._snapshot_seconds = snapshot_seconds
        self._prefix = state_machine_arn.replace(":stateMachine:", ":execution:") + ":"
        self._lock = threading.Lock()
        self._running: dict[str, threading.Event] = {}  # started here, not yet archived as ended
        self._seen: dict[str, int] = {}  # states entered at each running execution's last snapshot
        self._closing = threading.Event()
        moto_patch.on_execution_end(self._ended)
        self.prune()
        self._snapshots = threading.Thread(target=self._snapshot_loop, name="history-snapshots", daemon=True)
        self._snapshots.start()

    # -- archive files ---------------------------------------------------

    def _file(self, execution_arn: str, suffix: str = ARCHIVE_SUFFIX) -> Path:
        return self.folder / f"{execution_arn.rsplit(':', 1)[-1]}{suffix}"

    def _write(self, execution_arn: str, status: str, events: list[dict], durable: bool) -> None:
        doc = {"executionArn": execution_arn, "status": status, "events": events}
        data = gzip.compress(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), 6)
        path = self._file(execution_arn)
        if durable:
            write_durably(path, data)
        else:  # a snapshot: survives the process dying, and the next one replaces it anyway
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(data)
            partial.replace(path)

    def _archived(self, execution_arn: str) -> dict | None:
        for path in (self._file(execution_arn), self._file(execution_arn, ".json")):  # .json: older folders
            if path.is_file():
                return read_archive(path)
        return None

    def prune(self) -> int:
        """Delete archives that have not changed for longer than the retention period."""
        return prune(self.folder, self._clock() - self.retention_seconds)

    # -- running executions ----------------------------------------------

    def _ended(self, execution_arn: str) -> None:
        """In the execution's own thread, once its final status is set: archive, then forget it."""
        with self._lock:
            done = self._running.pop(execution_arn, None)
            self._seen.pop(execution_arn, None)
        if done is None:
            return  # not ours, or already archived
        try:
            found = moto_patch.snapshot(execution_arn)
            if found is not None:
                self._write(execution_arn, *found[:2], durable=True)
                moto_patch.forget_execution(execution_arn)
        except OSError:  # a full disk: the interpreter keeps the execution; its history stays readable there
            pass
        finally:
            done.set()

    def _snapshot_loop(self) -> None:
        last_prune = self._clock()
        while not self._closing.wait(self._snapshot_seconds):
            with self._lock:
                running = [(arn, self._seen.get(arn, -1)) for arn in self._running]
            for arn, seen in running:
                found = moto_patch.snapshot(arn, entered=seen)
                if found is None:
                    continue
                status, events, entered = found
                if status != "RUNNING":
                    self._ended(arn)  # ended without telling us (an interpreter error)
                    continue
                with self._lock:
                    if arn in self._running:  # not archived as ended meanwhile
                        try:
                            self._write(arn, status, events, durable=False)
                            self._seen[arn] = entered
                        except OSError:  # a full disk: the next snapshot tries again
                            pass
            if self._clock() - last_prune > 3600:
                self.prune()
                last_prune = self._clock()

    def close(self, timeout: float = 5) -> None:
        """Stop snapshotting; what was archived so far stays readable."""
        self._closing.set()
        moto_patch.remove_listener(self._ended)
        self._snapshots.join(timeout)

    # -- the Workflow port -----------------------------------------------

    def start(self, name: str, payload: dict) -> str:
        arn = self._prefix + name
        with self._lock:  # before the start: a fast execution can end before start() returns
            self._running.setdefault(arn, threading.Event())
        try:
            started = super().start(name, payload)
        except Exception:
            with self._lock:
                self._running.pop(arn, None)
            raise
        if started != arn:  # never expected; keep following the real one
            with self._lock:
                self._running[started] = self._running.pop(arn)
        return started

    def status(self, execution_arn: str) -> str | None:
        live = super().status(execution_arn)
        if live is not None:
            return live
        archived = self._archived(execution_arn)
        # An execution that was RUNNING when the process stopped is gone, not running.
        if archived is None or archived["status"] == "RUNNING":
            return None
        return archived["status"]

    def history(self, execution_arn: str) -> list[dict]:
        try:
            return super().history(execution_arn)
        except self._sfn.exceptions.ExecutionDoesNotExist:
            archived = self._archived(execution_arn)  # ended, or from before a restart
            return archived["events"] if archived else []

    def wait(self, execution_arn: str, timeout: float = 600) -> str | None:
        """Block until the execution ends and its history is archived.

        Its ARN is stored with the claim, before it starts: a caller may ask a moment before it exists.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                done = self._running.get(execution_arn)
            if done is not None:
                done.wait(max(0.0, deadline - time.monotonic()))
            status = self.status(execution_arn)
            if status not in (None, "RUNNING") or time.monotonic() >= deadline:
                return status
            time.sleep(0.02)
