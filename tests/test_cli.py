"""The command line as an office manager meets it: exact messages and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.content import available_languages, handout_keys
from handouts.locales import LANGUAGES
from handouts.sizes import SIZES
from handouts.translations import summary

from .editing import weaken_fact


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help, name
        assert "Example" in result.output, name


def test_list_shows_languages_in_their_own_script_with_review_status():
    result = run("list")
    assert result.exit_code == 0
    for code, lang in LANGUAGES.items():
        count = f"{sum(code in available_languages(k) for k in handout_keys())}/{len(handout_keys())}"
        counts = summary(code) if code != "en" else None  # as `translations status` counts them
        status = (
            "source, not yet reviewed by a lawyer"
            if counts is None
            else f"{counts.total} strings: {counts.reviewed} reviewed, {counts.draft} draft, {counts.stale} stale"
        )
        assert (
            f"  {code:<8} {lang.native_name} ({lang.english_name}), {lang.script}, {lang.direction}, {status}, {count}"
            in result.output
        )
    for name in SIZES:
        assert f"  {name:<8} " in result.output


@pytest.mark.pdf
def test_build_writes_the_pdf_and_a_manifest(tmp_path):
    out = tmp_path / "cards"
    result = run("build", "--handout", "red-card", "--lang", "es", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Built 1 of 1 PDF(s) into {out}/.\n"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == ["es/red-card-wallet.pdf"]
    assert (out / "es" / "red-card-wallet.pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(out.rglob("*.part"))


def test_unknown_language_lists_the_valid_ones(tmp_path):
    result = run("build", "--lang", "xx", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: Unknown language 'xx'. Valid languages: {', '.join(LANGUAGES)}.\n"
    assert not any(tmp_path.iterdir())


def test_unknown_size_lists_the_valid_ones(tmp_path):
    result = run("build", "--size", "poster", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: Unknown size 'poster'. Valid sizes: {', '.join(SIZES)}.\n"


def test_unknown_handout(tmp_path):
    result = run("build", "--handout", "nope", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: Unknown handout 'nope'. Valid handouts: {', '.join(handout_keys())}.")


def test_require_reviewed_refuses_drafts(tmp_path):
    result = run("build", "--handout", "red-card", "--lang", "es", "--require-reviewed", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "is a draft" in result.stderr
    assert "not yet reviewed by a person" in result.stderr
    assert result.stdout == f"Built 0 of 1 PDF(s) into {tmp_path}/, 1 failed.\n"
    assert not (tmp_path / "es").exists()


@pytest.mark.pdf
def test_unconfirmed_facts_warn_and_strict_fails(tmp_path, data_copy):
    weaken_fact(data_copy / "content", "phr_health_care_immigration_enforcement", "qr_confidence")
    result = run("build", "--handout", "staff-protocol", "--lang", "en", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "Warning: fact 'phr_health_care_immigration_enforcement': QR link https://phr.org/" in result.stderr
    assert "is inferred, not confirmed" in result.stderr
    strict = run("build", "--handout", "staff-protocol", "--lang", "en", "--strict", "--out", str(tmp_path / "strict"))
    assert strict.exit_code == 1
    assert "--strict refuses facts and claims that are not confirmed" in strict.stderr
    assert not (tmp_path / "strict" / "en").exists()


def test_check_passes_on_the_bundled_content():
    result = run("check")
    assert result.exit_code == 0, result.output
    files = sum(len(available_languages(key)) for key in ("common", *handout_keys()))  # every language file
    assert result.stdout.startswith(f"Checked {files} file(s): 0 error(s),")


def test_check_json_lists_errors_and_warnings_apart(data_copy):
    weaken_fact(data_copy / "content", "lacare_nurse_advice_line")
    result = run("check", "--json", "--lang", "en")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["errors"] == []
    assert any("lacare_nurse_advice_line" in w for w in document["warnings"])


@pytest.mark.pdf
def test_check_render_reads_back_qr_codes():
    result = run("check", "--render", "--handout", "pharmacy", "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Checked 2 file(s): 0 error(s), ")
    assert "Warning" not in result.stderr  # every fact, link and claim it prints is confirmed


def test_facts_older_than_180_days_are_flagged():
    import datetime as dt

    from handouts.checks import FACT_MAX_AGE_DAYS, stale_facts
    from handouts.facts import load_facts

    facts = load_facts()
    oldest = min(f.checked for f in facts.values())
    assert stale_facts(today=oldest + dt.timedelta(days=FACT_MAX_AGE_DAYS)) == []
    later = stale_facts(today=oldest + dt.timedelta(days=FACT_MAX_AGE_DAYS + 1))
    assert later
    assert all("181 days ago" in note for note in later)
    assert {note.split("'")[1] for note in later} <= {k for k, f in facts.items() if f.checked == oldest}
