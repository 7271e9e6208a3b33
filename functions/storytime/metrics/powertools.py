"""AWS: Powertools Logger and Metrics, and the decorator the Lambda entry points wear.

Only the AWS entry (storytime.aws_entry) and aws_deps import this; the
Powertools package comes from the Lambda layer and the reader image.
"""

from __future__ import annotations

import functools
import os

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# Service name, namespace and log level come from POWERTOOLS_* (set by the stack); a namespace
# always, since Powertools refuses to flush without one (it flushes by itself at 100 points).
logger = Logger()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "storytime"))


class PowertoolsMetrics:
    """Each count is one EMF data point, flushed when the invocation ends (log_metrics)."""

    def count(self, name: str) -> None:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def observed(handler):
    """The same handler with Lambda context in every log line and this invocation's metrics flushed."""

    @metrics.log_metrics
    @logger.inject_lambda_context
    @functools.wraps(handler)
    def entry(event, context):
        return handler(event, context)

    return entry
