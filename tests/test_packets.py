"""Packets (cover, contents, bookmarks, page labels) and CSV batches for many offices."""

from __future__ import annotations

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.content import get_handout, load_content
from handouts.facts import load_facts
from handouts.locales import LANGUAGES
from handouts.packet.plan import PACKET_HANDOUTS, PACKET_SIZE
from handouts.sizes import get_size

from .pdfread import squash, text


@pytest.mark.pdf
def test_packet_has_cover_contents_bookmarks_and_page_labels(tmp_path):
    result = CliRunner().invoke(main, ["packet", "--lang", "ko", "--out", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "packets" / "packet-ko.pdf"
    assert result.stdout == f"Wrote {path}.\n"
    pdf = PdfReader(str(path))
    strings = load_content("common", "ko").data["strings"]
    titles = [load_content(h, "ko").data["title"] for h in PACKET_HANDOUTS]
    assert [item.title for item in pdf.outline if not isinstance(item, list)] == [strings["packet_title"]] + titles
    pages = sum(get_handout(h).pages_on(get_size(PACKET_SIZE).kind) for h in PACKET_HANDOUTS)
    assert pdf.page_labels == ["i"] + [str(n) for n in range(1, pages + 1)]
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "ko"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    document = pdfium.PdfDocument(str(path))
    cover = squash(document[0].get_textpage().get_text_range())
    assert squash(LANGUAGES["ko"].native_name) in cover
    assert squash(strings["packet_title"]) in cover
    for title in titles:  # the cover says what is inside
        assert squash(title) in cover
    for number in range(1, pages + 1):  # each page prints its number at its foot
        assert document[number].get_textpage().get_text_range().rstrip().endswith(str(number)), number


@pytest.mark.pdf
def test_bilingual_packet_follows_each_page_with_english(tmp_path):
    result = CliRunner().invoke(main, ["packet", "-l", "es", "--bilingual", "en", "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "packets" / "packet-es-with-en.pdf"
    pdf = PdfReader(str(path))
    pages = sum(get_handout(h).pages_on(get_size(PACKET_SIZE).kind) for h in PACKET_HANDOUTS)
    assert len(pdf.pages) == 1 + 2 * pages
    spanish = load_content("know-your-rights", "es").data["title"]
    english = load_content("know-your-rights", "en").data["title"]
    assert spanish in pdf.pages[1].extract_text()
    assert english in pdf.pages[2].extract_text()
    # The English pages' tags say they are English; the document is Spanish.
    document = pikepdf.open(path)
    assert document.Root.Lang == "es"
    english_pages = {document.pages[i].objgen for i in range(2, len(document.pages), 2)}
    langs, stack = set(), [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/Pg") is not None and node.Pg.objgen in english_pages and "/Lang" in node:
                langs.add(str(node.Lang))
            kids = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    assert langs == {"en"}


@pytest.mark.pdf
def test_batch_builds_good_rows_and_names_the_bad_one(tmp_path):
    offices = tmp_path / "offices.csv"
    offices.write_text(
        "name,address,phone,color\n"
        'Eastside Family Clinic,"100 E 1st St, Los Angeles, CA 90012",(323) 555-0101,#1d4ed8\n'
        "Bad Phone Clinic,,555,\n"
        'Հայկական Կլինիկա,"200 N Brand Blvd, Glendale, CA 91203",(818) 555-0102,#7c2d12\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(offices), "-l", "es", "-l", "hy", "-o", str(out), "-j", "2"])
    assert result.exit_code == 1
    assert f"Failed: {offices} row 3: field 'phone': '555' is not a valid phone number" in result.stderr
    assert result.stdout == f"Built files for 2 of 3 office(s) into {out}/; failed: row 3. Summary: {out}/summary.csv\n"
    for slug in ("eastside-family-clinic", "հայկական-կլինիկա"):
        for code in ("es", "hy"):
            packet = out / slug / "packets" / f"packet-{code}.pdf"
            assert packet.is_file()
    armenian = squash(text(out / "հայկական-կլինիկա" / "packets" / "packet-es.pdf"))
    assert squash("Հայկական Կլինիկա") in armenian
    assert "(818)555-0102" in armenian


def test_batch_header_must_name_known_columns(tmp_path):
    offices = tmp_path / "offices.csv"
    offices.write_text("clinic,phone\nX,(213) 555-0100\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(offices), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "row 1 (the header) must name the columns: name (required)" in result.stderr
    assert "unknown column(s): clinic" in result.stderr


@pytest.mark.pdf
def test_a_packet_is_listed_once_for_reprint_with_the_fact_that_changed(data_copy, tmp_path):
    """`handouts packet` writes the handouts it binds too; after a fact they print
    changes, the reprint list names each of them and the packet, once each, with the fact."""
    import csv

    from handouts.resources import content_dir

    result = CliRunner().invoke(main, ["packet", "--lang", "es", "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    facts = content_dir() / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("display: 1-888-624-4752 (888-6-CHIRLA)", "display: 1-888-624-4752"),
        encoding="utf-8",
    )
    listed = CliRunner().invoke(main, ["changes", str(tmp_path / "out"), "--csv", str(tmp_path / "reprint.csv")])
    assert listed.exit_code == 0, listed.output
    with open(tmp_path / "reprint.csv", encoding="utf-8", newline="") as stream:
        rows = [(r["file"], r["reasons"]) for r in csv.DictReader(stream)]
    label = load_facts()["la_rapid_response_network_hotline"].label  # its own name, from the facts file
    changed = f"{label} (fact la_rapid_response_network_hotline) changed"
    printing = [
        h for h in PACKET_HANDOUTS if "la_rapid_response_network_hotline" in {c.fact for c in get_handout(h).contacts}
    ]
    assert len(printing) >= 2  # the rights flyer and the Medi-Cal flyer print the hotline
    assert rows == [(f"es/{h}-letter.pdf", changed) for h in sorted(printing)] + [("packets/packet-es.pdf", changed)]


@pytest.mark.pdf
def test_a_shared_fit_that_does_not_suit_the_page_is_refitted_when_bound(tmp_path):
    """A batch binds a handout at the fit of a stand-in clinic; on a page where it
    leaves room (here: no clinic band at all), the packet fits that handout anew."""
    import datetime as dt

    from handouts.clinic.validate import make_profile
    from handouts.model import KnownFit, PacketPlan
    from handouts.packet.bind import bind_packet
    from handouts.render import Job, fit_page, prepare

    long_band = make_profile(
        {
            "name": "Clínica Comunitaria de Salud Familiar del Valle de San Fernando y Pacoima",
            "address": "14500 Roscoe Boulevard, Suite 410, Panorama City, CA 91402 (entrance on Van Nuys "
            "Boulevard, second floor, beside the pharmacy, across from the bus stop)",
            "hours": "Monday to Friday 7:00 a.m. to 9:00 p.m.; Saturday 8:00 a.m. to 5:00 p.m.; closed Sundays",
        },
        "row",
        tmp_path,
    )
    known = []
    for handout in PACKET_HANDOUTS:
        fitted = fit_page(prepare(Job(handout, "es", PACKET_SIZE, profile=long_band)))
        known.append(KnownFit(handout, "es", fitted.setting, len(fitted.measured.result.pages), checked=False))
    plan = PacketPlan("es", None, dt.date(2026, 11, 29), tuple(known))
    one_pass_each = len(PACKET_HANDOUTS) + 1  # its own shape: one pass per handout, and the cover
    assert bind_packet(plan, long_band).passes == one_pass_each
    bare = bind_packet(plan, None)
    assert bare.passes > one_pass_each
    document = pdfium.PdfDocument(bare.pdf)
    pages = sum(get_handout(h).pages_on(get_size(PACKET_SIZE).kind) for h in PACKET_HANDOUTS)
    assert len(document) == 1 + pages  # no page spilled over
