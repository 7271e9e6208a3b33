"""Execution histories kept in the data folder, readable after a restart.

The embedded interpreter keeps executions in memory; a watcher thread per
execution copies its events to ``history/<name>.json`` as they appear.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from storytime.objects.files import write_durably
from storytime.workflow.stepfunctions import StepFunctionsWorkflow


class ArchivingWorkflow(StepFunctionsWorkflow):
    def __init__(self, state_machine_arn: str, client, folder: Path, poll_seconds: float = 0.05):
        super().__init__(state_machine_arn, client)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._poll = poll_seconds
        self._watchers: dict[str, threading.Thread] = {}
        self._closing = threading.Event()

    def _file(self, execution_arn: str) -> Path:
        return self.folder / f"{execution_arn.rsplit(':', 1)[-1]}.json"

    def _archive(self, execution_arn: str, status: str, events: list[dict]) -> None:
        doc = {"executionArn": execution_arn, "status": status, "events": events}
        write_durably(self._file(execution_arn), json.dumps(doc, ensure_ascii=False).encode())

    def _watch(self, execution_arn: str) -> None:
        try:
            self._follow(execution_arn)
        finally:
            self._watchers.pop(execution_arn, None)

    def _follow(self, execution_arn: str) -> None:
        seen = -1
        while not self._closing.is_set():
            try:
                status = super().status(execution_arn)
                events = super().history(execution_arn)
            except self._sfn.exceptions.ExecutionDoesNotExist:
                return  # the interpreter was shut down under us
            if len(events) != seen or status != "RUNNING":
                self._archive(execution_arn, status or "UNKNOWN", events)
                seen = len(events)
            if status != "RUNNING":
                return
            time.sleep(self._poll)

    def close(self, timeout: float = 5) -> None:
        """Stop watching; what was archived so far stays readable."""
        self._closing.set()
        for watcher in list(self._watchers.values()):
            watcher.join(timeout)

    def start(self, name: str, payload: dict) -> str:
        arn = super().start(name, payload)
        watcher = threading.Thread(target=self._watch, args=(arn,), name=f"history-{name[:12]}", daemon=True)
        self._watchers[arn] = watcher
        watcher.start()
        return arn

    def _archived(self, execution_arn: str) -> dict | None:
        path = self._file(execution_arn)
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

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
            archived = self._archived(execution_arn)  # from before a restart
            return archived["events"] if archived else []

    def wait(self, execution_arn: str, timeout: float = 600) -> str | None:
        """Block until the execution ends and its history is archived."""
        watcher = self._watchers.get(execution_arn)
        if watcher is not None:
            watcher.join(timeout)
        return self.status(execution_arn)
