"""The `handouts` command line: parses options, calls the library, reports.

It lives inside the package (handouts/cli/) so that `pip install .` installs
it with the library and the `handouts` console script (`handouts.cli:run`)
can import it from any folder.

This file holds the `main` group, which turns the library's errors into exit
codes; the commands live beside it (build.py, batch.py, translations.py,
project.py, serve.py) and the options they share in options.py.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import HandoutsError, UsageError
from ..resources import Project, current_project, use_project
from . import batch, build, project, serve, translations


class HandoutsGroup(click.Group):
    """Turns the library's errors into one line on stderr and an exit code: 2 for
    a request that names something that does not exist, 1 for anything else."""

    def invoke(self, ctx: click.Context):
        before = current_project()  # --content applies to this command only
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except HandoutsError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        finally:
            use_project(None if before == Project.bundled() else before)


@click.group(cls=HandoutsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def main() -> None:
    """Print-ready "Know Your Rights" handouts, health-care flyers, posters and
    wallet Red Cards for clinics in Los Angeles County, in every language your
    patients read.

    \b
    Start with:
      handouts list                 what handouts, languages and sizes exist
      handouts build                build every handout into ./out
      handouts check                find problems without writing PDFs
    """


COMMANDS = (
    build.build,
    build.sheet,
    build.packet,
    build.trifold,
    batch.batch,
    batch.changes,
    translations.translations,
    project.new,
    project.list_command,
    project.check,
    project.init_profile,
    serve.serve,
)
for command in COMMANDS:
    main.add_command(command)


def run() -> None:
    """Console-script entry point."""
    main()
