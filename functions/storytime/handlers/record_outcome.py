from storytime.handlers._step import deps_or_default
from storytime.service import pipeline


def handler(event, context, deps=None):
    return pipeline.record_outcome(
        deps_or_default(deps), event["id"], event["outcome"], event["executionArn"],
        audio=event.get("audioKey"), error=event.get("error"),
    )
