from storytime.handlers._http import api_handler
from storytime.openapi import document
from storytime.service.answers import Answer


@api_handler
def handler(event, deps):
    """The API's contract (OpenAPI 3.1)."""
    return Answer(200, document(deps.settings.public_url))
