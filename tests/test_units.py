"""Millisecond tests of pure pieces, on strings and numbers (no WeasyPrint):
the placeholder reader, the Formatter (quotes, placeholders, right-to-left Latin
runs, names kept whole), the 2-or-3-column rule for contacts, the spread
arithmetic and the input digest. Each has one end-to-end PDF test elsewhere."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import pickle
import tempfile
from types import SimpleNamespace

import psutil
import pytest

from handouts.batch.rows import OfficeResult
from handouts.changes import Change, write_csv
from handouts.clinic.profile import ProfileError
from handouts.clinic.validate import make_profile
from handouts.digest import input_parts, parts_digest
from handouts.errors import RenderError, UsageError
from handouts.facts import fact_warning, load_facts
from handouts.handover import handout_printable, packet_printable, print_me_first, printables, write_summary
from handouts.locales import get_language
from handouts.model import Job
from handouts.notices import (
    CLAIM_DUE,
    FACT_UNCONFIRMED,
    QR_MISSING,
    QR_UNCONFIRMED,
    RGB_LOGO,
    Notice,
    from_record,
    from_records,
    notice,
    undated,
)
from handouts.output import spreadsheet_safe
from handouts.placeholders import (
    Placeholder,
    claim_keys,
    fact_keys,
    placeholders,
    split,
    unpaired_brace,
    walk_text,
    without_placeholders,
)
from handouts.reliance import CLAIM_NOTE
from handouts.render.context import flyer_context
from handouts.render.html import Formatter
from handouts.render.spread import ITEM_CAP, Gap, share_leftover
from handouts.resources import SCRATCH_PREFIX, remove_stale_scratch
from handouts.sheets import count_word, parse_counts, sheet_chunks, whole_sheets
from handouts.web.presenters import field_errors, plain_warning

PHONE = "lacare_member_services"  # a phone fact of the bundled facts.yaml


# --- placeholders ---------------------------------------------------------------


def test_placeholders_are_read_by_kind():
    text = "Call {fact:a} ({tty}). {claim:b}Rule {cite:c}. {say:silent} {odd:thing}"
    assert list(placeholders(text)) == [
        Placeholder("fact", "a", "fact:a"),
        Placeholder("", "tty", "tty"),
        Placeholder("claim", "b", "claim:b"),
        Placeholder("cite", "c", "cite:c"),
        Placeholder("say", "silent", "say:silent"),
        Placeholder("", "odd:thing", "odd:thing"),  # not a keyed kind: a named placeholder, refused by the checks
    ]
    assert fact_keys(text) == ["a"]
    assert claim_keys(text) == ["b", "c"]


def test_split_keeps_the_text_in_order():
    assert list(split("a {fact:x} b{tty}")) == [
        "a ",
        Placeholder("fact", "x", "fact:x"),
        " b",
        Placeholder("", "tty", "tty"),
    ]
    assert list(split("no braces")) == ["no braces"]
    assert list(split("")) == []


def test_unpaired_braces_and_stripping():
    assert unpaired_brace("a { b")
    assert unpaired_brace("a } b {tty}")
    assert not unpaired_brace("a {tty} b")
    assert without_placeholders("a {tty} b {fact:x}", "_") == "a _ b _"


def test_walk_text_yields_every_string_with_its_path():
    data = {"title": "T", "sections": [{"heading": "H", "bullets": ["x", "y"]}], "n": 3}
    assert list(walk_text(data)) == [
        (("title",), "T"),
        (("sections", 0, "heading"), "H"),
        (("sections", 0, "bullets", 0), "x"),
        (("sections", 0, "bullets", 1), "y"),
    ]


# --- the Formatter ---------------------------------------------------------------


def _formatter(code: str, **values: str) -> Formatter:
    return Formatter(get_language(code), load_facts(), values, claims={})


def test_formatter_prints_a_fact_as_a_left_to_right_number():
    facts = load_facts()
    html = _formatter("en")(f"Call {{fact:{PHONE}}} now.")
    assert facts[PHONE].phone_text in html
    assert 'dir="ltr"' in html


def test_formatter_uses_the_languages_own_quotes_in_pairs_only():
    start, end = get_language("ru").quotes
    assert (start, end) != ('"', '"')
    assert f"{start}Hello{end}" in _formatter("ru")('Say "Hello".')
    odd = _formatter("ru")('An odd " quote')  # not in pairs: left as typed (escaped)
    assert "&#34;" in odd
    assert start not in odd


def test_formatter_escapes_text_and_fills_named_values():
    html = _formatter("en", hours="9-5")("<b>Open</b> {hours}")
    assert "&lt;b&gt;" in html
    assert "9-5" in html


def test_formatter_refuses_a_placeholder_without_a_value():
    with pytest.raises(RenderError, match=r"\{hours\}"):
        _formatter("en")("Open {hours}")


def test_formatter_prints_nothing_for_a_claim_mark():
    assert _formatter("en")("{claim:anything}Text") == _formatter("en")("Text")


def test_formatter_isolates_latin_runs_in_right_to_left_text():
    html = _formatter("ar")("اتصل بـ L.A. Care اليوم")
    assert "\u2066" in html
    assert "\u2069" in html
    assert "L.A. Care" in html
    assert "\u2066" not in _formatter("en")("Call L.A. Care today")


# --- the 2-or-3-column rule for contacts --------------------------------------------


def _contacts(*shows: tuple[str, ...]) -> list[SimpleNamespace]:
    return [SimpleNamespace(show=show) for show in shows]


def _rows(contacts: list[SimpleNamespace], size_kind: str = "flyer", variant: str = "office") -> list[int]:
    prepared = SimpleNamespace(size=SimpleNamespace(kind=size_kind), job=SimpleNamespace(variant=variant))
    return [columns for columns, _ in flyer_context(prepared, {"contacts": contacts})["contact_rows"]]  # type: ignore[arg-type]


def test_three_alike_contacts_share_a_row_of_three():
    assert _rows(_contacts(("qr",), ("qr",), ("qr",))) == [3]
    assert _rows(_contacts(("phone",), ("phone",), ("phone",), ("phone",))) == [3, 2]


def test_mixed_or_phone_and_qr_contacts_go_two_across():
    assert _rows(_contacts(("phone",), ("qr",), ("phone",))) == [2, 2]
    assert _rows(_contacts(("phone", "qr"), ("phone", "qr"), ("phone", "qr"))) == [2, 2]


def test_posters_always_put_three_across():
    assert _rows(_contacts(("phone",), ("qr",), ("phone",), ("qr",)), "poster") == [3, 3]


def test_large_print_gives_a_phone_number_a_row_of_its_own():
    assert _rows(_contacts(("phone",), ("phone",), ("phone",)), variant="large-print") == [1, 1, 1]
    assert _rows(_contacts(("qr",), ("qr",), ("qr",), ("phone", "qr")), variant="large-print") == [2, 1, 1]


# --- the spread arithmetic ------------------------------------------------------------


def test_leftover_is_shared_by_weight():
    gaps = [Gap("1", "section", 0, 10, True), Gap("2", "block", 0, 10, True)]
    extra = share_leftover(50.0, gaps, body_px=100)
    assert extra == pytest.approx({"1": 30.0, "2": 20.0})
    assert sum(extra.values()) == pytest.approx(50.0)


def test_list_items_are_capped_and_their_excess_goes_to_the_others():
    gaps = [Gap("1", "section", 0, 10, True), Gap("2", "item", 0, 10, True), Gap("3", "item", 0, 10, True)]
    extra = share_leftover(100.0, gaps, body_px=10)
    assert extra["2"] == extra["3"] == pytest.approx(ITEM_CAP * 10)
    assert extra["1"] == pytest.approx(100.0 - 2 * ITEM_CAP * 10)


# --- the input digest --------------------------------------------------------------------


def test_the_digest_changes_with_the_job_and_not_with_the_order_of_its_parts():
    job = Job("know-your-rights", "es", "letter")
    parts = input_parts(job)
    assert parts_digest(parts) == parts_digest(dict(reversed(list(parts.items()))))
    assert parts_digest(input_parts(dataclasses.replace(job, size="a4"))) != parts_digest(parts)
    assert any(key.startswith("fact:") for key in parts)


# --- what is handed over with the files -------------------------------------------------


def test_how_to_print_depends_on_the_size_and_the_pages():
    card = handout_printable("ko/red-card-wallet.pdf", "red-card", ["ko"], "wallet", 2, "office")
    assert "front" in card.how
    assert "cut" in card.how
    flyer = handout_printable("es/x.pdf", "know-your-rights", ["es"], "letter", 2, "large-print")
    assert flyer.how.startswith("Print two-sided")
    assert flyer.what.endswith(", large print")
    assert "Spanish" in flyer.what
    one = handout_printable("en/x.pdf", "pharmacy", ["en"], "letter", 1, "office")
    assert one.how == "Print one-sided."
    poster = handout_printable("en/p.pdf", "pharmacy", ["en"], "poster-24x36", 1, "office")
    assert "print shop" in poster.paper


def test_print_me_first_numbers_the_files_and_counts_the_pages():
    files = [
        handout_printable("en/a.pdf", "pharmacy", ["en"], "letter", 1, "office"),
        packet_printable("packets/packet-es.pdf", "es", "en", 9),
    ]
    text = print_me_first(files, "Koreatown Clinic", "2026-12-03")
    assert text.startswith("PRINT ME FIRST: Koreatown Clinic\n")
    assert "2 file(s), 10 page(s) to print" in text
    assert "1. en/a.pdf" in text
    assert "2. packets/packet-es.pdf" in text
    assert "not legal advice" in text
    assert print_me_first(files).startswith("PRINT ME FIRST\n")


def test_printables_read_a_manifest_and_skip_what_they_do_not_know():
    manifest = {
        "es/know-your-rights-letter.pdf": {
            "handout": "know-your-rights",
            "size": "letter",
            "languages": ["es"],
            "pages": 2,
        },
        "packets/packet-ko.pdf": {"kind": "packet", "languages": ["ko"], "pages": 12},
        "manifest-note": {"kind": "something-else"},
    }
    found = printables(manifest, "avery-5371")
    assert [p.path for p in found] == ["es/know-your-rights-letter.pdf", "packets/packet-ko.pdf"]
    assert "Korean" in found[1].what


# --- Red Card counts ----------------------------------------------------------------------


def test_card_counts_one_rule_per_interface():
    assert count_word("es:6") == ("es", 6)
    assert count_word("es") == ("es", None)
    for bad in ("es:0", "es:x", "es:-1"):
        with pytest.raises(ValueError, match="LANGUAGE:COUNT"):
            count_word(bad)
    assert parse_counts(["es:6", "ko"], 10) == [("es", 6), ("ko", 4)]  # handouts sheet: one sheet
    with pytest.raises(UsageError, match="add up to 10"):
        parse_counts(["es:6", "ko:6"], 10)
    assert whole_sheets(21, 10) == 3  # a batch: each language rounded up to whole sheets
    assert sheet_chunks([("es", 15), ("ko", 5)], 10) == [["es:10"], ["es:5", "ko:5"]]  # the web page


# --- notices: warnings and problems with fields -------------------------------------------


def test_a_notice_is_its_text_and_keeps_its_fields_through_pickle_and_the_manifest():
    due = Notice(CLAIM_NOTE + "claim 'x' must be reviewed by ...", CLAIM_DUE, "x")
    assert due == CLAIM_NOTE + "claim 'x' must be reviewed by ..."
    assert due.dated
    again = pickle.loads(pickle.dumps(due))
    assert (again.code, again.subject, again.dated) == (CLAIM_DUE, "x", True)
    assert from_record(json.loads(json.dumps(due.as_record()))).code == CLAIM_DUE
    plain = Notice("fact 'f' (1-800) is inferred, not confirmed", FACT_UNCONFIRMED, "f")
    assert undated([due, plain, "some text"]) == [plain, "some text"]


def test_the_web_page_words_a_warning_by_its_code():
    facts = load_facts()
    unconfirmed = next((f for f in facts.values() if f.qr_url and not f.qr_confirmed), None)
    if unconfirmed is not None:
        warning = fact_warning(unconfirmed, "qr")
        assert warning is not None
        assert plain_warning(warning).startswith(f"We have not yet confirmed that the link {unconfirmed.qr_url}")
    synthetic = Notice("anything at all", QR_UNCONFIRMED, "k", url="https://example.org", confidence="inferred")
    assert plain_warning(synthetic) == (
        "We have not yet confirmed that the link https://example.org opens the right page. "
        "Open it on your phone before you print."
    )
    assert "inferred" not in plain_warning(synthetic)  # no jargon (issue 23)
    logo = Notice("clinic: the logo stays in RGB in the print-shop PDF", RGB_LOGO, "logo")
    assert "RGB" not in plain_warning(logo)
    assert plain_warning(Notice("claim review: soon", CLAIM_DUE, "c")).startswith("A statement about the law")
    assert plain_warning(notice("text the page does not know")) == "text the page does not know"


def test_profile_problems_reach_their_form_fields_by_field_not_by_text(tmp_path):
    with pytest.raises(ProfileError) as caught:
        make_profile({"name": "", "phone": "12", "color": "#ffffff"}, "clinic.toml", tmp_path)
    by_field, other = field_errors(caught.value.problems)
    assert set(by_field) == {"name", "phone", "color"}
    assert by_field["phone"].startswith("'12' is not a valid phone number")
    assert not other


# --- scratch folders ------------------------------------------------------------------------


def test_a_live_processs_scratch_folder_is_kept_and_a_dead_ones_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    started = psutil.Process(1).create_time()  # a process that has run for as long as the machine
    live = tmp_path / f"{SCRATCH_PREFIX}1-x"  # made just after it started: old, but its process lives
    dead = tmp_path / f"{SCRATCH_PREFIX}999999999-x"
    reused = tmp_path / f"{SCRATCH_PREFIX}{os.getppid()}-old"  # made before its process started: an id reused
    for folder in (live, dead, reused):
        folder.mkdir()
    os.utime(live, (started + 10,) * 2)
    os.utime(reused, (psutil.Process(os.getppid()).create_time() - 60,) * 2)
    remove_stale_scratch()
    assert live.is_dir()
    assert not dead.exists()
    assert not reused.exists()


# --- CSV files a spreadsheet opens ----------------------------------------------------------


def test_csv_cells_that_would_start_a_formula_are_written_as_text(tmp_path):
    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for start in ("+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(start) == "'" + start
    assert spreadsheet_safe("Clínica Norte") == "Clínica Norte"
    assert spreadsheet_safe(3) == 3
    office = OfficeResult(row=2, slug="x", name="=cmd|' /C calc'!A0", error="@bad")
    write_summary(tmp_path, [office])
    (header, row) = list(csv.reader((tmp_path / "summary.csv").open(encoding="utf-8")))
    cells = dict(zip(header, row, strict=True))
    assert cells["office"] == "'=cmd|' /C calc'!A0"
    assert cells["error"] == "'@bad"
    assert cells["row"] == "2"
    assert json.loads((tmp_path / "summary.json").read_text())[0]["office"] == "=cmd|' /C calc'!A0"  # JSON as is
    write_csv([Change("-office", "+x.pdf", "changed", ["=1"])], tmp_path / "changes.csv")
    assert list(csv.reader((tmp_path / "changes.csv").open()))[1] == ["'-office", "'+x.pdf", "changed", "'=1"]


def test_a_damaged_manifest_record_gives_a_plain_notice_not_a_traceback():
    assert from_records([{"text": "t", "code": "claim-due", "detail": "not a mapping"}]) == ["t"]
    assert from_records([{"code": 3}, "a string", None]) == [""]
    assert from_records("not a list") == []
    kept = from_records([Notice("x", CLAIM_DUE, "c").as_record(), Notice("y", QR_MISSING, "f").as_record()])
    assert undated(kept) == ["y"]


def test_a_half_letter_sign_says_how_to_print_it_on_letter_paper():
    """Issue 23 (smaller points): the door sign defaults to Half Letter; the
    hand-over text says what to do with the Letter paper an office printer holds."""
    from handouts.handover import handout_printable

    how = handout_printable(
        "en/nonpublic-area-half-letter.pdf", "nonpublic-area", ["en"], "half-letter", 1, "office"
    ).how
    assert "On Letter paper, print at 100% (actual size) and trim to 5.5 x 8.5 in" in how
    assert "make it in US Letter" in how
    letter = handout_printable("en/nonpublic-area-letter.pdf", "nonpublic-area", ["en"], "letter", 1, "office").how
    assert "trim" not in letter
