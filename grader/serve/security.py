"""The app's defences, each one small and tested on its own (tests/test_serve_http.py).

* **Host check** (DNS rebinding): a request whose ``Host`` is not an allowed name is refused
  with 400 before any route runs (Starlette's TrustedHostMiddleware).
* **Cross-site requests**: every state-changing request (anything but GET/HEAD) must carry an
  ``Origin`` equal to the app's own origin and, once logged in, the session's CSRF token in
  the form; GET never changes state. The session cookie is also ``SameSite=Strict``.
* **Headers on every response**: a CSP without inline script or style (``script-src 'self'``,
  images only from the app or ``data:``), ``nosniff``, a ``same-origin`` referrer policy (no
  URL leaves the app; ``no-referrer`` would make browsers send ``Origin: null`` on the app's own
  forms), no framing, and
  ``Cache-Control: no-store`` on every page (they all show student data or a token).
* **Login rate limit**: a client address gets ``LOGIN_ATTEMPTS`` tries per ``LOGIN_WINDOW``.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" on the app's
    # own form posts, which the Origin check must refuse; either way no URL leaves the app
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
LOGIN_ATTEMPTS = 10
LOGIN_WINDOW = 60.0  # seconds


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response, ``no-store`` to all but the static files, and
    refuses unsafe methods whose ``Origin`` is missing or foreign (403)."""

    def __init__(self, app: ASGIApp, static_prefix: str = "/static/"):
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        if scope["method"] not in SAFE_METHODS and not same_origin(request_headers, scope):
            response = PlainTextResponse(
                "Refused: a form of this app must be sent from the app's own page (Origin missing or foreign).",
                status_code=403,
            )
            await _with_headers(response, scope, receive, send, cache=False)
            return
        cache = scope["path"].startswith(self.static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if not cache:
                    headers = [(k, v) for k, v in headers if k.decode().lower() != "cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _with_headers(response, scope: Scope, receive: Receive, send: Send, cache: bool) -> None:
    for key, value in HEADERS.items():
        response.headers[key] = value
    if not cache:
        response.headers["cache-control"] = "no-store"
    await response(scope, receive, send)


def own_origin(headers: Headers, scope: Scope) -> str:
    scheme = scope.get("scheme", "http")
    return f"{scheme}://{headers.get('host', '')}".lower()


def same_origin(headers: Headers, scope: Scope) -> bool:
    """True when the request's ``Origin`` is the app's own (scheme and host with port)."""
    origin = headers.get("origin")
    return origin is not None and origin.lower() == own_origin(headers, scope)


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


class RateLimit:
    """At most ``attempts`` per ``window`` seconds per key (a client address), in memory."""

    def __init__(self, attempts: int = LOGIN_ATTEMPTS, window: float = LOGIN_WINDOW):
        self.attempts, self.window = attempts, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and now - seen[0] > self.window:
                seen.popleft()
            if len(seen) >= self.attempts:
                return False
            seen.append(now)
            return True
