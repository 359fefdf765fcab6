"""A real Dask cluster on 127.0.0.1: `dask scheduler` and two `dask worker`
processes, started here and stopped at the end (bounded waits, then kill)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from handouts.build import build
from handouts.clinic.validate import make_profile
from handouts.distributed import LocalProcesses
from handouts.errors import ClusterError
from handouts.plan import plan
from handouts.resources import use_project

pytestmark = pytest.mark.pdf

CLINIC = make_profile({"name": "Clínica Esperanza", "phone": "(213) 555-0100", "color": "#1d4ed8"}, "test", Path())
JOBS = plan(handouts=["red-card"], langs=["en", "es", "ko"]) + plan(
    handouts=["know-your-rights"], langs=["es"], sizes=["letter"], profile=CLINIC
)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[LocalProcesses]:
    cluster = LocalProcesses()
    cluster.scheduler()
    try:
        yield cluster
    finally:
        cluster.close()
        assert all(process.poll() is not None for process in cluster.processes)  # every process stopped


@pytest.fixture(scope="module")
def local_bytes(tmp_path_factory) -> dict[str, bytes]:
    use_project(None)
    out = tmp_path_factory.mktemp("local")
    report = build(JOBS, out, workers=1)
    assert not report.failed
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.pdf")}


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.pdf")}


def test_cluster_gives_the_same_bytes_and_survives_a_killed_worker(scheduler, local_bytes, tmp_path):
    from handouts.distributed import DaskEngine

    address = scheduler.address
    workers = [scheduler.worker(), scheduler.worker()]
    scheduler.wait_for_workers(2)
    with DaskEngine(address) as engine:
        report = build(JOBS, tmp_path / "same", engine=engine)
        assert not report.failed, [str(r.error) for r in report.failed]
        assert outputs(tmp_path / "same") == local_bytes

        killed: list[int] = []
        address_of = {pid: addr for addr, pid in engine.client.run(os.getpid).items()}

        def kill_one(result) -> None:
            if not killed:  # after the first result: the other jobs are queued or running
                busy = engine.client.processing()
                victim = next(w for w in workers if busy.get(address_of[w.pid]))  # one that is rendering
                os.killpg(victim.pid, signal.SIGKILL)
                killed.append(victim.pid)

        report = build(JOBS, tmp_path / "killed", engine=engine, force=True, on_done=kill_one)
        assert killed
        assert next(w for w in workers if w.pid == killed[0]).wait(timeout=10) is not None
        assert not report.failed, [str(r.error) for r in report.failed]
        assert outputs(tmp_path / "killed") == local_bytes


def test_a_worker_with_another_version_is_refused(scheduler, tmp_path):
    from handouts.distributed import DaskEngine

    address = scheduler.address
    preload = tmp_path / "other_version.py"
    preload.write_text("import handouts\nhandouts.__version__ = '0.0.0-other'\n", encoding="utf-8")
    scheduler.worker("--preload", str(preload))
    scheduler.wait_for_workers(2)
    with DaskEngine(address) as engine, pytest.raises(ClusterError, match=r"0\.0\.0-other.*install the same version"):
        build(JOBS[:1], tmp_path / "out", engine=engine, force=True)
    assert not (tmp_path / "out" / "en").exists()


def test_the_check_names_code_and_content_differences():
    from handouts.distributed import check_workers, installation

    mine = installation(None)
    check_workers(mine, {"tcp://a": dict(mine)})
    with pytest.raises(ClusterError, match="different code"):
        check_workers(mine, {"tcp://a": {**mine, "code": "x"}})
    with pytest.raises(ClusterError, match="different content"):
        check_workers(mine, {"tcp://a": {**mine, "data": "missing: /x"}})
    with pytest.raises(ClusterError, match="no workers"):
        check_workers(mine, {})


def test_the_web_page_renders_on_the_cluster_with_the_same_bytes(local_bytes, tmp_path):
    """Issue 23 (hosting): `handouts serve --scheduler` renders on the Dask
    cluster the batch uses: a scheduler and two workers on 127.0.0.1, the page's
    files the same bytes as a local build, and the cluster did the work."""
    from distributed import Client
    from starlette import testclient

    from handouts.web import Limits
    from handouts.web.app import create_app

    from .webjobs import finished

    cluster = LocalProcesses()
    cluster.scheduler()
    try:
        cluster.worker()
        cluster.worker()
        cluster.wait_for_workers(2)
        app = create_app(tmp_path / "data", Limits(workers=1, scheduler=cluster.address, allowed_hosts=("testserver",)))
        with testclient.TestClient(app) as client:
            page = client.get("/").text
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            made = client.post(
                "/print",
                data={"csrf_token": token, "handout": "red-card", "lang": ["en", "es", "ko"], "size": "wallet"},
                follow_redirects=False,
            )
            result = finished(client, made)
            files = {}
            for index in range(3):
                response = client.get(f"{result}/file/{index}")
                name = response.headers["content-disposition"].split('filename="', 1)[1].rstrip('"')
                lang = name.removesuffix(".pdf").rsplit("-", 1)[1]
                files[f"{lang}/red-card-wallet.pdf"] = response.content
        assert files == {path: data for path, data in local_bytes.items() if path in files}
        assert len(files) == 3
        with Client(cluster.address, timeout=30) as client:
            done = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
        assert done > 0  # the renders went through the scheduler
    finally:
        cluster.close()
