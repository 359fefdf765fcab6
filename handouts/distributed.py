"""Render on a Dask cluster (dask.distributed): the Engine of engines.py, on
workers that may be other machines.

Workers need only the installed package (same version, same code, fonts and
bundled content: checked on connect, a mismatch is refused with ClusterError).
They return PDF bytes; the client writes files and keeps the manifest, so no
shared filesystem is needed.

Content project: the bundled one is read from each worker's own installation
(its digest is compared with the client's). A project of the client's own
(--content) is sent by path: every worker must see the same files at the same
path (a shared folder) with the same digest, or the run is refused.

Jobs are pure: the key of a job is derived from its inputs digest, so a retried
or duplicated job gives identical bytes. Clinic profiles (with their logos) are
scattered once per run (to every worker); each job then takes its scattered profile.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .clinic.profile import Profile
from .engines import Outcome
from .errors import ClusterError, HandoutsError
from .model import Rendered, Task
from .render.engine import font_config
from .resources import Project, current_project, use_project
from .tasks import run_task

RETRIES = 3


def _tree_digest(folders: list[Path], suffixes: tuple[str, ...] | None = None) -> str:
    sha = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
                continue
            sha.update(path.relative_to(folder).as_posix().encode() + b"\0")
            sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()[:16]


_digests: dict[Project | None, dict[str, str]] = {}


def installation(project: Project | None) -> dict[str, str]:
    """What a worker must share with the client: package version, a digest of
    the package's code, and of the project's content, templates and fonts
    (None: this installation's bundled project)."""
    if project not in _digests:
        used = project or Project.bundled()
        missing = [str(p) for p in (used.content, used.templates, used.fonts) if not p.is_dir()]
        _digests[project] = {
            "version": __version__,
            "code": _tree_digest([Path(__file__).parent], (".py",)),
            "data": "missing: " + ", ".join(missing)
            if missing
            else _tree_digest([used.content, used.templates, used.fonts]),
        }
    return dict(_digests[project])


def check_workers(mine: dict[str, str], theirs: dict[str, dict[str, str]]) -> None:
    """Refuse (ClusterError) a worker whose installation differs from the client's."""
    if not theirs:
        raise ClusterError("the Dask cluster has no workers; start some with 'dask worker tcp://HOST:PORT'.")
    for address, info in sorted(theirs.items()):
        if info.get("version") != mine["version"]:
            raise ClusterError(
                f"Dask worker {address} has handouts {info.get('version')}, this client has {mine['version']}: "
                "install the same version on every worker (pip install handouts==VERSION) and restart it."
            )
        if info.get("code") != mine["code"]:
            raise ClusterError(
                f"Dask worker {address} has handouts {mine['version']} but different code: "
                "reinstall the same build of the package on every worker and restart it."
            )
        if info.get("data") != mine["data"]:
            raise ClusterError(
                f"Dask worker {address} has different content, templates or fonts ({info.get('data')}): "
                "install the same package on every worker; a --content project must be at the same path "
                "on every worker (a shared folder), with the same files."
            )


def _use(project: Project | None) -> None:
    wanted = project or Project.bundled()
    if current_project() != wanted:
        use_project(project)
        font_config()


def render_on_worker(profile: Profile | None, task: Task, project: Project | None) -> Rendered | HandoutsError:
    """One job on a worker: put the scattered profile back into the job, then
    render. A HandoutsError is returned, not raised, so Dask does not retry it."""
    _use(project)
    if profile is not None:
        task = dataclasses.replace(task, job=dataclasses.replace(task.job, profile=profile))
    try:
        return run_task(task)
    except HandoutsError as exc:
        return exc


def _key(task: Task, project: Project | None) -> str:
    text = repr((task, project))
    return "handouts-render-" + hashlib.sha256(text.encode()).hexdigest()[:24]


class DaskEngine:
    """`scheduler`: "local" (a LocalCluster of 2 worker processes on 127.0.0.1)
    or the address of a running scheduler, e.g. "tcp://10.0.0.5:8786"."""

    def __init__(self, scheduler: str, timeout: float = 30):
        from distributed import Client, LocalCluster

        self.cluster: Any = None
        try:
            if scheduler == "local":
                self.cluster = LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self.client = Client(self.cluster, timeout=timeout)
            else:
                self.client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self.checked: set[tuple[str, Project | None]] = set()

    @property
    def slots(self) -> int:
        """The cluster's worker threads (at least 1), read when asked: workers may join later."""
        workers = self.client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    def start(self) -> None:
        pass  # connected in __init__; workers are checked on each run

    def _project(self) -> Project | None:
        project = current_project()
        return None if project == Project.bundled() else project

    def _check(self, project: Project | None) -> None:
        workers = set(self.client.scheduler_info()["workers"])
        if all((w, project) in self.checked for w in workers) and workers:
            return
        theirs = self.client.run(installation, project)
        check_workers(installation(project), theirs)
        self.checked |= {(w, project) for w in theirs}

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        from distributed import as_completed

        if not tasks:
            return
        project = self._project()
        try:
            self._check(project)
        except ClusterError:
            raise
        except Exception as exc:
            raise ClusterError(f"cannot check the Dask workers: {exc}") from exc
        profiles = list(dict.fromkeys(t.job.profile for t in tasks if t.job.profile is not None))
        # Each distinct profile is sent once per run, to every worker: scattered to one worker only, Dask
        # ran an office's jobs where its profile was (measured 1.0 s a PDF per worker, against 0.72-0.79).
        # If a profile is lost anyway, the jobs that needed it are sent once more, whole (below).
        # hash=False: a key of its own per run. With the content's hash as key, an office's second run
        # (its packets after its posters) scattered the same key while the first run's release of it
        # was still under way, and the scheduler lost it (KeyError in replicate; measured in bench/dask.py).
        scattered = (
            dict(zip(profiles, self.client.scatter(profiles, broadcast=True, hash=False), strict=True))
            if profiles
            else {}
        )
        futures = {}
        for task in tasks:
            profile = task.job.profile
            bare = dataclasses.replace(task, job=dataclasses.replace(task.job, profile=None)) if profile else task
            future = self.client.submit(
                render_on_worker,
                scattered[profile] if profile is not None else None,
                bare,
                project,
                key=_key(task, project),
                retries=RETRIES,
                pure=True,
            )
            futures[future] = task
        resent: set[Task] = set()
        waiting = as_completed(list(futures))
        try:
            for future in waiting:
                task = futures[future]
                try:
                    outcome = future.result()
                except HandoutsError as exc:
                    outcome = exc
                except Exception as exc:
                    if task not in resent:  # e.g. its scattered profile was lost: send it whole, once
                        resent.add(task)
                        again = self.client.submit(
                            render_on_worker, None, task, project, key=_key(task, project) + "-whole", retries=RETRIES
                        )
                        futures[again] = task
                        waiting.add(again)
                        continue
                    outcome = ClusterError(f"{task.job.label}: the Dask cluster lost the job: {exc}")
                if isinstance(outcome, Rendered):
                    outcome = dataclasses.replace(outcome, job=task.job)
                yield task, outcome
        finally:
            self.client.cancel(list(futures))
            del scattered

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalProcesses:
    """`dask scheduler` and `dask worker` as processes of their own on 127.0.0.1,
    as on real machines (the tests and bench/ use it; `--scheduler local` uses a
    LocalCluster instead). Each runs in its own session and is stopped by
    close(): SIGTERM, a bounded wait, then SIGKILL."""

    def __init__(self) -> None:
        import subprocess

        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def _start(self, *args: str, env: dict[str, str] | None = None) -> Any:
        import os
        import subprocess
        import sys

        dask = str(Path(sys.executable).with_name("dask"))
        process = subprocess.Popen(
            [dask, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def scheduler(self) -> Any:
        port = self.address.rsplit(":", 1)[1]
        return self._start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard")

    def worker(self, *extra: str, nanny: bool = False, env: dict[str, str] | None = None) -> Any:
        """One single-threaded worker process (with `nanny`, as `dask worker` runs by default)."""
        args = ["worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"]
        args += ["--host", "127.0.0.1", "--death-timeout", "30", *([] if nanny else ["--no-nanny"]), *extra]
        return self._start(*args, env=env)

    def wait_for_workers(self, count: int, timeout: float = 60) -> None:
        from distributed import Client

        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(count, timeout=timeout)

    @staticmethod
    def stop(process: Any) -> None:
        import os
        import signal
        import subprocess

        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def close(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)

    def __enter__(self) -> LocalProcesses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
