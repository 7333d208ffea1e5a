"""`assistant brands`, `assistant platforms` and `assistant count`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..core.errors import CharterError
from ..core.limits import limits
from .common import TEXT_ARG, TEXT_OPTION, check_format, print_json, read_text_arg


def brands(
    validate: Path = typer.Option(None, "--validate", help="Validate one charter file."),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """List the brands in brand_guides/, or validate one charter file."""
    from ..core.charter import charter_summary, load_all, load_charter
    from ..core.settings import get_settings

    check_format(fmt)
    if validate is not None:
        try:
            charter = load_charter(validate, _brand_root_for(validate))
        except CharterError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{validate}: valid charter for {charter.name!r}.")
        return
    good, bad = load_all(get_settings().brand_dir)
    if fmt == "json":
        print_json({"brands": [charter_summary(c) for c in good], "errors": [str(e) for e in bad]})
    else:
        table = Table("slug", "name", "languages", "networks")
        for charter in good:
            table.add_row(
                charter.slug, charter.name, ",".join(charter.languages), ",".join(charter.networks)
            )
        Console().print(table)
        for error in bad:
            typer.echo(f"broken: {error}", err=True)
    if bad:
        raise typer.Exit(1)


def _brand_root_for(path: Path) -> Path:
    """Assets may live anywhere under the configured brand folder, or beside the file."""
    from ..core.settings import get_settings

    brand_dir = get_settings().brand_dir.resolve()
    return brand_dir if path.resolve().is_relative_to(brand_dir) else path.resolve().parent


def platforms(fmt: str = typer.Option("text", "--format", help="text or json")) -> None:
    """Show the network profiles: limits, counting, fold, hashtags, links, image sizes."""
    from ..core.platforms import all_platforms

    check_format(fmt)
    profiles = list(all_platforms().values())
    if fmt == "json":
        print_json([p.public() for p in profiles])
        return
    table = Table("id", "name", "max", "counting", "see more", "hashtags", "links", "images")
    for p in profiles:
        sizes = " ".join(f"{s.width}×{s.height}" for s in p.image_sizes)
        table.add_row(
            p.id,
            p.name,
            str(p.max_length),
            p.counting,
            str(p.see_more or "—"),
            str(p.max_hashtags),
            "yes" if p.links_clickable else "no",
            sizes,
        )
    Console().print(table)


def count(
    text: str = TEXT_ARG,
    platform: str = typer.Option(..., "--platform", "-p", help="Network id, e.g. x"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    as_text: bool = TEXT_OPTION,
) -> None:
    """Length of a text as one network counts it, and whether it fits."""
    from ..core.platforms import get_platform, measure

    check_format(fmt)
    profile = get_platform(platform)
    body = read_text_arg(text, as_text or None, limit=limits().count_chars)
    if text is None or text == "-":
        body = body.removesuffix("\n")
    result = measure(body, profile)
    if fmt == "json":
        print_json(result.as_dict())
    else:
        verdict = "fits" if result.fits else f"too long by {result.overflow}"
        typer.echo(f"{result.platform}: {result.length} / {result.max_length} ({verdict})")
    if not result.fits:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(brands)
    app.command()(platforms)
    app.command()(count)
