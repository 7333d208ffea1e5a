"""`assistant check`: proofread like a linter; exit 1 when any `error` is found."""

from __future__ import annotations

import typer
from rich.console import Console

from ..core.language import detect
from ..core.limits import limits, read_text_file
from ..core.platforms import get_platform
from ..proofing import CheckReport, check_text, line_col
from ..publishing.fact_comparison import fact_matches
from .common import brand, check_format, print_json, read_text_arg

COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def check(
    source: str = typer.Argument(
        None, metavar="[FILE|-]", help="A file, or '-' / nothing for stdin."
    ),
    brand_slug: str = typer.Option(None, "--brand", "-b", help="Apply this brand's rules."),
    platform: str = typer.Option(None, "--platform", "-p", help="Apply this network's rules."),
    lang: str = typer.Option("", "--lang", help="fr or en (default: detected, else the brand's)"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    brief: str = typer.Option(
        None,
        "--brief",
        help="Compare the post's facts (dates, prices, codes, links) with this brief file.",
    ),
) -> None:
    """Proofread a post: spelling, grammar, typography, brand and network rules."""
    check_format(fmt)
    if lang and lang.split("-")[0] not in ("fr", "en"):
        raise typer.BadParameter("expected fr or en", param_hint="--lang")
    charter = brand(brand_slug)
    profile = get_platform(platform) if platform else None
    brief_text = read_text_file(brief, "the brief") if brief else None
    text = read_text_arg(source, text=False, what="the post", limit=limits().check_chars)
    if source is None or source == "-":
        text = text.removesuffix("\n")
    lang = lang or detect(text, charter.language if charter else "fr")
    report = check_text(text, lang, charter, profile)
    if brief_text is not None:
        _add_fact_matches(report, brief_text, text, lang, charter)
    if fmt == "json":
        print_json(report.to_dict())
    else:
        _print_text(text, report)
    if report.has_errors:
        raise typer.Exit(1)


def _add_fact_matches(report: CheckReport, brief: str, text: str, lang: str, charter) -> None:
    """The brief's facts the post changed, invented or dropped, among the other findings."""
    allowed = charter.own_phrases if charter else ()
    found = fact_matches(brief, text, lang, allowed=allowed)
    report.matches = sorted([*report.matches, *found], key=lambda m: (m.offset, m.length))


def _print_text(text: str, report: CheckReport) -> None:
    console = Console(highlight=False, soft_wrap=True)
    for notice in report.notices:
        console.print(f"[dim]note: {notice}[/]", markup=True)
    for m in report.matches:
        line, col = line_col(text, m.offset)
        shown = list(dict.fromkeys(r.strip() for r in m.replacements if r.strip()))[:3]
        hint = f" ({', '.join(shown)})" if shown else ""
        colour = COLOURS[m.severity]
        console.print(f"{line}:{col} [{colour}]{m.severity}[/] {m.rule_id} ", end="")
        console.print(m.message + hint, markup=False)
    if not report.matches:
        console.print(
            f"[green]no problem found[/] [dim]({', '.join(report.engines) or 'no engine'})[/]"
        )


def register(app: typer.Typer) -> None:
    app.command()(check)
