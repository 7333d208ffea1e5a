"""HTML for the UI only through Jinja2 templates with autoescape (`ui/templates/*.html.j2`):
whatever a person or a charter wrote is escaped, Markdown syntax included (it is never
rendered), and no module builds HTML by string concatenation."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..core.html import html_templates

UI_DIR = Path(__file__).resolve().parent
TEMPLATES = UI_DIR / "templates"
STYLES = UI_DIR / "styles"


def render_html(name: str, **context: Any) -> str:
    """One template rendered with autoescape (`name` without the `.html.j2` suffix)."""
    return html_templates(TEMPLATES).get_template(f"{name}.html.j2").render(**context)


@cache
def stylesheet() -> str:
    """Every `ui/styles/*.css`, in name order, as the one stylesheet Gradio is given."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(STYLES.glob("*.css")))
