"""The ASL file itself: JSONPath only, a timeout on every Task, AWS error names, known placeholders."""

import json

import pytest
from storytime import errors
from storytime.functions import FUNCTIONS
from storytime.statemachine import definition_path, placeholders, substitute

TEXT = definition_path().read_text("utf-8")
ASL = json.loads(TEXT)


def all_states(states=ASL["States"]):
    for name, state in states.items():
        yield name, state
        if state["Type"] == "Map":
            yield from all_states(state["ItemProcessor"]["States"])


TASKS = [(n, s) for n, s in all_states() if s["Type"] == "Task"]


def test_uses_jsonpath_not_jsonata():
    assert ASL["QueryLanguage"] == "JSONPath"
    assert "{%" not in TEXT


@pytest.mark.parametrize("name,state", TASKS, ids=[n for n, _ in TASKS])
def test_every_task_has_a_timeout_and_a_retry(name, state):
    assert 0 < state["TimeoutSeconds"] <= 300
    assert state["Retry"], name
    for rule in state["Retry"]:
        for error in rule["ErrorEquals"]:
            assert error.startswith(("Lambda.", "Rekognition.", "Polly.", "SNS.", "SesV2.", "States.")) \
                or isinstance(getattr(errors, error, None), type), error
        assert rule.get("JitterStrategy", "FULL") == "FULL" or rule["ErrorEquals"] == ["States.Timeout"]


def test_top_level_work_is_caught_into_record_failure():
    for name, state in ASL["States"].items():
        if state["Type"] in ("Task", "Map") and name not in ("RecordFailure", "Notify", "TellSubscribers", "JoinBooks"):
            assert state["Catch"][0]["Next"] == "RecordFailure", name


def test_a_book_that_cannot_be_joined_never_fails_the_page():
    states = ASL["States"]
    assert states["RecordComplete"]["Next"] == "JoinBooks"
    assert states["JoinBooks"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.booksError", "Next": "TellSubscribers"}]
    assert states["JoinBooks"]["Next"] == "TellSubscribers"


def test_a_notification_that_cannot_be_sent_never_fails_the_page():
    states = ASL["States"]
    assert states["TellSubscribers"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.notifyError", "Next": "Notify"}]
    email = states["Notify"]["ItemProcessor"]["States"]["EmailPerson"]
    assert email["Resource"] == "arn:aws:states:::aws-sdk:sesv2:sendEmail"
    assert email["Parameters"]["FromEmailAddress"] == "${SenderAddress}"
    assert email["Catch"][0]["ErrorEquals"] == ["States.ALL"]
    assert states["Notify"]["ItemProcessor"]["States"][email["Catch"][0]["Next"]]["Type"] == "Pass"
    # Every new outcome tells the subscribers first; a cached one only the person who asked again.
    assert {n for n, s in states.items() if s.get("Next") == "TellSubscribers"} == \
        {"RecordNoText", "JoinBooks", "RecordFailure"}  # RecordComplete -> JoinBooks -> TellSubscribers
    assert states["AlreadyFinished"]["Next"] == "Notify"


def test_data_limits_are_caught_by_name():
    """On AWS, States.ALL does not catch States.DataLimitExceeded: a page too large for the state
    would end its execution unrecorded and wait for re-drives. Named, it is recorded (final) at once."""
    for name, state in ASL["States"].items():
        # Their input is the small notice; JoinBooks answers at most 20 book ids, after the page is recorded.
        if "Catch" in state and name not in ("TellSubscribers", "JoinBooks"):
            assert state["Catch"][0]["ErrorEquals"] == ["States.DataLimitExceeded"], name
            assert state["Catch"][0]["Next"] == "RecordFailure", name


def test_speech_is_plain_text_never_ssml():
    start = dict(all_states())["StartSpeech"]
    assert start["Parameters"]["TextType"] == "text"


def test_placeholders_are_exactly_what_cdk_and_local_fill():
    expected = {"MediaBucket", "NotifyTopicArn", "SenderAddress"} | {f"{n}FunctionArn" for n in FUNCTIONS}
    assert placeholders(TEXT) == expected


def test_substitution_leaves_context_paths_alone():
    filled = substitute(TEXT, {p: "X" for p in placeholders(TEXT)})
    assert "$$.Execution.Id" in filled and "${" not in filled
    with pytest.raises(KeyError):
        substitute(TEXT, {})


def test_the_wait_takes_its_duration_from_the_input():
    waits = [s for _, s in all_states() if s["Type"] == "Wait"]
    assert waits and all("SecondsPath" in w and "Seconds" not in w for w in waits)


def test_every_execution_has_an_end():
    # A page always gets a final answer: the whole execution is bounded, not only each Task.
    assert 0 < ASL["TimeoutSeconds"] <= 3600
