"""`handouts serve`: the web page."""

from __future__ import annotations

from pathlib import Path

import click

from ..web import PUBLIC_RATE_LIMIT, Limits
from .options import CONTENT


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this computer only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for saved clinics, logos and PDFs [default: ./handouts-data].",
)
@click.option("--public", is_flag=True, help="Allow a --host other computers can reach (needs --data).")
@click.option(
    "--workers", "-j", default=Limits.workers, show_default=True, type=click.IntRange(1, 32), help="Render processes."
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A name people type to reach the page (e.g. handouts.example.org); other Host names are refused.",
)
@click.option(
    "--render-seconds",
    default=int(Limits.render_seconds),
    show_default=True,
    type=click.IntRange(10, 3600),
    help="Longest one clinic's job may run; past it the job is stopped and its process replaced.",
)
@click.option(
    "--worker-memory",
    default=Limits.worker_memory_mb,
    show_default=True,
    type=click.IntRange(512, 65536),
    metavar="MB",
    help="Memory each render process may use.",
)
@click.option(
    "--max-connections",
    default=Limits.max_connections,
    show_default=True,
    type=click.IntRange(4, 100000),
    help="Open connections.",
)
@click.option(
    "--keep-days",
    default=Limits.keep_days,
    show_default=True,
    type=click.FloatRange(0.01, 3650),
    help="Remove made PDFs nobody asked for in this many days (saved clinics and logos stay).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Render on this Dask cluster (the one `handouts batch --scheduler` uses); the files are the same bytes.",
)
@click.option(
    "--keep-gb",
    default=Limits.keep_gb,
    show_default=True,
    type=click.FloatRange(0.01, 10000),
    help="Keep made PDFs under this size in total, removing the least recently used first.",
)
@CONTENT
def serve(
    host,
    port,
    data,
    public,
    workers,
    allowed_hosts,
    render_seconds,
    worker_memory,
    max_connections,
    keep_days,
    keep_gb,
    scheduler,
):
    """Start the web page: fill in your clinic, tick what to print, see each
    page, download a PDF or a ZIP. Open the address it prints in a browser.

    \b
    Examples:
      handouts serve
      handouts serve --port 8080 --data ~/handouts-data
      handouts serve --host 0.0.0.0 --public --data /srv/handouts --allowed-host handouts.example.org
    """
    from ..web.server import serve as run_server  # lazy: Starlette and uvicorn load only for `handouts serve`

    limits = Limits(
        workers=workers,
        render_seconds=float(render_seconds),
        worker_memory_mb=worker_memory,
        max_connections=max_connections,
        allowed_hosts=tuple(allowed_hosts),
        keep_days=keep_days,
        keep_gb=keep_gb,
        rate_limit=PUBLIC_RATE_LIMIT if public else Limits.rate_limit,
        scheduler=scheduler or "",
        public=public,
    )
    run_server(host, port, data, public, limits, echo=click.echo)
