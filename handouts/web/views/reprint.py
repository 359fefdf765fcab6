"""What to reprint: for a saved clinic, what changed since its files were last
made (a fact, a statement of law and its review date, a text, the clinic's own
details), which files that touches and why, and a button that makes only those
again (a job with a progress bar, like any other).

The comparison is the library's (`changes.compare`, what `handouts changes`
prints), against the manifest each job left in its folder.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ...changes import Change, compare
from ...clinic.profile import Profile
from ...output import read_manifest
from ..cache import selection_key
from ..state import Web
from ..work import do_handouts
from . import jobs

SHOWN = 5  # the clinic's latest jobs that are shown


def changed_files(folder: Path, profile: Profile) -> tuple[list[Change], dict[str, dict[str, Any]]]:
    """The files of an earlier job that a build today would make differently, with why; and its manifest."""
    files = folder / "files"
    return compare(files, profile=profile.digest), read_manifest(files)


def earlier(web: Web, token: str, profile: Profile) -> list[dict[str, Any]]:
    """The clinic's latest jobs whose files are still kept, each with what changed."""
    shown, seen = [], set()
    for job_id, folder, result, when in web.storage.clinic_jobs(token):
        if folder in seen or not (folder / "files").is_dir() or result.get("running"):
            continue
        seen.add(folder)
        changes, manifest = changed_files(folder, profile)
        by_path = {c.path: c for c in changes if c.status == "changed"}
        shown.append(
            {
                "job": job_id,
                "when": dt.datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M"),
                "files": [
                    {"name": name, "reasons": by_path[name].reasons if name in by_path else []}
                    for name in sorted(manifest)
                ],
                "changed": len(by_path),
            }
        )
        if len(shown) == SHOWN:
            break
    return shown


async def reprint(web: Web, request: Request) -> Response:
    token = str(request.path_params["token"])
    values = web.profile_values(token)
    assert values is not None
    profile = await asyncio.to_thread(web.make, values)
    if request.method == "GET":
        found = await asyncio.to_thread(earlier, web, token, profile)
        return web.page(request, "reprint.html", token=token, earlier=found)
    form = await web.form(request)
    job_id = str(form.get("job") or "")
    record = web.storage.get_job(job_id)
    if record is None or record[2].get("token") != token:
        raise HTTPException(404, "Not found.")
    _kind, folder, _result = record
    changes, manifest = await asyncio.to_thread(changed_files, folder, profile)
    paths = [c.path for c in changes if c.status == "changed" and c.path in manifest]
    if not paths:
        found = await asyncio.to_thread(earlier, web, token, profile)
        return web.page(request, "reprint.html", token=token, earlier=found, nothing=True)
    entries = [manifest[p] for p in paths]
    only = [
        {
            "handout": e["handout"],
            "languages": e.get("languages") or [e["language"]],
            "size": e["size"],
            "variant": e.get("variant", "office"),
        }
        for e in entries
        if e.get("kind", "") != "packet"
    ]
    packets = [e for e in entries if e.get("kind") == "packet"]
    bilingual = next((e["languages"][1] for e in packets if len(e.get("languages", [])) > 1), "")
    params = {
        "handouts": [],
        "langs": [e["languages"][0] for e in packets],
        "sizes": [],
        "variant": "office",
        "packet": bool(packets),
        "bilingual": bilingual,
        "only": only,
    }
    key = selection_key("reprint", {"from": folder.name, "paths": paths}, profile)
    extra = {"token": token, "download": f"reprint-{len(paths)}-files.zip", "back": f"/c/{token}/reprint"}
    args = (params, profile, str(web.storage.fits))
    return jobs.start(web, "handouts", key, do_handouts, args, len(paths), extra=extra)
