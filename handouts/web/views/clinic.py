"""My clinic: the profile form (saved behind a private token, with its logo)
and the live preview's picture of one handout with the clinic."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...clinic.profile import LANGUAGE_FIELDS
from ...content import get_handout, handout_keys
from ...errors import HandoutsError
from ...locales import LANGUAGES
from .. import i18n
from ..cache import selection_key
from ..pool import TooSlowError, WorkerLostError
from ..presenters import field_errors
from ..security import LOGO_LIMIT, TooLargeError
from ..state import Web
from ..storage import sniff_logo
from ..work import PEEK, do_check_logo, do_peek

LOGO_SECONDS = 20.0  # to check, draw and rasterise one logo; a real logo takes well under a second
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
LETTERS = re.compile(r"[^\W\d_]")
EXTENSION = re.compile(r"(?i)\b(ext\.?|x)\s*\d+")
TEXT_FIELDS = ("name", "address", "phone", "hours", "website", "telehealth", "color")
# per language: message_ko, hours_es, ... (see handouts.clinic.profile.LANGUAGE_FIELDS)
LANGUAGE_TEXT_FIELDS = tuple(f"{name}_{code}" for code in LANGUAGES for name in LANGUAGE_FIELDS)


async def home(web: Web, request: Request) -> Response:
    return web.page(request, "clinic.html", values={}, errors={}, other=[], token=None, saved=False)


async def clinic(web: Web, request: Request) -> Response:
    token = request.path_params.get("token")
    stored = web.profile_values(token)
    if request.method == "GET":
        return web.page(
            request,
            "clinic.html",
            values=stored,
            errors={},
            other=[],
            token=token,
            saved="saved" in request.query_params,
            cleaned="cleaned" in request.query_params,
            lettered="lettered" in request.query_params,
        )
    form = await web.form(request)
    values = {key: str(form.get(key) or "").strip() for key in TEXT_FIELDS + LANGUAGE_TEXT_FIELDS}
    values = {k: v for k, v in values.items() if v}
    errors: dict[str, str] = {}
    logo = form.get("logo")
    if stored and stored.get("logo") and not form.get("remove_logo"):
        values["logo"] = stored["logo"]
    cleaned = False
    if isinstance(logo, UploadFile) and logo.filename:
        data = await logo.read(LOGO_LIMIT + 1)
        if len(data) > LOGO_LIMIT:
            raise TooLargeError("logo")
        if sniff_logo(data) is None:
            errors["logo"] = i18n.gettext("The logo must be a PNG, JPEG or SVG image.")
        else:
            checked = await check_logo(web, data)
            if "error" in checked:
                errors["logo"] = checked["error"]
            else:  # only a checked logo is kept, scaled down or cleaned: a refused upload never touches the disk
                values["logo"] = web.storage.save_logo(checked["data"], LOGO_EXTENSIONS[checked["kind"]])
                cleaned = bool(checked["notes"])
    other: list[str] = []
    lettered = False
    if not errors:
        try:
            profile = await asyncio.to_thread(web.make, values)
        except HandoutsError as exc:
            errors, other = field_errors(getattr(exc, "problems", None) or [str(exc)])
        else:  # a phone number with letters (213-KOREA-01) is kept as the digits it prints, and the page says so
            lettered = bool(profile.phone and LETTERS.search(EXTENSION.sub("", values.get("phone", ""))))
            if lettered and profile.phone:
                values["phone"] = profile.phone
    if errors or other:
        return web.page(
            request, "clinic.html", status=400, values=values, errors=errors, other=other, token=token, saved=False
        )
    if token is None:
        token = web.storage.new_profile(values)
    else:
        web.storage.update_profile(token, values)
    notes = ("&cleaned=1" if cleaned else "") + ("&lettered=1" if lettered else "")
    return RedirectResponse(f"/c/{token}?saved=1{notes}", status_code=303)


async def check_logo(web: Web, data: bytes) -> dict[str, Any]:
    """work.do_check_logo in a worker, within LOGO_SECONDS and the workers' memory cap."""
    try:
        return dict(await web.pool.submit(do_check_logo, data, timeout=LOGO_SECONDS))
    except TooSlowError:
        return {"error": i18n.gettext("This logo takes too long to draw. Export it as a simpler SVG, or use a PNG.")}
    except WorkerLostError:
        return {"error": i18n.gettext("This logo is too large to draw. Use a smaller PNG or JPEG, or a simpler SVG.")}


async def peek(web: Web, request: Request) -> Response:
    """The live preview's picture (see static/preview.js): one handout, one language, this clinic."""
    token = request.path_params.get("token")
    values = web.profile_values(token)
    handout, lang = str(request.path_params["handout"]), str(request.path_params["lang"])
    if handout not in handout_keys() or lang not in LANGUAGES:
        raise HTTPException(404, "Not found.")
    profile = await asyncio.to_thread(web.make, values) if values else None
    size = request.query_params.get("size", "")
    spec = get_handout(handout)
    size = size if size in spec.sizes else spec.default_sizes[0]  # a size it does not come in: its usual one
    params = {"handout": handout, "lang": lang, "size": size}
    folder = web.storage.builds / selection_key("peek", params, profile)
    result = await web.run(request, do_peek, folder, handout, lang, profile, str(web.storage.fits), size)
    if result.get("error"):
        raise HTTPException(404, "Not found.")
    # private: the picture shows this clinic's details, so no shared cache may keep it (issue 24, item 13)
    return FileResponse(folder / PEEK, media_type="image/png", headers={"cache-control": "private, max-age=600"})
