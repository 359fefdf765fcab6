"""Impose wallet cards N-up on a sheet of paper, fronts and backs aligned for duplex.

Avery 5371/8371/28371 business-card stock: Letter paper, 2 columns x 5 rows of
3.5 x 2 in cards, 0.75 in left margin, 0.5 in top margin, no gaps. Backs are
printed with the columns mirrored, so that when the sheet is turned over along
its long edge each back lands behind its own front.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .errors import UsageError
from .fonts import font_css
from .locales import LANGUAGES, get_language
from .model import Job
from .render import describe, environment, html_to_pdf, render
from .translations import check_reviewed
from .words import N_

PT_PER_IN = 72


@dataclass(frozen=True)
class Stock:
    name: str
    description: str
    sheet_w_in: float
    sheet_h_in: float
    card_w_in: float
    card_h_in: float
    columns: int
    rows: int
    left_in: float
    top_in: float
    cut_marks: bool  # plain paper: draw where to cut

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def slot_origin_pt(self, index: int, back: bool = False) -> tuple[float, float]:
        """Bottom-left corner (PDF points, origin bottom-left) of card `index`
        (0-based, left to right, top to bottom). Backs mirror the columns."""
        row, column = divmod(index, self.columns)
        if back:
            column = self.columns - 1 - column
        x = (self.left_in + column * self.card_w_in) * PT_PER_IN
        top = (self.top_in + row * self.card_h_in) * PT_PER_IN
        y = self.sheet_h_in * PT_PER_IN - top - self.card_h_in * PT_PER_IN
        return x, y


STOCKS = {
    s.name: s
    for s in [
        Stock(
            "avery-5371",
            N_("Avery 5371/8371/28371 business cards, 10 per Letter sheet"),
            8.5,
            11,
            3.5,
            2,
            2,
            5,
            0.75,
            0.5,
            cut_marks=False,
        ),
        Stock(
            "plain-letter",
            N_("Plain Letter paper, 10 cards with cut marks"),
            8.5,
            11,
            3.5,
            2,
            2,
            5,
            0.75,
            0.5,
            cut_marks=True,
        ),
    ]
}


def get_stock(name: str) -> Stock:
    try:
        return STOCKS[name]
    except KeyError:
        raise UsageError(f"Unknown stock '{name}'. Valid stocks: {', '.join(STOCKS)}.") from None


# How many Red Cards, in which languages, go on how many sheets: every rule is here.
# `handouts sheet` fills one sheet (parse_counts); a batch rounds each language up to
# whole sheets of its own (whole_sheets); the web page takes whole sheets that may mix
# languages (sheet_chunks).


def count_word(word: str) -> tuple[str, int | None]:
    """'es:6' -> ('es', 6); a bare 'es' -> ('es', None). A count is a whole number of at least 1 (ValueError)."""
    code, _, number = word.partition(":")
    if not number:
        return code, None
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"'{word}': write LANGUAGE:COUNT with a whole number, e.g. es:6")
    return code, int(number)


def whole_sheets(count: int, per_sheet: int) -> int:
    """The sheets `count` cards take, the last one filled up."""
    return -(-count // per_sheet)


def sheet_chunks(counts: list[tuple[str, int]], per_sheet: int) -> list[list[str]]:
    """Whole sheets that may mix languages, in order:
    [('es', 20), ('ko', 10)] with 10 a sheet -> [['es:10'], ['es:10'], ['ko:10']]."""
    cards = [code for code, number in counts for _ in range(number)]
    chunks = []
    for start in range(0, len(cards), per_sheet):
        grouped: dict[str, int] = {}
        for code in cards[start : start + per_sheet]:
            grouped[code] = grouped.get(code, 0) + 1
        chunks.append([f"{code}:{number}" for code, number in grouped.items()])
    return chunks


def parse_counts(values: list[str], per_sheet: int) -> list[tuple[str, int]]:
    """['es:6', 'zh-Hant:4'] -> [('es', 6), ('zh-Hant', 4)]; a bare 'es' fills the sheet."""
    counts = []
    for value in values:
        try:
            code, number = count_word(value)
        except ValueError as exc:
            raise UsageError(f"{exc}.") from None
        counts.append((code, number or 0))
    fixed = sum(n for _, n in counts)
    blanks = [i for i, (_, n) in enumerate(counts) if n == 0]
    if blanks:
        share, extra = divmod(max(per_sheet - fixed, 0), len(blanks))
        for position, i in enumerate(blanks):
            counts[i] = (counts[i][0], share + (1 if position < extra else 0))
    total = sum(n for _, n in counts)
    if total != per_sheet or any(n == 0 for _, n in counts):
        raise UsageError(
            f"The counts add up to {total} cards, but a sheet holds {per_sheet}: "
            f"give counts that add up to {per_sheet} (e.g. --lang es:6 --lang zh-Hant:4)."
        )
    return counts


def _marks_pdf(stock: Stock, outlines: bool, label: str = "") -> bytes:
    """A sheet-sized page (templates/sheet.html) with cut marks in the margins
    (plain paper) or, for the alignment test, card outlines with numbers."""
    from markupsafe import Markup

    w, h = stock.card_w_in, stock.card_h_in
    xs = [stock.left_in + c * w for c in range(stock.columns + 1)]
    ys = [stock.top_in + r * h for r in range(stock.rows + 1)]
    cards = []
    for i in range(stock.per_sheet):
        row, column = divmod(i, stock.columns)
        cards.append({"number": i + 1, "x": xs[column], "y": ys[row]})
    html = (
        environment()
        .get_template("sheet.html")
        .render(
            stock=stock,
            outlines=outlines,
            label=label,
            xs=xs,
            ys=ys,
            mark=0.3,
            cards=cards,
            note_top=ys[-1] + 0.05,
            font_faces=Markup(font_css(("HO Sans",))[0]),
        )
    )
    return html_to_pdf(html, "sheet marks")


def impose(cards: list[bytes], stock: Stock, langs: tuple[str, ...] = ("en",)) -> bytes:
    """One sheet: page 1 the fronts, page 2 the backs (columns mirrored). `cards`
    holds one two-page card PDF (front, back) per slot, in slot order."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    if len(cards) != stock.per_sheet:
        raise UsageError(f"A {stock.name} sheet holds {stock.per_sheet} cards, not {len(cards)}.")
    width, height = stock.sheet_w_in * PT_PER_IN, stock.sheet_h_in * PT_PER_IN
    writer = PdfWriter()
    marks = PdfReader(io.BytesIO(_marks_pdf(stock, outlines=False))).pages[0] if stock.cut_marks else None
    readers: dict[int, PdfReader] = {}
    for side in (0, 1):
        sheet = PageObject.create_blank_page(width=width, height=height)
        if marks is not None:
            sheet.merge_page(marks)
        for index, card in enumerate(cards):
            reader = readers.setdefault(id(card), PdfReader(io.BytesIO(card)))
            x, y = stock.slot_origin_pt(index, back=side == 1)
            sheet.merge_transformed_page(reader.pages[side], Transformation().translate(x, y))
        writer.add_page(sheet)
    # A print product, cut into cards: its pages are merged, not laid out, so it is not tagged
    # (each card's own PDF is; README "Accessibility"). It still says what it is: a title,
    # its main language and XMP metadata, and viewers show the title.
    names = ", ".join(LANGUAGES[code].english_name for code in langs if code in LANGUAGES)
    out = io.BytesIO()
    writer.write(out)
    return describe(
        out.getvalue(),
        f"Red Cards ({names}) on {stock.description}",
        langs[0] if langs else "en",
        "Wallet cards: page 1 the fronts, page 2 the backs (print two-sided, flip on the long edge)",
    )


def alignment_sheet(stock: Stock) -> bytes:
    """One page showing where every card lands: print it on plain paper, hold it
    against a sheet of card stock to the light, and check the outlines match."""
    label = (
        f"Alignment test for {stock.description}. Print at 100% (no 'fit to page'). "
        "Hold this page over a sheet of card stock against a window: every outline must lie on a card."
    )
    return _marks_pdf(stock, outlines=True, label=label)


def red_card_sheet(
    lang_counts: list[str], stock_name: str, require_reviewed: bool = False
) -> tuple[bytes, list[str], str]:
    """A sheet of Red Cards for the given languages ('es:6', 'zh-Hant:4', or 'es'
    for a full sheet): (PDF bytes, warnings, a file name for it)."""

    stock = get_stock(stock_name)
    counts = parse_counts(list(lang_counts) or ["en"], stock.per_sheet)
    cards, warnings = [], []
    for code, number in counts:
        get_language(code)
        job = Job("red-card", code, "wallet")
        if require_reviewed:
            check_reviewed(job)
        rendered = render(job)
        warnings += [w for w in rendered.warnings if w not in warnings]
        cards += [rendered.pdf] * number
    name = "red-card-" + "-".join(f"{code}{number}" for code, number in counts) + f"-{stock.name}.pdf"
    return impose(cards, stock, tuple(code for code, _ in counts)), warnings, name
