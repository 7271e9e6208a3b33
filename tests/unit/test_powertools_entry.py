"""The AWS entry points: each handler observed by real Powertools (Lambda context in the logs, EMF metrics)."""

import io
import json
from types import SimpleNamespace

from storytime import aws_entry
from storytime.functions import FUNCTIONS, ROUTES, aws_handler, entry_name
from storytime.metrics.port import PAGES_COMPLETED
from storytime.metrics.powertools import PowertoolsMetrics, logger, metrics, observed

CONTEXT = SimpleNamespace(function_name="storytime-RecordOutcome", memory_limit_in_mb=512, aws_request_id="req-1",
                          invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:storytime-RecordOutcome")


def test_an_observed_handler_logs_with_its_lambda_context_and_flushes_its_counts(capsys):
    metrics.clear_metrics()
    logs = io.StringIO()
    stream = logger.registered_handler.setStream(logs)  # its stream was fixed at import

    def record(event, context):
        PowertoolsMetrics().count(PAGES_COMPLETED)
        logger.info("recorded", extra={"page": event["id"]})
        return {"status": "COMPLETE"}

    try:
        assert observed(record)({"id": "p1"}, CONTEXT) == {"status": "COMPLETE"}
    finally:
        logger.registered_handler.setStream(stream)
    output = logs.getvalue() + capsys.readouterr().out  # EMF is printed when the invocation ends
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [log] = [line for line in lines if line.get("message") == "recorded"]
    assert (log["function_name"], log["function_request_id"], log["page"]) == \
        ("storytime-RecordOutcome", "req-1", "p1")
    [emf] = [line for line in lines if "_aws" in line]
    [directive] = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "storytime"
    assert directive["Metrics"] == [{"Name": PAGES_COMPLETED, "Unit": "Count"}]
    assert emf[PAGES_COMPLETED] == [1.0]


def test_every_handler_has_an_observed_entry_where_the_stack_points():
    handlers = [*FUNCTIONS.values(), *(h for _m, _p, h in ROUTES)]
    assert len({entry_name(h) for h in handlers}) == len(handlers)  # no two share an entry name
    for dotted in handlers:
        module, _, name = aws_handler(dotted).rpartition(".")
        assert module == aws_entry.__name__
        entry = getattr(aws_entry, name)
        assert aws_entry.ENTRIES[name] == dotted and entry.__name__ == name
