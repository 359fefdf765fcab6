"""Commands about the content project and the clinic profile: new, list,
check, init-profile."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..checks import check_all
from ..clinic.toml import EXAMPLE
from ..content import COMMON, SOURCE_LANGUAGE, available_languages, get_handout, handout_keys, load_content
from ..locales import LANGUAGES
from ..resources import new_project
from ..sizes import SIZES
from ..translations import status_of, summary
from .common import warn
from .options import CONTENT, HANDOUTS, LANGS


@click.command(name="new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--templates", "with_templates", is_flag=True, help="Also copy the templates, to change the design.")
def new(folder, with_templates):
    """Make a content project in FOLDER: a copy of the bundled facts, claims,
    handouts and translations to edit. Then build from it with --content FOLDER
    (or set HANDOUTS_CONTENT=FOLDER).

    \b
    Examples:
      handouts new our-clinic
      handouts build --content our-clinic --lang es
      handouts check --content our-clinic
    """
    project = new_project(folder, with_templates)
    click.echo(
        f"Made {folder}: edit {project.content / 'facts.yaml'} and the handout folders, then: "
        f"handouts build --content {folder}"
    )


@click.command(name="list")
@CONTENT
def list_command():
    """List handouts, languages (with review status) and sizes.

    \b
    Example:
      handouts list
    """
    click.echo("Handouts (sizes; default sizes marked *):")
    for key in handout_keys():
        spec = get_handout(key)
        sizes = ", ".join(s + ("*" if s in spec.default_sizes else "") for s in spec.sizes)
        click.echo(f"  {key:<18} {spec.name} [{spec.audience}]: {sizes}")
    click.echo("\nLanguages (code, name, script, direction, review status, handouts with text):")
    for code, lang in LANGUAGES.items():
        have = [k for k in handout_keys() if code in available_languages(k)]
        if code not in available_languages(COMMON):
            status = "missing"
        elif code == SOURCE_LANGUAGE:  # English is the source, not a translation
            reviewed = status_of(load_content(COMMON, code)) == "reviewed"
            status = "source, reviewed" if reviewed else "source, not yet reviewed by a lawyer"
        else:
            counts = summary(code)
            status = f"{counts.total} strings: {counts.reviewed} reviewed, {counts.draft} draft, {counts.stale} stale"
        click.echo(
            f"  {code:<8} {lang.native_name} ({lang.english_name}), {lang.script}, {lang.direction}, "
            f"{status}, {len(have)}/{len(handout_keys())}"
        )
    click.echo("\nSizes:")
    for size in SIZES.values():
        click.echo(
            f"  {size.name:<13} {size.description}; body text {size.body_pt:g} pt (min {size.min_body_pt:g}); "
            f"QR codes at least {size.min_qr_mm / 10:g} cm"
        )


@click.command(name="check")
@LANGS("Check only this language.")
@HANDOUTS("Check only this handout.")
@click.option(
    "--render",
    "render_pdfs",
    is_flag=True,
    help="Also lay out every handout (does it fit?) and read back its QR codes. Slower.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for scripts.")
@CONTENT
def check(langs, handouts, render_pdfs, as_json):
    """Check content, translations and facts without writing any PDF.

    Every language file must have the keys, fact references and placeholders
    of the English one, and no phone number or link typed into its text;
    every character must be in the language's fonts; every phone number and
    link must be confirmed and checked within the last 180 days (warnings);
    every statement of law must be within its review date (a warning 30 days
    before it, an error after it).

    \b
    Examples:
      handouts check --lang fa
      handouts check --render
      handouts check --json > check.json
    """
    result = check_all(handouts=handouts, langs=langs, render_pdfs=render_pdfs)
    if as_json:
        click.echo(
            json.dumps(
                {"files": result.files, "errors": result.errors, "warnings": result.warnings},
                indent=2,
                ensure_ascii=False,
            )
        )
        sys.exit(1 if result.errors else 0)
    warn(result.warnings)
    for error in result.errors:
        click.echo(f"Error: {error}", err=True)
    click.echo(f"Checked {result.files} file(s): {len(result.errors)} error(s), {len(result.warnings)} warning(s).")
    if result.errors:
        sys.exit(1)


@click.command(name="init-profile")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("clinic.toml"))
def init_profile(path):
    """Write an example clinic profile to PATH (default clinic.toml) to edit.

    \b
    Example:
      handouts init-profile my-clinic.toml
    """
    if path.exists():
        click.echo(f"Error: {path} already exists; choose another name or edit it.", err=True)
        sys.exit(1)
    if not path.parent.is_dir():
        click.echo(f"Error: the folder {path.parent} does not exist; create it first or choose another path.", err=True)
        sys.exit(1)
    try:
        path.write_text(EXAMPLE, encoding="utf-8")
    except OSError as exc:
        click.echo(f"Error: {path}: cannot be written ({exc.strerror or exc}).", err=True)
        sys.exit(1)
    click.echo(f"Wrote {path}. Edit it, then: handouts build --profile {path}")
