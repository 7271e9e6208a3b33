"""One HTTP request to the local server, for the bench and the soak: (status, JSON body or bytes)."""

from __future__ import annotations

import http.client
import json


def request(port: int, method: str, path: str, body: bytes | None = None, kind: str | None = None,
            timeout: float = 120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": kind} if kind else {})
        response = conn.getresponse()
        raw = response.read()
        payload = json.loads(raw) if response.getheader("Content-Type", "").startswith("application/json") else raw
        return response.status, payload
    finally:
        conn.close()
