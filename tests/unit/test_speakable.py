import pytest
from storytime.core.speakable import speakable


@pytest.mark.parametrize("text,spoken", [
    ("The fox | ran ~ home.", "The fox ran home."),
    ("Salt and pepper, then strain , Cook", "Salt and pepper, then strain , Cook"),
    ("“Hello,” she said — and left …", "“Hello,” she said — and left …"),
    ("Wait * for it \\ now", "Wait for it now"),
    ("Two & three = 5 %", "Two & three = 5 %"),
    ("Price: $ 4", "Price: $ 4"),
    ("옛날 옛적에 · 작은 여우가", "옛날 옛적에 작은 여우가"),
    ("First.\n\n~ |\n\nSecond.", "First.\n\nSecond."),
    ("| ~ *", ""),
])
def test_speakable(text, spoken):
    assert speakable(text) == spoken
