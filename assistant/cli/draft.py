"""`assistant draft`: one brief, a variant per network, with a progress bar."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..core.limits import limits
from ..core.llm import make_provider
from ..core.platforms import parse_platform_list
from ..publishing.drafting import DraftRequest, Variant, detect_language, draft_iter
from .common import TEXT_OPTION, brand, check_format, print_json, read_text_arg


def draft(
    brief: str = typer.Argument(None, help="The brief, a file, or '-' for stdin."),
    brand_slug: str = typer.Option(..., "--brand", "-b", help="Brand slug in brand_guides/"),
    platforms: str = typer.Option(
        "", "--platforms", "-p", help="x,linkedin,... (default: the brand's)"
    ),
    variants: int = typer.Option(1, "--variants", "-n", min=1, max=5),
    provider: str = typer.Option(None, "--provider", help="none | openai | local"),
    language: str = typer.Option(
        "", "--lang", help="fr or en (default: the brief's own language, else the brand's)"
    ),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    as_text: bool = TEXT_OPTION,
) -> None:
    """Draft a variant of the brief for every network."""
    check_format(fmt)
    charter = brand(brand_slug)
    text = read_text_arg(brief, as_text or None, what="the brief", limit=limits().brief_chars)
    text = text.strip()
    if not text:
        raise typer.BadParameter("the brief is empty")
    networks = parse_platform_list(platforms) if platforms else charter.networks
    request = DraftRequest(
        text, charter, networks, variants, language or detect_language(text, charter)
    )
    chat = make_provider(provider)
    results = _run(request, chat, show_progress=fmt == "text")
    order = {p: i for i, p in enumerate(networks)}
    results.sort(key=lambda v: (order[v.platform], v.variant))
    if fmt == "json":
        print_json([v.to_dict() for v in results])
    else:
        _print_text(results)
    if any(v.status == "error" for v in results):
        raise typer.Exit(1)


def _run(request: DraftRequest, chat, show_progress: bool) -> list[Variant]:
    total = len(request.platforms) * request.variants
    console = Console(stderr=True)
    results = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=not (show_progress and console.is_terminal),
    ) as bar:
        task = bar.add_task("drafting", total=total)
        for variant in draft_iter(request, chat):
            results.append(variant)
            bar.update(task, advance=1, description=f"{variant.platform} done")
    return results


def _print_text(results: list[Variant]) -> None:
    console = Console()
    for v in results:
        colour = {"ok": "green", "truncated": "yellow", "error": "red"}[v.status]
        console.rule(
            f"{v.platform} #{v.variant}  [{colour}]{v.status}[/]  {v.length}/{v.max_length}"
        )
        console.print(
            v.text if v.status != "error" else f"[red]{v.error}[/]",
            markup=v.status == "error",
            highlight=False,
        )
        if v.changes:
            console.print(f"[dim]changes: {', '.join(v.changes)}[/]")
        for violation in v.violations:
            console.print(f"[red]violation: {violation}[/]")


def register(app: typer.Typer) -> None:
    app.command()(draft)
