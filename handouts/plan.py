"""Which jobs to build, and where each PDF goes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .clinic.profile import Profile
from .content import SOURCE_LANGUAGE, available_languages, get_handout, handout_keys
from .errors import UsageError
from .locales import LANGUAGES, get_language
from .model import Job
from .render.variants import get_variant
from .sizes import get_size


def sign_languages(key: str, langs: list[str]) -> list[tuple[str, ...]]:
    """The language sets of a sign's pages. Named languages share one page,
    English first (a notice must be readable by whoever it addresses); with
    none named, English alone and English with each other language."""
    if langs:
        return [tuple(dict.fromkeys([SOURCE_LANGUAGE, *langs]))]
    have = [c for c in LANGUAGES if c in available_languages(key)]
    return [(SOURCE_LANGUAGE,)] + [(SOURCE_LANGUAGE, code) for code in have if code != SOURCE_LANGUAGE]


def plan(
    handouts: Iterable[str] = (),
    langs: Iterable[str] = (),
    sizes: Iterable[str] = (),
    variant: str = "office",
    profile: Profile | None = None,
    allow_expired_claims: bool = False,
    allow_stale: bool = False,
) -> list[Job]:
    """The jobs to build. Empty choices mean: every handout, every language it
    has text in, and its default sizes. With no handout named, a named language
    a handout has no text in is skipped for it (Western Armenian has fewer
    handouts); a named handout in such a language is a job that fails, saying so.
    A named size a handout does not come in
    is skipped for that handout (and is an error if no handout comes in it).
    Signs put the named languages on one page (see sign_languages)."""
    handouts, langs, sizes = list(handouts), list(langs), list(sizes)
    chosen_variant = get_variant(variant)
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
            have = available_languages(key)
            groups = [(c,) for c in langs or LANGUAGES if c in have or (langs and handouts)]
        for group in groups:
            for size in chosen_sizes:
                if not chosen_variant.cards and get_size(size).kind == "card":
                    continue  # e.g. no large-print wallet cards
                jobs.append(
                    Job(
                        key,
                        group[0],
                        size,
                        variant,
                        profile,
                        also=group[1:],
                        allow_expired_claims=allow_expired_claims,
                        allow_stale=allow_stale,
                    )
                )
    if sizes and not jobs:
        raise UsageError(
            f"None of the chosen handouts comes in size {', '.join(sizes)}. "
            + "; ".join(f"{k}: {', '.join(get_handout(k).sizes)}" for k in handouts or handout_keys())
        )
    return jobs


def output_path(out: Path, job: Job) -> Path:
    """OUT/<languages>/<handout>-<size><variant suffix>.pdf"""
    suffix = get_variant(job.variant).file_suffix
    return out / job.lang_label / f"{job.handout}-{job.size}{suffix}.pdf"


def plan_each(
    handouts: Iterable[str],
    langs: Iterable[str],
    sizes: Iterable[str],
    variant: str = "office",
    profile: Profile | None = None,
) -> tuple[list[Job], list[str]]:
    """The jobs for these handouts, each in the chosen sizes it comes in, and
    in its default sizes when it comes in none of them (a door sign with
    "Poster 24 x 36" ticked); also the handouts that fell back to their
    default sizes, so the caller can say so. The rule of a batch row and of
    the web page alike."""
    jobs: list[Job] = []
    fell_back = []
    langs, sizes = list(langs), list(sizes)
    for key in dict.fromkeys(handouts):
        spec = get_handout(key)
        fitting = [s for s in sizes if s in spec.sizes]
        if sizes and not fitting:
            fell_back.append(key)
        jobs += plan([key], langs, fitting or list(spec.default_sizes), variant=variant, profile=profile)
    return list(dict.fromkeys(jobs)), fell_back
