"""Regenerate docs/gallery/: pictures of what the tool prints, with captions.

    .venv/bin/python tools/gallery.py

Each handout in three scripts (a Latin one, a right-to-left or Armenian one,
a Chinese, Korean or Khmer one), a poster, a Red Card sheet and a packet
cover, all for an example clinic (its name, details and a logo drawn here),
as palette PNGs: Letter pages at 100 dpi, larger pages at most 1400 px high,
cards at 200 dpi. docs/gallery/README.md lists them with captions.

The pictures depend only on the content, templates and fonts: claims are
checked against a fixed date and the packet cover's date comes from
SOURCE_DATE_EPOCH, so running it twice gives the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "docs" / "gallery"
CONTENT_DATE = dt.date(2026, 11, 29)
os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 29, tzinfo=dt.UTC).timestamp())))

PAGE_HEIGHT_PX = 1400  # at most; Letter stays at 100 dpi, tabloid gets 82, a 24 x 36 poster 39
CARD_DPI = 200  # a 3.5 x 2 in card at 100 dpi would be too small to read
COLOURS = 64  # palette size: text stays crisp, files stay small
GAP = 16  # px between the pages of one picture

SCRIPTS = {  # said after the language's name where the name does not say it
    "Latn": "Latin script",
    "Arab": "Arabic script, right to left",
    "Armn": "Armenian script",
    "Kore": "Hangul",
    "Khmr": "Khmer script",
}

# handout -> (its size in the gallery, three languages: Latin, RTL or Armenian, CJK or Khmer)
HANDOUTS = {
    "know-your-rights": ("letter", ["es", "ar", "zh-Hant"]),
    "care-access": ("letter", ["en", "hy", "ko"]),
    "pharmacy": ("letter", ["vi", "fa", "zh-Hans"]),
    "medi-cal": ("letter", ["es", "ar", "ko"]),
    "family-plan": ("letter", ["en", "hyw", "km"]),
    "legal-help": ("letter", ["tl", "fa", "zh-Hant"]),
    "staff-protocol": ("tabloid", ["en", "ar", "km"]),
    "red-card": ("wallet", ["es", "fa", "km"]),
    "nonpublic-area": ("half-letter", ["es", "hy", "zh-Hant"]),  # signs: English plus this language
    "notice-to-authorities": ("letter", ["tl", "ar", "ko"]),
}
POSTER = ("know-your-rights", "poster-24x36", "es")
SHEET = ["es:6", "zh-Hant:4"]
PACKET = "ko"
README_SHOWS = ["know-your-rights-letter-zh-Hant.png", "poster-know-your-rights-24x36-es.png", "red-card-wallet-fa.png"]

EXAMPLE_CLINIC = {
    "name": "Example Community Clinic",
    "address": "123 Example Street, Los Angeles, CA 90012",
    "phone": "213-555-0100",
    "hours": "Mon-Fri 8:00-17:00, Sat 9:00-13:00",
    "website": "https://clinic.example.org",
    "color": "#1d4ed8",
    "logo": "logo.svg",
}
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">
<circle cx="60" cy="60" r="56" fill="#1d4ed8"/>
<path d="M48 24h24v24h24v24h-24v24h-24v-24h-24v-24h24z" fill="#ffffff"/>
</svg>
"""


@dataclass
class Picture:
    file: str
    caption: str
    pages: list[Image.Image]


def pages_of(pdf: Path | bytes, first: int = 0, last: int | None = None) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in list(document)[first:last]:
            width_pt, height_pt = page.get_size()
            card = max(width_pt, height_pt) <= 4 * 72
            dpi = CARD_DPI if card else min(100.0, PAGE_HEIGHT_PX / (height_pt / 72))
            images.append(page.render(scale=dpi / 72).to_pil().convert("RGB"))
        return images
    finally:
        document.close()


def side_by_side(pages: list[Image.Image]) -> Image.Image:
    """Pages left to right on a light grey ground, each with a thin border."""
    width = sum(p.width + 2 for p in pages) + GAP * (len(pages) + 1)
    height = max(p.height + 2 for p in pages) + 2 * GAP
    sheet = Image.new("RGB", (width, height), (232, 232, 232))
    x = GAP
    for page in pages:
        sheet.paste((160, 160, 160), (x, GAP, x + page.width + 2, GAP + page.height + 2))
        sheet.paste(page, (x + 1, GAP + 1))
        x += page.width + 2 + GAP
    return sheet


def save(picture: Picture) -> Path:
    path = GALLERY / picture.file
    image = side_by_side(picture.pages).quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    return path


def language_words(code: str) -> str:
    from handouts.locales import get_language

    language = get_language(code)
    script = SCRIPTS.get(language.script)
    return f"{language.english_name} ({script})" if script else language.english_name


def pictures(work: Path) -> list[Picture]:
    from handouts.build import build
    from handouts.clinic.validate import make_profile
    from handouts.packet.build import build_packets
    from handouts.plan import output_path
    from handouts.render import Job
    from handouts.sheets import red_card_sheet

    (work / "logo.svg").write_text(LOGO, encoding="utf-8")
    clinic = make_profile(dict(EXAMPLE_CLINIC), "example clinic", work)
    jobs: dict[str, tuple[Job, str]] = {}
    for handout, (size, langs) in HANDOUTS.items():
        for code in langs:
            sign = handout in ("nonpublic-area", "notice-to-authorities")
            first, also = ("en", (code,)) if sign else (code, ())
            job = Job(handout, first, size, profile=clinic, also=also)
            words = f"English and {language_words(code)}" if sign else language_words(code)
            jobs[f"{handout}-{size}-{code}.png"] = (job, f"`{handout}`, {size}, {words}")
    handout, size, code = POSTER
    poster = Job(handout, code, size, profile=clinic)
    jobs[f"poster-{handout}-{size.removeprefix('poster-')}-{code}.png"] = (
        poster,
        f"`{handout}` poster, {size}, {language_words(code)}",
    )
    out = work / "out"
    report = build([job for job, _ in jobs.values()], out, workers=os.cpu_count() or 1, today=CONTENT_DATE)
    if report.failed:
        raise SystemExit("; ".join(f"{r.job.label}: {r.error}" for r in report.failed))
    made = []
    for file, (job, words) in jobs.items():
        pages = pages_of(output_path(out, job))
        caption = words
        if job.handout == "red-card":
            caption += ": front in the reader's language, back (for the officer) in English"
        elif len(pages) > 1:
            caption += f", both sides ({len(pages)} pages)"
        made.append(Picture(file, caption, pages))

    sheet, _, _ = red_card_sheet(SHEET, "avery-5371")
    made.append(
        Picture(
            "sheet-red-card-es6-zh-Hant4.png",
            "Red Card sheet (`handouts sheet red-card --lang es:6 --lang zh-Hant:4`), Avery 5371: "
            "fronts, then backs with the columns mirrored for two-sided printing",
            pages_of(sheet),
        )
    )
    (packet,) = build_packets([PACKET], work / "packets", profile=clinic, workers=os.cpu_count() or 1)
    made.append(
        Picture(
            f"packet-cover-{PACKET}.png",
            f"Packet cover (`handouts packet --lang {PACKET}`), {language_words(PACKET)}: "
            "the clinic's logo and what is inside",
            pages_of(packet, 0, 1),
        )
    )
    return made


def index(made: list[Picture]) -> str:
    lines = [
        "# Gallery",
        "",
        "What `handouts` prints, for an example clinic (`Example Community Clinic`, with a logo and its",
        "details in the band). Made by `.venv/bin/python tools/gallery.py`; do not edit these files by hand,",
        "rerun it after a design change. Translations are AI-drafted and not yet reviewed (each page says so).",
        "",
    ]
    for picture in made:
        lines += [f"### {picture.file.removesuffix('.png')}", "", picture.caption + ".", ""]
        lines += [f"![{picture.caption.replace('`', '')}]({picture.file})", ""]
    return "\n".join(lines)


def main() -> int:
    GALLERY.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        made = pictures(Path(tmp))
    written = {save(picture) for picture in made}
    for stale in set(GALLERY.glob("*.png")) - written:
        stale.unlink()
    (GALLERY / "README.md").write_text(index(made), encoding="utf-8")
    total = 0
    for path in sorted(written):
        total += path.stat().st_size
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    print(f"{len(written)} pictures, {total / 1024 / 1024:.1f} MB; README.md lists them")
    missing = [name for name in README_SHOWS if not (GALLERY / name).is_file()]
    if missing:
        print(f"the top-level README shows pictures that no longer exist: {missing}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
