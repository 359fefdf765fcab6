"""The PDFs the visual tests compare: taken from the session's `built` matrix
when other tests build it anyway, the rest rendered here (at CONTENT_DATE)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .golden import CASES, render_cases

HERE = Path(__file__).resolve().parent


def _session_builds_the_matrix(session: pytest.Session) -> bool:
    return any("built" in getattr(item, "fixturenames", ()) and HERE not in item.path.parents for item in session.items)


@pytest.fixture(scope="session")
def visual_pdfs(request, tmp_path_factory) -> dict[str, Path]:
    """Case name -> its PDF."""
    from handouts.plan import output_path
    from handouts.render import Job

    pdfs: dict[str, Path] = {}
    if _session_builds_the_matrix(request.session):
        out = request.getfixturevalue("built")["out"]
        for case in CASES:
            path = output_path(out, Job(case.handout, case.lang, case.size))
            if path.is_file():
                pdfs[case.name] = path
    rest = [case for case in CASES if case.name not in pdfs]
    if rest:
        workers = max(1, min(len(rest), os.cpu_count() or 1))
        pdfs.update(render_cases(rest, tmp_path_factory.mktemp("visual"), workers))
    return pdfs
