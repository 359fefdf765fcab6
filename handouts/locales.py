"""Languages we print: script, direction, fonts and date format for each.

The codes are BCP 47 tags, which also go into the HTML `lang` attribute and the
PDF's /Lang, so that shaping, line breaking and regional CJK glyph forms follow
the language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, get_day_names

from .errors import UsageError
from .words import current


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 tag: file names, HTML lang, PDF /Lang
    babel: str  # Babel/CLDR locale id (dates, the language's own name)
    english_name: str
    script: str  # ISO 15924
    direction: str  # "ltr" or "rtl"
    fonts: tuple[str, ...]  # CSS font families in order (see fonts.py)
    word_breaks: bool = True  # False: the script has no spaces between words (Khmer)
    han_font: str | None = None  # which CJK face draws Chinese characters (a clinic's name) on this language's pages
    partial: bool = False  # a variant offered for some handouts only: a handout without it is not an error

    @property
    def native_name(self) -> str:
        return native_name(self.code)

    def format_date(self, value: dt.date) -> str:
        return format_date(value, format="long", locale=self.babel)

    @property
    def quotes(self) -> tuple[str, str]:
        """The language's quotation marks, from CLDR through ICU: “ ” in English,
        « » in Russian, 「 」 in Traditional Chinese."""
        return quotation_marks(self.babel)

    def format_hours(self, first_day: int, last_day: int, opens: dt.time, closes: dt.time) -> str:
        """'Monday–Friday 8:00 AM – 5:00 PM' in this language (CLDR day names and
        time ranges, 12- or 24-hour as the language writes them)."""
        days = get_day_names("wide", locale=self.babel)
        clock = "hm" if "a" in Locale.parse(self.babel).time_formats["short"].pattern else "Hm"
        return f"{days[first_day]}–{days[last_day]} {format_interval(opens, closes, clock, locale=self.babel)}"


LATIN = ("HO Sans",)
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "en_US", "English", "Latn", "ltr", LATIN),
        Language("es", "es_US", "Spanish", "Latn", "ltr", LATIN),
        Language("zh-Hant", "zh_Hant_TW", "Chinese (Traditional)", "Hant", "ltr", ("HO CJK TC", "HO Sans")),
        Language(
            "zh-Hans",
            "zh_Hans_CN",
            "Chinese (Simplified)",
            "Hans",
            "ltr",
            ("HO CJK SC", "HO Sans"),
            han_font="HO CJK SC",
        ),
        Language("ko", "ko_KR", "Korean", "Kore", "ltr", ("HO CJK KR", "HO Sans"), han_font="HO CJK KR"),
        Language("vi", "vi_VN", "Vietnamese", "Latn", "ltr", LATIN),
        Language("tl", "fil_PH", "Tagalog", "Latn", "ltr", LATIN),
        Language("hy", "hy_AM", "Armenian", "Armn", "ltr", ("HO Armenian", "HO Sans")),
        # Western Armenian in classical spelling, read by many Armenians in Los Angeles. CLDR has
        # no Western Armenian locale, so dates and quotation marks come from Armenian (hy).
        Language("hyw", "hy_AM", "Western Armenian", "Armn", "ltr", ("HO Armenian", "HO Sans"), partial=True),
        Language("ru", "ru_RU", "Russian", "Cyrl", "ltr", LATIN),
        Language("fa", "fa_IR", "Farsi", "Arab", "rtl", ("HO Arabic", "HO Sans")),
        Language("ar", "ar", "Arabic", "Arab", "rtl", ("HO Arabic", "HO Sans")),
        Language("km", "km_KH", "Khmer", "Khmr", "ltr", ("HO Khmer", "HO Sans"), word_breaks=False),
    ]
}


@cache
def quotation_marks(babel_id: str) -> tuple[str, str]:
    import icu

    data = icu.LocaleData(babel_id)
    kind = icu.ULocaleDataDelimiterType
    return data.getDelimiter(kind.QUOTATION_START), data.getDelimiter(kind.QUOTATION_END)


# CLDR has Filipino, not Tagalog, and no Western Armenian (its own name, in classical spelling).
_NATIVE_OVERRIDES = {"tl": "Tagalog", "hyw": "Արեւմտահայերէն"}


def reader_name(code: str, in_sentence: bool = False) -> str:
    """A language's name in the reader's language (words.current): 'Korean',
    'Coreano' (in a list), 'coreano' (`in_sentence`: as Spanish writes it
    inside a sentence); its English name where CLDR has none (Western Armenian)."""
    language = LANGUAGES[code]
    reader = current()
    if reader == "en":
        return language.english_name
    try:
        found = str(Locale.parse(reader).languages.get(code.replace("-", "_")) or "")
    except (UnknownLocaleError, ValueError):
        found = ""
    if not found:
        return language.english_name
    return found if in_sentence else found[:1].upper() + found[1:]


@cache
def native_name(code: str) -> str:
    if code in _NATIVE_OVERRIDES:
        return _NATIVE_OVERRIDES[code]
    lang = LANGUAGES[code]
    locale = Locale.parse(lang.babel)
    name = locale.languages.get(locale.language) or lang.english_name
    if code.startswith("zh"):
        # "中文 (繁體, 台灣)" -> "中文（繁體）": the script matters, the country does not.
        script = locale.scripts.get(lang.script, "")
        return f"{locale.languages['zh']}（{script}）" if script else name
    return name[:1].upper() + name[1:] if lang.script in ("Latn", "Cyrl", "Armn") else name


def get_language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise UsageError(f"Unknown language '{code}'. Valid languages: {', '.join(LANGUAGES)}.") from None
