"""HTTP requests to the local server, for the bench and the soak: (status, JSON body or bytes).

Each client thread keeps one connection per port and reuses it (HTTP/1.1 keep-alive), as browsers,
curl and API Gateway do: a new connection per request made the server's accept and thread
hand-over part of every 20 ms poll, counted against storytime's CPU.
"""

from __future__ import annotations

import http.client
import json
import threading

_kept = threading.local()  # port -> this thread's HTTPConnection


def _connection(port: int, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
    """This thread's connection to ``port``, and whether it is already open (a reused one)."""
    connections = _kept.__dict__.setdefault("connections", {})
    conn = connections.get(port)
    if conn is None:
        conn = connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    return conn, conn.sock is not None


def _drop(port: int) -> None:
    conn = _kept.__dict__.get("connections", {}).pop(port, None)
    if conn is not None:
        conn.close()


def request(port: int, method: str, path: str, body: bytes | None = None, kind: str | None = None,
            timeout: float = 120):
    for attempt in (1, 2):
        conn, reused = _connection(port, timeout)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": kind} if kind else {})
            response = conn.getresponse()
            raw = response.read()
        except (ConnectionResetError, BrokenPipeError):  # RemoteDisconnected is a ConnectionResetError
            _drop(port)
            if reused and attempt == 1:
                continue  # the server let the idle kept connection go (its header deadline): once on a new one
            raise
        except BaseException:
            _drop(port)
            raise
        if response.will_close:  # the server said Connection: close (a refusal, or an HTTP/1.0 answer)
            _drop(port)
        payload = json.loads(raw) if response.getheader("Content-Type", "").startswith("application/json") else raw
        return response.status, payload
    raise AssertionError("unreachable")


def close_all() -> None:
    """Close this thread's kept connections (a server about to stop, a client thread ending)."""
    for port in list(_kept.__dict__.get("connections", {})):
        _drop(port)
