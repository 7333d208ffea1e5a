"""`assistant ARGS` run in-process through `main()`, as a user runs it: the exit status and
what was printed, so tests read the same error boundary and JSON a person sees."""

from __future__ import annotations

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
