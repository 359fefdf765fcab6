"""Review from a link (the web page's review pages, `handouts serve`): what a
reviewer of one handout sees, and the three things they may do with a string.

- **approve**: `translations.sign` with what the reviewer was shown
  (`seen_print`), checked under the review lock: a string that changed since
  the page was opened, or is already reviewed as it stands, is refused.
- **edit**: the same checks as an import (`exchange.import_units`:
  placeholders, no typed numbers or links, glyphs, still fits), made from the
  English the reviewer saw; only problems the edit brings, at its own field,
  refuse it. The edited string is a draft until someone approves it.
- **approve the English** (a lawyer): the English text of one handout and the
  statements of law it relies on, written into its `meta` (status reviewed,
  reviewed_by, reviewed_on), refused if the English changed since it was shown.

Nothing here approves anything by itself: each call carries the person's name
and the fingerprints of what they were shown.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .claims import Claim, load_claims
from .content import COMMON, SOURCE_LANGUAGE, available_languages, content_path, get_handout, load_content
from .errors import TranslationError
from .exchange import Unit, import_units, yaml_for
from .facts import load_facts
from .output import write_atomically
from .placeholders import walk_text
from .reliance import claim_uses
from .translations import (
    TranslatedString,
    fingerprint,
    review_lock,
    seen_print,
    sign,
    status_of,
    text_print,
    translated_strings,
)
from .yamlfile import field_value, format_field


@dataclass(frozen=True)
class Group:
    key: str  # 'stale', a handout, or 'common'
    strings: list[TranslatedString]
    old: dict[str, str] = field(default_factory=dict)  # stale: string ID -> the English it was made from, if known


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], check=False, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def old_english(string: TranslatedString, commits: int = 50) -> str | None:
    """The English a stale string was made from, found in the git history of the
    content project (the newest version of its en.yaml whose text has the
    fingerprint its review file records); None when it is not on record."""
    if string.review is None:
        return None
    english = content_path(string.handout, SOURCE_LANGUAGE).resolve()
    top = _git(english.parent, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = Path(top.strip()).resolve()
    try:
        relative = english.relative_to(root).as_posix()
    except ValueError:
        return None
    for commit in (_git(root, "log", "--format=%H", "-n", str(commits), "--", relative) or "").split():
        shown = _git(root, "show", f"{commit}:{relative}")
        try:
            value = field_value(yaml.safe_load(shown or ""), string.path)
        except yaml.YAMLError:
            continue
        if isinstance(value, str) and fingerprint(value) == string.review.source:
            return value
    return None


def review_groups(handout: str, lang: str) -> list[Group]:
    """A handout's strings in one language as it reads (then the words every
    handout shares), with the strings changed in English first."""
    get_handout(handout)
    if lang not in available_languages(handout):
        raise TranslationError(f"{handout} has no {lang} text to review.")
    own, common = translated_strings(handout, lang), translated_strings(COMMON, lang)
    stale = [s for s in own + common if s.state == "stale"]
    groups = [Group("stale", stale, {s.id: text for s in stale if (text := old_english(s))})] if stale else []
    return groups + [
        Group(key, [s for s in strings if s.state != "stale"]) for key, strings in ((handout, own), (COMMON, common))
    ]


def find(handout: str, lang: str, sid: str) -> TranslatedString:
    for group in review_groups(handout, lang):
        for string in group.strings:
            if string.id == sid:
                return string
    raise TranslationError(f"{sid}: not a string of this page.")


def approve(handout: str, lang: str, by: str, seen: dict[str, str]) -> list[TranslatedString]:
    """Sign exactly the strings in `seen` (ID -> seen_print), each of which must be on this handout's page."""
    for sid in seen:
        find(handout, lang, sid)
    return sign(lang, by, list(seen), seen=seen)


def edit(handout: str, lang: str, sid: str, text: str, seen: str, workers: int = 1) -> TranslatedString:
    """A reviewer's new wording of one string, checked as an import checks it.
    Returns the string as it was before."""
    string = find(handout, lang, sid)
    if seen != seen_print(string):
        raise TranslationError("This string changed since the page was opened; reload the page and edit it again.")
    text = text.strip()
    if not text:
        raise TranslationError("An empty text cannot replace a translation; write the words, or leave a comment.")
    if text == string.text and string.state != "stale":
        raise TranslationError("Nothing changed: the text is the same as before.")
    try:
        import_units(lang, [Unit(sid, string.english, text, False, False)], Path(sid), only_new=True, workers=workers)
    except TranslationError as exc:
        problems = [line.strip()[2:] for line in str(exc).splitlines() if line.strip().startswith("- ")]
        raise TranslationError("; ".join(problems) or str(exc)) from None
    return string


@dataclass(frozen=True)
class EnglishText:
    handout: str
    strings: list[tuple[str, str]]  # (field, text) as the handout reads
    claims: list[Claim]
    status: str
    reviewed_by: str | None
    seen: str  # fingerprint of the text and the claims' dates, as shown


def english_text(handout: str) -> EnglishText:
    """What a lawyer reviews for one handout: its English and the claims it relies on, with their dates."""
    content = load_content(handout, SOURCE_LANGUAGE)
    strings = [(format_field(path), text) for path, text in walk_text(content.data)]
    claims = load_claims()
    keys = claim_uses([content], load_facts(), get_handout(handout))
    relied = [claims[key] for key in sorted(keys) if key in claims]
    shown = repr((strings, [(c.key, c.statement, c.checked, c.review_by) for c in relied]))
    return EnglishText(
        handout,
        strings,
        relied,
        status_of(content),  # a draft again once the English changed after a lawyer's approval
        content.meta.get("reviewed_by"),
        fingerprint(shown),
    )


def approve_english(handout: str, by: str, seen: str, today: dt.date | None = None) -> None:
    """A lawyer's approval of a handout's English and the claims it relies on:
    written into the meta of its en.yaml (keeping comments and order)."""
    by = " ".join(by.split())
    with review_lock():
        current = english_text(handout)
        if current.seen != seen:
            raise TranslationError(
                "The English or a claim changed since the page was opened; reload it and review again."
            )
        if current.status == "reviewed":
            raise TranslationError(f"The English of {handout} is already reviewed (by {current.reviewed_by}).")
        path = content_path(handout, SOURCE_LANGUAGE)
        source = path.read_text(encoding="utf-8")
        yaml = yaml_for(source)
        data = yaml.load(source)
        data["meta"]["status"] = "reviewed"
        data["meta"]["reviewed_by"] = by
        data["meta"]["reviewed_on"] = today or dt.date.today()
        data["meta"]["reviewed_text"] = text_print(load_content(handout, SOURCE_LANGUAGE))  # an edit undoes it
        out = io.StringIO()
        yaml.dump(data, out)
        write_atomically(path, out.getvalue().encode("utf-8"))
