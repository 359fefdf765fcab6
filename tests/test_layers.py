"""The package's shape: layers that only point down (the import-linter
contract in pyproject.toml, which .ci/run checks with lint-imports), every
module in a layer, no import cycle of any kind, our own imports at the top of
each file, and no module over 400 lines. Fast: reads source files only."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "handouts"
MAX_LINES = 400


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers" and "containers" not in c]
    return [[name.strip() for name in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("handouts", cache_dir=None)


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return out


def test_every_module_belongs_to_a_layer() -> None:
    names = [name for layer in _layers() for name in layer]
    outside = [
        module
        for module, path in _modules()
        if not any(module == n or module.startswith(n + ".") for n in names) and _imports_anything(path)
    ]
    assert not outside, f"add these modules to a layer in pyproject.toml [tool.importlinter]: {outside}"


def _imports_anything(path: Path) -> bool:
    """False for a package's __init__ that only holds a docstring (handouts, handouts.packet)."""
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(ast.parse(path.read_text())))


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_of_any_kind(graph: grimp.ImportGraph) -> None:
    """grimp counts imports inside functions and under TYPE_CHECKING too."""
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    fake = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        fake.add_module(name)
    fake.add_import(importer="a.b", imported="a.c")
    fake.add_import(importer="a.c", imported="a.b")
    fake.add_import(importer="a.d", imported="a.b")
    assert _cycles(fake) == [["a.b", "a.c"]]


def _hidden_imports(path: Path) -> list[str]:
    """Imports of our own modules inside a function, without a comment saying why (`# lazy: ...`)."""
    lines = path.read_text().splitlines()
    tree = ast.parse("\n".join(lines))
    hidden = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            own = isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("handouts"))
            own = own or (isinstance(node, ast.Import) and any(a.name.startswith("handouts") for a in node.names))
            if own and "# lazy:" not in lines[node.lineno - 1]:
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return hidden


def test_our_own_imports_are_at_the_top_of_each_file() -> None:
    hidden = [where for _, path in _modules() for where in _hidden_imports(path)]
    assert not hidden, f"move these imports to the top of their file (or say why not with '# lazy: ...'): {hidden}"


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for _, path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by job (see README, Layout): {long}"
