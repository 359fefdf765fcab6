"""Translations reviewers can check and sign: per-string provenance, XLIFF/PO
round trips, a review proof, and sign-off (issue 13)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.content import COMMON, SOURCE_LANGUAGE, available_languages, handout_keys, load_content
from handouts.errors import TranslationError
from handouts.exchange import export, import_file
from handouts.fonts import coverage, needs_glyph
from handouts.locales import LANGUAGES
from handouts.resources import content_dir
from handouts.translations import language_strings, sign, stale_strings, summary, translated_strings

from .pdfread import squash, text

TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]


def content_bytes() -> dict[str, str]:
    """sha256 of every content and review file of the active project."""
    root = content_dir()
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.yaml"))}


def edit_english(handout: str, old: str, new: str) -> None:
    path = content_dir() / handout / "en.yaml"
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), encoding="utf-8")


def test_every_translation_is_current_and_each_string_is_a_draft_or_reviewed():
    """Not the shipped review state (a reviewer signing a string must not fail this): every string
    counted once, as a draft or reviewed, and none stale."""
    for code in TRANSLATED:
        counts = summary(code)
        assert counts.total > 100, counts
        assert counts.stale == 0, counts
        assert counts.draft + counts.reviewed == counts.total, counts


def test_changing_one_english_string_makes_exactly_its_translations_stale(data_copy):
    before = {code: {s.id: s.state for s in language_strings(code)} for code in TRANSLATED}
    edit_english("red-card", "title: Know your rights\n", "title: Know your rights, always\n")
    for code in TRANSLATED:
        after = {s.id: s.state for s in language_strings(code)}
        changed = {sid for sid in after if after[sid] != before[code][sid]}
        assert changed == {"red-card:front.title"}, (code, changed)
        assert after["red-card:front.title"] == "stale"
    # English itself is the source: nothing of it is ever stale
    assert stale_strings("red-card", ["en"]) == []


def test_check_lists_each_stale_string_with_its_file_and_line(data_copy):
    edit_english("red-card", "title: Know your rights\n", "title: Know your rights, always\n")
    result = CliRunner().invoke(main, ["check", "-H", "red-card", "-l", "es", "-l", "ko"])
    assert result.exit_code == 1
    stale = [line for line in result.output.splitlines() if "changed in English" in line]
    assert len(stale) == 2
    assert all("(red-card:front.title)" in line for line in stale)
    assert any("red-card/ko.yaml:" in line for line in stale)
    assert any("red-card/es.yaml:" in line for line in stale)


def test_a_stale_string_cannot_be_signed_and_nothing_is_written(data_copy):
    edit_english("red-card", "title: Know your rights\n", "title: Know your rights, always\n")
    files = content_bytes()
    with pytest.raises(TranslationError, match=r"red-card:front\.title"):
        sign("ko", "Min-ji Kim, interpreter", ["red-card:front.title", "red-card:disclaimer"])
    assert content_bytes() == files


def test_signing_records_exactly_the_named_strings(data_copy):
    chosen = ["red-card:front.title", "common:strings.scan"]
    sign("ko", "Min-ji Kim, interpreter", chosen, today=dt.date(2026, 11, 28))
    states = {s.id: s for s in language_strings("ko")}
    assert sorted(sid for sid, s in states.items() if s.state == "reviewed") == sorted(chosen)
    review = states["red-card:front.title"].review
    assert review is not None
    assert review.by == "Min-ji Kim, interpreter"
    assert review.on == dt.date(2026, 11, 28)
    assert all(summary(code).reviewed == 0 for code in TRANSLATED if code != "ko")
    # An edit to a reviewed translation makes it a draft again, its neighbours stay reviewed.
    path = content_dir() / "red-card" / "ko.yaml"
    title = load_content("red-card", "ko").data["front"]["title"]
    path.write_text(path.read_text(encoding="utf-8").replace(title, title + "!", 1), encoding="utf-8")
    states = {s.id: s.state for s in language_strings("ko")}
    assert states["red-card:front.title"] == "draft"
    assert states["common:strings.scan"] == "reviewed"


def test_a_hand_made_review_in_meta_is_refused(data_copy):
    path = content_dir() / "red-card" / "es.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("meta:\n", "meta:\n  status: reviewed\n", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", "-l", "es", "-H", "red-card"])
    assert result.exit_code == 1
    assert "es.review.yaml" in result.output
    assert "remove 'status'" in result.output


@pytest.mark.parametrize("fmt", ["xliff", "po"])
def test_export_then_import_unchanged_changes_no_byte(data_copy, tmp_path, fmt):
    files = content_bytes()
    exported = tmp_path / f"ko.{'xlf' if fmt == 'xliff' else 'po'}"
    exported.write_bytes(export("ko", fmt))
    report = import_file(exported)
    assert report.changed == []
    assert report.files == []
    assert report.unchanged == summary("ko").total
    assert content_bytes() == files


def test_exported_xliff_opens_in_translate_toolkit_and_po_passes_msgfmt(tmp_path):
    xlf = tmp_path / "vi.xlf"
    xlf.write_bytes(export("vi", "xliff"))
    converted = tmp_path / "vi-from-xliff.po"
    tool = Path(sys.executable).parent / "xliff2po"
    done = subprocess.run([str(tool), str(xlf), str(converted)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert converted.stat().st_size > 1000
    po = tmp_path / "vi.po"
    po.write_bytes(export("vi", "po"))
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is missing: setup.sh installs the gettext package"
    done = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "vi.mo"), str(po)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    # placeholders travel as protected inline codes, and every string is there
    body = xlf.read_text(encoding="utf-8")
    assert '<ph id="1">{fact:' in body
    assert body.count("<trans-unit") == summary("vi").total


def _xliff_with(lang: str, changes: dict[str, str], approve: tuple[str, ...] = ()) -> bytes:
    """An exported XLIFF with some targets changed, as a translator's CAT tool would return it."""
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(export(lang, "xliff"))
    for unit in store.units:
        handout, _, field = unit.getid().partition("\x04")
        sid = f"{handout}:{field}"
        if sid in changes:
            unit.target = changes[sid]
        if sid in approve:
            unit.set_state_n(unit.statemap["final"])  # a reviewer's sign-off in the CAT tool
    return bytes(store)


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("{fact:la_rapid_response_network_hotline} 번호로 전화하세요", "placeholder"),  # a placeholder added
        ("이민자 권리 핫라인: 888-624-4752", "looks like a number typed"),  # a typed phone number
        ("이민자 권리 핫라인 \u0f00", "U+0F00"),  # a character no bundled font has
    ],
)
def test_a_bad_import_is_refused_and_no_file_changes(data_copy, tmp_path, bad, expected):
    files = content_bytes()
    path = tmp_path / "ko.xlf"
    path.write_bytes(_xliff_with("ko", {"red-card:front.hotline": bad}))
    with pytest.raises(TranslationError, match="nothing imported") as caught:
        import_file(path, check_fit=False)
    assert expected in str(caught.value)
    assert content_bytes() == files


def test_an_unknown_string_id_is_refused(data_copy, tmp_path):
    path = tmp_path / "ko.po"
    path.write_bytes(export("ko", "po").replace(b'msgctxt "red-card:front.title"', b'msgctxt "red-card:front.tittle"'))
    with pytest.raises(TranslationError, match=r"red-card:front\.tittle: no such ko string"):
        import_file(path)


@pytest.mark.pdf
def test_import_changes_one_line_keeps_comments_and_signs_only_approved_units(data_copy, tmp_path):
    path = content_dir() / "red-card" / "es.yaml"
    before = path.read_text(encoding="utf-8")
    before_lines = before.splitlines()
    new_title = "Conozca sus derechos siempre"
    xlf = tmp_path / "es.xlf"
    xlf.write_bytes(_xliff_with("es", {"red-card:front.title": new_title}, approve=("red-card:disclaimer",)))
    report = import_file(xlf, signed_by="Ana Ruiz, interpreter")
    assert report.changed == ["red-card:front.title"]
    assert report.files == [path]
    after_lines = path.read_text(encoding="utf-8").splitlines()
    assert len(after_lines) == len(before_lines)
    differing = [i for i, (a, b) in enumerate(zip(before_lines, after_lines, strict=True)) if a != b]
    assert len(differing) == 1
    assert new_title in after_lines[differing[0]]
    assert [line for line in before_lines if line.lstrip().startswith("#")] == [
        line for line in after_lines if line.lstrip().startswith("#")
    ]
    states = {s.id: s.state for s in translated_strings("red-card", "es")}
    assert states["red-card:front.title"] == "draft"  # an import never reviews what it changed
    assert report.signed == ["red-card:disclaimer"]
    assert states["red-card:disclaimer"] == "reviewed"
    assert sum(state == "reviewed" for state in states.values()) == 1


@pytest.mark.pdf
def test_build_refuses_stale_and_allow_stale_says_so_on_the_page(data_copy, tmp_path):
    edit_english("red-card", "title: Know your rights\n", "title: Know your rights, always\n")
    runner = CliRunner()
    refused = runner.invoke(main, ["build", "-H", "red-card", "-l", "ko", "--out", str(tmp_path), "-j", "1"])
    assert refused.exit_code == 1
    assert "red-card:front.title" in refused.output
    assert "--allow-stale" in refused.output
    assert not (tmp_path / "ko" / "red-card-wallet.pdf").exists()
    allowed = runner.invoke(
        main, ["build", "-H", "red-card", "-l", "ko", "--allow-stale", "--out", str(tmp_path), "-j", "1"]
    )
    assert allowed.exit_code == 0, allowed.output
    printed = squash(text(tmp_path / "ko" / "red-card-wallet.pdf"))
    strings = load_content(COMMON, "ko").data["strings"]
    assert squash(strings["stale_strings"]) in printed


@pytest.mark.pdf
def test_footer_says_reviewed_only_when_every_printed_string_is(data_copy, tmp_path):
    runner = CliRunner()
    strings = load_content(COMMON, "ko").data["strings"]
    ids = [s.id for s in translated_strings("red-card", "ko")]
    sign("ko", "Min-ji Kim, interpreter", ids)  # the card's own words, not yet the shared ones
    assert (
        runner.invoke(main, ["build", "-H", "red-card", "-l", "ko", "--out", str(tmp_path), "-j", "1"]).exit_code == 0
    )
    printed = squash(text(tmp_path / "ko" / "red-card-wallet.pdf"))
    assert squash(strings["draft"]) in printed
    assert squash(strings["translation_reviewed"]) not in printed
    result = runner.invoke(main, ["translations", "sign", "-l", "ko", "--by", "Min-ji Kim, interpreter", "--all"])
    assert result.exit_code == 0
    assert "Signed" in result.output
    assert (
        runner.invoke(main, ["build", "-H", "red-card", "-l", "ko", "--out", str(tmp_path), "-j", "1"]).exit_code == 0
    )
    printed = squash(text(tmp_path / "ko" / "red-card-wallet.pdf"))
    assert squash(strings["translation_reviewed"]) in printed
    assert squash(strings["draft"]) not in printed


def _rows(pdf: bytes) -> int:
    """Table rows of data cells (TD, not the TH of the header repeated on each page)
    in the proof's structure tree (its PDF/UA tags)."""
    document = pikepdf.open(io.BytesIO(pdf))
    count, stack = 0, [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/TR":
                cells = node.get("/K")
                cells = cells if isinstance(cells, pikepdf.Array) else [cells]
                count += any(isinstance(c, pikepdf.Dictionary) and c.get("/S") == "/TD" for c in cells)
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif kids is not None:
                stack.append(kids)
    return count


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["ar", "zh-Hant"])
def test_proof_has_one_row_per_string_shaped_in_its_script(tmp_path, lang):
    result = CliRunner().invoke(main, ["translations", "proof", "-l", lang, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "translations" / f"proof-{lang}.pdf"
    assert _rows(path.read_bytes()) == summary(lang).total
    printed = set(text(path)) - {"\ufffe", "\uffff"}
    families = ("HO Sans", *LANGUAGES[lang].fonts)
    assert not [ch for ch in printed if needs_glyph(ch) and ord(ch) not in coverage(families)]
    if lang == "zh-Hant":  # pdfium reorders right-to-left runs when it extracts text, so read CJK exactly
        assert squash(load_content(COMMON, lang).data["strings"]["scan"]) in squash(text(path))
    else:
        assert sum("\u0600" <= ch <= "\u06ff" for ch in text(path)) > 2000


@pytest.mark.pdf
def test_proof_of_stale_strings_only(data_copy, tmp_path):
    edit_english("red-card", "title: Know your rights\n", "title: Know your rights, always\n")
    from handouts.proof import proof

    pdf = proof("es", only_stale=True)
    assert _rows(pdf) == 1
    (tmp_path / "p.pdf").write_bytes(pdf)
    assert "red-card:" in text(tmp_path / "p.pdf")


def test_list_and_status_show_counts_per_language():
    result = CliRunner().invoke(main, ["list"])
    ko = summary("ko")
    assert f"{ko.total} strings: {ko.reviewed} reviewed, {ko.draft} draft, {ko.stale} stale" in result.output
    status = CliRunner().invoke(main, ["translations", "status", "-l", "hy"])
    assert status.exit_code == 0
    assert f"{summary('hy').total} strings" in status.output


def test_every_handout_and_language_has_a_review_file():
    for key in (COMMON, *handout_keys()):
        for code in available_languages(key):
            review = content_dir() / key / f"{code}.review.yaml"
            assert review.is_file() == (code != SOURCE_LANGUAGE), review
