"""The web page under attack (issue 24): each class of what a red team did on
2026-12-03, against a server this file starts on 127.0.0.1 (in a thread, on a
free port, stopped by the test) or the app itself, every wait bounded.

Made-up clinic names only; nothing here depends on today's date.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette import testclient as starlette_testclient

from handouts.clinic.logo import MAX_SVG_DRAWN, logo_bytes
from handouts.errors import HandoutsError
from handouts.locales import LANGUAGES
from handouts.web import Limits
from handouts.web.app import create_app
from handouts.web.server import BoundedH11

from .webjobs import finished, free_port, running_server

# About 1.6 KB: ten levels of ten <use> of the level below, a "billion laughs" in geometry.
USE_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
    '<defs><rect id="l0" width="1" height="1"/>'
    + "".join(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 10))
    + '</defs><use xlink:href="#l9"/></svg>'
).encode()
PATTERN_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<pattern id="p0" width="1" height="1"><rect width="1" height="1"/></pattern>'
    + "".join(
        f'<pattern id="p{i}" width="1" height="1">'
        + f'<rect width="1" height="1" fill="url(#p{i - 1})"/>' * 12
        + "</pattern>"
        for i in range(1, 8)
    )
    + '<rect width="10" height="10" fill="url(#p7)"/></svg>'
).encode()
STYLE_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>'
    + "".join(f".c{i} {{ fill: url(#m{i}) }}" for i in range(8))
    + "</style>"
    + "".join(
        f'<pattern id="m{i}" width="1" height="1">'
        + f'<rect class="c{i + 1}" width="1" height="1"/>' * 12
        + "</pattern>"
        for i in range(8)
    )
    + '<rect class="c0" width="10" height="10"/></svg>'
).encode()
LOOP = b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'
FINE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>.s{fill:url(#g)}</style>'
    b'<linearGradient id="g"><stop offset="0" stop-color="#1d4ed8"/>'
    b'<stop offset="1" stop-color="#fff"/></linearGradient>'
    b'<rect id="r" class="s" width="4" height="4"/><use href="#r" x="5"/><use href="#r" y="5"/></svg>'
)


HANDOUTS = str(Path(sys.executable).with_name("handouts"))


def form_token(client: httpx.Client | starlette_testclient.TestClient) -> str:
    page = client.get("/").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no form token on the page"
    return found.group(1)


# 1. A logo that draws too much is refused when uploaded, before anything renders it.


@pytest.mark.parametrize("svg", [USE_BOMB, PATTERN_BOMB, STYLE_BOMB], ids=["use", "pattern", "stylesheet"])
def test_a_logo_that_expands_to_millions_of_shapes_is_refused(svg):
    assert len(svg) < 5000  # a few KB
    start = time.monotonic()
    with pytest.raises(HandoutsError, match=f"over {MAX_SVG_DRAWN:,}"):
        logo_bytes(svg, "logo.svg")
    assert time.monotonic() - start < 2


def test_a_logo_that_refers_to_itself_is_refused_and_a_real_one_passes():
    with pytest.raises(HandoutsError, match="loop"):
        logo_bytes(LOOP, "logo.svg")
    kind, cleaned, notes = logo_bytes(FINE, "logo.svg")
    assert kind == "image/svg+xml"
    assert cleaned.count(b"<use") == 2
    assert not notes


@pytest.mark.pdf
def test_uploading_a_logo_bomb_is_an_error_at_the_field_and_nothing_is_kept(tmp_path):
    app = create_app(tmp_path, Limits(workers=1, allowed_hosts=("testserver",)))
    with starlette_testclient.TestClient(app) as client:
        response = client.post(
            "/clinic",
            data={"csrf_token": form_token(client), "name": "Example Test Clinic"},
            files={"logo": ("logo.svg", USE_BOMB, "image/svg+xml")},
        )
        assert response.status_code == 400
        assert re.search(r'id="e-logo"[^>]*>[^<]*repeats its shapes', response.text)
        assert not list((tmp_path / "logos").iterdir())
        response = client.post(  # the same form with a real logo is saved
            "/clinic",
            data={"csrf_token": form_token(client), "name": "Example Test Clinic"},
            files={"logo": ("logo.svg", FINE, "image/svg+xml")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert len(list((tmp_path / "logos").iterdir())) == 1


# 1, 2 and 4. A job past its limit is stopped with its worker; a dead worker is replaced; the next job works.


def _print(client: starlette_testclient.TestClient, token: str) -> httpx.Response:
    return client.post(
        "/print",
        data={"csrf_token": token, "handout": "red-card", "lang": "en", "size": "wallet"},
        follow_redirects=False,
    )


@pytest.mark.pdf
def test_a_job_past_its_time_limit_is_stopped_and_its_worker_replaced(tmp_path, monkeypatch):
    from handouts.web.views import printing

    monkeypatch.setattr(printing, "SECONDS_PER_FILE", 0.01)
    app = create_app(tmp_path, Limits(workers=1, render_seconds=0.3, allowed_hosts=("testserver",)))
    web = app.web  # type: ignore[attr-defined]
    with starlette_testclient.TestClient(app) as client:
        token = form_token(client)
        # a Red Card in every language is many renders and many fonts: far past 0.3 s on any machine
        # (one English card alone can finish within it on a fast one)
        fields = {"csrf_token": token, "handout": "red-card", "size": "wallet", "lang": list(LANGUAGES)}
        slow = client.post("/print", data=fields, follow_redirects=False)
        page = client.get(finished(client, slow)).text
        assert "took too long and was stopped" in page, page[-1500:]
        deadline = time.monotonic() + 30
        while len(web.pool.pids()) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        first = web.pool.pids()
        assert len(first) == 1
        monkeypatch.setattr(printing, "SECONDS_PER_FILE", 120.0)
        page = client.get(finished(client, _print(client, token))).text
        assert "Download this PDF" in page


@pytest.mark.pdf
def test_a_worker_killed_mid_render_is_replaced_and_the_user_told(tmp_path):
    app = create_app(tmp_path, Limits(workers=1, allowed_hosts=("testserver",)))
    web = app.web  # type: ignore[attr-defined]
    with starlette_testclient.TestClient(app) as client:
        token = form_token(client)
        response = _print(client, token)
        deadline = time.monotonic() + 60
        while not (web.pool.waiting and web.pool.pids()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the job is in its worker
        killed = web.pool.pids()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        page = client.get(finished(client, response)).text
        assert "The process making your files stopped" in page
        assert "Try again" in page
        assert "Traceback" not in page
        page = client.get(finished(client, _print(client, token))).text
        assert "Download this PDF" in page
        assert not set(killed) & set(web.pool.pids())


# 5. Slow and idle connections are closed; a cap on open connections.


def _open_slowly(url: str, count: int) -> list[socket.socket]:
    port = int(url.rsplit(":", 1)[1])
    sockets = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end of the headers
        sockets.append(conn)
    return sockets


def _closed(conn: socket.socket) -> bool:
    try:
        return conn.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        return True


def test_slow_connections_are_closed_and_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(BoundedH11, "header_seconds", 1.0)
    with running_server(tmp_path, Limits(workers=1, max_connections=20)) as url:
        slow = _open_slowly(url, 30)
        try:
            over = [conn for conn in slow[20:] if _closed(conn)]
            assert len(over) >= 9, "connections over the cap were not closed at once"
            time.sleep(1.5)
            assert all(_closed(conn) for conn in slow[:20]), "a connection that never sent its headers stayed open"
            assert httpx.get(url + "/", timeout=10).status_code == 200
        finally:
            for conn in slow:
                conn.close()


# 6. Only the hosts the server was started for. 14. A planted CSRF cookie is useless.


def test_other_host_names_are_refused(tmp_path):
    with running_server(tmp_path, Limits(workers=1, allowed_hosts=("handouts.example.org",))) as url:
        page = httpx.get(url + "/", timeout=10)
        assert page.status_code == 200
        assert "server" not in page.headers  # no name or version of the server's software
        assert httpx.get(url + "/", headers={"host": "handouts.example.org"}, timeout=10).status_code == 200
        rebound = httpx.get(url + "/", headers={"host": "attacker.example"}, timeout=10)
        assert rebound.status_code == 400
        assert "Unknown host" in rebound.text
        posted = httpx.post(url + "/clinic", headers={"host": "attacker.example"}, data={"name": "X"}, timeout=10)
        assert posted.status_code == 400


def test_a_csrf_cookie_planted_by_another_page_does_not_pass(tmp_path):
    with running_server(tmp_path, Limits(workers=1)) as url:
        planted = "A" * 32  # what a page on another port of 127.0.0.1 can set, and then post
        with httpx.Client(base_url=url, cookies={"csrf": planted}, timeout=10) as attacker:
            response = attacker.post("/clinic", data={"csrf_token": planted, "name": "Example Test Clinic"})
            assert response.status_code == 403
        with httpx.Client(base_url=url, timeout=10) as person:
            response = person.post(
                "/clinic",
                data={"csrf_token": form_token(person), "name": "Example Test Clinic"},
                follow_redirects=False,
            )
            assert response.status_code == 303


# 17. Ctrl+C during a render stops the server, its workers and their scratch folders.


@pytest.mark.pdf
def test_ctrl_c_during_a_render_stops_everything_and_leaves_nothing(tmp_path: Path) -> None:
    port = free_port()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # as test_web_browser.clean_env: not the font-less FONTCONFIG_FILE an earlier render in this process set
    env = {**{k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}, "TMPDIR": str(scratch)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("handouts")),
            "serve",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "data"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with httpx.Client(base_url=url, timeout=60) as person:
            token = form_token(person)
            answers: list[object] = []

            def post() -> None:
                try:
                    answers.append(
                        person.post("/print", data={"csrf_token": token, "handout": "pharmacy", "lang": "en"})
                    )
                except httpx.TransportError as exc:
                    answers.append(exc)

            request = threading.Thread(target=post)
            request.start()
            time.sleep(3)  # the render is under way in a worker
            children = _children(server.pid)
            assert children, "no worker was rendering"
            server.send_signal(signal.SIGINT)
            server.wait(20)
            request.join(30)
        assert server.returncode is not None
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)], "a worker outlived the server"
        assert not list(scratch.glob("handouts-run-*")), "a scratch folder was left behind"
        assert not list((tmp_path / "data").rglob("*.tmp")), "a temporary file was left behind"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)


def _children(pid: int) -> list[int]:
    import psutil

    return [child.pid for child in psutil.Process(pid).children(recursive=True)]


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# 8. Made files are removed by age and total size; refused uploads are never kept.


def _build(builds: Path, name: str, size: int, last_use: float) -> Path:
    folder = builds / name
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "a.pdf").write_bytes(b"%" * size)
    (folder / "result.json").write_text("{}")
    for path in (folder, folder / "result.json"):
        os.utime(path, (last_use, last_use))
    return folder


def test_old_and_excess_builds_are_removed_least_recently_used_first(tmp_path):
    from handouts.web.retention import GRACE_SECONDS, sweep

    now = 2_000_000_000.0  # a fixed moment: nothing here reads the clock
    day = 86400
    old = _build(tmp_path, "old", 10, now - 40 * day)
    lru = _build(tmp_path, "lru", 1000, now - 5 * day)
    recent = _build(tmp_path, "recent", 1000, now - 1 * day)
    running = _build(tmp_path, "running", 5000, now - GRACE_SECONDS / 2)  # a job may still be writing it
    swept = sweep(tmp_path, keep_days=30, keep_bytes=7000, now=now)
    assert not old.exists()  # past 30 days
    assert not lru.exists()  # the least recently used, while the total was over 7,000 bytes
    assert recent.exists()
    assert running.exists()
    assert (swept.removed, swept.freed, swept.kept) == (2, 1014, 6004)  # each folder also holds its 2-byte result.json
    assert sweep(tmp_path, keep_days=30, keep_bytes=7000, now=now).removed == 0


def test_a_result_whose_files_were_removed_says_so(tmp_path):
    import shutil

    app = create_app(tmp_path, Limits(workers=1, keep_days=7, allowed_hosts=("testserver",)))
    web = app.web  # type: ignore[attr-defined]
    with starlette_testclient.TestClient(app) as client:
        folder = web.storage.builds / ("0" * 32)
        folder.mkdir()
        job = web.storage.add_job("handouts", folder.name, {"files": []})
        assert client.get(f"/r/{job}").status_code == 200
        shutil.rmtree(folder)
        gone = client.get(f"/r/{job}")
        assert gone.status_code == 410
        assert "keeps what it made for 7 days" in gone.text


# 11. The server's own paths never reach the page or the files it gives.


def test_absolute_paths_are_cut_to_their_file_name_and_links_are_kept():
    from handouts.web.presenters import without_paths

    text = (
        "row 3: cannot read the logo file /srv/handouts-data/builds/ab12/logo.png (No such file); "
        "see https://example.org/a/b and files/know-your-rights-letter.pdf, or ~/x/y"
    )
    assert without_paths(text) == (
        "row 3: cannot read the logo file logo.png (No such file); "
        "see https://example.org/a/b and files/know-your-rights-letter.pdf, or ~/x/y"
    )
    assert without_paths({"errors": ["/a/b/c.yaml: bad"], "pages": 2}) == {"errors": ["c.yaml: bad"], "pages": 2}


def test_a_batch_error_names_no_server_path_on_the_page_or_in_the_summary(tmp_path):
    data = tmp_path / "server-data-folder"
    app = create_app(data, Limits(workers=1, allowed_hosts=("testserver",)))
    with starlette_testclient.TestClient(app) as client:
        rows = 'name,phone,logo\n"Example Test Clinic","(213) 555-0100","pictures/missing-logo.png"\n'
        response = client.post(
            "/offices",
            data={"csrf_token": form_token(client), "lang": "en"},
            files={"csv": ("offices.csv", rows, "text/csv")},
            follow_redirects=False,
        )
        result = finished(client, response)
        page = client.get(result).text
        summary = client.get(f"{result}/summary.csv").text
        for shown in (page, summary):
            assert "missing-logo.png" in shown  # the error is there, naming the file the row names
            assert str(tmp_path) not in shown
            assert "/builds/" not in shown


# 16. A full disk is a plain page, and nothing half-saved.


def test_a_full_disk_is_a_plain_page_and_nothing_is_half_saved(tmp_path, monkeypatch):
    import errno

    from handouts.errors import OutputError

    app = create_app(tmp_path, Limits(workers=1, allowed_hosts=("testserver",)))
    web = app.web  # type: ignore[attr-defined]
    with starlette_testclient.TestClient(app) as client:
        token = form_token(client)

        def no_room(*_args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", no_room)  # the logo's file cannot take its name
        response = client.post(
            "/clinic",
            data={"csrf_token": token, "name": "Example Test Clinic"},
            files={"logo": ("logo.svg", FINE, "image/svg+xml")},
        )
        assert response.status_code == 507
        assert "no room left to save files" in response.text
        assert not list((tmp_path / "logos").iterdir())  # no half-written copy
        assert web.storage.count_profiles() == 0
        monkeypatch.undo()

        async def full() -> object:  # a worker's write failed the same way
            raise OutputError(f"{tmp_path}/builds/x/bundle.zip: cannot be written (No space left on device)")

        monkeypatch.setattr(web.pool, "submit", lambda *_args, **_kw: asyncio.ensure_future(full()))
        page = client.get(finished(client, _print(client, token))).text
        assert "no room left to save files" in page
        assert str(tmp_path) not in page


# 7. The logo cache is bounded (and the server never decodes an upload: see the upload test above).


def test_the_logo_cache_keeps_a_bounded_number_of_bytes(tmp_path, monkeypatch):
    from handouts.clinic import logo as logos

    monkeypatch.setattr(logos, "MAX_CACHED_BYTES", 3000)
    monkeypatch.setattr(logos, "_LOGOS", type(logos._LOGOS)())
    for number in range(10):
        path = tmp_path / f"logo-{number}.svg"
        path.write_bytes(FINE.replace(b"#1d4ed8", f"#1d4e{number:02d}".encode()))
        logos.checked_logo(path, "clinic", tmp_path)
    kept = sum(len(uri) for uri, _notes in logos._LOGOS.values())
    assert 0 < kept <= 3000
    assert len(logos._LOGOS) < 10
    newest = tmp_path / "logo-9.svg"
    assert any(key[0] == newest.resolve() for key in logos._LOGOS)  # the least recently used went first
