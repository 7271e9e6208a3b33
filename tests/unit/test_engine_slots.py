"""Engine calls are bounded to the slots, refused (not queued) beyond them, and run niced."""

import os
import threading

import pytest
from storytime.local.aws_bridge import ServiceError
from storytime.local.config import LocalSettings
from storytime.local.engine_slots import EngineSlots, NoSlot
from storytime.local.services import lambda_operations, polly_operations, rekognition_operations

from tests.fakes import FakeOcr, FakeSpeech


class Objects:
    def __init__(self):
        self.saved = {}

    def put(self, key, data, content_type):
        self.saved[key] = data

    def get(self, key):
        return self.saved[key]


def test_slots_are_bounded_and_freed():
    slots = EngineSlots(2, nice=0)
    with slots.take(), slots.take():
        assert slots.in_use == 2
        with pytest.raises(NoSlot), slots.take():
            pass
    assert slots.in_use == 0 and slots.refused == 1
    with slots.take():
        assert slots.in_use == 1


def test_default_is_one_slot_per_core():
    assert EngineSlots().size == (os.cpu_count() or 1)
    assert LocalSettings().engine_slots == (os.cpu_count() or 1)
    assert LocalSettings.from_env({"STORYTIME_ENGINE_SLOTS": "3"}).engine_slots == 3
    assert LocalSettings.from_env({"STORYTIME_HISTORY_RETENTION_DAYS": "0.5"}).history_retention_days == 0.5


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread nice values are a Linux feature")
def test_an_engine_call_runs_niced_and_the_calling_thread_elsewhere_does_not():
    slots = EngineSlots(1, nice=7)
    seen = {}

    def engine_thread():
        with slots.take():
            seen["engine"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    worker = threading.Thread(target=engine_thread)
    worker.start()
    worker.join()
    assert seen["engine"] >= 7
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 7


def test_a_busy_engine_function_is_refused_like_reserved_concurrency():
    slots = EngineSlots(1, nice=0)
    calls = []
    ops = lambda_operations({"ReadPage": lambda e, c, deps: calls.append(e) or {},
                             "PlanSpeech": lambda e, c, deps: {"ok": True}}, None, slots, frozenset({"ReadPage"}))
    with slots.take():
        with pytest.raises(ServiceError) as refused:
            ops["lambda.Invoke"]({"FunctionName": "storytime-ReadPage", "Payload": b"{}"})
        assert (refused.value.code, refused.value.status) == ("TooManyRequestsException", 429)
        # Functions without an engine are not bounded.
        assert ops["lambda.Invoke"]({"FunctionName": "storytime-PlanSpeech"})["StatusCode"] == 200
    assert calls == []
    assert ops["lambda.Invoke"]({"FunctionName": "storytime-ReadPage", "Payload": b"{}"})["StatusCode"] == 200
    assert calls == [{}]


def test_busy_ocr_and_speech_answer_throttling_like_rekognition_and_polly():
    slots, objects, speech = EngineSlots(1, nice=0), Objects(), FakeSpeech()
    objects.put("page.png", b"png", "image/png")
    detect = rekognition_operations(FakeOcr(), objects, "b", slots)["rekognition.DetectText"]
    start = polly_operations(speech, objects, "b", slots)["polly.StartSpeechSynthesisTask"]
    params = {"OutputS3BucketName": "b", "Text": "Hello.", "VoiceId": "Joanna", "OutputS3KeyPrefix": "s/"}
    with slots.take():
        for call, args in ((detect, {"Image": {"S3Object": {"Bucket": "b", "Name": "page.png"}}}), (start, params)):
            with pytest.raises(ServiceError) as refused:
                call(args)
            assert refused.value.code == "ThrottlingException"
    assert speech.calls == []
    assert start(params)["SynthesisTask"]["TaskStatus"] == "completed"
