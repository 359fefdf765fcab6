"""`handouts serve`: a local web page for office managers and outreach leads.

Fill in the clinic, tick what to print, see each page, download a PDF or a ZIP.

Modules, from the top: `server` (`serve`: uvicorn), `app` (`create_app`: the
routes), `security` (the guard: headers, CSRF cookie, limits), `views/` (the
request handlers, by page), `presenters` (library messages in the page's
words), `state` (`Web`: what the views share), `pool` (the worker processes),
`work` (what a worker does), `handover` (PRINT-ME-FIRST and ZIPs), `previews`
(PDF pages as PNGs), `cache` (results by a hash of the choices), `storage`
(SQLite: profiles, logos, job records), `i18n` and `uifonts` (the page's own
words and fonts).

This file imports none of them: it holds only what `handouts serve` checks
before it starts.
"""

from __future__ import annotations

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
