"""Every error name the workflow routes on is a name AWS really reports, checked exactly against
botocore's service models (not by prefix), and every name classifies to a final or a retryable error."""

import json

import botocore.session
import pytest
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from storytime import errors
from storytime.statemachine import definition_path

ASL = json.loads(definition_path().read_text("utf-8"))
SERVICES = {"Rekognition": "rekognition", "Polly": "polly", "SNS": "sns", "Lambda": "lambda", "SesV2": "sesv2"}
STATES_NAMES = {t.to_name() for t in StatesErrorNameType}
# What the Lambda integration itself reports besides Lambda's API errors (AWS's recommended Retry for Lambda).
LAMBDA_INTEGRATION_NAMES = {"Lambda.AWSLambdaException", "Lambda.SdkClientException"}


def aws_names(service: str) -> set[str]:
    """Step Functions names an SDK error ``<Service>.<exception class>``: the shape name, with
    ``Exception`` added where missing; the query-protocol services (SNS) are named from the error code."""
    model = botocore.session.get_session().get_service_model(SERVICES[service])
    names = set()
    for shape in model.error_shapes:
        for base in (shape.name, shape.metadata.get("error", {}).get("code")):
            if base:
                names.add(f"{service}.{base if base.endswith('Exception') else base + 'Exception'}")
    return names


def routed_names(states=ASL["States"]):
    for state in states.values():
        for rule in state.get("Retry", []) + state.get("Catch", []):
            yield from rule["ErrorEquals"]
        if state["Type"] == "Map":
            yield from routed_names(state["ItemProcessor"]["States"])
        if state["Type"] == "Fail":
            yield state["Error"]


def is_real(name: str) -> bool:
    if name.startswith("States."):
        return name in STATES_NAMES
    if name in LAMBDA_INTEGRATION_NAMES:
        return True
    service, dot, _ = name.partition(".")
    if dot:
        return service in SERVICES and name in aws_names(service)
    return name in {c.__name__ for c in errors._subclasses(errors.PageError)} or name == "PageFailed"


NAMES = sorted(set(routed_names()) | set(errors.AWS_ERROR_NAMES))


@pytest.mark.parametrize("name", NAMES)
def test_every_error_name_is_one_aws_or_our_code_really_reports(name):
    assert is_real(name), name


@pytest.mark.parametrize("wrong", ["Rekognition.InternalServerError", "Rekognition.ThrottlingError",
                                   "rekognition.ThrottlingException", "SNS.Throttled", "Polly.ServiceFailure",
                                   "States.Timeouts", "Lambda.Unknown", "NoSuchClass"])
def test_near_misses_are_caught(wrong):
    """A prefix check passed all of these."""
    assert not is_real(wrong)


def test_final_and_retryable_names():
    final = {"TextTooLong", "UnreadableImage", "States.DataLimitExceeded", "Rekognition.InvalidImageFormatException",
             "Rekognition.ImageTooLargeException", "Polly.TextLengthExceededException", "AttemptsExhausted"}
    retryable = {"EngineError", "SpeechSynthesisFailed", "SpeechTimedOut", "States.Timeout",
                 "Rekognition.ThrottlingException", "Lambda.ServiceException", "Lambda.TooManyRequestsException",
                 "InsufficientStorage", "Unheard.Of"}
    assert {n for n in final | retryable if errors.classify(n).final} == final


def test_every_page_error_has_a_stable_code_and_a_message_of_its_own():
    classes = errors._subclasses(errors.PageError)
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    assert all(c.message for c in classes)
    assert all(errors.classify(c.__name__) is c for c in classes)
