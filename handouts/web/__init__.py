"""`handouts serve`: a local web page for office managers and outreach leads.

Fill in the clinic, tick what to print, see each page, download a PDF or a ZIP.
Modules: `app` (the routes), `security` (the guard), `views/` (the pages),
`presenters`, `state` (what the views share), `storage` (SQLite: profiles, logos,
job records), `pool` (the worker pool), `work` (the work it does, with
`handover`, `previews` and the result `cache`), `i18n` (the page's own words,
from gettext catalogues in `locale/`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_DATA = Path("handouts-data")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_options(host: str, data: Path | None, public: bool) -> Path:
    """The data folder to use; refuses a network address without --public and --data."""
    if host not in LOCAL_HOSTS:
        if not public:
            raise UsageError(
                f"--host {host} would let other computers reach this page. Add --public (and --data DIR) "
                "if that is what you want."
            )
        if data is None:
            raise UsageError("--public needs a data folder: add --data DIR (saved clinics and their logos go there).")
    return data if data is not None else DEFAULT_DATA


def serve(
    host: str = DEFAULT_HOST,
    port: int = 8000,
    data: Path | None = None,
    public: bool = False,
    workers: int = 2,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the web page until Ctrl+C."""
    import uvicorn

    from .app import create_app
    from .security import LOCAL_RATE_LIMIT, RATE_LIMIT

    folder = check_options(host, data, public)
    app = create_app(folder, workers=workers, rate_limit=RATE_LIMIT if public else LOCAL_RATE_LIMIT)
    shown = f"[{host}]" if ":" in host else host
    echo(f"handouts: open http://{shown}:{port}/ in your browser (Ctrl+C stops it).")
    echo(f"Saved clinics, logos and PDFs go to {folder.resolve()}/")
    if public:
        echo(
            "PUBLIC: anyone who can reach this address can make PDFs and save clinics; each saved clinic "
            "is visible to whoever holds its private link."
        )
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
