"""The worker pool of the web page: the work runs in worker processes, never on
the server's event loop.

`Workers` is a bounded pool of warm "spawn" processes, started the way the
build starts its own (`engines.worker_start`: the same content project, fonts
loaded once per process, and each worker dies with the server, even a killed
one). A request waits for its job with a timeout; when `capacity` jobs are
already waiting, `BusyError` is raised and the page answers 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..engines import worker_start
from ..resources import current_project


class BusyError(Exception):
    """Every place in the queue is taken: try again shortly."""


class TooSlowError(Exception):
    """A job ran past its time limit."""


class Workers:
    def __init__(self, workers: int = 2, capacity: int = 8, timeout: float = 300.0):
        self.workers = max(1, workers)
        self.capacity = capacity
        self.timeout = timeout
        self.waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=worker_start,
                initargs=(os.getpid(), current_project()),
            )

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def pids(self) -> list[int]:
        processes = getattr(self._pool, "_processes", None) or {}
        return list(processes)

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Task[Any]:
        """Queue a job now (BusyError at once when the queue is full); the task
        gives its result, or TooSlowError past the time limit."""
        if self.waiting >= self.capacity:
            raise BusyError()
        self.start()
        assert self._pool is not None
        self.waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BaseException:
            self.waiting -= 1
            raise

        async def wait() -> Any:
            try:
                return await asyncio.wait_for(future, self.timeout)
            except TimeoutError:
                raise TooSlowError() from None
            finally:
                self.waiting -= 1

        return asyncio.ensure_future(wait())

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await self.submit(function, *args)
