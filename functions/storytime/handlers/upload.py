from storytime.core.multipart import single_file
from storytime.handlers._http import api_handler, body_bytes, header
from storytime.service.uploads import accept_upload


@api_handler
def handler(event, deps):
    content_type = header(event, "Content-Type")
    data, declared_type, fields = single_file(body_bytes(event), content_type)
    recipient = fields.get("email") or (event.get("queryStringParameters") or {}).get("email")
    return accept_upload(deps, data, declared_type, recipient)
