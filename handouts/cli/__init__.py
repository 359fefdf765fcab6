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


main.add_command(build.build)
main.add_command(build.sheet)
main.add_command(build.packet)
main.add_command(build.trifold)
main.add_command(batch.batch)
main.add_command(batch.changes)
main.add_command(translations.translations)
main.add_command(project.new)
main.add_command(project.list_command)
main.add_command(project.check)
main.add_command(project.init_profile)
main.add_command(serve.serve)


def run() -> None:
    """Console-script entry point."""
    main()
