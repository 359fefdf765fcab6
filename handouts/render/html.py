"""Text to HTML: the Jinja environment, its filters, and the Formatter that
turns content text into safe HTML for one language."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..claims import Claim, load_claims
from ..content import SOURCE_LANGUAGE
from ..errors import RenderError
from ..facts import Fact
from ..fonts import font_css
from ..locales import Language
from ..placeholders import split
from ..resources import register_cache, templates_dir
from ..segment import insert_word_breaks
from .spread import GapMarks


@register_cache
@cache
def environment() -> jinja2.Environment:
    """The Jinja environment for the templates folder: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ltr"] = ltr
    env.filters["isolate"] = isolate
    env.filters["keep_words"] = keep_words
    return env


def render_template(
    name: str,
    context: dict[str, Any],
    families: tuple[str, ...],
    extra_text: str = "",
    restack: Callable[[str], dict[str, Any]] | None = None,
) -> str:
    """Render a template twice: first with the full fonts, then (now that the
    text is known) with copies of the large fonts cut down to its characters.
    `restack(stack)` gives extra context that depends on the font stack."""
    template = environment().get_template(name)
    html = template.render(**{**context, "gap": GapMarks()})
    faces, stack = font_css(families, text=html + extra_text)
    if faces != str(context.get("font_faces")):
        more = restack(stack) if restack else {}
        fonts = {"font_faces": Markup(faces), "font_stack": Markup(stack)}
        html = template.render(**{**context, **fonts, **more, "gap": GapMarks()})  # the same gap numbers
    return html


def ltr(text: str, css_class: str = "num") -> Markup:
    """A phone number or link, kept left-to-right and whole inside any text.

    WeasyPrint does not support `unicode-bidi: isolate`, so the run is wrapped
    in the Unicode isolate characters LRI ... PDI, which the shaper honours.
    """
    if css_class == "link":  # a link may wrap after a slash or an underscore, nowhere else
        words = Markup("/<wbr>").join(Markup("_<wbr>").join(part.split("_")) for part in text.split("/"))
    else:  # a phone number (or a citation) never wraps inside a word ("888-624-4752 (888-6-CHIRLA)")
        words = Markup(" ").join(Markup('<span class="nobr">{}</span>').format(w) for w in text.split())
    return Markup('<span class="{}" dir="ltr">\u2066{}\u2069</span>').format(css_class, words)


# Languages written with spaces between words whose lines may still break
# between any two letters (Korean syllables): a headline keeps its words whole.
# (WeasyPrint has no `word-break: keep-all`.)
KEEP_WORDS = ("ko",)


def keep_words(html: str, lang: str) -> Markup:
    """In `lang`s of KEEP_WORDS, each word of a headline unbroken (a nowrap span); else as it is."""
    if lang not in KEEP_WORDS:
        return Markup(html)
    parts = re.split(r"(<[^>]*>)", str(html))
    for i in range(0, len(parts), 2):  # text between tags
        parts[i] = re.sub(r"([^\s]+)", r'<span class="nobr">\1</span>', parts[i])
    return Markup("".join(parts))


def isolate(text: str) -> Markup:
    """Text from outside the content files (a clinic's name, address, hours) in
    a first-strong isolate (FSI ... PDI): its own letters decide its direction,
    so '123 Main St' keeps its number in front on a right-to-left page."""
    return Markup("\u2068{}\u2069").format(text)


# A run of Latin words inside other text: "L.A. Care", "Medi-Cal Rx", "LA County
# Office of Immigrant Affairs", "I-205". A final period belongs to the run only
# after a single letter ("L.A."), not at the end of a sentence.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:(?:[.'’&/-]\s*|\s+)[A-Za-z0-9]+)*(?:(?<=\b[A-Za-z])\.)?")
LATIN_RUN_WHOLE = 32  # at most this many characters: a Latin run in right-to-left running text never wraps
STRAIGHT_QUOTES = re.compile(r'"([^"]*)"')
# A word with a hyphen ("Medi-Cal", "I-205"): never broken at the hyphen, in any script.
HYPHENATED = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")


class Formatter:
    """Turns content text into safe HTML: escapes it, fills placeholders, keeps
    hyphenated names whole, isolates Latin names inside right-to-left text, and
    marks the word breaks of scripts without spaces."""

    def __init__(
        self,
        lang: Language,
        facts: dict[str, Fact],
        values: Mapping[str, str],
        claims: dict[str, Claim] | None = None,
        say: Mapping[str, tuple[str, str, str]] | None = None,
    ):
        self.lang = lang
        self.facts = facts
        self.values = values
        self.claims = claims if claims is not None else load_claims()
        self.say = say or {}  # {say:KEY} -> (the sentence in this language, in English, "In English:" label)

    def _say(self, key: str) -> Markup:
        """A sentence to say out loud, in quotes; on a translation, the English words
        follow on a line of their own (bold, left to right), since agents speak English."""
        if key not in self.say:
            raise RenderError(f"placeholder {{say:{key}}} has no sentence here (common/<lang>.yaml, 'say:')")
        text, english, label = self.say[key]
        start, end = self.lang.quotes
        quoted = self._words(f"{start}{text}{end}")
        if self.lang.code == SOURCE_LANGUAGE:
            return quoted
        english_words = Markup('<span lang="en">\u2066\u201c{}\u201d\u2069</span>').format(english)
        return quoted + Markup('<span class="say-en"><span class="say-label">{}</span> {}</span>').format(
            self._words(label), english_words
        )

    def _nobr(self, text: str) -> Markup:
        out, position = [], 0
        for match in HYPHENATED.finditer(text):
            out.append(escape(text[position : match.start()]))
            out.append(Markup('<span class="nobr">{}</span>').format(match.group(0)))
            position = match.end()
        out.append(escape(text[position:]))
        return Markup("").join(out)

    def _plain(self, text: str) -> Markup:
        return self._nobr(text if self.lang.word_breaks else insert_word_breaks(text, self.lang.babel))

    def _words(self, text: str) -> Markup:
        if self.lang.direction != "rtl":
            return self._plain(text)
        # In right-to-left text, each Latin run is a left-to-right isolate (LRI ... PDI):
        # "L.A. Care" stays in order and its period and parentheses stay where they belong.
        # A short run (a name such as "Department of Homeland Security") is kept on one line:
        # split across two right-to-left lines, its words would read out of order.
        out, position = [], 0
        for match in LATIN_RUN.finditer(text):
            out.append(self._plain(text[position : match.start()]))
            run = match.group(0)
            css = "latin nobr" if len(run) <= LATIN_RUN_WHOLE else "latin"
            out.append(Markup('<span class="{}" dir="ltr">\u2066{}\u2069</span>').format(css, self._nobr(run)))
            position = match.end()
        out.append(self._plain(text[position:]))
        return Markup("").join(out)

    def _quotes(self, text: str) -> str:
        """Straight double quotes, in pairs, become the language's own marks."""
        if text.count('"') % 2:
            return text
        start, end = self.lang.quotes
        return STRAIGHT_QUOTES.sub(lambda m: f"{start}{m.group(1)}{end}", text)

    def __call__(self, text: str, **extra: str) -> Markup:
        values = {**self.values, **extra}
        text = self._quotes(text)
        out: list[str] = []
        for piece in split(text):
            if isinstance(piece, str):
                out.append(self._words(piece))
            elif piece.kind == "fact":
                fact = self.facts[piece.key]
                out.append(ltr(fact.phone_text if fact.kind == "phone" else fact.short_url))
            elif piece.kind == "claim":
                pass  # marks text that states a claim; prints nothing
            elif piece.kind == "cite":
                out.append(ltr(self.claims[piece.key].cite or "", "cite"))
            elif piece.kind == "say":
                out.append(self._say(piece.key))
            elif piece.key in values:
                value = values[piece.key]
                out.append(value if isinstance(value, Markup) else self._words(value))
            else:
                raise RenderError(f"placeholder {{{piece.raw}}} has no value here")
        return Markup("".join(out))


def css_cmyk(hex_color: str) -> str:
    """A CSS device-cmyk() colour for an sRGB hex colour, by the plain formula;
    the print shop's RIP does the rest through the output intent."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    k = 1 - max(r, g, b)
    if k >= 1:
        return "device-cmyk(0 0 0 1)"
    c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
    return f"device-cmyk({c:.3f} {m:.3f} {y:.3f} {k:.3f})"


def langs_tag(langs: tuple[str, ...]) -> Markup:
    """The languages in the footer's tag: en+es+ko, free to wrap after each + (twelve overrun a large-print line)."""
    return (
        Markup('<span class="langs">{}</span>').format(Markup("+<wbr>").join(langs))
        if len(langs) > 1
        else Markup(langs[0])
    )
