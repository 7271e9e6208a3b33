"""HTTP/1.1 keep-alive, as browsers, curl and API Gateway use it: many requests on one connection.

Each answer carries its length, so the client knows where it ends and can send the next request on
the same socket; only an answer that leaves the connection unusable closes it.
"""

import http.client
import json
import socket
import time

from storytime.core.content_id import content_id
from storytime.local.edge import Edge

from tests.api.conftest import wait_finished
from tests.fakes import page_photo
from tests.schemas import check_answer

PATIENCE = 30


class Kept:
    """One http.client connection, kept: ``same`` says whether the last answer came on the first socket."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
        self.first_socket = None

    def request(self, method, path, body=None, headers=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        self.first_socket = self.first_socket or self.conn.sock
        response = self.conn.getresponse()
        raw = response.read()
        assert response.getheader("Content-Length") == str(len(raw)) or method == "HEAD"
        payload = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith("application/json") \
            else raw
        if isinstance(payload, dict):
            check_answer(method, path, response.status, payload)
        return response.status, response, payload

    @property
    def same(self) -> bool:
        return self.conn.sock is not None and self.conn.sock is self.first_socket

    def close(self):
        self.conn.close()


def test_an_upload_and_its_result_on_one_connection(service):
    runtime, client = service
    kept = Kept(client.port)
    try:
        status, answer, body = kept.request("POST", "/upload", page_photo(71), {"Content-Type": "image/png"})
        assert status == 202 and answer.getheader("Connection") is None and kept.same
        wait_finished(runtime, body["id"])
        for _ in range(3):  # a client asking again and again, as the web reader polls
            status, _, result = kept.request("GET", f"/result/{body['id']}")
            assert status == 200 and result["text"] and kept.same
    finally:
        kept.close()


def test_error_answers_keep_the_connection(client):
    """A refusal of a request without a body leaves the connection as good as before."""
    kept = Kept(client.port)
    try:
        for path, status_wanted in [("/no/such/route", 404), ("/result/not-an-id", 400), ("/result/" + "a" * 64, 404),
                                    ("/health", 200)]:
            status, answer, _ = kept.request("GET", path)
            assert (status, answer.getheader("Connection")) == (status_wanted, None) and kept.same, path
        status, _, _ = kept.request("POST", "/upload", b"hello", {"Content-Type": "text/plain"})
        assert status == 415 and kept.same
        assert kept.request("GET", "/health")[0] == 200 and kept.same
    finally:
        kept.close()


def test_head_then_get_on_one_connection(client):
    """HEAD's answer says the length but sends no body: else the next answer would start inside it."""
    received = two_answers(client.port,
                           b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    head_answer, rest = received.split(b"\r\n\r\n", 1)
    assert head_answer.startswith(b"HTTP/1.1 200") and b"Content-Length: " in head_answer
    assert rest.startswith(b"HTTP/1.1 200")  # nothing between HEAD's headers and the next answer
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["status"] == "ok"


def two_answers(port: int, requests: bytes) -> bytes:
    """``requests`` (two of them) sent at once on one connection; the bytes of both answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        sock.sendall(requests)
        return read_two_answers(sock)


def read_two_answers(sock) -> bytes:
    received = b""
    while received.count(b"HTTP/1.1 ") < 2 or not received.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
    return received


def test_a_refusal_that_leaves_a_body_unread_closes_the_connection(client):
    """The unread bytes would be taken for the next request: the answer says Connection: close."""
    kept = Kept(client.port)
    try:
        status, answer, _ = kept.request("POST", "/no/such/route", b"x" * 1000, {"Content-Type": "image/png"})
        assert status == 404 and answer.getheader("Connection") == "close" and not kept.same
        assert kept.request("GET", "/health")[0] == 200  # http.client opens a new one
    finally:
        kept.close()


def test_two_requests_sent_at_once_are_both_answered_in_order(client):
    """Pipelined: the second request waits in the buffer while the first is answered."""
    received = two_answers(client.port,
                           b"GET /no/such/route HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    first, second = received.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"404") and second.startswith(b"200")


def test_a_client_closing_mid_body_frees_its_connection_and_stores_nothing(start_service):
    runtime, client = start_service(Edge(max_connections=1, header_timeout=PATIENCE))
    photo = page_photo(72)
    kept = Kept(client.port)
    try:
        assert kept.request("GET", "/health")[0] == 200 and kept.same
        kept.conn.putrequest("POST", "/upload")
        kept.conn.putheader("Content-Type", "image/png")
        kept.conn.putheader("Content-Length", str(len(photo)))
        kept.conn.endheaders(photo[: len(photo) // 2])
        kept.conn.sock.shutdown(socket.SHUT_RDWR)
    finally:
        kept.close()
    assert _once_free(lambda: client.request("GET", "/health"))[0] == 200  # the slot is back when the read ends
    assert runtime.records.get(content_id(photo[: len(photo) // 2])) is None
    status, _, body = _once_free(lambda: client.upload(photo))
    assert (status, body["status"]) == (202, "PROCESSING")  # the whole page is new: nothing of it was kept


def _once_free(call):
    """``call``'s answer once the only connection slot is free: the server frees a slot when it has
    seen the previous connection close, which can come a moment after the client closed it. Until
    then it answers 503 and closes, which a client still sending its body sees as a broken pipe."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            answer = call()
        except (BrokenPipeError, ConnectionResetError):  # turned away (503, closed) while still sending
            answer = (503,)
        if answer[0] != 503:
            return answer
        assert time.monotonic() < deadline, "the half-sent upload kept its connection"
        time.sleep(0.05)
