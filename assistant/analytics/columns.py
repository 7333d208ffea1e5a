"""Which column holds which field, by header name through the alias table in
`data/analytics_columns.yaml` (English and French labels), and which network wrote the file.
Never by position: networks reorder and rename columns between versions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

COLUMNS_FILE = Path(__file__).resolve().parent.parent / "data" / "analytics_columns.yaml"
SPACES = regex.compile(r"\s+")


@cache
def column_rules() -> dict[str, Any]:
    """The alias table, read once."""
    return yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8"))


def normalise_header(value: Any) -> str:
    """'  Tweet   Text ' -> 'tweet text'; a non-text cell (a number, NaN) -> ''."""
    if not isinstance(value, str):
        return ""
    return SPACES.sub(" ", value.replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class ColumnMap:
    """Field name -> column index, and the language of the labels matched (dates under
    French labels are read day first)."""

    columns: dict[str, int]
    headers: tuple[str, ...]
    french: bool

    def header_of(self, field: str) -> str:
        return self.headers[self.columns[field]]


def map_columns(headers: list[Any]) -> ColumnMap:
    """The first column matching each field's aliases, aliases tried in their order; a
    repeated header (legacy Facebook) keeps its first column."""
    names = [normalise_header(h) for h in headers]
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        if name:
            first.setdefault(name, index)
    found: dict[str, int] = {}
    french_hits = english_hits = 0
    for field, labels in column_rules()["fields"].items():
        for lang in ("en", "fr"):
            hit = next((first[a] for a in labels.get(lang, []) if a in first), None)
            if hit is not None and field not in found:
                found[field] = hit
                french_hits += lang == "fr" and names[hit] not in labels.get("en", [])
                english_hits += lang == "en"
    return ColumnMap(found, tuple(str(h) for h in headers), french_hits > english_hits)


def header_row(rows: list[list[Any]]) -> int | None:
    """The index of the header among the first rows (a title row may come first): the first
    row where enough fields are recognised, including an id or a link."""
    rules = column_rules()
    for index, row in enumerate(rows[: rules["header_scan_rows"]]):
        mapped = map_columns(row)
        has_key = any(f in mapped.columns for f in rules["required_any"])
        if has_key and len(mapped.columns) >= rules["header_min_fields"]:
            return index
    return None


def network_of(headers: list[Any]) -> str | None:
    """The network whose signature headers are all present, or None (a per-row column or
    an unknown layout)."""
    names = {normalise_header(h) for h in headers}
    for network, groups in column_rules()["networks"].items():
        if any(all(h in names for h in group) for group in groups):
            return network
    return None
