"""Every read of WeasyPrint's box tree: how a laid-out page is made of boxes.

WeasyPrint has no public box tree (INTERNAL 4 in engine.py's header). This
module is the only one that reads it, and it turns a page into plain numbers
(CSS px from the page's top left corner), so spread.py's arithmetic and
engine.py's fill never touch a box. What it reads:

- `Page._page_box`: the root of a page's boxes;
- on every box: `children`, `position_x`, `position_y`, `width`, `height`,
  `margin_width()`, `margin_height()`, `border_width()`, `border_box_x()`,
  `content_box_x()`, `content_box_y()`, the HTML element it comes from
  (`element`, with its attributes, and `element_tag`);
- box class names: `LineBox`, `TableRowBox`, `InlineReplacedBox`,
  `BlockReplacedBox` (lines and images: ink that takes up height), `TextBox`
  (ink that takes up width) and `MarginBox` (a page's margin areas).

tests/test_weasyprint_canary.py checks, without importing WeasyPrint, that the
installed WeasyPrint still has each of them and computes the sizes the same way.
WeasyPrint is not imported here: pages and boxes are read by their attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# ink that takes up height on the page: a line of text, a table row, an image
INKED = ("LineBox", "TableRowBox", "InlineReplacedBox", "BlockReplacedBox")
# ink whose width is what may run into a side margin: a run of text, an image
SIDE_INKED = ("TextBox", "InlineReplacedBox", "BlockReplacedBox")


@dataclass(frozen=True)
class Marked:
    """The outermost box on a page of an element marked with an attribute."""

    mark: str  # the attribute's value
    kind: str | None  # the value of the attribute + "-kind", if it has one
    tag: str  # the element's tag
    top: float
    height: float  # of its margin box, on this page


@dataclass(frozen=True)
class Flow:
    """How a page's content sits in its content area, from top to bottom."""

    bottom: float  # of the content area: where the bottom margin starts
    lowest: float  # the lowest point of any line, row or image (0 when none)
    first_line: float | None  # the top of the highest line, row or image; None when none
    marked: tuple[Marked, ...]  # in document order, each mark once (its first box)


def overflow(page: Any) -> float:
    """How far (CSS px) anything on the page, margin boxes included, sticks out past its edges."""
    width, height = page.width, page.height
    worst = 0.0
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        x, y = getattr(box, "position_x", 0), getattr(box, "position_y", 0)
        w = box.margin_width() if hasattr(box, "margin_width") else 0
        h = box.margin_height() if hasattr(box, "margin_height") else 0
        worst = max(worst, x + w - width, y + h - height, -x, -y)
        stack.extend(getattr(box, "children", ()))
    return worst


def content_bottom(page: Any) -> float:
    """The lowest point of any line, row or image on the page, margin boxes included (CSS px)."""
    lowest, stack = 0.0, [page._page_box]
    while stack:
        box = stack.pop()
        if type(box).__name__ in INKED:
            lowest = max(lowest, box.position_y + box.margin_height())
        stack.extend(getattr(box, "children", ()))
    return lowest


def _in_area(page: Any) -> Iterator[Any]:
    """The page's boxes in document order (a parent before its children), without
    its margin boxes (a packet's page number stands in the bottom margin on purpose)."""
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(reversed([c for c in getattr(box, "children", ()) if type(c).__name__ != "MarginBox"]))


def flow(page: Any, attribute: str) -> Flow:
    """The page's content area and lines (margin boxes left out), and the
    elements with `attribute` whose boxes start on this page."""
    page_box = page._page_box
    area_top = page_box.content_box_y()
    area_bottom = area_top + page_box.height
    lowest, first_line = 0.0, None
    marked: dict[str, Marked] = {}
    for box in _in_area(page):
        if type(box).__name__ in INKED:
            first_line = box.position_y if first_line is None else min(first_line, box.position_y)
            lowest = max(lowest, box.position_y + box.margin_height())
        element = getattr(box, "element", None)
        if element is None or not box.element_tag:
            continue
        mark = element.get(attribute)
        if mark and mark not in marked:  # its outermost box: parents come before their children
            kind = element.get(f"{attribute}-kind")
            marked[mark] = Marked(mark, kind, box.element_tag, box.position_y, box.margin_height())
    return Flow(area_bottom, lowest, first_line, tuple(marked.values()))


def past_sides(page: Any) -> float:
    """How far (CSS px) any text or image on the page runs past the left or
    right edge of its content area (margin boxes left out); 0 when none does."""
    page_box = page._page_box
    left = page_box.content_box_x()
    right = left + page_box.width
    worst = 0.0
    for box in _in_area(page):
        if type(box).__name__ in SIDE_INKED:
            start = box.border_box_x()  # the ink, not the margin (an icon's margin may reach past)
            worst = max(worst, left - start, start + box.border_width() - right)
    return worst
