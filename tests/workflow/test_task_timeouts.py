"""A Task's TimeoutSeconds holds on the embedded interpreter, its states on pooled threads (task_threads)."""

import json
import threading

from storytime.local import aws_bridge
from storytime.local.runtime import ROLE_ARN, TOPIC_ARN

DEFINITION = {
    "StartAt": "Publish",
    "States": {
        "Publish": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": TOPIC_ARN, "Message.$": "$.message"},
            "TimeoutSeconds": 1,
            "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "TimedOut"}],
            "Next": "Published",
        },
        "TimedOut": {"Type": "Pass", "End": True},
        "Published": {"Type": "Pass", "End": True},
    },
}


def test_a_task_past_its_timeout_is_caught_and_later_states_still_run(runtime):
    release = threading.Event()

    def publish(params):
        if params["Message"] == "slow":
            release.wait(30)  # far past the Task's one second
        return {"MessageId": "m"}

    operations = {"sns.Publish": publish}
    aws_bridge.install(operations)
    try:
        sfn = runtime.workflow._sfn
        machine = sfn.create_state_machine(name="timeouts", definition=json.dumps(DEFINITION),
                                           roleArn=ROLE_ARN)["stateMachineArn"]
        slow, fast = (sfn.start_execution(stateMachineArn=machine, name=message, input=json.dumps({"message": message}))
                      ["executionArn"] for message in ("slow", "fast"))
        assert runtime.workflow.wait(fast, timeout=30) == "SUCCEEDED"
        assert runtime.workflow.wait(slow, timeout=30) == "SUCCEEDED"
        entered = {}
        for arn in (slow, fast):
            events = sfn.get_execution_history(executionArn=arn)["events"]
            entered[arn] = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"] == "PassStateEntered"]
            types = {e["type"] for e in events}
            assert ("TaskTimedOut" in types) is (arn == slow)
        assert entered == {slow: ["TimedOut"], fast: ["Published"]}
    finally:
        release.set()
        aws_bridge.uninstall(operations)
