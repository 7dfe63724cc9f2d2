"""The engine's shape: no import cycle among the project's modules (grimp, which also
sees imports inside functions), and the import-linter contracts of pyproject.toml."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("regress", "pages", "demo_site")


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm over the module graph: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_among_the_projects_modules():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES)
    cycles = strongly_connected(graph)
    assert not cycles, "modules that import each other:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_layer_contracts_hold():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


# --- functions short enough to read; the docs' layers are the code's -----------------------

MAX_FUNCTION_LINES = 60
LONG_CODE = ("regress", "pages")


def _is_numba_kernel(node: ast.AST) -> bool:
    """A numba kernel stays one function: splitting it would cost a call per pixel."""
    for decorator in getattr(node, "decorator_list", []):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("njit", "jit", "_jit"):  # regress/engines/diff_fast.py wraps njit as _jit
            return True
    return False


def long_functions(roots=LONG_CODE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    found = []
    for package in roots:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _is_numba_kernel(node):
                    length = node.end_lineno - node.lineno + 1
                    if length > limit:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_function_of_the_engine_or_the_page_objects_is_over_60_lines():
    assert not long_functions(), "\n".join(long_functions())


def test_the_length_rule_sees_a_long_function(tmp_path):
    """The scan is not blind: a 61-line function is found, a numba kernel is let through."""
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(f"def long():\n{body}\n\n@numba.njit(cache=True)\ndef kernel():\n{body}\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert long_functions(("pkg",)) == ["pkg/m.py:1 long: 61 lines"]
    finally:
        ROOT = saved


def _docs_layers() -> list[set[str]]:
    """The rows of the table under "The layers, top to bottom" in docs/architecture.md, top first:
    each row's first cell, the packages it names (`regress.browser` \\| `regress.engines`)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The layers, top to bottom", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `regress")]
    return [set(re.findall(r"`(regress(?:\.\w+)?)`", row.split(" | ")[0])) for row in rows]


def _linter_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [{name.strip() for name in layer.split("|")} for layer in contract["layers"]]


def test_the_docs_table_of_layers_is_the_codes():
    """docs/architecture.md's table names every package of the engine, in the order the
    import-linter contract enforces; modules outside the layers are named in the text."""
    docs = _docs_layers()
    children = {p.stem if p.is_file() else p.name for p in (ROOT / "regress").iterdir()
                if (p.is_dir() and (p / "__init__.py").is_file()) or (p.suffix == ".py")}
    packages = {f"regress.{name}" for name in children - {"__init__", "__main__"}}
    layered = set().union(*docs)
    assert docs == [layer & layered for layer in _linter_layers()] and layered == set().union(*_linter_layers()), \
        f"docs: {docs}\npyproject layers: {_linter_layers()}"
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    outside = sorted(name for name in packages - layered if f"`{name.replace('.', '/')}.py`" not in text)
    missing = sorted(layered - packages)
    assert not outside and not missing, (f"engine modules the docs do not place: {outside}; "
                                         f"layers the code does not have: {missing}")
