"""Golden images: which pages we keep a picture of, how a PDF becomes those
pictures, and how two pictures are compared.

A page is rasterised with pdfium at a modest DPI, in grey. Two rasters match
when, after a small blur (which absorbs sub-pixel shifts and anti-aliasing),
at most MAX_CHANGED of their pixels differ by more than PIXEL_THRESHOLD grey
levels. The numbers were chosen by experiment (see test_visual.py, which
proves a one-word change and a 1 mm move fail, and the same PDF passes).

Refresh the goldens on purpose, after a design change you have looked at:

    .venv/bin/python -m tests.visual.refresh
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
GOLDENS = HERE / "goldens"
FAILURES = HERE / "failures"  # git-ignored: diff images of failed comparisons

# The date claims are checked against, so a render never depends on the clock
# (the PDFs print the date facts were checked, never the build date).
CONTENT_DATE = dt.date(2026, 11, 29)

BLUR_RADIUS = 1.0  # px, Gaussian, applied to both images before comparing
PIXEL_THRESHOLD = 40  # grey levels (of 255) a blurred pixel may differ by
MAX_CHANGED = 20  # pixels per page allowed past the threshold


@dataclass(frozen=True)
class Case:
    """One handout x language x size, kept as one golden PNG per page."""

    handout: str
    lang: str
    size: str
    dpi: int

    @property
    def name(self) -> str:
        return f"{self.handout}-{self.size}-{self.lang}"

    def golden(self, page: int, folder: Path = GOLDENS) -> Path:
        return folder / f"{self.name}-p{page + 1}.png"

    def goldens(self, folder: Path = GOLDENS) -> list[Path]:
        found = folder.glob(f"{self.name}-p*.png")
        return sorted(found, key=lambda p: int(p.stem.rsplit("-p", 1)[1]))


# Letter at 60 dpi is 510 x 660 px; a wallet card needs more dots to show its
# 7 pt type, a 24 x 36 in poster fewer.
CASES = [
    Case("know-your-rights", "en", "letter", 60),
    Case("know-your-rights", "ar", "letter", 60),
    Case("know-your-rights", "zh-Hant", "letter", 60),
    Case("know-your-rights", "km", "letter", 60),
    Case("red-card", "es", "wallet", 150),  # page 1 the front, page 2 the back
    Case("know-your-rights", "ko", "poster-24x36", 24),
]


def render_cases(cases: list[Case], out: Path, workers: int = 1) -> dict[str, Path]:
    """Build the cases' PDFs into `out` (at CONTENT_DATE): case name -> PDF."""
    from handouts.build import build
    from handouts.plan import output_path
    from handouts.render import Job

    jobs = {case.name: Job(case.handout, case.lang, case.size) for case in cases}
    report = build(list(jobs.values()), out, workers=workers, today=CONTENT_DATE)
    if report.failed:
        raise RuntimeError("; ".join(str(result.error) for result in report.failed))
    return {name: output_path(out, job) for name, job in jobs.items()}


def rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    """Every page of the PDF, in grey ("L"), at `dpi`."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


def write_goldens(case: Case, pdf: Path, folder: Path = GOLDENS) -> list[Path]:
    """Replace the case's golden images with the pages of `pdf`."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in case.goldens(folder):
        old.unlink()
    written = []
    for index, image in enumerate(rasterise(pdf, case.dpi)):
        path = case.golden(index, folder)
        image.save(path, optimize=True)
        written.append(path)
    return written


@dataclass(frozen=True)
class Comparison:
    changed: int  # pixels past the threshold (-1: the sizes differ)
    box: tuple[int, int, int, int] | None  # where they are
    mask: Image.Image | None  # 255 where changed

    @property
    def matches(self) -> bool:
        return 0 <= self.changed <= MAX_CHANGED


def compare(golden: Image.Image, actual: Image.Image) -> Comparison:
    """How many pixels differ by more than PIXEL_THRESHOLD after a blur."""
    if golden.size != actual.size:
        return Comparison(-1, None, None)
    blur = ImageFilter.GaussianBlur(BLUR_RADIUS)
    difference = ImageChops.difference(golden.convert("L").filter(blur), actual.convert("L").filter(blur))
    mask = difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)
    return Comparison(mask.histogram()[255], mask.getbbox(), mask)


def diff_picture(golden: Image.Image, actual: Image.Image, result: Comparison) -> Image.Image:
    """golden | actual | the golden faded, with the changed pixels in red and a box around them."""
    width = max(golden.width, actual.width)
    height = max(golden.height, actual.height)
    gap = 8
    sheet = Image.new("RGB", (3 * width + 2 * gap, height), (255, 0, 255))
    sheet.paste(golden.convert("RGB"), (0, 0))
    sheet.paste(actual.convert("RGB"), (width + gap, 0))
    if result.mask is not None:
        faded = Image.blend(golden.convert("RGB"), Image.new("RGB", golden.size, "white"), 0.7)
        faded.paste((230, 0, 0), (0, 0), result.mask.filter(ImageFilter.MaxFilter(3)))
        if result.box:
            left, top, right, bottom = result.box
            ImageDraw.Draw(faded).rectangle((left - 3, top - 3, right + 2, bottom + 2), outline=(230, 0, 0), width=2)
        sheet.paste(faded, (2 * (width + gap), 0))
    return sheet


def check_pages(case: Case, pdf: Path, goldens_in: Path = GOLDENS, failures: Path = FAILURES) -> list[str]:
    """Compare every page of `pdf` with its golden; a problem per page that
    does not match, each naming the diff image written for it."""
    refresh = "if the change is intended, refresh: .venv/bin/python -m tests.visual.refresh " + case.name
    for old in failures.glob(f"{case.name}-p*.png"):
        old.unlink()  # a diff image from an earlier run would mislead
    pages = rasterise(pdf, case.dpi)
    goldens = case.goldens(goldens_in)
    if not goldens:
        return [f"{case.name}: no golden images in {goldens_in}; {refresh}"]
    problems = []
    if len(goldens) != len(pages):
        problems.append(f"{case.name}: {len(pages)} page(s), the goldens have {len(goldens)}; {refresh}")
    for index, (path, actual) in enumerate(zip(goldens, pages, strict=False)):
        with Image.open(path) as opened:
            golden = opened.convert("L")
        result = compare(golden, actual)
        if result.matches:
            continue
        failures.mkdir(parents=True, exist_ok=True)
        picture = failures / f"{case.name}-p{index + 1}-diff.png"
        diff_picture(golden, actual, result).save(picture)
        actual.save(failures / f"{case.name}-p{index + 1}-actual.png")
        if result.changed < 0:
            what = f"size {actual.size} but the golden is {golden.size}"
        else:
            what = f"{result.changed} pixels changed (allowed {MAX_CHANGED}) in the box {result.box}"
        problems.append(f"{case.name} page {index + 1}: {what}; see {picture}; {refresh}")
    return problems
