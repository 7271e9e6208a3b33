from storytime.core.limits import result_wait
from storytime.handlers._http import api_handler
from storytime.service.results import retrieve


@api_handler
def handler(event, deps):
    wait = result_wait((event.get("queryStringParameters") or {}).get("wait"))
    return retrieve(deps, event["pathParameters"]["id"], wait=wait)
