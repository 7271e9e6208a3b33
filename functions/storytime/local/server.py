"""The local HTTP server: API routes through the emulated gateway, media like CloudFront.

It also does what API Gateway does before a Lambda runs: bounded time for a request to arrive,
a bounded number of connections, the API key, CORS, and a JSON answer for every refusal.
"""

from __future__ import annotations

import gc
import json
import logging
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from storytime.core.limits import direct_limit_message
from storytime.core.records import is_public_key
from storytime.errors import InsufficientStorage, StoredDataMissing
from storytime.local.deadline import DeadlineReader, Deadlines
from storytime.local.edge import API_KEY_HEADER, Edge
from storytime.local.gateway import compile_routes, decode_body, proxy_event
from storytime.local.runtime import LocalRuntime
from storytime.local.static import ASSET_PREFIX, SECURITY_HEADERS, page_file, wants_page

log = logging.getLogger("storytime.server")
MEDIA_PREFIX = "/media/"
UPLOAD_PREFIX = "/uploads/"  # PUT to a signed upload URL (S3's presigned PUT on AWS)
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "mp3": "audio/mpeg", "json": "application/json"}
# Sent with every answer: browsers must take our Content-Type as it is, never guess.
ALWAYS = {"X-Content-Type-Options": "nosniff"}
# Refusals http.server makes itself, before a route is known: code and a message of our own
# (its messages echo the request back).
PROTOCOL_ERRORS = {
    400: ("MALFORMED_REQUEST", "The request is not valid HTTP/1.1."),
    408: ("REQUEST_TIMEOUT", "The request did not arrive in time."),
    414: ("URI_TOO_LONG", "The address is too long."),
    431: ("HEADERS_TOO_LARGE", "The request headers are too large."),
    501: ("NOT_IMPLEMENTED", "This method is not supported."),
    505: ("HTTP_VERSION_NOT_SUPPORTED", "Use HTTP/1.0 or HTTP/1.1."),
}
SMALL_BODY = 64 * 1024  # answers up to this size go out in one write with their head
# How long a thread back from an engine, the disk or a socket waits for the GIL while another
# thread runs Python, before that one is made to let go. CPython's 5 ms is paid at every such
# return: with two pages at once, each page's steps wait behind the other's Python (reading order,
# the interpreter, JSON) while a core idles. 1 ms: a thread doing 200 short I/O steps beside a busy
# Python thread took 0.3-0.4 s instead of 1.2-1.3 s (0.12 s alone).
GIL_SWITCH_SECONDS = 0.001
BUSY = json.dumps({"error": "BUSY", "message": "The server is at its connection limit; try again shortly."}).encode()


class StorytimeServer(ThreadingHTTPServer):
    daemon_threads = True
    # Twenty phones may upload at once; the default backlog of 5 refuses some.
    request_queue_size = 128

    def __init__(self, address, runtime: LocalRuntime, edge: Edge | None = None):
        self.edge = edge or Edge()
        self._slots = threading.BoundedSemaphore(self.edge.max_connections)
        # Connections go to threads kept for the next one, not to a new thread each:
        # starting a thread waits for it to get the GIL, and while the workflow's threads
        # kept the GIL busy, the accepting thread spent half its time there.
        self._connections: queue.SimpleQueue = queue.SimpleQueue()
        self._pool_lock = threading.Lock()
        self._idle = 0
        super().__init__(address, RequestHandler)
        self.runtime = runtime
        self.routes = compile_routes()

    def process_request(self, request, client_address):
        """One thread per connection, up to the limit; past it a 503 at once, from this thread."""
        if not self._slots.acquire(blocking=False):
            refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            with self._pool_lock:
                grow = self._idle == 0  # at most max_connections threads: the slots bound the connections
                self._idle -= 0 if grow else 1
            if grow:
                threading.Thread(target=self._serve_connections, daemon=True, name="http").start()
            self._connections.put((request, client_address))
        except BaseException:
            self._slots.release()
            raise

    @property
    def idle_threads(self) -> int:
        with self._pool_lock:
            return self._idle

    def _serve_connections(self) -> None:
        while True:
            request, client_address = self._connections.get()
            try:
                self.process_request_thread(request, client_address)
            finally:
                with self._pool_lock:
                    self._idle += 1

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def refuse_busy(sock) -> None:
    head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            f"X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: {len(BUSY)}\r\n\r\n")
    try:
        sock.settimeout(1)
        sock.sendall(head.encode() + BUSY)
    except OSError:
        pass


class RequestHandler(BaseHTTPRequestHandler):
    server: StorytimeServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.deadlines = Deadlines(self.server.edge.header_timeout, self.server.edge.body_timeout)
        self.rfile = DeadlineReader.buffered(self.connection, self.deadlines)

    def handle_one_request(self) -> None:
        self.deadlines.start_request()
        super().handle_one_request()

    def parse_request(self) -> bool:
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) == 2:  # HTTP/0.9 has no headers: http.server would wait for them
            self.command, self.request_version = words[0], "HTTP/1.1"
            self.send_error(400)
            return False
        try:
            if not super().parse_request():
                return False
        except TimeoutError:
            self.send_error(408)
            return False
        lengths = self.headers.get_all("Content-Length") or []
        if len(set(lengths)) > 1 or (lengths and "Transfer-Encoding" in self.headers):
            self.send_error(400)  # which body is meant is ambiguous: the stuff of request smuggling
            return False
        return True

    def log_message(self, format, *args):
        log.info("%s %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad syntax, long lines, odd methods) as JSON, like ours."""
        if self.request_version == "HTTP/0.9" or not self.request_version:
            self.request_version = "HTTP/1.1"  # else http.server leaves out the status line and headers
        error, human = PROTOCOL_ERRORS.get(code, ("BAD_REQUEST", "The request could not be understood."))
        self._json(code, error, human, close=True)

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.connection.settimeout(self.server.edge.body_timeout)  # a reader that stops reading is let go
        self.send_response(status)
        for name, value in {**ALWAYS, **self._cors(), **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if len(body) <= SMALL_BODY:
            return self._end_headers_with(body)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _end_headers_with(self, body: bytes) -> None:
        """Head and a small body in one write: one send and one wake-up of the client, not two."""
        if not hasattr(self, "_headers_buffer"):
            self._headers_buffer = []
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _cors(self) -> dict:
        origin = self.server.edge.allowed_origin(self.headers.get("Origin") if hasattr(self, "headers") else None)
        if origin is None:
            return {}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                "Access-Control-Expose-Headers": "Retry-After, Content-Range"}

    def _json(self, status: int, code: str, message: str, close: bool = False, headers: dict | None = None) -> None:
        headers = {"Content-Type": "application/json", **(headers or {})}
        if close:
            headers["Connection"] = "close"
            self.close_connection = True
        self._send(status, json.dumps({"error": code, "message": message}).encode(), headers)

    def _body_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        return int(value) if value is not None and value.isdigit() else None

    def _has_body(self) -> bool:
        return bool(self._body_length()) or "Transfer-Encoding" in self.headers

    def _read_body(self, limit: int | None = None) -> bytes | None:
        if self.command not in ("POST", "PUT"):
            return b""
        length = self._body_length()
        if length is None:
            self._json(411, "LENGTH_REQUIRED", "Send a numeric Content-Length header with the upload.", close=True)
            return None
        self.deadlines.start_body()
        if limit is not None:  # an upload URL takes the photo's bytes, no more
            too_big = length > limit
            message = f"The photo is larger than {limit / (1024 * 1024):g} MB."
        else:  # API Gateway refuses bodies over 10 MB before any Lambda runs; so do we.
            limit = self.server.runtime.settings.max_upload_bytes
            too_big = length > limit + 64 * 1024
            message = direct_limit_message(limit)
        if too_big:
            self._drain(min(length, 2 * limit))
            self._json(413, "PAYLOAD_TOO_LARGE", message, close=True)
            return None
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        if len(body) < length:
            self._json(408, "REQUEST_TIMEOUT", "The upload did not arrive in full; send it again.", close=True)
            return None
        return body

    def _drain(self, length: int) -> None:
        """Read a refused body away (within the body's time) so the client sees our answer, not a reset."""
        remaining = length
        try:
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    return
                remaining -= len(chunk)
        except TimeoutError:
            return

    def _staged_put(self, path: str) -> None:
        """PUT to an upload URL, as S3 takes a presigned PUT: the signature is the permission, no API key."""
        key = path[1:]
        query = parse_qs(urlsplit(self.path).query)
        expires, signature = (query.get(name, [""])[-1] for name in ("expires", "signature"))
        objects = self.server.runtime.objects
        refused = None if len(key.split("/")) == 2 else "BAD_SIGNATURE"
        refused = refused or objects.upload_allowed(key, expires, signature, time.time())
        if refused:
            message = ("This upload URL has expired: ask POST /uploads for a new one." if refused == "URL_EXPIRED"
                       else "This upload URL is not signed by this service.")
            return self._json(403, refused, message, close=True)
        body = self._read_body(limit=self.server.runtime.settings.max_staged_upload_bytes)
        if body is None:
            return None
        try:
            objects.put(key, body, self.headers.get("Content-Type") or "application/octet-stream")
        except InsufficientStorage as error:
            return self._json(507, error.code, str(error))
        self._send(200, b"", {})

    def _media(self) -> None:
        """Page images, MP3s and timings, as CloudFront serves them: byte ranges too (Safari's <audio> asks for them).

        Only those: the OCR output and text files beside them are the workflow's, not the public's.
        """
        key = self.path.split("?", 1)[0][len(MEDIA_PREFIX):]
        if not is_public_key(key):
            return self._json(404, "NOT_FOUND", "No such file.")
        try:
            data = self.server.runtime.objects.path(key).read_bytes()
        except (StoredDataMissing, OSError):
            return self._json(404, "NOT_FOUND", "No such file.")
        headers = {"Content-Type": MEDIA_TYPES[key.rsplit(".", 1)[-1]],
                   "Cache-Control": "public, max-age=31536000, immutable", "Accept-Ranges": "bytes"}
        wanted = byte_range(self.headers.get("Range"), len(data))
        if wanted is None:
            return self._send(200, data, headers)
        if wanted == ():
            return self._send(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
        start, end = wanted
        self._send(206, data[start:end + 1], {**headers, "Content-Range": f"bytes {start}-{end}/{len(data)}"})

    def _page(self, path: str) -> None:
        """The web reader's static files, as CloudFront would serve them."""
        found = page_file(path)
        if found is None:
            return self._json(404, "NOT_FOUND", "No such file.")
        data, kind = found
        self._send(200, data, {"Content-Type": kind, "Cache-Control": "no-cache", "Vary": "Accept",
                               **SECURITY_HEADERS})

    def _allowed(self, path: str) -> list[str]:
        if path.startswith(MEDIA_PREFIX):
            return ["GET", "HEAD", "OPTIONS"]
        methods = {route.method for route in self.server.routes if route.match(path) is not None}
        if not methods and path.startswith(UPLOAD_PREFIX) and path.count("/") == 2:
            methods = {"PUT"}  # an upload URL: a page on another origin asks first, as S3's CORS answers
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods | {"OPTIONS"}) if methods else []

    def _options(self, path: str) -> None:
        allowed = self._allowed(path)
        if not allowed:
            return self._json(404, "NOT_FOUND", f"No route for {path}.")
        headers = {"Content-Type": "application/json", "Allow": ", ".join(allowed)}
        if self._cors():
            headers.update({"Access-Control-Allow-Methods": ", ".join(allowed),
                            "Access-Control-Allow-Headers": f"Content-Type, Range, {API_KEY_HEADER}",
                            "Access-Control-Max-Age": "600"})
        self._send(200, json.dumps({"allow": allowed}).encode(), headers)

    def _dispatch(self) -> None:
        try:
            self._route()
        except Exception:
            log.exception("unhandled error")
            self._json(500, "INTERNAL", "Something went wrong on our side; nothing was lost.", close=True)

    def _route(self) -> None:
        path = self.path.split("?", 1)[0]
        unread = self._has_body() and self.command not in ("POST", "PUT")
        if unread:  # a body nobody reads would be taken for the next request
            self.close_connection = True
        if self.command in ("GET", "HEAD") and (
                path.startswith(ASSET_PREFIX) or path == "/index.html"
                or (path == "/" and wants_page(self.headers.get("Accept")))):
            return self._page(path)  # CloudFront's on AWS, like media: no API key
        if self.command == "PUT" and path.startswith(UPLOAD_PREFIX):
            return self._staged_put(path)
        edge = self.server.edge
        if edge.needs_key(self.command, path) and not edge.key_matches(self.headers.get(API_KEY_HEADER)):
            return self._json(403, "FORBIDDEN", f"Send the API key in the {API_KEY_HEADER} header.",
                              close=self._has_body())
        if self.command == "OPTIONS":
            return self._options(path)
        if path.startswith(MEDIA_PREFIX):
            if self.command in ("GET", "HEAD"):
                return self._media()
            return self._json(405, "METHOD_NOT_ALLOWED", "Media is read only.", close=self._has_body(),
                              headers={"Allow": "GET, HEAD, OPTIONS"})
        matches = [(route, params) for route in self.server.routes if (params := route.match(path)) is not None]
        if not matches:
            return self._json(404, "NOT_FOUND", f"No route for {path}.", close=self._has_body())
        method = "GET" if self.command == "HEAD" else self.command
        chosen = next(((r, p) for r, p in matches if r.method == method), None)
        if chosen is None:
            allowed = ", ".join(self._allowed(path))
            return self._json(405, "METHOD_NOT_ALLOWED", f"{path} takes {allowed}.", close=self._has_body(),
                              headers={"Allow": allowed})
        body = self._read_body()
        if body is None:
            return None
        route, params = chosen
        event = proxy_event(route, method, self.path, dict(self.headers.items()), body, params,
                            self.client_address[0])
        response = route.handler(event, None, deps=self.server.runtime.deps)
        self._send(response["statusCode"], decode_body(response), response.get("headers") or {})

    def __getattr__(self, name: str):
        # Every method reaches the routes: a known path answers 405 with Allow, an unknown one 404.
        if name.startswith("do_") and name[3:].isupper():
            return self._dispatch
        raise AttributeError(name)


def byte_range(header: str | None, size: int) -> tuple[int, int] | tuple[()] | None:
    """One ``bytes=a-b`` range -> (first, last) inclusive; () when unsatisfiable; None for the whole file."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes="):].strip().partition("-")
    try:
        if first == "":  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
    except ValueError:
        return None
    return (start, end) if 0 <= start <= end else ()


def serve(runtime: LocalRuntime, host: str, port: int, edge: Edge | None = None) -> StorytimeServer:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)  # this process serves: its threads take turns quickly
    server = StorytimeServer((host, port), runtime, edge)
    # What is alive now (moto, botocore's models, the engines: ~250,000 objects) lives as long as the
    # server: out of the collector's sight, a full collection walks only what pages left behind. Each
    # walked it all, 110-160 ms with every thread stopped, once every 40-200 pages (measured).
    gc.collect()
    gc.freeze()
    return server
