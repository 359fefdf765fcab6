"""Translations: each language's review status (as `handouts translations
status` shows it), its strings as XLIFF for a translator, and its review proof."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...content import COMMON, SOURCE_LANGUAGE, available_languages, get_handout, handout_keys
from ...exchange import export
from ...locales import LANGUAGES
from ...translations import summary, translated_strings
from .. import i18n
from ..cache import selection_key
from ..reviewbook import record_events
from ..state import Web
from ..work import do_proof, do_record


def translation_status() -> list[dict[str, Any]]:
    """Per language, then per handout (the shared words first): strings in
    total, reviewed, draft, changed in English (stale), and who reviewed how
    many strings on which day. From handouts.translations, as `handouts
    translations status` shows it."""
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


def translation_language(request: Request) -> str:
    code = str(request.path_params["lang"])
    if code not in LANGUAGES or code == SOURCE_LANGUAGE:
        raise HTTPException(404, "Not found.")
    return code


async def translations(web: Web, request: Request) -> Response:
    status = await asyncio.to_thread(translation_status)
    return web.page(request, "translations.html", status_rows=status, **operator_context(web, request))


async def translation_file(web: Web, request: Request) -> Response:
    """A language's strings as XLIFF, for a translator's CAT tool (`handouts translations export`)."""
    code = translation_language(request)
    data = await asyncio.to_thread(export, code, "xliff")
    return Response(
        data,
        media_type="application/x-xliff+xml",
        headers={"content-disposition": f'attachment; filename="{code}.xlf"'},
    )


async def translation_proof(web: Web, request: Request) -> Response:
    """The review proof PDF of a language (`handouts translations proof`), made by a worker."""
    code = translation_language(request)
    key = selection_key("proof", {"lang": code}, None)
    result = await web.run(request, do_proof, web.storage.builds / key, code)
    if result.get("error"):
        raise HTTPException(400, result["error"])
    return FileResponse(
        web.storage.builds / key / "proof.pdf", media_type="application/pdf", filename=f"proof-{code}.pdf"
    )


def operator_context(web: Web, request: Request) -> dict[str, Any]:
    """What only the operator sees on Translations: invitations and open comments (web.operator decides)."""
    if not web.operator(request):
        return {"operator": False}
    return {
        "operator": True,
        "invitations": web.reviews.invitations(),
        "comments": web.reviews.events(kind="comment", open_only=True),
        "now": time.time(),
    }


async def invite(web: Web, request: Request) -> Response:
    """Translations > Invite a reviewer: a link for one language (English: a lawyer), shown once."""
    web.require_operator(request)
    form = await web.form(request)
    lang = str(form.get("lang", ""))
    name, role = (" ".join(str(form.get(key, "")).split())[:120] for key in ("name", "role"))
    problems = {}
    if lang not in LANGUAGES:
        problems["lang"] = i18n.gettext("Choose a language.")
    if len(name) < 2:
        problems["name"] = i18n.gettext("Write the reviewer's name.")
    if len(role) < 2:
        problems["role"] = i18n.gettext("Write the reviewer's role, for example interpreter or lawyer.")
    status = await asyncio.to_thread(translation_status)
    if problems:
        return web.page(
            request,
            "translations.html",
            400,
            status_rows=status,
            invite_errors=problems,
            **operator_context(web, request),
        )
    token, made = web.reviews.invite(lang, name, role)
    link = f"{request.base_url}review/{token}"
    return web.page(
        request,
        "translations.html",
        status_rows=status,
        new_link=link,
        new_invitation=made,
        **operator_context(web, request),
    )


async def revoke(web: Web, request: Request) -> Response:
    web.require_operator(request)
    form = await web.form(request)
    web.reviews.revoke(str(form.get("invitation", "")))
    return RedirectResponse("/translations#invitations", status_code=303)


async def resolve(web: Web, request: Request) -> Response:
    web.require_operator(request)
    form = await web.form(request)
    try:
        event = int(str(form.get("comment", "")))
    except ValueError:
        raise HTTPException(400, "Unknown comment.") from None
    by = " ".join(str(form.get("by", "")).split())[:120]
    if len(by) < 2:
        raise HTTPException(400, "Write who resolved the comment.")
    web.reviews.resolve(event, by)
    return RedirectResponse("/translations#comments", status_code=303)


async def record(web: Web, request: Request) -> Response:
    """The review record PDF of a language (`handouts translations record`), made by a worker; operator only."""
    web.require_operator(request)
    code = translation_language(request)
    folder = web.storage.builds / f"record-{code}-{secrets.token_hex(4)}"
    events = record_events(web.reviews.events(code))
    result = await web.pool.run(do_record, str(folder), code, events)
    if result.get("error"):
        raise HTTPException(400, result["error"])
    return FileResponse(folder / "record.pdf", media_type="application/pdf", filename=f"review-record-{code}.pdf")
