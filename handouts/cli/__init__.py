"""The `handouts` command line: parses options, calls the library, reports.

It lives inside the package (handouts/cli/) so that `pip install .` installs
it with the library and the `handouts` console script can import it from any
folder.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..errors import HandoutsError, UsageError
from ..resources import Project, current_project, use_project
from . import batch, build, project, translations


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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this computer only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for saved clinics, logos and PDFs [default: ./handouts-data].",
)
@click.option("--public", is_flag=True, help="Allow a --host other computers can reach (needs --data).")
@click.option("--workers", "-j", default=2, show_default=True, type=click.IntRange(1, 32), help="Render processes.")
def serve(host, port, data, public, workers):
    """Start the web page: fill in your clinic, tick what to print, see each
    page, download a PDF or a ZIP. Open the address it prints in a browser.

    \b
    Examples:
      handouts serve
      handouts serve --port 8080 --data ~/handouts-data
      handouts serve --host 0.0.0.0 --public --data /srv/handouts
    """
    from ..web.server import serve as run_server  # lazy: Starlette and uvicorn load only for `handouts serve`

    run_server(host, port, data, public, workers, echo=click.echo)


def run() -> None:
    """Console-script entry point."""
    main()
