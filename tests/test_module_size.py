"""No module of the package grows past about 400 lines without saying why on its first line
(`# Longer than 400 lines: …`): a long module is either split along a seam it already has
or keeps a written reason a reviewer can disagree with."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
LONGEST = 420  # about 400: a docstring edit does not ask for a reason
REASON = "# Longer than 400 lines: "
NOT_OURS = ("vendor", "migrations")  # vendored code and generated schema steps


def long_modules() -> dict[Path, list[str]]:
    """The package's own modules over LONGEST lines, each with its lines."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if NOT_OURS[0] in path.parts or NOT_OURS[1] in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > LONGEST:
            found[path] = lines
    return found


def test_a_long_module_says_why_on_its_first_line():
    unexplained = [
        f"{path.relative_to(PACKAGE.parent)} ({len(lines)} lines)"
        for path, lines in long_modules().items()
        if not (lines[0].startswith(REASON) and len(lines[0]) > len(REASON) + 20)
    ]
    assert unexplained == [], "split these or give a reason on their first line:\n" + "\n".join(
        unexplained
    )


def test_a_reason_is_not_left_on_a_module_that_became_short():
    """A reason stays only while the module is long: a split module loses its excuse."""
    stale = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.read_text(encoding="utf-8").startswith(REASON) and path not in long_modules()
    ]
    assert stale == []
