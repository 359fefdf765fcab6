"""One hash of everything that decides a job's PDF (the build's cache key)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from . import __version__
from .content import COMMON, SOURCE_LANGUAGE, content_path, get_handout, load_content
from .fonts import FAMILIES, font_path
from .locales import get_language
from .render import Job, job_claims
from .resources import content_dir, templates_dir
from .translations import review_path

_DIGESTS: dict[tuple[Path, int, int], str] = {}


def _file_digest(path: Path) -> str:
    """sha256 of a file, remembered while its size and modification time stay the same."""
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[key]


def inputs_digest(job: Job, today: dt.date | None = None) -> str:
    """A hash of everything that decides a job's PDF: the tool's version and
    code, the text (this language, the shared words, English where it is
    printed), the handout's spec, the facts, every template, the fonts, the
    clinic profile and the variant."""
    spec = get_handout(job.handout)
    paths = [p for code in job.langs for p in (content_path(job.handout, code), content_path(COMMON, code))]
    paths += [spec.folder / "handout.yaml", content_dir() / "facts.yaml", content_dir() / "claims.yaml"]
    translated = [code for code in job.langs if code != SOURCE_LANGUAGE]
    # Who reviewed which string, and whether its English changed since: the footer says both.
    paths += [p for code in translated for p in (review_path(job.handout, code), review_path(COMMON, code))]
    if spec.english_only or translated:  # printed, or the source the translation is checked against
        paths += [content_path(job.handout, SOURCE_LANGUAGE), content_path(COMMON, SOURCE_LANGUAGE)]
    paths = [p for p in dict.fromkeys(paths) if p.is_file()]
    paths += sorted(p for p in templates_dir().rglob("*") if p.is_file())
    package = Path(__file__).parent
    # the code itself, not only its version number (the web page's code does not change a PDF)
    paths += sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] != "web")
    paths += [
        font_path(name)
        for family in FAMILIES
        for name in FAMILIES[family].values()
        if any(family in get_language(code).fonts for code in job.langs) or job.profile is not None
    ]
    profile_digest = job.profile.digest if job.profile else ""
    # A claim that has expired since the last build changes the footer of a PDF built with the override.
    expired = ",".join(c.key for c in job_claims(job, today)[1]) if job.allow_expired_claims else ""
    job_text = (
        f"{job.handout}|{job.lang_label}|{job.size}|{job.variant}|{profile_digest}|{expired}|stale={job.allow_stale}"
    )
    digest = hashlib.sha256(f"handouts {__version__}\n{job_text}\n".encode())
    for path in paths:
        digest.update(f"{path.name}:{_file_digest(path)}\n".encode())
    return digest.hexdigest()


def content_version(job: Job, digest: str) -> str:
    """The date the text was last checked, plus the start of the inputs digest."""
    as_of = load_content(job.handout, job.lang).as_of.isoformat()
    return f"{as_of}+{digest[:12]}"
