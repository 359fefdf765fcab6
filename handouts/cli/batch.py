"""Commands for many offices and for reprints: batch, changes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..batch import OfficePlan, parse_plan, run_batch
from ..changes import compare, write_csv
from ..distributed import DaskEngine
from ..locales import LANGUAGES
from .common import warn
from .options import BILINGUAL, CONTENT, HANDOUTS, JOBS, LANGS, LOGO_ANYWHERE, OUT, SCHEDULER, SIZES, STOCK


@click.command(name="batch")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@HANDOUTS("Handouts every office gets unless its row says otherwise (column handouts).")
@LANGS("Languages (column languages). Default: every language.")
@SIZES("Sizes of those handouts, posters included (column sizes). Default: each handout's own.")
@click.option(
    "--cards",
    metavar="LANG:COUNT ...",
    help="Red Cards, e.g. 'es:40 ko:20', rounded up to whole sheets (column cards).",
)
@click.option(
    "--packets",
    default="yes",
    show_default=True,
    metavar="yes|no|CODE",
    help="A packet per language; CODE pairs each page with that language, e.g. en (column packets).",
)
@BILINGUAL("Same as --packets CODE.")
@click.option(
    "--sign",
    "signs",
    multiple=True,
    metavar="NAME",
    help="SB 81 signs, English plus the office's languages on one page (column signs).",
)
@STOCK("Card stock for the Red Card sheets.")
@SCHEDULER
@OUT("Folder; each office gets OUT/<office>/ and OUT/<office>.zip; OUT/summary.csv lists them.")
@JOBS
@LOGO_ANYWHERE
@CONTENT
def batch(
    csv_file, handouts, langs, sizes, cards, packets, bilingual, signs, stock, scheduler, out, workers, logo_anywhere
):
    """Make each office's files from a CSV file, one row per office, ready to
    hand over: a folder and a zip per office with a PRINT-ME-FIRST.txt (what
    each file is, which paper, how many pages, two-sided or not, 100% scale).

    The columns are the clinic profile's fields: name (required), address,
    phone, hours, website, telehealth, logo (a file path, relative to the
    CSV), color, and optionally slug (the folder name); and, optionally, what
    the office gets: handouts, languages, sizes, cards, packets, signs (the
    options below are their defaults). A bad row is reported with its row
    number and column; the other rows are still built. OUT/summary.csv (and
    .json) has one line per row: status, files, pages to print, warnings, errors.

    \b
    Examples:
      handouts batch offices.csv --lang es --lang ko --out packets
      handouts batch offices.csv -l es -l hy -H know-your-rights -s letter -s poster-18x24 --cards "es:40 hy:20"
    """
    if bilingual:
        packets = bilingual
    codes = tuple(langs) or tuple(LANGUAGES)
    defaults = parse_plan(
        {
            "handouts": " ".join(handouts),
            "languages": " ".join(codes),
            "sizes": " ".join(sizes),
            "cards": cards or "",
            "packets": packets,
            "signs": " ".join(signs),
        },
        OfficePlan(),
        "command line",
    )

    def report(result):
        if result.error:
            click.echo(f"Failed: {result.error}", err=True)
        else:
            click.echo(f"{result.slug}: {len(result.written)} file(s), {result.pages} page(s) to print", err=True)

    engine = None
    if scheduler:
        engine = DaskEngine(scheduler)
    try:
        results = run_batch(
            csv_file,
            out,
            defaults,
            workers=workers,
            on_office=report,
            on_warning=lambda note: warn([note]),
            logo_anywhere=logo_anywhere,
            stock=stock,
            engine=engine,
        )
    finally:
        if engine is not None:
            engine.close()
    failed = [r for r in results if r.error]
    click.echo(
        f"Built files for {len(results) - len(failed)} of {len(results)} office(s) into {out}/"
        + (f"; failed: row {', row '.join(str(r.row) for r in failed)}" if failed else "")
        + f". Summary: {out / 'summary.csv'}"
    )
    if failed:
        sys.exit(1)


@click.command(name="changes")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the list as CSV.")
@CONTENT
def changes(old, new, csv_path):
    """The reprint list: which files differ between two builds and why (which
    fact, claim, text or template). OLD and NEW are manifest.json files or the
    folders a build or a batch wrote (a batch: every office). Without NEW, OLD
    is compared with what a build from today's content would make.

    \b
    Examples:
      handouts changes offices-march/                 what to reprint since the March batch
      handouts changes old/manifest.json out/manifest.json --csv reprint.csv
    """
    found = compare(old, new)
    for change in found:
        where = f"{change.office}/{change.path}" if change.office else change.path
        click.echo(f"{change.status:<8} {where}" + (f": {'; '.join(change.reasons)}" if change.reasons else ""))
    offices = sorted({c.office for c in found})
    click.echo(
        f"{len(found)} file(s) to reprint or remove"
        + (f" in {len(offices)} office(s)" if any(offices) else "")
        + ("." if found else ": nothing changed.")
    )
    if csv_path:
        write_csv(found, csv_path)
        click.echo(f"Wrote {csv_path}.")
