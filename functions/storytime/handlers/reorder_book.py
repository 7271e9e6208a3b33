from storytime.handlers._http import api_handler, json_body
from storytime.service.books import reorder


@api_handler
def handler(event, deps):
    return reorder(deps, event["pathParameters"]["id"], json_body(event).get("pages"))
