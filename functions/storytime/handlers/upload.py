from storytime.core.limits import direct_limit_message
from storytime.core.multipart import single_file
from storytime.errors import PayloadTooLarge
from storytime.handlers._http import api_handler, body_bytes, form_or_query, header
from storytime.service.uploads import accept_upload


@api_handler
def handler(event, deps):
    content_type = header(event, "Content-Type")
    data, declared_type, fields = single_file(body_bytes(event), content_type)
    recipient = form_or_query(event, fields, "email")
    language = form_or_query(event, fields, "language")
    try:
        return accept_upload(deps, data, declared_type, recipient, language=language)
    except PayloadTooLarge:  # over the direct limit, not over what the service takes: say how
        raise PayloadTooLarge(direct_limit_message(deps.settings.max_upload_bytes)) from None
