"""StartExecution goes straight to moto's backend (moto_patch.direct_start), answering as the API would."""

import json
import uuid

import pytest
from botocore.exceptions import ParamValidationError


def test_an_execution_is_started_without_a_request_and_runs(runtime, monkeypatch):
    sfn = runtime.workflow._sfn
    sent = []
    with monkeypatch.context() as patch:
        patch.setattr(type(sfn), "_make_request", lambda self, *a, **k: sent.append(a))
        arn = runtime.workflow.start("direct-1", {"id": "x"})
    assert arn == runtime.workflow.execution_arn("direct-1") and sent == []
    assert runtime.workflow.wait(arn) == "FAILED"  # it ran: a page nobody uploaded fails


def test_its_errors_are_the_apis(runtime):
    sfn = runtime.workflow._sfn
    machine = runtime.settings.state_machine_arn
    first = sfn.start_execution(stateMachineArn=machine, name="direct-2", input=json.dumps({"id": "x"}))
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=machine, name="direct-2", input=json.dumps({"id": "y"}))
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=machine + "-gone", name="direct-3", input="{}")
    with pytest.raises(ParamValidationError):
        sfn.start_execution(name="direct-4")
    # Started again under its name, as after a crash between the claim and the start: the port keeps the ARN.
    assert runtime.workflow.start("direct-2", {"id": "z"}) == first["executionArn"]
    assert runtime.workflow.wait(first["executionArn"]) == "FAILED"


def test_an_unnamed_execution_is_named_with_a_uuid_as_on_aws(runtime):
    sfn = runtime.workflow._sfn
    machine = runtime.settings.state_machine_arn
    arns = [sfn.start_execution(stateMachineArn=machine)["executionArn"] for _ in range(2)]
    names = [arn.rsplit(":", 1)[1] for arn in arns]
    assert names[0] != names[1] and all(str(uuid.UUID(name)) == name for name in names)
    assert sfn.describe_execution(executionArn=arns[0])["input"] == "{}"
    assert {runtime.workflow.wait(arn) for arn in arns} == {"FAILED"}  # ran: no page named
