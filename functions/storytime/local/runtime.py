"""storytime on one machine: the real ASL on moto's embedded interpreter, local engines.

Nothing here re-implements the flow. The runtime loads the state machine,
answers the AWS calls its Tasks make (see :mod:`services`), and builds the
same :class:`Deps` the handlers get on AWS, with local adapters.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from storytime.core.records import OCR_OUTPUT, SPEECH_PARTS, TEXT, Status
from storytime.errors import InsufficientStorage
from storytime.functions import ENGINE_FUNCTIONS, FUNCTIONS, load_handler
from storytime.local import aws_bridge, moto_patch
from storytime.local.config import LocalSettings
from storytime.local.email_service import sesv2_operations
from storytime.local.engine_slots import EngineSlots
from storytime.local.history import ArchivingWorkflow
from storytime.local.services import (
    ACCOUNT,
    REGION,
    function_arn,
    lambda_operations,
    polly_operations,
    rekognition_operations,
    sns_operations,
)
from storytime.metrics.port import CountingMetrics
from storytime.objects.files import FileObjectStore
from storytime.records.sqlite import SqliteRecordStore
from storytime.service.attempts import resend_lost_notices, start_attempt, storage_low, sweep
from storytime.service.deps import Deps
from storytime.service.staged import STAGED_EXPIRY_DAYS, STAGED_PREFIX
from storytime.settings import Settings
from storytime.statemachine import definition_path, substitute

BUCKET = "storytime-media"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:storytime-notify"
# The SES sender identity; the outbox writes its messages From this address too.
SENDER = "storytime@localhost"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/storytime-workflow"
# The services the ASL's Tasks call (lambda:invoke, aws-sdk:rekognition/polly/sesv2, sns:publish).
TASK_SERVICES = ("lambda", "rekognition", "polly", "sesv2", "sns")
# Objects written without an fsync: what the workflow makes again when it is lost (FileObjectStore);
# the text is fsynced with the page's last write (JoinAudio), off the page's path in between.
TRANSIENT = (SPEECH_PARTS, OCR_OUTPUT, TEXT)


@dataclass
class Engines:
    ocr: object  # callable(image bytes) -> DetectText response
    speech: object  # .synthesize_mp3(text, espeak_voice) -> bytes
    outbox: object  # .send(to, subject, body)


def default_engines(data: Path, smtp_url: str | None, local: LocalSettings | None = None) -> Engines:
    from storytime.local.outbox import Outbox
    from storytime.local.reader_processes import ReaderProcesses, tesseract_reader
    from storytime.local.speech_espeak import EspeakSpeech
    from storytime.local.speech_processes import SpeechProcesses

    local = local or LocalSettings.from_env()
    pools = []
    if local.speech_processes > 0:
        # A part in one synthesis of libespeak-ng, in a fresh fork of a warm worker: no process per sentence.
        speech = SpeechProcesses(local.speech_processes, local.engine_nice)
        pools.append(speech)
    else:
        speech = EspeakSpeech()  # the espeak-ng program, once per sentence
    if local.reader_processes > 0:
        # Each page read in a warm worker process of its own, as each reader Lambda in its sandbox.
        ocr = ReaderProcesses(local.reader_processes, local.engine_nice, local.reader_timeout_seconds)
        pools.append(ocr)
    else:
        ocr = tesseract_reader()  # in this process, its models loaded once and warm
    for pool in pools:  # started above, all at once; the server's first page is as fast as the rest
        pool.warm()
    return Engines(ocr=ocr, speech=speech, outbox=Outbox(data / "outbox", smtp_url))


def slots_nice(engines: Engines, nice: int) -> int:
    """The nice value a thread that calls an engine takes: ``nice``, unless every engine runs in
    processes of its own that are niced already (``niced_apart``: the default reader and speech
    workers). Then the interpreter's thread keeps the API's priority for its own work around the
    call (and the thread pool keeps the thread; it replaces one that was lowered)."""
    apart = all(getattr(engine, "niced_apart", False) for engine in (engines.ocr, engines.speech))
    return 0 if apart else nice


class LocalRuntime:
    def __init__(self, data: Path, media_base_url: str, engines: Engines | None = None,
                 settings: dict | None = None, smtp_url: str | None = None, resume: bool = True,
                 local: LocalSettings | None = None, sweeper: bool = False,
                 speech_inline_seconds: float | None = None):
        import boto3
        from moto import mock_aws

        self.local = local or LocalSettings.from_env()
        self.data = Path(data)
        self.data.mkdir(parents=True, exist_ok=True)
        self._own_engines = engines is None
        self.engines = engines or default_engines(self.data, smtp_url, self.local)
        self.slots = EngineSlots(self.local.engine_slots, slots_nice(self.engines, self.local.engine_nice),
                                 self.local.engine_wait_seconds)
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        moto_patch.apply()
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
        sfn = moto_patch.direct_start(boto3.client("stepfunctions", region_name=REGION, aws_access_key_id="local",
                                                   aws_secret_access_key="local"))
        definition = substitute(definition_path().read_text("utf-8"), {
            "MediaBucket": BUCKET, "NotifyTopicArn": TOPIC_ARN, "SenderAddress": SENDER,
            **{f"{name}FunctionArn": function_arn(name) for name in FUNCTIONS},
        })
        machine = sfn.create_state_machine(name="storytime", definition=definition, roleArn=ROLE_ARN)
        moto_patch.warm(json.loads(definition), REGION, TASK_SERVICES)
        self.settings = Settings(bucket=BUCKET, table="local", state_machine_arn=machine["stateMachineArn"],
                                 media_base_url=media_base_url,
                                 **{"poll_seconds": 0, "first_reader": "tesseract", **(settings or {})})
        self.objects = FileObjectStore(self.data / "objects", transient_prefixes=TRANSIENT)
        self.records = SqliteRecordStore(self.data / "storytime.db")
        self.workflow = ArchivingWorkflow(self.settings.state_machine_arn, sfn, self.data / "history",
                                          retention_days=self.local.history_retention_days)
        self.deps = Deps(settings=self.settings, records=self.records, objects=self.objects, workflow=self.workflow,
                         ocr=self.engines.ocr, free_bytes=lambda: shutil.disk_usage(self.data).free,
                         metrics=CountingMetrics())
        self.operations = {
            **lambda_operations({n: load_handler(h) for n, h in FUNCTIONS.items()}, self.deps,
                                self.slots, ENGINE_FUNCTIONS),
            **rekognition_operations(self.engines.ocr, self.objects, BUCKET, self.slots),
            **polly_operations(self.engines.speech, self.objects, BUCKET, self.slots,
                               inline_seconds=speech_inline_seconds),
            **sns_operations(self.engines.outbox, TOPIC_ARN),
            **sesv2_operations(self.engines.outbox, SENDER),
        }
        aws_bridge.install(self.operations)
        self._stopping = threading.Event()
        self._sweeper = None
        if resume:
            self.resume_unfinished()
        if sweeper:
            self._sweeper = threading.Thread(target=self._sweep_forever, name="sweeper", daemon=True)
            self._sweeper.start()

    def _sweep_forever(self) -> None:
        """Pages in flight resume by themselves (after a full disk, a lost execution), not only when polled."""
        import logging

        while not self._stopping.wait(self.settings.sweep_seconds):
            try:
                sweep(self.deps)
                self.objects.expire(STAGED_PREFIX, STAGED_EXPIRY_DAYS * 86_400)
            except Exception:  # a sweep that fails (say, a full disk) is tried again next time
                logging.getLogger("storytime.sweeper").exception("sweep failed")

    def resume_unfinished(self) -> int:
        """After a restart nothing is running: pages that were under way start again, skipping done steps,
        and notices claimed by an execution that died with the process are sent again.

        RETRYING pages wait for the fail-over guard (the sweeper or a retrieve),
        so a page that always fails is not retried on every start.
        """
        resumed = 0
        resend_lost_notices(self.deps)
        if storage_low(self.deps):
            return 0  # the sweeper resumes them once there is room
        for record in self.records.unfinished():
            interrupted = record.status in (Status.QUEUED, Status.PROCESSING)
            if not interrupted:
                continue
            if record.execution_arn is None or self.workflow.status(record.execution_arn) != "RUNNING":
                try:
                    resumed += start_attempt(self.deps, record)
                except InsufficientStorage:
                    break  # the sweeper resumes the rest once there is room
        return resumed

    def close(self) -> None:
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.join(30)
        self.workflow.close()
        aws_bridge.uninstall(self.operations)
        self._mock.stop()
        self.records.close()
        if self._own_engines:
            for engine in (self.engines.ocr, self.engines.speech):
                if hasattr(engine, "close"):
                    engine.close()
