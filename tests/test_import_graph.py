"""No import cycle inside `assistant/`: every module is parsed (not imported), its imports
resolved (relative ones too, and those inside functions, which only delay a cycle), and the
graph of modules must have no cycle. A cycle makes the import order matter: the first
module half-loaded when the second asks for a name."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _base(name: str, path: Path, level: int) -> str:
    """The package a relative import of `level` dots starts from."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return package


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules `path` imports, anywhere in the file (in a function too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(name, path, node.level) if node.level else ""
            source = ".".join(p for p in (base, node.module or "") if p)
            # `from . import x` imports the module x when there is one, else a name of source
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # the module itself or, for a name inside it, its nearest module
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports."""
    found = modules()
    return {name: imported(name, path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles of `graph` (each with its first module repeated at the end): one found,
    one of its edges set aside, and again, so a failure lists every cycle at once."""
    graph = {name: set(targets) for name, targets in graph.items()}
    found = []
    while True:
        try:
            TopologicalSorter(graph).prepare()
        except CycleError as error:
            cycle = list(error.args[1])
            found.append(cycle[::-1])  # graphlib lists it against the arrows
            graph[cycle[1]].discard(cycle[0])
        else:
            return found


def test_the_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert "assistant.ui.draft" in graph["assistant.ui.app"]  # from . import draft
    assert (
        "assistant.publishing.campaign" in graph["assistant.ui.draft"]
    )  # from ..campaign import …
    assert "assistant.proofing" in graph["assistant.ui.draft"]  # from ..proofing import apply
    assert "assistant.core.prompts" in graph["assistant.community.triage"]  # inside a function
    [cycle] = cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert len(cycle) == 4 and set(cycle) == {"a", "b", "c"}
    arrows = {"a": "b", "b": "c", "c": "a"}
    assert all(arrows[before] == after for before, after in pairwise(cycle))


def test_no_import_cycle_inside_the_package():
    found = [" → ".join(cycle) for cycle in cycles(import_graph())]
    assert found == [], "import cycles:\n" + "\n".join(found)
