"""Which canvas a page's small turn is read on (ocr/preparation._turned): the
Hangul reads (kor, mode 4) on the image's own when its ink stays inside it, a
Latin read and a page whose ink reaches the edge on a grown one."""
from PIL import Image, ImageDraw
from storytime.ocr.reading import Line, Reading
from storytime.ocr.tesseract import TesseractDetectText


def _page(margin: int, angle: float = 2.0, size=(1200, 1600)) -> Image.Image:
    """Lines of dark "words" on light paper ``margin`` px from its edges, on a
    dark table, turned ``angle`` degrees (on its own canvas: the table's grey)."""
    page = Image.new("L", size, 40)
    draw = ImageDraw.Draw(page)
    draw.rectangle((max(0, margin - 60), max(0, margin - 60), size[0] - max(0, margin - 60),
                    size[1] - max(0, margin - 60)), fill=235)
    for y in range(margin, size[1] - margin - 20, 40):
        for x in range(margin, size[0] - margin - 90, 110):
            draw.rectangle((x, y, x + 90, y + 18), fill=30)
    return page.rotate(angle, resample=Image.BICUBIC, fillcolor=40)


class Noting(TesseractDetectText):
    """Notes the size of each image a read is handed; reads nothing."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sizes: list[tuple[str, tuple[int, int]]] = []

    def _read(self, upright, psm, languages, rescale=True):
        self.sizes.append((languages, upright.size))
        return Reading([Line([])], upright.width, upright.height, psm or 3, languages=languages, image=upright)


def test_a_hangul_read_of_a_page_well_inside_its_frame_is_turned_on_the_frame_a_latin_read_on_a_grown_one():
    page, engine = _page(margin=200), Noting()
    uprights: dict = {}
    hangul = engine._read_turned(page, 0, 4, "kor", uprights)
    latin = engine._read_turned(page, 0, None, "eng", uprights)
    assert hangul.frame.skew == latin.frame.skew != 0
    assert engine.sizes[0] == ("kor", page.size) and hangul.frame.upright_size == page.size
    assert engine.sizes[1][0] == "eng" and engine.sizes[1][1][0] > page.width and engine.sizes[1][1][1] > page.height
    assert set(uprights) == {(0, True), (0, False)}


def test_a_hangul_read_of_a_page_whose_ink_reaches_its_edge_is_turned_on_a_grown_canvas():
    page, engine = _page(margin=4), Noting()
    reading = engine._read_turned(page, 0, 4, "kor", {})
    assert reading.frame.skew != 0
    assert engine.sizes[0][1][0] > page.width and engine.sizes[0][1][1] > page.height


def test_a_page_not_turned_is_straightened_once_for_both_reads():
    page, engine = _page(margin=200, angle=0.0), Noting()
    uprights: dict = {}
    engine._read_turned(page, 0, None, "eng", uprights)
    engine._read_turned(page, 0, 4, "kor", uprights)
    assert uprights[0, True] is uprights[0, False] and uprights[0, True][1].skew == 0
