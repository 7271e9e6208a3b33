"""Engine calls are bounded to the slots, wait in line a bounded time, are refused beyond it, and run niced."""

import json
import os
import threading
import time
from contextlib import contextmanager

import pytest
from storytime.local.aws_bridge import ServiceError
from storytime.local.config import LocalSettings
from storytime.local.engine_slots import EngineSlots, NoSlot
from storytime.local.services import lambda_operations, polly_operations, rekognition_operations
from storytime.local.speech_espeak import EspeakSpeech, KeptSpeech, Spoken
from storytime.statemachine import definition_path

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
    assert LocalSettings.from_env({"STORYTIME_ENGINE_WAIT_SECONDS": "2.5"}).engine_wait_seconds == 2.5


def test_pages_are_read_in_one_worker_process_per_core_unless_set():
    assert LocalSettings().reader_processes == (os.cpu_count() or 1)
    assert LocalSettings.from_env({"STORYTIME_READER_PROCESSES": "0"}).reader_processes == 0
    settings = LocalSettings.from_env({"STORYTIME_READER_TIMEOUT_SECONDS": "30"})
    assert settings.reader_timeout_seconds == 30
    # A hung reader is ended before ReadPage's own timeout gives up on it (and leaves it running).
    read_page = json.loads(definition_path().read_text())["States"]["ReadPage"]
    assert LocalSettings().reader_timeout_seconds < read_page["TimeoutSeconds"]


def test_speech_is_in_one_worker_process_per_core_unless_set_and_ends_before_its_step():
    from storytime.local import speech_processes

    assert LocalSettings().speech_processes == (os.cpu_count() or 1)
    assert LocalSettings.from_env({"STORYTIME_SPEECH_PROCESSES": "0"}).speech_processes == 0
    # A part's fork (and a stuck worker) is ended before StartSpeech's own timeout gives up on it.
    start = json.loads(definition_path().read_text())["States"]["SpeakParts"]["ItemProcessor"]["States"]["StartSpeech"]
    limit = speech_processes.TIMEOUT_SECONDS + speech_processes.MARGIN_SECONDS
    assert limit < start["TimeoutSeconds"]
    assert EspeakSpeech().timeout_seconds < start["TimeoutSeconds"]  # the program's, a part at a time


def _waiter(slots, name, order, finishing=False):
    """A thread calling an engine; returns once it stands in line (or has been refused)."""
    in_line = slots.waiting

    def run():
        try:
            with slots.take(finishing=finishing):
                order.append(name)
        except NoSlot:
            order.append(f"{name} refused")

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while slots.waiting == in_line and thread.is_alive():
        assert time.monotonic() < deadline
        time.sleep(0.001)
    return thread


def test_a_busy_slot_is_waited_for_in_order_of_arrival_and_later_steps_go_first():
    slots, order = EngineSlots(1, nice=0, wait_seconds=30), []
    holder = slots.take()
    holder.__enter__()
    threads = []
    for name, finishing in [("ocr-1", False), ("ocr-2", False), ("speech-1", True), ("ocr-3", False)]:
        threads.append(_waiter(slots, name, order, finishing))
    assert slots.waiting == 4 and order == []
    holder.__exit__(None, None, None)  # each slot passes straight to the next in line
    [t.join(10) for t in threads]
    assert order == ["speech-1", "ocr-1", "ocr-2", "ocr-3"]
    assert slots.in_use == 0 and slots.waiting == 0 and slots.refused == 0


def test_a_call_whose_turn_does_not_come_in_time_is_refused_and_leaves_the_line():
    slots, order = EngineSlots(1, nice=0, wait_seconds=0.1), []
    with slots.take():
        _waiter(slots, "late", order).join(10)
        assert order == ["late refused"] and slots.waiting == 0 and slots.refused == 1
    with slots.take():  # the slot was freed, not handed to the one that left
        assert slots.in_use == 1


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


class _Kept(KeptSpeech):
    """The real keeping of a part's synthesis between its MP3 and marks tasks, over a stand-in voice."""

    def __init__(self):
        super().__init__()
        self.spoken = []

    def _spoken(self, text, voice):
        self.spoken.append(text)
        return Spoken(b"\xff\xfb" + text.encode(), ((0, len(text), 0),))


def _in_new_thread(call, *args):
    """``call(*args)`` in a fresh thread at nice 0: (its answer, the thread's nice value after it)."""
    out = {}

    def run():
        try:
            out["answer"] = call(*args)
        except Exception as error:  # raised again in the caller
            out["error"] = error
        out["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["answer"], out["nice"]


@contextmanager
def _slot_held_elsewhere(slots):
    """Every slot of ``slots`` (one) held by another thread, as by another page's engine call."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with slots.take():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_the_marks_of_a_part_just_spoken_wait_for_no_slot_and_lower_no_thread():
    # The marks task of a part whose MP3 task has just spoken it runs no engine: with every slot taken by
    # other pages it is answered at once, in a thread left at its priority, from the one synthesis.
    slots, objects, speech = EngineSlots(1, nice=5), Objects(), _Kept()
    start = polly_operations(speech, objects, "b", slots)["polly.StartSpeechSynthesisTask"]
    params = {"OutputS3BucketName": "b", "Text": "Hello there.", "VoiceId": "Joanna", "OutputS3KeyPrefix": "s/"}
    assert _in_new_thread(start, params)[0]["SynthesisTask"]["TaskStatus"] == "completed"
    marks_params = {**params, "OutputFormat": "json", "SpeechMarkTypes": ["sentence"]}
    with _slot_held_elsewhere(slots):
        task, nice = _in_new_thread(start, marks_params)
    assert task["SynthesisTask"]["TaskStatus"] == "completed" and nice == 0
    key = task["SynthesisTask"]["OutputUri"].split("/b/", 1)[1]
    assert [json.loads(line) for line in objects.get(key).splitlines()] == [
        {"time": 0, "type": "sentence", "start": 0, "end": 12, "value": "Hello there."}]
    assert speech.spoken == ["Hello there."]
    # Marks of a text not just spoken are an engine call as before: a slot, or throttled.
    with _slot_held_elsewhere(slots), pytest.raises(ServiceError) as refused:
        _in_new_thread(start, {**marks_params, "Text": "Good night."})
    assert refused.value.code == "ThrottlingException"
    assert _in_new_thread(start, {**marks_params, "Text": "Good night."})[1] == 5
    assert speech.spoken == ["Hello there.", "Good night."]


def test_speech_answered_once_done_is_spoken_in_the_calling_thread_and_a_bounded_wait_in_its_own():
    class Where(FakeSpeech):
        def synthesize_mp3(self, text, voice):
            self.thread = threading.get_ident()
            return super().synthesize_mp3(text, voice)

    params = {"OutputS3BucketName": "b", "Text": "Hello.", "VoiceId": "Joanna", "OutputS3KeyPrefix": "s/"}
    for inline_seconds, here in ((None, True), (30, False)):
        speech = Where()
        start = polly_operations(speech, Objects(), "b", EngineSlots(1, nice=0),
                                 inline_seconds=inline_seconds)["polly.StartSpeechSynthesisTask"]
        assert start(params)["SynthesisTask"]["TaskStatus"] == "completed"
        assert (speech.thread == threading.get_ident()) is here  # no thread started and waited for


def test_a_thread_calling_engines_that_run_niced_apart_keeps_the_apis_priority():
    from types import SimpleNamespace

    from storytime.local.reader_processes import ReaderProcesses
    from storytime.local.runtime import slots_nice
    from storytime.local.speech_espeak import EspeakSpeech
    from storytime.local.speech_processes import SpeechProcesses

    assert ReaderProcesses.niced_apart and SpeechProcesses.niced_apart  # the default engines: own niced processes
    apart = SimpleNamespace(niced_apart=True)
    assert slots_nice(SimpleNamespace(ocr=apart, speech=apart), 10) == 0
    # An engine in the server's process (the program per sentence, a reader in-process) starts its work
    # from the calling thread: that thread is lowered, as before.
    assert slots_nice(SimpleNamespace(ocr=apart, speech=EspeakSpeech()), 10) == 10
    assert slots_nice(SimpleNamespace(ocr=object(), speech=apart), 10) == 10
