"""What one worker does for one job: the checks, then the render. No file is
written here, so a job can run in any process, on any machine (see engines.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .checks import consistency_problems
from .content import COMMON, SOURCE_LANGUAGE, load_content
from .digest import content_version
from .errors import ContentError, FactError, ReviewError
from .locales import get_language
from .model import BuildOptions, Job, Rendered, Setting
from .reliance import CLAIM_NOTE
from .render import fit_page, prepare, render
from .translations import status_of

if TYPE_CHECKING:
    from .packet import PacketPlan


def check_reviewed(job: Job) -> None:
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


@dataclass(frozen=True)
class Task:
    """One job to render, with what decides it (its inputs digest) and the
    remembered fit of an earlier build with the same inputs. With `packet`, the
    task is a packet (packet.py) for the clinic in `job.profile` instead."""

    job: Job
    options: BuildOptions
    digest: str
    hint: Setting | None = None
    packet: PacketPlan | None = None
    fit_only: bool = False  # only the fit is wanted (Rendered without PDF bytes): see batch.shared_fits


def refuse_unconfirmed(job: Job, warnings: list[str], options: BuildOptions) -> None:
    unconfirmed = [w for w in warnings if not w.startswith(CLAIM_NOTE)]  # not the review-date reminders
    if options.strict and unconfirmed:
        raise FactError(
            f"{job.label}: --strict refuses facts and claims that are not confirmed: " + "; ".join(unconfirmed)
        )


def run_task(task: Task) -> Rendered:
    """What one worker does: checks, then render (no file is written here)."""
    job, options, digest, hint = task.job, task.options, task.digest, task.hint
    if task.packet is not None:
        from .packet import bind_packet

        bound = bind_packet(task.packet, job.profile)
        return Rendered(job, bound.pdf, 0, 0.0, bound.warnings, content_version=digest, passes=bound.passes)
    if options.require_reviewed:
        check_reviewed(job)
    problems = consistency_problems(job.handout, job.lang)
    if problems:
        raise ContentError(
            f"{job.label}: {len(problems)} problem(s) in the text:\n  - " + "\n  - ".join(problems), problems
        )
    if task.fit_only:
        fitted = fit_page(prepare(job, options.today), hint)
        setting = fitted.setting
        pages = len(fitted.measured.result.pages)
        return Rendered(
            job, b"", pages, setting.body_pt, compact=setting.compact, passes=fitted.passes, fill=setting.fill
        )
    rendered = render(job, today=options.today, hint=hint)
    refuse_unconfirmed(job, rendered.warnings, options)
    rendered.content_version = content_version(job, digest)
    return rendered
