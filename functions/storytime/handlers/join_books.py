from storytime.handlers._step import deps_or_default
from storytime.service import books


def handler(event, context, deps=None):
    return books.join_books_of_page(deps_or_default(deps), event["id"])
