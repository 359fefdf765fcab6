"""Shared fixtures: one real build of the default matrix (plus extra sizes),
which the PDF tests open and read as a user's printer would."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest

from handouts.build import build
from handouts.plan import plan
from handouts.resources import Project, use_project

# The tests run as on one fixed day: claims' review dates (and a packet's printed date) are
# checked against SOURCE_DATE_EPOCH, not the calendar, so the suite does not expire when the
# shipped claims pass their review dates. Tests of review dates pass their own `today`.
TEST_DAY = dt.date(2026, 12, 3)
os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC).timestamp()))

EXTRA_SIZE_LANGS = ["en", "es", "ar", "km", "zh-Hant"]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """Build every handout in every language at its default sizes, and the
    letter/a4/tabloid sizes for a few languages of each script family."""
    out = tmp_path_factory.mktemp("out")
    jobs = plan()
    # Signs put every language on one page; three at once are tested in test_claims (five on a Letter
    # entrance notice no longer fit since its text grew: issue 22, pages that flow instead of refusing).
    extra = [j for j in plan(langs=EXTRA_SIZE_LANGS, sizes=["letter", "a4", "tabloid"]) if not j.also]
    jobs += [j for j in extra if j not in jobs]
    report = build(jobs, out, workers=os.cpu_count() or 1)  # as `handouts build` does: a worker per core
    assert not report.failed, [str(r.error) for r in report.failed]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"out": out, "manifest": manifest, "report": report}


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of templates/content (fonts linked) that a test may break."""
    root = tmp_path / "data"
    source = Project.bundled()
    shutil.copytree(source.content, root / "content")
    shutil.copytree(source.templates, root / "templates")
    (root / "fonts").symlink_to(source.fonts)
    use_project(Project(root / "content", root / "templates", root / "fonts"))
    yield root
    use_project(None)


class _NoWeasyPrint:
    """With -m "not pdf", importing WeasyPrint fails the test: a test that
    renders must be marked @pytest.mark.pdf, so the fast tests stay fast."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError("this test renders a PDF: mark it @pytest.mark.pdf")
        return None


def pytest_configure(config):
    if config.getoption("markexpr", "").replace(" ", "") == "notpdf":
        import sys

        sys.meta_path.insert(0, _NoWeasyPrint())


def pytest_collection_modifyitems(config, items):
    for item in items:  # every test that reads the built matrix renders
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pdf)
