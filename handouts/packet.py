"""Multilingual packets: the patient handouts of one language bound into one
PDF with a cover, a contents page, bookmarks and page labels.

A bilingual packet follows each page with the same page in English. We chose
facing pages over putting both side by side on landscape paper: side by side,
each page would shrink to half size and its body text below 12 pt; as facing
pages, a packet printed two-sided has the patient's language on the front of
each sheet and English on the back, both at full size.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .content import COMMON, SOURCE_LANGUAGE, get_handout, load_content
from .errors import RenderError, UsageError
from .locales import get_language
from .profile import Profile
from .render import Job, html_to_pdf, page_context, prepare, render_template, set_language

if TYPE_CHECKING:
    from .engines import Engine

PACKET_HANDOUTS = ("know-your-rights", "care-access", "pharmacy")
PACKET_SIZE = "letter"


@dataclass
class PacketPart:
    handout: str
    lang: str
    pdf: bytes


def packet_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date, so a packet can be rebuilt byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH is '{epoch[:40]}', not a number of seconds since 1970; "
            "unset it or give a whole number such as 1764288000."
        ) from None


def _front_matter(lang: str, profile: Profile | None, entries: list[dict], draft: bool) -> bytes:
    """Cover and contents page, rendered like a handout (same fonts, same checks)."""
    language = get_language(lang)
    probe = prepare(Job(PACKET_HANDOUTS[0], lang, PACKET_SIZE, profile=profile))
    context = {**page_context(probe), "body_pt": probe.size.body_pt}
    context.update(
        entries=entries,
        printed=language.format_date(packet_date()),
        draft=draft,
        title=load_content(COMMON, lang).data["strings"]["packet_title"],
        compact=0,
    )
    names = " ".join(entry["title"] for entry in entries)
    html = render_template("packet.html", context, probe.families, extra_text=names)
    return html_to_pdf(html, f"packet cover ({lang})")


def assemble(
    lang: str, parts: list[PacketPart], english: dict[str, PacketPart] | None, profile: Profile | None = None
) -> bytes:
    """Bind the parts (and, for a bilingual packet, each part's English pages
    after its own) behind a cover and a contents page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    front_pages = 2
    titles, page = [], front_pages + 1
    readers = []
    for part in parts:
        reader = PdfReader(io.BytesIO(part.pdf))
        english_reader = PdfReader(io.BytesIO(english[part.handout].pdf)) if english else None
        content = load_content(part.handout, lang).data
        title = content.get("title") or content["front"]["title"]
        titles.append({"title": title, "page": page - front_pages})
        readers.append((title, reader, english_reader))
        page += len(reader.pages) * (2 if english_reader else 1)
    draft = lang != SOURCE_LANGUAGE and any(load_content(p.handout, lang).status != "reviewed" for p in parts)
    front = PdfReader(io.BytesIO(_front_matter(lang, profile, titles, draft)))
    if len(front.pages) != front_pages:
        raise UsageError(f"The packet cover for {lang} does not fit on {front_pages} pages.")
    writer = PdfWriter()
    for sheet in front.pages:
        writer.add_page(sheet)
    cover_title = load_content(COMMON, lang).data["strings"]["packet_title"]
    writer.add_outline_item(title=cover_title, page_number=0)
    for title, reader, english_reader in readers:
        first = len(writer.pages)
        for index, sheet in enumerate(reader.pages):
            writer.add_page(sheet)
            if english_reader is not None:
                writer.add_page(english_reader.pages[index])
        writer.add_outline_item(title=title, page_number=first)
    writer.set_page_label(0, front_pages - 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(front_pages, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1)
    set_language(writer, lang)
    writer.add_metadata({"/Title": cover_title + (f" - {profile.name}" if profile else ""), "/Creator": "handouts"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def packet_jobs(lang: str, profile: Profile | None = None, bilingual: str | None = None) -> list[Job]:
    get_language(lang)
    jobs = [Job(h, lang, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    if bilingual:
        get_language(bilingual)
        if bilingual == lang:
            raise UsageError(f"--bilingual {bilingual} is the packet's own language; choose another.")
        jobs += [Job(h, bilingual, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    for job in jobs:
        get_handout(job.handout)
    return jobs


def packet_from_files(lang: str, out: Path, profile: Profile | None = None, bilingual: str | None = None) -> bytes:
    """Assemble a packet from handouts already built into `out` (see build)."""
    from .build import output_path

    parts = [PacketPart(h, lang, output_path(out, Job(h, lang, PACKET_SIZE)).read_bytes()) for h in PACKET_HANDOUTS]
    english = None
    if bilingual:
        english = {
            h: PacketPart(h, bilingual, output_path(out, Job(h, bilingual, PACKET_SIZE)).read_bytes())
            for h in PACKET_HANDOUTS
        }
    return assemble(lang, parts, english, profile)


def packet_name(lang: str, bilingual: str | None) -> str:
    return f"packet-{lang}" + (f"-with-{bilingual}" if bilingual else "") + ".pdf"


def build_packets(
    langs: list[str],
    out: Path,
    profile: Profile | None = None,
    bilingual: str | None = None,
    workers: int = 1,
    on_warning: Callable[[str], None] | None = None,
    engine: Engine | None = None,
) -> list[Path]:
    """Build the handouts a packet binds into `out` (incrementally, see build),
    then write one packet per language into OUT/packets/ and list each in the
    manifest with the PDFs it binds. The first handout that fails stops it with
    its error. Used by `handouts packet` and by batch."""
    from .build import build, output_path, write_atomically
    from .output import add_to_manifest

    packet_date()  # a bad SOURCE_DATE_EPOCH is reported before any work
    jobs = list(dict.fromkeys(job for code in langs for job in packet_jobs(code, profile, bilingual)))
    report = build(jobs, out, workers=workers, engine=engine)
    for warning in report.warnings:
        if on_warning:
            on_warning(warning)
    if report.failed:
        first = report.failed[0]
        more = f" (and {len(report.failed) - 1} more)" if len(report.failed) > 1 else ""
        raise RenderError(f"{first.job.label}: {first.error}{more}")
    written = []
    for code in langs:
        path = out / "packets" / packet_name(code, bilingual)
        pdf = packet_from_files(code, out, profile, bilingual)
        write_atomically(path, pdf)
        inside = [Job(h, c, PACKET_SIZE) for c in (code, bilingual) if c for h in PACKET_HANDOUTS]
        add_to_manifest(
            out,
            path,
            pdf,
            kind="packet",
            languages=[c for c in (code, bilingual) if c],
            made_from=[output_path(out, job).relative_to(out).as_posix() for job in inside],
        )
        written.append(path)
    return written
