"""Starting (and starting again) the workflow for a page."""

from __future__ import annotations

import uuid

from storytime.core.records import Record
from storytime.service.deps import Deps


def execution_input(deps: Deps, record: Record, recipient: str | None) -> dict:
    return {
        "id": record.id,
        "imageKey": record.image_key,
        "recipient": recipient or record.recipient,
        "config": {"pollSeconds": deps.settings.poll_seconds, "reader": deps.settings.first_reader},
    }


def start_attempt(deps: Deps, record: Record, recipient: str | None = None) -> bool:
    """Run the page through the workflow once more, unless someone else just did.

    The compare-and-set on ``attempts`` means one execution per attempt even
    when many requests notice a stuck page at the same moment. Execution names
    (``<id>-<attempt>``, 66-70 chars) stay unique as AWS requires.
    """
    if not deps.records.claim_attempt(record.id, record.attempts, deps.clock()):
        return False
    name = f"{record.id}-{record.attempts + 1}"
    arn = deps.workflow.start(name, execution_input(deps, record, recipient))
    deps.records.update(record.id, execution_arn=arn)
    return True


def renotify(deps: Deps, record: Record, recipient: str | None) -> str:
    """A finished page sent again: the workflow's cached path tells the person, nothing is redone."""
    name = f"{record.id}-n{uuid.uuid4().hex[:8]}"
    return deps.workflow.start(name, execution_input(deps, record, recipient))


def is_stuck(deps: Deps, record: Record) -> bool:
    """Unfinished, quiet for longer than the fail-over delay, and not running anywhere."""
    if record.finished:
        return False
    if deps.clock() - record.last_activity() <= deps.settings.stale_after_seconds:
        return False
    return record.execution_arn is None or deps.workflow.status(record.execution_arn) != "RUNNING"
