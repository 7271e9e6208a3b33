"""The page language an uploader may name: one of five codes, or nothing."""
import pytest
from storytime.core.language import LANGUAGES, language_hint
from storytime.errors import MalformedRequest


@pytest.mark.parametrize("value", [None, ""])
def test_no_language_named_is_none(value):
    assert language_hint(value) is None


@pytest.mark.parametrize("value,code", [("ko", "ko"), ("FR", "fr"), (" de ", "de"), ("en", "en"), ("es", "es")])
def test_a_named_language_is_its_code(value, code):
    assert language_hint(value) == code


@pytest.mark.parametrize("value", ["fra", "english", "it", "ko-KR", "x" * 300])
def test_any_other_value_is_a_400_that_lists_the_choices(value):
    with pytest.raises(MalformedRequest) as refused:
        language_hint(value)
    assert refused.value.status == 400
    assert all(code in str(refused.value) for code in LANGUAGES)
