"""Who may talk to the live server, and the headers every answer carries.

On loopback without a token, only requests naming a loopback host are served: a web page
elsewhere cannot reach the dashboard by pointing its own domain at 127.0.0.1 (DNS
rebinding). On any other host a token is required, by `Authorization: Bearer` or by the
cookie the login form sets; the comparison is constant-time.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # starlette is imported by the server, not by every CLI run
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "veroscore_dashboard_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
OPEN_PATHS = ("/login", "/static/style.css")
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AccessPolicy:
    token: str | None

    def allows(self, headers: dict[str, str]) -> bool:
        if self.token is None:
            return True
        given = ""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        elif "cookie" in headers:
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(headers["cookie"])
            except Exception:  # a malformed Cookie header is no credential
                return False
            given = cookie[COOKIE].value if COOKIE in cookie else ""
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def host_allowed(self, headers: dict[str, str]) -> bool:
        """Without a token, serve only requests addressed to a loopback name."""
        if self.token is not None:
            return True
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in LOOPBACK_NAMES


class GuardMiddleware:
    """Pure ASGI (streams such as SSE pass through untouched): checks the host and the
    token, then adds the security headers to every response."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if not self.policy.host_allowed(headers):
            await _plain(send_with_headers, 421, "unknown host: open the dashboard as "
                         "http://127.0.0.1 or http://localhost")
        elif path.startswith(OPEN_PATHS) or self.policy.allows(headers):
            await self.app(scope, receive, send_with_headers)
        elif path.startswith("/api/"):
            await _plain(send_with_headers, 401, '{"error": "a token is required"}',
                         b"application/json")
        else:
            await _redirect(send_with_headers, "/login")


async def _plain(send: Any, status: int, body: str,
                 content_type: bytes = b"text/plain; charset=utf-8") -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body.encode()})


async def _redirect(send: Any, location: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode())]})
    await send({"type": "http.response.body", "body": b""})
