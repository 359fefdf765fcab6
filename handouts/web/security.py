"""The page's guard, in front of every request: the Host header, security
headers, the CSRF cookie, upload limits enforced while the body streams in,
and a per-client limit on POSTs. (The CSRF token itself is checked by
`Web.form`.)

- Only the hosts the server was started for are answered (`accepted_hosts`):
  a page elsewhere that points its own domain name at this computer (DNS
  rebinding) gets a 400, not the page.
- The CSRF cookie holds a random value; a form carries `form_token(secret,
  value)`, an HMAC under the data folder's secret. A page on another port of
  the same computer can plant a cookie (cookies do not keep ports apart), but
  it cannot compute the form token that goes with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..clinic.logo import MAX_LOGO_BYTES
from . import DEFAULT_HOST, Limits, accepted_hosts, i18n

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_LIMIT = 64_000  # a form without a file
LOGO_LIMIT = MAX_LOGO_BYTES
CSV_LIMIT = 1_000_000
CSV_MAX_ROWS = 500  # offices, counted after the CSV is read as `handouts batch` reads it
# Pages one CSV may ask to lay out (offices x languages x handouts, signs and packets). 500 offices in one
# language ask for 2,000: `bench/batch.py --offices 500 --langs en` took 308 s on 2 cores (2026-12-03),
# a sixth of Limits.batch_seconds.
MAX_BATCH_JOBS = 2000
SLACK = 16_000  # the other fields and multipart headers around a file
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class TooLargeError(Exception):
    """An upload over its limit: `what` (logo, csv or form) and its size in bytes, when the browser said it."""

    def __init__(self, what: str = "upload", size: int = 0):
        self.what = what
        self.size = size


def upload_kind(path: str) -> str:
    if path == "/clinic" or (path.startswith("/c/") and path.count("/") == 2):
        return "logo"
    if path == "/offices":
        return "csv"
    return "form"


def body_limit(path: str) -> int:
    return {"logo": LOGO_LIMIT + SLACK, "csv": CSV_LIMIT + SLACK}.get(upload_kind(path), FORM_LIMIT)


def form_token(secret: bytes, cookie: str) -> str:
    """The CSRF token a form carries for this cookie value."""
    digest = hmac.new(secret, cookie.encode("ascii", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def host_name(header: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """The Host check, security headers, the CSRF cookie, upload limits enforced
    while the body streams in, and a per-client limit on POSTs."""

    def __init__(self, app: ASGIApp, limits: Limits, secret: bytes):
        self.app = app
        self.rate_limit = limits.rate_limit
        self.hosts = set(accepted_hosts(DEFAULT_HOST, limits.allowed_hosts))
        self.secret = secret
        self.posts: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if host_name(headers.get("host", "")) not in self.hosts:
            await _plain(send, 400, "Unknown host: open this page by the address its server was started for.")
            return
        cookie = _cookie(headers.get("cookie", ""), "csrf")
        token = cookie if cookie and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", cookie) else secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = form_token(self.secret, token)
        new_cookie = token != cookie

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not any(k.lower() == b"cache-control" for k, _ in message.get("headers", [])):
                    extra.append((b"cache-control", b"no-store"))
                if new_cookie:
                    extra.append((b"set-cookie", f"csrf={token}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        lang = i18n.choose(_cookie(headers.get("cookie", ""), "ui_lang"), headers.get("accept-language", ""))
        with i18n.active(lang):
            await self.route(scope, receive, send_with_headers, headers)

    async def route(self, scope: Scope, receive: Receive, send_with_headers: Send, headers: dict[str, str]) -> None:
        if scope["method"] == "POST":
            client = (scope.get("client") or ("?", 0))[0]
            now, window = time.monotonic(), self.posts[client]
            while window and window[0] < now - 60:
                window.popleft()
            if len(window) >= self.rate_limit:
                await _plain(send_with_headers, 429, "Too many requests: wait a minute.", [(b"retry-after", b"60")])
                return
            window.append(now)
            limit = body_limit(scope["path"])
            try:
                declared = int(headers.get("content-length", "0"))
            except ValueError:
                declared = 0
            if declared > limit:  # the page says so on the form it came from; the body is never read
                scope["state"]["too_large"] = declared

                async def nothing() -> Message:
                    return {"type": "http.request", "body": b"", "more_body": False}

                await self.app(scope, nothing, send_with_headers)
                return
            received = 0

            async def limited() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise TooLargeError(upload_kind(scope["path"]), received)
                return message

            await self.app(scope, limited, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


async def _plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})
