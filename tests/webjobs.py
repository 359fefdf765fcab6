"""Waiting for a job of the web page (issue 23: every job shows its progress):
a POST answers 303 to the job's page at once; the files are there once its
progress.json says it is finished."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from handouts.web import Limits
from handouts.web.server import make_server


def finished(client: Any, response: Any, seconds: float = 300) -> str:
    """The job page a POST sent us to, once its job is done (bounded wait)."""
    assert response.status_code == 303, getattr(response, "text", "")[:500]
    job = str(response.headers["location"])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(f"{job}/progress.json").json()["finished"]:
            return job
        time.sleep(0.2)
    raise AssertionError(f"{job} did not finish within {seconds} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(data: Path, limits: Limits) -> Iterator[str]:
    """`handouts serve`'s own server (server.make_server) on 127.0.0.1, in a thread; stopped on exit."""
    port = free_port()
    server = make_server(data, "127.0.0.1", port, limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert server.started, "the server did not start within 30 s"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the server did not stop within 30 s"
