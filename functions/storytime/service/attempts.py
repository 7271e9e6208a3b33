"""Starting (and starting again) the workflow for a page, with an end."""

from __future__ import annotations

import uuid

from storytime.core.language import first_reader
from storytime.core.records import Record, Status
from storytime.errors import InsufficientStorage
from storytime.service.deps import Deps


def execution_input(deps: Deps, record: Record, recipient: str | None = None) -> dict:
    """``recipient`` only for a finished page told again; a run's recipients live on the record."""
    return {
        "id": record.id,
        "imageKey": record.image_key,
        "recipient": recipient,
        "config": {"pollSeconds": deps.settings.poll_seconds,
                   "reader": first_reader(record.language_hint, deps.settings.first_reader)},
    }


def start_attempt(deps: Deps, record: Record, lost: bool = False) -> bool:
    """Run the page through the workflow once more, unless someone else just did.

    The compare-and-set on ``attempts`` means one execution per attempt even
    when many requests notice a stuck page at the same moment. The execution
    is named (``<id>-<attempt>``, 66-70 chars, unique as AWS requires) and its
    ARN stored with the claim, before it starts: a crash in between leaves a
    record pointing at an execution that is running or that never existed,
    never one running unseen beside the next. ``lost``: the last attempt
    vanished without recording how it ended, which counts as a failure.
    """
    name = f"{record.id}-{record.attempts + 1}"
    failures = record.failures + 1 if lost else None
    if not deps.records.claim_attempt(record.id, record.attempts, deps.clock(), deps.workflow.execution_arn(name),
                                      failures):
        return False
    deps.workflow.start(name, execution_input(deps, record))
    return True


def tell_again(deps: Deps, record: Record, recipient: str) -> str | None:
    """A finished page sent again with an address: one notice per address per page per day.

    Returns the notifying execution's ARN, or None when nothing is to be sent
    (then nothing is started at all).
    """
    name = f"{record.id}-n{uuid.uuid4().hex[:8]}"
    if not deps.records.claim_notice(record.id, recipient, deps.clock(), deps.settings.renotify_after_seconds,
                                     deps.settings.max_notices_per_address_per_day,
                                     execution_arn=deps.workflow.execution_arn(name)):
        return None
    return deps.workflow.start(name, execution_input(deps, record, recipient))


def resend_lost_notices(deps: Deps) -> int:
    """Notices whose sending execution vanished (the process died between the claim and the
    e-mail) are sent again by a new notifying execution; those whose execution ended are settled.

    Where executions never vanish (Step Functions) every notice settles. A notice lost after its
    e-mail left but before its execution ended is sent twice: at least once, never lost.
    """
    resent = 0
    since = deps.clock() - deps.settings.renotify_after_seconds
    for page_id, address, execution_arn in deps.records.unsettled_notices(since):
        status = deps.workflow.status(execution_arn)
        if status == "RUNNING":
            continue
        record = deps.records.get(page_id) if status is None else None
        if record is None or not record.finished:
            deps.records.hand_notice(page_id, address, None)  # it ended: its Notify sent or recorded it
            continue
        name = f"{page_id}-n{uuid.uuid4().hex[:8]}"
        deps.records.hand_notice(page_id, address, deps.workflow.execution_arn(name))  # before the start
        deps.workflow.start(name, execution_input(deps, record, address))
        resent += 1
    return resent


def storage_low(deps: Deps) -> bool:
    free = deps.free_bytes()
    return free is not None and free < deps.settings.min_free_bytes


def ensure_room(deps: Deps) -> None:
    """Refuse new work (507) while the disk is short of space: better now than halfway through."""
    if storage_low(deps):
        raise InsufficientStorage("storytime is short of space for new work; try again later.")


def is_stuck(deps: Deps, record: Record) -> bool:
    """Unfinished, quiet for longer than the fail-over delay, and not running anywhere."""
    if record.finished:
        return False
    if deps.clock() - record.last_activity() <= deps.settings.stale_after_seconds:
        return False
    return record.execution_arn is None or deps.workflow.status(record.execution_arn) != "RUNNING"


def redrive_if_stuck(deps: Deps, record: Record) -> bool:
    """Fail-over: start a stuck page again, unless the disk is too full for it to get anywhere."""
    if not is_stuck(deps, record) or storage_low(deps):
        return False
    try:
        # A RETRYING page's failure is already counted; one still PROCESSING lost its execution.
        return start_attempt(deps, record, lost=record.status is Status.PROCESSING)
    except InsufficientStorage:
        return False


def sweep(deps: Deps) -> int:
    """Re-drive every stuck page: what a poll would do, without anyone polling."""
    return sum(redrive_if_stuck(deps, record) for record in deps.records.unfinished())
