"""The local HTTP server: API routes through the emulated gateway, media like CloudFront."""

from __future__ import annotations

import json
import logging
import mimetypes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from storytime.errors import StoredDataMissing
from storytime.local.gateway import compile_routes, decode_body, proxy_event
from storytime.local.runtime import LocalRuntime
from storytime.local.static import ASSET_PREFIX, SECURITY_HEADERS, page_file, wants_page

log = logging.getLogger("storytime.server")
MEDIA_PREFIX = "/media/"
mimetypes.add_type("audio/mpeg", ".mp3")


class StorytimeServer(ThreadingHTTPServer):
    daemon_threads = True
    # Twenty phones may upload at once; the default backlog of 5 refuses some.
    request_queue_size = 128

    def __init__(self, address, runtime: LocalRuntime):
        super().__init__(address, RequestHandler)
        self.runtime = runtime
        self.routes = compile_routes()


class RequestHandler(BaseHTTPRequestHandler):
    server: StorytimeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, code: str, message: str, close: bool = False) -> None:
        headers = {"Content-Type": "application/json"}
        if close:
            headers["Connection"] = "close"
            self.close_connection = True
        self._send(status, json.dumps({"error": code, "message": message}).encode(), headers)

    def _body_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        return int(value) if value is not None and value.isdigit() else None

    def _read_body(self) -> bytes | None:
        if self.command not in ("POST", "PUT"):
            return b""
        length = self._body_length()
        if length is None:
            self._json(411, "LENGTH_REQUIRED", "Send a numeric Content-Length header with the upload.", close=True)
            return None
        limit = self.server.runtime.settings.max_upload_bytes
        # API Gateway refuses bodies over 10 MB before any Lambda runs; so do we.
        if length > limit + 64 * 1024:
            self._drain(length)
            self._json(413, "PAYLOAD_TOO_LARGE", f"The upload is larger than {limit // (1024 * 1024)} MB.", close=True)
            return None
        return self.rfile.read(length)

    def _drain(self, length: int) -> None:
        """Read a refused body away so the client sees our answer, not a reset."""
        remaining = min(length, 256 * 1024 * 1024)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                return
            remaining -= len(chunk)

    def _media(self) -> None:
        """Stored images and MP3s, as CloudFront serves them: byte ranges too (Safari's <audio> asks for them)."""
        key = self.path.split("?", 1)[0][len(MEDIA_PREFIX):]
        try:
            path = self.server.runtime.objects.path(key)
            data = path.read_bytes()
        except (StoredDataMissing, OSError):
            return self._json(404, "NOT_FOUND", "No such file.")
        headers = {"Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
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

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(MEDIA_PREFIX) and self.command in ("GET", "HEAD"):
            return self._media()
        if self.command in ("GET", "HEAD") and (
                path.startswith(ASSET_PREFIX) or path == "/index.html"
                or (path == "/" and wants_page(self.headers.get("Accept")))):
            return self._page(path)
        matches = [(route, params) for route in self.server.routes if (params := route.match(path)) is not None]
        unread = bool(self._body_length())  # an error before reading a body ends the connection
        if not matches:
            return self._json(404, "NOT_FOUND", f"No route for {path}.", close=unread)
        method = "GET" if self.command == "HEAD" else self.command
        chosen = next(((r, p) for r, p in matches if r.method == method), None)
        if chosen is None:
            allowed = ", ".join(sorted({r.method for r, _ in matches}))
            return self._json(405, "METHOD_NOT_ALLOWED", f"{path} takes {allowed}.", close=unread)
        body = self._read_body()
        if body is None:
            return None
        route, params = chosen
        event = proxy_event(route, method, self.path, dict(self.headers.items()), body, params,
                            self.client_address[0])
        response = route.handler(event, None, deps=self.server.runtime.deps)
        self._send(response["statusCode"], decode_body(response), response.get("headers") or {})

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _dispatch


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


def serve(runtime: LocalRuntime, host: str, port: int) -> StorytimeServer:
    return StorytimeServer((host, port), runtime)
