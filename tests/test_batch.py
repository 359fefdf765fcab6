"""Outreach at county scale: a batch plan per office, zips to hand over, a
summary, and the reprint list after a fact changes (issue 12)."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.batch import OfficePlan, card_sheets, parse_cards, parse_plan
from handouts.cli import main
from handouts.clinic.toml import load_profile
from handouts.errors import ContentError
from handouts.facts import load_facts
from handouts.packet.plan import PACKET_HANDOUTS
from handouts.resources import content_dir
from handouts.sheets import get_stock
from handouts.web.work import do_handouts

from .pdfread import squash, text

OFFICES = (
    "name,phone,languages,handouts,sizes,cards,packets,signs\n"
    "Koreatown Clinic,213-555-0100,ko,know-your-rights,letter poster-18x24,ko:15,no,nonpublic-area\n"
    "Clínica del Valle,818-555-0199,es,,,es:10,en,\n"
    "Bad Row,12345,es,,,,,\n"
    "Glendale Health,818-555-0102,hy,care-access,tabloid,,no,\n"
)


def test_plan_columns_fall_back_to_the_command_line_and_name_bad_cells():
    defaults = OfficePlan(languages=("es",), packets="yes")
    plan = parse_plan({"handouts": "red-card, pharmacy", "cards": "es:25 ko:3"}, defaults, "o.csv row 2")
    assert plan.handouts == ("red-card", "pharmacy")
    assert plan.languages == ("es",)
    assert plan.packets == "yes"
    assert plan.cards == (("es", 25), ("ko", 3))
    for cells, column in (
        ({"sizes": "poster-99"}, "sizes"),
        ({"packets": "maybe"}, "packets"),
        ({"cards": "es40"}, "cards"),
        ({"signs": "red-card"}, "signs"),
        ({"languages": "xx"}, "languages"),
    ):
        with pytest.raises(ContentError, match=rf"o\.csv row 7.*{column}"):
            parse_plan(cells, defaults, "o.csv row 7")


def test_card_counts_round_up_to_whole_sheets():
    per_sheet = get_stock("avery-5371").per_sheet
    counts = parse_cards("es:1 ko:10 hy:11 ru:25", "x")
    sheets = {code: -(-n // per_sheet) for code, n in counts}
    assert sheets == {"es": 1, "ko": 1, "hy": 2, "ru": 3}


@pytest.mark.pdf
def test_card_sheets_have_whole_sheets_of_one_language():
    made = card_sheets((("es", 25),), "avery-5371", {})
    name, pdf, sheets = made[0]
    assert sheets == 3
    assert name == "red-card-es-30cards-avery-5371.pdf"
    import io

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 6  # fronts and backs


@pytest.mark.pdf
def test_batch_gives_each_office_what_its_row_asks_zipped_with_a_summary(data_copy, tmp_path):
    offices = tmp_path / "offices.csv"
    offices.write_text(OFFICES, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(offices), "-o", str(out), "-j", "2"])
    assert result.exit_code == 1
    assert "row 4" in result.stderr
    expected = {
        "koreatown-clinic": {
            "ko/know-your-rights-letter.pdf",
            "ko/know-your-rights-poster-18x24.pdf",
            "en+ko/nonpublic-area-letter.pdf",
            "sheets/red-card-ko-20cards-avery-5371.pdf",
            "sheets/alignment-avery-5371.pdf",
        },
        "clinica-del-valle": {
            "packets/packet-es-with-en.pdf",
            "sheets/red-card-es-10cards-avery-5371.pdf",
            "sheets/alignment-avery-5371.pdf",
        },
        "glendale-health": {"hy/care-access-tabloid.pdf"},
    }
    with open(out / "summary.csv", encoding="utf-8", newline="") as stream:
        summary = {row["folder"]: row for row in csv.DictReader(stream)}
    assert summary["bad-row"]["status"] == "failed"
    assert "12345" in summary["bad-row"]["error"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))[2]["status"] == "failed"
    for slug, files in expected.items():
        listing = set(zipfile.ZipFile(out / f"{slug}.zip").namelist())
        assert listing == {f"{slug}/{name}" for name in files | {"PRINT-ME-FIRST.txt"}}, slug
        row = summary[slug]
        assert row["status"] == "ok"
        assert int(row["files"]) == len(files)
        assert row["zip"] == f"{slug}.zip"
        pages = sum(len(PdfReader(out / slug / name).pages) for name in files)
        assert int(row["pages_to_print"]) == pages, slug
        guide = (out / slug / "PRINT-ME-FIRST.txt").read_text(encoding="utf-8")
        assert "100%" in guide
        assert all(name in guide for name in files)
        manifest = {e["path"] for e in json.loads((out / slug / "manifest.json").read_text())["files"]}
        assert files <= manifest, slug  # the manifest covers packets and sheets too
    guide = (out / "koreatown-clinic" / "PRINT-ME-FIRST.txt").read_text(encoding="utf-8")
    assert "two-sided, flip on the long edge" in guide
    assert "alignment page" in guide
    assert "Avery 5371" in guide
    sign = squash(text(out / "koreatown-clinic" / "en+ko" / "nonpublic-area-letter.pdf"))
    assert squash("Koreatown Clinic") in sign

    # A phone number changes: the reprint list names exactly the files that print it.
    facts = content_dir() / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("display: 1-888-624-4752 (888-6-CHIRLA)", "display: 1-888-624-4752"),
        encoding="utf-8",
    )
    listed = CliRunner().invoke(main, ["changes", str(out), "--csv", str(tmp_path / "reprint.csv")])
    assert listed.exit_code == 0, listed.output
    with open(tmp_path / "reprint.csv", encoding="utf-8", newline="") as stream:
        rows = {(r["office"], r["file"]): r["reasons"] for r in csv.DictReader(stream)}
    assert set(rows) == {
        ("koreatown-clinic", "ko/know-your-rights-letter.pdf"),
        ("koreatown-clinic", "ko/know-your-rights-poster-18x24.pdf"),
        ("koreatown-clinic", "sheets/red-card-ko-20cards-avery-5371.pdf"),
        ("clinica-del-valle", "sheets/red-card-es-10cards-avery-5371.pdf"),
        ("clinica-del-valle", "packets/packet-es-with-en.pdf"),
    }  # only files the offices were given: a packet binds its handouts without making them files of their own
    for printed in (
        ("koreatown-clinic", "ko/know-your-rights-letter.pdf"),
        ("clinica-del-valle", "packets/packet-es-with-en.pdf"),
    ):
        label = load_facts()["la_rapid_response_network_hotline"].label  # its own name, from the facts file
        hotline = f"{label} (fact la_rapid_response_network_hotline)"
        assert rows[printed] == f"{hotline} changed", printed
    assert "glendale-health" not in {office for office, _ in rows}


def test_changes_between_two_manifests_names_new_removed_and_why(tmp_path):
    def manifest(folder, files):
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
        return folder

    base = {"path": "es/x.pdf", "sha256": "a", "inputs_detail": {"fact:crisis_988": "1", "templates": "t"}}
    old = manifest(tmp_path / "old", [base, {"path": "gone.pdf", "sha256": "g"}])
    new = manifest(
        tmp_path / "new",
        [
            {**base, "sha256": "b", "inputs_detail": {"fact:crisis_988": "2", "templates": "t"}},
            {"path": "added.pdf", "sha256": "n"},
        ],
    )
    result = CliRunner().invoke(main, ["changes", str(old), str(new)])
    assert result.exit_code == 0
    assert "changed  es/x.pdf: 988 Suicide & Crisis Lifeline (fact crisis_988) changed" in result.output
    assert "removed  gone.pdf" in result.output
    assert "new      added.pdf" in result.output
    unchanged = CliRunner().invoke(main, ["changes", str(old), str(old)])
    assert "nothing changed" in unchanged.output
    missing = CliRunner().invoke(main, ["changes", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert len(missing.output.strip().splitlines()) == 1


@pytest.mark.pdf
def test_batch_on_a_dask_cluster_gives_the_same_zips(tmp_path):
    offices = tmp_path / "offices.csv"
    offices.write_text(
        "name,phone,languages,handouts,packets,cards\n"
        "Eastside Clinic,(323) 555-0101,es,red-card care-access,yes,es:5\n",
        encoding="utf-8",
    )
    local = CliRunner().invoke(main, ["batch", str(offices), "-o", str(tmp_path / "local"), "-j", "1"])
    assert local.exit_code == 0, local.output
    cluster = CliRunner().invoke(main, ["batch", str(offices), "-o", str(tmp_path / "dask"), "--scheduler", "local"])
    assert cluster.exit_code == 0, cluster.output
    assert (tmp_path / "dask" / "eastside-clinic.zip").read_bytes() == (
        tmp_path / "local" / "eastside-clinic.zip"
    ).read_bytes()


@pytest.mark.pdf
def test_offices_built_at_once_give_the_same_zips_as_one_by_one_in_any_order(tmp_path):
    """-j 2 works on several offices at once (packets rendered by the workers);
    each office's zip is the same as from -j 1 with the rows in the other order."""
    rows = [
        "Westside Clinic,(310) 555-0101,es,en,es:5",
        "Harbor Clinic,(310) 555-0102,es hy,yes,",
        "Valley Clinic,(818) 555-0103,hy,yes,hy:12",
    ]
    header = "name,phone,languages,packets,cards\n"
    forward, backward = tmp_path / "forward.csv", tmp_path / "backward.csv"
    forward.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    backward.write_text(header + "\n".join(reversed(rows)) + "\n", encoding="utf-8")
    one = CliRunner().invoke(main, ["batch", str(forward), "-o", str(tmp_path / "one"), "-j", "1"])
    assert one.exit_code == 0, one.output
    two = CliRunner().invoke(main, ["batch", str(backward), "-o", str(tmp_path / "two"), "-j", "2"])
    assert two.exit_code == 0, two.output
    for slug in ("westside-clinic", "harbor-clinic", "valley-clinic"):
        assert (tmp_path / "one" / f"{slug}.zip").read_bytes() == (tmp_path / "two" / f"{slug}.zip").read_bytes()
        with zipfile.ZipFile(tmp_path / "two" / f"{slug}.zip") as archive:
            packets = [n for n in archive.namelist() if "/packets/" in n]
            assert packets, archive.namelist()
            for name in packets:  # a packet a worker made opens, numbers its pages and says its language
                reader = PdfReader(archive.open(name))
                assert reader.page_labels[:2] == ["i", "1"]
                assert "/Lang" in reader.trailer["/Root"]
    summary = json.loads((tmp_path / "two" / "summary.json").read_text(encoding="utf-8"))
    assert [r["office"] for r in summary] == ["Valley Clinic", "Harbor Clinic", "Westside Clinic"]


def test_a_stand_in_clinic_depends_on_the_shape_of_the_details_only(tmp_path):
    """Offices whose details take about the same room share one stand-in (and so one
    fit); the stand-in prints none of their text; a longer address is another shape."""
    from handouts.clinic.validate import make_profile

    def clinic(name: str, phone: str, address: str = "", message_ko: str = "") -> object:
        values = {"name": name, "phone": phone, "address": address, "message_ko": message_ko}
        return make_profile({k: v for k, v in values.items() if v}, "row", tmp_path)

    east = clinic("Eastside Clinic", "(323) 555-0101", "12 Main St, Los Angeles, CA 90033")
    west = clinic("Westside Clinic", "(310) 555-0199", "98 Pico Bl, Los Angeles, CA 90019")
    assert east.stand_in(("es",)) == west.stand_in(("es",))
    stand_in = east.stand_in(("es",))
    assert "Eastside" not in repr(stand_in)
    assert "Main St" not in repr(stand_in)
    assert stand_in.phone == "(000) 000-0000"
    longer = clinic("Eastside Clinic", "(323) 555-0101", "12 Main St, Suite 400, second floor, Los Angeles, CA 90033")
    assert longer.stand_in(("es",)) != stand_in
    korean = clinic("Eastside Clinic", "(323) 555-0101", "12 Main St, Los Angeles, CA 90033", "한국어 상담 가능")
    assert korean.stand_in(("es",)) == stand_in  # its Korean message prints on Korean pages only
    assert korean.stand_in(("ko",)) != east.stand_in(("ko",))


@pytest.mark.pdf
def test_offices_of_one_shape_share_a_fit_and_their_files_depend_on_their_own_row_only(tmp_path):
    """Each handout an office's packet binds takes one layout pass (the fit was
    made once for the stand-in of their shape), and an office's zip is the same
    whether it is built alone or with other offices."""
    header = "name,phone,languages,packets\n"
    rows = [
        "Westside Clinic,(310) 555-0101,es,yes",
        "Harbor Clinic,(310) 555-0102,es,yes",
        "Valley Clinic,(818) 555-0103,es,yes",
    ]
    many, alone = tmp_path / "many.csv", tmp_path / "alone.csv"
    many.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    alone.write_text(header + rows[1] + "\n", encoding="utf-8")
    for name, offices in (("many", many), ("alone", alone)):
        result = CliRunner().invoke(main, ["batch", str(offices), "-o", str(tmp_path / name), "-j", "2"])
        assert result.exit_code == 0, result.output
    for slug in ("westside-clinic", "harbor-clinic", "valley-clinic"):
        entries = json.loads((tmp_path / "many" / slug / "manifest.json").read_text())["files"]
        one_pass_each = len(PACKET_HANDOUTS) + 1  # each bound handout once, and the cover
        assert [(e["path"], e["layout_passes"]) for e in entries] == [("packets/packet-es.pdf", one_pass_each)], slug
    assert (tmp_path / "alone" / "harbor-clinic.zip").read_bytes() == (
        tmp_path / "many" / "harbor-clinic.zip"
    ).read_bytes()


def test_a_packet_records_the_inputs_of_every_handout_it_binds():
    """Each bound handout's handout.yaml and fonts are recorded on their own (a
    change to any of them names the packet), not only the last handout's."""
    from handouts.packet.build import packet_input_parts

    parts = packet_input_parts("zh-Hant", "en", None)
    for handout in PACKET_HANDOUTS:
        for code in ("zh-Hant", "en"):
            for kind in ("job", "spec", "fonts"):
                assert f"{kind}:{handout}/{code}" in parts, (kind, handout, code)
    assert parts["fonts:care-access/zh-Hant"] != parts["fonts:care-access/en"]  # the CJK fonts count


@pytest.mark.pdf
def test_running_a_batch_again_keeps_only_what_the_rows_ask_and_fits_nothing_twice(tmp_path):
    """A second run of a changed CSV removes what a row no longer asks for (file and
    manifest entry, and loose PDFs an older version left), and reuses the fits
    remembered in OUT/.fits.json: the zips of unchanged rows are the same bytes."""
    header = "name,phone,languages,handouts,packets\n"
    first = "Eastside Clinic,(323) 555-0101,es,red-card,yes\nWestside Clinic,(310) 555-0102,es,,yes\n"
    offices = tmp_path / "offices.csv"
    offices.write_text(header + first, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(offices), "-o", str(out), "-j", "1"]).exit_code == 0
    fits = out / ".fits.json"
    remembered = fits.read_bytes()
    assert len(json.loads(remembered)) == 1 + len(PACKET_HANDOUTS)  # red card, and the packet's handouts: one shape
    zip_before = (out / "westside-clinic.zip").read_bytes()
    loose = out / "westside-clinic" / "es" / "care-access-letter.pdf"  # as an older version wrote it
    loose.parent.mkdir()
    loose.write_bytes(b"%PDF-1.7 old")
    manifest = out / "westside-clinic" / "manifest.json"
    document = json.loads(manifest.read_text())
    document["files"].append({"path": "es/care-access-letter.pdf", "sha256": "0"})
    manifest.write_text(json.dumps(document))
    offices.write_text(header + first.replace("red-card,yes", ",yes"), encoding="utf-8")
    assert CliRunner().invoke(main, ["batch", str(offices), "-o", str(out), "-j", "1"]).exit_code == 0
    for slug in ("eastside-clinic", "westside-clinic"):
        names = {e["path"] for e in json.loads((out / slug / "manifest.json").read_text())["files"]}
        assert names == {"packets/packet-es.pdf"}, slug
        on_disk = {
            p.relative_to(out / slug).as_posix()
            for p in (out / slug).rglob("*")
            if p.is_file() and not p.name.startswith(".")  # the build's lock file
        }
        assert on_disk == {"packets/packet-es.pdf", "manifest.json", "PRINT-ME-FIRST.txt"}, slug
    assert not loose.parent.exists()
    assert (out / "westside-clinic.zip").read_bytes() == zip_before
    assert set(json.loads(fits.read_bytes())) < set(json.loads(remembered))  # the red card's fit is dropped


@pytest.mark.pdf
def test_the_command_line_a_batch_and_the_web_page_give_one_clinic_the_same_bytes(tmp_path):
    """One fit per shape of clinic details everywhere (shapes.py): the same
    clinic's handout is the same file whichever way it was made, and a second
    clinic of that shape reuses the fit kept in the folder (one layout pass)."""
    toml = tmp_path / "clinic.toml"
    toml.write_text('name = "Westside Clinic"\nphone = "(310) 555-0101"\n', encoding="utf-8")
    cli = CliRunner().invoke(
        main, ["build", "-p", str(toml), "-H", "know-your-rights", "-l", "es", "-o", str(tmp_path / "cli"), "-j", "1"]
    )
    assert cli.exit_code == 0, cli.output
    made = tmp_path / "cli" / "es" / "know-your-rights-letter.pdf"
    offices = tmp_path / "offices.csv"
    offices.write_text(
        "name,phone,languages,handouts,sizes,packets\nWestside Clinic,(310) 555-0101,es,know-your-rights,letter,no\n",
        encoding="utf-8",
    )
    batch = CliRunner().invoke(main, ["batch", str(offices), "-o", str(tmp_path / "batch"), "-j", "1"])
    assert batch.exit_code == 0, batch.output
    assert (tmp_path / "batch" / "westside-clinic" / "es" / "know-your-rights-letter.pdf").read_bytes() == (
        made.read_bytes()
    )
    profile = load_profile(toml)
    params = {"handouts": ["know-your-rights"], "langs": ["es"], "sizes": [], "variant": "office"}
    web = do_handouts(str(tmp_path / "web"), params, profile, str(tmp_path / "fits.json"))
    assert "error" not in web, web
    assert (tmp_path / "web" / "files" / "es" / "know-your-rights-letter.pdf").read_bytes() == made.read_bytes()
    other = tmp_path / "other.toml"
    other.write_text('name = "Eastside Clinic"\nphone = "(323) 555-0102"\n', encoding="utf-8")
    again = CliRunner().invoke(
        main, ["build", "-p", str(other), "-H", "know-your-rights", "-l", "es", "-o", str(tmp_path / "cli"), "-j", "1"]
    )
    assert again.exit_code == 0, again.output
    entry = json.loads((tmp_path / "cli" / "manifest.json").read_text())["files"]
    assert [e["layout_passes"] for e in entry if e["path"] == "es/know-your-rights-letter.pdf"] == [1]


def test_a_row_whose_sizes_choose_nothing_or_that_gets_nothing_is_an_error_naming_it(tmp_path):
    """Issue 23, point 2: `sizes` without handouts or signs used to give no
    posters and say "ok"; an office that gets no files at all too."""
    from handouts.batch import OfficePlan, read_offices

    path = tmp_path / "offices.csv"
    path.write_text(
        "name,sizes,packets,handouts\n"
        '"Only Sizes Clinic","letter poster-18x24",yes,\n'
        '"Nothing Clinic",,no,\n'
        '"Posters Clinic","poster-18x24",no,know-your-rights\n',
        encoding="utf-8",
    )
    offices, failures, _warnings = read_offices(path, defaults=OfficePlan(languages=("en",)))
    assert [o.profile.name for o in offices] == ["Posters Clinic"]
    errors = {f.row: f.error for f in failures}
    assert "row 2, column sizes" in errors[2]
    assert "handouts" in errors[2]
    assert "row 3" in errors[3]
    assert "no files" in errors[3]


@pytest.mark.pdf
def test_a_batch_run_again_makes_only_the_packets_whose_inputs_changed(tmp_path):
    """Issue 23, point 5: re-running a batch after one row's phone changed makes
    that office's packet again and keeps the other's as it was (same file, not
    rewritten); a changed packet is the same bytes a fresh run makes."""
    header = "name,phone,languages,packets\n"
    offices = tmp_path / "offices.csv"
    offices.write_text(header + "Eastside Clinic,(323) 555-0101,es,yes\nWestside Clinic,(310) 555-0102,es,yes\n")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(offices), "-o", str(out), "-j", "1"]).exit_code == 0
    east, west = (out / slug / "packets" / "packet-es.pdf" for slug in ("eastside-clinic", "westside-clinic"))
    before = {path: path.stat().st_mtime_ns for path in (east, west)}
    offices.write_text(header + "Eastside Clinic,(323) 555-0101,es,yes\nWestside Clinic,(310) 555-0199,es,yes\n")
    assert CliRunner().invoke(main, ["batch", str(offices), "-o", str(out), "-j", "1"]).exit_code == 0
    assert east.stat().st_mtime_ns == before[east]  # kept: nothing that decides it changed
    assert west.stat().st_mtime_ns != before[west]
    assert "555-0199" in text(west)
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(main, ["batch", str(offices), "-o", str(fresh), "-j", "1"]).exit_code == 0
    assert (fresh / "westside-clinic" / "packets" / "packet-es.pdf").read_bytes() == west.read_bytes()
    assert (fresh / "eastside-clinic" / "packets" / "packet-es.pdf").read_bytes() == east.read_bytes()
