"""The local DetectText answers within Rekognition's documented limits: 100 words, Latin script."""

from storytime.local.rekognition_limits import MAX_WORDS, is_latin, within_limits

from tests.fakes import detect_text_response


def words(answer):
    return [d["DetectedText"] for d in answer["TextDetections"] if d["Type"] == "WORD"]


def lines(answer):
    return [d["DetectedText"] for d in answer["TextDetections"] if d["Type"] == "LINE"]


def test_latin_letters_digits_and_punctuation_are_latin():
    assert is_latin("Café,") and is_latin("1905.") and is_latin("naïve—") and is_latin("—")
    assert not is_latin("옛날") and not is_latin("Ωmega") and not is_latin("слово")


def test_a_short_latin_page_comes_back_as_the_engine_read_it():
    answer = detect_text_response(["Once upon a time", "there was a fox."])
    assert within_limits(answer) == answer


def test_only_the_first_hundred_words_and_the_lines_they_make():
    page = [" ".join(f"w{line}x{n}" for n in range(12)) for line in range(30)]  # 360 words
    limited = within_limits(detect_text_response(page))
    assert len(words(limited)) == MAX_WORDS
    assert words(limited)[-1] == "w8x3"  # 8 full lines of 12, then 4 words of the 9th
    assert lines(limited)[:8] == page[:8]
    assert lines(limited)[8] == "w8x0 w8x1 w8x2 w8x3"
    assert len(lines(limited)) == 9


def test_the_engines_block_and_paragraph_ids_are_not_rekognitions():
    answer = detect_text_response(["Once upon a time", "there was a fox."])
    for n, d in enumerate(d for d in answer["TextDetections"] if d["Type"] == "LINE"):
        d.update(BlockId=0, ParagraphId=n)
    limited = within_limits(answer)
    assert lines(limited) == ["Once upon a time", "there was a fox."]
    assert not any("BlockId" in d or "ParagraphId" in d for d in limited["TextDetections"])


def test_korean_words_are_not_read_and_a_korean_page_comes_back_empty():
    assert within_limits(detect_text_response(["옛날 옛적에 작은 여우가", "살았어요."]))["TextDetections"] == []
    mixed = within_limits(detect_text_response(["Chapter 1 옛날 옛적에"]))
    assert words(mixed) == ["Chapter", "1"] and lines(mixed) == ["Chapter 1"]


def test_what_rekognition_returns_is_measured_against_its_limits():
    from storytime.core.coverage import rekognition_shortfall

    def answer(count, confidence=97.0):
        lines = [" ".join(f"w{n}" for n in range(start, min(start + 10, count))) for start in range(0, count, 10)]
        detections = detect_text_response(lines)["TextDetections"]
        for d in detections:
            d["Confidence"] = confidence
        return detections

    assert rekognition_shortfall(answer(12)) is None
    assert rekognition_shortfall(answer(99)) is None
    assert rekognition_shortfall(answer(100)) == "WORD_LIMIT"
    assert rekognition_shortfall([]) == "NO_LATIN_TEXT"
    assert rekognition_shortfall(answer(12, confidence=55.0)) == "DOUBTFUL_SCRIPT"
    assert rekognition_shortfall(within_limits(detect_text_response(["옛날 옛적에"]))["TextDetections"]) == \
        "NO_LATIN_TEXT"
