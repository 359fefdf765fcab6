"""The web page: Starlette routes, security middleware and Jinja2 pages.

Every page works with plain form posts (no script is needed). Rendering runs
in `pool.Workers`, never on the event loop; profiles and job records live in
`storage.Storage` in the data folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import hashlib
import io
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..content import COMMON, SOURCE_LANGUAGE, available_languages, get_handout, handout_keys
from ..errors import HandoutsError
from ..locales import LANGUAGES
from ..profile import LANGUAGE_FIELDS, MAX_LOGO_BYTES, MAX_MESSAGE_CHARS, Profile, is_field, make_profile
from ..sizes import SIZES
from . import i18n
from .cache import cached, progress, selection_key
from .pool import BusyError, TooSlowError, Workers
from .storage import Storage, sniff_logo
from .uifonts import UI_FONTS, ui_font
from .work import PEEK, THUMB, count_offices, do_handouts, do_offices, do_peek, do_proof, do_sheet, do_thumbnail

HERE = Path(__file__).parent
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_LIMIT = 64_000  # a form without a file
LOGO_LIMIT = MAX_LOGO_BYTES
CSV_LIMIT = 1_000_000
CSV_MAX_ROWS = 500
SLACK = 16_000  # the other fields and multipart headers around a file
RATE_LIMIT = 60  # POSTs per client per minute, when serving a network
LOCAL_RATE_LIMIT = 1000  # on 127.0.0.1 there is one person (or a benchmark)
TEXT_FIELDS = ("name", "address", "phone", "hours", "website", "telehealth", "color")
# per language: message_ko, hours_es, ... (see handouts.profile.LANGUAGE_FIELDS)
LANGUAGE_TEXT_FIELDS = tuple(f"{name}_{code}" for code in LANGUAGES for name in LANGUAGE_FIELDS)
VARIANTS = ("office", "large-print", "print-shop")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
TOO_LARGE = "The upload is too large: a logo may be up to 2 MB, a CSV up to 1 MB and 500 rows."
CSV_TEMPLATE = (
    "name,address,phone,hours,website,telehealth,color,slug,hours_es,message_es\r\n"
    '"Example Clinic","123 Example St, Los Angeles, CA 90012","(213) 555-0100",'
    '"Mon-Fri 8-5","https://example.org","","#1d4ed8","example","lunes a viernes, 8-5","Hablamos español"\r\n'
)


class TooLargeError(Exception):
    def __init__(self, what: str = "upload"):
        self.what = what


def body_limit(path: str) -> int:
    if path == "/clinic" or (path.startswith("/c/") and path.count("/") == 2):
        return LOGO_LIMIT + SLACK
    if path == "/offices":
        return CSV_LIMIT + SLACK
    return FORM_LIMIT


class Guard:
    """Security headers, the CSRF cookie, upload limits enforced while the body
    streams in, and a per-client limit on POSTs."""

    def __init__(self, app: ASGIApp, rate_limit: int = RATE_LIMIT):
        self.app = app
        self.rate_limit = rate_limit
        self.posts: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookie = _cookie(headers.get("cookie", ""), "csrf")
        token = cookie if cookie and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", cookie) else secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = token
        new_cookie = token != cookie

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not any(k.lower() == b"cache-control" for k, _ in message.get("headers", [])):
                    extra.append((b"cache-control", b"no-store"))
                if new_cookie:
                    extra.append((b"set-cookie", f"csrf={token}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        lang = i18n.choose(_cookie(headers.get("cookie", ""), "ui_lang"), headers.get("accept-language", ""))
        with i18n.active(lang):
            await self.route(scope, receive, send_with_headers, headers)

    async def route(self, scope: Scope, receive: Receive, send_with_headers: Send, headers: dict[str, str]) -> None:
        if scope["method"] == "POST":
            client = (scope.get("client") or ("?", 0))[0]
            now, window = time.monotonic(), self.posts[client]
            while window and window[0] < now - 60:
                window.popleft()
            if len(window) >= self.rate_limit:
                await _plain(send_with_headers, 429, "Too many requests: wait a minute.", [(b"retry-after", b"60")])
                return
            window.append(now)
            limit = body_limit(scope["path"])
            try:
                declared = int(headers.get("content-length", "0"))
            except ValueError:
                declared = 0
            if declared > limit:
                await _plain(send_with_headers, 413, i18n.gettext(TOO_LARGE))
                return
            received = 0

            async def limited() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise TooLargeError()
                return message

            await self.app(scope, limited, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


async def _plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- helpers ---------------------------------------------------------------


def field_errors(problems: list[str]) -> tuple[dict[str, str], list[str]]:
    """Profile problems by field ('clinic: field 'phone': ...' -> {'phone': ...})."""
    by_field: dict[str, str] = {}
    other = []
    for problem in problems:
        match = re.match(r"[^:]*: field '([\w-]+)'[:]? ?(.*)", problem, re.S)
        if match and is_field(match.group(1)):
            message = match.group(2).strip()
            message = re.sub(r"(/[^\s]*)?/([0-9a-f]{64})\.(png|jpg|svg)", "the logo", message)
            code = match.group(1).partition("_")[2]
            if code in LANGUAGES:  # "cannot be printed with the ko fonts" -> "... the Korean fonts"
                message = message.replace(f" {code} fonts", f" {LANGUAGES[code].english_name} fonts")
            if message.startswith("has "):  # "field 'x' has 130 characters; ..."
                message = "This field " + message
            by_field.setdefault(match.group(1), message[:1].upper() + message[1:])
        else:
            other.append(problem.split(": ", 1)[-1])
    return by_field, other


def translation_status() -> list[dict[str, Any]]:
    """Per language, then per handout (the shared words first): strings in
    total, reviewed, draft, changed in English (stale), and who reviewed how
    many strings on which day. From handouts.translations, as `handouts
    translations status` shows it."""
    from ..translations import summary, translated_strings

    out = []
    for code, language in LANGUAGES.items():
        if code == SOURCE_LANGUAGE:
            continue
        rows = []
        for key in (COMMON, *handout_keys()):
            if code not in available_languages(key):
                continue
            strings = translated_strings(key, code)
            reviewers: dict[tuple[str, str], int] = {}
            for string in strings:
                if string.state == "reviewed" and string.review is not None:
                    who = (str(string.review.by), string.review.on.isoformat() if string.review.on else "")
                    reviewers[who] = reviewers.get(who, 0) + 1
            rows.append(
                {
                    "key": key,
                    "name": "" if key == COMMON else get_handout(key).name,
                    "total": len(strings),
                    **{state: sum(s.state == state for s in strings) for state in ("reviewed", "draft", "stale")},
                    "reviewers": sorted(reviewers.items(), key=lambda item: (item[0][1], item[0][0])),
                }
            )
        counts = summary(code)
        out.append({"language": language, "summary": counts, "rows": rows})
    return out


def plain_warning(text: str) -> str:
    """A build warning in plain words."""
    match = re.match(r"fact '[^']*': (?:QR )?link (\S+) is (\w+), not confirmed", text)
    if match:
        return (
            f"We have not confirmed the link {match.group(1)} yet ({match.group(2)}). Check it opens before you print."
        )
    if text.startswith("claim review: "):
        return "A statement about the law is due for review soon: " + text.removeprefix("claim review: ")
    match = re.match(r"claim '[^']*' is ([\w ]+), not confirmed; (.*)", text)
    if match:
        return f"One statement on this handout is {match.group(1)}, not fully confirmed: {match.group(2)}"
    return text


class Web:
    def __init__(self, data: Path, workers: int = 2, capacity: int = 8, timeout: float = 300.0):
        self.storage = Storage(data)
        self.pool = Workers(workers, capacity, timeout)
        self.running: dict[str, asyncio.Task[Any]] = {}  # job id -> a batch still building
        self.thumbs = asyncio.Lock()  # one thumbnail at a time: the other workers stay free for people
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"], default=True),
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals["max_message"] = MAX_MESSAGE_CHARS
        self.env.globals["all_languages"] = list(LANGUAGES.values())

    # pages
    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = i18n.choose(request.cookies.get("ui_lang"), request.headers.get("accept-language", ""))
        with i18n.active(lang):
            html = self.env.get_template(name).render(
                request=request,
                csrf=request.scope["state"]["csrf"],
                ui_lang=lang,
                ui_langs=i18n.UI_LANGUAGES,
                path=request.url.path,
                **context,
            )
        response = HTMLResponse(html, status_code=status)
        if status == 503:
            response.headers["retry-after"] = "5"
        return response

    async def form(self, request: Request) -> FormData:
        form = await request.form(max_files=2, max_fields=200)
        sent = form.get("csrf_token")
        cookie = request.cookies.get("csrf", "")
        if not isinstance(sent, str) or not cookie or not secrets.compare_digest(sent, cookie):
            raise HTTPException(403, "This form has expired or came from another site. Reload the page and try again.")
        return form

    def profile_values(self, token: str | None) -> dict[str, str] | None:
        if token is None:
            return None
        values = self.storage.get_profile(token)
        if values is None:
            raise HTTPException(404, "Not found.")
        return values

    def make(self, values: dict[str, str]) -> Profile:
        return make_profile(values, "clinic", self.storage.logos)

    async def run(self, request: Request, function: Callable[..., Any], folder: Path, *args: Any) -> Any:
        """A job's summary: from the cache when the same choices were made before, else from a worker."""
        found = cached(folder)
        if found is not None:
            return found
        return await self.pool.run(function, str(folder), *args)

    # routes
    async def home(self, request: Request) -> Response:
        return self.page(request, "clinic.html", values={}, errors={}, other=[], token=None, saved=False)

    async def clinic(self, request: Request) -> Response:
        token = request.path_params.get("token")
        stored = self.profile_values(token)
        if request.method == "GET":
            return self.page(
                request,
                "clinic.html",
                values=stored,
                errors={},
                other=[],
                token=token,
                saved="saved" in request.query_params,
            )
        form = await self.form(request)
        values = {key: str(form.get(key) or "").strip() for key in TEXT_FIELDS + LANGUAGE_TEXT_FIELDS}
        values = {k: v for k, v in values.items() if v}
        errors: dict[str, str] = {}
        logo = form.get("logo")
        if stored and stored.get("logo") and not form.get("remove_logo"):
            values["logo"] = stored["logo"]
        if isinstance(logo, UploadFile) and logo.filename:
            data = await logo.read(LOGO_LIMIT + 1)
            if len(data) > LOGO_LIMIT:
                raise TooLargeError("logo")
            kind = sniff_logo(data)
            if kind is None:
                errors["logo"] = "The logo must be a PNG, JPEG or SVG image."
            else:
                values["logo"] = self.storage.save_logo(data, kind)
        other: list[str] = []
        if not errors:
            try:
                await asyncio.to_thread(self.make, values)
            except HandoutsError as exc:
                errors, other = field_errors(getattr(exc, "problems", None) or [str(exc)])
        if errors or other:
            return self.page(
                request, "clinic.html", status=400, values=values, errors=errors, other=other, token=token, saved=False
            )
        if token is None:
            token = self.storage.new_profile(values)
        else:
            self.storage.update_profile(token, values)
        return RedirectResponse(f"/c/{token}?saved=1", status_code=303)

    def print_context(self, token: str | None) -> dict[str, Any]:
        handouts = [get_handout(key) for key in handout_keys()]
        return {
            "token": token,
            "handouts": handouts,
            "languages": list(LANGUAGES.values()),
            "sizes": [s for s in SIZES.values() if s.kind != "card"],
            "variants": VARIANTS,
        }

    async def print_page(self, request: Request) -> Response:
        token = request.path_params.get("token")
        values = self.profile_values(token)
        context = self.print_context(token)
        if request.method == "GET":
            stored = values or {}
            own = [code for code in LANGUAGES if stored.get(f"message_{code}") or stored.get(f"hours_{code}")]
            return self.page(
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
        form = await self.form(request)
        chosen = {
            "handout": [h for h in form.getlist("handout") if h in handout_keys()],
            "lang": [c for c in form.getlist("lang") if c in LANGUAGES],
            "size": [s for s in form.getlist("size") if s in SIZES],
            "variant": str(form.get("variant") or "office"),
            "packet": bool(form.get("packet")),
            "bilingual": "en" if form.get("bilingual") else "",
        }
        error = ""
        if chosen["variant"] not in VARIANTS:
            chosen["variant"] = "office"
        if not chosen["handout"] and not chosen["packet"]:
            error = i18n.gettext("Choose at least one handout.")
        elif not chosen["lang"]:
            error = i18n.gettext("Choose at least one language.")
        if error:
            return self.page(request, "print.html", status=400, chosen=chosen, error=error, **context)
        profile = await asyncio.to_thread(self.make, values) if values else None
        params = {
            "handouts": chosen["handout"],
            "langs": chosen["lang"],
            "sizes": chosen["size"],
            "variant": chosen["variant"],
            "packet": chosen["packet"],
            "bilingual": chosen["bilingual"],
        }
        key = selection_key("handouts", params, profile)
        result = await self.run(request, do_handouts, self.storage.builds / key, params, profile)
        if result.get("error"):
            return self.page(request, "print.html", status=400, chosen=chosen, error=result["error"], **context)
        job_id = self.storage.add_job("handouts", key, {**result, "token": token})
        return RedirectResponse(f"/r/{job_id}", status_code=303)

    async def sheets(self, request: Request) -> Response:
        languages = list(LANGUAGES.values())
        if request.method == "GET":
            return self.page(
                request, "sheets.html", languages=languages, counts={"en": 10}, stock="avery-5371", error=""
            )
        form = await self.form(request)
        counts: dict[str, int] = {}
        error = ""
        for code in LANGUAGES:
            raw = str(form.get(f"count-{code}") or "").strip()
            if raw:
                if not raw.isdigit() or int(raw) > 500:
                    error = i18n.gettext("Write the number of cards as a whole number (at most 500).")
                elif int(raw):
                    counts[code] = int(raw)
        stock = str(form.get("stock") or "avery-5371")
        if stock not in ("avery-5371", "plain-letter"):
            stock = "avery-5371"
        total = sum(counts.values())
        if not error and not total:
            error = i18n.gettext("Write how many cards you want in at least one language.")
        elif not error and total % 10:
            error = i18n.gettext("A sheet holds 10 cards: make the total a multiple of 10 (now %(total)s).") % {
                "total": total
            }
        if error:
            return self.page(
                request, "sheets.html", status=400, languages=languages, counts=counts, stock=stock, error=error
            )
        params = {"counts": list(counts.items()), "stock": stock}
        key = selection_key("sheet", params, None)
        result = await self.run(request, do_sheet, self.storage.builds / key, params)
        if result.get("error"):
            return self.page(
                request,
                "sheets.html",
                status=400,
                languages=languages,
                counts=counts,
                stock=stock,
                error=result["error"],
            )
        job_id = self.storage.add_job("sheet", key, result)
        return RedirectResponse(f"/r/{job_id}", status_code=303)

    def job(self, request: Request) -> tuple[str, Path, dict[str, Any]]:
        found = self.storage.get_job(str(request.path_params["job"]))
        if found is None:
            raise HTTPException(404, "Not found.")
        return found

    async def result(self, request: Request) -> Response:
        kind, folder, result = self.job(request)
        job_id = str(request.path_params["job"])
        if result.get("running"):
            if job_id not in self.running:  # the server stopped while it built
                result = {"error": i18n.gettext("This batch stopped before it was done. Make it again.")}
            else:
                total = int(result.get("total") or 0)
                return self.page(request, "progress.html", job=job_id, done=min(progress(folder), total), total=total)
        warnings = [plain_warning(w) for w in result.get("warnings", [])]
        drafts = []
        for entry in result.get("files", []):
            if entry.get("review_status") == "draft":
                for code in entry.get("langs", []):
                    language = LANGUAGES[code]
                    text = (
                        i18n.gettext("The English text has not yet been checked by a lawyer.")
                        if code == "en"
                        else i18n.gettext(
                            "The %(name)s (%(native)s) text is a draft translation: "
                            "no person who reads it has checked it yet."
                        )
                        % {"name": language.english_name, "native": language.native_name}
                    )
                    if text not in drafts:
                        drafts.append(text)
        return self.page(
            request,
            "result.html",
            kind=kind,
            job=request.path_params["job"],
            result=result,
            warnings=warnings,
            drafts=drafts,
        )

    async def bundle(self, request: Request) -> Response:
        kind, folder, _result = self.job(request)
        path = folder / "bundle.zip"
        if not path.is_file():
            raise HTTPException(404, "Not found.")
        return FileResponse(path, media_type="application/zip", filename=f"handouts-{kind}.zip")

    async def file(self, request: Request) -> Response:
        _kind, folder, result = self.job(request)
        files = result.get("files", [])
        index = int(request.path_params["index"])
        if not 0 <= index < len(files):
            raise HTTPException(404, "Not found.")
        name = files[index]["name"]  # written by the worker, not by the request
        return FileResponse(folder / "files" / name, media_type="application/pdf", filename=Path(name).name)

    async def preview(self, request: Request) -> Response:
        _kind, folder, _result = self.job(request)
        index, page = int(request.path_params["index"]), int(request.path_params["page"])
        path = folder / "previews" / f"{index}-{page}.png"
        if not path.is_file():
            raise HTTPException(404, "Not found.")
        return FileResponse(path, media_type="image/png")

    async def offices(self, request: Request) -> Response:
        languages = list(LANGUAGES.values())
        if request.method == "GET":
            return self.page(request, "offices.html", languages=languages, chosen=["en"], errors={})
        form = await self.form(request)
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
            try:
                rows = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1
            except (UnicodeDecodeError, csv.Error):
                rows = 0
            if rows > CSV_MAX_ROWS:
                raise TooLargeError("csv")
        if not chosen:
            errors["lang"] = i18n.gettext("Choose at least one language.")
        params = {"csv": hashlib.sha256(data).hexdigest(), "langs": chosen}
        key = selection_key("offices", params, None)
        folder = self.storage.builds / key
        total = 0
        if not errors:
            found = cached(folder)
            if found is not None:
                return RedirectResponse(f"/r/{self.storage.add_job('offices', key, found)}", status_code=303)
            try:  # read every row first (quick): a file that is not a list of offices is an error beside its field
                total = await asyncio.to_thread(count_offices, folder, data, chosen)
            except HandoutsError as exc:
                errors["csv"] = str(exc).replace(str(folder / "offices.csv"), "offices.csv")
            else:
                if not total:
                    errors["csv"] = i18n.gettext("The CSV file has no offices: one row per office under a header row.")
        if errors:
            return self.page(request, "offices.html", status=400, languages=languages, chosen=chosen, errors=errors)
        task = self.pool.submit(do_offices, str(folder), data, chosen)  # BusyError: 503 at once
        job_id = self.storage.add_job("offices", key, {"running": True, "total": total})
        self.running[job_id] = asyncio.ensure_future(self.finish(job_id, task))
        return RedirectResponse(f"/r/{job_id}", status_code=303)

    async def finish(self, job_id: str, task: asyncio.Task[Any]) -> None:
        """Record a batch's result when its worker is done (the page polls for it)."""
        try:
            result = await task
        except TooSlowError:
            result = {"error": i18n.gettext("This took too long. Choose fewer handouts or languages and try again.")}
        except Exception as exc:  # a worker that died: say so on the page, never a traceback
            result = {"error": f"The batch stopped: {type(exc).__name__}. Try again."}
        try:
            self.storage.update_job(job_id, result)
        finally:
            self.running.pop(job_id, None)

    async def job_progress(self, request: Request) -> Response:
        """{done, total, finished}: what the progress bar shows."""
        from starlette.responses import JSONResponse

        job_id = str(request.path_params["job"])
        _kind, folder, result = self.job(request)
        running = bool(result.get("running")) and job_id in self.running
        total = int(result.get("total") or 0) if result.get("running") else len(result.get("offices", []))
        done = min(progress(folder), total) if running else total
        return JSONResponse({"done": done, "total": total, "finished": not running})

    async def office_zip(self, request: Request) -> Response:
        _kind, folder, result = self.job(request)
        offices = [o for o in result.get("offices", []) if o.get("zip")]
        index = int(request.path_params["index"])
        if not 0 <= index < len(offices):
            raise HTTPException(404, "Not found.")
        return FileResponse(
            folder / "offices" / offices[index]["zip"], media_type="application/zip", filename=offices[index]["zip"]
        )

    async def summary(self, request: Request) -> Response:
        _kind, folder, _result = self.job(request)
        path = folder / "offices" / "summary.csv"
        if not path.is_file():
            raise HTTPException(404, "Not found.")
        return FileResponse(path, media_type="text/csv; charset=utf-8", filename="summary.csv")

    async def font(self, request: Request) -> Response:
        name = str(request.path_params["name"])
        if name not in UI_FONTS:
            raise HTTPException(404, "Not found.")
        data = await asyncio.to_thread(ui_font, name)
        kind = "font/otf" if UI_FONTS[name][0].endswith(".otf") else "font/ttf"
        return Response(data, media_type=kind, headers={"cache-control": "public, max-age=86400"})

    async def translations(self, request: Request) -> Response:
        status = await asyncio.to_thread(translation_status)
        return self.page(request, "translations.html", status_rows=status)

    def translation_language(self, request: Request) -> str:
        code = str(request.path_params["lang"])
        if code not in LANGUAGES or code == SOURCE_LANGUAGE:
            raise HTTPException(404, "Not found.")
        return code

    async def translation_file(self, request: Request) -> Response:
        """A language's strings as XLIFF, for a translator's CAT tool (`handouts translations export`)."""
        from ..exchange import export

        code = self.translation_language(request)
        data = await asyncio.to_thread(export, code, "xliff")
        return Response(
            data,
            media_type="application/x-xliff+xml",
            headers={"content-disposition": f'attachment; filename="{code}.xlf"'},
        )

    async def translation_proof(self, request: Request) -> Response:
        """The review proof PDF of a language (`handouts translations proof`), made by a worker."""
        code = self.translation_language(request)
        key = selection_key("proof", {"lang": code}, None)
        result = await self.run(request, do_proof, self.storage.builds / key, code)
        if result.get("error"):
            raise HTTPException(400, result["error"])
        return FileResponse(
            self.storage.builds / key / "proof.pdf", media_type="application/pdf", filename=f"proof-{code}.pdf"
        )

    async def thumbnail(self, request: Request) -> Response:
        """The picture on a handout's card: made once (English, its usual size), then cached."""
        handout = str(request.path_params["handout"])
        if handout not in handout_keys():
            raise HTTPException(404, "Not found.")
        folder = self.storage.builds / selection_key("thumb", {"handout": handout}, None)
        result = cached(folder)
        if result is None:
            async with self.thumbs:
                result = await self.run(request, do_thumbnail, folder, handout)
        if result.get("error"):
            raise HTTPException(404, "Not found.")
        return FileResponse(folder / THUMB, media_type="image/png", headers={"cache-control": "max-age=3600"})

    async def peek(self, request: Request) -> Response:
        """The live preview's picture (see static/preview.js): one handout, one language, this clinic."""
        token = request.path_params.get("token")
        values = self.profile_values(token)
        handout, lang = str(request.path_params["handout"]), str(request.path_params["lang"])
        if handout not in handout_keys() or lang not in LANGUAGES:
            raise HTTPException(404, "Not found.")
        profile = await asyncio.to_thread(self.make, values) if values else None
        params = {"handout": handout, "lang": lang}
        folder = self.storage.builds / selection_key("peek", params, profile)
        result = await self.run(request, do_peek, folder, handout, lang, profile)
        if result.get("error"):
            raise HTTPException(404, "Not found.")
        return FileResponse(folder / PEEK, media_type="image/png", headers={"cache-control": "max-age=600"})

    async def csv_template(self, request: Request) -> Response:
        return Response(
            CSV_TEMPLATE,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="offices.csv"'},
        )

    async def set_language(self, request: Request) -> Response:
        form = await self.form(request)
        lang = str(form.get("ui_lang") or "en")
        back = str(form.get("next") or "/")
        if not re.fullmatch(r"/[A-Za-z0-9/_\-.?=&]*", back) or back.startswith("//"):
            back = "/"
        response = RedirectResponse(back, status_code=303)
        if lang in i18n.UI_LANGUAGES:
            response.set_cookie("ui_lang", lang, max_age=365 * 86400, httponly=True, samesite="strict")
        return response

    async def error(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, TooLargeError):
            status, message = (
                413,
                i18n.gettext("The upload is too large: a logo may be up to 2 MB, a CSV up to 1 MB and 500 rows."),
            )
        elif isinstance(exc, BusyError):
            status, message = (
                503,
                i18n.gettext("Busy: many people are printing right now. Wait a few seconds and try again."),
            )
        elif isinstance(exc, TooSlowError):
            status, message = 504, i18n.gettext("This took too long. Choose fewer handouts or languages and try again.")
        elif isinstance(exc, HTTPException):
            status, message = exc.status_code, str(exc.detail)
        else:
            status, message = 500, "Something went wrong."
        return self.page(request, "error.html", status=status, message=message)


def create_app(
    data: Path, workers: int = 2, capacity: int = 16, timeout: float = 300.0, rate_limit: int = RATE_LIMIT
) -> Guard:
    web = Web(data, workers, capacity, timeout)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.pool.stop()
            web.storage.close()

    both = ["GET", "POST"]
    routes = [
        Route("/", web.home),
        Route("/clinic", web.clinic, methods=["POST"]),
        Route("/c/{token}", web.clinic, methods=both),
        Route("/print", web.print_page, methods=both),
        Route("/c/{token}/print", web.print_page, methods=both),
        Route("/sheets", web.sheets, methods=both),
        Route("/offices", web.offices, methods=both),
        Route("/offices/offices.csv", web.csv_template),
        Route("/r/{job}", web.result),
        Route("/r/{job}/bundle.zip", web.bundle),
        Route("/r/{job}/summary.csv", web.summary),
        Route("/r/{job}/progress.json", web.job_progress),
        Route("/r/{job}/file/{index:int}", web.file),
        Route("/r/{job}/office/{index:int}", web.office_zip),
        Route("/r/{job}/preview/{index:int}/{page:int}.png", web.preview),
        Route("/thumb/{handout}.png", web.thumbnail),
        Route("/peek/{handout}/{lang}.png", web.peek),
        Route("/c/{token}/peek/{handout}/{lang}.png", web.peek),
        Route("/translations", web.translations),
        Route("/translations/{lang}.xlf", web.translation_file),
        Route("/translations/{lang}/proof.pdf", web.translation_proof),
        Route("/lang", web.set_language, methods=["POST"]),
        Route("/ui-font/{name}", web.font),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            TooLargeError: web.error,
            BusyError: web.error,
            TooSlowError: web.error,
            HTTPException: web.error,
        },
    )
    app.state.web = web
    guard = Guard(app, rate_limit)
    guard.web = web  # type: ignore[attr-defined]
    return guard
