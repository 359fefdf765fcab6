"""Every WeasyPrint call and every patch of WeasyPrint: the URL fetcher, the
font configuration, layout, and writing PDF bytes.

Whoever upgrades WeasyPrint checks the list below: it names every WeasyPrint
internal handouts relies on, each with the function that uses it. PATCH: we
replace something of WeasyPrint's; INTERNAL: we read or set something its API
reference does not document ("Use it at your own risk, or have dependency to a
specific WeasyPrint version"). tests/test_weasyprint_canary.py reads the
installed WeasyPrint's source (without importing it, in the fast suite) and
fails, naming the item, when one of them is not where we expect it; its
pdf-marked tests check that the patches take effect. pyproject.toml pins the
WeasyPrint major that the canary and the PDF tests passed on.

1. INTERNAL `FontConfiguration._folder` (engine.font_config): WeasyPrint makes
   its own temporary folder for font files, when it adds the first one, and
   leaves it behind at exit; we set it first, inside our scratch folder, which
   is removed at exit. Also the text of its Python warning "No fonts
   configured in FontConfig" (font_config silences it by that text).
2. PATCH `weasyprint.pdf.metadata.uuid4`, the bare name its PDF/X metadata
   calls for a document ID (engine.derive_document_ids, seeded per thread by
   engine.write_pdf): the ID is derived from the job, not drawn at random, so
   identical inputs give identical bytes.
3. PATCH `weasyprint.css.ColorProfile.content`, a property (engine.keep_icc_bytes),
   and INTERNAL `ColorProfile.src`: WeasyPrint re-serialises an ICC profile
   through Pillow, which stamps the time into its header; we embed our bundled
   profiles byte for byte.
4. INTERNAL the box tree, read in boxes.py only (see its docstring for each
   name): `Page._page_box`; on boxes `children`, `position_x/y`, `width`,
   `height`, `margin_width()`, `margin_height()`, `border_width()`,
   `border_box_x()`, `content_box_x()`, `content_box_y()`, `element`,
   `element_tag`; box class names `LineBox`, `TableRowBox`,
   `InlineReplacedBox`, `BlockReplacedBox`, `TextBox`, `MarginBox`. Used by:
   - boxes.overflow: what sticks out past a page's edge (engine.overflow, for
     render.off_the_page);
   - boxes.content_bottom: how full a page is (engine.fill, engine.last_page_fill);
   - boxes.flow: the content area, the lowest line and the marked gaps
     (spread.page_gaps, so spread.grow_css, spread_css, filled, within_area);
   - boxes.past_sides: text or images in a side margin (spread.sideways).
   An AttributeError if a name goes; a silent misfit of fill_pages if what the
   sizes mean changes (the canary compares the size methods' code too).
5. The logger "weasyprint" (engine.weasyprint_errors, engine.cache_stylesheets):
   everything it logs at WARNING or above is turned into an error.
6. PATCH `weasyprint.css.CSS`, the module global `find_stylesheets` calls for
   a <link>ed stylesheet (engine.cache_stylesheets): a stylesheet file of our
   templates is parsed once per process, not once per layout pass (about 15% of
   a pass), and reused while its bytes are the same. INTERNAL: the keywords
   `find_stylesheets` passes (`url`, `media_type`, `font_config`,
   `counter_style`, `color_profiles`, `page_rules`, `layers`; an @import also
   passes `matcher` and `layer`, and is never cached), and a CSS object's
   attributes (`matcher`, shared by the reused copy; `page_rules`, `layers`,
   set to the new document's lists; `base_url`).

The public API used, in this file unless named: `HTML(string=, base_url=,
url_fetcher=).render(font_config=)`, `Document.write_pdf(pdf_variant=,
pdf_identifier=)`, `Document.pages`, `Document.copy` (packet/bind.py), `Page.width`
and `Page.height` (boxes.py, spread.py), `URLFetcher` (subclassed, its `fetch`
overridden), `URLFetcherResponse`, `FatalURLFetchingError`, `FontConfiguration`.

Threads: the patches are installed once per process and stay (should two
threads install one at once, at the first render, the second wraps the first,
which changes nothing); none is swapped around a call. The document ID's seed is per
thread (2), and the stylesheet cache is behind a lock (6). WeasyPrint itself
promises nothing about rendering in several threads at once.

WeasyPrint is imported inside functions, not at module load, so commands that
do not render (list, check, a build with nothing to do) start fast.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import threading
import warnings as python_warnings
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from ..errors import RenderError
from ..fonts import subset_dir
from ..resources import fonts_dir, scratch_dir, templates_dir
from .boxes import content_bottom
from .boxes import overflow as overflow  # callers import it from here (render/__init__.py)


def refusing_fetcher(roots: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher that serves data: URIs and files under `roots`, and
    refuses everything else (network, other local files) by stopping the render."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    resolved = tuple(root.resolve() for root in roots)

    class RefusingFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in resolved) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})
            raise FatalURLFetchingError(
                f"refused to load '{url}': templates and stylesheets may only use files "
                "inside the handouts templates/ and fonts/ folders (no network, no other files)"
            )

    return RefusingFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


_FONT_CONFIG: Any = None

_NO_SYSTEM_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def font_config() -> Any:
    """One FontConfiguration per process, shared by every render.

    Fontconfig is pointed at a configuration with no font folders, so the only
    fonts WeasyPrint can use are the bundled ones that the stylesheet loads:
    the output never depends on what fonts a machine happens to have.
    """
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        folder = Path(tempfile.mkdtemp(prefix="fontconfig-", dir=scratch_dir()))
        (folder / "fonts.conf").write_text(_NO_SYSTEM_FONTS.format(cache=folder / "cache"))
        os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
        # WeasyPrint warns when fontconfig has no fonts: that is the point here.
        python_warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
        # INTERNAL (1): WeasyPrint would make its own folder (weasyprint-*) and leave it behind at exit.
        _FONT_CONFIG._folder = Path(tempfile.mkdtemp(prefix="weasyprint-", dir=scratch_dir()))
        # Its __del__ would remove that folder while Python shuts down, when `rmtree` may already be
        # gone (a TypeError traceback at exit); the scratch folder goes anyway.
        atexit.register(setattr, _FONT_CONFIG, "_folder", None)
    return _FONT_CONFIG


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class weasyprint_errors:  # noqa: N801 - used like a function: `with weasyprint_errors(label):`
    """Turn anything WeasyPrint logs as a warning (a refused file, a CSS rule it
    ignored, a glyph no font has) into an error: each means the page is not
    what the template says."""

    def __init__(self, label: str):
        self.label = label
        self.collect = _Collect()

    def __enter__(self) -> weasyprint_errors:
        logging.getLogger("weasyprint").addHandler(self.collect)
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> Literal[False]:
        logging.getLogger("weasyprint").removeHandler(self.collect)
        if error is None and self.collect.messages:
            # an embedded logo or QR code appears in messages as a long data: URI; keep only its start
            messages = [re.sub(r"(data:[^,;\s]*[;,])\S{40,}", r"\1...", m) for m in self.collect.messages]
            raise RenderError(f"{self.label}: WeasyPrint reported: " + "; ".join(dict.fromkeys(messages)))
        return False


def layout(html: str, label: str) -> Any:
    """Lay the HTML out into a WeasyPrint document (pages of boxes). Files it
    may load: the templates, the bundled fonts and this process's cut-down fonts."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    roots = (templates_dir(), fonts_dir(), subset_dir())
    config = font_config()
    cache_stylesheets()
    document = HTML(string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=refusing_fetcher(roots))
    with weasyprint_errors(label):
        try:
            return document.render(font_config=config)
        except FatalURLFetchingError as exc:
            raise RenderError(f"{label}: {exc}") from None


# The seed of the document ID of the PDF this thread is writing (write_pdf), or None.
_SEED = threading.local()


@cache
def derive_document_ids() -> None:
    """PATCH (2): PDF/X metadata gets a document ID from `uuid4()`; derive it
    from the job instead, so identical inputs give identical bytes.

    Installed once: `weasyprint.pdf.metadata.uuid4` becomes a function that
    gives the MD5 of the seed write_pdf set for its own thread, and WeasyPrint's
    random ID when there is none (a write that is not ours). Nothing is swapped
    around a write, so writes in several threads at once each get their own ID."""
    import uuid

    import weasyprint.pdf.metadata as xmp

    def uuid4() -> uuid.UUID:
        seed = getattr(_SEED, "value", None)
        return uuid.uuid4() if seed is None else uuid.UUID(bytes=hashlib.md5(seed).digest())

    xmp.uuid4 = uuid4


def write_pdf(document: Any, label: str, **options: Any) -> bytes:
    """The document's PDF bytes; `pdf_identifier` also seeds the XMP document ID."""
    keep_icc_bytes()
    derive_document_ids()
    _SEED.value = options.get("pdf_identifier") or label.encode()
    try:
        with weasyprint_errors(label):
            return bytes(document.write_pdf(**options))
    finally:
        _SEED.value = None


def html_to_pdf(html: str, label: str, **options: Any) -> bytes:
    """Lay out and write in one step (pages that are not auto-fitted: sheet marks, covers)."""
    return write_pdf(layout(html, label), label, **options)


@cache
def keep_icc_bytes() -> None:
    """PATCH (3): embed our ICC profiles byte for byte. WeasyPrint re-serialises
    a profile through Pillow, which stamps the current time into its header, so
    two builds of the same PDF/X would differ."""
    from weasyprint.css import ColorProfile

    serialised = ColorProfile.content

    def content(profile: Any) -> bytes:
        if str(profile.src).startswith("file:"):
            path = Path(unquote(urlsplit(profile.src).path))
            if path.is_relative_to(templates_dir().resolve()) or path.is_relative_to(templates_dir()):
                return path.read_bytes()
        return bytes(serialised.fget(profile))

    ColorProfile.content = property(content)


def fill(document: Any) -> float:
    """How full the fullest page is: its lowest content as a share of its height."""
    fullest: float = max(content_bottom(page) / page.height for page in document.pages)
    return fullest


def last_page_fill(document: Any) -> float:
    page = document.pages[-1]
    height: float = page.height
    return content_bottom(page) / height


# (url, sha256 of its bytes, media type, font configuration) -> the parsed
# stylesheet and the @page rules it added; None: not cacheable (it adds layers,
# counter styles or colour profiles, or WeasyPrint warned while parsing it).
_STYLESHEETS: dict[tuple[str, str, str, int], tuple[Any, list[Any]] | None] = {}
_STYLESHEETS_LOCK = threading.Lock()


@cache
def cache_stylesheets() -> None:
    """PATCH (6): parse each of our templates' stylesheet files once per process.

    WeasyPrint parses every <link>ed stylesheet again for every document. Ours
    do not change during a run, so the parsed result (its selector matcher and
    the @page rules it adds) is kept, keyed by the file's bytes, and handed to
    the next document with that document's own rule lists. Only a stylesheet
    that adds nothing but @page rules, and parses without a warning, is kept;
    anything else is parsed every time, as WeasyPrint does."""
    import copy

    import weasyprint.css as css_module
    from weasyprint import CSS

    def parsed(*args: Any, **kwargs: Any) -> Any:
        url = kwargs.get("url")
        if args or not isinstance(url, str) or urlsplit(url).scheme != "file":
            return CSS(*args, **kwargs)
        if kwargs.get("matcher") is not None or kwargs.get("layer") is not None:
            # an @import: its rules go into the importing sheet's matcher, which a kept copy would not fill
            return CSS(*args, **kwargs)
        path = Path(unquote(urlsplit(url).path))
        try:
            if not path.resolve().is_relative_to(templates_dir().resolve()):
                return CSS(*args, **kwargs)
            data = path.read_bytes()
        except OSError:
            return CSS(*args, **kwargs)
        key = (url, hashlib.sha256(data).hexdigest(), str(kwargs.get("media_type")), id(kwargs.get("font_config")))
        page_rules, layers = kwargs.get("page_rules"), kwargs.get("layers")
        with _STYLESHEETS_LOCK:
            seen, known = key in _STYLESHEETS, _STYLESHEETS.get(key)
        if (seen and known is None) or page_rules is None or layers is None:
            return CSS(*args, **kwargs)
        if known is not None:
            sheet, added = known
            page_rules.extend(added)
            reused = copy.copy(sheet)
            reused.page_rules, reused.layers = page_rules, layers  # this document's lists, as WeasyPrint shares them
            return reused
        sizes = (len(page_rules), len(layers), len(kwargs.get("counter_style") or {}))
        profiles = len(kwargs.get("color_profiles") or {})
        collect = _Collect()
        logging.getLogger("weasyprint").addHandler(collect)
        try:
            sheet = CSS(*args, **kwargs)
        finally:  # (weasyprint_errors hears the same warnings: a warning is still an error)
            logging.getLogger("weasyprint").removeHandler(collect)
        plain = (
            not collect.messages
            and (len(layers), len(kwargs.get("counter_style") or {})) == sizes[1:]
            and len(kwargs.get("color_profiles") or {}) == profiles
        )
        with _STYLESHEETS_LOCK:
            _STYLESHEETS[key] = (sheet, list(page_rules[sizes[0] :])) if plain else None
        return sheet

    css_module.CSS = parsed
