"""The serving process hands the GIL over quickly: a page's thread back from an engine or the disk
does not wait CPython's default 5 ms behind another page's Python (local/server.py)."""

import sys

import pytest
from storytime.local.server import GIL_SWITCH_SECONDS


@pytest.fixture
def default_switch_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # CPython's default, whatever an earlier test left
    yield
    sys.setswitchinterval(before)


def test_serving_sets_a_short_gil_switch_interval(default_switch_interval, start_service):
    start_service()
    assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_SECONDS)
    assert GIL_SWITCH_SECONDS < 0.005
