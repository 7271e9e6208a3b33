"""A request's time is a deadline over all its reads, not a timeout that each byte restarts."""

import pytest
from storytime.local.deadline import DeadlineReader, Deadlines


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class TricklingSocket:
    """Gives one byte per read, a second of the clock apart (a slowloris client)."""

    def __init__(self, clock):
        self.clock, self.timeouts = clock, []

    def settimeout(self, seconds):
        self.timeouts.append(seconds)

    def recv_into(self, buffer):
        self.clock.now += 1
        buffer[0:1] = b"x"
        return 1


def test_each_read_waits_only_for_what_is_left_then_the_request_is_cut_off():
    clock = Clock()
    deadlines = Deadlines(header_seconds=5, body_seconds=30, clock=clock)
    sock = TricklingSocket(clock)
    reader = DeadlineReader.buffered(sock, deadlines)
    with pytest.raises(TimeoutError):
        reader.readline(1000)
    assert sock.timeouts == [5, 4, 3, 2, 1]


def test_the_body_gets_its_own_time_and_each_request_starts_afresh():
    clock = Clock()
    deadlines = Deadlines(header_seconds=5, body_seconds=30, clock=clock)
    clock.now = 4
    deadlines.start_body()
    assert deadlines.left() == 30
    clock.now = 100
    deadlines.start_request()
    assert deadlines.left() == 5
