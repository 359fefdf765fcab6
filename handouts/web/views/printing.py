"""What to print: handouts, languages, sizes, a variant and packets, built by
a worker as `handouts build` and `handouts packet` build them."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...batch import slugify
from ...content import get_handout, handout_keys
from ...errors import HandoutsError
from ...locales import LANGUAGES
from ...plan import plan_each
from ...render.variants import VARIANTS
from ...sizes import SIZES
from .. import i18n
from ..cache import cached, selection_key
from ..labels import label
from ..presenters import bundle_name
from ..state import Web
from ..work import do_handouts
from . import jobs

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


SECONDS_PER_FILE = 6.0  # measured about 1.5-2 s a file on 2 cores (the usability test of 2026-12-03)


def size_note(key: str, sizes: list[str]) -> str:
    """Why a handout came out in another size than the ones ticked."""
    spec = get_handout(key)
    return i18n.gettext("%(handout)s does not come in %(sizes)s, so it was made in its usual size: %(usual)s.") % {
        "handout": label(spec.name),
        "sizes": ", ".join(label(SIZES[s].description) for s in sizes),
        "usual": ", ".join(label(SIZES[s].description) for s in spec.default_sizes),
    }


def read_choice(source: Any) -> dict[str, Any]:
    """The choices of the form (a POST's form or a GET's query string), each checked against what exists."""
    return {
        "handout": [h for h in source.getlist("handout") if isinstance(h, str) and h in handout_keys()],
        "lang": [c for c in source.getlist("lang") if isinstance(c, str) and c in LANGUAGES],
        "size": [s for s in source.getlist("size") if isinstance(s, str) and s in SIZES],
        "variant": str(source.get("variant") or "office") if source.get("variant") in OFFERED_VARIANTS else "office",
        "packet": bool(source.get("packet")),
        "bilingual": "en" if source.get("bilingual") else "",
    }


def again_link(token: str | None, chosen: dict[str, Any]) -> str:
    """What to print, with these choices ticked again (the way back from a result)."""
    pairs = [(name, value) for name in ("handout", "lang", "size") for value in chosen[name]]
    pairs += [("variant", chosen["variant"])] + [(n, "1") for n in ("packet", "bilingual") if chosen[n]]
    return f"{'/c/' + token if token else ''}/print?{urlencode(pairs)}"


async def print_page(web: Web, request: Request) -> Response:
    token = request.path_params.get("token")
    values = web.profile_values(token)
    context = print_context(token)
    if request.method == "GET":
        stored = values or {}
        own = [code for code in LANGUAGES if stored.get(f"message_{code}") or stored.get(f"hours_{code}")]
        chosen = read_choice(request.query_params)
        if not chosen["lang"]:
            chosen["lang"] = list(dict.fromkeys(["en", *own]))  # and the languages the clinic wrote a line in
        return web.page(request, "print.html", chosen=chosen, error="", **context)
    form = await web.form(request)
    chosen = read_choice(form)
    handouts, langs = chosen["handout"], chosen["lang"]
    error = ""
    if not handouts and not chosen["packet"]:
        error = i18n.gettext("Choose at least one handout.")
    elif not langs:
        error = i18n.gettext("Choose at least one language.")
    profile = await asyncio.to_thread(web.make, values) if values and not error else None
    jobs_planned: list[Any] = []
    fell_back: list[str] = []
    if not error and handouts:
        try:  # quick, and a choice that cannot be made is said here, beside the form
            jobs_planned, fell_back = plan_each(handouts, langs, chosen["size"], chosen["variant"], profile)
        except HandoutsError as exc:
            error = str(exc)
    if error:
        return web.page(request, "print.html", status=400, chosen=chosen, error=error, **context)
    params = {
        "handouts": handouts,
        "langs": langs,
        "sizes": chosen["size"],
        "variant": chosen["variant"],
        "packet": chosen["packet"],
        "bilingual": chosen["bilingual"],
    }
    key = selection_key("handouts", params, profile)
    download = bundle_name(handouts or ["packets"], langs, slugify(profile.name)[:40] if profile else "")
    extra = {
        "token": token,
        "download": download,
        "back": again_link(token, chosen),
        "size_notes": [size_note(key, chosen["size"]) for key in fell_back],
    }
    found = cached(web.storage.builds / key)
    if found is not None:
        return RedirectResponse(f"/r/{web.storage.add_job('handouts', key, {**found, **extra})}", status_code=303)
    packets = len([c for c in langs if c != chosen["bilingual"]]) if chosen["packet"] else 0
    total = len(jobs_planned) + packets
    # --render-seconds bounds an ordinary choice; a big one (every handout in every language) gets
    # SECONDS_PER_FILE for each file it plans, a few times the measured pace (the progress bar shows it)
    limit = max(web.limits.render_seconds, SECONDS_PER_FILE * total)
    args = (params, profile, str(web.storage.fits))
    return jobs.start(web, "handouts", key, do_handouts, args, total, timeout=limit, extra=extra)
