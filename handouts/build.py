"""Plan jobs, render them, write each PDF atomically, and write a manifest.

The library reports through return values and a progress callback; it never
prints. The CLI decides what the person sees.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .content import COMMON, available_languages, content_path, get_handout, handout_keys, load_content
from .errors import FactError, HandoutsError, ReviewError, UsageError
from .locales import LANGUAGES, get_language
from .resources import content_dir
from .sizes import get_size
from .render import Job, Rendered, render

MANIFEST = "manifest.json"


@dataclass
class JobResult:
    job: Job
    path: Path | None = None
    rendered: Rendered | None = None
    error: HandoutsError | None = None


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.error is not None]

    @property
    def written(self) -> list[JobResult]:
        return [r for r in self.results if r.path is not None]

    @property
    def warnings(self) -> list[str]:
        seen: dict[str, None] = {}
        for result in self.results:
            for warning in result.rendered.warnings if result.rendered else ():
                seen[warning] = None
        return list(seen)


def plan(handouts: Iterable[str] = (), langs: Iterable[str] = (), sizes: Iterable[str] = ()) -> list[Job]:
    """The jobs to build. Empty choices mean: every handout, every language it
    has text in, and its default sizes. A named size a handout does not come in
    is skipped for that handout (and is an error if no handout comes in it)."""
    handouts, langs, sizes = list(handouts), list(langs), list(sizes)
    for key in handouts:
        get_handout(key)
    for code in langs:
        get_language(code)
    for name in sizes:
        get_size(name)
    jobs = []
    for key in handouts or handout_keys():
        spec = get_handout(key)
        chosen_sizes = [s for s in sizes if s in spec.sizes] if sizes else list(spec.default_sizes)
        for code in langs or [c for c in LANGUAGES if c in available_languages(key)]:
            for size in chosen_sizes:
                jobs.append(Job(key, code, size))
    if sizes and not jobs:
        raise UsageError(
            f"None of the chosen handouts comes in size {', '.join(sizes)}. "
            + "; ".join(f"{k}: {', '.join(get_handout(k).sizes)}" for k in handouts or handout_keys())
        )
    return jobs


def output_path(out: Path, job: Job) -> Path:
    return out / job.lang / f"{job.handout}-{job.size}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it: a
    reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def content_version(job: Job) -> str:
    """The date the text was last checked, plus a hash of every input file's bytes."""
    digest = hashlib.sha256()
    for path in (content_path(job.handout, job.lang), content_path(COMMON, job.lang), content_dir() / "facts.yaml"):
        digest.update(path.read_bytes())
    as_of = load_content(job.handout, job.lang).as_of.isoformat()
    return f"{as_of}+{digest.hexdigest()[:12]}"


def check_reviewed(job: Job) -> None:
    for handout in (job.handout, COMMON):
        content = load_content(handout, job.lang)
        if content.status != "reviewed":
            raise ReviewError(
                f"{content.doc.path}: the {get_language(job.lang).english_name} text is a draft "
                f"(written by {content.meta.get('written_by')}, not yet reviewed by a person). "
                "Build without --require-reviewed, or have a reader of the language review it "
                "and set status: reviewed, reviewed_by and reviewed_on."
            )


def build(
    jobs: list[Job],
    out: Path,
    *,
    strict: bool = False,
    require_reviewed: bool = False,
    on_done: Callable[[JobResult], None] | None = None,
) -> BuildReport:
    report = BuildReport(out=out)
    for job in jobs:
        result = JobResult(job)
        try:
            if require_reviewed:
                check_reviewed(job)
            rendered = render(job)
            rendered.content_version = content_version(job)
            result.rendered = rendered
            if strict and rendered.warnings:
                raise FactError(
                    f"{job.label}: --strict refuses facts that are not confirmed: " + "; ".join(rendered.warnings)
                )
            path = output_path(out, job)
            write_atomically(path, rendered.pdf)
            result.path = path
        except HandoutsError as exc:
            result.error = exc
        report.results.append(result)
        if on_done:
            on_done(result)
    write_manifest(report)
    return report


def write_manifest(report: BuildReport) -> None:
    """Merge this build's files into out/manifest.json (files from earlier builds stay listed)."""
    manifest_path = report.out / MANIFEST
    entries: dict[str, dict] = {}
    try:
        for entry in json.loads(manifest_path.read_text(encoding="utf-8")).get("files", []):
            if (report.out / entry["path"]).is_file():
                entries[entry["path"]] = entry
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        entries = {}  # no manifest yet, or one we cannot read: start afresh
    for result in report.written:
        rendered = result.rendered
        relative = result.path.relative_to(report.out).as_posix()
        content = load_content(result.job.handout, result.job.lang)
        entries[relative] = {
            "path": relative,
            "sha256": hashlib.sha256(rendered.pdf).hexdigest(),
            "bytes": len(rendered.pdf),
            "handout": result.job.handout,
            "language": result.job.lang,
            "size": result.job.size,
            "pages": rendered.pages,
            "body_pt": rendered.body_pt,
            "content_version": rendered.content_version,
            "review_status": content.status,
            "warnings": rendered.warnings,
        }
    if not entries and not report.out.exists():
        return
    document = {"generator": f"handouts {__version__}", "files": [entries[k] for k in sorted(entries)]}
    write_atomically(manifest_path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
