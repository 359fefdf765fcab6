"""The `translations` group: status, export, import, proof, sign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..content import SOURCE_LANGUAGE
from ..errors import UsageError
from ..exchange import export, import_file
from ..locales import LANGUAGES, get_language
from ..output import write_atomically
from ..proof import proof
from ..record import review_record
from ..translations import language_strings, sign, summary
from ..web import DEFAULT_DATA
from ..web.reviewbook import ReviewBook, record_events
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


DATA = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="The data folder of `handouts serve` (where review links and comments are kept).",
)


@translations.command(name="invite")
@click.option("--lang", required=True, metavar="CODE", help="The language to review; en invites a lawyer.")
@click.option("--name", required=True, help="The reviewer's name.")
@click.option("--role", required=True, help="Their role, e.g. interpreter, promotora, lawyer.")
@DATA
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="The address of the page.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 365), help="Days the link works.")
def translations_invite(lang, name, role, data, base_url, days):
    """Make a review link for one language (--lang en: a lawyer reviews the
    English and the statements of law it relies on). Print it and send it to
    the reviewer; it works until it expires or you revoke it.

    \b
    Example:
      handouts translations invite --lang ko --name "Min-ji Kim" --role interpreter --data handouts-data
    """
    get_language(lang)
    name, role = " ".join(name.split()), " ".join(role.split())
    if len(name) < 2 or len(role) < 2:
        raise UsageError("--name and --role must name the reviewer and their role.")
    book = ReviewBook(data)
    try:
        token, made = book.invite(lang, name, role, days)
    finally:
        book.close()
    click.echo(f"{base_url.rstrip('/')}/review/{token}")
    click.echo(
        f"Review link {made.id} for {made.by} ({lang}), valid {days} days; "
        f"revoke it with: handouts translations revoke {made.id}",
        err=True,
    )


@translations.command(name="revoke")
@click.argument("invitation")
@DATA
def translations_revoke(invitation, data):
    """Withdraw a review link (its ID is printed by invite and listed by comments --links)."""
    book = ReviewBook(data)
    try:
        if not book.revoke(invitation):
            raise UsageError(f"No open review link {invitation} in {data}.")
    finally:
        book.close()
    click.echo(f"Revoked review link {invitation}.")


@translations.command(name="comments")
@DATA
@click.option("--lang", "lang", metavar="CODE", help="Only this language.")
@click.option("--resolve", "resolve", type=int, metavar="ID", help="Mark this comment resolved.")
@click.option("--by", metavar="NAME", help="Who resolved it (with --resolve).")
@click.option("--links", is_flag=True, help="Also list the review links.")
def translations_comments(data, lang, resolve, by, links):
    """List reviewers' open comments, per language and string, or resolve one
    (recorded with who and when).

    \b
    Examples:
      handouts translations comments --data handouts-data
      handouts translations comments --data handouts-data --resolve 3 --by "Ana Ruiz"
    """
    book = ReviewBook(data)
    try:
        if resolve is not None:
            if not by:
                raise UsageError("--resolve needs --by NAME: who resolved the comment.")
            if not book.resolve(resolve, " ".join(by.split())):
                raise UsageError(f"No open comment {resolve} in {data}.")
            click.echo(f"Comment {resolve} resolved by {by}.")
            return
        for event in book.events(lang, "comment", open_only=True):
            when = dt.datetime.fromtimestamp(event.at).strftime("%Y-%m-%d %H:%M")
            click.echo(f"{event.id:>4} {event.lang:<8} {event.string}  {event.by}, {when}: {event.new}")
        if links:
            for inv in book.invitations():
                state = "revoked" if inv.revoked else ("live" if inv.live() else "expired")
                click.echo(f"link {inv.id} {inv.lang:<8} {inv.by} ({state})")
    finally:
        book.close()


@translations.command(name="record")
@LANG
@DATA
@OUT("Folder; the record goes into OUT/translations/.")
@CONTENT
def translations_record(lang, data, out):
    """A review record PDF for the clinic's files: who reviewed which handouts
    and when, what they changed, and their comments (from the review links).

    \b
    Example:
      handouts translations record --lang ko --data handouts-data
    """
    book = ReviewBook(data)
    try:
        events = record_events(book.events(lang))
    finally:
        book.close()
    path = out / "translations" / f"review-record-{lang}.pdf"
    write_atomically(path, review_record(lang, events))
    click.echo(f"Wrote {path}.")
