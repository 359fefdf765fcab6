"""The worker pool of the web page: the work runs in worker processes, never on
the server's event loop, and no job can hold a worker for longer than its limit.

`Workers` is a bounded pool of warm "spawn" processes (pebble's ProcessPool),
started the way the build starts its own (`engines.worker_start`: the same
content project, fonts loaded once per process, and each worker dies with the
server, even a killed one), each with a cap on its memory (`memory_mb`, the
address space the kernel lets it map: a decoding bomb fails there, not in the
server).

- A job that runs past its time limit is stopped by killing its worker (not
  only the waiting request), and pebble starts a new one: TooSlowError.
- A worker that dies in a job (out of memory, killed) is replaced the same way,
  and that job's request gets WorkerLostError: a plain message, and the next
  request works.
- When `capacity` jobs are already waiting, BusyError is raised at once and the
  page answers 503 with Retry-After.
- A request that goes away (the browser closed, Ctrl+C) cancels its job, and a
  job already running is stopped with its worker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import resource
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pebble import ProcessExpired, ProcessPool

from ..engines import worker_start
from ..resources import Project, current_project
from ..words import current, in_language


class BusyError(Exception):
    """Every place in the queue is taken: try again shortly."""


class TooSlowError(Exception):
    """A job ran past its time limit; its worker was stopped and replaced."""


class WorkerLostError(Exception):
    """The worker running a job died (out of memory, or killed); it was replaced."""


_SCHEDULER = ""  # in a worker: the Dask scheduler to render on (`handouts serve --scheduler`), or ""


def scheduler() -> str:
    """The Dask scheduler this worker renders on ("": its own process)."""
    return _SCHEDULER


def web_worker_start(parent: int, project: Project, memory_mb: int, on_cluster: str = "") -> None:
    """A web worker: at most `memory_mb` of address space, then as a build's
    worker; with `on_cluster`, its renders go to that Dask scheduler."""
    global _SCHEDULER
    _SCHEDULER = on_cluster
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    worker_start(parent, project)


class Workers:
    def __init__(
        self,
        workers: int = 2,
        capacity: int = 8,
        timeout: float = 180.0,
        memory_mb: int = 3072,
        on_cluster: str = "",
    ):
        self.on_cluster = on_cluster
        self.workers = max(1, workers)
        self.capacity = capacity
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.waiting = 0
        self._pool: ProcessPool | None = None

    def start(self) -> None:
        if self._pool is not None and not self._pool.active:
            self.stop()  # broken (its workers died before they took their jobs): a new pool replaces it
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=self.workers,
                initializer=web_worker_start,
                initargs=(os.getpid(), current_project(), self.memory_mb, self.on_cluster),
                context=multiprocessing.get_context("spawn"),
            )

    def stop(self) -> None:
        """Stop every worker now (a job in flight is abandoned, its request gets an error)."""
        if self._pool is not None:
            self._pool.stop()  # type: ignore[no-untyped-call]
            self._pool.join(timeout=10)
            self._pool = None

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and the health of the pool)."""
        if self._pool is None:
            return []
        manager = getattr(self._pool, "_pool_manager", None)
        workers = getattr(getattr(manager, "worker_manager", None), "workers", None) or {}
        return [pid for pid, process in workers.items() if process.is_alive()]

    def submit(self, function: Callable[..., Any], *args: Any, timeout: float | None = None) -> asyncio.Task[Any]:
        """Queue a job now (BusyError at once when the queue is full); the task
        gives its result, TooSlowError past the time limit (`timeout`, else the
        pool's), or WorkerLostError when its worker died."""
        if self.waiting >= self.capacity:
            raise BusyError()
        self.start()
        assert self._pool is not None
        # in the reader's language (words.py): what the library writes (titles, PRINT-ME-FIRST) is in it
        future = self._pool.schedule(in_language, args=(current(), function, *args), timeout=timeout or self.timeout)
        self.waiting += 1

        async def wait() -> Any:
            try:
                return await asyncio.wrap_future(future)
            except concurrent.futures.TimeoutError:
                raise TooSlowError() from None
            except (ProcessExpired, BrokenProcessPool):
                raise WorkerLostError() from None
            finally:
                self.waiting -= 1
                if not future.done():
                    future.cancel()  # type: ignore[no-untyped-call]  # the request went away: stop the job (pebble kills a running one)

        return asyncio.ensure_future(wait())

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await self.submit(function, *args)
