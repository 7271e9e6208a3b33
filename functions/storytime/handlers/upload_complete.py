from storytime.errors import MalformedRequest
from storytime.handlers._http import api_handler
from storytime.handlers.upload_url import json_body
from storytime.service.staged import complete_upload


@api_handler
def handler(event, deps):
    body = json_body(event)
    query = event.get("queryStringParameters") or {}
    email = body.get("email") if "email" in body else query.get("email")
    language = body.get("language") if "language" in body else query.get("language")
    for name, value in (("email", email), ("language", language)):
        if name in body and not isinstance(value, str):
            raise MalformedRequest(f"{name} must be a string.")
    return complete_upload(deps, (event.get("pathParameters") or {}).get("key", ""), email, language)
