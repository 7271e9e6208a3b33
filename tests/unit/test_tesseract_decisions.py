"""The order of Tesseract runs ``TesseractDetectText.read`` chooses, on scripted readings.

Each fake run answers what real Tesseract measured on such a page (median
word confidence 93-96 for the right model upright, 40-65 otherwise); the
same orders on real Tesseract and real pages are pinned in
tests/e2e/test_ocr_tesseract.py (``CountingEngine``).
"""
from __future__ import annotations

import pytest
from PIL import Image
from storytime.ocr.accents import Accents
from storytime.ocr.reading import Line, Reading, Word
from storytime.ocr.script import HANGUL, LATIN, Guess, Survey
from storytime.ocr.tesseract import TesseractDetectText

ENGLISH = "the cat sat on the mat and the dog was there when the rain came down on the old town"
FRENCH = "il était une fois dans les bois une petite fille qui"
KOREAN = "옛날 옛적에 깊은 산속 작은 마을에 마음씨 착한 나무꾼이"
GARBLED = "At Slo] 4 ALE 2izHe Ses Het M2] BSS Pay yo] SOA Sea Tl SU AMS Be A ee SABAH. HE} SlAfojja]"
SIGN = "Sl 2 FH ~ 3"


def reading(text: str, conf: float, *, standing: bool = False) -> Reading:
    words = [Word(w, conf, 10 + 60 * i, 10, 10 if standing else 50, 50 if standing else 10)
             for i, w in enumerate(text.split())]
    return Reading([Line(words)], 1000, 1000, 3)


class Scripted(TesseractDetectText):
    """``read`` over scripted runs: (rotation, languages) -> reading; OSD's answer."""

    def __init__(self, pages: dict[tuple[int, str], Reading], osd=None, guess: Guess | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.pages, self.osd_answer, self.guess_answer, self.runs = pages, osd, guess, []

    def _survey(self, image):
        return Survey(self.guess_answer, None)

    def _read_turned(self, image, rotation, psm=None, languages=None, uprights=None, rescale=True):
        languages = languages or self.latin
        if uprights is not None:
            uprights.setdefault(rotation, (image, None))
        self.runs.append(f"ocr {languages} {rotation}")
        return self.pages.get((rotation, languages), reading("", 0))

    def _osd(self, image):
        self.runs.append("osd")
        return self.osd_answer

    def _straighten(self, image, rotation):
        return image, None

    def _read_strip(self, upright, accents):
        self.runs.append("strip eng")
        return self.pages.get(("strip", "eng"), reading("", 0))

    def _read_lines_found(self, image, uprights):
        self.runs.append("lines found")
        return self.pages.get((0, "lines found"), reading("", 0))


IMAGE = Image.new("L", (10, 10), 255)


def test_an_upright_english_page_is_one_read():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 95)})
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0"]


def test_a_french_page_is_read_again_with_its_model():
    engine = Scripted({(0, "eng"): reading(FRENCH, 93), (0, "fra"): reading(FRENCH, 96)})
    assert engine.read(IMAGE).mean_conf == 96
    assert engine.runs == ["ocr eng 0", "ocr fra 0"]


def test_an_upright_korean_page_is_read_with_kor_and_no_osd():
    engine = Scripted({(0, "eng"): reading(GARBLED, 45), (0, "kor"): reading(KOREAN, 93)})
    assert engine.read(IMAGE).text == KOREAN
    assert engine.runs == ["ocr eng 0", "ocr kor 0"]


def test_an_upside_down_korean_page_is_turned_by_osd():
    engine = Scripted({(0, "eng"): reading(GARBLED, 41), (0, "kor"): reading(KOREAN, 45),
                       (180, "kor"): reading(KOREAN, 93)}, osd=(180, 16.3, "Korean"))
    assert engine.read(IMAGE).mean_conf == 93
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "ocr kor 180"]


def test_osd_misjudging_a_korean_page_costs_one_more_read_the_other_way_up():
    engine = Scripted({(0, "eng"): reading(GARBLED, 41), (0, "kor"): reading(KOREAN, 45),
                       (180, "kor"): reading(KOREAN, 93)}, osd=(0, 0.5, "Korean"))
    assert engine.read(IMAGE).mean_conf == 93
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "ocr kor 180"]


def test_an_upside_down_latin_page_is_read_turned_once():
    engine = Scripted({(0, "eng"): reading(GARBLED, 41), (0, "kor"): reading(KOREAN, 61),
                       (180, "eng"): reading(ENGLISH, 96)}, osd=(180, 6.4, "Latin"))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "ocr eng 180"]


@pytest.mark.parametrize("rotation", [90, 270])
def test_a_page_on_its_side_goes_straight_to_osd(rotation):
    engine = Scripted({(0, "eng"): reading(ENGLISH, 96, standing=True),
                       (rotation, "eng"): reading(ENGLISH, 96)}, osd=(rotation, 5.0, "Latin"))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0", "osd", f"ocr eng {rotation}"]


def test_a_sign_osd_has_no_opinion_on_is_read_line_by_line_where_its_lines_are_found():
    engine = Scripted({(0, "eng"): reading(SIGN, 59), (0, "kor"): reading("서울", 91),
                       (0, "lines found"): reading("서울 Seoul 56 Km", 92),
                       (0, "kor+eng"): reading("서울 Seoul 3 km", 80)})
    assert engine.read(IMAGE).text == "서울 Seoul 56 Km"
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "lines found"]


def test_a_sign_whose_found_lines_read_poorly_is_read_whole_with_the_sign_set():
    engine = Scripted({(0, "eng"): reading(SIGN, 59), (0, "kor"): reading("서울", 91),
                       (0, "lines found"): reading("Sl 2", 50),
                       (0, "kor+eng"): reading("서울 Seoul 3 km", 80)})
    assert engine.read(IMAGE).text == "서울 Seoul 3 km"
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "lines found", "ocr kor+eng 0"]


def test_a_weak_osd_guess_of_upright_latin_is_no_opinion():
    engine = Scripted({(0, "eng"): reading(GARBLED, 30), (0, "kor"): reading(KOREAN, 60),
                       (0, "kor+eng"): reading(KOREAN, 90)}, osd=(0, 0.79, "Latin"))
    assert engine.read(IMAGE).mean_conf == 90
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd", "lines found", "ocr kor+eng 0"]


def test_a_page_without_words_is_read_once_more_with_the_sign_set_without_osd():
    engine = Scripted({})
    assert engine.read(IMAGE).text == ""
    assert engine.runs == ["ocr eng 0", "lines found", "ocr kor+eng 0"]


def test_a_hard_upright_latin_page_keeps_its_first_reading():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 70), (0, "kor"): reading(KOREAN, 55)},
                      osd=(0, 12.0, "Latin"))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0", "ocr kor 0", "osd"]


def test_fixed_languages_never_switch_models():
    engine = Scripted({(0, "kor+eng"): reading(GARBLED, 45)}, osd=(0, 12.0, "Latin"), languages="kor+eng")
    engine.read(IMAGE)
    assert engine.runs == ["ocr kor+eng 0", "osd"]


def test_a_named_language_is_read_first_with_its_model_once():
    engine = Scripted({(0, "fra"): reading(FRENCH, 96)})
    assert engine.read(IMAGE, "fr").text == FRENCH
    assert engine.runs == ["ocr fra 0"]


def test_a_page_named_korean_is_one_kor_read():
    engine = Scripted({(0, "kor"): reading(KOREAN, 93)})
    assert engine.read(IMAGE, "ko").text == KOREAN
    assert engine.runs == ["ocr kor 0"]


def test_a_wrongly_named_language_falls_back_to_finding_it_out():
    engine = Scripted({(0, "fra"): reading(GARBLED, 40), (0, "eng"): reading(GARBLED, 45),
                       (0, "kor"): reading(KOREAN, 93)})
    assert engine.read(IMAGE, "fr").text == KOREAN
    assert engine.runs == ["ocr fra 0", "ocr eng 0", "ocr kor 0"]


# ------------------------------------------ the image's own script guess first (ocr.script)
def test_a_page_the_image_says_is_korean_is_one_kor_read():
    engine = Scripted({(0, "eng"): reading(GARBLED, 45), (0, "kor"): reading(KOREAN, 93)},
                      guess=Guess(HANGUL, across=True))
    assert engine.read(IMAGE).text == KOREAN
    assert engine.runs == ["ocr kor 0"]


def test_a_wrong_korean_guess_costs_one_read_and_keeps_the_latin_reading():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 95), (0, "kor"): reading(GARBLED, 52)},
                      guess=Guess(HANGUL, across=True))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr kor 0", "ocr eng 0"]


def test_an_upside_down_korean_page_guessed_korean_costs_what_it_did_without_the_guess():
    engine = Scripted({(0, "eng"): reading(GARBLED, 41), (0, "kor"): reading(KOREAN, 45),
                       (180, "kor"): reading(KOREAN, 93)}, osd=(180, 16.3, "Korean"),
                      guess=Guess(HANGUL, across=True))
    assert engine.read(IMAGE).mean_conf == 93
    assert engine.runs == ["ocr kor 0", "ocr eng 0", "osd", "ocr kor 180"]


@pytest.mark.parametrize("rotation", [90, 180, 270])
@pytest.mark.parametrize(("script", "languages", "text"), [(LATIN, "eng", ENGLISH), (HANGUL, "kor", KOREAN)])
def test_a_page_the_image_says_is_turned_is_one_read_turned_in_its_script(script, languages, text, rotation):
    engine = Scripted({(rotation, languages): reading(text, 96)},
                      guess=Guess(script, across=rotation == 180, rotation=rotation))
    assert engine.read(IMAGE).text == text
    assert engine.runs == [f"ocr {languages} {rotation}"]


def test_a_french_page_turned_is_read_again_turned_with_its_model():
    engine = Scripted({(180, "eng"): reading(FRENCH, 93), (180, "fra"): reading(FRENCH, 96)},
                      guess=Guess(LATIN, across=True, rotation=180))
    assert engine.read(IMAGE).mean_conf == 96
    assert engine.runs == ["ocr eng 180", "ocr fra 180"]


def test_a_wrong_turn_costs_one_read_then_the_page_is_read_as_without_a_guess():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 95), (180, "eng"): reading(GARBLED, 40)},
                      guess=Guess(LATIN, across=True, rotation=180))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 180", "ocr eng 0"]


def test_an_upright_latin_guess_changes_nothing():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 95)}, guess=Guess(LATIN, across=True, rotation=0))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0"]


@pytest.mark.parametrize(("script", "languages"), [(HANGUL, "kor"), (LATIN, "eng")])
def test_a_page_on_its_side_with_no_known_turn_goes_straight_to_osd(script, languages):
    text = KOREAN if script == HANGUL else ENGLISH
    engine = Scripted({(90, languages): reading(text, 94)}, osd=(90, 4.0, "Korean" if script == HANGUL else "Latin"),
                      guess=Guess(script, across=False))
    assert engine.read(IMAGE).text == text
    assert engine.runs == ["osd", f"ocr {languages} 90"]


def test_a_page_on_its_side_osd_cannot_judge_is_read_as_without_a_guess():
    engine = Scripted({(0, "kor+eng"): reading(KOREAN, 80)}, guess=Guess(HANGUL, across=False))
    assert engine.read(IMAGE).text == KOREAN
    assert engine.runs == ["osd", "ocr eng 0", "ocr kor+eng 0"]


def test_fixed_languages_make_no_guess():
    engine = Scripted({(0, "kor+eng"): reading(KOREAN, 93)}, guess=Guess(LATIN, across=True, rotation=180),
                      languages="kor+eng")
    assert engine.read(IMAGE).text == KOREAN
    assert engine.runs == ["ocr kor+eng 0"]


def test_a_wrong_korean_turn_is_not_read_again_after_osd():
    engine = Scripted({(0, "eng"): reading(GARBLED, 41), (90, "kor"): reading(GARBLED, 30),
                       (270, "kor"): reading(KOREAN, 93)}, osd=(90, 2.0, "Korean"),
                      guess=Guess(HANGUL, across=False, rotation=90))
    assert engine.read(IMAGE).text == KOREAN
    assert engine.runs == ["ocr kor 90", "osd", "ocr kor 270"]


ACCENTED = Accents(share=0.05, row=0.4, mark=0.01)
STRIP_FRENCH = "il était une fois dans les bois"


@pytest.mark.parametrize("rotation", [0, 180])
def test_an_accented_french_page_is_one_read_with_its_model_after_a_strip(rotation):
    engine = Scripted({("strip", "eng"): reading(STRIP_FRENCH, 90), (rotation, "fra"): reading(FRENCH, 96)},
                      guess=Guess(LATIN, across=True, rotation=rotation, accents=ACCENTED))
    assert engine.read(IMAGE).mean_conf == 96
    assert engine.runs == ["strip eng", f"ocr fra {rotation}"]


def test_a_strip_that_does_not_clearly_say_its_language_changes_nothing_but_its_own_run():
    engine = Scripted({("strip", "eng"): reading("a few words here", 90), (0, "eng"): reading(FRENCH, 93),
                       (0, "fra"): reading(FRENCH, 96)},
                      guess=Guess(LATIN, across=True, rotation=0, accents=ACCENTED))
    assert engine.read(IMAGE).mean_conf == 96
    assert engine.runs == ["strip eng", "ocr eng 0", "ocr fra 0"]


def test_an_english_strip_is_read_as_an_unprobed_page():
    engine = Scripted({("strip", "eng"): reading("the cat and the dog", 90), (0, "eng"): reading(ENGLISH, 95)},
                      guess=Guess(LATIN, across=True, rotation=0, accents=ACCENTED))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["strip eng", "ocr eng 0"]


def test_a_page_the_strip_misjudged_is_read_as_an_unprobed_page():
    # The strip says French; the page read with fra is in Spanish words: read as before.
    spanish = "el hombre que vivía en la casa con los perros y las gallinas"
    engine = Scripted({("strip", "eng"): reading(STRIP_FRENCH, 90), (0, "fra"): reading(spanish, 90),
                       (0, "eng"): reading(spanish, 92), (0, "spa"): reading(spanish, 96)},
                      guess=Guess(LATIN, across=True, rotation=0, accents=ACCENTED))
    assert engine.read(IMAGE).mean_conf == 96
    assert engine.runs == ["strip eng", "ocr fra 0", "ocr eng 0", "ocr spa 0"]


def test_a_page_with_few_accents_or_none_is_not_probed():
    engine = Scripted({(0, "eng"): reading(ENGLISH, 95)},
                      guess=Guess(LATIN, across=True, rotation=0, accents=Accents(0.001, 0.5, 0.01)))
    assert engine.read(IMAGE).text == ENGLISH
    assert engine.runs == ["ocr eng 0"]


def test_a_named_language_is_read_without_a_strip():
    engine = Scripted({(0, "fra"): reading(FRENCH, 96)},
                      guess=Guess(LATIN, across=True, rotation=0, accents=ACCENTED))
    assert engine.read(IMAGE, "fr").mean_conf == 96
    assert engine.runs == ["ocr fra 0"]


def noisy(text: str, conf: float, lines_read: int) -> Reading:
    """A confident reading of a few words, ``lines_read`` lines read before the weak were dropped."""
    kept = reading(text, conf)
    kept.lines_read = lines_read
    return kept


def test_a_confident_reading_of_mostly_noise_is_a_sign_read_where_its_lines_are_found():
    engine = Scripted({(0, "eng"): noisy("de secours ie Sort", 88, 29),
                       (0, "lines found"): reading("Sortie de secours", 93)})
    assert engine.read(IMAGE).text == "Sortie de secours"
    assert engine.runs == ["ocr eng 0", "lines found"]


def test_a_confident_reading_of_mostly_noise_is_kept_when_the_found_lines_read_poorly():
    engine = Scripted({(0, "eng"): noisy("Wet floor ahead", 88, 29), (0, "lines found"): reading("Wal 2", 40)})
    assert engine.read(IMAGE).text == "Wet floor ahead"
    assert engine.runs == ["ocr eng 0", "lines found"]


def test_a_confident_page_that_kept_most_of_its_lines_never_looks_for_lines():
    engine = Scripted({(0, "eng"): noisy("This is a lot of text", 90, 3)})
    assert engine.read(IMAGE).text == "This is a lot of text"
    assert engine.runs == ["ocr eng 0"]


def test_confident_found_lines_win_over_a_first_read_with_more_words():
    engine = Scripted({(0, "eng"): reading("5) 35 pod hee dod stat", 60),
                       (0, "lines found"): reading("Zutritt für Unbefugte", 92)})
    assert engine.read(IMAGE).text == "Zutritt für Unbefugte"     # 276 summed confidence against 360
