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
    french = _mostly_french(set(first))
    order = ("fr", "en") if french else ("en", "fr")
    found: dict[str, int] = {}
    for field, labels in column_rules()["fields"].items():
        for lang in order:
            hit = next((first[a] for a in labels.get(lang, []) if a in first), None)
            if hit is not None:
                found[field] = hit
                break
    return ColumnMap(found, tuple(str(h) for h in headers), french)


def _mostly_french(names: set[str]) -> bool:
    """More headers known only as French labels than only as English ones: the French
    aliases are tried first (Meta's French `Date` column, like the English one, is not the
    publication time) and dates are read day first."""
    fr = en = 0
    for labels in column_rules()["fields"].values():
        only_fr = set(labels.get("fr", [])) - set(labels.get("en", []))
        only_en = set(labels.get("en", [])) - set(labels.get("fr", []))
        fr += len(names & only_fr)
        en += len(names & only_en)
    return fr > en


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
