"""What to print: handouts, languages, sizes, a variant and packets, built by
a worker as `handouts build` and `handouts packet` build them."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...batch import slugify
from ...content import get_handout, handout_keys
from ...locales import LANGUAGES
from ...render.variants import VARIANTS
from ...sizes import SIZES
from .. import i18n
from ..cache import selection_key
from ..presenters import bundle_name
from ..state import Web
from ..work import do_handouts

# The variants the page offers: the registry's, but not "mono" (black and white,
# added after the page was made): print.html has no label for it, nor its Spanish
# words. To offer a variant here, give it a label in print.html and translate it.
OFFERED_VARIANTS = tuple(name for name in VARIANTS if name != "mono")


def print_context(token: str | None) -> dict[str, Any]:
    handouts = [get_handout(key) for key in handout_keys()]
    return {
        "token": token,
        "handouts": handouts,
        "languages": list(LANGUAGES.values()),
        "sizes": [s for s in SIZES.values() if s.kind != "card"],
        "variants": OFFERED_VARIANTS,
    }


async def print_page(web: Web, request: Request) -> Response:
    token = request.path_params.get("token")
    values = web.profile_values(token)
    context = print_context(token)
    if request.method == "GET":
        stored = values or {}
        own = [code for code in LANGUAGES if stored.get(f"message_{code}") or stored.get(f"hours_{code}")]
        return web.page(
            request,
            "print.html",
            chosen={
                "handout": [],
                "lang": list(dict.fromkeys(["en", *own])),  # and the languages the clinic wrote a line in
                "size": [],
                "variant": "office",
                "packet": False,
                "bilingual": "",
            },
            error="",
            **context,
        )
    form = await web.form(request)
    handouts = [h for h in form.getlist("handout") if isinstance(h, str) and h in handout_keys()]
    langs = [c for c in form.getlist("lang") if isinstance(c, str) and c in LANGUAGES]
    chosen = {
        "handout": handouts,
        "lang": langs,
        "size": [s for s in form.getlist("size") if s in SIZES],
        "variant": str(form.get("variant") or "office"),
        "packet": bool(form.get("packet")),
        "bilingual": "en" if form.get("bilingual") else "",
    }
    error = ""
    if chosen["variant"] not in OFFERED_VARIANTS:
        chosen["variant"] = "office"
    if not chosen["handout"] and not chosen["packet"]:
        error = i18n.gettext("Choose at least one handout.")
    elif not chosen["lang"]:
        error = i18n.gettext("Choose at least one language.")
    if error:
        return web.page(request, "print.html", status=400, chosen=chosen, error=error, **context)
    profile = await asyncio.to_thread(web.make, values) if values else None
    params = {
        "handouts": chosen["handout"],
        "langs": chosen["lang"],
        "sizes": chosen["size"],
        "variant": chosen["variant"],
        "packet": chosen["packet"],
        "bilingual": chosen["bilingual"],
    }
    key = selection_key("handouts", params, profile)
    result = await web.run(request, do_handouts, web.storage.builds / key, params, profile, str(web.storage.fits))
    if result.get("error"):
        return web.page(request, "print.html", status=400, chosen=chosen, error=result["error"], **context)
    download = bundle_name(handouts or ["packets"], langs, slugify(profile.name)[:40] if profile else "")
    job_id = web.storage.add_job("handouts", key, {**result, "token": token, "download": download})
    return RedirectResponse(f"/r/{job_id}", status_code=303)
