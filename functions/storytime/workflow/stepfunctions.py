"""The workflow port on a Step Functions API: AWS itself, or the embedded interpreter."""

from __future__ import annotations

import json
from datetime import datetime

import boto3


def json_ready(event: dict) -> dict:
    return json.loads(json.dumps(event, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v)))


class StepFunctionsWorkflow:
    def __init__(self, state_machine_arn: str, client=None):
        self.state_machine_arn = state_machine_arn
        self._sfn = client or boto3.client("stepfunctions")

    def execution_arn(self, name: str) -> str:
        # arn:aws:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>
        head, _, machine = self.state_machine_arn.rpartition(":stateMachine:")
        return f"{head}:execution:{machine}:{name}"

    def start(self, name: str, payload: dict) -> str:
        try:
            answer = self._sfn.start_execution(
                stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(payload)
            )
        except self._sfn.exceptions.ExecutionAlreadyExists:
            return self.execution_arn(name)  # started before a crash: the claim named it first
        return answer["executionArn"]

    def status(self, execution_arn: str) -> str | None:
        try:
            return self._sfn.describe_execution(executionArn=execution_arn)["status"]
        except self._sfn.exceptions.ExecutionDoesNotExist:
            return None

    def history(self, execution_arn: str) -> list[dict]:
        pages = self._sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
        return [json_ready(event) for page in pages for event in page["events"]]
