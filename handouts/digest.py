"""What decides a job's PDF, part by part, and one hash of it (the build's
cache key).

`input_parts` names each input with a fingerprint: the job itself, the tool's
version and code, the templates, the fonts, the clinic profile, the handout's
spec, each text file printed (and the English it is checked against), each
translation's review file, and each fact and claim the page uses. The manifest
keeps the parts of every file, so `handouts changes` can say which fact, claim,
text or template made a file differ.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .claims import load_claims
from .content import COMMON, SOURCE_LANGUAGE, content_path, get_handout, load_content
from .facts import load_facts
from .fonts import FAMILIES, font_path
from .locales import get_language
from .model import Job
from .placeholders import fact_keys, walk_text
from .reliance import claim_uses, job_claims
from .resources import content_dir, templates_dir
from .translations import review_path

_DIGESTS: dict[tuple[Path, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered while its size and modification time stay the same."""
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[key]


def _files_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.name}:{file_digest(path)}\n".encode())
    return digest.hexdigest()[:16]


@functools.cache
def _code_files() -> list[Path]:
    """The package's Python files, but not the entry points' (cli/, web/: they make
    jobs, not PDFs, so a change to a command's help rebuilds nothing): listed once
    per process, read by file_digest."""
    package = Path(__file__).parent
    return sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] not in ENTRY_POINTS)


ENTRY_POINTS = ("cli", "web")


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _relative(path: Path) -> str:
    try:
        return path.relative_to(content_dir()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Shared:
    """The fingerprints every job shares (the code and the templates): listed
    and read once per build, not once per job (shared_parts)."""

    code: str
    templates: str


def shared_parts() -> Shared:
    return Shared(
        _files_digest(_code_files()), _files_digest(sorted(p for p in templates_dir().rglob("*") if p.is_file()))
    )


def input_parts(
    job: Job, today: dt.date | None = None, clinic: bool | None = None, shared: Shared | None = None
) -> dict[str, str]:
    """Every input that decides the job's PDF, by name, with a fingerprint.
    `clinic` says whether a clinic profile is printed when the job does not
    carry the profile itself (`handouts changes` rebuilds jobs from a manifest).
    `shared`: the code's and templates' fingerprints, when the caller took them
    once for many jobs (a build); else they are taken now."""
    shared = shared or shared_parts()
    clinic = job.profile is not None if clinic is None else clinic
    spec = get_handout(job.handout)
    translated = [code for code in job.langs if code != SOURCE_LANGUAGE]
    texts = [content_path(key, code) for code in job.langs for key in (job.handout, COMMON)]
    if spec.english_only or translated:  # printed, or the source a translation is checked against
        texts += [content_path(job.handout, SOURCE_LANGUAGE), content_path(COMMON, SOURCE_LANGUAGE)]
    reviews = [review_path(key, code) for code in translated for key in (job.handout, COMMON)]
    fonts = [
        font_path(name)
        for family in FAMILIES
        for name in FAMILIES[family].values()
        if any(family in get_language(c).fonts for c in job.langs) or clinic
    ]
    # A claim that has expired since the last build changes the footer of a PDF built with the override.
    expired = ",".join(c.key for c in job_claims(job, today)[1]) if job.allow_expired_claims else ""
    parts = {
        "job": f"{job.handout}|{job.lang_label}|{job.size}|{job.variant}|expired={expired}|stale={job.allow_stale}",
        "version": __version__,
        "code": shared.code,  # the code itself, not only its version number (not the entry points)
        "templates": shared.templates,
        "fonts": _files_digest(fonts),
        "profile": job.profile.digest if job.profile else "",
        "spec": file_digest(spec.folder / "handout.yaml")[:16],
    }
    for path in dict.fromkeys(texts + reviews):
        if path.is_file():
            parts[f"text:{_relative(path)}"] = file_digest(path)[:16]
    loaded = [load_content(key, c) for c in job.langs for key in (job.handout, COMMON)]
    facts = load_facts()
    used = {contact.fact for contact in spec.contacts}
    used |= {key for content in loaded for _, text in walk_text(content.data) for key in fact_keys(text)}
    for key in sorted(used):
        if key in facts:
            parts[f"fact:{key}"] = _short(repr(facts[key]))
    claims = load_claims()
    for key in sorted(claim_uses(loaded, facts, spec)):
        if key in claims:
            parts[f"claim:{key}"] = _short(repr(claims[key]))
    return parts


def parts_digest(parts: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{k}={v}\n" for k, v in sorted(parts.items())).encode()).hexdigest()


def inputs_digest(job: Job, today: dt.date | None = None, shared: Shared | None = None) -> str:
    """One hash of input_parts: equal digests, identical PDFs."""
    return parts_digest(input_parts(job, today, shared=shared))


def content_version(job: Job, digest: str) -> str:
    """The date the text was last checked, plus the start of the inputs digest."""
    as_of = load_content(job.handout, job.lang).as_of.isoformat()
    return f"{as_of}+{digest[:12]}"
