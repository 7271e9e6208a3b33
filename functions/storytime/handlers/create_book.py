from storytime.handlers._http import api_handler, json_body
from storytime.service.books import create_book


@api_handler
def handler(event, deps):
    return create_book(deps, json_body(event, optional=True).get("title"))
