from storytime.handlers._http import api_handler
from storytime.service.results import history


@api_handler
def handler(event, deps):
    return history(deps, event["pathParameters"]["id"])
