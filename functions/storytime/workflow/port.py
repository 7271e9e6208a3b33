"""Starting the state machine and reading what it did."""

from __future__ import annotations

from typing import Protocol


class Workflow(Protocol):
    def execution_arn(self, name: str) -> str:
        """The ARN an execution named ``name`` gets, known before it starts."""

    def start(self, name: str, payload: dict) -> str:
        """Start an execution named ``name``; return its ARN. Starting the same name again is no error."""

    def status(self, execution_arn: str) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, ... or None when the engine has no such execution."""

    def history(self, execution_arn: str) -> list[dict]:
        """The execution's events, oldest first, JSON-ready."""
