"""Per-string provenance of translations: what English each translated string
was made from, and who reviewed it.

Each translation file `content/<handout>/<lang>.yaml` has a review file beside
it, `<lang>.review.yaml`, written only by `handouts translations` (import,
sign) and never by hand. For every string (by its ID, e.g.
`know-your-rights:sections[2].bullets[1]`) it records:

- `source`: a fingerprint of the English text the translation was made from;
- `text`: a fingerprint of the translation as recorded;
- `state`: `draft`, or `reviewed` with `by` (a named person) and `on` (a date).

From that, each string is:

- **stale** ("needs update") when its English has changed since: the build
  refuses it unless `--allow-stale`, and the footer then says so;
- **draft** when it was never reviewed, or its translation was edited after the
  review (by hand or by an import);
- **reviewed** when a named person signed it and neither text changed since.

A file counts as reviewed only when every one of its strings is. English is the
source: its review (by a lawyer) stays in its own `meta`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .content import (
    COMMON,
    SOURCE_LANGUAGE,
    available_languages,
    content_path,
    get_handout,
    handout_keys,
    load_content,
)
from .errors import ContentError, OutputError, ReviewError, TranslationError
from .locales import get_language
from .model import Content, Job
from .output import write_atomically
from .placeholders import walk_text
from .resources import current_project, register_cache
from .yamlfile import FieldPath, field_value, format_field, load_yaml

REVIEW_SUFFIX = ".review.yaml"
STATES = ("draft", "reviewed")
_REVIEW_HEADER = (
    "# Review state of each string of {lang}.yaml, kept by `handouts translations` (import, sign).\n"
    "# Do not edit by hand: `handouts translations sign` records a reviewer.\n"
    "# source: fingerprint of the English text the translation was made from; text: of the translation.\n"
)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def string_id(handout: str, path: FieldPath) -> str:
    return f"{handout}:{format_field(path)}"


_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_id(sid: str) -> tuple[str, FieldPath]:
    """'know-your-rights:sections[2].text' -> ('know-your-rights', ('sections', 2, 'text'))."""
    handout, _, field = sid.partition(":")
    path: list[Any] = []
    position = 0
    while position < len(field):
        match = _PART.match(field, position)
        if not match or match.end() == position:
            raise TranslationError(f"'{sid}' is not a string ID such as know-your-rights:sections[2].text.")
        path.append(int(match.group(1)) if match.group(1) is not None else match.group(2))
        position = match.end()
    if not handout or not path:
        raise TranslationError(f"'{sid}' is not a string ID such as know-your-rights:sections[2].text.")
    return handout, tuple(path)


@dataclass(frozen=True)
class Review:
    source: str  # fingerprint of the English
    text: str  # fingerprint of the translation
    state: str = "draft"
    by: str | None = None
    on: dt.date | None = None


def review_path(handout: str, lang: str) -> Path:
    return content_path(handout, lang).with_name(f"{lang}{REVIEW_SUFFIX}")


def read_reviews(handout: str, lang: str) -> dict[str, Review]:
    """The recorded review state of each string (by field, e.g. 'sections[2].text'); {} if none."""
    path = review_path(handout, lang)
    if not path.is_file():
        return {}
    return _read_reviews(path, path.stat().st_mtime_ns)


@register_cache
@cache
def _read_reviews(path: Path, _mtime: int) -> dict[str, Review]:
    doc = load_yaml(path)
    raw = doc.data.get("strings") if isinstance(doc.data, dict) else None
    if not isinstance(raw, dict):
        raise ContentError(
            f"{doc.where('strings')}: a review file needs a 'strings:' map; "
            "rebuild it with `handouts translations import`."
        )
    reviews = {}
    for field, entry in raw.items():
        ok = isinstance(entry, dict) and isinstance(entry.get("source"), str) and isinstance(entry.get("text"), str)
        state = entry.get("state", "draft") if isinstance(entry, dict) else None
        if not ok or state not in STATES:
            raise ContentError(
                f"{doc.where('strings', field)}: each string needs source, text and a state (draft or reviewed)."
            )
        if state == "reviewed" and not (entry.get("by") and isinstance(entry.get("on"), dt.date)):
            raise ContentError(
                f"{doc.where('strings', field)}: a reviewed string needs 'by' (a person) and "
                "'on' (a date); use `handouts translations sign`."
            )
        reviews[str(field)] = Review(entry["source"], entry["text"], state, entry.get("by"), entry.get("on"))
    return reviews


class _NoAliases(yaml.SafeDumper):
    """Content files may not hold YAML aliases (yamlfile.py refuses them), so never write any."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_reviews(handout: str, lang: str, reviews: dict[str, Review]) -> None:
    strings: dict[str, dict[str, Any]] = {}
    for field, review in reviews.items():
        entry: dict[str, Any] = {"source": review.source, "text": review.text, "state": review.state}
        if review.state == "reviewed":
            entry.update(by=review.by, on=review.on)
        strings[field] = entry
    body = yaml.dump({"strings": strings}, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=1000)
    write_atomically(review_path(handout, lang), (_REVIEW_HEADER.format(lang=lang) + body).encode("utf-8"))


@dataclass(frozen=True)
class TranslatedString:
    id: str
    lang: str
    handout: str
    path: FieldPath
    english: str
    text: str
    state: str  # draft | reviewed | stale
    review: Review | None

    @property
    def field(self) -> str:
        return format_field(self.path)


def _english_only(handout: str) -> tuple[str, ...]:
    return () if handout == COMMON else get_handout(handout).english_only


def translated_strings(handout: str, lang: str) -> list[TranslatedString]:
    """Every translatable string of one handout (or 'common') in one language,
    with its state. English has none: it is the source."""
    if lang == SOURCE_LANGUAGE:
        return []
    content, english = load_content(handout, lang), load_content(handout, SOURCE_LANGUAGE)
    reviews = read_reviews(handout, lang)
    skip = set(_english_only(handout))
    out = []
    for path, text in walk_text(content.data):
        if path and path[0] in skip:
            continue
        source = field_value(english.data, path)
        source = source if isinstance(source, str) else ""
        review = reviews.get(format_field(path))
        if review is None or review.source != fingerprint(source):
            state = "stale"
        elif review.text != fingerprint(text):
            state = "draft"  # edited since it was recorded: a review no longer covers it
        else:
            state = review.state
        out.append(TranslatedString(string_id(handout, path), lang, handout, path, source, text, state, review))
    return out


def text_print(content: Content) -> str:
    """A fingerprint of every string of a text (the English a lawyer approved)."""
    return fingerprint(repr(list(walk_text(content.data))))


def status_of(content: Content) -> str:
    """'reviewed' or 'draft'. English (the source) says so in its meta; a
    translation is reviewed only when every one of its strings is reviewed and current."""
    if content.lang == SOURCE_LANGUAGE:
        approved = content.meta.get("reviewed_text")  # set by a lawyer's approval from a review link
        if content.meta["status"] == "reviewed" and approved and approved != text_print(content):
            return "draft"  # the English changed after the lawyer approved it
        return str(content.meta["status"])
    strings = translated_strings(content.handout, content.lang)
    return "reviewed" if strings and all(s.state == "reviewed" for s in strings) else "draft"


def stale_strings(handout: str, langs: Iterable[str]) -> list[TranslatedString]:
    """The strings a job in these languages prints whose English changed since translation."""
    out = []
    for lang in langs:
        for key in (handout, COMMON):
            out += [s for s in translated_strings(key, lang) if s.state == "stale"]
    return out


def language_strings(lang: str, only_stale: bool = False) -> list[TranslatedString]:
    """Every string of a language (the shared words first, then each handout), or only the stale ones."""
    get_language(lang)
    if lang == SOURCE_LANGUAGE:
        raise TranslationError("English is the source text, not a translation: choose another language.")
    keys = [COMMON, *handout_keys()]
    out = [s for key in keys if lang in available_languages(key) for s in translated_strings(key, lang)]
    return [s for s in out if s.state == "stale"] if only_stale else out


@dataclass(frozen=True)
class Summary:
    lang: str
    total: int
    reviewed: int
    draft: int
    stale: int


def summary(lang: str, handouts: Iterable[str] | None = None) -> Summary:
    keys = [COMMON, *(handouts if handouts is not None else handout_keys())]
    strings = [s for key in keys if lang in available_languages(key) for s in translated_strings(key, lang)]
    count = {state: sum(s.state == state for s in strings) for state in ("reviewed", "draft", "stale")}
    return Summary(lang, len(strings), count["reviewed"], count["draft"], count["stale"])


def record(handout: str, lang: str, fields: dict[str, tuple[str, str]] | None = None) -> None:
    """Record (as draft) what each string of a translation was made from: for the
    named fields, {field: (english it was made from, translation)}; with none,
    every string against today's English (used once to start a review file)."""
    reviews = dict(read_reviews(handout, lang))
    if fields is None:
        fields = {s.field: (s.english, s.text) for s in translated_strings(handout, lang)}
    for field, (english, text) in fields.items():
        reviews[field] = Review(fingerprint(english), fingerprint(text))
    live = {s.field for s in translated_strings(handout, lang)} | set(fields)
    write_reviews(handout, lang, {f: r for f, r in reviews.items() if f in live})


def seen_print(string: TranslatedString) -> str:
    """What a reviewer saw of a string: the fingerprints of its English and of its translation."""
    return fingerprint(string.english) + fingerprint(string.text)


@contextlib.contextmanager
def review_lock() -> Iterator[None]:
    """Held while review files are read and written for a sign-off, so two
    reviewers (or a reviewer and the command line) never sign on stale reads."""
    import fcntl  # lazy: POSIX only, like output.output_lock

    path = current_project().content / ".reviews.lock"
    with _LOCK:
        try:
            handle = open(path, "a+b")  # noqa: SIM115 - held until the sign-off is written
        except OSError as exc:
            raise OutputError(
                f"{path.parent}: cannot record a review here ({exc.strerror or exc}); the content project "
                'must be writable by whoever signs (README, "Review in the browser, from a link").'
            ) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


_LOCK = threading.Lock()


def sign(
    lang: str,
    by: str,
    ids: Iterable[str] = (),
    every: bool = False,
    today: dt.date | None = None,
    seen: Mapping[str, str] | None = None,
) -> list[TranslatedString]:
    """Record `by` as the reviewer of exactly these strings (or, with every, of
    all strings of the language). Refused, with nothing written, when a named
    string is stale (its English changed since it was translated) or unknown.
    With `seen` (string ID -> seen_print of what the reviewer was shown), also
    refused when a string changed since, or is already reviewed as it stands."""
    with review_lock():
        return _sign(lang, by, ids, every, today, seen)


def _sign(
    lang: str,
    by: str,
    ids: Iterable[str],
    every: bool,
    today: dt.date | None,
    seen: Mapping[str, str] | None,
) -> list[TranslatedString]:
    by = " ".join(by.split())
    if len(by) < 3 or not re.search(r"\w", by):
        raise TranslationError('--by must name the person who reviewed the text, e.g. --by "Ana Ruiz, interpreter".')
    today = today or dt.date.today()
    keys = [COMMON, *handout_keys()]
    every_string = {s.id: s for key in keys if lang in available_languages(key) for s in translated_strings(key, lang)}
    if every:
        chosen = list(every_string.values())
    else:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise TranslationError("Name the strings you reviewed (--string ID, repeat it) or give --all.")
        unknown = [sid for sid in wanted if sid not in every_string]
        if unknown:
            raise TranslationError(
                f"No {lang} string with the ID {', '.join(unknown[:5])}; the IDs are in the "
                "proof PDF and the exported XLIFF/PO."
            )
        chosen = [every_string[sid] for sid in wanted]
    stale = [s.id for s in chosen if s.state == "stale"]
    if stale:
        raise TranslationError(
            f"Not signed: the English of {len(stale)} string(s) changed after they were translated "
            f"({', '.join(stale[:5])}{'...' if len(stale) > 5 else ''}); update the translation first "
            f"(handouts translations export --lang {lang} --only stale), then review it."
        )
    if seen is not None:
        moved = [s.id for s in chosen if seen.get(s.id) != seen_print(s)]
        if moved:
            raise TranslationError(
                f"Not signed: {', '.join(moved[:5])} changed since the page was opened; reload it and review "
                "the text as it is now."
            )
        done = [s.id for s in chosen if s.state == "reviewed"]
        if done:
            raise TranslationError(f"Not signed: {', '.join(done[:5])} is already reviewed as it stands.")
    by_file: dict[str, list[TranslatedString]] = {}
    for string in chosen:
        by_file.setdefault(string.handout, []).append(string)
    for handout, strings in by_file.items():
        reviews = dict(read_reviews(handout, lang))
        for s in strings:
            reviews[s.field] = Review(fingerprint(s.english), fingerprint(s.text), "reviewed", by, today)
        write_reviews(handout, lang, reviews)
    return chosen


def check_reviewed(job: Job) -> None:
    """Refuses (ReviewError) a job whose text in any of its languages a person has not yet reviewed."""
    for code in job.langs:
        for handout in (job.handout, COMMON):
            content = load_content(handout, code)
            if status_of(content) != "reviewed":
                if code == SOURCE_LANGUAGE:
                    what, who = "English source text is not yet reviewed by a lawyer", "a lawyer"
                else:
                    what = f"{get_language(code).english_name} text is a draft translation"
                    who = "a reader of the language"
                raise ReviewError(
                    f"{content.doc.path}: the {what} (written by {content.meta.get('written_by')}, "
                    f"not yet reviewed by a person). Build without --require-reviewed, or have {who} "
                    "review it and set status: reviewed, reviewed_by (their name) and reviewed_on."
                )
