"""The one auto-fit engine: choose the body type size (and how compact the
layout is) at which a page's content fits, and grow it to fill the page.

It is a pure function of a `measure` callback, so it is tested without
WeasyPrint (tests/test_fit.py). Every handout, poster, card, sign, tri-fold
panel set and packet part is fitted here. The numbers that decide it live in
one place: the `FitPolicy` of each size kind in POLICIES.

The rule:
1. Start at the size's body size (or at a remembered result, see `hint`).
2. While it does not fit: shrink by `step` down to the minimum; at the minimum,
   try `compact_levels` tighter layouts (smaller headings and spacing); then give up.
   When the first pass says how much room the text needs (`Measured.need`), the
   steps it surely needs are skipped: it tries two steps above the size where
   the text would just fit (text height goes about with the square of its size);
   if that fits, it climbs back while the step above fits too. So it ends at
   the same step as stepping one by one from the start, in fewer passes.
3. If it fit at the start size and may grow (`max_pt` above it), jump to the
   size the free space allows (text height goes about with the square of its
   size, aiming at `grow_fill` of the page), then step back by `grow_back` until
   it fits; gains under `grow_min_gain` are not worth a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..model import Setting

T = TypeVar("T")


@dataclass(frozen=True)
class FitPolicy:
    step: float = 0.94  # each shrink step sets type 6% smaller
    compact_levels: int = 2  # tighter layouts to try at the minimum body size
    grow_fill: float = 0.97  # growing aims at this share of the page height
    grow_back: float = 0.97  # a grown size that does not fit steps back by this
    grow_min_gain: float = 1.02  # do not grow by less than 2%
    growth: float = 1.0  # may grow to this many times the body size when the size sets no maximum


# One policy per size kind (sizes.py), plus the tri-fold panels.
POLICIES: dict[str, FitPolicy] = {
    "flyer": FitPolicy(growth=1.3),  # a flyer with two sides may set its text up to 30% larger to fill them
    "poster": FitPolicy(),  # posters grow up to their size's max_body_pt
    "card": FitPolicy(),  # cards too
    "sign": FitPolicy(growth=2.5),  # a sign's text may grow to 2.5x its size's body text, to fill the page
    "panel": FitPolicy(),  # tri-fold panels only shrink
}


@dataclass(frozen=True)
class Measured(Generic[T]):
    """What one layout pass reports: whether it fits, how full its fullest page
    is (0..1+), and the laid-out result itself (kept, so the winner is not laid out twice)."""

    fits: bool
    fill: float
    result: T
    need: float = 0.0  # the room the text needs, as a share of the room allowed (2.0: twice the pages); 0: unknown


@dataclass(frozen=True)
class Fitted(Generic[T]):
    setting: Setting
    measured: Measured[T]
    passes: int

    @property
    def fits(self) -> bool:
        return self.measured.fits


def fit(
    measure: Callable[[Setting], Measured[T]],
    body_pt: float,
    min_pt: float,
    max_pt: float,
    policy: FitPolicy,
    hint: Setting | None = None,
    pages: int = 0,
) -> Fitted[T]:
    """Fit, following the rule in the module docstring. `max_pt` 0 means no
    growth. `hint` is a setting remembered from an earlier build with the same
    inputs: if it fits, it is the answer, in one pass. When nothing fits, the
    result has fits False and the tightest setting tried; the caller says why.
    `pages` is carried in every setting tried (Setting.pages: the pages allowed)."""
    passes = 0

    def run(setting: Setting) -> Measured[T]:
        nonlocal passes
        passes += 1
        return measure(setting)

    if (
        hint is not None
        and min_pt <= hint.body_pt <= max(body_pt, max_pt)
        and 0 <= hint.compact <= policy.compact_levels
        and hint.pages == pages
    ):
        measured = run(hint)
        if measured.fits:
            return Fitted(hint, measured, passes)
    setting = Setting(body_pt, pages=pages)
    measured = run(setting)
    sizes = ladder(body_pt, min_pt, policy.step)
    at = skip_to(sizes, measured.need) if not measured.fits else 0
    if at >= 2:  # skipping saves a pass or more
        setting = Setting(sizes[at], pages=pages)
        measured = run(setting)
        while measured.fits and at > 1:  # climb back while the step above fits too
            above = run(Setting(sizes[at - 1], pages=pages))
            if not above.fits:
                break
            at, setting, measured = at - 1, Setting(sizes[at - 1], pages=pages), above
    while not measured.fits:
        if setting.body_pt <= min_pt and setting.compact < policy.compact_levels:
            setting = Setting(setting.body_pt, setting.compact + 1, pages=pages)
        elif setting.body_pt <= min_pt:
            return Fitted(setting, measured, passes)
        else:
            setting = Setting(max(round(setting.body_pt * policy.step, 2), min_pt), setting.compact, pages=pages)
        measured = run(setting)
    if setting.body_pt == body_pt and max_pt > body_pt:
        target = min(max_pt, round(body_pt * (policy.grow_fill / max(measured.fill, 0.05)) ** 0.5, 2))
        while target > body_pt * policy.grow_min_gain:
            trial = run(Setting(target, pages=pages))
            if trial.fits:
                return Fitted(Setting(target, pages=pages), trial, passes)
            target = round(target * policy.grow_back, 2)
    return Fitted(setting, measured, passes)


def ladder(body_pt: float, min_pt: float, step: float) -> list[float]:
    """The sizes shrinking tries one by one, from the body size to the minimum (same rounding)."""
    size, sizes = body_pt, [body_pt]
    while size > min_pt:
        size = max(round(size * step, 2), min_pt)
        sizes.append(size)
    return sizes


def skip_to(sizes: list[float], need: float) -> int:
    """Where on the ladder to go on from when the text needs `need` times the
    room at sizes[0]: two steps above the first size at which, by the square
    rule, it would just fit (0: no skipping, `need` unknown or small)."""
    if need <= 1:
        return 0
    target = sizes[0] / need**0.5
    first = next((i for i, s in enumerate(sizes) if s <= target), len(sizes) - 1)
    return max(0, first - 2)


def growth_limit(size_max_pt: float, body_pt: float, policy: FitPolicy, may_grow: bool) -> float:
    """The largest body size: the size's own maximum if it has one, else the
    policy's growth factor when this page may grow at all."""
    if size_max_pt:
        return size_max_pt
    return body_pt * policy.growth if may_grow and policy.growth > 1 else 0.0
