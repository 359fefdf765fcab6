"""Visual regression: each page of a small matrix looks like its golden PNG
(tests/visual/goldens/), within a tolerance that absorbs anti-aliasing and
sub-pixel shifts but not a changed word or a block moved by half a millimetre.

A failed comparison writes golden | actual | diff to tests/visual/failures/
and names it. After a design change you meant, refresh the goldens:

    .venv/bin/python -m tests.visual.refresh
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from .golden import CASES, GOLDENS, MAX_CHANGED, Case, check_pages, compare, rasterise, write_goldens

ENGLISH_LETTER = next(case for case in CASES if case.name == "know-your-rights-letter-en")


@pytest.mark.pdf
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_pages_look_like_their_goldens(case: Case, visual_pdfs: dict[str, Path]) -> None:
    problems = check_pages(case, visual_pdfs[case.name])
    assert not problems, "\n".join(problems)


def test_every_golden_belongs_to_a_case_and_every_case_has_goldens() -> None:
    names = {case.name for case in CASES}
    stray = [path.name for path in GOLDENS.glob("*.png") if path.stem.rsplit("-p", 1)[0] not in names]
    assert not stray, f"golden images of no case (remove them): {stray}"
    assert all(case.goldens() for case in CASES), "run .venv/bin/python -m tests.visual.refresh"
    for case in CASES:  # pages numbered 1..n without a gap
        assert [path.name for path in case.goldens()] == [case.golden(i).name for i in range(len(case.goldens()))]


def _page_with(words: str, x: int = 40, y: int = 40) -> Image.Image:
    image = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(image).text((x, y), words, fill=0)
    ImageDraw.Draw(image).rectangle((40, 120, 200, 150), fill=60)
    return image


def test_the_comparison_sees_a_changed_word_and_a_moved_block_but_not_nothing() -> None:
    golden = _page_with("Stay calm. Do not run.")
    assert compare(golden, _page_with("Stay calm. Do not run.")).changed == 0
    assert not compare(golden, _page_with("Stay cool. Do not run.")).matches
    assert not compare(golden, _page_with("Stay calm. Do not run.", y=42)).matches
    assert not compare(golden, golden.resize((301, 200))).matches


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _one_line_bullet(root: Path) -> tuple[str, str]:
    """A short bullet of the English flyer as written in its file, and the same
    words with two of them swapped: one line with the same letters, changed."""
    path = root / "content" / "know-your-rights" / "en.yaml"
    raw = path.read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    bullets = [b for section in data["sections"] for b in section.get("bullets", []) if isinstance(b, str)]
    for bullet in sorted(bullets, key=len):
        words = bullet.split()
        if len(words) >= 4 and "{" not in bullet and f"- {bullet}\n" in raw and words[1] != words[-2]:
            words[1], words[-2] = words[-2], words[1]
            return bullet, " ".join(words)
    raise AssertionError("no short one-line bullet in know-your-rights/en.yaml to change")


@pytest.mark.pdf
@pytest.mark.parametrize("change", ["two words swapped in one line", "the title 0.5 mm lower"])
def test_a_small_change_fails_and_the_same_pdf_passes(change: str, data_copy: Path, tmp_path: Path) -> None:
    """Proof that the check can fail: goldens made from the English letter
    flyer, then one line of its text changed (same letters) or one block moved
    by 0.5 mm; the check fails, names a diff image, and that image exists."""
    from handouts.render import Job, render

    case = ENGLISH_LETTER
    job = Job(case.handout, case.lang, case.size)
    before = tmp_path / "before.pdf"
    before.write_bytes(render(job).pdf)
    goldens = tmp_path / "goldens"
    write_goldens(case, before, goldens)
    assert check_pages(case, before, goldens, tmp_path / "failures") == []  # the same PDF passes

    if change.startswith("two words"):
        old, new = _one_line_bullet(data_copy)
        _rewrite(data_copy / "content" / "know-your-rights" / "en.yaml", f"- {old}\n", f"- {new}\n")
    else:
        css = data_copy / "templates" / "css" / "handouts.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n.band h1 { position: relative; top: 0.5mm; }\n")
    after = tmp_path / "after.pdf"
    after.write_bytes(render(job).pdf)
    assert after.read_bytes() != before.read_bytes(), "the change did not reach the PDF"

    problems = check_pages(case, after, goldens, tmp_path / "failures")
    assert problems, f"{change}: no page differs by more than {MAX_CHANGED} pixels"
    assert len(problems) == 1, problems  # one page changed, the other still matches
    picture = Path(problems[0].split("; see ")[1].split(";")[0])
    assert picture.is_file()
    assert picture.parent == tmp_path / "failures"
    with Image.open(picture) as diff:
        assert diff.width > 3 * rasterise(after, case.dpi)[0].width  # golden | actual | diff
