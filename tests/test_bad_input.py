"""Bad input gets a clear message naming the file, line or field; never a
traceback, never a silently wrong PDF; and nothing outside the bundle is read."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.content import load_content
from handouts.errors import ContentError, FactError, RenderError
from handouts.render import Job, render

from .editing import weaken_fact
from .pdfread import squash


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_malformed_yaml_names_file_and_line(data_copy):
    path = data_copy / "content" / "red-card" / "es.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("  title:"))
    lines[target] = "  title: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-H", "red-card", "-l", "es", "-o", str(data_copy / "out")])
    assert result.exit_code == 1
    # the parser notices the unclosed bracket on the line after it
    assert f"{path}:{target + 2}: this is not valid YAML" in result.stderr
    assert "Traceback" not in result.output


def test_missing_key_names_the_field(data_copy):
    path = data_copy / "content" / "pharmacy" / "es.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndisclaimer:", "\nnot_the_disclaimer:"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content("pharmacy", "es")
    assert "'disclaimer' must be text and is missing" in str(error.value)
    assert str(path) in str(error.value)


def test_unknown_fact_key_names_file_line_and_key(data_copy):
    path = data_copy / "content" / "care-access" / "en.yaml"
    edit(path, "{fact:crisis_988}", "{fact:crisis_line_typo}")
    with pytest.raises(ContentError) as error:
        load_content("care-access", "en")
    message = str(error.value)
    assert "unknown fact 'crisis_line_typo'" in message
    lines = path.read_text(encoding="utf-8").splitlines()
    text_line = next(i for i, line in enumerate(lines, 1) if "thinking about hurting yourself" in line)
    # the bullet ("- >-") starts on the line before its text
    assert f"{path}:{text_line - 1} (field sections[3].bullets[0])" in message


def test_translation_that_drops_a_placeholder_fails_check(data_copy):
    edit(data_copy / "content" / "care-access" / "es.yaml", "{fact:emergency_911}", "al nueve uno uno")
    result = CliRunner().invoke(main, ["check", "--lang", "es"])
    assert result.exit_code == 1
    assert "placeholders differ from English" in result.stderr


def test_typed_phone_number_fails_check(data_copy):
    edit(data_copy / "content" / "care-access" / "es.yaml", "{fact:emergency_911}", "911")
    result = CliRunner().invoke(main, ["check", "--lang", "es"])
    assert result.exit_code == 1
    assert "'911' looks like a number typed into the text" in result.stderr


def test_missing_glyph_is_an_error_naming_the_character(data_copy):
    edit(data_copy / "content" / "red-card" / "hy.yaml", "  title: ", "  title: \u0f00 ")
    with pytest.raises(ContentError) as error:
        render(Job("red-card", "hy", "wallet"))
    assert "U+0F00" in str(error.value)
    assert "front.title" in str(error.value)


@pytest.mark.pdf
def test_markup_in_content_prints_as_text(data_copy, tmp_path):
    edit(
        data_copy / "content" / "red-card" / "en.yaml",
        "  title: Know your rights",
        '  title: Know <img src="file:///etc/passwd"> rights',
    )
    rendered = render(Job("red-card", "en", "wallet"))
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(rendered.pdf)
    from .pdfread import text

    printed = squash(text(pdf)).replace("\u201c", '"').replace("\u201d", '"')  # quotes print as “ ”
    assert squash('Know <img src="file:///etc/passwd"> rights') in printed


@pytest.mark.parametrize("reference", ["file:///etc/passwd", "http://example.com/x.css", "../../../etc/hosts"])
@pytest.mark.pdf
def test_stylesheet_outside_the_bundle_is_refused(data_copy, reference):
    edit(
        data_copy / "templates" / "base.html",
        '<link rel="stylesheet" href="css/handouts.css">',
        f'<link rel="stylesheet" href="css/handouts.css"><link rel="stylesheet" href="{reference}">',
    )
    with pytest.raises(RenderError) as error:
        render(Job("red-card", "en", "wallet"))
    assert "refused to load" in str(error.value)


@pytest.mark.pdf
def test_same_inputs_give_identical_bytes():
    job = Job("know-your-rights", "fa", "letter")
    assert render(job).pdf == render(job).pdf


def test_build_refuses_a_translation_with_a_typed_number(data_copy, tmp_path):
    edit(data_copy / "content" / "care-access" / "es.yaml", "{fact:emergency_911}", "911")
    result = CliRunner().invoke(main, ["build", "-H", "care-access", "-l", "es", "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 1
    assert "'911' looks like a number typed into the text" in result.stderr
    assert not (tmp_path / "es" / "care-access-letter.pdf").exists()


def test_a_fact_without_a_value_named_in_text_is_an_error_with_its_place(data_copy):
    path = data_copy / "content" / "care-access" / "en.yaml"
    edit(path, "{fact:crisis_988}", "{fact:lacare_telehealth}")
    with pytest.raises(FactError) as error:
        render(Job("care-access", "en", "letter"))
    assert f"{path}:" in str(error.value)
    assert "sections[3].bullets[0]" in str(error.value)
    assert "{fact:lacare_telehealth} has no value in facts.yaml (not found)" in str(error.value)


@pytest.mark.pdf
def test_an_unconfirmed_fact_named_in_text_is_warned_about(data_copy):
    weaken_fact(data_copy / "content", "la_county_dmh_help_line")  # a fact no pharmacy contact prints
    edit(
        data_copy / "content" / "pharmacy" / "en.yaml",
        "Call Medi-Cal Rx to find",
        "See {fact:la_county_dmh_help_line}. Call Medi-Cal Rx to find",
    )
    rendered = render(Job("pharmacy", "en", "letter"))
    assert any("la_county_dmh_help_line" in w and "inferred" in w for w in rendered.warnings)


def test_check_reports_a_missing_translation_file(data_copy):
    (data_copy / "content" / "pharmacy" / "vi.yaml").unlink()
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "pharmacy/vi.yaml: there is no Vietnamese text for 'pharmacy'" in result.stderr
