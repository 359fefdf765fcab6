"""Red Card sheets: how many cards in which language, on which stock; whole
sheets only (the stock's cards per sheet), made by a worker."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...locales import LANGUAGES
from ...sheets import STOCKS, get_stock
from .. import i18n
from ..cache import selection_key
from ..state import Web
from ..work import do_sheet

DEFAULT_STOCK = "avery-5371"  # the page's first choice (sheets.html shows each stock with its own words)


async def sheets(web: Web, request: Request) -> Response:
    languages = list(LANGUAGES.values())
    if request.method == "GET":
        return web.page(  # nothing pre-filled: every card is one the user asked for
            request,
            "sheets.html",
            languages=languages,
            counts={},
            stock=DEFAULT_STOCK,
            error="",
            per_sheet=get_stock(DEFAULT_STOCK).per_sheet,
        )
    form = await web.form(request)
    counts: dict[str, int] = {}
    error = ""
    for code in LANGUAGES:
        raw = str(form.get(f"count-{code}") or "").strip()
        if raw:
            if not raw.isdigit() or int(raw) > 500:
                error = i18n.gettext("Write the number of cards as a whole number (at most 500).")
            elif int(raw):
                counts[code] = int(raw)
    stock = str(form.get("stock") or DEFAULT_STOCK)
    if stock not in STOCKS:
        stock = DEFAULT_STOCK
    per_sheet = get_stock(stock).per_sheet
    total = sum(counts.values())
    if not error and not total:
        error = i18n.gettext("Write how many cards you want in at least one language.")
    elif not error and total % per_sheet:
        error = i18n.gettext(
            "A sheet holds %(per_sheet)s cards: make the total a multiple of %(per_sheet)s (now %(total)s)."
        ) % {"per_sheet": per_sheet, "total": total}
    if error:
        return web.page(
            request,
            "sheets.html",
            status=400,
            languages=languages,
            counts=counts,
            stock=stock,
            error=error,
            per_sheet=per_sheet,
        )
    params = {"counts": list(counts.items()), "stock": stock}
    key = selection_key("sheet", params, None)
    result = await web.run(request, do_sheet, web.storage.builds / key, params)
    if result.get("error"):
        return web.page(
            request,
            "sheets.html",
            status=400,
            languages=languages,
            counts=counts,
            stock=stock,
            error=result["error"],
            per_sheet=per_sheet,
        )
    job_id = web.storage.add_job("sheet", key, result)
    return RedirectResponse(f"/r/{job_id}", status_code=303)
