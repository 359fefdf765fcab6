"""The web page's routes: `create_app` builds the shared state (`state.Web`),
binds each view (`views/`) to its URL and wraps the whole in the security
guard (`security.Guard`).

Every page works with plain form posts (no script is needed). Rendering runs
in `pool.Workers`, never on the event loop; profiles and job records live in
`storage.Storage` in the data folder.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import HandoutsError
from . import Limits
from .pool import BusyError, TooSlowError, WorkerLostError
from .security import Guard, TooLargeError
from .state import HERE, Web
from .views import assets, clinic, jobs, offices, printing, reprint, results, review, sheets, translations


class Index(IntegerConvertor):
    """A file's or page's number in a URL: at most six digits, so a number of
    thousands of digits is a plain 404, not Python's int() refusing it (a 500)."""

    regex = "[0-9]{1,6}"


register_url_convertor("index", Index())

View = Callable[[Web, Request], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def bind(web: Web, view: View) -> Endpoint:
    """A view as a Starlette endpoint (with the view's name, the route's name)."""

    @functools.wraps(view)
    async def endpoint(request: Request) -> Response:
        return await view(web, request)

    return endpoint


def create_app(data: Path, limits: Limits | None = None) -> Guard:
    limits = limits or Limits()
    web = Web(data, limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await web.sweep(force=True)
        try:
            yield
        finally:
            web.close()

    async def error(request: Request, exc: Exception) -> Response:
        return await assets.error(web, request, exc)

    both = ["GET", "POST"]
    routes = [
        Route("/", bind(web, clinic.home)),
        Route("/clinic", bind(web, clinic.clinic), methods=["POST"]),
        Route("/c/{token}", bind(web, clinic.clinic), methods=both),
        Route("/print", bind(web, printing.print_page), methods=both),
        Route("/c/{token}/print", bind(web, printing.print_page), methods=both),
        Route("/c/{token}/reprint", bind(web, reprint.reprint), methods=both),
        Route("/sheets", bind(web, sheets.sheets), methods=both),
        Route("/offices", bind(web, offices.offices), methods=both),
        Route("/offices/offices.csv", bind(web, offices.csv_template)),
        Route("/r/{job}", bind(web, results.result)),
        Route("/r/{job}/bundle.zip", bind(web, results.bundle)),
        Route("/r/{job}/summary.csv", bind(web, results.summary)),
        Route("/r/{job}/{name:str}.zip", bind(web, results.batch_zip)),
        Route("/r/{job}/progress.json", bind(web, jobs.job_progress)),
        Route("/r/{job}/file/{index:index}", bind(web, results.file)),
        Route("/r/{job}/office/{index:index}", bind(web, results.office_zip)),
        Route("/r/{job}/preview/{index:index}/{page:index}.png", bind(web, results.preview)),
        Route("/thumb/{handout}.png", bind(web, assets.thumbnail)),
        Route("/peek/{handout}/{lang}.png", bind(web, clinic.peek)),
        Route("/c/{token}/peek/{handout}/{lang}.png", bind(web, clinic.peek)),
        Route("/translations", bind(web, translations.translations)),
        Route("/translations/{lang}.xlf", bind(web, translations.translation_file)),
        Route("/translations/{lang}/proof.pdf", bind(web, translations.translation_proof)),
        Route("/translations/{lang}/record.pdf", bind(web, translations.record)),
        Route("/translations/invite", bind(web, translations.invite), methods=["POST"]),
        Route("/translations/revoke", bind(web, translations.revoke), methods=["POST"]),
        Route("/translations/resolve", bind(web, translations.resolve), methods=["POST"]),
        Route("/review/{token}", bind(web, review.review_home)),
        Route("/review/{token}/{handout}", bind(web, review.review_page), methods=both),
        Route("/review/{token}/{handout}/where.png", bind(web, review.where)),
        Route("/lang", bind(web, assets.set_language), methods=["POST"]),
        Route("/forget", bind(web, assets.forget), methods=["POST"]),
        Route("/ui-font/{name}", bind(web, assets.font)),
        Route("/favicon.ico", lambda request: RedirectResponse("/static/favicon.svg", status_code=301)),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            TooLargeError: error,
            BusyError: error,
            TooSlowError: error,
            WorkerLostError: error,
            HandoutsError: error,  # a library error no view expected (a full disk): a page, never a traceback
            OSError: error,
            sqlite3.Error: error,
            HTTPException: error,
        },
    )
    app.state.web = web
    guard = Guard(app, limits, web.storage.secret)
    guard.web = web  # type: ignore[attr-defined]
    return guard
