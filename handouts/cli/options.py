"""The options that several commands share, each written once.

An option whose help depends on the command (what --lang or --out means
there) is a function taking that help; the others are ready decorators.
`add_options` bundles several into one decorator, like mkdocs'
`common_options`: `@PROFILE` adds --profile and --logo-anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..resources import Project, use_project

F = TypeVar("F", bound=Callable[..., Any])


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]  # what click.option gives: a command in, a command out


def add_options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying several, listed in --help in the order given."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


def _lang(dest: str, **kwargs: Any) -> Decorator:
    return click.option("--lang", "-l", dest, **kwargs)


def LANGS(help: str, *, metavar: str = "CODE", required: bool = False) -> Decorator:  # noqa: N802 - an option decorator
    """--lang, repeatable, into `langs`."""
    return _lang("langs", multiple=True, metavar=metavar, required=required, help=help)


LANG = _lang("lang", required=True, metavar="CODE", help="The language, e.g. ko.")  # exactly one, into `lang`


def HANDOUTS(help: str) -> Decorator:  # noqa: N802 - an option decorator
    return click.option("--handout", "-H", "handouts", multiple=True, metavar="NAME", help=help)


def SIZES(help: str) -> Decorator:  # noqa: N802 - an option decorator
    return click.option("--size", "-s", "sizes", multiple=True, metavar="SIZE", help=help)


def OUT(where: str) -> Decorator:  # noqa: N802 - an option decorator
    """--out, with what goes where in that folder as its help."""
    return click.option(
        "--out",
        "-o",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("out"),
        show_default=True,
        help=where,
    )


def REQUIRE_REVIEWED(help: str) -> Decorator:  # noqa: N802 - an option decorator
    return click.option("--require-reviewed", is_flag=True, help=help)


def BILINGUAL(help: str) -> Decorator:  # noqa: N802 - an option decorator
    return click.option("--bilingual", metavar="CODE", help=help)


def STOCK(help: str) -> Decorator:  # noqa: N802 - an option decorator
    return click.option("--stock", default="avery-5371", show_default=True, help=help)


ONLY_STALE = click.option("--only", type=click.Choice(["stale"]), help="Only the strings whose English changed.")

JOBS = click.option(
    "--jobs",
    "-j",
    "workers",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="How many PDFs to render at once.",
)

LOGO_ANYWHERE = click.option(
    "--logo-anywhere",
    is_flag=True,
    help="Allow logo files outside the folder of the profile or CSV file that names them.",
)

PROFILE = add_options(
    click.option(
        "--profile",
        "-p",
        "profile_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A clinic profile (TOML) whose name, phone, hours and logo go on every page.",
    ),
    LOGO_ANYWHERE,
)

SCHEDULER = click.option(
    "--scheduler",
    metavar="ADDRESS|local",
    help="Render on a Dask cluster (tcp://HOST:8786), or 'local' for a LocalCluster of 2 workers.",
)

VARIANT_FLAGS = add_options(
    click.option(
        "--large-print",
        "variant",
        flag_value="large-print",
        help="Body text at least 18 pt; a handout may take several pages.",
    ),
    click.option(
        "--print-shop",
        "variant",
        flag_value="print-shop",
        help="For a print shop: PDF/X-4 in CMYK, 0.125 in bleed, crop marks.",
    ),
    click.option(
        "--mono",
        "variant",
        flag_value="mono",
        help="Black and white, for an office without a colour printer: no colour, no grey behind text.",
    ),
)


def _use_content(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:  # a bad folder is a UsageError: one line, exit 2 (see HandoutsGroup)
        use_project(Project.at(value))
    return value


CONTENT = click.option(
    "--content",
    type=click.Path(path_type=Path),
    envvar="HANDOUTS_CONTENT",
    expose_value=False,
    is_eager=True,
    callback=_use_content,
    metavar="DIR",
    help="Use the content project in DIR (facts, handouts, translations; see 'handouts new') instead of the "
    "bundled content. Default: $HANDOUTS_CONTENT, else the bundled content.",
)
