"""`handouts serve`: a local web page for office managers and outreach leads.

Fill in the clinic, tick what to print, see each page, download a PDF or a ZIP.

Modules, from the top: `server` (`serve`: uvicorn), `app` (`create_app`: the
routes), `security` (the guard: headers, CSRF cookie, limits), `views/` (the
request handlers, by page), `presenters` (library messages in the page's
words), `state` (`Web`: what the views share), `pool` (the worker processes),
`work` and `batchwork` (what a worker does), `previews`
(PDF pages as PNGs), `cache` (results by a hash of the choices), `storage`
(SQLite: profiles, logos, job records), `reviewbook` (review links and what
reviewers did), `retention` (what the data folder
keeps), `i18n`, `labels` and `uifonts` (the page's own words and fonts).

This file imports none of them: it holds only what `handouts serve` checks
before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_DATA = Path("handouts-data")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
PUBLIC_RATE_LIMIT = 60  # POSTs per client per minute when serving a network


@dataclass(frozen=True)
class Limits:
    """What one server allows (README, "Hosting for many clinics", says which limit protects what)."""

    workers: int = 2  # render processes
    capacity: int = 16  # jobs waiting for a worker before the page answers 503
    render_seconds: float = 180.0  # one clinic's job, then its worker is killed and replaced
    batch_seconds: float = 1800.0  # many offices (the work a CSV may start is capped to fit)
    worker_memory_mb: int = 3072  # address space of each render process
    rate_limit: int = 1000  # POSTs per client per minute (PUBLIC_RATE_LIMIT with --public)
    max_connections: int = 200  # open connections before new ones get 503
    allowed_hosts: tuple[str, ...] = ()  # Host headers accepted besides this computer's own names
    keep_days: float = 30.0  # builds unused this long are removed
    keep_gb: float = 5.0  # builds beyond this total are removed, least recently used first
    public: bool = False  # --public: operator pages (invite reviewers, resolve comments) are off; use the CLI
    scheduler: str = ""  # a Dask scheduler (tcp://HOST:PORT) to render on, as `handouts batch --scheduler` does


WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def check_options(host: str, data: Path | None, public: bool, allowed_hosts: tuple[str, ...] = ()) -> Path:
    """The data folder to use; refuses a network address without --public and
    --data, and an every-address --host without the names people will type."""
    if host not in LOCAL_HOSTS:
        if not public:
            raise UsageError(
                f"--host {host} would let other computers reach this page. Add --public (and --data DIR) "
                "if that is what you want."
            )
        if data is None:
            raise UsageError("--public needs a data folder: add --data DIR (saved clinics and their logos go there).")
        if host in WILDCARD_HOSTS and not allowed_hosts:
            raise UsageError(
                f"--host {host} listens on every address: add --allowed-host with the name or address people "
                "will type (for example --allowed-host handouts.example.org). Other names are refused, so "
                "a web page elsewhere cannot reach this one through its own domain name."
            )
    return data if data is not None else DEFAULT_DATA


def accepted_hosts(host: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The Host headers the page answers: this computer's own names, the address
    it listens on, and each --allowed-host (lower case, without a port)."""
    names = [*LOCAL_HOSTS, *allowed]
    if host not in WILDCARD_HOSTS:
        names.append(host)
    return tuple(dict.fromkeys(name.strip().lower().strip("[]") for name in names if name.strip()))
