from __future__ import annotations

import dataclasses

import pytest
from storytime.core.language import (
    Voice,
    clear_latin_language,
    detect_language,
    espeak_voice_for_polly,
    voice_for,
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "en"),
        ("   ", "en"),
        ("12 34 !?", "en"),
        ("Once upon a time", "en"),
        ("옛날 옛날에 토끼가 살았어요.", "ko"),
        ("토끼는 Apple을 좋아했어요. 그리고 Banana도요.", "ko"),
        ("The word 토끼 means rabbit in Korean.", "en"),
        ("ㅋㅋㅋ", "ko"),
        ("Défense de fumer", "fr"),
        ("En 1815, M. Myriel était évêque de Digne.", "fr"),
        ("En un lugar de la Mancha, de cuyo nombre no quiero acordarme", "es"),
        ("Prohibido el paso", "es"),
        ("Als Gregor Samsa eines Morgens aus unruhigen Träumen erwachte", "de"),
        ("Bitte nicht stören", "de"),
        ("The café was closed for the day.", "en"),
        ("Keep off the grass", "en"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_tie_goes_to_english():
    assert detect_language("가나 ab") == "en"


@pytest.mark.parametrize(
    "text,expected",
    [
        # An eng read of two lines of each language (bench/script_set.py's pages, accents lost)
        ("le vieux meunier, ni pourquoi sa porte etait restee ouverte toute la nuit. Les enfants du", "fr"),
        ("del campo, cansado y cubierto de polvo. Cuando llego el cartero con la carta", "es"),
        ("Der alte Muller stand an der Tur und schuttelte den Kopf. Er hatte schon", "de"),
        ("It was the best of times, it was the worst of times", "en"),
        ("Défense de fumer", None),                       # 1.5 votes: too few to be sure
        ("el perro y el gato et le chat et le chien", None),    # 3 Spanish votes, 4 French: not twice
        ("", None),
    ],
)
def test_clear_latin_language(text, expected):
    assert clear_latin_language(text) == expected


def test_voice_table():
    assert voice_for("ko") == Voice("ko", "ko-KR", "Seoyeon", "neural", "ko")
    assert voice_for("en") == Voice("en", "en-US", "Joanna", "neural", "en-us")
    assert voice_for("ko-KR").polly_voice == "Seoyeon"
    assert voice_for("fr") == Voice("fr", "fr-FR", "Lea", "neural", "fr")
    assert voice_for("es-ES") == Voice("es", "es-ES", "Lucia", "neural", "es")
    assert voice_for("DE").polly_voice == "Vicki"
    assert voice_for("it").polly_voice == "Joanna"


def test_voice_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        voice_for("en").polly_voice = "Matthew"  # type: ignore[misc]


@pytest.mark.parametrize(
    "polly,espeak", [("Seoyeon", "ko"), ("Joanna", "en-us"), ("seoyeon", "ko"), ("Matthew", "en-us"), ("", "en-us"),
                     ("Lea", "fr"), ("Lucia", "es"), ("Vicki", "de")]
)
def test_espeak_voice_for_polly(polly, espeak):
    assert espeak_voice_for_polly(polly) == espeak
