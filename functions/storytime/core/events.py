"""What anyone holding a page id may see of its workflow: state names, times, error codes (pure).

The raw events carry the execution's input and every state's output (the
uploader's e-mail address, the page's text) and, on failure, the cause, which
on AWS is a stack trace. None of that leaves through the API.
"""

from __future__ import annotations


def _details(event: dict) -> dict:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def public_event(event: dict) -> dict:
    details = _details(event)
    view = {"id": event.get("id"), "type": event.get("type"), "timestamp": event.get("timestamp")}
    if details.get("name"):
        view["state"] = details["name"]
    if details.get("error"):
        view["error"] = details["error"]
    return view


def public_events(events: list[dict]) -> list[dict]:
    return [public_event(event) for event in events]
