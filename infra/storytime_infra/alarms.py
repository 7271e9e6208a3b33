"""Alarms an operator looks at: failed pages, Lambda errors and throttles, the dense reader's time."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

# The dense-page reader takes seconds on a phone photo; minutes means something is wrong.
READER_P90_SECONDS = 60


class Alarms(Construct):
    def __init__(self, scope: Construct, id: str, *, state_machine, functions: dict, reader: str | None):
        super().__init__(scope, id)
        self.alarms: list[cloudwatch.Alarm] = []
        five_minutes = Duration.minutes(5)
        self._add("FailedExecutions", state_machine.metric_failed(period=five_minutes),
                  "A page ended FAILED (the record and the history say why).")
        self._add("TimedOutExecutions", state_machine.metric_timed_out(period=five_minutes),
                  "A page ran past the workflow's TimeoutSeconds.")
        for name, function in functions.items():
            self._add(f"{name}Errors", function.metric_errors(period=five_minutes), f"{name} raised errors.")
            self._add(f"{name}Throttles", function.metric_throttles(period=five_minutes), f"{name} was throttled.")
        if reader:
            self._add("ReaderDuration",
                      functions[reader].metric_duration(period=five_minutes, statistic="p90"),
                      f"The dense-page reader's p90 duration is over {READER_P90_SECONDS} s.",
                      threshold=READER_P90_SECONDS * 1000)

    def _add(self, id: str, metric, description: str, threshold: float = 1) -> None:
        self.alarms.append(cloudwatch.Alarm(
            self, id, metric=metric, threshold=threshold, evaluation_periods=1, alarm_description=description,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING))
