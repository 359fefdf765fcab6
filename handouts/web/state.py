"""`Web`: what the page's views share for the life of the server (storage,
the worker pool, the Jinja environment) and the helpers every view uses
(render a page, read a form with its CSRF token, look up a clinic or a job,
get a job's result from the cache or a worker).

Views take the `Web` as their first argument (see app.create_app); this module
imports none of them.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..clinic.profile import MAX_MESSAGE_CHARS, Profile
from ..clinic.validate import make_profile
from ..locales import LANGUAGES
from ..output import remove_dead_temporaries
from ..resources import remove_stale_scratch
from ..sizes import SIZES
from . import LOCAL_HOSTS, Limits, i18n
from .cache import cached
from .labels import label, language_name
from .pool import Workers
from .presenters import MESSAGE_KEYS, without_paths
from .retention import EVERY_SECONDS, sweep
from .reviewbook import ReviewBook
from .security import CSV_LIMIT, LOGO_LIMIT, TooLargeError, form_token, host_name, upload_kind
from .storage import Storage

HERE = Path(__file__).parent
CLINIC_COOKIE = "clinic"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


class Web:
    def __init__(self, data: Path, limits: Limits):
        self.limits = limits
        self.storage = Storage(data)
        self.reviews = ReviewBook(data)
        self.pool = Workers(
            limits.workers, limits.capacity, limits.render_seconds, limits.worker_memory_mb, limits.scheduler
        )
        self.running: dict[str, asyncio.Task[Any]] = {}  # job id -> a batch still building
        self.swept = -EVERY_SECONDS  # when old made files were last removed (time.monotonic)
        # What a progress bar expects before a job's first file (or office) is done: seconds for each, learnt
        # from this server's jobs (views/jobs.py). They start at the usability test's pace (2026-12-03): 22 s for
        # 12 files; an office every ~5 s once a batch was under way.
        self.pace = {"files": 1.8, "offices": 5.0}
        self.thumbs = asyncio.Lock()  # one thumbnail at a time: the other workers stay free for people
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"], default=True),
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals["max_message"] = MAX_MESSAGE_CHARS
        self.env.globals["logo_limit"] = LOGO_LIMIT  # what upload.js checks before sending a file
        self.env.globals["csv_limit"] = CSV_LIMIT
        self.env.globals["label"] = label  # a handout's or a size's name in the page's language
        self.env.globals["language_name"] = language_name
        self.env.filters["size_label"] = lambda name: label(SIZES[name].description) if name in SIZES else name
        self.env.globals["all_languages"] = list(LANGUAGES.values())

    def operator(self, request: Request) -> bool:
        """Whether this request may use the operator's pages (invite and revoke
        reviewers, resolve comments, the review record): only on a server that
        is not --public, from this computer itself, by one of its own names.
        Everyone else (strangers, and reviewers, who only ever hold their own
        link) gets 404; on a public server the operator uses the command line."""
        client = (request.client.host if request.client else "") or ""
        host = host_name(request.headers.get("host", ""))
        return not self.limits.public and client in LOCAL_HOSTS and host in LOCAL_HOSTS

    def require_operator(self, request: Request) -> None:
        if not self.operator(request):
            raise HTTPException(404, "Not found.")

    def remembered(self, request: Request) -> tuple[str, str] | None:
        """(token, name) of the clinic this browser last opened by its private
        link (the `clinic` cookie), if it is still saved."""
        token = request.cookies.get(CLINIC_COOKIE, "")
        if not TOKEN.fullmatch(token):
            return None
        values = self.storage.get_profile(token)
        return (token, values.get("name", "")) if values else None

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page. Every page's top bar keeps the clinic: the one in the URL, else
        the one this browser last opened (a cookie, set whenever a page is shown
        under a clinic's private link, and cleared by "Forget")."""
        lang = i18n.choose(request.cookies.get("ui_lang"), request.headers.get("accept-language", ""))
        context = {key: without_paths(value) if key in MESSAGE_KEYS else value for key, value in context.items()}
        token = context.get("token")
        remembered = None if token else self.remembered(request)
        with i18n.active(lang):
            html = self.env.get_template(name).render(
                request=request,
                csrf=request.scope["state"]["csrf"],
                ui_lang=lang,
                ui_langs=i18n.UI_LANGUAGES,
                path=request.url.path,
                nav_token=token or (remembered[0] if remembered else None),
                remembered=remembered,
                **context,
            )
        response = HTMLResponse(html, status_code=status)
        if status == 503:
            response.headers["retry-after"] = "5"
        if token and request.cookies.get(CLINIC_COOKIE) != token:
            response.set_cookie(CLINIC_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="strict")
        return response

    async def form(self, request: Request) -> FormData:
        too_large = request.scope["state"].get("too_large")
        if too_large:  # the Guard did not read a body over its limit
            raise TooLargeError(upload_kind(request.url.path), int(too_large))
        form = await request.form(max_files=2, max_fields=200)
        sent = form.get("csrf_token")
        cookie = request.cookies.get("csrf", "")
        expected = form_token(self.storage.secret, cookie)
        if not isinstance(sent, str) or not cookie or not secrets.compare_digest(sent, expected):
            raise HTTPException(403, "This form has expired or came from another site. Reload the page and try again.")
        return form

    def profile_values(self, token: str | None) -> dict[str, str] | None:
        if token is None:
            return None
        values = self.storage.get_profile(token)
        if values is None:
            raise HTTPException(404, "Not found.")
        return values

    def make(self, values: dict[str, str]) -> Profile:
        return make_profile(values, "clinic", self.storage.logos)

    async def run(self, request: Request, function: Callable[..., Any], folder: Path, *args: Any) -> Any:
        """A job's summary: from the cache when the same choices were made before, else from a worker."""
        found = cached(folder)
        if found is not None:
            return found
        try:
            return await self.pool.run(function, str(folder), *args)
        finally:
            await self.sweep()

    def job(self, request: Request) -> tuple[str, Path, dict[str, Any]]:
        found = self.storage.get_job(str(request.path_params["job"]))
        if found is None:
            raise HTTPException(404, "Not found.")
        if not found[1].is_dir():
            raise HTTPException(
                410,
                i18n.gettext(
                    "These files were removed: the page keeps what it made for %(days)s days. "
                    "Choose again to make them anew."
                )
                % {"days": f"{self.limits.keep_days:g}"},
            )
        return found

    def learn_pace(self, unit: str, seconds: float, count: int) -> None:
        """A job of `count` files (or offices) took `seconds`: the next estimates lean on it."""
        if count > 0 and seconds > 0:
            self.pace[unit] = 0.7 * self.pace[unit] + 0.3 * (seconds / count)

    async def sweep(self, force: bool = False) -> None:
        """Remove old made files (retention.sweep), at most once every EVERY_SECONDS."""
        now = time.monotonic()
        if not force and now - self.swept < EVERY_SECONDS:
            return
        self.swept = now
        keep_bytes = int(self.limits.keep_gb * 1e9)
        await asyncio.to_thread(sweep, self.storage.builds, self.limits.keep_days, keep_bytes)
        if force:  # at start: what killed workers or servers left half-written
            await asyncio.to_thread(remove_dead_temporaries, self.storage.folder)

    def close(self) -> None:
        """Stop the workers (a render in flight is abandoned), then remove the
        scratch folders of the killed ones (they cannot remove their own)."""
        for task in self.running.values():
            task.cancel()  # its job is abandoned with the workers; its page will say it stopped
        self.pool.stop()
        remove_stale_scratch()
        self.storage.close()
        self.reviews.close()
