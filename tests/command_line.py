"""`assistant ARGS` run in-process through `main()`, as a user runs it: the exit status and
what was printed, so tests read the same error boundary and JSON a person sees."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from assistant.cli import main


def run(args: list[str], stdin: bytes | str | None = None) -> tuple[int, str, str]:
    """`assistant ARGS` with its exit status, stdout and stderr."""
    runner = CliRunner()
    with runner.isolation(input=stdin) as (out, err, _):
        try:
            main(args)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        return code, out.getvalue().decode(), err.getvalue().decode()


def offline_audit(*files: Path | str, brand: str = "trailforge") -> list[str]:
    """`audit FILES --brand BRAND --no-network`: the audit with no link fetched, so its figures
    and timings do not depend on the network; callers add --format, --out and the rest."""
    return ["audit", *map(str, files), "--brand", brand, "--no-network"]
