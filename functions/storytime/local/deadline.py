"""Reading a request against a deadline, not a per-read timeout.

A socket timeout alone restarts with every byte, so a client sending one byte
every few seconds (slowloris) would hold its thread for ever. Each read here
waits only for what is left of the request's time.
"""

from __future__ import annotations

import io
import time


class Deadlines:
    """Headers must arrive within ``header_seconds`` of the request's start, a body within ``body_seconds`` more."""

    def __init__(self, header_seconds: float, body_seconds: float, clock=time.monotonic):
        self.header_seconds, self.body_seconds, self._clock = header_seconds, body_seconds, clock
        self.at = clock() + header_seconds

    def start_request(self) -> None:
        self.at = self._clock() + self.header_seconds

    def start_body(self) -> None:
        self.at = self._clock() + self.body_seconds

    def left(self) -> float:
        return self.at - self._clock()


class DeadlineReader(io.RawIOBase):
    def __init__(self, sock, deadlines: Deadlines):
        self._sock, self._deadlines = sock, deadlines

    @classmethod
    def buffered(cls, sock, deadlines: Deadlines) -> io.BufferedReader:
        return io.BufferedReader(cls(sock, deadlines))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self._deadlines.left()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)
