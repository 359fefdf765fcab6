"""Plan jobs, render them, write each PDF atomically, and write a manifest.

The library reports through return values and a progress callback; it never
prints. The CLI decides what the person sees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .checks import consistency_problems
from .content import (
    COMMON,
    SOURCE_LANGUAGE,
    available_languages,
    content_path,
    get_handout,
    handout_keys,
    load_content,
)
from .errors import (
    ContentError,
    FactError,
    HandoutsError,
    OutputError,
    ReviewError,
    UsageError,
)
from .fonts import FAMILIES, font_path
from .locales import LANGUAGES, get_language
from .render import CLAIM_NOTE, Job, Rendered, job_claims, render
from .resources import alive, content_dir, templates_dir
from .sizes import get_size

MANIFEST = "manifest.json"


@dataclass
class JobResult:
    job: Job
    path: Path | None = None
    rendered: Rendered | None = None
    error: HandoutsError | None = None
    skipped: bool = False
    kept_warnings: list[str] = field(default_factory=list)  # a skipped job's warnings, from the manifest


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.error is not None]

    @property
    def written(self) -> list[JobResult]:
        return [r for r in self.results if r.path is not None and not r.skipped]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.skipped]

    @property
    def warnings(self) -> list[str]:
        seen: dict[str, None] = {}
        for result in self.results:
            for warning in result.rendered.warnings if result.rendered else result.kept_warnings:
                seen[warning] = None
        return list(seen)


def sign_languages(key: str, langs: list[str]) -> list[tuple[str, ...]]:
    """The language sets of a sign's pages. Named languages share one page,
    English first (a notice must be readable by whoever it addresses); with
    none named, English alone and English with each other language."""
    if langs:
        return [tuple(dict.fromkeys([SOURCE_LANGUAGE, *langs]))]
    have = [c for c in LANGUAGES if c in available_languages(key)]
    return [(SOURCE_LANGUAGE,)] + [(SOURCE_LANGUAGE, code) for code in have if code != SOURCE_LANGUAGE]


def plan(handouts: Iterable[str] = (), langs: Iterable[str] = (), sizes: Iterable[str] = (),
         variant: str = "office", profile=None, allow_expired_claims: bool = False) -> list[Job]:
    """The jobs to build. Empty choices mean: every handout, every language it
    has text in, and its default sizes. A named size a handout does not come in
    is skipped for that handout (and is an error if no handout comes in it).
    Signs put the named languages on one page (see sign_languages)."""
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
        if spec.multilingual:
            groups = sign_languages(key, langs)
        else:
            groups = [(code,) for code in langs or [c for c in LANGUAGES if c in available_languages(key)]]
        for group in groups:
            for size in chosen_sizes:
                if variant == "large-print" and get_size(size).kind == "card":
                    continue  # no large-print wallet cards
                jobs.append(Job(key, group[0], size, variant, profile, also=group[1:],
                                allow_expired_claims=allow_expired_claims))
    if sizes and not jobs:
        raise UsageError(
            f"None of the chosen handouts comes in size {', '.join(sizes)}. "
            + "; ".join(f"{k}: {', '.join(get_handout(k).sizes)}" for k in handouts or handout_keys())
        )
    return jobs


def output_path(out: Path, job: Job) -> Path:
    suffix = "" if job.variant == "office" else f"-{job.variant}"
    return out / job.lang_label / f"{job.handout}-{job.size}{suffix}.pdf"


TEMP_MARK = ".handouts-"  # temporary files are named .<file>.handouts-<pid>-<random>.part


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it: a
    reader (or a crash) never sees half a file. The file gets the usual
    permissions (0644 with the common umask), so colleagues and print servers
    can read it. A failure is an OutputError naming the file."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-",
                                             suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), 0o666 & ~_umask())
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc}); check that the folder exists, "
                          "is writable and the disk is not full.") from None
    except BaseException:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise


def remove_dead_temporaries(out: Path) -> None:
    """Remove temporary files left in OUT by handouts processes that were
    killed; never anyone else's, nor those of a build still running."""
    for leftover in out.rglob(f".*{TEMP_MARK}*.part"):
        try:
            pid = int(leftover.name.split(TEMP_MARK, 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if not alive(pid):
            leftover.unlink(missing_ok=True)


class output_lock:
    """Hold OUT/.handouts.lock while building: a second build into the same
    folder waits for the first (up to LOCK_WAIT_S), so the manifest lists
    every PDF of both."""

    LOCK_WAIT_S = 1800

    def __init__(self, out: Path):
        self.out = out
        self.handle = None

    def __enter__(self):
        import fcntl

        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.out / ".handouts.lock", "a+b")  # held until __exit__
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot write here ({exc.strerror or exc}); choose another --out "
                              "folder or make this one writable.") from None
        deadline = time.monotonic() + self.LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.handle.close()
                    raise OutputError(f"{self.out}: another handouts build has been writing here for "
                                      f"{self.LOCK_WAIT_S // 60} minutes; wait for it or use another --out.") from None
                time.sleep(0.2)

    def __exit__(self, *exc_info):
        if self.handle is not None:
            self.handle.close()  # releases the lock
        return False


def content_version(job: Job) -> str:
    """The date the text was last checked, plus a hash of every input file's bytes."""
    digest = hashlib.sha256()
    paths = [p for code in job.langs for p in (content_path(job.handout, code), content_path(COMMON, code))]
    for path in paths + [content_dir() / "facts.yaml", content_dir() / "claims.yaml"]:
        if path.is_file():
            digest.update(path.read_bytes())
    as_of = load_content(job.handout, job.lang).as_of.isoformat()
    return f"{as_of}+{digest.hexdigest()[:12]}"


def check_reviewed(job: Job) -> None:
    for code in job.langs:
        for handout in (job.handout, COMMON):
            content = load_content(handout, code)
            if content.status != "reviewed":
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


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    require_reviewed: bool = False
    force: bool = False   # rebuild even when nothing changed
    workers: int = 1      # parallel render processes
    today: dt.date | None = None  # the date claims are checked against (None: the real date)


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
    if spec.english_only or SOURCE_LANGUAGE not in job.langs:  # the footer says whether English was reviewed
        paths.append(content_path(job.handout, "en"))
    paths += sorted(p for p in templates_dir().rglob("*") if p.is_file())
    paths += sorted(Path(__file__).parent.glob("*.py"))  # the code itself, not only its version number
    paths += [font_path(name) for family in FAMILIES for name in FAMILIES[family].values()
              if any(family in get_language(code).fonts for code in job.langs) or job.profile is not None]
    profile_digest = job.profile.digest if job.profile else ""
    # A claim that has expired since the last build changes the footer of a PDF built with the override.
    expired = ",".join(c.key for c in job_claims(job, today)[1]) if job.allow_expired_claims else ""
    job_text = f"{job.handout}|{job.lang_label}|{job.size}|{job.variant}|{profile_digest}|{expired}"
    digest = hashlib.sha256(f"handouts {__version__}\n{job_text}\n".encode())
    for path in paths:
        digest.update(f"{path.name}:{_file_digest(path)}\n".encode())
    return digest.hexdigest()


def _up_to_date(out: Path, job: Job, manifest: dict[str, dict], digest: str) -> bool:
    path = output_path(out, job)
    entry = manifest.get(path.relative_to(out).as_posix())
    if not entry or entry.get("inputs") != digest or not path.is_file():
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")


def _refuse_unconfirmed(job: Job, warnings: list[str], options: BuildOptions) -> None:
    unconfirmed = [w for w in warnings if not w.startswith(CLAIM_NOTE)]  # not the review-date reminders
    if options.strict and unconfirmed:
        raise FactError(f"{job.label}: --strict refuses facts and claims that are not confirmed: "
                        + "; ".join(unconfirmed))


def _render_job(job: Job, options: BuildOptions) -> Rendered:
    """What one worker does: checks, then render (no file is written here)."""
    if options.require_reviewed:
        check_reviewed(job)
    problems = consistency_problems(job.handout, job.lang)
    if problems:
        raise ContentError(f"{job.label}: {len(problems)} problem(s) in the text:\n  - " + "\n  - ".join(problems),
                           problems)
    rendered = render(job, today=options.today)
    _refuse_unconfirmed(job, rendered.warnings, options)
    rendered.content_version = content_version(job)
    return rendered


def build(
    jobs: list[Job],
    out: Path,
    *,
    strict: bool = False,
    require_reviewed: bool = False,
    force: bool = False,
    workers: int = 1,
    today: dt.date | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> BuildReport:
    """Build the jobs into `out`. Jobs whose inputs and output are unchanged since
    the last build (per out/manifest.json) are skipped (but their claims are
    checked against `today` again, so one that expired since is refused); the rest are rendered,
    in `workers` processes when there are several, and each PDF is written
    atomically as soon as it is ready, with the manifest updated after it, so an
    interrupted build loses nothing that was finished and leaves no partial file.
    """
    with output_lock(out):
        return _build(jobs, out, BuildOptions(strict, require_reviewed, force, workers, today), on_done)


def _build(jobs: list[Job], out: Path, options: BuildOptions,
           on_done: Callable[[JobResult], None] | None) -> BuildReport:
    report = BuildReport(out=out)
    today, force, require_reviewed, workers = options.today, options.force, options.require_reviewed, options.workers
    remove_dead_temporaries(out)
    manifest = read_manifest(out)
    todo: list[tuple[Job, str]] = []
    for job in jobs:
        try:
            digest = inputs_digest(job, today)
        except HandoutsError as exc:
            result = JobResult(job, error=exc)
            report.results.append(result)
            if on_done:
                on_done(result)
            continue
        if not force and _up_to_date(out, job, manifest, digest):
            # Unchanged, so not rendered again; but --strict and --require-reviewed
            # still apply to it, or an earlier lenient build would slip through.
            entry = manifest[output_path(out, job).relative_to(out).as_posix()]
            kept = [w for w in entry.get("warnings", []) if not w.startswith(CLAIM_NOTE)]
            result = JobResult(job, path=output_path(out, job), skipped=True, kept_warnings=kept)
            try:
                kept += job_claims(job, today)[2]  # claims age while the PDF sits still
                if require_reviewed:
                    check_reviewed(job)
                _refuse_unconfirmed(job, kept, options)
            except HandoutsError as exc:
                result = JobResult(job, error=exc, kept_warnings=kept)
            report.results.append(result)
            if on_done:
                on_done(result)
        else:
            todo.append((job, digest))

    def finish(job: Job, digest: str, rendered: Rendered | None, error: HandoutsError | None) -> None:
        result = JobResult(job, rendered=rendered, error=error)
        if rendered is not None and error is None:
            path = output_path(out, job)
            try:
                write_atomically(path, rendered.pdf)
                result.path = path
                manifest[path.relative_to(out).as_posix()] = manifest_entry(out, result, digest)
                write_manifest(out, manifest)
            except OutputError as exc:
                result.error, result.path = exc, None
        report.results.append(result)
        if on_done:
            on_done(result)

    if workers > 1 and len(todo) > 1:
        # "spawn", not fork: a forked worker would share the parent's font
        # configuration and WeasyPrint's font folder, and skip registering a font
        # another process had already saved there (drawing boxes instead).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context,
                                 initializer=_worker_start, initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_render_job, job, options): (job, digest) for job, digest in todo}
            try:
                for future in as_completed(futures):
                    job, digest = futures[future]
                    try:
                        finish(job, digest, future.result(), None)
                    except HandoutsError as exc:
                        finish(job, digest, None, exc)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    else:
        for job, digest in todo:
            try:
                finish(job, digest, _render_job(job, options), None)
            except HandoutsError as exc:
                finish(job, digest, None, exc)
    if not manifest_path(out).exists():
        write_manifest(out, manifest)
    return report


def _worker_start(parent: int) -> None:
    """Each worker process dies with the build that started it (even a killed
    one: a watcher thread notices that its parent is gone) and makes its one
    FontConfiguration up front."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="handouts-parent-watch", daemon=True).start()
    from .render import font_config

    font_config()


def manifest_path(out: Path) -> Path:
    return out / MANIFEST


def read_manifest(out: Path) -> dict[str, dict]:
    """The files listed in out/manifest.json; empty if there is none or it cannot be read."""
    try:
        document = json.loads(manifest_path(out).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in document["files"] if (out / entry["path"]).is_file()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def manifest_entry(out: Path, result: JobResult, digest: str) -> dict:
    rendered = result.rendered
    content = load_content(result.job.handout, result.job.lang)
    return {
        "path": result.path.relative_to(out).as_posix(),
        "sha256": hashlib.sha256(rendered.pdf).hexdigest(),
        "bytes": len(rendered.pdf),
        "handout": result.job.handout,
        "language": result.job.lang,
        "languages": list(result.job.langs),  # a sign prints several, `language` first
        "size": result.job.size,
        "variant": result.job.variant,
        "pages": rendered.pages,
        "body_pt": rendered.body_pt,
        "content_version": rendered.content_version,
        "review_status": content.status,
        "warnings": rendered.warnings,
        "inputs": digest,
    }


def write_manifest(out: Path, manifest: dict[str, dict]) -> None:
    document = {"generator": f"handouts {__version__}", "files": [manifest[k] for k in sorted(manifest)]}
    write_atomically(manifest_path(out), (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
