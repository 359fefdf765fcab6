"""Review from a link: a reviewer's pages (`/review/{token}`), named by the
invitation in the link (reviewbook). A translator-reviewer sees each handout's
strings beside their English, stale ones first, with the page beside them, and
approves, edits or comments per string; a lawyer (an invitation for English)
sees a handout's English and the statements of law it relies on, with their
review dates, and approves them together.

These pages show the reviewer's own navigation only; nothing here reaches the
operator's pages (views/translations.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...content import COMMON, SOURCE_LANGUAGE, available_languages, get_handout, handout_keys
from ...errors import HandoutsError, TranslationError
from ...locales import LANGUAGES
from ...placeholders import split
from ...review import approve, approve_english, english_text, find, review_groups
from ...translations import seen_print, translated_strings
from ..cache import selection_key
from ..reviewbook import Invitation
from ..state import Web
from ..work import do_review_edit, do_where

MAX_TEXT = 4000


def invitation(web: Web, request: Request) -> tuple[str, Invitation]:
    token = str(request.path_params["token"])
    found = web.reviews.by_token(token) if len(token) < 64 else None
    if found is None:
        raise HTTPException(404, "This review link is not valid: it has expired or was withdrawn. Ask for a new one.")
    return token, found


def handouts_for(lang: str) -> list[dict[str, Any]]:
    out = []
    for key in handout_keys():
        if lang not in available_languages(key):
            continue
        if lang == SOURCE_LANGUAGE:
            text = english_text(key)
            out.append({"key": key, "name": get_handout(key).name, "done": text.status == "reviewed", "counts": None})
        else:
            strings = translated_strings(key, lang) + translated_strings(COMMON, lang)
            counts = {state: sum(s.state == state for s in strings) for state in ("reviewed", "draft", "stale")}
            out.append({"key": key, "name": get_handout(key).name, "done": False, "counts": counts})
    return out


async def review_home(web: Web, request: Request) -> Response:
    token, who = invitation(web, request)
    rows = await asyncio.to_thread(handouts_for, who.lang)
    return web.page(
        request, "review_home.html", reviewer=who, review_token=token, language=LANGUAGES[who.lang], rows=rows
    )


def _handout(request: Request, lang: str) -> str:
    handout = str(request.path_params["handout"])
    if handout not in handout_keys() or lang not in available_languages(handout):
        raise HTTPException(404, "Not found.")
    return handout


async def review_page(web: Web, request: Request) -> Response:
    token, who = invitation(web, request)
    handout = _handout(request, who.lang)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}  # a refused edit keeps the reviewer's words in its box
    message = ""
    if request.method == "POST":
        form = await web.form(request)
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        try:
            message = await act(web, who, handout, fields)
        except HandoutsError as exc:
            errors[fields.get("string") or "page"] = str(exc)
            typed[fields.get("string", "")] = fields.get("text", "")[:MAX_TEXT]
        if not errors:
            return RedirectResponse(f"/review/{token}/{handout}?done={message}#s-top", status_code=303)
    done = request.query_params.get("done", "")
    return await show(web, request, token, who, handout, errors, done, 400 if errors else 200, typed)


async def show(
    web: Web,
    request: Request,
    token: str,
    who: Invitation,
    handout: str,
    errors: dict[str, str],
    done: str,
    status: int,
    typed: dict[str, str] | None = None,
) -> Response:
    context: dict[str, Any] = {
        "reviewer": who,
        "review_token": token,
        "handout": handout,
        "handout_name": get_handout(handout).name,
        "language": LANGUAGES[who.lang],
        "string_errors": errors,
        "typed": {sid: text for sid, text in (typed or {}).items() if text},
        "done": done if done in ("approved", "edited", "commented") else "",
    }
    if who.lang == SOURCE_LANGUAGE:
        context["english"] = await asyncio.to_thread(english_text, handout)
        return web.page(request, "review_english.html", status=status, **context)
    groups = await asyncio.to_thread(review_groups, handout, who.lang)
    context["groups"] = groups
    context["seen"] = {s.id: seen_print(s) for g in groups for s in g.strings}
    context["rest"] = [s for g in groups for s in g.strings if s.state == "draft"]
    comments = web.reviews.events(who.lang, "comment", open_only=True)
    context["comments"] = {e.string: e for e in comments}
    at = request.query_params.get("at", "")
    context["at"] = at if at in context["seen"] else ""
    return web.page(request, "review.html", status=status, **context)


async def act(web: Web, who: Invitation, handout: str, form: dict[str, str]) -> str:
    """One reviewer action from a plain form; returns what was done (approved, edited, commented)."""
    action, sid = form.get("action", ""), form.get("string", "")
    if who.lang == SOURCE_LANGUAGE:
        if action != "approve-english":
            raise HTTPException(400, "Unknown action.")
        await asyncio.to_thread(approve_english, handout, who.by, form.get("seen", ""))
        web.reviews.add(who, f"{handout}:en", "approve")
        return "approved"
    if action == "approve":
        signed = await asyncio.to_thread(approve, handout, who.lang, who.by, {sid: form.get("seen", "")})
    elif action == "approve-rest":
        words = form.get("rest", "").split()  # "ID SEEN ID SEEN ...": what the page listed, as it was shown
        listed = list(zip(words[::2], words[1::2], strict=False))
        if not listed:
            raise HTTPException(400, "Nothing to approve.")
        signed = await asyncio.to_thread(approve, handout, who.lang, who.by, dict(listed))
    elif action == "edit":
        text = form.get("text", "")[:MAX_TEXT]
        result = await web.pool.run(do_review_edit, handout, who.lang, sid, text, form.get("seen", ""))
        if result.get("error"):
            raise TranslationError(result["error"])
        web.reviews.add(who, sid, "edit", result["old"], text.strip())
        return "edited"
    elif action == "comment":
        comment = " ".join(form.get("comment", "").split())[:MAX_TEXT]
        if not comment:
            raise TranslationError("Write the comment first.")
        await asyncio.to_thread(find, handout, who.lang, sid)
        web.reviews.add(who, sid, "comment", new=comment)
        return "commented"
    else:
        raise HTTPException(400, "Unknown action.")
    for string in signed:
        web.reviews.add(who, string.id, "approve", new=string.text)
    return "approved"


def needles(text: str) -> list[str]:
    """What to look for on the printed page: the opening words of the string's
    first run of plain text (a long and a short piece; lines may break inside a longer one)."""
    plain = max((piece for piece in split(text) if isinstance(piece, str)), key=lambda p: len(p.strip()), default="")
    words = " ".join(plain.split())
    return [n for n in dict.fromkeys((words[:16].strip(), words[:7].strip())) if len(n) >= 2]


async def where(web: Web, request: Request) -> Response:
    """The review page's picture: the page as it prints, with the chosen string marked."""
    _token, who = invitation(web, request)
    handout = _handout(request, who.lang)
    if who.lang == SOURCE_LANGUAGE:
        raise HTTPException(404, "Not found.")
    sid = request.query_params.get("s", "")  # none: the first page, nothing marked
    try:
        text = (await asyncio.to_thread(find, handout, who.lang, sid)).text if sid else ""
    except HandoutsError:
        raise HTTPException(404, "Not found.") from None
    params = {"handout": handout, "lang": who.lang, "string": sid}
    folder = web.storage.builds / selection_key("where", params, None)
    result = await web.run(request, do_where, folder, handout, who.lang, needles(text) if text else [])
    if result.get("error"):
        raise HTTPException(404, "Not found.")
    headers = {"cache-control": "private, max-age=600"}
    return FileResponse(folder / result["peek"], media_type="image/png", headers=headers)
