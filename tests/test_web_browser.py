"""The web page in a real browser (Debian's chromium, driven by playwright):
the journeys an office manager and an outreach lead take. One server and one
browser for the module."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import pdfread
from .webjobs import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARMENIAN_NAME = "Հայկական Առողջության Կենտրոն"
KOREAN_MESSAGE = "한국어로 상담해 드립니다"

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (setup.sh installs it)"),
]


def clean_env() -> dict[str, str]:
    """The environment for the browser and the server we start.

    Any test that rendered a PDF in this process has pointed FONTCONFIG_FILE at
    a configuration with no fonts (handouts.render.engine.font_config, so PDFs
    never depend on the machine's fonts). A browser started with it inherits
    it, has no fonts at all, and its pages crash ("Target page, context or
    browser has been closed"): that was why these tests failed in the full
    suite and passed alone.
    """
    return {key: value for key, value in os.environ.items() if key != "FONTCONFIG_FILE"}


@contextlib.contextmanager
def serving(*options: str) -> Iterator[str]:
    """`handouts serve` in its own process on 127.0.0.1 (with these options), until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "handouts.cli", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(),
    )
    try:
        for _ in range(100):  # up to 20 s
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stdout.read() if process.stdout else "server died") from None
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web-data")
    with serving("--data", str(data), "-j", "2") as url:
        yield {"url": url, "data": data}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from handouts.render.engine import font_config

    font_config()  # as any rendering test before this module does: the browser must not inherit it
    assert "FONTCONFIG_FILE" in os.environ
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # root in a container: no sandbox; a small /dev/shm must not crash tabs
            args=["--no-sandbox", "--disable-dev-shm-usage"],
            env=clean_env(),
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def _profiles(data: Path) -> int:
    with sqlite3.connect(data / "handouts.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM profiles").fetchone()[0])


def _logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 120), "white")
    ImageDraw.Draw(image).ellipse((20, 10, 220, 110), fill="#1d4ed8")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _not_blank(png: bytes) -> bool:
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("L")
    return image.width > 100 and ImageStat.Stat(image).stddev[0] > 10


def test_clinic_to_zip(server, page, tmp_path):
    """Journey 1: a clinic with an Armenian name, a PNG logo and a Korean message
    of its own; Know Your Rights in en/es/ko; the preview shows; the name is in
    every PDF, the Korean message in the Korean one only; the ZIP opens."""
    page.goto(server["url"] + "/")
    page.get_by_label("Clinic name").fill(ARMENIAN_NAME)
    page.get_by_label("Phone").fill("(213) 555-0100")
    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": _logo_png()})
    page.locator("#d-ko summary").click()  # the Korean part opens
    page.get_by_label("Message in 한국어").fill(KOREAN_MESSAGE)
    page.get_by_role("button", name="Save my clinic").click()
    link = page.locator("#private-link")
    assert "/c/" in link.inner_text()
    page.get_by_role("link", name="Next: what to print").click()
    page.locator("#h-know-your-rights").check()
    page.locator("#l-es").check()
    assert page.locator("#l-ko").is_checked()  # ticked already: the clinic wrote a Korean message
    page.locator("#l-ko").uncheck()
    page.locator("#l-ko").check()
    # the live preview: the first page of the last handout and language ticked, with this clinic
    live = page.locator("#live-img")
    page.wait_for_function(
        "() => { const i = document.querySelector('#live-img');"
        " return !i.hidden && i.complete && i.naturalWidth > 0 && i.src.endsWith('/peek/know-your-rights/ko.png'); }"
    )
    assert "한국어" in page.locator("#live-status").inner_text()
    # every language ticked is previewed (the last one ticked first), issue 23 point 10
    page.wait_for_function(
        "() => [...document.querySelectorAll('#live-pages img.live-img')]"
        ".filter(i => !i.hidden && i.complete && i.naturalWidth > 0).length === 3"
    )
    assert _not_blank(page.request.get(server["url"] + live.get_attribute("src")).body())
    page.get_by_role("button", name="Make the PDFs and show them").click()
    page.wait_for_url("**/r/*")
    page.wait_for_selector("#download-zip", timeout=300_000)  # after the progress bar (progress.js reloads)
    assert "draft translation" in page.locator(".warnings").inner_text()
    image = page.locator("img.preview").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    png = page.request.get(server["url"] + image.get_attribute("src")).body()
    assert _not_blank(png)
    with page.expect_download() as info:
        page.locator("#download-zip").click()
    path = tmp_path / "handouts.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "PRINT-ME-FIRST.txt"
        assert "100%" in archive.read(names[0]).decode()
        pdfs = [n for n in names if n.endswith(".pdf")]
        assert sorted(pdfs) == [f"{c}/know-your-rights-letter.pdf" for c in ("en", "es", "ko")]
        for name in pdfs:
            target = tmp_path / name.replace("/", "-")
            target.write_bytes(archive.read(name))
            text = pdfread.text(target)
            assert ARMENIAN_NAME in text, name
            assert (KOREAN_MESSAGE in text) == name.startswith("ko/"), name


def test_an_office_manager_in_spanish_keeps_her_clinic_and_gets_named_files(server, page, tmp_path):
    """Journey 1 in Spanish (issue 23): save the clinic, wander to another page
    and back by the top bar, make a Spanish and a Korean flyer with a progress
    bar, and download files that can be told apart."""
    page.goto(server["url"] + "/")
    page.select_option("#ui_lang", "es")
    page.locator("form.ui-lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_label("Nombre de la clínica").fill("Clínica Ejemplo del Valle")
    page.get_by_label("Teléfono").fill("213-KOREA")  # the library's own words, in Spanish, at the field
    page.get_by_role("button", name="Guardar mi clínica").click()
    error = page.locator("#e-phone").inner_text()
    assert error == "«213-KOREA» no es un número de teléfono válido; escríbalo así: (213) 555-0100.", error
    page.get_by_label("Teléfono").fill("(213) 555-0100")
    page.get_by_role("button", name="Guardar mi clínica").click()
    page.wait_for_url("**/c/**")
    clinic = page.url.split("?")[0]
    assert page.get_by_role("link", name="Siguiente: qué imprimir").evaluate("a => a === document.activeElement")
    page.goto(server["url"] + "/sheets")  # another page, then back through the top bar
    page.locator("nav").get_by_role("link", name="Qué imprimir").click()
    assert page.url == clinic + "/print"
    page.locator("#h-know-your-rights").check()
    page.locator("#h-pharmacy").check()  # four files on two cores: the bar has steps to show
    page.locator("#l-es").check()
    page.locator("#l-ko").check()
    page.locator("#l-en").uncheck()
    page.get_by_role("button", name="Hacer los PDF y mostrarlos").click()
    page.wait_for_url("**/r/*")
    seen = _watch_bar(page, "#download-zip")  # a real job, not a mocked one: the bar moves file by file
    assert seen, seen
    assert seen[0][1] == 4, seen
    assert any(0 < value < 4 for value, _ in seen), seen
    result = page.locator("main").inner_text()
    assert "Conozca sus derechos, Coreano (한국어)" in result  # each file's title and how to print it
    assert "Imprima a doble cara" in result
    assert "Know your rights" not in result
    assert "Print two-sided" not in result
    names = []
    for index in range(4):
        with page.expect_download() as info:
            page.get_by_role("link", name="Descargar este PDF").nth(index).click()
        names.append(info.value.suggested_filename)
        info.value.save_as(tmp_path / info.value.suggested_filename)
    assert len(set(names)) == 4, names
    assert {"know-your-rights-letter-es.pdf", "know-your-rights-letter-ko.pdf"} <= set(names), names
    assert "Clínica Ejemplo del Valle" in pdfread.text(tmp_path / "know-your-rights-letter-es.pdf")
    with page.expect_download() as info:
        page.locator("#download-zip").click()
    assert info.value.suggested_filename == "handouts-es-ko-clinica-ejemplo-del-valle.zip"
    info.value.save_as(tmp_path / "bundle.zip")
    instructions = zipfile.ZipFile(tmp_path / "bundle.zip").read("PRINT-ME-FIRST.txt").decode()
    assert instructions.startswith("IMPRÍMAME PRIMERO\nHecho con handouts"), instructions[:200]
    assert "Papel: Carta EE. UU. 8.5 x 11 pulg." in instructions
    assert "no asesoría legal" in instructions


def test_bad_phone_shows_error_and_saves_nothing(server, page):
    """Journey 2: a bad phone number: the error sits next to the phone field."""
    before = _profiles(server["data"])
    page.goto(server["url"] + "/")
    page.get_by_label("Clinic name").fill("Clínica del Valle")
    page.get_by_label("Phone").fill("555-01")
    page.get_by_role("button", name="Save my clinic").click()
    error = page.locator("#e-phone")
    assert "not a valid phone number" in error.inner_text()
    phone = page.get_by_label("Phone")
    assert "e-phone" in (phone.get_attribute("aria-describedby") or "")
    assert phone.get_attribute("aria-invalid") == "true"
    assert phone.input_value() == "555-01"  # what was typed stays
    assert _profiles(server["data"]) == before


def test_red_card_sheets(server, page, tmp_path):
    """Journey 4: 30 Red Cards, es:20 + ko:10: 3 sheets, 6 pages."""
    page.goto(server["url"] + "/sheets")
    assert page.get_by_label("English").input_value() == ""  # nothing pre-filled (issue 23, point 9)
    page.locator("#c-es").fill("20")
    page.locator("#c-ko").fill("7")
    assert "Total: 27 cards. Add 3 more" in page.locator("#sheet-total").inner_text()  # the running total
    page.locator("#c-ko").fill("10")
    assert page.locator("#sheet-total").inner_text() == "Total: 30 cards on 3 sheets."
    page.get_by_role("button", name="Make the sheets").click()
    page.wait_for_url("**/r/*")
    page.wait_for_selector("section.file h2", timeout=120_000)
    assert "3 sheet(s)" in page.locator("h2").first.inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this PDF").first.click()
    path = tmp_path / "sheets.pdf"
    info.value.save_as(path)
    assert len(pdfread.reader(path).pages) == 6
    text = pdfread.text(path)
    assert "Korea" not in text  # (sanity: the text layer is the cards', not a label)


def test_a_logo_over_its_limit_is_refused_at_its_field_and_the_form_kept(server, page, tmp_path):
    """Issue 23, point 4: a 2.5 MB logo is refused as soon as it is chosen, beside
    its field; what was typed stays, nothing is sent."""
    big = tmp_path / "big.png"
    big.write_bytes(_logo_png() + b"\0" * 2_500_000)
    page.goto(server["url"] + "/")
    page.locator("#f-name").fill("Example Big Logo Clinic")
    page.locator("#f-logo").set_input_files(str(big))
    note = page.locator("#f-logo-size")
    assert note.is_visible()
    assert note.inner_text().startswith("This logo is 2.5 MB; a logo may be up to 2 MB.")
    assert page.locator("#f-logo").input_value() == ""
    assert page.locator("#f-name").input_value() == "Example Big Logo Clinic"


def _send_offices(page, server, rows: str, label: str = "Offices (CSV file)", button: str = "Make the files") -> None:
    """Many offices: choose the CSV by its field's label, press the button, land on the job's page."""
    page.goto(server["url"] + "/offices")
    page.get_by_label(label).set_input_files({"name": "offices.csv", "mimeType": "text/csv", "buffer": rows.encode()})
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/r/*")


def test_many_offices_with_one_bad_row(server, page, tmp_path):
    """Journey 3: a CSV with one bad row: a progress bar while it builds, then
    the report names the row, and the other offices' ZIPs download, each with
    its packet."""
    rows = "name,phone,slug\nClínica Norte,(213) 555-0100,norte\nClínica Sur,12,sur\nClinic East,(323) 555-0199,east\n"
    _send_offices(page, server, rows)
    assert page.locator("progress#bar").get_attribute("max") == "3"  # the progress bar first
    page.wait_for_selector("table.report", timeout=300_000)  # progress.js shows the report when done
    bad = page.locator("tr.bad")
    assert bad.count() == 1
    assert "row 3" in bad.inner_text()
    assert "phone" in bad.inner_text()
    links = page.locator("tr.good a")
    assert links.count() == 2
    for index in range(2):
        with page.expect_download() as info:
            links.nth(index).click()
        path = tmp_path / f"office-{index}.zip"
        info.value.save_as(path)
        with zipfile.ZipFile(path) as archive:
            pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
            assert pdfs
            assert archive.namelist()[0].endswith("PRINT-ME-FIRST.txt")
            target = tmp_path / f"packet-{index}.pdf"
            target.write_bytes(archive.read(pdfs[0]))
            assert ("Clínica Norte" if index == 0 else "Clinic East") in pdfread.text(target)


def _watch_bar(page, done_selector: str, seconds: float = 300) -> list[tuple[int, int]]:
    """(value, max) of the job page's progress bar, read every 0.2 s until
    `done_selector` shows (bounded), each change once."""
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.locator(done_selector).count():
                return seen
            state = page.evaluate(
                "() => { const b = document.getElementById('bar'); return b ? [b.value, b.max] : null }"
            )
        except Exception:  # the page reloads itself when the job is done
            state = None
        if state and (not seen or seen[-1] != tuple(state)):
            seen.append((int(state[0]), int(state[1])))
        time.sleep(0.2)
    raise AssertionError(f"{done_selector} did not show within {seconds} s; the bar read {seen}")


def test_an_outreach_lead_in_spanish_makes_every_office_and_their_red_cards(server, page, tmp_path):
    """Journey 2 in Spanish (issue 23): a CSV of three offices, one with a bad
    phone; the bar moves office by office; the report words the bad row in
    Spanish (the library's own words); every office comes in one ZIP whose
    PRINT-ME-FIRST.txt is Spanish; then Red Card sheets with a Spanish total
    and a Spanish title."""
    page.goto(server["url"] + "/")
    page.select_option("#ui_lang", "es")
    page.locator("form.ui-lang button").click()
    page.wait_for_load_state()
    rows = "name,phone,slug\nClínica Norte,(213) 555-0100,norte\nClínica Sur,12,sur\nClínica Este,(323) 555-0199,este\n"
    _send_offices(page, server, rows, label="Oficinas (archivo CSV)", button="Preparar los archivos")
    seen = _watch_bar(page, "table.report")
    assert seen, seen
    assert seen[0][1] == 3, seen
    assert any(0 < value < 3 for value, _ in seen), seen  # it moved before the end: one office at a time
    bad = page.locator("tr.bad").inner_text()
    assert "fila 3" in bad, bad
    assert "«12» no es un número de teléfono válido" in bad, bad
    with page.expect_download() as info:
        page.locator("#download-all").click()
    info.value.save_as(tmp_path / "todas.zip")
    with zipfile.ZipFile(tmp_path / "todas.zip") as archive:
        assert sorted(archive.namelist()) == ["este.zip", "norte.zip", "summary.csv"]
        with zipfile.ZipFile(io.BytesIO(archive.read("norte.zip"))) as office:
            instructions = office.read("norte/PRINT-ME-FIRST.txt").decode()
    assert instructions.startswith("IMPRÍMAME PRIMERO: Clínica "), instructions[:100]
    assert "Paquete de folletos para pacientes en inglés" in instructions  # the default: English
    page.goto(server["url"] + "/sheets")
    page.locator("#c-es").fill("10")
    page.locator("#c-ko").fill("10")
    assert page.locator("#sheet-total").inner_text().startswith("Total: 20 tarjetas")
    page.get_by_role("button", name="Hacer las hojas").click()
    page.wait_for_url("**/r/*")
    page.wait_for_selector("section.file h2", timeout=120_000)
    title = page.locator("section.file h2").first.inner_text()
    assert title.startswith("Tarjetas Rojas, 20 tarjetas (10 español + 10 coreano (한국어)) en 2 hoja(s)"), title


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not vendored")
def test_pages_have_no_serious_accessibility_problems(server, browser):
    """axe-core on every page (and on a form showing an error): no serious or
    critical violations. The page's CSP forbids injected scripts, so this one
    browser context bypasses it to load axe."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    script = AXE.read_text(encoding="utf-8")

    def check(where: str) -> list[str]:
        page.add_script_tag(content=script)
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
        )
        return [
            f"{where}: {v['id']} ({v['impact']}, {v['nodes']} element(s))"
            for v in found
            if v["impact"] in ("serious", "critical")
        ]

    problems = []

    def job_pages(lang: str, text: str) -> None:
        """A result page (Red Card sheets), then a batch's progress bar: progress.json
        answers "not finished" here, so the page stays put."""
        page.goto(server["url"] + "/sheets")
        page.locator(f"#c-{lang}").fill("10")
        page.locator("form[action='/sheets'] button[type=submit]").click()
        page.wait_for_url("**/r/*")
        page.wait_for_selector("section.file h2", timeout=120_000)
        assert page.locator("html").get_attribute("lang") == lang
        problems.extend(check(f"result page ({lang})"))
        answer = {"done": 5, "total": 7, "finished": False, "text": text}
        page.route("**/progress.json", lambda route: route.fulfill(json=answer))
        page.goto(server["url"] + "/offices")
        page.locator("#f-csv").set_input_files(
            {"name": "offices.csv", "mimeType": "text/csv", "buffer": b"name\nAxe Clinic One\nAxe Clinic Two\n"}
        )
        page.locator("form[action='/offices'] button[type=submit]").click()
        page.wait_for_url("**/r/*")
        assert page.locator("progress#bar").count() == 1
        page.wait_for_function("() => bar.max === 7 && bar.value === 5")  # drawn by progress.js
        problems.extend(check(f"progress page ({lang})"))
        page.unroute("**/progress.json")

    try:
        page.goto(server["url"] + "/sheets")
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
        assert any("label" in found for found in check("self-check")), "axe did not find an unlabelled input"
        for path in ("/", "/print", "/sheets", "/offices", "/translations"):
            page.goto(server["url"] + path)
            problems += check(path)
        page.goto(server["url"] + "/")
        page.get_by_label("Clinic name").fill("Clinic")
        page.get_by_label("Phone").fill("12")
        page.get_by_role("button", name="Save my clinic").click()
        problems += check("/clinic with an error")
        job_pages("en", "5 of 7 offices done.")
        # the same pages in Spanish, and a clinic's own pages (issue 23)
        page.goto(server["url"] + "/")
        page.select_option("#ui_lang", "es")
        page.locator("form.ui-lang button").click()
        page.wait_for_load_state()
        for path in ("/", "/print", "/sheets", "/offices", "/translations"):
            page.goto(server["url"] + path)
            assert page.locator("html").get_attribute("lang") == "es"
            problems += check(f"{path} (es)")
        page.goto(server["url"] + "/")
        page.locator("#f-name").fill("Clínica Axe")
        page.locator("form[action='/clinic'] button[type=submit]").click()
        page.wait_for_url("**/c/**")
        problems += check("saved clinic (es)")
        page.goto(page.url.split("?")[0] + "/reprint")
        problems += check("what to reprint (es)")
        job_pages("es", "5 de 7 oficinas listas.")
    finally:
        context.close()
    assert not problems, problems


def test_what_to_reprint_lists_exactly_the_file_whose_text_changed(browser, data_copy, tmp_path):
    """Issue 23, point 5, in the browser: a clinic makes the Red Card and the
    Know Your Rights flyer in English and Spanish; then one Spanish line of the
    Red Card changes in the content project the page uses; What to reprint
    lists that one file as changed, says why, keeps the other three, and makes
    only it again, with the new line."""
    from handouts.web import Limits

    red_card = data_copy / "content" / "red-card" / "es.yaml"
    old_line = "No firme nada hasta hablar con un abogado."
    new_line = "No firme ningún papel hasta hablar con un abogado."
    assert old_line in red_card.read_text(encoding="utf-8")
    context = browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(120_000)
    with running_server(tmp_path / "web", Limits(workers=1)) as url:
        page.goto(url + "/")
        page.get_by_label("Clinic name").fill("Example Reprint Clinic")  # a made-up clinic
        page.get_by_label("Phone").fill("(213) 555-0100")
        page.get_by_role("button", name="Save my clinic").click()
        page.get_by_role("link", name="Next: what to print").click()
        clinic = page.url.rsplit("/print", 1)[0]
        page.locator("#h-red-card").check()
        page.locator("#h-know-your-rights").check()
        page.locator("#l-en").check()
        page.locator("#l-es").check()
        page.get_by_role("button", name="Make the PDFs and show them").click()
        page.wait_for_url("**/r/*")
        page.wait_for_selector("#download-zip", timeout=300_000)

        page.goto(clinic + "/reprint")
        assert page.locator("li.reprint-changed").count() == 0
        made = sorted(page.locator("li.reprint-same code").all_inner_texts())
        assert len(made) == 4, made
        red_card.write_text(red_card.read_text(encoding="utf-8").replace(old_line, new_line), encoding="utf-8")

        page.reload()
        changed = page.locator("li.reprint-changed")
        assert changed.locator("code").all_inner_texts() == [n for n in made if n.startswith("es/red-card")]
        assert "print again, because" in changed.inner_text()
        assert sorted(page.locator("li.reprint-same code").all_inner_texts()) == [
            n for n in made if not n.startswith("es/red-card")
        ]
        page.get_by_role("button", name="Make the 1 changed file again").click()
        page.wait_for_url("**/r/*")
        page.wait_for_selector("#download-zip", timeout=300_000)
        downloads = page.get_by_role("link", name="Download this PDF")
        assert downloads.count() == 1
        with page.expect_download() as info:
            downloads.first.click()
        info.value.save_as(tmp_path / "reprinted.pdf")
        text = " ".join(pdfread.text(tmp_path / "reprinted.pdf").split())
        assert "ningún papel" in text
        assert "No firme nada" not in text
    context.close()
