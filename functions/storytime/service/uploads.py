"""POST /upload: accept a photo once, however often and however concurrently it is sent."""

from __future__ import annotations

from dataclasses import replace

from storytime.core.addresses import plain_address
from storytime.core.content_id import content_id
from storytime.core.images import prepare_upload
from storytime.core.language import language_hint
from storytime.core.notices import result_link
from storytime.core.records import Record, Status, image_key
from storytime.errors import InsufficientStorage
from storytime.metrics.port import DUPLICATE_UPLOADS
from storytime.service.answers import Answer
from storytime.service.attempts import start_attempt, storage_low, tell_again
from storytime.service.deps import Deps
from storytime.service.results import final_answer, pending_answer


def accepted(record: Record, public_url: str) -> dict:
    return {"id": record.id, "status": str(record.status), "links": {"result": result_link(public_url, record.id)}}


def finished_duplicate(deps: Deps, record: Record, recipient: str | None) -> Answer:
    """Answered from the stored result; an address is told at most once a day, no address: nobody."""
    arn = tell_again(deps, record, recipient) if recipient else None
    return replace(final_answer(deps, record), execution_arn=arn)


def duplicate(deps: Deps, record: Record, recipient: str | None) -> Answer:
    deps.metrics.count(DUPLICATE_UPLOADS)
    if record.finished:
        return finished_duplicate(deps, record, recipient)
    if recipient:
        waiting = deps.records.add_recipient(record.id, recipient, deps.settings.max_recipients)
        if waiting is None:  # it ended just now: told like any finished page
            return finished_duplicate(deps, deps.records.get(record.id), recipient)
        record = waiting
    pending = pending_answer(deps, record)  # also restarts a stuck page
    body = {key: pending.body[key] for key in ("id", "status", "links")}
    return Answer(202, body, {"Retry-After": pending.headers["Retry-After"]})


def accept_upload(deps: Deps, data: bytes, declared_type: str | None, recipient: str | None = None,
                  max_bytes: int | None = None, language: str | None = None) -> Answer:
    """``language``: the page's language as the uploader names it (optional;
    the first upload of these bytes decides, as for everything else)."""
    settings = deps.settings
    if recipient:
        recipient = plain_address(recipient)
    language = language_hint(language)
    page_id = content_id(data)
    existing = deps.records.get(page_id) if data else None
    if existing is not None:
        # These exact bytes passed validation when they first came: answer at once.
        return duplicate(deps, existing, recipient)
    image = prepare_upload(data, declared_type, max_bytes=max_bytes or settings.max_upload_bytes,
                           max_pixels=settings.max_pixels)
    if storage_low(deps):
        raise InsufficientStorage("storytime is short of space for new pages; try again later.")
    # Image first, then the record: a record never points at a missing image.
    # Same bytes -> same key, so racing uploads write identical objects.
    key = image_key(page_id, image.extension)
    deps.objects.put(key, image.data, image.content_type)
    record = Record(id=page_id, status=Status.QUEUED, image_key=key, image_type=image.content_type,
                    created_at=deps.clock(), recipients=(recipient,) if recipient else (),
                    language_hint=language)
    try:
        created = deps.records.create(record)
    except InsufficientStorage:
        if deps.records.get(page_id) is None:
            deps.objects.delete(key)  # nothing partial: no image without its record
        raise
    if not created:
        return duplicate(deps, deps.records.get(page_id), recipient)
    try:
        start_attempt(deps, record)
    except InsufficientStorage:
        pass  # stored and QUEUED: the sweeper starts it when there is room
    started = deps.records.get(page_id)
    if started.finished:  # a quick page (or a quick failure) ended before its upload was answered
        return replace(final_answer(deps, started), execution_arn=started.execution_arn)
    return Answer(202, accepted(started, settings.public_url), {"Retry-After": str(settings.fresh_retry_after_seconds)},
                  execution_arn=started.execution_arn)
