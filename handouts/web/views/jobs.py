"""Jobs that run while the page shows their progress: one clinic's handouts,
Red Card sheets, many offices. A job starts in a worker (`start`: BusyError
at once when the queue is full), the browser goes to its result page, which
shows a progress bar (`progress.html`, polled through `job_progress`) until the
worker is done (`finish` records the result), then the result.

The estimate is honest: from this job's own pace once a file is done, before
that from the pace of this server's earlier jobs (`Web.pace`, per file and per
office, which starts at the pace measured for the usability test).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from .. import i18n
from ..cache import progress
from ..pool import TooSlowError, WorkerLostError
from ..presenters import DISK_FULL, TOO_SLOW, WORKER_LOST, disk_full
from ..state import Web


def start(
    web: Web,
    kind: str,
    key: str,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    total: int,
    timeout: float | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Queue the job, record it as running, and send the browser to its page."""
    folder = web.storage.builds / key
    folder.mkdir(parents=True, exist_ok=True)  # the job's page finds it at once (and retention leaves it be)
    task = web.pool.submit(function, str(folder), *args, timeout=timeout)  # BusyError: 503
    extra = extra or {}
    job_id = web.storage.add_job(kind, key, {"running": True, "total": total, "started": time.time(), **extra})
    web.running[job_id] = asyncio.ensure_future(finish(web, job_id, task, total, extra, unit(kind)))
    return RedirectResponse(f"/r/{job_id}", status_code=303)


def unit(kind: str) -> str:
    """What a job of this kind counts."""
    return "offices" if kind == "offices" else "files"


async def finish(
    web: Web, job_id: str, task: asyncio.Task[Any], total: int, extra: dict[str, Any], counts: str
) -> None:
    """Record a job's result when its worker is done (the page polls for it)."""
    began = time.monotonic()
    try:
        result = await task
        web.learn_pace(counts, time.monotonic() - began, total)
    except TooSlowError:
        result = {"error": i18n.gettext(TOO_SLOW)}
    except WorkerLostError:
        result = {"error": i18n.gettext(WORKER_LOST)}
    except Exception as exc:  # anything else: say so on the page, never a traceback
        result = {"error": i18n.gettext(DISK_FULL if disk_full(exc) else "This stopped before it was done. Try again.")}
    try:
        web.storage.update_job(job_id, {**result, **extra, "total": total})
    finally:
        web.running.pop(job_id, None)
    await web.sweep()


def state(web: Web, job_id: str, folder: Any, result: dict[str, Any], kind: str) -> dict[str, Any]:
    """{done, total, finished, text}: what the progress bar shows, in the page's language."""
    running = bool(result.get("running")) and job_id in web.running
    total = int(result.get("total") or 0)
    if not running:
        return {"done": total, "total": total, "finished": True, "text": ""}
    done, last = progress(folder)
    done = min(done, total)
    elapsed = max(0.0, time.time() - float(result.get("started") or time.time()))
    left = elapsed / done * (total - done) if done else max(0.0, total * web.pace[unit(kind)] - elapsed)
    numbers = {"done": done, "total": total}
    if kind == "offices":
        text = i18n.ngettext("%(done)s of %(total)s office done.", "%(done)s of %(total)s offices done.", total)
    else:
        text = i18n.ngettext("%(done)s of %(total)s file done.", "%(done)s of %(total)s files done.", total)
    text = text % numbers
    text += " " + about(left)
    if last:
        text += " " + i18n.gettext("Last done: %(last)s.") % {"last": last}
    return {"done": done, "total": total, "finished": False, "text": text}


def about(seconds: float) -> str:
    """'About 40 seconds left.' / 'About 3 minutes left.' / 'Almost done.'"""
    if seconds < 5:
        return i18n.gettext("Almost done.")
    if seconds < 90:
        return i18n.gettext("About %(n)s seconds left.") % {"n": round(seconds / 5) * 5 or 5}
    return i18n.gettext("About %(n)s minutes left.") % {"n": round(seconds / 60)}


async def job_progress(web: Web, request: Request) -> Response:
    job_id = str(request.path_params["job"])
    kind, folder, result = web.job(request)
    return JSONResponse(state(web, job_id, folder, result, kind), headers={"cache-control": "no-store"})
