"""`handouts serve`: run the web page with uvicorn until Ctrl+C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import uvicorn

from . import DEFAULT_HOST, check_options
from .app import create_app
from .security import LOCAL_RATE_LIMIT, RATE_LIMIT


def serve(
    host: str = DEFAULT_HOST,
    port: int = 8000,
    data: Path | None = None,
    public: bool = False,
    workers: int = 2,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the web page until Ctrl+C."""
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
