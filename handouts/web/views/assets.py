"""The page's own things: its fonts, the handouts' thumbnails, the interface
language, and the error page."""

from __future__ import annotations

import asyncio
import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...content import handout_keys
from .. import i18n
from ..cache import cached, selection_key
from ..pool import BusyError, TooSlowError, WorkerLostError
from ..presenters import DISK_FULL, TOO_SLOW, WORKER_LOST, disk_full
from ..security import TooLargeError
from ..state import CLINIC_COOKIE, Web
from ..uifonts import UI_FONTS, ui_font
from ..work import THUMB, do_thumbnail
from .offices import columns


async def font(web: Web, request: Request) -> Response:
    name = str(request.path_params["name"])
    if name not in UI_FONTS:
        raise HTTPException(404, "Not found.")
    data = await asyncio.to_thread(ui_font, name)
    kind = "font/otf" if UI_FONTS[name][0].endswith(".otf") else "font/ttf"
    return Response(data, media_type=kind, headers={"cache-control": "public, max-age=86400"})


async def thumbnail(web: Web, request: Request) -> Response:
    """The picture on a handout's card: made once (English, its usual size), then cached."""
    handout = str(request.path_params["handout"])
    if handout not in handout_keys():
        raise HTTPException(404, "Not found.")
    folder = web.storage.builds / selection_key("thumb", {"handout": handout}, None)
    result = cached(folder)
    if result is None:
        async with web.thumbs:
            result = await web.run(request, do_thumbnail, folder, handout)
    if result.get("error"):
        raise HTTPException(404, "Not found.")
    return FileResponse(folder / THUMB, media_type="image/png", headers={"cache-control": "max-age=3600"})


async def set_language(web: Web, request: Request) -> Response:
    form = await web.form(request)
    lang = str(form.get("ui_lang") or "en")
    back = str(form.get("next") or "/")
    if not re.fullmatch(r"/[A-Za-z0-9/_\-.?=&]*", back) or back.startswith("//"):
        back = "/"
    response = RedirectResponse(back, status_code=303)
    if lang in i18n.UI_LANGUAGES:
        response.set_cookie("ui_lang", lang, max_age=365 * 86400, httponly=True, samesite="strict")
    return response


def too_large(web: Web, request: Request, exc: TooLargeError) -> Response:
    """The form the upload came from, with the reason at the file's field (413)."""
    size = f"{exc.size / 1e6:.1f}" if exc.size else ""
    if exc.what == "logo":
        token = request.path_params.get("token")
        values = web.storage.get_profile(token) if token else None
        message = i18n.gettext(
            "This logo is %(size)s MB; a logo may be up to 2 MB. Save it smaller (1,200 pixels across is plenty "
            "for print) and choose it again. The other details on this form were not saved: go back to get them."
        ) % {"size": size or "over 2"}
        return web.page(
            request,
            "clinic.html",
            status=413,
            values=values or {},
            errors={"logo": message},
            other=[],
            token=token if values else None,
            saved=False,
        )
    message = i18n.gettext(
        "This CSV file is %(size)s MB; it may be up to 1 MB (500 offices). Split it into smaller files."
    ) % {"size": size or "over 1"}
    return web.page(request, "offices.html", status=413, chosen=["en"], errors={"csv": message}, **columns())


async def forget(web: Web, request: Request) -> Response:
    """Forget the remembered clinic on this computer (it stays saved behind its private link)."""
    await web.form(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(CLINIC_COOKIE, httponly=True, samesite="strict")
    return response


async def error(web: Web, request: Request, exc: Exception) -> Response:
    if isinstance(exc, TooLargeError) and exc.what in ("logo", "csv"):
        return too_large(web, request, exc)
    if isinstance(exc, TooLargeError):
        status, message = 413, i18n.gettext("The form is too large. Go back and send less.")
    elif isinstance(exc, BusyError):
        status, message = (
            503,
            i18n.gettext("Busy: many people are printing right now. Wait a few seconds and try again."),
        )
    elif isinstance(exc, TooSlowError):
        status, message = 504, i18n.gettext(TOO_SLOW)
    elif isinstance(exc, WorkerLostError):
        status, message = 503, i18n.gettext(WORKER_LOST)
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    elif disk_full(exc):
        status, message = 507, i18n.gettext(DISK_FULL)
    else:
        status, message = 500, i18n.gettext("Something went wrong. Try again; nothing was half-saved.")
    return web.page(request, "error.html", status=status, message=message)
