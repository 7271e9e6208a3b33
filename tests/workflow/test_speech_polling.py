"""The speech status loop has an end: a part Polly never finishes fails the page, with a cause."""

from storytime.local import aws_bridge

from tests.fakes import page_photo
from tests.workflow.helpers import entered, run_page

MAX_POLLS = 120  # the ASL's PollsLeft bound


def starting_in_progress(runtime):
    """The local Polly's Start, reporting each task still in progress, as real Polly does."""
    start = runtime.operations["polly.StartSpeechSynthesisTask"]

    def start_in_progress(params):
        answer = start(params)
        answer["SynthesisTask"]["TaskStatus"] = "inProgress"
        return answer

    return start_in_progress


def never_finishing(runtime):
    """Polly that accepts every task and reports it in progress on every status check."""
    calls = {"get": 0}
    start_in_progress = starting_in_progress(runtime)

    def get_in_progress(params):
        calls["get"] += 1
        return {"SynthesisTask": {"TaskId": params["TaskId"], "TaskStatus": "inProgress"}}

    aws_bridge.install({"polly.StartSpeechSynthesisTask": start_in_progress,
                        "polly.GetSpeechSynthesisTask": get_in_progress})
    return calls


def test_a_speech_task_that_never_finishes_fails_the_page_with_a_cause(runtime):
    calls = never_finishing(runtime)
    _, record, history = run_page(runtime, page_photo(41), "ann@example.com")

    states = entered(history)
    assert calls["get"] == MAX_POLLS
    assert states.count("GetSpeech") == MAX_POLLS
    assert "SpeechTimedOut" in states and "JoinAudio" not in states
    assert runtime.workflow.status(record.execution_arn) == "FAILED"
    assert record.status == "RETRYING"  # a timeout is retryable: re-driven, a bounded number of times
    assert record.error == "SpeechTimedOut"
    assert "120 status checks" in record.cause


def test_a_slow_speech_task_that_finishes_within_the_bound_completes(runtime):
    calls = {"get": 0}
    start_in_progress = starting_in_progress(runtime)

    def get_after_three(params):
        calls["get"] += 1
        return {"SynthesisTask": {"TaskId": params["TaskId"],
                                  "TaskStatus": "completed" if calls["get"] >= 3 else "inProgress"}}

    aws_bridge.install({"polly.StartSpeechSynthesisTask": start_in_progress,
                        "polly.GetSpeechSynthesisTask": get_after_three})
    _, record, history = run_page(runtime, page_photo(42))
    assert record.status == "COMPLETE"
    assert entered(history).count("GetSpeech") == 3
