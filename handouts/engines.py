"""Where jobs are rendered: in this process, or in a pool of worker processes
kept for a whole run (a build, or a batch of many offices).

An engine takes tasks (tasks.Task) and yields (task, Rendered or HandoutsError)
as each finishes; the caller writes files. Another engine (e.g. a cluster) only
has to do the same.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Protocol

from .errors import HandoutsError
from .model import Rendered, Task
from .render.engine import font_config
from .resources import Project, current_project, use_project
from .tasks import run_task

Outcome = tuple[Task, "Rendered | HandoutsError"]


class Engine(Protocol):
    @property
    def slots(self) -> int: ...  # how many tasks it renders at once

    def start(self) -> None: ...

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def offices_in_flight(engine: Engine) -> int:
    """How many offices a batch works on at once: one for an engine that renders in
    this process (WeasyPrint is not safe across threads), else enough that every
    worker has a task while some offices wait for their handouts before their packets."""
    return 1 if isinstance(engine, InProcess) else max(2, 2 * engine.slots)


class InProcess:
    """One job after another, in this process."""

    slots = 1

    def start(self) -> None:
        pass

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        for task in tasks:
            try:
                yield task, run_task(task)
            except HandoutsError as exc:
                yield task, exc

    def close(self) -> None:
        pass

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ProcessPool:
    """`workers` processes, started on first use and kept until close(), so a
    batch of many offices pays for starting them (and importing WeasyPrint) once."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.pool: ProcessPoolExecutor | None = None
        self.project: Project | None = None
        self.lock = threading.Lock()  # a batch runs several offices' builds in threads

    @property
    def slots(self) -> int:
        return self.workers

    def start(self) -> None:
        """Start the workers now (else on the first run of two tasks or more)."""
        self._pool()

    def _pool(self) -> ProcessPoolExecutor:
        with self.lock:
            return self._locked_pool()

    def _locked_pool(self) -> ProcessPoolExecutor:
        project = current_project()
        if self.pool is not None and project != self.project:
            self._shutdown()  # the workers read another content project: start fresh ones
        if self.pool is None:
            # "spawn", not fork: a forked worker would share the parent's font
            # configuration and WeasyPrint's font folder, and skip registering a font
            # another process had already saved there (drawing boxes instead).
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=worker_start,
                initargs=(os.getpid(), project),
            )
            self.project = project
        return self.pool

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        if len(tasks) < 2 and self.pool is None:
            yield from InProcess().run(tasks)  # not worth starting processes for
            return
        pool = self._pool()
        futures: dict[Future[Rendered], Task] = {pool.submit(run_task, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    yield task, future.result()
                except HandoutsError as exc:
                    yield task, exc
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    def close(self) -> None:
        with self.lock:
            self._shutdown()

    def _shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def local_engine(workers: int) -> InProcess | ProcessPool:
    return ProcessPool(workers) if workers > 1 else InProcess()


def worker_start(parent: int, project: Project) -> None:
    """Each worker process reads the same content project as the build, dies
    with the build that started it (even a killed one: a watcher thread notices
    that its parent is gone) and makes its one FontConfiguration up front."""
    use_project(project)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="handouts-parent-watch", daemon=True).start()
    font_config()
