"""The build engine: skips what has not changed, rebuilds exactly what has,
and a killed build leaves only whole PDFs, which a rerun completes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from pypdf import PdfReader

from handouts.build import build
from handouts.plan import plan

from .editing import weaken_fact

JOBS = {"handouts": ["red-card", "pharmacy"], "langs": ["en", "es", "ko"]}


@pytest.mark.pdf
def test_unchanged_jobs_are_skipped_and_a_changed_one_is_rebuilt(data_copy, tmp_path):
    out = tmp_path / "out"
    jobs = plan(**JOBS)
    first = build(jobs, out)
    assert len(first.written) == len(jobs) and not first.failed
    second = build(jobs, out)
    assert len(second.skipped) == len(jobs) and not second.written
    path = data_copy / "content" / "pharmacy" / "es.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = build(jobs, out)
    assert [r.job for r in third.written] == [j for j in jobs if (j.handout, j.lang) == ("pharmacy", "es")]
    assert len(third.skipped) == len(jobs) - 1


@pytest.mark.pdf
def test_parallel_build_matches_sequential_bytes(tmp_path):
    jobs = plan(handouts=["red-card"], langs=["en", "fa", "zh-Hant"])
    one = build(jobs, tmp_path / "one", workers=1)
    two = build(jobs, tmp_path / "two", workers=2)
    assert len(one.written) == len(two.written) == len(jobs)
    for a, b in zip(
        sorted(one.written, key=lambda r: str(r.job)), sorted(two.written, key=lambda r: str(r.job)), strict=True
    ):
        assert a.path.read_bytes() == b.path.read_bytes()


@pytest.mark.pdf
def test_a_killed_build_leaves_whole_files_and_a_rerun_completes(tmp_path):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "handouts.cli",
        "build",
        "--out",
        str(out),
        "--jobs",
        "1",
        "--lang",
        "en",
        "--lang",
        "es",
        "--lang",
        "vi",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.rglob("*.pdf"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = list(out.rglob("*.pdf"))
    expected = len(plan(langs=["en", "es", "vi"]))
    assert 3 <= len(finished) < expected
    for pdf in finished:
        assert len(PdfReader(str(pdf)).pages) >= 1
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["files"]) == expected
    assert "unchanged" in rerun.stdout
    assert not list(out.rglob(".*.part"))


@pytest.mark.pdf
def test_strict_and_require_reviewed_still_apply_to_unchanged_jobs(tmp_path, data_copy):
    """An earlier lenient build must not let a draft or an unconfirmed link through
    a later strict one just because nothing changed."""
    weaken_fact(data_copy / "content", "phr_health_care_immigration_enforcement", "qr_confidence")
    out = tmp_path / "out"
    jobs = plan(handouts=["staff-protocol"], langs=["es"])
    first = build(jobs, out)
    assert first.written and first.warnings
    reviewed = build(jobs, out, require_reviewed=True)
    assert len(reviewed.failed) == 1 and "not yet reviewed by a person" in str(reviewed.failed[0].error)
    strict = build(jobs, out, strict=True)
    assert len(strict.failed) == 1 and "--strict refuses" in str(strict.failed[0].error)
    assert len(build(jobs, out).skipped) == 1


@pytest.mark.pdf
def test_a_stylesheet_parsed_once_per_process_gives_the_same_bytes(monkeypatch):
    """engine.py keeps each template stylesheet parsed (PATCH 6): the PDFs must be
    those of parsing it for every document, across sizes, scripts and variants."""
    import weasyprint
    import weasyprint.css

    from handouts.render import Job, render

    jobs = [
        Job("know-your-rights", "ar", "letter"),
        Job("care-access", "zh-Hant", "a4", variant="print-shop"),
        Job("red-card", "ko", "wallet"),
        Job("nonpublic-area", "es", "letter", also=("ko",)),
    ]
    cached = [render(job).pdf for job in jobs]
    assert weasyprint.css.CSS is not weasyprint.CSS  # the patch is in place
    monkeypatch.setattr(weasyprint.css, "CSS", weasyprint.CSS)  # WeasyPrint's own: parsed every time
    assert [render(job).pdf for job in jobs] == cached
