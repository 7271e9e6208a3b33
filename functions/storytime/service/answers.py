"""HTTP-shaped answers of the services: (status, headers, body)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    # The workflow execution this request started, if any (not sent to clients).
    execution_arn: str | None = None
