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

import regex
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

PAGE_LANGUAGES = ("fr", "en")
PREFIX = regex.compile(r"(/[A-Za-z0-9._~-]+)+")  # a plain path: no "//", query or host
PREFIX_CHARS = 200


def plain_prefix(value: str) -> str:
    """A proxy's `X-Forwarded-Prefix` (`/assistant/` → `/assistant`) when it is a plain
    path; anything else (another host, `..`, a query) is "" and ignored."""
    prefix = value.strip().rstrip("/")
    if len(prefix) <= PREFIX_CHARS and PREFIX.fullmatch(prefix) and ".." not in prefix:
        return prefix
    return ""


def route_path(scope: Any) -> str:
    """A request's path within the app: without the root_path (a proxy's prefix) that the
    server or `web.ForwardedPrefix` put before it, as Starlette's routing reads it."""
    path, root = scope["path"], str(scope.get("root_path", "")).rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) :] or "/"
    return path


@cache
def page_words(words_file: Path) -> dict[str, dict[str, str]]:
    """A server-rendered page's words (`key: {en: …, fr: …}`), read once."""
    return yaml.safe_load(words_file.read_text(encoding="utf-8"))


def words_in(words_file: Path, lang: str) -> dict[str, str]:
    """A page's words in `lang`, English where a word has no such translation."""
    return {key: texts.get(lang) or texts["en"] for key, texts in page_words(words_file).items()}


def page_language(request: Any, remembered: str = "") -> str:
    """The language of a server-rendered page: `?lang=` (the page's switch), else the
    `remembered` cookie's choice, else the browser's Accept-Language, else French."""
    chosen = [request.query_params.get("lang", "")]
    if remembered:
        chosen.append(request.cookies.get(remembered, ""))
    for choice in chosen:
        if choice in PAGE_LANGUAGES:
            return choice
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in PAGE_LANGUAGES:
            return code
    return "fr"


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
