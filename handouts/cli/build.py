"""Commands that make PDFs: build, sheet, packet, trifold."""

from __future__ import annotations

import sys

import click

from ..build import build as run_build
from ..distributed import DaskEngine
from ..locales import get_language
from ..output import write_atomically
from ..packet.build import build_packets
from ..plan import plan
from ..sheets import alignment_sheet, get_stock, red_card_sheet
from ..trifold import trifold as make_trifold
from .common import profile_from, warn, warn_one
from .options import (
    BILINGUAL,
    CONTENT,
    HANDOUTS,
    JOBS,
    LANGS,
    OUT,
    PROFILE,
    REQUIRE_REVIEWED,
    SCHEDULER,
    SIZES,
    STOCK,
    VARIANT_FLAGS,
)


@click.command(name="build")
@HANDOUTS("Build only this handout (repeat for more). Default: all.")
@LANGS("Build only this language, e.g. es or zh-Hant (repeat for more). Default: all.")
@SIZES("Build this size, e.g. letter or tabloid (repeat for more). Default: each handout's usual sizes.")
@OUT("Folder to write the PDFs into.")
@click.option("--strict", is_flag=True, help="Fail instead of warning when a phone number or link is not confirmed.")
@REQUIRE_REVIEWED(
    "Refuse to build text that no named person has reviewed (draft translations, and "
    "English not yet reviewed by a lawyer)."
)
@click.option(
    "--allow-expired-claims",
    is_flag=True,
    help="Print statements of law past their review date anyway; each such PDF says so in its "
    "footer. Without it, such handouts are refused.",
)
@click.option(
    "--allow-stale",
    is_flag=True,
    help="Print translations whose English changed after they were translated; each such PDF says parts "
    "may be out of date. Without it, such handouts are refused (see 'handouts translations').",
)
@JOBS
@click.option("--force", is_flag=True, help="Rebuild every PDF, even those that have not changed.")
@VARIANT_FLAGS
@SCHEDULER
@PROFILE
@CONTENT
def build(
    handouts,
    langs,
    sizes,
    out,
    strict,
    require_reviewed,
    allow_expired_claims,
    allow_stale,
    workers,
    force,
    variant,
    profile_path,
    logo_anywhere,
    scheduler,
):
    """Build handouts as print-ready PDFs.

    Files go to OUT/<language>/<handout>-<size>.pdf, with OUT/manifest.json
    listing each one. Signs (nonpublic-area, notice-to-authorities) put
    English and every --lang on one page, in OUT/en+es+ko/ for example;
    without --lang, English alone and English with each other language.

    Statements of law (content/claims.yaml) have a review date: 30 days
    before it, the build warns; after it, the build refuses the handouts that
    rely on them until someone re-checks them (or --allow-expired-claims).

    \b
    Examples:
      handouts build
      handouts build --lang es --lang zh-Hant
      handouts build --handout red-card --lang ko --out cards
      handouts build --handout know-your-rights --size tabloid --strict
      handouts build --lang es --large-print
      handouts build --profile clinic.toml --lang en --lang es --lang ko
      handouts build --handout know-your-rights --size poster-24x36 --print-shop
      handouts build --lang es --mono
      handouts build --handout nonpublic-area --lang es --lang ko --profile clinic.toml

    A PDF whose text, facts, templates and fonts have not changed since the
    last build into the same folder is kept as it is (use --force to redo it).
    """
    profile = profile_from(profile_path, logo_anywhere)
    jobs = plan(
        handouts,
        langs,
        sizes,
        variant=variant or "office",
        profile=profile,
        allow_expired_claims=allow_expired_claims,
        allow_stale=allow_stale,
    )
    if not jobs:
        click.echo("Nothing to build.")
        return
    options = {"strict": strict, "require_reviewed": require_reviewed, "force": force, "workers": workers}
    if scheduler:
        options["engine"] = DaskEngine(scheduler)
    try:
        if len(jobs) > 5:
            with click.progressbar(length=len(jobs), label="Building", file=sys.stderr) as bar:
                report = run_build(jobs, out, **options, on_done=lambda result: bar.update(1))
        else:
            report = run_build(jobs, out, **options)
    finally:
        if scheduler:
            options["engine"].close()
    warn(report.warnings)
    if profile is not None:
        warn(f"{profile.source}: removed from the SVG logo: {note}" for note in profile.notes)
    for result in report.failed:
        click.echo(f"Failed: {result.job.label}: {result.error}", err=True)
    click.echo(
        f"Built {len(report.written)} of {len(jobs)} PDF(s) into {out}/"
        + (f", {len(report.skipped)} unchanged" if report.skipped else "")
        + (f", {len(report.failed)} failed" if report.failed else "")
        + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
        + "."
    )
    if report.failed:
        sys.exit(1)


@click.command(name="sheet")
@click.argument("handout", type=click.Choice(["red-card"]), default="red-card")
@LANGS(
    "Language of the cards, with how many of the sheet's cards (repeat for more). "
    "Without counts the languages share the sheet.",
    metavar="CODE[:COUNT]",
)
@STOCK("avery-5371 (also 8371, 28371) or plain-letter (cut marks, for offices without card stock).")
@click.option("--alignment", is_flag=True, help="Print the one-page alignment test sheet instead.")
@OUT("Folder; the sheet goes into OUT/sheets/.")
@REQUIRE_REVIEWED("Refuse draft translations.")
@CONTENT
def sheet(handout, langs, stock, alignment, out, require_reviewed):
    """Put ten wallet cards on one sheet of paper, fronts on page 1 and backs
    on page 2, lined up for two-sided printing (flip on the long edge).

    Print at 100% ("actual size"), never "fit to page".

    \b
    Examples:
      handouts sheet red-card --lang es
      handouts sheet red-card --lang es:6 --lang zh-Hant:4
      handouts sheet red-card --lang ko --stock plain-letter
      handouts sheet --alignment
    """
    if alignment:
        chosen = get_stock(stock)
        pdf, warnings, name = alignment_sheet(chosen), list[str](), f"alignment-{chosen.name}.pdf"
    else:
        pdf, warnings, name = red_card_sheet(list(langs), stock, require_reviewed)
    warn(warnings)
    path = out / "sheets" / name
    write_atomically(path, pdf)
    click.echo(f"Wrote {path}.")


@click.command(name="packet")
@LANGS("The packet's language (repeat for one packet per language).", required=True)
@BILINGUAL("Follow each page with the same page in this language, e.g. en.")
@PROFILE
@OUT("Folder; packets go into OUT/packets/.")
@JOBS
@CONTENT
def packet(langs, bilingual, profile_path, logo_anywhere, out, workers):
    """Bind the patient handouts of one language into one PDF: a cover in that
    language, a contents page, then each handout, with bookmarks.

    With --bilingual en, each page is followed by the same page in English:
    printed two-sided, each sheet has the patient's language on the front and
    English on the back, both at full size.

    \b
    Examples:
      handouts packet --lang ko
      handouts packet --lang es --bilingual en --profile clinic.toml
    """
    profile = profile_from(profile_path, logo_anywhere)
    for path in build_packets(list(langs), out, profile, bilingual, workers, on_warning=warn_one):
        click.echo(f"Wrote {path}.")


@click.command(name="trifold")
@LANGS("Language of the brochure (repeat for more).", required=True)
@PROFILE
@OUT("Folder; the brochure goes into OUT/<language>/trifold-letter.pdf.")
@CONTENT
def trifold(langs, profile_path, logo_anywhere, out):
    """The patient handouts as a tri-fold brochure on Letter paper: page 1 is
    the outside (cover on the right), page 2 the inside. Print two-sided,
    flip on the short edge, fold the narrow panel in first.

    \b
    Example:
      handouts trifold --lang es --lang fa
    """
    profile = profile_from(profile_path, logo_anywhere)
    for code in langs:
        get_language(code)
    for code in langs:
        pdf, warnings = make_trifold(code, profile)
        warn(warnings)
        path = out / code / "trifold-letter.pdf"
        write_atomically(path, pdf)
        click.echo(f"Wrote {path}.")
