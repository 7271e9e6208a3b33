"""The HTTP edge, as API Gateway would keep it: requests arrive in bounded time, connections are
bounded, every answer is JSON, the API key and CORS are honoured."""

import json
import socket
import threading
import time

import pytest
from storytime.local.edge import Edge

from tests.api.conftest import Client
from tests.fakes import page_photo
from tests.schemas import validator

# Generous: how long the test waits for an answer the server gives after its own short timeouts.
PATIENCE = 30


def exchange(port: int, data: bytes, then_wait: bool = True) -> tuple[int, dict, dict, bool]:
    """Send raw bytes; read until the server closes. -> (status, headers, JSON body, closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        sock.sendall(data)
        return read_answer(sock)


def read_answer(sock) -> tuple[int, dict, dict, bool]:
    received = b""
    closed = False
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            closed = True
            break
        received += chunk
        head, sep, rest = received.partition(b"\r\n\r\n")
        if sep:
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(rest) >= length and b"connection: close" not in head.lower():
                break
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert headers["content-type"] == "application/json", lines
    return status, headers, json.loads(body), closed


def is_error(body: dict, code: str) -> bool:
    validator("error").validate(body)
    return body["error"] == code


@pytest.mark.parametrize("request_bytes,status,code", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "URI_TOO_LONG"),
    (b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n", 431, "HEADERS_TOO_LARGE"),
    (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n", 431, "HEADERS_TOO_LARGE"),
    (b"GET / HTTP/9.9 extra\r\n\r\n", 400, "MALFORMED_REQUEST"),
    (b"GET / HTTP/2.0\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED"),
    (b"POST /upload HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     400, "MALFORMED_REQUEST"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "MALFORMED_REQUEST"),
    # HTTP/0.9 has no headers: answered at once, not after waiting for headers that never come.
    (b"GET /\r\n", 400, "MALFORMED_REQUEST"),
])
def test_protocol_refusals_are_json(client, request_bytes, status, code):
    got, headers, body, closed = exchange(client.port, request_bytes)
    assert (got, closed) == (status, True) and is_error(body, code)
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("method", ["PATCH", "TRACE", "DELETE", "PUT", "QUERY", "BREW"])
def test_other_methods_on_a_route_are_405_with_allow(client, method):
    status, headers, body = client.request(method, "/upload")
    assert (status, body["error"]) == (405, "METHOD_NOT_ALLOWED")
    assert headers["Allow"] == "OPTIONS, POST"


def test_options_answers_json_with_allow(client):
    status, headers, body = client.request("OPTIONS", "/result/" + "a" * 64)
    assert status == 200 and body == {"allow": ["GET", "HEAD", "OPTIONS"]}
    assert headers["Allow"] == "GET, HEAD, OPTIONS" and "Access-Control-Allow-Origin" not in headers
    status, _, body = client.request("OPTIONS", "/nowhere")
    assert (status, body["error"]) == (404, "NOT_FOUND")


@pytest.fixture
def quick(start_service):
    """A server whose requests must arrive within half a second (headers, then body)."""
    return start_service(Edge(header_timeout=0.5, body_timeout=0.5))[1]


@pytest.mark.parametrize("name,request_bytes,status,code", [
    ("headers never end", b"GET /health HTTP/1.1\r\nHost: x\r\n", 408, "REQUEST_TIMEOUT"),
    ("a partial body", b"POST /upload HTTP/1.1\r\nContent-Type: image/png\r\nContent-Length: 5000\r\n\r\n"
                       + page_photo(1)[:100], 408, "REQUEST_TIMEOUT"),
    ("a huge Content-Length", b"POST /upload HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
     413, "PAYLOAD_TOO_LARGE"),
])
def test_a_request_that_stops_arriving_is_answered_and_let_go(quick, name, request_bytes, status, code):
    got, _, body, closed = exchange(quick.port, request_bytes)
    assert (got, closed) == (status, True) and is_error(body, code), name


def test_an_idle_connection_is_closed(quick):
    with socket.create_connection(("127.0.0.1", quick.port), timeout=PATIENCE) as sock:
        assert sock.recv(1) == b""  # closed by the server, with nothing said


def test_a_request_trickled_a_byte_at_a_time_is_cut_off(quick):
    """A socket timeout alone restarts with each byte; the request's deadline does not."""
    request = b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"s" * 10_000
    with socket.create_connection(("127.0.0.1", quick.port), timeout=PATIENCE) as sock:
        for byte in request:  # at most 10,000 x 10 ms: the server must cut in long before
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.01)
            sock.setblocking(False)
            try:
                if sock.recv(65536, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
        else:
            pytest.fail("the server waited for the whole trickle")
        sock.settimeout(PATIENCE)
        status, _, body, closed = read_answer(sock)
    assert (status, closed) == (408, True) and is_error(body, "REQUEST_TIMEOUT")


def test_connections_are_bounded_and_the_excess_answered_busy(start_service):
    _, client = start_service(Edge(max_connections=4, header_timeout=PATIENCE))
    before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", client.port), timeout=PATIENCE) for _ in range(4)]
    try:
        assert client.request("GET", "/health")[0] == 503  # the fifth: refused at once
        extra = [socket.create_connection(("127.0.0.1", client.port), timeout=PATIENCE) for _ in range(20)]
        for sock in extra:
            status, headers, body, closed = read_answer(sock)
            assert (status, closed, headers["retry-after"]) == (503, True, "1") and is_error(body, "BUSY")
            sock.close()
        assert threading.active_count() <= before + 4
    finally:
        for sock in idle:
            sock.close()
    for _ in range(PATIENCE * 10):  # the freed threads notice the closed sockets, then serve again
        if client.request("GET", "/health")[0] == 200:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the server never took connections again")


def test_connections_one_after_another_are_served_by_kept_threads(tmp_path, engines):
    """A thread per connection started anew waits for the GIL; under load that held up every answer."""
    from storytime.local.runtime import LocalRuntime
    from storytime.local.server import serve

    others = {t.ident for t in threading.enumerate() if t.name == "http"}  # other tests' servers
    runtime = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    server = serve(runtime, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = Client(server.server_port)
    try:
        for _ in range(20):
            assert client.request("GET", "/health")[0] == 200
            deadline = time.monotonic() + PATIENCE
            while server.idle_threads == 0:  # back once it sees the client close
                assert time.monotonic() < deadline
                time.sleep(0.005)
        assert len({t.ident for t in threading.enumerate() if t.name == "http"} - others) == 1
    finally:
        server.shutdown()
        runtime.close()


def test_the_api_key_is_required_everywhere_but_health(start_service):
    runtime, client = start_service(Edge(api_key="s3cret-key"))
    assert client.request("GET", "/health")[0] == 200
    for method, path in [("GET", "/"), ("GET", "/result/" + "a" * 64), ("GET", "/openapi.json"),
                         ("GET", "/executions/" + "a" * 64 + "/history"), ("POST", "/upload"), ("GET", "/nope")]:
        for headers in ({}, {"x-api-key": "wrong"}):
            status, _, body = client.request(method, path, b"", headers)
            assert (status, body["error"]) == (403, "FORBIDDEN"), (method, path, headers)
    key = {"x-api-key": "s3cret-key"}
    status, _, answer = client.request("POST", "/upload", page_photo(31), {**key, "Content-Type": "image/png"})
    assert status == 202
    assert client.request("GET", f"/result/{answer['id']}", headers=key)[0] in (200, 503)
    assert client.request("GET", "/", headers=key)[0] == 200
    assert runtime.records.get(answer["id"]) is not None


def test_cors_for_configured_origins_only(start_service):
    _, client = start_service(Edge(cors_origins=frozenset({"https://app.example"})))
    _, headers, _ = client.request("GET", "/health", headers={"Origin": "https://app.example"})
    assert headers["Access-Control-Allow-Origin"] == "https://app.example" and headers["Vary"] == "Origin"
    _, headers, _ = client.request("GET", "/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, body = client.request("OPTIONS", "/upload", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-api-key"})
    assert status == 200 and body == {"allow": ["OPTIONS", "POST"]}
    assert headers["Access-Control-Allow-Methods"] == "OPTIONS, POST"
    assert "x-api-key" in headers["Access-Control-Allow-Headers"].lower()


def test_the_edge_settings_come_from_the_environment():
    assert Edge.from_env({}).host == "127.0.0.1"  # this machine only, unless told otherwise
    assert Edge.from_env({"STORYTIME_PORT": "9000"}).base_url() == "http://127.0.0.1:9000"
    edge = Edge.from_env({"STORYTIME_HOST": "0.0.0.0", "STORYTIME_PUBLIC_URL": "https://books.example/",
                          "STORYTIME_API_KEY": "k", "STORYTIME_CORS_ORIGINS": "https://a.example, https://b.example"})
    assert (edge.host, edge.base_url(), edge.api_key) == ("0.0.0.0", "https://books.example", "k")
    assert edge.cors_origins == {"https://a.example", "https://b.example"}


def test_the_serving_process_puts_what_lives_as_long_as_the_server_out_of_the_collectors_way(tmp_path, engines):
    """A full collection walked every object of moto and botocore: 110-160 ms with all threads stopped."""
    import gc

    from storytime.local.runtime import LocalRuntime
    from storytime.local.server import serve

    gc.unfreeze()
    runtime = LocalRuntime(tmp_path / "d", "http://media.test", engines=engines)
    server = serve(runtime, "127.0.0.1", 0)
    try:
        assert gc.get_freeze_count() > 10_000 and gc.is_tracked(runtime.deps)
        assert not any(seen is runtime.deps for seen in gc.get_objects())  # frozen: no collection walks it
    finally:
        server.server_close()
        runtime.close()
        gc.unfreeze()
