"""`handouts serve`: run the web page with uvicorn until Ctrl+C.

Connections are bounded here, below the page: a request's headers must arrive
within `HEADER_SECONDS` and its body within `BODY_SECONDS` (else the connection
is closed), an idle keep-alive connection is closed after `KEEP_ALIVE_SECONDS`,
and past `Limits.max_connections` open connections a new one is closed at once
(and uvicorn answers 503 to requests over the same limit). So a thousand slow
or idle sockets cannot lock visitors out. Ctrl+C stops within
`SHUTDOWN_SECONDS`: a render still running is cancelled and its worker killed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from . import DEFAULT_HOST, Limits, accepted_hosts, check_options
from .app import create_app

HEADER_SECONDS = 10.0
BODY_SECONDS = 120.0  # a 3 MB upload at 25 KB/s
KEEP_ALIVE_SECONDS = 5
SHUTDOWN_SECONDS = 3


class BoundedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on reading each request."""

    max_connections = 200
    header_seconds = HEADER_SECONDS
    body_seconds = BODY_SECONDS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.read_deadline: asyncio.TimerHandle | None = None
        self.reading_body = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.close()
            return
        self._expect_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.SEND_BODY and not self.reading_body:
            self.reading_body = True
            self._deadline(self.body_seconds)
        elif state is not h11.IDLE and state is not h11.SEND_BODY:
            self._deadline(None)  # the whole request is in: the page takes its time

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._expect_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline(None)
        super().connection_lost(exc)

    def _expect_request(self) -> None:
        self.reading_body = False
        self._deadline(self.header_seconds)

    def _deadline(self, seconds: float | None) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None
        if seconds is not None:
            self.read_deadline = self.loop.call_later(seconds, self._too_slow)

    def _too_slow(self) -> None:
        self.read_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def make_server(folder: Path, host: str, port: int, limits: Limits) -> uvicorn.Server:
    """The uvicorn server of the page (also what tests start on 127.0.0.1)."""
    protocol = type("Bounded", (BoundedH11,), {"max_connections": limits.max_connections})
    config = uvicorn.Config(
        create_app(folder, limits),
        host=host,
        port=port,
        http=protocol,
        ws="none",
        lifespan="on",
        access_log=False,  # a clinic's private link is in its URLs: never written to a log
        log_level="warning",
        server_header=False,
        limit_concurrency=limits.max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )
    return uvicorn.Server(config)


def serve(
    host: str = DEFAULT_HOST,
    port: int = 8000,
    data: Path | None = None,
    public: bool = False,
    limits: Limits | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the web page until Ctrl+C."""
    limits = limits or Limits()
    folder = check_options(host, data, public, limits.allowed_hosts)
    limits = replace(limits, allowed_hosts=accepted_hosts(host, limits.allowed_hosts))
    server = make_server(folder, host, port, limits)
    shown = f"[{host}]" if ":" in host else host
    echo(f"handouts: open http://{shown}:{port}/ in your browser (Ctrl+C stops it).")
    echo(f"Saved clinics, logos and PDFs go to {folder.resolve()}/")
    if public:
        echo(
            "PUBLIC: anyone who can reach this address can make PDFs and save clinics; each saved clinic "
            "is visible to whoever holds its private link."
        )
    server.run()
