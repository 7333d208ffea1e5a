"""HTML only from Jinja2 templates with autoescape on: whatever a person or a charter wrote is
escaped (Markdown syntax included, never rendered) and a missing value is an error, not an
empty string. The proof sheet and the UI read their own folders through this one setup.

HTML coming in (Mastodon's and YouTube's post and comment bodies) is read back as the plain
text a person sees, here too, so an import and the inbox agree on it."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@cache
def html_templates(folder: Path) -> Environment:
    """The template environment of one folder, built once."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: `<br>` a line break, a paragraph a blank line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _paragraph(self) -> None:
        if self.parts and self.parts[-1] != "\n\n":
            self.parts.append("\n\n")

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            self._paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._paragraph()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(content: str) -> str:
    """The plain text of an HTML body (entities decoded, tags dropped, breaks kept)."""
    parser = _TextOnly()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts).strip()
