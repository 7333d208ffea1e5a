"""`assistant render`: every network's image sizes from one headline (and one photo)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..core.platforms import parse_platform_list
from .common import brand, check_format, print_json


def render(
    brand_slug: str = typer.Option(..., "--brand", "-b"),
    headline: str = typer.Option(..., "--headline"),
    platforms: str = typer.Option("", "--platforms", "-p", help="default: the brand's"),
    photo: Path = typer.Option(None, "--photo", help="A photo to crop around its subject."),
    subline: str = typer.Option("", "--subline"),
    alt_text: str = typer.Option("", "--alt-text"),
    out: Path = typer.Option(Path("out"), "--out"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Render the brand's visuals in every size its networks need."""
    from ..visuals import render_all  # Pillow and numpy load only for this command

    check_format(fmt)
    charter = brand(brand_slug)
    networks = parse_platform_list(platforms) if platforms else None
    images = render_all(charter, headline, networks, photo, out, subline, alt_text)
    if fmt == "json":
        print_json({"files": [i.to_dict() for i in images]})
        return
    table = Table("network", "size", "pixels", "bytes", "contrast", "file")
    for i in images:
        table.add_row(
            i.platform,
            i.size,
            f"{i.width}×{i.height}",
            f"{i.bytes:,}",
            f"{i.contrast}:1" + (" (scrim)" if i.scrim else ""),
            i.path,
        )
    Console().print(table)
    for note in images[0].warnings if images else []:
        typer.echo(f"note: {note}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(render)
