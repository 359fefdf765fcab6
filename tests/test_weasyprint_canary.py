"""A canary for WeasyPrint upgrades: each patch and internal that engine.py's
header lists (items 1-6) is still where it expects it in the installed WeasyPrint.

The fast tests read WeasyPrint's source files (found through its installed
distribution's metadata) with `ast`, without importing it: the fast suite
forbids that (tests/conftest.py). A failure names the item and what changed;
whoever moves the WeasyPrint pin in pyproject.toml makes these pass first, then
reads what changed in WeasyPrint's code behind each. The pdf-marked tests at the
end check that the patches take effect at runtime.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import io
import re
import threading
import tomllib
import uuid
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest

from handouts.render import boxes

# engine.py's header, items 1-6: each failure names one
FOLDER = "INTERNAL 1 (engine.font_config)"
DOCUMENT_ID = "PATCH 2 (engine.derive_document_ids)"
ICC = "PATCH 3 (engine.keep_icc_bytes)"
BOXES = "INTERNAL 4 (boxes.py)"
LOGGER = "item 5 (engine.weasyprint_errors)"
STYLESHEETS = "PATCH 6 (engine.cache_stylesheets)"

# --- reading the installed WeasyPrint -------------------------------------------------------------


@cache
def _package() -> Path:
    return Path(str(importlib.metadata.distribution("weasyprint").locate_file("weasyprint")))


@cache
def _tree(relative: str, item: str = "engine.py's header") -> ast.Module:
    path = _package() / relative
    assert path.is_file(), f"{item}: weasyprint/{relative} is gone"
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _modules(containing: str) -> list[str]:
    """WeasyPrint's modules whose text has `containing` (a quick sieve before parsing them)."""
    paths = (p for p in _package().rglob("*.py") if containing in p.read_text(encoding="utf-8"))
    return sorted(p.relative_to(_package()).as_posix() for p in paths)


def _class(relative: str, name: str, item: str) -> ast.ClassDef:
    found = [n for n in ast.walk(_tree(relative, item)) if isinstance(n, ast.ClassDef) and n.name == name]
    assert found, f"{item}: class {name} is no longer in weasyprint/{relative}"
    return found[0]


def _function(node: ast.AST, name: str, item: str) -> ast.FunctionDef:
    found = [n for n in ast.walk(node) if isinstance(n, ast.FunctionDef) and n.name == name]
    assert found, f"{item}: {getattr(node, 'name', 'the module')} has no {name}() any more"
    return found[0]


def _self_attributes(code: ast.AST) -> set[str]:
    """The names X of every `self.X = ...` in a function (or any piece of code)."""
    names = set()
    for node in ast.walk(code):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(element, ast.Attribute) and ast.unparse(element.value) == "self":
                    names.add(element.attr)
    return names


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    """Calls of `name` as a bare name (a module global, which a patch can replace)."""
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name]


def _keywords(call: ast.Call) -> set[str]:
    return {k.arg for k in call.keywords if k.arg is not None}


def _code(function: ast.FunctionDef) -> str:
    """A function's body without its docstring, as Python source."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return "\n".join(ast.unparse(statement) for statement in body)


# --- the pin ---------------------------------------------------------------------------------------


def test_the_installed_weasyprint_is_the_one_major_pyproject_allows():
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    [pin] = [d for d in pyproject["project"]["dependencies"] if re.match(r"weasyprint\b", d, re.IGNORECASE)]
    bounds = re.fullmatch(r"weasyprint>=(\d+)(?:\.\d+)*,<(\d+)", pin.replace(" ", ""), re.IGNORECASE)
    assert bounds, f"pyproject.toml pins {pin!r}: pin one major, as weasyprint>=N,<N+1"
    low, high = int(bounds[1]), int(bounds[2])
    assert high == low + 1, f"pyproject.toml allows WeasyPrint {low} to {high - 1}: only one major is tested"
    installed = importlib.metadata.version("weasyprint")
    assert low <= int(installed.split(".")[0]) < high, (
        f"WeasyPrint {installed} is installed, pyproject.toml pins {pin}: "
        "run this canary and the PDF tests on it, then move the pin"
    )


# --- 1. INTERNAL FontConfiguration._folder (engine.font_config) -------------------------------------


def test_font_configuration_still_makes_its_folder_only_when_it_has_none():
    config = _class("text/fonts.py", "FontConfiguration", FOLDER)
    lazily = [
        node
        for node in ast.walk(config)
        if isinstance(node, ast.If)
        and ast.unparse(node.test) == "self._folder is None"
        and any("_folder" in _self_attributes(statement) for statement in node.body)
    ]
    assert lazily, (
        f"{FOLDER}: FontConfiguration no longer makes its temporary folder under "
        "`if self._folder is None:`, so the folder engine.py sets may be ignored and weasyprint-* folders leak"
    )
    assert "self._folder" in ast.unparse(_function(config, "__del__", FOLDER)), (
        f"{FOLDER}: FontConfiguration.__del__ no longer removes self._folder "
        "(engine.py sets it to None at exit to avoid a traceback)"
    )


def test_font_configuration_still_warns_with_the_text_engine_silences():
    assert "No fonts configured in FontConfig" in (_package() / "text/fonts.py").read_text(encoding="utf-8"), (
        f"{FOLDER}: WeasyPrint's warning 'No fonts configured in FontConfig' changed its "
        "text; the filter in font_config no longer silences it"
    )


# --- 2. PATCH weasyprint.pdf.metadata.uuid4 (engine.derive_document_ids) -------------------------------


def test_pdf_metadata_draws_its_document_id_from_the_bare_name_uuid4():
    tree = _tree("pdf/metadata.py", DOCUMENT_ID)
    imported = [
        alias
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "uuid"
        for alias in node.names
        if alias.name == "uuid4" and alias.asname is None
    ]
    assert imported, f"{DOCUMENT_ID}: weasyprint/pdf/metadata.py no longer does `from uuid import uuid4`"
    assert _calls(tree, "uuid4"), f"{DOCUMENT_ID}: weasyprint/pdf/metadata.py no longer calls uuid4()"
    attribute = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr.startswith("uuid")]
    assert not attribute, (
        f"{DOCUMENT_ID}: weasyprint/pdf/metadata.py calls "
        f"{ast.unparse(attribute[0])}, which the patch does not replace: PDF/X document IDs would be random"
    )


def test_nothing_else_in_weasyprint_draws_random_numbers():
    random = {"uuid", "random", "secrets", "urandom"}
    users: dict[str, set[str]] = {}
    for relative in {module for word in random for module in _modules(word)}:
        for node in ast.walk(_tree(relative)):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = {(node.module or "").split(".")[0]}
            elif isinstance(node, ast.Attribute):  # os.urandom, uuid.uuid4...
                names = {node.attr}
            else:
                continue
            if names & random:
                users.setdefault(relative, set()).update(names & random)
    users = {module: names for module, names in users.items() if (module, names) != ("pdf/metadata.py", {"uuid"})}
    assert not users, (
        f"{DOCUMENT_ID}: WeasyPrint draws random numbers in {users}; only the PDF/X "
        "document ID in pdf/metadata.py is derived instead, so identical inputs may no longer give identical bytes"
    )


# --- 3. PATCH weasyprint.css.ColorProfile.content (engine.keep_icc_bytes) -------------------------------


def test_color_profile_content_is_a_property_the_pdf_writer_reads():
    profile = _class("css/__init__.py", "ColorProfile", ICC)
    content = _function(profile, "content", ICC)
    assert [ast.unparse(d) for d in content.decorator_list] == ["property"], (
        f"{ICC}: ColorProfile.content is no longer a plain property; the patch replaces it with one"
    )
    assert "src" in _self_attributes(_function(profile, "__init__", ICC)), (
        f"{ICC}: ColorProfile no longer keeps `src`, which tells our ICC files apart"
    )
    readers = [
        relative
        for relative in _modules(".content")
        if relative.startswith("pdf/")
        for node in ast.walk(_tree(relative))
        if isinstance(node, ast.Attribute)
        and node.attr == "content"
        and isinstance(node.value, ast.Name)
        and "profile" in node.value.id
    ]
    assert readers, (
        f"{ICC}: no module of weasyprint/pdf reads a colour profile's `.content` "
        "any more: the ICC bytes come from somewhere the patch does not reach"
    )


# --- 4. INTERNAL the box tree (boxes.py) ---------------------------------------------------------------

# What boxes.py's sizes and corners mean: WeasyPrint's code for them, as it was when the pin last moved.
BOX_SIZES = {
    "padding_width": "return self.width + self.padding_left + self.padding_right",
    "padding_height": "return self.height + self.padding_top + self.padding_bottom",
    "border_width": "return self.padding_width() + self.border_left_width + self.border_right_width",
    "border_height": "return self.padding_height() + self.border_top_width + self.border_bottom_width",
    "margin_width": "return self.border_width() + self.margin_left + self.margin_right",
    "margin_height": "return self.border_height() + self.margin_top + self.margin_bottom",
    "content_box_x": "return self.position_x + self.margin_left + self.padding_left + self.border_left_width",
    "content_box_y": "return self.position_y + self.margin_top + self.padding_top + self.border_top_width",
    "border_box_x": "return self.position_x + self.margin_left",
}


def test_pages_still_keep_their_box_tree_in_page_box():
    assigned = _self_attributes(_function(_class("document.py", "Page", BOXES), "__init__", BOXES))
    missing = {"_page_box", "width", "height"} - assigned
    assert not missing, f"{BOXES}: weasyprint.document.Page no longer sets {sorted(missing)}"


def test_the_box_classes_boxes_py_names_still_exist():
    tree = _tree("formatting_structure/boxes.py", BOXES)
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    missing = ({*boxes.INKED, *boxes.SIDE_INKED, "MarginBox", "PageBox"}) - classes
    assert not missing, (
        f"{BOXES}: weasyprint/formatting_structure/boxes.py has no class {sorted(missing)}; "
        "boxes.py tells lines, images and margin boxes apart by these names"
    )
    assigned = _self_attributes(_function(_class("formatting_structure/boxes.py", "Box", BOXES), "__init__", BOXES))
    missing = {"element", "element_tag", "children"} - assigned
    assert not missing, f"{BOXES}: Box.__init__ no longer sets {sorted(missing)}"


def test_box_sizes_and_corners_are_computed_as_boxes_py_expects():
    box = _class("formatting_structure/boxes.py", "Box", BOXES)
    for name, code in BOX_SIZES.items():
        assert _code(_function(box, name, BOXES)) == code, (
            f"{BOXES}: Box.{name}() changed, so what boxes.py measures may have changed "
            f"(the fit fills pages by it): now {_code(_function(box, name, BOXES))!r}, was {code!r}"
        )
    for node in ast.walk(_tree("formatting_structure/boxes.py", BOXES)):
        if isinstance(node, ast.ClassDef) and node.name != "Box":
            overrides = {f.name for f in node.body if isinstance(f, ast.FunctionDef)} & set(BOX_SIZES)
            assert not overrides, f"{BOXES}: {node.name} now has its own {sorted(overrides)}"


# --- 5. the logger "weasyprint" (engine.weasyprint_errors) -----------------------------------------


def test_weasyprint_still_logs_to_the_logger_named_weasyprint():
    assert "LOGGER = logging.getLogger('weasyprint')" in {ast.unparse(n) for n in _tree("logger.py", LOGGER).body}, (
        f"{LOGGER}: WeasyPrint's LOGGER is no longer logging.getLogger('weasyprint'), "
        "so what it reports is no longer turned into errors"
    )


# --- 6. PATCH weasyprint.css.CSS (engine.cache_stylesheets) ---------------------------------------------

# What find_stylesheets passes for a <link>ed stylesheet, which the cache keys on or fills in.
LINK_KEYWORDS = {
    "url",
    "url_fetcher",
    "media_type",
    "font_config",
    "counter_style",
    "color_profiles",
    "page_rules",
    "layers",
}


def test_find_stylesheets_calls_the_module_global_css_as_the_patch_expects():
    tree = _tree("css/__init__.py", STYLESHEETS)
    assert any(
        isinstance(n, ast.ImportFrom) and n.level == 2 and n.module is None and [a.name for a in n.names] == ["CSS"]
        for n in tree.body
    ), f"{STYLESHEETS}: weasyprint/css/__init__.py no longer does `from .. import CSS`"
    finder = _function(tree, "find_stylesheets", STYLESHEETS)
    assert finder in tree.body, f"{STYLESHEETS}: find_stylesheets left weasyprint/css/__init__.py"
    linked = [c for c in _calls(finder, "CSS") if "url" in _keywords(c)]
    assert len(linked) == 1, (
        f"{STYLESHEETS}: find_stylesheets no longer makes a <link>ed stylesheet with one "
        f"CSS(url=...) call; its calls: {[ast.unparse(c) for c in _calls(finder, 'CSS')]}"
    )
    [link] = linked
    expected = (
        f"{STYLESHEETS}: find_stylesheets now calls "
        f"{ast.unparse(link)}; the cache expects keywords {sorted(LINK_KEYWORDS)} and no matcher or layer"
    )
    assert not link.args, expected
    assert _keywords(link) >= LINK_KEYWORDS, expected
    assert not _keywords(link) & {"matcher", "layer"}, expected
    for call in _calls(tree, "CSS"):
        if call is not link and "url" in _keywords(call):
            assert "matcher" in _keywords(call), (
                f"{STYLESHEETS}: weasyprint/css/__init__.py has a new call {ast.unparse(call)} "
                f"(line {call.lineno}); check whether the cache may hand it a kept stylesheet"
            )


def test_a_css_object_holds_what_the_kept_copy_replaces_or_shares():
    init = _function(_class("__init__.py", "CSS", STYLESHEETS), "__init__", STYLESHEETS)
    parameters = {a.arg for a in init.args.args + init.args.kwonlyargs}
    missing = (LINK_KEYWORDS | {"matcher", "layer"}) - parameters
    assert not missing, f"{STYLESHEETS}: CSS() no longer takes {sorted(missing)}"
    held = _self_attributes(init)
    assert held == {"base_url", "matcher", "page_rules", "layers"}, (
        f"{STYLESHEETS}: a CSS object now holds {sorted(held)}; the cache hands the next "
        "document a copy that shares `matcher` and `base_url` and gets that document's `page_rules` and "
        "`layers`: decide what a new attribute needs"
    )
    read = {
        node.attr
        for relative in _modules("sheet.")
        for node in ast.walk(_tree(relative))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sheet"
    }
    assert read <= {"matcher", "page_rules", "layers"}, (
        f"{STYLESHEETS}: WeasyPrint now reads a stylesheet's {sorted(read)}"
    )


# --- at runtime: the patches take effect (pdf) ----------------------------------------------------

_SQUARE = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"
)
# A 400 x 600 px page with 50 px margins top and bottom, 40 px at the sides, and images of known sizes;
# the second page holds an image wider than the page.
_PAGES = f"""<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: 400px 600px; margin: 50px 40px; }}
@color-profile device-cmyk {{ src: url("icc/handouts-FOGRA39.icc"); components: c, m, y, k; }}
body {{ margin: 0 }} img {{ display: block; width: 100px; height: 80px }}
</style></head><body>
<div data-gap="1" data-gap-kind="section"><img src="{_SQUARE}" alt=""></div>
<div data-gap="2" data-gap-kind="item" style="margin-top: 20px"><img src="{_SQUARE}" alt=""></div>
<footer data-gap="3" data-gap-kind="section"><img src="{_SQUARE}" alt="" style="margin-left: -10px"></footer>
<img src="{_SQUARE}" alt="" style="break-before: page; width: 500px">
</body></html>"""


def _document_id(pdf: bytes) -> str:
    return re.findall(rb"xmp\.did:([0-9a-f-]+)", pdf)[0].decode()


@pytest.mark.pdf
def test_boxes_py_measures_a_page_as_laid_out():
    from handouts.render import engine, spread

    first, second = engine.layout(_PAGES, "canary").pages
    assert boxes.flow(first, "data-gap") == boxes.Flow(
        550.0,
        310.0,
        50.0,
        (
            boxes.Marked("1", "section", "div", 50.0, 80.0),
            boxes.Marked("2", "item", "div", 130.0, 100.0),  # its margin box: 20 px margin and the image
            boxes.Marked("3", "section", "footer", 230.0, 80.0),
        ),
    )
    assert [g.above for g in spread.page_gaps(first)[2]] == [False, True, True]
    assert (boxes.content_bottom(first), boxes.overflow(first), boxes.past_sides(first)) == (310.0, 0.0, 10.0)
    assert (boxes.content_bottom(second), boxes.overflow(second), boxes.past_sides(second)) == (130.0, 140.0, 180.0)


@pytest.mark.pdf
def test_the_patches_take_effect():
    import pikepdf
    import weasyprint
    import weasyprint.css
    import weasyprint.pdf.metadata

    from handouts.render import engine
    from handouts.resources import scratch_dir, templates_dir

    document = engine.layout(_PAGES, "canary")
    pdf = engine.write_pdf(document, "canary", pdf_variant="pdf/x-4", pdf_identifier=b"canary")
    # 1: the font folder is ours, inside the scratch folder
    assert engine.font_config()._folder.is_relative_to(scratch_dir())
    # 2: the document ID is derived from the identifier; outside write_pdf it is random, as WeasyPrint's
    assert _document_id(pdf) == str(uuid.UUID(bytes=hashlib.md5(b"canary").digest()))
    assert weasyprint.pdf.metadata.uuid4() != weasyprint.pdf.metadata.uuid4()
    # 3: the ICC profile is embedded byte for byte
    icc = (templates_dir() / "icc" / "handouts-FOGRA39.icc").read_bytes()
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        profiles = [o.read_bytes() for o in opened.objects if isinstance(o, pikepdf.Stream) and o.get("/N") == 4]
    assert profiles
    assert all(p == icc for p in profiles)
    # 6: find_stylesheets calls our CSS
    assert weasyprint.css.CSS is not weasyprint.CSS


@pytest.mark.pdf
def test_pdfs_written_in_threads_at_once_each_get_their_own_document_id():
    from handouts.render import engine

    documents = [engine.layout(_PAGES, f"canary {n}") for n in range(2)]
    ids: dict[int, list[str]] = {0: [], 1: []}
    start = threading.Barrier(2)

    def write(n: int) -> None:
        start.wait()
        for _ in range(4):
            pdf = engine.write_pdf(documents[n], "canary", pdf_variant="pdf/x-4", pdf_identifier=f"seed {n}".encode())
            ids[n].append(_document_id(pdf))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(2):
        assert ids[n] == [str(uuid.UUID(bytes=hashlib.md5(f"seed {n}".encode()).digest()))] * 4
