"""Red Card sheets: how many cards in which language, on which stock; whole
sheets only (the stock's cards per sheet), made by a worker."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...locales import LANGUAGES
from ...sheets import STOCKS, get_stock, sheet_chunks
from .. import i18n
from ..cache import cached, selection_key
from ..state import Web
from ..work import do_sheet
from . import jobs

DEFAULT_STOCK = "avery-5371"  # the page's first choice (sheets.html shows each stock with its own words)


async def sheets(web: Web, request: Request) -> Response:
    languages = list(LANGUAGES.values())
    if request.method == "GET":
        asked = {code: request.query_params.get(f"count-{code}", "") for code in LANGUAGES}
        stock_asked = request.query_params.get("stock", DEFAULT_STOCK)
        return web.page(  # nothing pre-filled but what came back from a result: every card is one asked for
            request,
            "sheets.html",
            languages=languages,
            counts={code: int(n) for code, n in asked.items() if n.isdigit() and 0 < int(n) <= 500},
            stock=stock_asked if stock_asked in STOCKS else DEFAULT_STOCK,
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
    found = cached(web.storage.builds / key)
    if found is not None:
        return RedirectResponse(f"/r/{web.storage.add_job('sheet', key, found)}", status_code=303)
    sheets_to_make = len({tuple(chunk) for chunk in sheet_chunks(list(counts.items()), per_sheet)})
    back = "/sheets?" + urlencode([(f"count-{code}", n) for code, n in counts.items()] + [("stock", stock)])
    return jobs.start(web, "sheet", key, do_sheet, (params,), sheets_to_make, extra={"back": back})
