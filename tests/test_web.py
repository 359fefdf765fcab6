"""The web page's server (`handouts serve`), through Starlette's TestClient:
security (CSRF, limits, tokens, headers, SVG cleaning, the default address),
the busy answer, inline errors, the interface language, and that a ZIP holds
the very bytes the CLI builds."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.content import get_handout
from handouts.errors import UsageError
from handouts.locales import LANGUAGES
from handouts.web import DEFAULT_HOST, Limits, check_options
from handouts.web.app import create_app
from handouts.web.security import LOGO_LIMIT

from . import pdfread
from .webjobs import finished

starlette_testclient = pytest.importorskip("starlette.testclient")

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
    b'<script>alert("x")</script><rect width="10" height="10" fill="#1d4ed8"/></svg>'
)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("web-data"), Limits(workers=1, capacity=4, allowed_hosts=("testserver",)))
    with starlette_testclient.TestClient(app) as client:
        client.get("/")  # the CSRF cookie
        yield client, app.web  # type: ignore[attr-defined]


def csrf(client) -> str:
    """The form token the page gives this client (signed for its CSRF cookie)."""
    page = client.get("/").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_headers(web):
    client, _ = web
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert '<html lang="en"' in response.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert all(re.search(r'src="/static/[a-z]+\.js"', attrs) and not body for attrs, body in scripts)


def test_post_without_csrf_is_403(web):
    client, web_state = web
    before = web_state.storage.count_profiles()
    response = client.post("/clinic", data={"name": "Clinic"})
    assert response.status_code == 403
    response = client.post("/clinic", data={"name": "Clinic", "csrf_token": "wrong-token-wrong-token"})
    assert response.status_code == 403
    assert web_state.storage.count_profiles() == before


def test_oversize_logo_is_413(web):
    client, _ = web
    big = b"\x89PNG\r\n\x1a\n" + b"0" * (LOGO_LIMIT + 50_000)
    response = client.post(
        "/clinic", data={"csrf_token": csrf(client), "name": "Clinic"}, files={"logo": ("logo.png", big, "image/png")}
    )
    assert response.status_code == 413
    # issue 23, point 4: the clinic form itself, styled, with the reason at the logo's field
    assert re.search(r'<p class="error" id="e-logo">This logo is 2\.\d MB; a logo may be up to 2 MB', response.text)
    assert '<link rel="stylesheet" href="/static/site.css">' in response.text
    assert 'id="f-name"' in response.text
    big_csv = "name\n" + "x" * 1_100_000
    response = client.post(
        "/offices", data={"csrf_token": csrf(client)}, files={"csv": ("offices.csv", big_csv, "text/csv")}
    )
    assert response.status_code == 413
    assert re.search(r'id="e-csv">This CSV file is 1\.\d MB; it may be up to 1 MB', response.text)


def test_streamed_oversize_is_413_before_the_end():
    """Without a Content-Length, the limit stops the body as it streams in."""
    import asyncio
    import tempfile

    app = create_app(Path(tempfile.mkdtemp()), Limits(workers=1, allowed_hosts=("testserver",)))
    sent: list[dict] = []
    head = b'--xyz\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    chunks = [head] + [b"x" * 100_000] * 40  # 4 MB, in pieces
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/clinic",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"cookie", b"csrf=" + b"a" * 32),
        ],
        "query_string": b"",
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "root_path": "",
        "http_version": "1.1",
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert read < len(chunks)


def test_csv_limits_are_counted_on_the_offices_read_and_refused_files_are_not_kept(web):
    """Rows and work are counted after the CSV is read as `handouts batch` reads
    it (issue 24, item 3): 501 offices (semicolons, commas inside quotes), or
    300 offices in every language, are refused beside the field with the numbers, and
    nothing of either upload stays in the data folder."""
    client, web_state = web
    before = set(web_state.storage.builds.iterdir())
    many = "name;phone\n" + "".join(f'"Office {i}, Suite {i}";(213) 555-0100\n' for i in range(501))
    response = client.post(
        "/offices", data={"csrf_token": csrf(client), "lang": "en"}, files={"csv": ("offices.csv", many, "text/csv")}
    )
    assert response.status_code == 400
    assert "501 offices" in response.text
    assert "500" in response.text
    wide = "name\n" + "".join(f"Office {i}\n" for i in range(300))
    all_langs = list(LANGUAGES)
    response = client.post(
        "/offices",
        data={"csrf_token": csrf(client), "lang": all_langs},
        files={"csv": ("offices.csv", wide, "text/csv")},
    )
    assert response.status_code == 400
    found = re.search(r"need ([\d,]+) pages laid out; the page lays out at most ([\d,]+)", response.text)
    assert found
    assert int(found.group(1).replace(",", "")) > int(found.group(2).replace(",", ""))
    assert set(web_state.storage.builds.iterdir()) == before


def test_wrong_token_is_404(web):
    client, _ = web
    for path in ("/c/AAAAAAAAAAAAAAAAAAAAAA", "/c/AAAAAAAAAAAAAAAAAAAAAA/print", "/r/nope", "/r/nope/bundle.zip"):
        assert client.get(path).status_code == 404, path
    response = client.post("/c/AAAAAAAAAAAAAAAAAAAAAA", data={"csrf_token": csrf(client), "name": "X"})
    assert response.status_code == 404


def test_full_queue_is_503(web):
    client, web_state = web
    capacity = web_state.pool.capacity
    web_state.pool.capacity = 0
    try:
        response = client.post("/sheets", data={"csrf_token": csrf(client), "count-es": "10"})
    finally:
        web_state.pool.capacity = capacity
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "Busy" in response.text


def test_bad_phone_inline_error_nothing_saved(web):
    client, web_state = web
    before = web_state.storage.count_profiles()
    response = client.post("/clinic", data={"csrf_token": csrf(client), "name": "Clínica", "phone": "12"})
    assert response.status_code == 400
    assert re.search(r'id="e-phone">[^<]*not a valid phone number', response.text)
    assert re.search(r'id="f-phone"[^>]*aria-describedby="h-phone e-phone"', response.text)
    assert web_state.storage.count_profiles() == before


KOREAN = "한국어로 상담해 드립니다"


def test_message_per_language_checked_beside_its_field(web):
    """A Korean message in Khmer script and a Spanish one too long: each error
    beside its own field, what was typed kept, nothing saved; a good one is
    saved and ticks Korean on What to print."""
    client, web_state = web
    before = web_state.storage.count_profiles()
    response = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Clinic", "message_ko": "ភាសាខ្មែរ", "message_es": "x" * 121},
    )
    assert response.status_code == 400
    assert re.search(r'id="e-message_ko">[^<]*cannot be printed with the fonts for Korean', response.text)
    assert re.search(r'id="e-message_es">This field has 121 characters; at most 120', response.text)
    assert re.search(r'id="f-message_ko"[^>]*value="ភាសាខ្មែរ"[^>]*aria-describedby="e-message_ko"', response.text)
    assert re.search(r'<details id="d-ko" open>', response.text)
    assert web_state.storage.count_profiles() == before
    response = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Clinic", "message_ko": KOREAN, "hours_es": "lunes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    token = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert web_state.storage.get_profile(token)["message_ko"] == KOREAN
    page = client.get(f"/c/{token}/print").text
    assert re.search(r'id="l-ko"[^>]*checked', page)
    assert re.search(r'id="l-es"[^>]*checked', page)
    assert not re.search(r'id="l-ar"[^>]*checked', page)


def test_profile_saved_behind_token_and_svg_cleaned(web):
    client, web_state = web
    response = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Հայկական Կլինիկա", "phone": "(213) 555-0100"},
        files={"logo": ("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    token = re.fullmatch(r"/c/([A-Za-z0-9_-]{22})\?saved=1&cleaned=1", location).group(1)
    page = client.get(location)
    assert "Հայկական Կլինիկա" in page.text
    assert token in page.text
    assert 'id="logo-cleaned"' in page.text  # the page says what was removed from the logo
    values = web_state.storage.get_profile(token)
    assert re.fullmatch(r"[0-9a-f]{64}\.svg", values["logo"])
    kept = (web_state.storage.logos / values["logo"]).read_bytes()  # only the cleaned logo is kept
    assert b"script" not in kept.lower()
    assert b"onload" not in kept.lower()
    profile = web_state.make(values)
    import base64

    svg = base64.b64decode(profile.logo_uri.split(",", 1)[1])
    assert b"script" not in svg.lower()
    assert b"onload" not in svg.lower()
    assert b"<rect" in svg


def test_default_bind_is_localhost():
    assert DEFAULT_HOST == "127.0.0.1"
    assert check_options("127.0.0.1", None, False).name == "handouts-data"
    with pytest.raises(UsageError, match="--public"):
        check_options("0.0.0.0", None, False)
    with pytest.raises(UsageError, match="--data"):
        check_options("0.0.0.0", None, True)
    with pytest.raises(UsageError, match="--allowed-host"):
        check_options("0.0.0.0", Path("data"), True)  # every address: the names people type are needed
    assert check_options("0.0.0.0", Path("data"), True, ("handouts.example.org",)) == Path("data")
    assert check_options("192.0.2.10", Path("data"), True) == Path("data")  # that address is the name
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--public" in result.output
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--public", "--data", "d"])
    assert result.exit_code == 2
    assert "--allowed-host" in result.output
    assert "default: 127.0.0.1" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_interface_in_spanish(web):
    client, _ = web
    response = client.post("/lang", data={"csrf_token": csrf(client), "ui_lang": "es", "next": "/sheets"})
    assert response.status_code == 200
    assert '<html lang="es"' in response.text
    assert "Hojas de tarjetas rojas" in response.text
    client.post("/lang", data={"csrf_token": csrf(client), "ui_lang": "en", "next": "/"})


@pytest.mark.pdf
def test_zip_is_what_the_cli_builds(web, tmp_path):
    """A ZIP from the page holds byte for byte the PDFs `handouts build` makes."""
    client, web_state = web
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "#1d4ed8").save(buffer, "PNG")
    logo = buffer.getvalue()
    response = client.post(
        "/clinic",
        data={
            "csrf_token": csrf(client),
            "name": "Clínica Esperanza",
            "phone": "(213) 555-0100",
            "color": "#1d4ed8",
            "message_es": "Hablamos español",
            "hours_es": "lunes a viernes, 8-5",
        },
        files={"logo": ("logo.png", logo, "image/png")},
        follow_redirects=False,
    )
    token = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    response = client.post(
        f"/c/{token}/print",
        data={"csrf_token": csrf(client), "handout": "know-your-rights", "lang": "es"},
        follow_redirects=False,
    )
    result = finished(client, response)
    assert client.get(f"{result}/preview/0/0.png").content.startswith(b"\x89PNG")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{result}/bundle.zip").content))
    assert archive.namelist() == ["PRINT-ME-FIRST.txt", "es/know-your-rights-letter.pdf"]
    instructions = archive.read("PRINT-ME-FIRST.txt").decode()
    assert "100%" in instructions
    assert "Paper: US Letter 8.5 x 11 in. 2 page(s)." in instructions  # handover.py's wording, as in a batch
    assert "Print two-sided" in instructions
    assert "not legal advice" in instructions

    values = web_state.storage.get_profile(token)
    (tmp_path / values["logo"]).write_bytes(logo)
    toml = "\n".join(f'{key} = "{value}"' for key, value in values.items())
    (tmp_path / "clinic.toml").write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    cli = CliRunner().invoke(
        main,
        [
            "build",
            "--profile",
            str(tmp_path / "clinic.toml"),
            "--handout",
            "know-your-rights",
            "--lang",
            "es",
            "--out",
            str(out),
            "-j",
            "1",
        ],
    )
    assert cli.exit_code == 0, cli.output
    assert archive.read("es/know-your-rights-letter.pdf") == (out / "es" / "know-your-rights-letter.pdf").read_bytes()
    assert "Hablamos español" in pdfread.text(out / "es" / "know-your-rights-letter.pdf")


def test_rate_limit_per_client(tmp_path):
    app = create_app(tmp_path, Limits(workers=1, rate_limit=3, allowed_hosts=("testserver",)))
    with starlette_testclient.TestClient(app) as client:
        client.get("/")
        codes = [client.post("/clinic", data={"csrf_token": csrf(client), "name": ""}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def _row(html: str, row_id: str) -> list[str]:
    """The cells of one table row, as text."""
    row = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert row, row_id
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[1], re.S)
    ]


def test_translation_status_page(data_copy, tmp_path):
    """The read-only Translation status page shows the library's numbers per
    handout and language, and who signed what on which day; a changed English
    string shows as changed; the XLIFF downloads; English has no status."""
    import datetime as dt

    from handouts.translations import language_strings, sign, summary

    ko = [s for s in language_strings("ko") if s.handout == "red-card"]
    signed = [s.id for s in ko if s.id != "red-card:front.title"][:2]
    sign("ko", "Min-ji Kim, interpreter", signed, today=dt.date(2026, 11, 20))
    path = data_copy / "content" / "red-card" / "en.yaml"
    source = path.read_text(encoding="utf-8")
    assert source.count("title: Know your rights\n") == 1
    path.write_text(source.replace("title: Know your rights\n", "title: Know your rights, always\n"), encoding="utf-8")

    app = create_app(tmp_path / "data", Limits(workers=1, allowed_hosts=("testserver",)))
    with starlette_testclient.TestClient(app) as client:
        page = client.get("/translations")
        assert page.status_code == 200
        html = page.text
        total = len(ko)
        assert _row(html, "t-ko-red-card") == [
            "Red Card",
            str(total),
            "2",
            str(total - 3),
            "1",
            "Min-ji Kim, interpreter, 2026-11-20 (2 strings)",
        ]
        assert _row(html, "t-es-red-card")[1:] == [str(total), "0", str(total - 1), "1", "nobody yet"]
        common = summary("ko", [])  # the shared words alone
        assert _row(html, "t-ko-common")[1:5] == [str(common.total), "0", str(common.draft), "0"]
        assert "t-en-" not in html
        xliff = client.get("/translations/ko.xlf")
        assert xliff.status_code == 200
        assert b"red-card:front.title" in xliff.content
        assert client.get("/translations/en.xlf").status_code == 404
        assert client.get("/translations/xx/proof.pdf").status_code == 404


def test_many_offices_csv_problem_beside_its_field(web):
    client, _ = web
    response = client.post(
        "/offices",
        data={"csrf_token": csrf(client), "lang": "en"},
        files={"csv": ("offices.csv", "office,telephone\nNorte,(213) 555-0100\n", "text/csv")},
    )
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="e-csv">([^<]*)</p>', response.text)
    assert error, response.text
    assert "name" in error.group(1), response.text
    assert re.search(r'id="f-csv"[^>]*aria-describedby="h-csv f-csv-size e-csv"[^>]*aria-invalid="true"', response.text)
    response = client.post(
        "/offices",
        data={"csrf_token": csrf(client)},
        files={"csv": ("offices.csv", "name\nNorte\n", "text/csv")},
    )
    assert response.status_code == 400
    assert re.search(r'id="e-lang">Choose at least one language', response.text)


@pytest.mark.pdf
def test_many_offices_progress_then_report(web):
    """A batch answers at once with a progress bar (it works without script:
    the page refreshes itself); progress.json counts the offices done; then
    the same address shows the per-row report and the ZIPs."""
    import time

    client, _ = web
    rows = "name,phone,slug\nClínica Norte,(213) 555-0100,norte\nClínica Sur,12,sur\nClinic East,(323) 555-0199,east\n"
    response = client.post(
        "/offices",
        data={"csrf_token": csrf(client), "lang": "en"},
        files={"csv": ("offices.csv", rows, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = response.headers["location"]
    page = client.get(job).text
    assert re.search(r'<progress id="bar" max="3" value="[0-3]">', page)
    assert '<noscript><meta http-equiv="refresh"' in page
    assert '<script src="/static/progress.js"' in page
    seen = []
    for _ in range(600):  # at most 5 minutes
        state = client.get(f"{job}/progress.json").json()
        seen.append(state["done"])
        if state["finished"]:
            break
        time.sleep(0.5)
    assert {key: state[key] for key in ("done", "total", "finished")} == {"done": 3, "total": 3, "finished": True}
    assert seen == sorted(seen)
    page = client.get(job).text
    assert "<progress" not in page
    assert len(re.findall(r'<tr class="bad">', page)) == 1
    assert len(re.findall(r'<tr class="good">', page)) == 2
    assert client.get(f"{job}/office/0").content.startswith(b"PK")


def test_template_csv_is_a_good_batch_file(web, tmp_path):
    """The template CSV the page offers reads as one good office, with its Spanish line."""
    from handouts.batch import OfficePlan, read_offices

    client, _ = web
    (tmp_path / "offices.csv").write_bytes(client.get("/offices/offices.csv").content)
    offices, failures, warnings = read_offices(tmp_path / "offices.csv", defaults=OfficePlan(languages=("es",)))
    assert len(offices) == 1
    assert not failures
    assert not warnings
    assert offices[0].profile.message_for("es") == "Hablamos español"


@pytest.mark.pdf
def test_handout_cards_have_thumbnails(web):
    """Each handout card on What to print shows its first page; the picture is
    made once, then served from the cache."""
    import time

    from PIL import Image, ImageStat

    client, _ = web
    page = client.get("/print").text
    sources = re.findall(r'<img class="thumb" src="(/thumb/[a-z0-9-]+\.png)"', page)
    assert "/thumb/know-your-rights.png" in sources
    assert "/thumb/red-card.png" in sources
    response = client.get("/thumb/know-your-rights.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("L")
    assert image.width == 240
    assert image.height > image.width
    assert ImageStat.Stat(image).stddev[0] > 10  # not blank
    start = time.monotonic()
    assert client.get("/thumb/know-your-rights.png").content == response.content
    assert time.monotonic() - start < 1.0
    assert client.get("/thumb/nope.png").status_code == 404
    assert client.get("/thumb/..%2Fresult.png").status_code == 404


def test_every_page_string_has_a_spanish_translation(tmp_path):
    """Extract the page's strings as a translator would (pybabel, locale/babel.cfg):
    the Spanish catalogue has each one, with the same placeholders, and passes msgfmt --check."""
    import shutil
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    locale = root / "handouts" / "web" / "locale"
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", str(locale / "babel.cfg"), "-o", str(pot), "."],
        cwd=root,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = [m.id for m in read_po(handle) if m.id]
    assert len(wanted) > 100
    with (locale / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        spanish = {m.id: m.string for m in read_po(handle, locale="es") if m.id and not m.fuzzy}
    missing = [m for m in wanted if not spanish.get(m) or (isinstance(spanish[m], tuple) and not all(spanish[m]))]
    assert not missing, missing
    for message in wanted:
        names = set(re.findall(r"%\((\w+)\)s", str(message)))
        forms = spanish[message] if isinstance(spanish[message], tuple) else (spanish[message],)
        assert all(set(re.findall(r"%\((\w+)\)s", form)) == names for form in forms), message
    if shutil.which("msgfmt"):
        subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(locale / "es" / "LC_MESSAGES" / "messages.po")], check=True
        )


@pytest.mark.pdf
def test_live_preview_picture(web):
    """The live preview's picture: the page with the clinic of one handout in
    one language, 500 px wide, at the size ticked; unknown names are 404, and
    the page only shows the preview part through its script (hidden without it)."""
    import json

    from PIL import Image, ImageStat

    client, web_state = web
    response = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Clinic Live", "message_ko": KOREAN},
        follow_redirects=False,
    )
    token = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    page = client.get(f"/c/{token}/print").text
    assert re.search(r'<section id="live" class="live" hidden', page)
    assert f'data-base="/c/{token}/peek"' in page
    assert '<script src="/static/preview.js" defer></script>' in page
    # a one-page flyer: the clinic's band is printed on the last page, so it is on this one
    assert get_handout("pharmacy").pages_on("flyer") == 1
    picture = client.get(f"/c/{token}/peek/pharmacy/ko.png")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["cache-control"].startswith("private"), "no shared cache keeps a clinic's picture"
    image = Image.open(io.BytesIO(picture.content)).convert("L")
    assert image.width == 500
    assert image.height > image.width
    assert ImageStat.Stat(image).stddev[0] > 10
    without = client.get("/peek/pharmacy/ko.png").content
    assert without != picture.content  # the clinic's band is in the picture
    for path in ("/peek/nope/ko.png", "/peek/know-your-rights/xx.png", f"/c/{'A' * 22}/peek/know-your-rights/ko.png"):
        assert client.get(path).status_code == 404, path
    # issue 23, point 10: the page with the clinic's band (page 2 of Know your rights on Letter) ...
    assert get_handout("know-your-rights").pages_on("flyer") == 2
    band = client.get(f"/c/{token}/peek/know-your-rights/en.png")
    first = client.get("/peek/know-your-rights/en.png")
    assert band.status_code == first.status_code == 200
    kept = [json.loads(p.read_text()) for p in web_state.storage.builds.glob("*/result.json")]
    assert {"peek": "peek.png", "page": 1} in kept  # the second page: the one that shows the clinic
    # ... and the size ticked: a 24 x 36 poster is a taller picture than the Letter page
    poster = Image.open(io.BytesIO(client.get(f"/c/{token}/peek/know-your-rights/en.png?size=poster-24x36").content))
    letter = Image.open(io.BytesIO(band.content))
    assert poster.height / poster.width > letter.height / letter.width + 0.1
    odd = client.get(f"/c/{token}/peek/know-your-rights/en.png?size=wallet")  # not a size it comes in: its usual one
    assert odd.content == band.content


def test_a_number_of_thousands_of_digits_in_a_url_is_a_plain_404(web):
    """Issue 24, item 12: int() refuses over 4,300 digits; the route never hands it one."""
    client, _ = web
    huge = "9" * 4301
    for path in (f"/r/nojob/file/{huge}", f"/r/nojob/office/{huge}", f"/r/nojob/preview/{huge}/0.png"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text
    assert client.get("/r/nojob/file/3").status_code == 404  # an ordinary number still reaches the view


def test_the_top_bar_keeps_the_clinic_on_every_page_until_forgotten(web):
    """Issue 23, point 1: after opening a clinic by its private link, My clinic
    and What to print in the top bar of every other page lead back to it; the
    home page offers it; Forget clears it (the clinic stays saved)."""
    client, _ = web
    saved = client.post(
        "/clinic", data={"csrf_token": csrf(client), "name": "Example Nav Clinic"}, follow_redirects=False
    )
    token = re.fullmatch(r"/c/([A-Za-z0-9_-]{22})\?saved=1", saved.headers["location"]).group(1)
    try:
        client.get(saved.headers["location"])
        for page in ("/sheets", "/offices", "/translations", "/print"):
            html = client.get(page).text
            nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
            assert f'href="/c/{token}"' in nav, page
            assert f'href="/c/{token}/print"' in nav, page
        home = client.get("/").text
        assert 'id="remembered"' in home
        assert "Example Nav Clinic" in home
        assert f'href="/c/{token}"' in home
        assert f'href="/c/{token}/print"' in client.get("/print").text.split("</nav>", 1)[1]
        forgotten = client.post("/forget", data={"csrf_token": csrf(client)}, follow_redirects=False)
        assert forgotten.status_code == 303
        assert "clinic=" in forgotten.headers["set-cookie"]
        assert "Max-Age=0" in forgotten.headers["set-cookie"]
        assert token not in client.get("/sheets").text
        assert client.get(f"/c/{token}").status_code == 200  # still saved behind its link
    finally:
        client.cookies.delete("clinic")


@pytest.mark.pdf
def test_downloads_have_names_that_tell_them_apart(web):
    """Issue 23, point 7: each PDF saves under a name with its language; the ZIP
    names what it holds, its languages and the clinic."""
    client, _ = web
    saved = client.post(
        "/clinic", data={"csrf_token": csrf(client), "name": "Example Downloads Clinic"}, follow_redirects=False
    )
    token = saved.headers["location"].split("?")[0]
    try:
        made = client.post(
            f"{token}/print",
            data={"csrf_token": csrf(client), "handout": "red-card", "lang": ["en", "es", "ko"], "size": "wallet"},
            follow_redirects=False,
        )
        result = finished(client, made)
        names = []
        for index in range(3):
            response = client.get(f"{result}/file/{index}")
            assert response.status_code == 200
            names.append(re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1))
        assert sorted(names) == ["red-card-wallet-en.pdf", "red-card-wallet-es.pdf", "red-card-wallet-ko.pdf"]
        bundle = client.get(f"{result}/bundle.zip")
        assert 'filename="red-card-en-es-ko-example-downloads-clinic.zip"' in bundle.headers["content-disposition"]
    finally:
        client.cookies.delete("clinic")


def test_red_card_sheets_start_empty_with_a_running_total(web):
    """Issue 23, point 9: no language is pre-filled (10 Korean + 10 Spanish is 20
    cards, not 30), and the page carries the running total's words."""
    client, _ = web
    page = client.get("/sheets").text
    assert not re.search(r'name="count-[^"]+"[^>]*value="\d', page)
    assert 'id="sheet-total"' in page
    assert 'data-per-sheet="10"' in page
    assert '<script src="/static/sheets.js"' in page


def test_many_offices_explains_every_column_and_its_template_has_them(web):
    """Issue 23, point 2: the page lists what each office may get (and no raw
    `<code>` eats its text); the template CSV has every plan column."""
    client, _ = web
    page = client.get("/offices").text
    assert "message_ko and hours_ko" in page
    for column in ("languages", "handouts", "sizes", "packets", "cards", "signs"):
        assert f'<th scope="row">{column}</th>' in page
    assert "<code>know-your-rights</code>" in page
    header = client.get("/offices/offices.csv").text.splitlines()[0].split(",")
    assert {"languages", "handouts", "sizes", "packets", "cards", "signs"} <= set(header)


def test_a_phone_with_letters_is_kept_as_the_digits_it_prints_and_the_page_says_so(web):
    """Issue 23 (smaller points): 213-KOREA-01 was accepted and printed as digits
    without a word; after Save, focus goes to the next step, and the page has an icon."""
    client, web_state = web
    saved = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Example Vanity Clinic", "phone": "213-KOREA-01"},
        follow_redirects=False,
    )
    try:
        assert "lettered=1" in saved.headers["location"]
        page = client.get(saved.headers["location"]).text
        assert re.search(r'id="phone-lettered">[^<]*\(213\) 567-3201', page)
        token = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
        assert web_state.storage.get_profile(token)["phone"] == "(213) 567-3201"
        assert re.search(r'<a class="button" href="/c/[^"]+/print" autofocus>', page)
        assert '<link rel="icon" href="/static/favicon.svg"' in page
        assert client.get("/static/favicon.svg").status_code == 200
        assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == "/static/favicon.svg"
        plain = client.post(
            "/clinic",
            data={"csrf_token": csrf(client), "name": "Example Plain Clinic", "phone": "(213) 555-0142 ext. 3"},
            follow_redirects=False,
        )
        assert "lettered" not in plain.headers["location"]
    finally:
        client.cookies.delete("clinic")


@pytest.mark.pdf
def test_a_handout_not_made_in_a_ticked_size_comes_in_its_usual_size_and_the_page_says_so(web):
    """Issue 23 (smaller points): with Poster 24x36 ticked, the door sign used to be
    dropped without a word; now it comes in its usual size, and the result says so."""
    client, _ = web
    made = client.post(
        "/print",
        data={
            "csrf_token": csrf(client),
            "handout": ["know-your-rights", "nonpublic-area"],
            "lang": ["en", "es"],
            "size": "poster-24x36",
        },
        follow_redirects=False,
    )
    page = client.get(finished(client, made)).text
    assert re.search(r'class="size-note">Nonpublic area door sign does not come in Poster 24 x 36 in', page)
    titles = re.findall(r'<h2 id="file-\d+">([^<]+)</h2>', page)
    assert any("door sign" in t.lower() or "nonpublic" in t.lower() for t in titles), titles


@pytest.mark.pdf
def test_the_reprint_view_lists_exactly_the_files_whose_inputs_changed_and_makes_only_those(web, tmp_path):
    """Issue 23, point 5: after the clinic's phone changes, What to reprint lists
    the files that print it, says why, and makes only those again."""
    client, _ = web
    saved = client.post(
        "/clinic",
        data={"csrf_token": csrf(client), "name": "Example Reprint Clinic", "phone": "(213) 555-0101"},
        follow_redirects=False,
    )
    clinic = saved.headers["location"].split("?")[0]
    try:
        made = client.post(
            f"{clinic}/print",
            data={"csrf_token": csrf(client), "handout": "red-card", "lang": ["en", "es"], "size": "wallet"},
            follow_redirects=False,
        )
        first = finished(client, made)
        page = client.get(f"{clinic}/reprint").text
        assert "Nothing changed: these files are still right." in page
        assert page.count('class="reprint-same"') == 2
        client.post(
            clinic, data={"csrf_token": csrf(client), "name": "Example Reprint Clinic", "phone": "(213) 555-0199"}
        )
        page = client.get(f"{clinic}/reprint").text
        changed = re.findall(
            r'<li class="reprint-changed"><code>([^<]+)</code>:\s*print again, because ([^<]+)</li>', page
        )
        assert sorted(name for name, _ in changed) == ["en/red-card-wallet.pdf", "es/red-card-wallet.pdf"]
        assert all("the clinic profile changed" in why for _, why in changed)
        job = re.search(r'name="job" value="([^"]+)"', page).group(1)
        assert first.endswith(job)
        again = client.post(f"{clinic}/reprint", data={"csrf_token": csrf(client), "job": job}, follow_redirects=False)
        result = finished(client, again)
        page = client.get(result).text
        assert len(re.findall(r'<h2 id="file-\d+">', page)) == 2
        path = tmp_path / "reprinted.pdf"
        path.write_bytes(client.get(f"{result}/file/0").content)
        assert "555-0199" in pdfread.text(path)
    finally:
        client.cookies.delete("clinic")


@pytest.mark.pdf
def test_a_batch_uploaded_again_lists_what_changed_and_gives_every_office_in_one_zip(web):
    """Issue 23, point 5 (many offices): the second upload of the list, after one
    office's phone changed, starts from the first (only that office's packet is
    made again), lists exactly its changed files and why, and gives them in
    reprint.zip; every office comes in one ZIP too."""
    client, _ = web
    header = "name,phone,slug\n"
    first = header + "Example North,(213) 555-0100,north\nExample South,(213) 555-0101,south\n"
    second = header + "Example North,(213) 555-0100,north\nExample South,(213) 555-0199,south\n"
    client.cookies.delete("batch")  # an earlier test's batch is not this list's last upload
    try:
        jobs = []
        for rows in (first, second):
            posted = client.post(
                "/offices",
                data={"csrf_token": csrf(client), "lang": "en"},
                files={"csv": ("offices.csv", rows, "text/csv")},
                follow_redirects=False,
            )
            jobs.append(finished(client, posted))
        page = client.get(jobs[0]).text
        assert 'id="reprint"' not in page  # nothing to compare the first upload with
        everything = zipfile.ZipFile(io.BytesIO(client.get(f"{jobs[0]}/all.zip").content))
        assert sorted(everything.namelist()) == ["north.zip", "south.zip", "summary.csv"]
        page = client.get(jobs[1]).text
        rows = re.findall(r"<tr><td>([^<]+)</td><td><code>([^<]+)</code></td><td>([^<]*)</td></tr>", page)
        assert rows, page[page.find('id="reprint"') :][:800]
        assert {office for office, _, _ in rows} == {"south"}
        assert ("south", "packets/packet-en.pdf", "the clinic profile changed") in rows
        changed = zipfile.ZipFile(io.BytesIO(client.get(f"{jobs[1]}/reprint.zip").content))
        assert changed.namelist()[0] == "REPRINT.txt"
        assert "south/packets/packet-en.pdf" in changed.namelist()
        assert not [name for name in changed.namelist() if name.startswith("north/")]
    finally:
        client.cookies.delete("batch")


def test_library_names_are_marked_for_translation_and_shown_in_spanish(web):
    """Issue 23, point 8: handout names and paper sizes come from the library in
    English; labels.py lists every handout name for translators (this fails when a
    handout is added without it; sizes mark their own), and the Spanish page shows
    them, and language names, in Spanish."""
    from handouts.content import handout_keys
    from handouts.labels import HANDOUT_NAMES

    assert set(HANDOUT_NAMES) == {get_handout(key).name for key in handout_keys()}
    client, _ = web
    page = client.get("/print", headers={"accept-language": "es"}, cookies={"ui_lang": "es"}).text
    assert "<strong>Conozca sus derechos</strong>" in page
    assert "Carta EE. UU. 8.5 x 11 pulg." in page
    assert '<span class="meta">Coreano</span>' in page
    assert "Know your rights" not in page
