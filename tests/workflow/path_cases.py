"""The workflow's paths, one table for both runners.

Each case is what one execution does: the states it enters, in order, how it
ends, and what each Task's service answers (``Return``) or raises (``Throw``),
per invocation. The embedded-interpreter tests (test_path_cases.py) run the
cases that have a local set-up and compare the states entered; the generator
in tests/sfn_local turns every case into a Step Functions Local MockConfigFile
test case, so AWS's own interpreter walks the same paths (``make test-sfn-local``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_KEY = "text/p.txt"
OCR_KEY = "ocr/p.json"
AUDIO_KEY = "audio/p.mp3"
RECIPIENT = "ann@example.com"


def returns(value) -> dict:
    return {"Return": value}


def throws(error: str, cause: str) -> dict:
    return {"Throw": {"Error": error, "Cause": cause}}


def invoked(payload: dict) -> dict:
    """A lambda:invoke answer: the function's result sits under Payload."""
    return returns({"StatusCode": 200, "Payload": payload})


def progress(stage: str, notice=None, characters=None) -> dict:
    return invoked({"stage": stage, "notice": notice, "textKey": TEXT_KEY if stage in ("TEXT",) else None,
                    "ocrKey": OCR_KEY if stage == "OCR" else None, "language": "en" if stage == "TEXT" else None,
                    "characters": characters})


def notice(status: str) -> dict:
    return {"status": status, "subject": f"Your page: {status}", "message": "See the link.",
            "recipients": [RECIPIENT]}


def extracted(characters=57, shortfall=None) -> dict:
    if shortfall:  # Rekognition's answer cannot be the whole page: nothing stored
        return invoked({"stage": "OCR", "textKey": None, "language": None, "characters": 0, "shortfall": shortfall})
    return invoked({"stage": "TEXT", "textKey": TEXT_KEY, "language": "en", "characters": characters,
                    "shortfall": None})


def synthesis(status: str) -> dict:
    return returns({"SynthesisTask": {"TaskId": "task-1", "TaskStatus": status,
                                      "OutputUri": "https://s3.amazonaws.com/media/audio/p/0.mp3"}})


WORDS = [{"DetectedText": w, "Type": "WORD", "Id": n, "Confidence": 99.0,
          "Geometry": {"BoundingBox": {"Width": 0.1, "Height": 0.03, "Left": 0.1 * n, "Top": 0.1}}}
         for n, w in enumerate("Once upon a time".split())]

OK = {
    "LoadProgress": [progress("QUEUED")],
    "ReadPage": [invoked({"ocrKey": OCR_KEY, "words": 12})],
    "DetectText": [returns({"TextDetections": WORDS, "TextModelVersion": "3.0"})],
    "ExtractText": [extracted()],
    "RecordNoText": [invoked(notice("NO_TEXT"))],
    "PlanSpeech": [invoked({"parts": [0], "voice": {"voiceId": "Joanna", "engine": "neural",
                                                   "languageCode": "en-US"}})],
    "ReadPart": [invoked({"text": "Once upon a time.", "keyPrefix": "audio/p/0"})],
    "StartSpeech": [synthesis("completed")],
    "GetSpeech": [synthesis("completed")],
    "StartMarks": [synthesis("completed")],
    "GetMarks": [synthesis("completed")],
    "JoinAudio": [invoked({"audioKey": AUDIO_KEY, "bytes": 4096})],
    "RecordComplete": [invoked(notice("COMPLETE"))],
    "JoinBooks": [invoked({"joined": []})],
    "RecordFailure": [invoked(notice("FAILED"))],
    "TellSubscribers": [returns({"MessageId": "m-1"})],
    "EmailPerson": [returns({"MessageId": "e-1"})],
}

START = ["LoadProgress", "WhatIsDone"]
SPEECH = ["PlanSpeech", "SpeakParts", "ReadPart", "StartSpeech", "SpeechStatus", "StartMarks", "MarksStatus",
          "PartDone", "JoinAudio", "RecordComplete", "JoinBooks"]
TELL = ["TellSubscribers", "Notify", "EmailPerson"]
DONE = TELL + ["Outcome", "Done"]
FAILED = ["RecordFailure"] + TELL + ["Outcome", "Failed"]
POLL = ["CountPoll", "PollsLeft", "WaitForSpeech", "GetSpeech", "SpeechStatus"]
MARKS_POLL = ["CountMarksPoll", "MarksPollsLeft", "WaitForMarks", "GetMarks", "MarksStatus"]
MAX_POLLS = 120  # the ASL's PollsLeft / MarksPollsLeft bound


@dataclass(frozen=True)
class PathCase:
    name: str
    states: list[str]  # every state entered, in order (one speech part, one recipient)
    status: str  # the execution's end: SUCCEEDED or FAILED
    answers: dict[str, list[dict]] = field(default_factory=dict)  # overrides of OK, per Task state
    reader: str = "rekognition"  # the execution input's config.reader

    def responses(self) -> dict[str, list[dict]]:
        """What each Task entered on this path answers, invocation by invocation."""
        tasks = dict.fromkeys(s for s in self.states if s in OK)
        return {task: self.answers.get(task, OK[task]) for task in tasks}

    def execution_input(self) -> dict:
        return {"id": "p" * 64, "imageKey": "images/p.png", "recipient": RECIPIENT,
                "config": {"reader": self.reader, "pollSeconds": 0}}


CASES = [
    PathCase("NewPageTesseractReader",
             START + ["ChooseReader", "ReadPage", "ExtractText", "IsWholePage", "HasText"] + SPEECH + DONE,
             "SUCCEEDED", reader="tesseract"),
    PathCase("RekognitionStays",
             START + ["ChooseReader", "DetectText", "ExtractText", "IsWholePage", "HasText"] + SPEECH + DONE,
             "SUCCEEDED"),
    PathCase("RekognitionFallsBackToReadPage",
             START + ["ChooseReader", "DetectText", "ExtractText", "IsWholePage", "ReadPage", "ExtractText",
                      "IsWholePage", "HasText"] + SPEECH + DONE,
             "SUCCEEDED", {"ExtractText": [extracted(shortfall="WORD_LIMIT"), extracted()]}),
    PathCase("CachedDuplicate", START + ["AlreadyFinished", "Notify", "EmailPerson", "Outcome", "Done"],
             "SUCCEEDED", {"LoadProgress": [progress("COMPLETE", notice("COMPLETE"))]}),
    PathCase("CachedNoText", START + ["AlreadyFinished", "Notify", "EmailPerson", "Outcome", "Done"],
             "SUCCEEDED", {"LoadProgress": [progress("NO_TEXT", notice("NO_TEXT"))]}),
    PathCase("CachedFailure", START + ["AlreadyFinished", "Notify", "EmailPerson", "Outcome", "Failed"],
             "FAILED", {"LoadProgress": [progress("FAILED", notice("FAILED"))]}),
    PathCase("NoText",  # on Rekognition's path an empty answer goes to ReadPage first (NO_LATIN_TEXT)
             START + ["ChooseReader", "ReadPage", "ExtractText", "IsWholePage", "HasText", "RecordNoText"] + DONE,
             "SUCCEEDED", {"ExtractText": [extracted(characters=0)]}, reader="tesseract"),
    PathCase("BookJoinFailsPageStillDone", START + ["HasText"] + SPEECH + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)],
              "JoinBooks": [throws("StoredDataMissing", "audio/x.mp3 is missing")]}),
    PathCase("ResumeFromText", START + ["HasText"] + SPEECH + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)]}),
    PathCase("ResumeFromDetections", START + ["ExtractText", "IsWholePage", "HasText"] + SPEECH + DONE,
             "SUCCEEDED", {"LoadProgress": [progress("OCR")]}),
    PathCase("OcrThrottledThenRetried",
             START + ["ChooseReader", "DetectText", "ExtractText", "IsWholePage", "HasText"] + SPEECH + DONE,
             "SUCCEEDED",
             {"DetectText": [throws("Rekognition.ThrottlingException", "Slow down"),
                             throws("Rekognition.ThrottlingException", "Slow down"), *OK["DetectText"]]}),
    PathCase("UnreadableImage", START + ["ChooseReader", "DetectText"] + FAILED, "FAILED",
             {"DetectText": [throws("Rekognition.InvalidImageFormatException", "invalid image format")]}),
    PathCase("SpeechPolledUntilDone",
             START + ["HasText"] + SPEECH[:5] + POLL + SPEECH[5:] + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)], "StartSpeech": [synthesis("inProgress")]}),
    PathCase("SpeechFailure",
             START + ["HasText"] + SPEECH[:5] + ["SpeechFailed"] + FAILED, "FAILED",
             {"LoadProgress": [progress("TEXT", characters=57)], "StartSpeech": [synthesis("failed")]}),
    PathCase("SpeechPollRunsOut",
             START + ["HasText"] + SPEECH[:5] + POLL * MAX_POLLS + ["CountPoll", "PollsLeft", "SpeechTimedOut"]
             + FAILED, "FAILED",
             {"LoadProgress": [progress("TEXT", characters=57)], "StartSpeech": [synthesis("inProgress")],
              "GetSpeech": [synthesis("inProgress")] * MAX_POLLS}),
    PathCase("MarksPolledThenFailed",
             START + ["HasText"] + SPEECH[:7] + MARKS_POLL + ["NoMarks"] + SPEECH[7:] + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)], "StartMarks": [synthesis("scheduled")],
              "GetMarks": [synthesis("failed")]}),
    PathCase("MarksPollRunsOut",
             START + ["HasText"] + SPEECH[:7] + MARKS_POLL * MAX_POLLS
             + ["CountMarksPoll", "MarksPollsLeft", "NoMarks"] + SPEECH[7:] + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)], "StartMarks": [synthesis("scheduled")],
              "GetMarks": [synthesis("inProgress")] * MAX_POLLS}),
    PathCase("MarksNotStarted",
             START + ["HasText"] + SPEECH[:6] + ["NoMarks"] + SPEECH[7:] + DONE, "SUCCEEDED",
             {"LoadProgress": [progress("TEXT", characters=57)],
              "StartMarks": [throws("Polly.InvalidSsmlException", "marks refused")]}),
    PathCase("NotificationFailureLeavesComplete",
             START + ["ChooseReader", "ReadPage", "ExtractText", "IsWholePage", "HasText"] + SPEECH
             + ["TellSubscribers", "Notify", "EmailPerson", "NotSent", "Outcome", "Done"],
             "SUCCEEDED",
             {"TellSubscribers": [throws("SNS.AuthorizationErrorException", "not allowed")],
              "EmailPerson": [throws("SesV2.MessageRejectedException", "Email address is not verified.")]},
             reader="tesseract"),
    PathCase("RetryingOutcomeEndsFailed", START + ["ChooseReader", "DetectText"] + FAILED, "FAILED",
             {"DetectText": [throws("Rekognition.InvalidImageFormatException", "invalid image format")],
              "RecordFailure": [invoked(notice("RETRYING"))]}),
    PathCase("ProgressUnreadable", ["LoadProgress"] + FAILED, "FAILED",
             {"LoadProgress": [throws("Lambda.Unknown", "the function crashed")]}),
]

BY_NAME = {case.name: case for case in CASES}
