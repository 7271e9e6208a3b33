"""What API Gateway decides before any Lambda runs, for the local server: where it listens, who
may call, how long a request may take to arrive, how many connections it holds at once.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from storytime.functions import OPEN_ROUTES

# The header API Gateway reads an API key from.
API_KEY_HEADER = "x-api-key"
# Reached without the key: the open routes, and the media that CloudFront (not the API) serves
# on AWS, linked from e-mails and <audio> elements.
OPEN_PATHS = tuple(path for _method, path in OPEN_ROUTES)
OPEN_PREFIXES = ("/media/",)


@dataclass(frozen=True)
class Edge:
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # empty: http://127.0.0.1:<port>
    api_key: str | None = None
    cors_origins: frozenset[str] = frozenset()
    # A request line and headers must arrive within this many seconds, a body within the next.
    header_timeout: float = 10.0
    # 10 MB at ~1 Mbit/s, a poor mobile uplink.
    body_timeout: float = 120.0
    # One thread per connection: more than this are answered 503 at once, not queued for ever.
    max_connections: int = 64

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Edge:
        env = os.environ if env is None else env
        origins = {o.strip().rstrip("/") for o in env.get("STORYTIME_CORS_ORIGINS", "").split(",") if o.strip()}
        return cls(
            host=env.get("STORYTIME_HOST") or cls.host,
            port=int(env.get("STORYTIME_PORT") or cls.port),
            public_url=env.get("STORYTIME_PUBLIC_URL", "").rstrip("/"),
            api_key=env.get("STORYTIME_API_KEY") or None,
            cors_origins=frozenset(origins),
            header_timeout=float(env.get("STORYTIME_HEADER_TIMEOUT_SECONDS") or cls.header_timeout),
            body_timeout=float(env.get("STORYTIME_BODY_TIMEOUT_SECONDS") or cls.body_timeout),
            max_connections=int(env.get("STORYTIME_MAX_CONNECTIONS") or cls.max_connections),
        )

    def base_url(self, port: int | None = None) -> str:
        """Where a person reaches the API: the links in answers and e-mails start with it."""
        return self.public_url or f"http://127.0.0.1:{self.port if port is None else port}"

    def needs_key(self, method: str, path: str) -> bool:
        # A browser's CORS preflight never carries the key, so API Gateway answers it without one.
        return bool(self.api_key) and method != "OPTIONS" and path not in OPEN_PATHS \
            and not path.startswith(OPEN_PREFIXES)

    def key_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), (self.api_key or "").encode())

    def allowed_origin(self, origin: str | None) -> str | None:
        return origin if origin and origin.rstrip("/") in self.cors_origins else None
