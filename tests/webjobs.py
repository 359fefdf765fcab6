"""Waiting for a job of the web page (issue 23: every job shows its progress):
a POST answers 303 to the job's page at once; the files are there once its
progress.json says it is finished."""

from __future__ import annotations

import time
from typing import Any


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
