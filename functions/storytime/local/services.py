"""Local stand-ins for the AWS APIs the workflow calls, shaped like the real answers.

Each builder returns ``{"service.Operation": callable}`` for :mod:`aws_bridge`.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
import uuid
from collections import OrderedDict
from types import SimpleNamespace

from storytime.core.language import espeak_voice_for_polly
from storytime.errors import EngineError, StoredDataMissing, UnreadableImage
from storytime.local.aws_bridge import ServiceError, request_id, streaming
from storytime.local.engine_slots import EngineSlots, NoSlot, lower_priority
from storytime.local.rekognition_limits import within_limits

log = logging.getLogger("storytime.local")
REGION = "us-east-1"
KEPT_SPEECH_TASKS = 10_000
ACCOUNT = "123456789012"


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:storytime-{name}"


def _unbounded():
    return EngineSlots(size=1 << 16, nice=0)


def lambda_operations(handlers: dict[str, callable], deps, slots: EngineSlots | None = None,
                      engine_functions: frozenset[str] = frozenset()) -> dict:
    """Lambda Invoke -> the same handler, in-process, with the same event.

    Functions that run an engine share the machine's engine slots, as a
    function's reserved concurrency caps it on AWS: beyond it, Invoke is
    refused with TooManyRequestsException and the workflow retries.
    """
    by_name = {f"storytime-{name}": handler for name, handler in handlers.items()}
    bounded = {f"storytime-{name}" for name in engine_functions}
    slots = slots or _unbounded()

    def invoke(params):
        name = params["FunctionName"].split(":function:")[-1].split(":")[0]
        handler = by_name.get(name)
        if handler is None:
            raise ServiceError("ResourceNotFoundException", f"Function not found: {name}", 404)
        payload = params.get("Payload") or b"{}"
        event = json.loads(payload)
        context = SimpleNamespace(function_name=name, aws_request_id=request_id(),
                                  get_remaining_time_in_millis=lambda: 60_000)
        if name not in bounded:
            return _run(handler, event, context)
        try:
            with slots.take():
                return _run(handler, event, context)
        except NoSlot:
            raise ServiceError("TooManyRequestsException", "Rate Exceeded.", 429) from None

    def _run(handler, event, context):
        try:
            result = handler(event, context, deps=deps)
        except Exception as error:  # Lambda reports any exception as the function's error
            body = {"errorType": type(error).__name__, "errorMessage": str(error),
                    "stackTrace": traceback.format_tb(error.__traceback__)}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": streaming(json.dumps(body).encode())}
        return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": streaming(json.dumps(result).encode())}

    return {"lambda.Invoke": invoke}


def _read_image(params, objects, bucket) -> bytes:
    image = params.get("Image") or {}
    if "Bytes" in image:
        return image["Bytes"]
    s3 = image.get("S3Object") or {}
    if s3.get("Bucket") != bucket:
        raise ServiceError("InvalidS3ObjectException", f"Unable to get object from S3 bucket {s3.get('Bucket')}.")
    try:
        return objects.get(s3.get("Name", ""))
    except StoredDataMissing:
        raise ServiceError("InvalidS3ObjectException",
                           "Unable to get object metadata from S3. Check object key, region and/or access "
                           "permissions.") from None


def _throttled() -> ServiceError:
    return ServiceError("ThrottlingException", "Rate exceeded.", 400)


def rekognition_operations(ocr, objects, bucket: str, slots: EngineSlots | None = None) -> dict:
    """DetectText -> the local OCR engine, answering in Rekognition's shape and within its limits."""
    slots = slots or _unbounded()

    def detect_text(params):
        data = _read_image(params, objects, bucket)
        try:
            with slots.take():
                return within_limits(ocr(data))
        except NoSlot:
            raise _throttled() from None
        except UnreadableImage as error:  # final: no retry can read it
            raise ServiceError("InvalidImageFormatException", str(error)) from None
        except EngineError as error:  # the engine crashed or timed out: retryable, as Rekognition's 5xx
            raise ServiceError("InternalServerError", str(error), 500) from None

    return {"rekognition.DetectText": detect_text}


def polly_operations(speech, objects, bucket: str, slots: EngineSlots | None = None,
                     inline_seconds: float | None = None) -> dict:
    """Start/GetSpeechSynthesisTask -> the local speech engine, writing <prefix><TaskId>.mp3 or .marks like Polly.

    Start waits up to ``inline_seconds`` (None: until done) for the synthesis,
    so on one machine the task is usually ``completed`` already and the
    workflow's Choice skips its Wait. A task still running answers
    ``scheduled`` / ``inProgress`` as Polly does, and the workflow polls
    (WaitForSpeech -> GetSpeech) until it ends.
    """
    # Recent tasks only: the workflow asks about a task within seconds of starting it.
    tasks: OrderedDict[str, dict] = OrderedDict()
    lock = threading.Lock()
    slots = slots or _unbounded()

    def synthesize(task: dict, text: str, voice: str, output: str, mark_types: list, key: str,
                   marks: list[dict] | None = None) -> None:
        try:
            if output == "json":
                if marks is None:
                    marks = speech.speech_marks(text, voice, tuple(mark_types))
                data = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in marks).encode("utf-8")
                objects.put(key, data, "application/x-json-stream")
            else:
                objects.put(key, speech.synthesize_mp3(text, voice), "audio/mpeg")
            outcome = {"TaskStatus": "completed"}
        except Exception as error:  # any engine fault is the task's failure, as on Polly
            outcome = {"TaskStatus": "failed", "TaskStatusReason": f"{type(error).__name__}: {error}"}
        with lock:
            task.update(outcome)

    def keep(task: dict) -> None:
        with lock:
            tasks[task["TaskId"]] = task
            while len(tasks) > KEPT_SPEECH_TASKS:
                tasks.popitem(last=False)

    def start(params):
        if params.get("OutputS3BucketName") != bucket:
            raise ServiceError("InvalidS3BucketException", "The provided S3 bucket name is invalid.")
        if params.get("TextType", "text") != "text":
            raise ServiceError("InvalidSsmlException", "storytime's local engine speaks plain text only.")
        output = params.get("OutputFormat", "mp3")
        mark_types = params.get("SpeechMarkTypes") or []
        if mark_types and output != "json":
            raise ServiceError("MarksNotSupportedForFormatException",
                               "Speech marks are only available for content in json format.")
        if output not in ("mp3", "json"):
            raise ServiceError("ValidationException", f"storytime's local engine writes mp3 or json, not {output}.")
        task_id = str(uuid.uuid4())
        # Polly's names: <prefix><TaskId>.mp3 for audio, .marks for speech marks.
        key = f"{params.get('OutputS3KeyPrefix', '')}{task_id}.{'marks' if output == 'json' else 'mp3'}"
        task = {
            "TaskId": task_id, "TaskStatus": "scheduled", "OutputFormat": output, "TextType": "text",
            "VoiceId": params["VoiceId"], "Engine": params.get("Engine", "standard"),
            "LanguageCode": params.get("LanguageCode", ""), "RequestCharacters": len(params["Text"]),
            "OutputUri": f"https://s3.{REGION}.amazonaws.com/{bucket}/{key}",
        }
        if mark_types:
            task["SpeechMarkTypes"] = list(mark_types)
        voice = espeak_voice_for_polly(params["VoiceId"])
        kept = getattr(speech, "kept_marks", None) if output == "json" else None
        marks = kept(params["Text"], voice, tuple(mark_types)) if kept else None
        if marks is not None:
            # The part's MP3 task has just spoken it and its marks are kept: no engine runs, so no
            # slot to wait for (behind other pages' OCR) and no thread lowered below the API.
            synthesize(task, params["Text"], voice, output, mark_types, key, marks)
            keep(task)
            with lock:
                return {"SynthesisTask": dict(task)}
        # Taken here, so a busy machine answers Start as a throttled Polly; speech is a page's
        # later step, so it goes before pages waiting for OCR.
        slot = slots.take(finishing=True)
        try:
            slot.__enter__()
        except NoSlot:
            raise _throttled() from None
        keep(task)

        def run():
            try:
                lower_priority(slots.nice)  # this thread starts the engine: it runs below the API
                synthesize(task, params["Text"], voice, output, mark_types, key)
            finally:
                slot.__exit__(None, None, None)

        if inline_seconds is None:  # answered once done: spoken in this thread (run() lowers its priority)
            run()
        else:
            worker = threading.Thread(target=run, daemon=True, name=f"speech-{task_id[:8]}")
            worker.start()
            worker.join(inline_seconds)
        with lock:
            return {"SynthesisTask": dict(task)}

    def get(params):
        with lock:
            task = tasks.get(params.get("TaskId", ""))
            if task is None:
                raise ServiceError("SynthesisTaskNotFoundException",
                                   "The Speech Synthesis task with requested Task ID cannot be found.")
            if task["TaskStatus"] == "scheduled":
                task["TaskStatus"] = "inProgress"
            return {"SynthesisTask": dict(task)}

    return {"polly.StartSpeechSynthesisTask": start, "polly.GetSpeechSynthesisTask": get}


def sns_operations(outbox, topic_arn: str, subscribers: tuple[str, ...] = ()) -> dict:
    """Publish -> one e-mail in the outbox per subscriber of the topic (none unless configured).

    As on AWS, a topic delivers to its subscriptions only; the person who asked
    is e-mailed through SES (:mod:`storytime.local.email_service`).
    """

    def publish(params):
        if params.get("TopicArn") != topic_arn:
            raise ServiceError("NotFound", "Topic does not exist", 404)
        for subscriber in subscribers:
            try:
                outbox.send(subscriber, params.get("Subject") or "storytime", params["Message"])
            except OSError as error:  # the outbox folder is full: nothing was written
                raise ServiceError("InternalError", f"The outbox could not store the message: {error}",
                                   500) from None
            except EngineError as error:
                # The .eml is in the outbox; only the SMTP copy failed. Publishing
                # again would write the message twice, so report and carry on.
                log.warning("notification kept in the outbox only: %s", error)
        return {"MessageId": request_id()}

    return {"sns.Publish": publish}
