"""Run every path case on AWS's Step Functions Local (``make test-sfn-local``; needs Docker).

Creates the state machine from the real ASL with its placeholders filled, starts
``<arn>#<case>`` for each case of the MockConfigFile, and checks each execution's
end status and the states it entered against the shared table.

    python -m tests.sfn_local.run http://localhost:8083
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import boto3

from tests.sfn_local.mock_config import STATE_MACHINE
from tests.workflow.path_cases import CASES

ASL = Path(__file__).resolve().parents[2] / "statemachine" / "storytime.asl.json"
ACCOUNT = "arn:aws:lambda:us-east-1:123456789012:function:"


def substitutions(text: str) -> dict[str, str]:
    """A stand-in value for each placeholder; mocked Tasks never call what they name."""
    values = {}
    for key in set(re.findall(r"\$\{(\w+)\}", text)):
        if key.endswith("FunctionArn"):
            values[key] = ACCOUNT + key.removesuffix("FunctionArn")
        elif key.endswith("TopicArn"):
            values[key] = "arn:aws:sns:us-east-1:123456789012:storytime"
        elif key == "SenderAddress":
            values[key] = "reader@example.com"
        else:
            values[key] = "storytime-media"
    return values


def definition() -> str:
    text = ASL.read_text("utf-8")
    for key, value in substitutions(text).items():
        text = text.replace("${" + key + "}", value)
    return text


def entered(client, arn: str) -> list[str]:
    events = client.get_paginator("get_execution_history").paginate(executionArn=arn)
    return [e["stateEnteredEventDetails"]["name"] for page in events for e in page["events"]
            if "stateEnteredEventDetails" in e]


def main(endpoint: str) -> int:
    client = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
    for _ in range(60):  # the JVM takes a few seconds to listen
        try:
            client.list_state_machines()
            break
        except Exception:  # noqa: BLE001 - connection refused until it is up
            time.sleep(1)
    machine = client.create_state_machine(name=STATE_MACHINE, definition=definition(),
                                          roleArn="arn:aws:iam::123456789012:role/storytime")["stateMachineArn"]
    started = {case.name: client.start_execution(stateMachineArn=f"{machine}#{case.name}",
                                                 input=json.dumps(case.execution_input()))["executionArn"]
               for case in CASES}
    wrong = 0
    for case in CASES:
        arn = started[case.name]
        while (status := client.describe_execution(executionArn=arn)["status"]) == "RUNNING":
            time.sleep(0.5)
        states = entered(client, arn)
        ok = status == case.status and states == case.states
        wrong += not ok
        print(f"{'ok ' if ok else 'BAD'} {case.name}: {status} (expected {case.status})"
              + ("" if states == case.states else f"\n    entered {states}\n    expected {case.states}"))
    print(f"{len(CASES) - wrong}/{len(CASES)} path cases as on the embedded interpreter")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8083"))
