"""Many offices: a CSV of offices, built as `handouts batch` builds it, in the
background while the page shows a progress bar."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...content import get_handout, handout_keys
from ...errors import HandoutsError
from ...locales import LANGUAGES
from ...sizes import SIZES
from .. import i18n
from ..batchwork import count_offices, do_offices
from ..cache import cached, selection_key
from ..security import CSV_LIMIT, CSV_MAX_ROWS, MAX_BATCH_JOBS, TooLargeError
from ..state import Web
from . import jobs

# The clinic's columns, then what the office gets (batch.rows.PLAN_COLUMNS); an empty cell takes the page's choice.
BATCH_COOKIE = "batch"
CSV_TEMPLATE = (
    "name,address,phone,hours,website,telehealth,color,slug,hours_es,message_es,"
    "languages,handouts,sizes,packets,cards,signs\r\n"
    '"Example Clinic","123 Example St, Los Angeles, CA 90012","(213) 555-0100",'
    '"Mon-Fri 8-5","https://example.org","","#1d4ed8","example","lunes a viernes, 8-5","Hablamos español",'
    '"en es","know-your-rights","letter poster-18x24","yes","es:20","nonpublic-area"\r\n'
)


def columns() -> dict[str, Any]:
    """What the page lists: the languages to tick, and the names a CSV may use."""
    return {
        "languages": list(LANGUAGES.values()),
        "handout_keys": [key for key in handout_keys() if not get_handout(key).multilingual],
        "sign_keys": [key for key in handout_keys() if get_handout(key).multilingual],
        "size_keys": [key for key, size in SIZES.items() if size.kind != "card"],
    }


async def offices(web: Web, request: Request) -> Response:
    if request.method == "GET":
        return web.page(request, "offices.html", chosen=["en"], errors={}, **columns())
    form = await web.form(request)
    chosen = [c for c in form.getlist("lang") if c in LANGUAGES]
    upload = form.get("csv")
    errors: dict[str, str] = {}  # by field: csv, lang
    data = b""
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["csv"] = i18n.gettext("Choose a CSV file with one row per office.")
    else:
        data = await upload.read(CSV_LIMIT + 1)
        if len(data) > CSV_LIMIT:
            raise TooLargeError("csv")
    if not chosen:
        errors["lang"] = i18n.gettext("Choose at least one language.")
    params = {"csv": hashlib.sha256(data).hexdigest(), "langs": chosen}
    key = selection_key("offices", params, None)
    folder = web.storage.builds / key
    total = 0
    if not errors:
        found = cached(folder)
        if found is not None:
            return RedirectResponse(f"/r/{web.storage.add_job('offices', key, found)}", status_code=303)
        try:  # read every row first (quick): limits are counted on what was read, never on the raw bytes
            total, pages = await asyncio.to_thread(count_offices, folder, data, chosen)
        except HandoutsError as exc:
            errors["csv"] = str(exc)  # the page shows it without the server's paths (Web.page)
        else:
            if not total:
                errors["csv"] = i18n.gettext("The CSV file has no offices: one row per office under a header row.")
            elif total > CSV_MAX_ROWS:
                errors["csv"] = i18n.gettext(
                    "The CSV file has %(rows)s offices; the page makes files for at most %(most)s at once. "
                    "Split it into smaller files, or run handouts batch on your own computer."
                ) % {"rows": f"{total:,}", "most": CSV_MAX_ROWS}
            elif pages > MAX_BATCH_JOBS:
                errors["csv"] = i18n.gettext(
                    "These offices and languages need %(jobs)s pages laid out; the page lays out at most %(most)s "
                    "at once. Choose fewer languages, split the file, or run handouts batch on your own computer."
                ) % {"jobs": f"{pages:,}", "most": f"{MAX_BATCH_JOBS:,}"}
    if errors:
        if folder.is_dir() and cached(folder) is None:
            shutil.rmtree(folder, ignore_errors=True)  # a refused upload is not kept
        return web.page(request, "offices.html", status=400, chosen=chosen, errors=errors, **columns())
    cookie = request.cookies.get(BATCH_COOKIE, "")
    last = web.storage.get_job(cookie) if cookie else None
    previous = str(last[1]) if last and last[0] == "offices" and not last[2].get("running") else ""
    response = jobs.start(
        web,
        "offices",
        key,
        do_offices,
        (data, chosen, previous),
        total,
        timeout=web.limits.batch_seconds,
        extra={"back": "/offices"},
    )
    job_id = str(response.headers["location"]).rsplit("/", 1)[1]
    # this browser's last batch: the next upload starts from it and lists what changed
    response.set_cookie(BATCH_COOKIE, job_id, max_age=365 * 86400, httponly=True, samesite="strict")
    return response


async def csv_template(web: Web, request: Request) -> Response:
    return Response(
        CSV_TEMPLATE,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="offices.csv"'},
    )
