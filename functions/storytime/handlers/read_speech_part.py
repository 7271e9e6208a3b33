from storytime.handlers._step import deps_or_default
from storytime.service import pipeline


def handler(event, context, deps=None):
    return pipeline.read_speech_part(deps_or_default(deps), event["id"], event["textKey"], event["index"])
