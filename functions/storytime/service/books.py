"""Books: pages read in order as one narration. Each page is uploaded and deduplicated on its own."""

from __future__ import annotations

import json
import logging

from storytime.core.audio import mp3_seconds
from storytime.core.books import (
    MAX_PAGES,
    MAX_TITLE,
    Book,
    book_audio_key,
    book_status,
    book_timings_key,
    is_book_id,
    new_book_id,
    spoken_pages,
)
from storytime.core.notices import media_url, result_link
from storytime.core.records import Record
from storytime.core.timings import join_marks
from storytime.errors import Conflict, MalformedId, MalformedRequest, NotFound, TooManyPages
from storytime.service.answers import Answer
from storytime.service.attempts import ensure_room
from storytime.service.deps import Deps
from storytime.service.results import load
from storytime.service.uploads import accept_upload

log = logging.getLogger("storytime.books")
MAX_BOOKS_JOINED = 20


def book_link(public_url: str, book_id: str) -> str:
    return f"{public_url.rstrip('/')}/books/{book_id}"


def load_book(deps: Deps, book_id: str) -> Book:
    if not is_book_id(book_id):
        raise MalformedId("A book id is 32 lowercase hexadecimal characters.")
    book = deps.records.get_book(book_id)
    if book is None:
        raise NotFound(f"No book with id {book_id}.")
    return book


def create_book(deps: Deps, title: str | None) -> Answer:
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE):
        raise MalformedRequest(f"A title is a string of at most {MAX_TITLE} characters.")
    ensure_room(deps)
    book = Book(id=new_book_id(), created_at=deps.clock(), title=title or None)
    deps.records.create_book(book)
    return Answer(201, view(deps, book, []))


def _set_pages(deps: Deps, book: Book, pages: tuple[str, ...]) -> Book:
    if len(pages) > MAX_PAGES:
        raise TooManyPages(f"A book holds at most {MAX_PAGES} pages.")
    stored = deps.records.set_book_pages(book.id, pages, book.version)
    if stored is None:
        raise Conflict("The book changed while this request was made; load it and try again.")
    return stored


def add_page(deps: Deps, book_id: str, page_id: str, position: int | None) -> Answer:
    """Append (or insert at ``position``) a page already uploaded."""
    book = load_book(deps, book_id)
    if not isinstance(page_id, str):
        raise MalformedRequest('Send {"pageId": "<a page id from POST /upload>"} or the photo itself.')
    load(deps, page_id)  # the page must exist
    if position is not None and (not isinstance(position, int) or isinstance(position, bool)
                                 or not 0 <= position <= len(book.pages)):
        raise MalformedRequest(f"position is a whole number from 0 to {len(book.pages)}.")
    pages = list(book.pages)
    pages.insert(len(pages) if position is None else position, page_id)
    deps.records.add_page_book(page_id, book_id)  # first: the page's workflow may end any moment
    book = _set_pages(deps, book, tuple(pages))
    return Answer(201, _current(deps, book))


def add_image_page(deps: Deps, book_id: str, data: bytes, declared_type: str | None, position: str | None,
                   language: str | None = None) -> Answer:
    """Upload the page exactly as POST /upload does (deduplicated on its own; ``language`` the
    page's language as its uploader names it), then add it."""
    load_book(deps, book_id)  # before storing anything: no orphan work for a missing book
    if position is not None:
        if not str(position).isdigit():
            raise MalformedRequest("position is a whole number.")
        position = int(position)
    upload = accept_upload(deps, data, declared_type, language=language)
    answer = add_page(deps, book_id, upload.body["id"], position)
    body = {**answer.body, "page": {"id": upload.body["id"], "status": upload.body["status"]}}
    return Answer(201, body, execution_arn=upload.execution_arn)


def reorder(deps: Deps, book_id: str, pages) -> Answer:
    """The same pages in a new order: every page of the book exactly as often as it is in it."""
    book = load_book(deps, book_id)
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise MalformedRequest('Send {"pages": [page ids in their new order]}.')
    if sorted(pages) != sorted(book.pages):
        raise MalformedRequest("The new order must hold exactly the book's pages; add or remove pages elsewhere.")
    book = _set_pages(deps, book, tuple(pages))
    return Answer(200, _current(deps, book))


def retrieve(deps: Deps, book_id: str) -> Answer:
    """The book as it stands; its narration joined here when its pages are all read and nobody joined it yet
    (a book of pages read long ago starts no workflow)."""
    return Answer(200, _current(deps, load_book(deps, book_id)))


def _current(deps: Deps, book: Book) -> dict:
    records = _records(deps, book)
    spoken = spoken_pages(records)
    if spoken is not None:
        join_book(deps, [r.id for r in spoken])
    return view(deps, book, records)


def _records(deps: Deps, book: Book) -> list[Record]:
    unique = {page_id: deps.records.get(page_id) for page_id in dict.fromkeys(book.pages)}
    return [unique[page_id] for page_id in book.pages]


def join_book(deps: Deps, page_ids: list[str]) -> str:
    """Join the pages' MP3s and timings into one; idempotent (the key names the ordered pages)."""
    key = book_audio_key(page_ids)
    if deps.objects.exists(key) and deps.objects.exists(book_timings_key(page_ids)):
        return key
    records = [deps.records.get(page_id) for page_id in page_ids]
    pieces = [deps.objects.get(r.audio_key) for r in records]
    parts = []
    for record, piece in zip(records, pieces):
        marks = json.loads(deps.objects.get(record.timings_key))["marks"] if record.timings_key else None
        parts.append((mp3_seconds(piece) or 0.0, marks))
    # Timings first, the MP3 last: the MP3's presence says the join is done.
    deps.objects.put(book_timings_key(page_ids), json.dumps(join_marks(parts), ensure_ascii=False).encode("utf-8"),
                     "application/json")
    deps.objects.put(key, b"".join(pieces), "audio/mpeg")
    return key


def view(deps: Deps, book: Book, records: list[Record]) -> dict:
    settings = deps.settings
    spoken = spoken_pages(records)
    audio = timings = None
    if spoken is not None:
        ids = [r.id for r in spoken]
        audio, timings = book_audio_key(ids), book_timings_key(ids)
    return {
        "id": book.id,
        "title": book.title,
        "status": book_status(records),
        "pages": [{"id": r.id, "status": str(r.status), "links": {"result": result_link(settings.public_url, r.id)}}
                  for r in records],
        "audioUrl": media_url(settings.media_base_url, audio),
        "timingsUrl": media_url(settings.media_base_url, timings),
        "links": {"book": book_link(settings.public_url, book.id)},
    }


def join_books_of_page(deps: Deps, page_id: str) -> dict:
    """The workflow's JoinBooks step, after a page is read: join every book of it whose pages are now all read.

    Bounded: the first MAX_BOOKS_JOINED books of the page (by id); any other joins when it is loaded.
    """
    joined = []
    for book_id in deps.records.books_of_page(page_id)[:MAX_BOOKS_JOINED]:
        book = deps.records.get_book(book_id)
        if book is None:
            continue
        spoken = spoken_pages(_records(deps, book))
        if spoken is not None:
            join_book(deps, [r.id for r in spoken])
            joined.append(book_id)
    return {"joined": joined}
