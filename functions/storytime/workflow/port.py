"""Starting the state machine and reading what it did."""

from __future__ import annotations

from typing import Protocol


class Workflow(Protocol):
    def start(self, name: str, payload: dict) -> str:
        """Start an execution named ``name``; return its ARN."""

    def status(self, execution_arn: str) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, ... or None when the engine has no such execution."""

    def history(self, execution_arn: str) -> list[dict]:
        """The execution's events, oldest first, JSON-ready."""
