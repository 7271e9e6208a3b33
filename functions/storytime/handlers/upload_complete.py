from storytime.errors import MalformedRequest
from storytime.handlers._http import api_handler
from storytime.handlers.upload_url import json_body
from storytime.service.staged import complete_upload


@api_handler
def handler(event, deps):
    body = json_body(event)
    email = body.get("email") if "email" in body else (event.get("queryStringParameters") or {}).get("email")
    if "email" in body and not isinstance(email, str):
        raise MalformedRequest("email must be a string.")
    return complete_upload(deps, (event.get("pathParameters") or {}).get("key", ""), email)
