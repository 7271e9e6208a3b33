from storytime.core.multipart import single_file
from storytime.handlers._http import api_handler, body_bytes, form_or_query, header, json_body
from storytime.service.books import add_image_page, add_page


@api_handler
def handler(event, deps):
    book_id = event["pathParameters"]["id"]
    content_type = header(event, "Content-Type") or ""
    if content_type.lower().startswith("application/json"):
        body = json_body(event)
        return add_page(deps, book_id, body.get("pageId"), body.get("position"))
    data, declared_type, fields = single_file(body_bytes(event), content_type)
    position = form_or_query(event, fields, "position")
    return add_image_page(deps, book_id, data, declared_type, position, form_or_query(event, fields, "language"))
