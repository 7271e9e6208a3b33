"""GET /result/{id}: what a person sees of a page, and fail-over for stuck work."""

from __future__ import annotations

from storytime.core.content_id import is_content_id
from storytime.core.events import public_events
from storytime.core.notices import failure_status, result_link, result_view, step
from storytime.core.records import Record, Status
from storytime.errors import MalformedId, NotFound
from storytime.service.answers import Answer
from storytime.service.attempts import is_stuck, redrive_if_stuck, storage_low
from storytime.service.deps import Deps


def load(deps: Deps, record_id: str) -> Record:
    if not is_content_id(record_id):
        raise MalformedId("A page id is 64 lowercase hexadecimal characters (the SHA-256 of the photo).")
    record = deps.records.get(record_id)
    if record is None:
        raise NotFound(f"No page with id {record_id}.")
    return record


def final_answer(deps: Deps, record: Record) -> Answer:
    """A finished page: 200 COMPLETE, 422 NO_TEXT, 422 or 500 FAILED with its code. Never changes again."""
    text = deps.objects.get(record.text_key).decode("utf-8") if record.text_key else None
    view = result_view(record, text, deps.settings.media_base_url, deps.settings.public_url)
    if record.status is Status.COMPLETE:
        return Answer(200, view)
    if record.status is Status.NO_TEXT:
        return Answer(422, {"error": "NO_TEXT", **view})
    return Answer(failure_status(record), view)


def pending_answer(deps: Deps, record: Record) -> Answer:
    """503 while the page is worked on; a stuck page (or a retryable failure) is started again."""
    if redrive_if_stuck(deps, record):
        record = deps.records.get(record.id)
        message = "The last attempt did not finish; storytime has started it again."
        retry_after = deps.settings.stale_after_seconds
    elif record.status is Status.RETRYING or storage_low(deps):
        message = "The last attempt failed; storytime will try again shortly."
        retry_after = deps.settings.stale_after_seconds
    else:
        message = "The page is still being read."
        retry_after = deps.settings.fresh_retry_after_seconds
    body = {"id": record.id, "status": str(record.status), "step": step(record), "message": message,
            "links": {"result": result_link(deps.settings.public_url, record.id)}}
    return Answer(503, body, {"Retry-After": str(retry_after)})


def retrieve(deps: Deps, record_id: str, wait: float = 0.0) -> Answer:
    """``wait``: seconds to wait for an unfinished page's outcome before answering 503 (a long
    poll: the answer comes as the outcome is written). A stuck page is started again at once."""
    record = load(deps, record_id)
    if wait > 0 and not record.finished and not is_stuck(deps, record):
        record = deps.records.wait_finished(record.id, wait) or record
    if record.finished:
        return final_answer(deps, record)
    return pending_answer(deps, record)


def history(deps: Deps, record_id: str) -> Answer:
    record = load(deps, record_id)
    if record.execution_arn is None:
        return Answer(200, {"id": record.id, "executionArn": None, "events": []})
    events = public_events(deps.workflow.history(record.execution_arn))
    return Answer(200, {"id": record.id, "executionArn": record.execution_arn, "events": events})
