"""What one worker does for one task: the checks, then the render. No file is
written here, so a task runs in any process, on any machine (see engines.py).
A task is a record (model.Task): a job to render, a job to fit, or a packet."""

from __future__ import annotations

from .consistency import consistency_problems
from .digest import content_version
from .errors import ContentError, FactError
from .model import BuildOptions, FitTask, Job, PacketTask, Rendered, RenderTask, Task
from .notices import undated
from .packet.bind import bind_packet
from .render import fit_page, prepare, render
from .translations import check_reviewed


def refuse_unconfirmed(job: Job, warnings: list[str], options: BuildOptions) -> None:
    unconfirmed = undated(warnings)  # not the review-date reminders
    if options.strict and unconfirmed:
        raise FactError(
            f"{job.label}: --strict refuses facts and claims that are not confirmed: " + "; ".join(unconfirmed)
        )


def _check_text(job: Job) -> None:
    problems = consistency_problems(job.handout, job.lang)
    if problems:
        raise ContentError(
            f"{job.label}: {len(problems)} problem(s) in the text:\n  - " + "\n  - ".join(problems), problems
        )


def run_task(task: Task) -> Rendered:
    """What one worker does: checks, then render (no file is written here)."""
    match task:
        case PacketTask(job=job, plan=plan, digest=digest):
            bound = bind_packet(plan, job.profile)
            return Rendered(job, bound.pdf, 0, 0.0, bound.warnings, content_version=digest, passes=bound.passes)
        case FitTask(job=job, hint=hint, options=options):
            _check_text(job)
            fitted = fit_page(prepare(job, options.today), hint)
            setting = fitted.setting
            pages = len(fitted.measured.result.pages)
            return Rendered(
                job,
                b"",
                pages,
                setting.body_pt,
                compact=setting.compact,
                passes=fitted.passes,
                fill=setting.fill,
                fit_pages=setting.pages,
            )
        case RenderTask(job=job, options=options, digest=digest, hint=hint):
            if options.require_reviewed:
                check_reviewed(job)
            _check_text(job)
            rendered = render(job, today=options.today, hint=hint)
            refuse_unconfirmed(job, rendered.warnings, options)
            rendered.content_version = content_version(job, digest)
            return rendered
    raise TypeError(f"not a task: {task!r}")
