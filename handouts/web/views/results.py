"""A job's page (/r/{job}): its files with previews, warnings in plain words
and a note on draft text, or a progress bar while a batch builds; then the
files themselves (PDFs, pictures, ZIPs, the batch summary)."""

from __future__ import annotations

from pathlib import PurePosixPath

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ...labels import language_label
from .. import i18n
from ..presenters import as_notice, download_name, plain_warning
from ..state import Web
from . import jobs


async def result(web: Web, request: Request) -> Response:
    kind, folder, result = web.job(request)
    job_id = str(request.path_params["job"])
    if result.get("running"):
        if job_id not in web.running:  # the server stopped while it built
            stopped = i18n.gettext("This stopped before it was done (the page was restarted). Make it again.")
            result = {**result, "error": stopped}
        else:
            now = jobs.state(web, job_id, folder, result, kind)
            return web.page(request, "progress.html", job=job_id, kind=kind, back=result.get("back", ""), **now)
    warnings = [plain_warning(as_notice(w)) for w in result.get("warnings", [])]
    drafts = []
    for entry in result.get("files", []):
        if entry.get("review_status") == "draft":
            for code in entry.get("langs", []):
                text = (
                    i18n.gettext("The English text has not yet been checked by a lawyer.")
                    if code == "en"
                    else i18n.gettext(
                        "The text in %(language)s is a draft translation: no person who reads it has checked it yet."
                    )
                    % {"language": language_label(code, True)}
                )
                if text not in drafts:
                    drafts.append(text)
    return web.page(
        request,
        "result.html",
        kind=kind,
        job=request.path_params["job"],
        result=result,
        warnings=warnings,
        drafts=drafts,
    )


async def bundle(web: Web, request: Request) -> Response:
    kind, folder, result = web.job(request)
    path = folder / "bundle.zip"
    if not path.is_file():
        raise HTTPException(404, "Not found.")
    files = result.get("files") or [{"name": f"handouts-{kind}.pdf"}]
    name = str(result.get("download") or PurePosixPath(download_name(files[0]["name"])).with_suffix(".zip"))
    return FileResponse(path, media_type="application/zip", filename=name)


async def file(web: Web, request: Request) -> Response:
    _kind, folder, result = web.job(request)
    files = result.get("files", [])
    index = int(request.path_params["index"])
    if not 0 <= index < len(files):
        raise HTTPException(404, "Not found.")
    name = files[index]["name"]  # written by the worker, not by the request
    return FileResponse(folder / "files" / name, media_type="application/pdf", filename=download_name(name))


async def preview(web: Web, request: Request) -> Response:
    _kind, folder, _result = web.job(request)
    index, page = int(request.path_params["index"]), int(request.path_params["page"])
    path = folder / "previews" / f"{index}-{page}.png"
    if not path.is_file():
        raise HTTPException(404, "Not found.")
    return FileResponse(path, media_type="image/png")


async def office_zip(web: Web, request: Request) -> Response:
    _kind, folder, result = web.job(request)
    offices = [o for o in result.get("offices", []) if o.get("zip")]
    index = int(request.path_params["index"])
    if not 0 <= index < len(offices):
        raise HTTPException(404, "Not found.")
    return FileResponse(
        folder / "offices" / offices[index]["zip"], media_type="application/zip", filename=offices[index]["zip"]
    )


async def batch_zip(web: Web, request: Request) -> Response:
    """all.zip (every office's ZIP and the summary) or reprint.zip (only what changed since the last upload)."""
    _kind, folder, _result = web.job(request)
    name = str(request.path_params["name"])
    path = folder / f"{name}.zip"
    if name not in ("all", "reprint") or not path.is_file():
        raise HTTPException(404, "Not found.")
    return FileResponse(path, media_type="application/zip", filename=f"offices-{name}.zip")


async def summary(web: Web, request: Request) -> Response:
    _kind, folder, _result = web.job(request)
    path = folder / "offices" / "summary.csv"
    if not path.is_file():
        raise HTTPException(404, "Not found.")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="summary.csv")
