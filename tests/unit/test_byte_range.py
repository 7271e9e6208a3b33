import pytest
from storytime.local.server import byte_range


@pytest.mark.parametrize("header,expected", [
    (None, None), ("", None), ("items=0-1", None), ("bytes=0-1,4-5", None), ("bytes=x-y", None),
    ("bytes=0-99", (0, 99)), ("bytes=10-", (10, 999)), ("bytes=-100", (900, 999)),
    ("bytes=990-5000", (990, 999)), ("bytes=1000-", ()), ("bytes=5-2", ()),
])
def test_byte_range(header, expected):
    assert byte_range(header, 1000) == expected
