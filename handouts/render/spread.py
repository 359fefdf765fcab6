"""Fill the page: after fitting, share each page's leftover height among the
gaps between its blocks, so the last line ends at the bottom margin.

The fit engine (fit.py) grows the type until the fullest page is full. The
other pages (the first side of a two-sided flyer ends where its sections end)
and the last few points of the fullest one are left blank at the bottom. This
step measures, per page, how far the lowest line sits above the bottom margin
and adds that much space above the blocks on that page, in proportion to their
weight: between sections more than between list items. A list item's share is
capped (bullets far apart stop reading as a list); what it cannot take goes to
the heavier gaps.

Templates mark the gaps with `{{ gap("section") }}` (see GAP_WEIGHTS). The marks
are numbered in document order, so the same template and text number them the
same in every pass, and the added space is a CSS rule per mark.

Laid-out pages are read through boxes.py only (WeasyPrint has no public box
tree); everything here is arithmetic on the numbers it returns.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..errors import RenderError
from . import boxes

GAP_WEIGHTS = {"section": 3.0, "block": 2.0, "item": 1.0}
GROW_LEFTOVER = 0.08  # a page with more than this share of its height free gets larger type first
GROW_USE = 0.8  # ... aiming to fill this share of the free space with it
ITEM_CAP = 0.5  # a list item gets at most this many body sizes of extra space above it
MIN_LEFTOVER = 0.01  # pages whose lowest line is this close (share of the page height, after SAFETY) stay as they are
# kept free per page: WeasyPrint breaks a few px before a line would touch the
# bottom (measured: 5 px too few on a half-letter sign, 10 px enough)
SAFETY = 0.015  # share of the page height
FILLED = 0.03  # a remembered fill is kept if each page still ends this close (share of the page height)
# Text may reach this far (CSS px, 1.6 mm) into a side margin: WeasyPrint sets an
# icon at the start of a right-to-left line about 5 px past the edge. A phone
# number too large for its column runs much further (and then does not fit).
SIDEWAYS_PX = 6.0


class GapMarks:
    """`gap(kind)` in a template: the attributes that mark one gap. One per render pass."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, kind: str) -> Markup:
        if kind not in GAP_WEIGHTS:
            raise RenderError(f"a template marks a gap as {kind!r}; use one of {', '.join(GAP_WEIGHTS)}.")
        self.count += 1
        return Markup(f' data-gap="{self.count}" data-gap-kind="{kind}"')


@dataclass(frozen=True)
class Gap:
    mark: str
    kind: str
    top: float  # CSS px from the top of the page
    height: float  # of its box on this page
    grows: bool  # a section (its type may grow); not the <footer>
    above: bool = True  # it starts below the page's first line: there is a gap above it to widen


def page_gaps(page: Any) -> tuple[float, float, list[Gap]]:
    """(content area bottom, lowest line, the marked blocks that start on this
    page). A block whose top is the page's first line has no gap above it
    (`Gap.above`), but its type may still grow."""
    read = boxes.flow(page, "data-gap")
    if read.first_line is None:
        return read.bottom, read.lowest, []
    top = read.first_line + 1
    gaps = []
    for block in read.marked:
        kind = "item" if block.kind is None else block.kind
        grows = kind == "section" and block.tag != "footer"
        gaps.append(Gap(block.mark, kind, block.top, block.height, grows, above=block.top > top))
    return read.bottom, read.lowest, gaps


def grow_css(document: Any, max_scale: float) -> str:
    """CSS that sets the sections of a page with much room left in larger type
    (at most `max_scale` times), so that page is filled with text before space."""
    rules: list[str] = []
    seen: set[str] = set()
    for page in document.pages:
        bottom, lowest, gaps = page_gaps(page)
        fresh = [g for g in gaps if g.mark not in seen]
        seen.update(g.mark for g in gaps)
        sections = [g for g in fresh if g.kind == "section" and g.grows]
        leftover = bottom - lowest
        grown = sum(g.height for g in sections)
        if not sections or leftover <= GROW_LEFTOVER * page.height or grown <= 0:
            continue
        # text height goes about with the square of its size (longer lines wrap more)
        scale = min(max_scale, ((grown + GROW_USE * leftover) / grown) ** 0.5)
        if scale >= 1.02:
            rules += [f'[data-gap="{g.mark}"]{{font-size:{scale:.3f}em}}' for g in sections]
    return "\n".join(rules)


def spread_css(document: Any, body_pt: float) -> str:
    """CSS that adds each page's leftover height above its gaps; '' when no page needs it.
    A block split over two pages counts on the first only."""
    rules: list[str] = []
    seen: set[str] = set()
    body_px = body_pt / 0.75
    for page in document.pages:
        bottom, lowest, gaps = page_gaps(page)
        gaps = [g for g in gaps if g.mark not in seen]
        seen.update(g.mark for g in gaps)
        gaps = [g for g in gaps if g.above]
        leftover = bottom - lowest - SAFETY * page.height
        if not gaps or leftover <= MIN_LEFTOVER * page.height:
            continue
        extra = share_leftover(leftover, gaps, body_px)
        rules += [f'[data-gap="{mark}"]{{padding-top:{px:.2f}px}}' for mark, px in extra.items() if px >= 0.05]
    return "\n".join(rules)


def share_leftover(leftover: float, gaps: list[Gap], body_px: float) -> dict[str, float]:
    """Split `leftover` over the gaps by weight; items capped, their excess to the others."""
    weights = {g.mark: GAP_WEIGHTS.get(g.kind, 1.0) for g in gaps}
    kinds = {g.mark: g.kind for g in gaps}
    extra: dict[str, float] = defaultdict(float)
    per_unit = leftover / sum(weights.values())
    heavy = [m for m in weights if kinds[m] != "item"]
    if heavy and per_unit > ITEM_CAP * body_px:
        for mark in weights:
            if kinds[mark] == "item":
                extra[mark] = ITEM_CAP * body_px
        rest = leftover - sum(extra.values())
        heavy_units = sum(weights[m] for m in heavy)
        for mark in heavy:
            extra[mark] = rest * weights[mark] / heavy_units
    else:
        for mark, weight in weights.items():
            extra[mark] = per_unit * weight
    return dict(extra)


_FILL_RULE = re.compile(r'\[data-gap="\d{1,5}"\]\{(font-size:\d{1,3}\.\d{3}em|padding-top:\d{1,5}\.\d{2}px)\}')


def is_fill(css: str) -> bool:
    """Whether `css` is made of the rules grow_css and spread_css write, nothing
    else: a fill read back from a manifest goes into the page's <style>."""
    return all(_FILL_RULE.fullmatch(line) for line in css.splitlines()) if css else True


def filled(document: Any) -> bool:
    """Every page ends near its bottom margin (within FILLED of the page height,
    besides SAFETY), or has no gap to widen: how a remembered fill (fit.Setting.fill)
    is judged on a page whose clinic band differs a little from the one it was made for."""
    for page in document.pages:
        bottom, lowest, gaps = page_gaps(page)
        if bottom - lowest > (SAFETY + FILLED) * page.height and any(g.above for g in gaps):
            return False
    return True


def within_area(document: Any) -> bool:
    """Every page's lines inside its content area (after growing or spreading):
    not below the bottom margin, and not into the side margins."""
    for page in document.pages:
        bottom, lowest, _ = page_gaps(page)
        if lowest > bottom + 0.5:
            return False
    return sideways(document) <= SIDEWAYS_PX


def sideways(document: Any) -> float:
    """How far (CSS px) any text or image runs into a side margin: a phone
    number that does not wrap, set too large for its column."""
    worst = 0.0
    for page in document.pages:
        worst = max(worst, boxes.past_sides(page))
    return worst
