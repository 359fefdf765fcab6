"""The `translations` group: status, export, import, proof, sign."""

from __future__ import annotations

from pathlib import Path

import click

from ..content import SOURCE_LANGUAGE
from ..exchange import export, import_file
from ..locales import LANGUAGES, get_language
from ..output import write_atomically
from ..proof import proof
from ..translations import language_strings, sign, summary
from .options import CONTENT, LANG, LANGS, ONLY_STALE, OUT


@click.group(name="translations")
def translations():
    """Translations that reviewers can check and sign: status, export to
    XLIFF or PO for a CAT tool, import, a review proof on paper, sign-off.

    Each translated string remembers the English it was made from: when that
    English changes, the string is "changed in English" (stale) until it is
    updated, and the build refuses it unless --allow-stale.

    \b
    Examples:
      handouts translations status
      handouts translations export --lang ko --format xliff
      handouts translations import ko.xlf
      handouts translations proof --lang ko --only stale
      handouts translations sign --lang ko --by "Min-ji Kim, interpreter" --all
    """


@translations.command(name="status")
@LANGS("Only this language (repeat for more).")
@CONTENT
def translations_status(langs):
    """Per language: strings in total, reviewed by a named person, draft, and
    changed in English since they were translated (stale).

    \b
    Example:
      handouts translations status --lang ko
    """
    for code in langs or [c for c in LANGUAGES if c != SOURCE_LANGUAGE]:
        get_language(code)
        counts = summary(code)
        click.echo(
            f"{code:<8} {counts.total:>4} strings: {counts.reviewed} reviewed, {counts.draft} draft, "
            f"{counts.stale} changed in English"
        )
        if langs:
            for string in language_strings(code, only_stale=True):
                click.echo(f"  changed in English: {string.id}")


@translations.command(name="export")
@LANG
@click.option("--format", "fmt", type=click.Choice(["xliff", "po"]), default="xliff", show_default=True)
@ONLY_STALE
@OUT("Folder for the file.")
@CONTENT
def translations_export(lang, fmt, only, out):
    """Write one XLIFF or PO file with a language's strings for a translator's
    CAT tool (OmegaT, Trados, memoQ, Weblate, Poedit). Placeholders such as
    {fact:...} are protected codes; keep them.

    \b
    Examples:
      handouts translations export --lang ko
      handouts translations export --lang es --format po --only stale
    """
    data = export(lang, fmt, only_stale=only == "stale")
    path = out / "translations" / f"{lang}{'-stale' if only else ''}.{'xlf' if fmt == 'xliff' else 'po'}"
    write_atomically(path, data)
    click.echo(f"Wrote {path}.")


@translations.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--signed-by",
    metavar="NAME",
    help="The reviewer who set units to state 'final' (or 'signed-off') in the XLIFF file: those strings are "
    "signed by them. "
    "Without it, an import never marks anything reviewed.",
)
@CONTENT
def translations_import(file, signed_by):
    """Bring a translated XLIFF or PO file back. Every string is checked first
    (placeholders, no typed numbers or links, glyphs, and the handouts it
    changes are laid out to check they still fit); if any fails, nothing is
    written. Changed strings become drafts.

    \b
    Example:
      handouts translations import out/translations/ko.xlf
    """
    report = import_file(file, signed_by=signed_by)
    for path in report.files:
        click.echo(f"Wrote {path}.")
    for sid in report.still_stale:
        click.echo(
            f"Warning: {sid} was translated from an older English text; it stays 'changed in English'.", err=True
        )
    click.echo(
        f"Imported {report.lang}: {len(report.changed)} string(s) changed, {report.unchanged} unchanged, "
        f"{len(report.signed)} signed."
    )


@translations.command(name="proof")
@LANG
@ONLY_STALE
@OUT("Folder; the proof goes into OUT/translations/.")
@CONTENT
def translations_proof(lang, only, out):
    """A PDF for a reviewer on paper: every string beside its English, room
    for corrections and initials, and a sign-off block.

    \b
    Example:
      handouts translations proof --lang ko
    """
    path = out / "translations" / f"proof-{lang}{'-stale' if only else ''}.pdf"
    write_atomically(path, proof(lang, only_stale=only == "stale"))
    click.echo(f"Wrote {path}.")


@translations.command(name="sign")
@LANG
@click.option("--by", required=True, metavar="NAME", help='Who reviewed the text, e.g. "Min-ji Kim, interpreter".')
@click.option("--string", "ids", multiple=True, metavar="ID", help="A string ID from the proof (repeat for more).")
@click.option("--all", "every", is_flag=True, help="Every string of the language.")
@CONTENT
def translations_sign(lang, by, ids, every):
    """Record a person's review of exactly these strings, with today's date.
    Refused for a string whose English changed since it was translated.

    \b
    Examples:
      handouts translations sign --lang ko --by "Min-ji Kim, interpreter" --string red-card:front.title
      handouts translations sign --lang ko --by "Min-ji Kim, interpreter" --all
    """
    signed = sign(lang, by, ids, every=every)
    click.echo(f"Signed {len(signed)} {lang} string(s) as reviewed by {' '.join(by.split())}.")
