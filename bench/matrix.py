"""The offered matrix: build every handout, in every language it is offered in,
on every size it is offered on, for two clinics (none, and the longest clinic
details a profile allows), and print what failed and how many layout passes
each PDF took.

    .venv/bin/python bench/matrix.py [-j 2] [--variant office --variant large-print]
                                     [--profile none --profile longest] [--handout KEY] [--sample N]

Signs are built with English alone, English with each other language, and
English with every language at once (what `handouts build --lang ...` with all
twelve asks for). Nothing is written to disk. Exit status 1 if any PDF failed.
The suite runs a sample of it (tests/test_matrix.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from handouts.clinic.profile import MAX_FIELD_CHARS, MAX_MESSAGE_CHARS, Profile
from handouts.clinic.validate import make_profile
from handouts.content import SOURCE_LANGUAGE, available_languages, get_handout, handout_keys, load_content
from handouts.errors import HandoutsError
from handouts.locales import LANGUAGES
from handouts.model import Job
from handouts.render import render
from handouts.render.variants import VARIANTS, get_variant
from handouts.sizes import get_size

PROFILES = ("none", "longest")
WORDS = "Clinica Comunitaria de Salud Familiar del Valle de San Fernando y Centro de Bienestar para Todas las Familias "


def _words(limit: int, words: str = WORDS) -> str:
    """Real words (so lines can wrap), as many as fit in `limit` characters."""
    text = (words * (limit // max(len(words), 1) + 2))[:limit]
    return text.rsplit(" ", 1)[0] if " " in text[limit // 2 :] else text


def _message(lang: str) -> str:
    """The longest message a clinic may write for `lang`'s pages, in that language's
    own script (so wide scripts take the room they would)."""
    title = str(load_content("know-your-rights", lang).data.get("title", "")) if lang in LANGUAGES else ""
    return _words(MAX_MESSAGE_CHARS, (title + " ") if title.strip() else WORDS)


def longest_profile() -> Profile:
    """A valid clinic profile with every field as long as validation allows."""
    url = "https://www.example-community-clinic.org/"
    url += "/".join(["telehealth-visits-for-families"] * 20)
    values: dict[str, str] = {
        "name": _words(MAX_FIELD_CHARS["name"]),
        "address": _words(MAX_FIELD_CHARS["address"]),
        "phone": "(213) 555-0100 ext. 1234",
        "hours": _words(MAX_FIELD_CHARS["hours"]),
        "website": url[: MAX_FIELD_CHARS["website"]],
        "telehealth": url[: MAX_FIELD_CHARS["telehealth"]],
        "color": "#1d4ed8",
    }
    for code in LANGUAGES:
        if code != SOURCE_LANGUAGE:
            values[f"message_{code}"] = _message(code)
    return make_profile(values, "longest allowed clinic (bench/matrix.py)", Path.cwd())


@dataclass(frozen=True)
class Outcome:
    label: str
    group: str  # handout and size
    profile: str
    ok: bool
    pages: int
    passes: int
    body_pt: float
    seconds: float
    error: str = ""


def offered_jobs(handouts: Iterable[str], variants: Iterable[str], profile: Profile | None) -> Iterator[Job]:
    """Every job the tool offers for these handouts and variants."""
    for key in handouts:
        spec = get_handout(key)
        have = [code for code in LANGUAGES if code in available_languages(key) and spec.expects(code)]
        if spec.multilingual:
            others = [code for code in have if code != SOURCE_LANGUAGE]
            groups = [(SOURCE_LANGUAGE,)] + [(SOURCE_LANGUAGE, code) for code in others]
            groups.append((SOURCE_LANGUAGE, *others))
        else:
            groups = [(code,) for code in have]
        for variant in variants:
            for size in spec.sizes:
                if not get_variant(variant).cards and get_size(size).kind == "card":
                    continue
                for group in groups:
                    yield Job(key, group[0], size, variant, profile, also=group[1:])


def run(job: Job, profile_name: str, save: str = "") -> Outcome:
    start = time.perf_counter()
    try:
        rendered = render(job)
        if save:  # to look at, or to compare two checkouts file by file
            path = Path(save) / profile_name / job.lang_label / f"{job.handout}-{job.size}-{job.variant}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(rendered.pdf)
    except HandoutsError as error:
        return Outcome(
            job.label,
            f"{job.handout} {job.size}",
            profile_name,
            False,
            0,
            0,
            0.0,
            time.perf_counter() - start,
            str(error),
        )
    return Outcome(
        job.label,
        f"{job.handout} {job.size}",
        profile_name,
        True,
        rendered.pages,
        rendered.passes,
        rendered.body_pt,
        time.perf_counter() - start,
    )


def _run_pair(args: tuple[Job, str, str]) -> Outcome:
    return run(*args)


def matrix(
    handouts: Iterable[str],
    variants: Iterable[str],
    profiles: Iterable[str],
    workers: int,
    sample: int = 0,
    save: str = "",
) -> list[Outcome]:
    chosen = {"none": None, "longest": longest_profile()}
    work = [
        (job, name, save) for name in profiles for job in offered_jobs(list(handouts), list(variants), chosen[name])
    ]
    if sample:
        work = work[:: max(1, len(work) // sample)][:sample]
    if workers <= 1:
        return [run(*item) for item in work]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_run_pair, work, chunksize=4))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS), help="default: office, large-print")
    parser.add_argument("--profile", action="append", choices=PROFILES, help="default: both")
    parser.add_argument("--handout", action="append", help="default: every handout")
    parser.add_argument("--sample", type=int, default=0, help="build only about this many jobs, spread evenly")
    parser.add_argument("--all-rows", action="store_true", help="print a row for every PDF, not only failures")
    parser.add_argument(
        "--save", default="", help="write each PDF into this folder (PROFILE/LANGS/HANDOUT-SIZE-VARIANT.pdf)"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    outcomes = matrix(
        args.handout or handout_keys(),
        args.variant or ["office", "large-print"],
        args.profile or list(PROFILES),
        args.jobs,
        args.sample,
        args.save,
    )
    wall = time.perf_counter() - start
    failed = [o for o in outcomes if not o.ok]
    rows = outcomes if args.all_rows else failed
    if rows:
        print("| PDF | clinic | result | pages | passes | body pt | s |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for o in rows:
            result = "ok" if o.ok else "FAIL: " + o.error.splitlines()[0][:160]
            print(f"| {o.label} | {o.profile} | {result} | {o.pages} | {o.passes} | {o.body_pt:g} | {o.seconds:.2f} |")
        print()
    print("| handout / size | clinic | PDFs | failed | passes per PDF | pages (most) |")
    print("| --- | --- | --- | --- | --- | --- |")
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.group, o.profile), []).append(o)
    for (name, profile), group in sorted(groups.items()):
        done = [o for o in group if o.ok]
        mean = statistics.mean(o.passes for o in done) if done else 0.0
        most = max((o.pages for o in done), default=0)
        print(f"| {name} | {profile} | {len(group)} | {len(group) - len(done)} | {mean:.2f} | {most} |")
    passes = Counter(o.passes for o in outcomes if o.ok)
    total = sum(o.passes for o in outcomes if o.ok)
    print()
    print(
        f"{len(outcomes)} PDFs, {len(failed)} failed; {total} layout passes "
        f"({total / max(1, len(outcomes) - len(failed)):.2f} per PDF; {dict(sorted(passes.items()))}); "
        f"{wall:.1f} s with {args.jobs} worker(s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
