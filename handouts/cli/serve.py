"""`handouts serve`: the web page."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="serve")
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
