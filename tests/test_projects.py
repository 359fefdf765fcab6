"""Content projects: `handouts new`, then `--content` / HANDOUTS_CONTENT."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.resources import Project, current_project

HANDOUTS = [sys.executable, "-m", "handouts.cli"]


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(path)
    return "".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.pdf
def test_new_project_then_build_from_another_folder(tmp_path):
    """The issue's example, as a user types it: the project's own facts reach the PDF."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    subprocess.run(HANDOUTS + ["new", "myproject"], cwd=tmp_path, check=True, capture_output=True, env=env)
    facts = tmp_path / "myproject" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "1-800-593-8222" in text  # the county office's number, as bundled
    facts.write_text(
        text.replace("'+18005938222'", "'+18005938223'").replace("1-800-593-8222", "1-800-593-8223"), encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        HANDOUTS
        + [
            "build",
            "--content",
            str(tmp_path / "myproject"),
            "-H",
            "know-your-rights",
            "-l",
            "en",
            "--out",
            "out",
            "-j",
            "1",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = pdf_text(elsewhere / "out" / "en" / "know-your-rights-letter.pdf")
    assert "593-8223" in printed
    assert "593-8222" not in printed
    # The environment variable does the same.
    done = subprocess.run(
        HANDOUTS + ["check", "-H", "know-your-rights", "-l", "en"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={**env, "HANDOUTS_CONTENT": str(tmp_path / "myproject")},
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_bad_content_folder_is_one_line_and_changes_nothing(tmp_path):
    runner = CliRunner()
    for folder, expected in ((tmp_path / "missing", "no such folder"), (tmp_path, "not a content project")):
        result = runner.invoke(main, ["list", "--content", str(folder)])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1
        assert expected in result.output
        assert "Traceback" not in result.output
    assert current_project() == Project.bundled()


def test_new_refuses_a_folder_with_files_and_leaves_nothing_half_made(tmp_path):
    runner = CliRunner()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = runner.invoke(main, ["new", str(tmp_path / "taken")])
    assert result.exit_code == 2
    assert "not an empty folder" in result.output
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]
    result = runner.invoke(main, ["new", str(tmp_path / "fresh"), "--templates"])
    assert result.exit_code == 0, result.output
    project = Project.at(tmp_path / "fresh")
    assert project.templates == (tmp_path / "fresh" / "templates").resolve()
    assert (project.content / "know-your-rights" / "handout.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_content_option_applies_to_one_command_only(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(tmp_path / "p")]).exit_code == 0
    (tmp_path / "p" / "pharmacy" / "handout.yaml").unlink()  # this project has no pharmacy handout
    result = runner.invoke(main, ["list", "--content", str(tmp_path / "p")])
    assert result.exit_code == 0
    assert "pharmacy" not in result.output
    assert "pharmacy" in runner.invoke(main, ["list"]).output
