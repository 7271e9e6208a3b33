"""The workflow's Lambda steps. The flow between them lives only in the ASL file."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from urllib.parse import unquote, urlsplit

from storytime.core.audio import mp3_seconds
from storytime.core.chunks import split_for_speech
from storytime.core.coverage import rekognition_shortfall
from storytime.core.language import detect_language, voice_for
from storytime.core.notices import notice
from storytime.core.reading import read_page
from storytime.core.records import Status, audio_key, ocr_key, speech_part_prefix, text_key, timings_key
from storytime.core.speakable import speakable
from storytime.core.timings import join_marks, parse_marks
from storytime.errors import AttemptsExhausted, NotFound, StoredDataMissing, TextTooLong, classify
from storytime.metrics.port import NO_TEXT, PAGES_COMPLETED, PAGES_FAILED
from storytime.service.deps import Deps

log = logging.getLogger("storytime.pipeline")
# JoinAudio's writes run at once on threads kept for the next page (a warm Lambda keeps them too):
# a pool made per call started its threads while the page waited, each start a hand-off of the
# interpreter's lock.
_WRITERS = ThreadPoolExecutor(8, thread_name_prefix="join-audio-write")


def _record(deps: Deps, page_id: str):
    record = deps.records.get(page_id)
    if record is None:
        raise NotFound(f"No page with id {page_id}.")
    return record


def load_progress(deps: Deps, page_id: str, recipient: str | None) -> dict:
    """Which steps are already done, so a duplicate or a re-run skips them.

    ``recipient`` is set only when a finished page is sent again: the cached
    path tells that one address. A page whose earlier attempts vanished
    without recording an outcome (lost executions) until the re-drive budget
    is spent ends here, through RecordFailure, with AttemptsExhausted.
    """
    record = _record(deps, page_id)
    progress = {"stage": "NEW", "notice": None, "textKey": record.text_key, "ocrKey": record.ocr_key,
                "language": record.language, "characters": record.characters}
    if record.finished:
        told = notice(record, [recipient] if recipient else [], deps.settings.media_base_url,
                      deps.settings.public_url)
        progress.update(stage=str(record.status), notice=told)
    elif record.failures >= 1 + deps.settings.max_redrives:
        raise AttemptsExhausted(f"{record.failures} attempts of this page were lost; "
                                f"{1 + deps.settings.max_redrives} are allowed")
    elif record.text_key and _whole_text(deps, record):
        progress["stage"] = "TEXT"
    elif record.ocr_key and _whole_detections(deps, record.ocr_key):
        progress["stage"] = "OCR"
    else:
        progress["ocrKey"] = None  # never read, or lost: the page is read again
    return progress


def _whole_text(deps: Deps, record) -> bool:
    """The stored text as ExtractText wrote it: like the OCR output it is written without an fsync
    where the store allows, and made durable only with the page's last write."""
    try:
        text = deps.objects.get(record.text_key).decode("utf-8")
    except (StoredDataMissing, UnicodeDecodeError):
        return False
    return len(text) == record.characters or (record.characters == 0 and not speakable(text))


def _whole_detections(deps: Deps, key: str) -> bool:
    """The stored OCR output as OCR wrote it. It is kept without an fsync where the store allows
    (see ``FileObjectStore``): after a power cut it may be missing, empty or cut short."""
    try:
        detections = json.loads(deps.objects.get(key))
    except (StoredDataMissing, ValueError):
        return False
    return isinstance(detections, dict) and isinstance(detections.get("TextDetections"), list)


def read_page_image(deps: Deps, page_id: str, image_key: str) -> dict:
    """The Tesseract reader: OCR the stored page, keep the detections in storage, return their key.

    Writes by key, so a re-run overwrites rather than adds. The state only
    ever sees the key and a word count, whatever the size of the page.
    """
    record = deps.records.get(page_id)
    image = deps.objects.get(image_key)
    hint = record.language_hint if record is not None else None
    # The engine is told the page's language only when the uploader named one.
    detections = deps.ocr(image, language=hint) if hint else deps.ocr(image)
    key = ocr_key(page_id)
    deps.objects.put(key, json.dumps(detections).encode(), "application/json")
    deps.records.update(page_id, ocr_key=key)
    words = sum(1 for d in detections.get("TextDetections", []) if d.get("Type") == "WORD")
    return {"ocrKey": key, "words": words}


def extract_text(deps: Deps, page_id: str, page: dict) -> dict:
    """OCR output -> text in reading order. Writes by key, so a re-run never doubles text.

    Rekognition's answer (detections in ``page``) is measured first: when it
    cannot be the whole page nothing is stored and the ``shortfall`` names why,
    so the workflow has the Tesseract reader read the page instead.
    """
    if page.get("TextDetections") is not None:
        detections = page["TextDetections"]
        shortfall = rekognition_shortfall(detections)
        if shortfall:
            return {"stage": "OCR", "textKey": None, "language": None, "characters": 0, "shortfall": shortfall}
        key = ocr_key(page_id)
        deps.objects.put(key, json.dumps({"TextDetections": detections}).encode(), "application/json")
        deps.records.update(page_id, ocr_key=key)
    else:
        detections = json.loads(deps.objects.get(page["ocrKey"]))["TextDetections"]
    text = read_page(detections)
    if len(text) > deps.settings.max_text_chars:
        raise TextTooLong(f"{len(text)} characters found; a page holds at most {deps.settings.max_text_chars}.")
    language = detect_language(text)
    # Only symbol debris is no text to read aloud: NO_TEXT, not an empty MP3.
    characters = len(text) if speakable(text) else 0
    key = text_key(page_id)
    deps.objects.put(key, text.encode("utf-8"), "text/plain; charset=utf-8")
    if not characters:  # nothing to speak: no later write makes it durable
        deps.objects.persist([key])
    deps.records.update(page_id, text_key=key, characters=characters, language=language)
    return {"stage": "TEXT", "textKey": key, "language": language, "characters": characters, "shortfall": None}


def _parts(deps: Deps, key: str) -> list[str]:
    text = deps.objects.get(key).decode("utf-8")
    return split_for_speech(speakable(text), deps.settings.speech_part_chars)


def plan_speech(deps: Deps, page_id: str, key: str, language: str) -> dict:
    voice = voice_for(language)
    deps.records.update(page_id, voice=voice.polly_voice)
    return {
        "parts": list(range(len(_parts(deps, key)))),
        "voice": {"voiceId": voice.polly_voice, "engine": voice.polly_engine,
                  "languageCode": voice.language_code, "language": voice.language},
    }


def read_speech_part(deps: Deps, page_id: str, key: str, index: int) -> dict:
    return {"text": _parts(deps, key)[index], "keyPrefix": speech_part_prefix(page_id, index)}


def _object_key(uri: str, bucket: str) -> str:
    """Polly's OutputUri (path or virtual-host style) -> the object's key in our bucket."""
    path = unquote(urlsplit(uri).path)
    return path[len(f"/{bucket}/"):] if path.startswith(f"/{bucket}/") else path.lstrip("/")


def _timings(deps: Deps, pieces: list[bytes], parts: list[dict]) -> dict | None:
    """One timing file for the joined MP3; None when a part's length cannot be told."""
    lengths = [mp3_seconds(piece) for piece in pieces]
    if None in lengths:
        log.warning("no read-along timings: a speech part is not a readable MP3")
        return None
    marks = [parse_marks(deps.objects.get(_object_key(p["marksUri"], deps.settings.bucket)))
             if p.get("marksUri") else None for p in parts]
    return join_marks(list(zip(lengths, marks)))


def join_audio(deps: Deps, page_id: str, parts: list[dict]) -> dict:
    """Polly names each file <prefix><TaskId>.mp3; MP3 frames concatenate into one stream.

    The parts' speech marks (when made) become one timing file for the whole MP3.
    """
    keys = [f"{p['keyPrefix']}{p['taskId']}.mp3" for p in parts]
    pieces = [deps.objects.get(k) for k in keys]
    audio = b"".join(pieces)
    key = audio_key(page_id)
    timings = _timings(deps, pieces, parts)
    writes = [(key, audio, "audio/mpeg")]
    if timings is not None:
        writes.append((timings_key(page_id), json.dumps(timings, ensure_ascii=False).encode("utf-8"),
                       "application/json"))
    # All at once: a durable write waits mostly for the disk, and the waits share its flushes. The
    # text, written without an fsync where the store allows, is made durable with them.
    others = [_WRITERS.submit(deps.objects.put, *write) for write in writes[1:]]
    others.append(_WRITERS.submit(deps.objects.persist, [text_key(page_id)]))
    try:
        deps.objects.put(*writes[0])
    finally:  # every write has ended (or failed) before the step does
        wait(others)
    for written in others:
        written.result()
    if timings is not None:
        deps.records.update(page_id, timings_key=timings_key(page_id))
    for k in keys + [_object_key(p["marksUri"], deps.settings.bucket) for p in parts if p.get("marksUri")]:
        deps.objects.delete(k)
    return {"audioKey": key, "bytes": len(audio)}


def record_outcome(deps: Deps, page_id: str, outcome: str, execution_arn: str,
                   audio: str | None = None, error: dict | None = None) -> dict:
    """Record how this execution's attempt ended; the notice says whom to tell (maybe nobody).

    A failure is final when its class says re-driving cannot help, or when
    this was the last allowed attempt; otherwise the page waits to be re-driven
    (RETRYING) and nobody is told yet: one failure e-mail per page, not per attempt.
    """
    now = deps.clock()
    if outcome == Status.FAILED:
        name, cause = (error or {}).get("Error"), (error or {}).get("Cause")
        failures = _record(deps, page_id).failures + 1
        final = classify(name).final or failures >= 1 + deps.settings.max_redrives
        status = Status.FAILED if final else Status.RETRYING
        record = deps.records.finish(page_id, status, execution_arn, error=name, cause=cause, failures=failures,
                                     completed_at=now if final else None)
    else:
        record = deps.records.finish(page_id, outcome, execution_arn, completed_at=now, audio_key=audio)
    if record is None or not record.finished:
        # Refused (the page ended, or a newer attempt holds it) or to be re-driven: nothing to tell.
        return notice(record, [], deps.settings.media_base_url) if record else skipped(outcome)
    deps.metrics.count(ENDED[record.status])  # this execution wrote the final outcome: counted once
    told = [a for a in record.recipients
            if deps.records.claim_notice(page_id, a, now, deps.settings.renotify_after_seconds,
                                         deps.settings.max_notices_per_address_per_day, execution_arn)]
    return notice(record, told, deps.settings.media_base_url, deps.settings.public_url)


ENDED = {Status.COMPLETE: PAGES_COMPLETED, Status.FAILED: PAGES_FAILED, Status.NO_TEXT: NO_TEXT}


def skipped(outcome: str) -> dict:
    return {"status": str(outcome), "subject": "", "message": "", "recipients": []}
