from storytime.core.books import Book, book_audio_key, book_status, is_book_id, new_book_id, spoken_pages
from storytime.core.records import Record, Status, is_public_key


def page(n: int, status: Status, audio: bool = True) -> Record:
    pid = f"{n}" * 64
    return Record(id=pid, status=status, image_key=f"images/{pid}.png", image_type="image/png", created_at=1.0,
                  audio_key=f"audio/{pid}.mp3" if audio and status is Status.COMPLETE else None)


def test_the_narration_waits_for_every_page_and_skips_silent_ones():
    done, silent, reading = page(1, Status.COMPLETE), page(2, Status.NO_TEXT), page(3, Status.PROCESSING)
    assert spoken_pages([done, reading]) is None and book_status([done, reading]) == "PROCESSING"
    assert spoken_pages([done, silent]) == [done] and book_status([done, silent]) == "COMPLETE"
    assert spoken_pages([silent]) is None and book_status([silent]) == "NO_TEXT"
    failed = page(4, Status.FAILED)
    assert book_status([done, failed]) == "FAILED" and spoken_pages([done, failed]) is None
    assert book_status([done, page(5, Status.RETRYING)]) == "PROCESSING"
    assert spoken_pages([]) is None and book_status([]) == "EMPTY"


def test_the_narration_is_named_by_its_pages_in_order():
    a, b = "1" * 64, "2" * 64
    assert book_audio_key([a, b]) == book_audio_key((a, b)) != book_audio_key([b, a])
    assert is_public_key(book_audio_key([a, b])) and is_public_key(book_audio_key([a]).replace(".mp3", ".json"))
    assert not is_public_key("books/x.mp3")


def test_book_ids_and_items():
    ident = new_book_id()
    assert is_book_id(ident) and not is_book_id("a" * 64) and not is_book_id("")
    book = Book(id=ident, created_at=2.5, title="Fox", pages=("1" * 64,), version=3)
    assert Book.from_item(book.to_item()) == book
