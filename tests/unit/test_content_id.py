import hashlib

import pytest
from storytime.core.content_id import content_id, is_content_id


def test_content_id_is_sha256_hex():
    assert content_id(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert content_id(b"page one") == hashlib.sha256(b"page one").hexdigest()


def test_content_id_is_stable_and_discriminating():
    assert content_id(b"abc") == content_id(b"abc")
    assert content_id(b"abc") != content_id(b"abd")


def test_content_id_round_trips():
    assert is_content_id(content_id(b"\xff\xd8\xff some jpeg"))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0" * 63,
        "0" * 65,
        "A" * 64,  # uppercase
        "g" * 64,
        "0" * 63 + "\n",
        "0" * 64 + "\n",
        " " + "0" * 63,
        "0" * 32 + "-" + "0" * 31,
        "٠" * 64,  # Arabic-Indic zero: a "digit" to \d, not to us
        None,
        0,
        b"0" * 64,
    ],
)
def test_is_content_id_refuses(value):
    assert not is_content_id(value)


def test_is_content_id_accepts_lowercase_hex():
    assert is_content_id("0123456789abcdef" * 4)
