"""No import cycle inside `assistant/`, and imports that follow the layout: every module is
parsed (not imported), its imports resolved (relative ones too, and those inside functions,
which only delay a cycle). A cycle makes the import order matter: the first module
half-loaded when the second asks for a name. An import against the layout's direction
(shells → halves → core) makes the tree lie about what depends on what."""

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


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under `if TYPE_CHECKING:`: read by type checkers, never run."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= {id(inner) for part in node.body for inner in ast.walk(part)}
    return found


def imported(name: str, path: Path, known: set[str], typing: bool = True) -> set[str]:
    """The package's own modules `path` imports, anywhere in the file (in a function too);
    with `typing` False, not those only type checkers read (`if TYPE_CHECKING:`)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set() if typing else _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
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


def import_graph(typing: bool = True) -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports (with `typing` False,
    leaving out the imports only type checkers read: they run never, so cycle never)."""
    found = modules()
    return {name: imported(name, path, set(found), typing) for name, path in found.items()}


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
    assert "assistant.publishing.campaign" in graph["assistant.ui.draft"]  # from ..publishing…
    assert "assistant.proofing" in graph["assistant.ui.draft"]  # from ..proofing import apply
    assert "assistant.core.prompts" in graph["assistant.community.triage"]  # inside a function
    # under `if TYPE_CHECKING:`: a dependency of the layout, never run so never a cycle
    assert "assistant.analytics.report" in graph["assistant.analytics.report_view"]
    run = import_graph(typing=False)
    assert "assistant.analytics.report" not in run["assistant.analytics.report_view"]
    [cycle] = cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert len(cycle) == 4 and set(cycle) == {"a", "b", "c"}
    arrows = {"a": "b", "b": "c", "c": "a"}
    assert all(arrows[before] == after for before, after in pairwise(cycle))


def test_no_import_cycle_inside_the_package():
    found = [" → ".join(cycle) for cycle in cycles(import_graph(typing=False))]
    assert found == [], "import cycles:\n" + "\n".join(found)


# What each part of the package may import besides itself. The shells (`ui/`, `cli/`,
# `web.py`) take from every other part and no part takes from them; the two halves
# (`publishing/`, `community/`) stand on the core and the checking engines, never on each
# other; the audit (`analytics/`) reads published posts with the publishing half's tools.
MAY_IMPORT = {
    "core": set(),
    "proofing": {"core"},
    "visuals": {"core"},
    "vendor": set(),
    "publishing": {"core", "proofing", "visuals"},
    "community": {"core", "proofing", "vendor"},
    "analytics": {"core", "proofing", "publishing"},
    "migrations": {"core"},
    "package": set(),
}
SHELLS = {"ui", "cli", "web"}
# the imports against that direction, each with why it stands
EXCEPTIONS = {
    ("assistant.ui.identity", "assistant.login"): (
        "with the app's own login on, the UI asks it whether it is on and which role the "
        "logged-in person's account holds: one source of who is logged in"
    ),
    ("assistant.core.charter", "assistant.community.charter_section"): (
        "the charter's schema holds its `community` section, validated with the community "
        "half's safety topics: one file, one validation, whichever half reads it"
    ),
}


def part(module: str) -> str:
    """The part of the package a module belongs to: its first folder, `web` or `package`."""
    parts = module.split(".")
    if parts[1:] == ["login"]:  # the app's own login pages: the web shell's second module
        return "web"
    return parts[1] if len(parts) > 1 else "package"


def against_the_layout(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The (importer, imported) pairs that cross parts in a direction the layout forbids."""
    found = set()
    for name, targets in graph.items():
        here = part(name)
        allowed = ({*MAY_IMPORT, *SHELLS} - SHELLS) if here in SHELLS else MAY_IMPORT[here]
        found |= {
            (name, target)
            for target in targets
            if part(target) != here and part(target) not in allowed
        }
    return found


def test_every_part_of_the_package_has_its_place_in_the_layout():
    unplaced = {part(name) for name in import_graph()} - {*MAY_IMPORT, *SHELLS}
    assert unplaced == set(), f"parts with no rule in MAY_IMPORT: {sorted(unplaced)}"


def test_imports_follow_the_layout_shells_halves_core():
    graph = import_graph()
    found = against_the_layout(graph)
    unexplained = sorted(found - set(EXCEPTIONS))
    assert unexplained == [], "imports against the layout:\n" + "\n".join(
        f"{a} → {b}" for a, b in unexplained
    )
    stale = sorted(set(EXCEPTIONS) - found)
    assert stale == [], f"exceptions no module needs any more: {stale}"


def test_the_layout_check_sees_a_half_importing_the_other_or_a_shell():
    graph = {
        "assistant.publishing.drafting": {"assistant.community.inbox", "assistant.core.store"},
        "assistant.core.store": {"assistant.ui.app"},
        "assistant.ui.app": {"assistant.cli.common", "assistant.community.inbox"},
    }
    assert against_the_layout(graph) == {
        ("assistant.publishing.drafting", "assistant.community.inbox"),
        ("assistant.core.store", "assistant.ui.app"),
        ("assistant.ui.app", "assistant.cli.common"),
    }
