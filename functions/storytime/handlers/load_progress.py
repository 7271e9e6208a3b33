from storytime.handlers._step import deps_or_default
from storytime.service import pipeline


def handler(event, context, deps=None):
    return pipeline.load_progress(deps_or_default(deps), event["id"], event.get("recipient"))
