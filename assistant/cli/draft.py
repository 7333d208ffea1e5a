"""`assistant draft`: one brief, a variant per network, with a progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..core.limits import limits
from ..core.llm import make_provider
from ..core.platforms import parse_platform_list
from ..core.settings import get_settings
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
    from ..publishing import jobs  # the kinds a worker runs, loaded only for this command

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
    if jobs.queued():  # team mode: the workers' model drafts, one job per variant
        results = _run_on_workers(request, brand_slug, provider, show_progress=fmt == "text")
    else:
        results = _run(request, make_provider(provider), show_progress=fmt == "text")
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
    results = []
    with _bar(total, show_progress) as (bar, task):
        for variant in draft_iter(request, chat):
            results.append(variant)
            bar.update(task, advance=1, description=f"{variant.platform} done")
    return results


def _run_on_workers(
    request: DraftRequest, slug: str, provider: str | None, show_progress: bool
) -> list[Variant]:
    """Each (network, variant) a job `assistant worker` processes draft, waited on a few at
    a time (`ASSISTANT_CONCURRENCY`), the bar moving as each comes back."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from ..publishing import jobs

    units = [(p, i) for p in request.platforms for i in range(1, request.variants + 1)]
    asked = {
        "brief": request.brief,
        "brand": slug,
        "variants": request.variants,
        "language": request.lang,
        "provider": provider,
    }
    at_once = max(1, min(len(units), get_settings().concurrency))
    results = []
    with _bar(len(units), show_progress) as (bar, task), ThreadPoolExecutor(at_once) as pool:
        waiting = [pool.submit(jobs.call, "draft", network=p, index=i, **asked) for p, i in units]
        for done in as_completed(waiting):
            variant = Variant(**done.result())
            results.append(variant)
            bar.update(task, advance=1, description=f"{variant.platform} done")
    return results


@contextmanager
def _bar(total: int, show_progress: bool) -> Iterator[tuple[Progress, Any]]:
    """The drafting bar on a terminal (stderr), hidden otherwise."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=not (show_progress and console.is_terminal),
    ) as bar:
        yield bar, bar.add_task("drafting", total=total)


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
