"""The layers hold: the import contracts in pyproject.toml are kept, no module takes part in an import circle
(imports inside functions count), and no module imports another module's private name."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    run = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted: each is an import circle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in imports.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(imports):
        if node not in index:
            visit(node)
    return sorted(found)


def test_circles_finds_a_circle_and_only_that():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_in_an_import_circle():
    graph = grimp.build_graph("parley", cache_dir=None)
    packages = {m for m in graph.modules if (ROOT / (m.replace(".", "/"))).is_dir()}
    imports = {m: {i for i in graph.find_modules_directly_imported_by(m) if i not in packages}
               for m in graph.modules if m not in packages}
    assert circles(imports) == []


def test_no_module_imports_a_private_name_of_another():
    borrowed = []
    for path in sorted((ROOT / "parley").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("parley"):
                borrowed += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and a.name != "__version__"]
    assert borrowed == []


def test_the_architecture_doc_is_drawn_from_the_contracts():
    """docs/architecture.md's list of layers and imports is what scripts/architecture_doc.py draws now."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import architecture_doc
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert architecture_doc.current_text() == (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), \
        "docs/architecture.md is stale: run make docs"
