"""The web reader's files (storytime/web), served as CloudFront would serve them.

Browsers asking for ``/`` get the page; ``curl`` and ``Accept: application/json``
keep the JSON description. The folder is laid out as it is deployed: index.html
at the root, everything else under app/.
"""

from __future__ import annotations

import re
from importlib import resources

PAGE_PATHS = ("/", "/index.html")
ASSET_PREFIX = "/app/"
# One flat folder of plain names: nothing a request can steer elsewhere.
_ASSET = re.compile(r"[a-z0-9][a-z0-9_-]*\.(js|css|json|svg|png|ico|webmanifest)")
TYPES = {
    "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
    "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    "webmanifest": "application/manifest+json",
}
# The page loads only its own scripts and styles; pictures, audio and the API may live elsewhere (CloudFront).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' blob: data: http: https:; media-src 'self' blob: http: https:; "
                               "connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _quality(accept: str, wanted: str) -> float:
    """The q a browser gives one media type (explicitly, or through type/* and */*)."""
    best, best_rank = 0.0, -1
    kind = wanted.split("/")[0]
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        rank = {wanted: 2, f"{kind}/*": 1, "*/*": 0}.get(media.lower())
        if rank is None or rank < best_rank:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best, best_rank = q, rank
    return best


def wants_page(accept: str | None) -> bool:
    """True when HTML is asked for by name and preferred to JSON (a browser), not for curl's */*."""
    if not accept or "text/html" not in accept.lower():
        return False
    return _quality(accept, "text/html") > _quality(accept, "application/json")


def page_file(path: str) -> tuple[bytes, str] | None:
    if path in PAGE_PATHS:
        return _read("index.html")
    if path.startswith(ASSET_PREFIX) and _ASSET.fullmatch(path[len(ASSET_PREFIX):]):
        return _read(f"app/{path[len(ASSET_PREFIX):]}")
    return None


def _read(name: str) -> tuple[bytes, str] | None:
    try:
        data = resources.files("storytime").joinpath("web", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return data, TYPES[name.rsplit(".", 1)[1]]
