from storytime.handlers._http import api_handler
from storytime.service.books import retrieve


@api_handler
def handler(event, deps):
    return retrieve(deps, event["pathParameters"]["id"])
