"""Execution events printed like the Step Functions console's event list."""

from __future__ import annotations

from datetime import datetime


def _details(event: dict) -> dict:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def describe(event: dict) -> str:
    """One line: time, event type, and the state, resource or error it concerns."""
    stamp = event.get("timestamp", "")
    try:
        stamp = datetime.fromisoformat(stamp).strftime("%H:%M:%S.%f")[:-3]
    except (TypeError, ValueError):
        pass
    details = _details(event)
    subject = details.get("name") or details.get("resource") or ""
    if details.get("error"):
        cause = (details.get("cause") or "").replace("\n", " ")
        subject = f"{subject} {details['error']}: {cause[:120]}".strip()
    return f"{stamp:12}  {event.get('id', ''):>3}  {event.get('type', ''):28}  {subject}"


def describe_all(events: list[dict]) -> list[str]:
    """Every event, with the state it belongs to and retries made visible.

    Step Functions shows a retry as a failed task followed by the same task
    scheduled again; we say so.
    """
    lines, state, failures = [], "", 0
    for event in events:
        kind = event.get("type", "")
        details = _details(event)
        if kind.endswith("StateEntered"):
            state, failures = details.get("name", ""), 0
        line = describe(event)
        if kind.endswith("Failed") and details.get("error"):
            failures += 1
        elif kind.endswith("Scheduled") and failures:
            line += f"  (retry {failures} of {state})"
        lines.append(line)
    return lines


def progress(event: dict) -> str | None:
    """The events worth showing while a page is read: states entered, failures, the end."""
    kind = event.get("type", "")
    if kind.endswith("StateEntered") or kind.endswith("Failed") or kind.startswith("Execution") \
            or kind.endswith("TimedOut"):
        return describe(event)
    return None
