"""The patterns facts are read with, per language, built once from `data/facts.yaml`: month
and weekday names, currencies, units, number words, code introducers, link endings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

NUM = r"\d{1,3}(?:[  \u202f]\d{3})+(?:[.,]\d{1,2})?|\d++(?:[.,]\d++)*"


@cache
def facts_data() -> dict:
    """`data/facts.yaml`: the words facts are read with, and the findings' messages."""
    with resources.files("assistant.data").joinpath("facts.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of `words`, longest first, each escaped."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def fact_language(lang: str) -> str:
    """The language facts are read in: English for `en…`, French otherwise."""
    return "en" if (lang or "fr").split("-")[0].lower() == "en" else "fr"


@dataclass
class FactTables:
    """One language's names (month, weekday) and the compiled patterns facts are read with."""

    month_of: dict[str, int]
    weekday_of: dict[str, int]
    patterns: dict[str, re.Pattern]
    relative: dict[str, str]
    time_words: dict[str, str]
    currency_of: dict[str, str]
    unit_of: dict[str, str]
    ordinal_of: dict[str, int]


@cache
def fact_tables(lang: str) -> FactTables:
    """Every pattern compiled once per language; month and weekday names of both languages."""
    data = facts_data()
    month_of = {
        w.lower(): int(m) for lg in ("fr", "en") for m, ws in data["months"][lg].items() for w in ws
    }
    weekday_of = {
        w.lower(): int(d)
        for lg in ("fr", "en")
        for d, ws in data["weekdays"][lg].items()
        for w in ws
    }
    full_days = [ws[0] for lg in ("fr", "en") for ws in data["weekdays"][lg].values()]
    ambiguous = {w.lower() for w in data["ambiguous_months"]}
    lone_months = [  # full names only: "sept" is also seven, "Mar" a weekday abbreviation
        w.lower()
        for lg in ("fr", "en")
        for ws in data["months"][lg].values()
        for i, w in enumerate(ws)
        if (i == 0 or len(w) > 4) and w.lower() not in ambiguous
    ]
    relative = {w.lower(): key for key, ws in data["relative_dates"].items() for w in ws}
    time_words = {w.lower(): key for key, ws in data["time_words"].items() for w in ws}
    currency_of = {w.lower(): code for code, ws in data["currencies"].items() for w in ws}
    unit_of = {w: key for key, ws in data["units"].items() for w in ws}
    mon, wd = alternation(month_of), alternation(weekday_of)
    symbols = alternation(w for w in currency_of if not w.isalpha())
    words = alternation(w for w in currency_of if w.isalpha())
    cur = rf"(?:{symbols}|\b(?:{words})\b)"
    percent = alternation(data["percent_words"])
    ordinal_of = {
        w.lower(): int(n)
        for lg in ("fr", "en")
        for n, ws in data["ordinal_words"][lg].items()
        for w in ws
    }
    ordinal = rf"(?:{alternation(data['ordinal_suffixes'])})?"
    flags = re.IGNORECASE
    counting = [w for w in data["number_words"][lang] if w not in ("et", "and")]
    patterns = {
        "email": re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+", flags),
        "url": re.compile(
            r"(?<![@\w.])(?:(?:https?://|www\.)[^\s<>\"«»]+|(?:[a-z0-9-]++\.)+"
            rf"(?:{alternation(data['url_endings'])})\b(?:/[^\s<>\"«»]*)?)",
            flags,
        ),
        "handle": re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"),
        "hashtag": re.compile(r"#\w+"),
        "code_intro": re.compile(
            rf"\b(?:{alternation(data['code_introducers'])})\s*[:\-–]?\s*[«\"“'‘]?\s*"
            r"([A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9])",
            flags,
        ),
        "code": re.compile(r"(?<![\w-])[A-Z0-9][A-Z0-9_-]{1,}[A-Z0-9](?![\w-])"),
        "date_dm": re.compile(
            rf"\b(?:({wd})\.?,?\s+)?(?:(?:le|the)\s+)?(\d{{1,2}}){ordinal}\s+(?:of\s+)?({mon})\b\.?"
            r"(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_md": re.compile(
            rf"\b(?:({wd})\.?,?\s+)?({mon})\b\.?\s+(\d{{1,2}}){ordinal}\b(?:,?\s+(\d{{4}})\b)?",
            flags,
        ),
        "date_list_dm": re.compile(
            rf"\b((?:\d{{1,2}}{ordinal}\s*(?:,|au|à|-|–|et|to|and)\s*)+\d{{1,2}}){ordinal}\s+({mon})\b\.?"
            r"(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_list_md": re.compile(
            rf"\b({mon})\b\.?\s+(\d{{1,2}}{ordinal}(?:\s*(?:,|-|–|to|through|and)\s*\d{{1,2}}{ordinal})+)"
            r"\b(?!\s?[%€$£:hH\d])(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_iso": re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
        "date_num": re.compile(
            r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"
            r"|(?<![\d/.,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])"
        ),
        "date_wd_day": re.compile(rf"\b({wd})\.?\s+(\d{{1,2}}){ordinal}\b(?![:h,.]\d)", flags),
        "date_wd": re.compile(rf"\b({alternation(full_days)})s?\b", flags),
        "date_month": re.compile(rf"\b({alternation(lone_months)})\b(?:\s+(\d{{4}})\b)?", flags),
        "date_relative": re.compile(rf"\b(?:{alternation(relative)})(?![\w-])", flags),
        "time_range": re.compile(
            r"(?<![\d,.])(?P<first>(\d{1,2})(?:\s?[hH]\s?(\d{2})?|:(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)?)"
            r"\s*(?:à|a|au|-|–|—|to|till|until|jusqu'à)\s*"
            r"(\d{1,2})(?:\s?([hH])\s?(\d{2})?|:(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)?(?![\w%€$£])",
            flags,
        ),
        "time": re.compile(
            r"(?<![\d,.:])(\d{1,2})(?:\s?[hH]\s?(\d{2})?(?![\w])|:(\d{2})\s?(am|pm|a\.m\.|p\.m\.)?"
            r"|\s?(am|pm|a\.m\.|p\.m\.))(?!\w)",
            flags,
        ),
        "time_hours": re.compile(
            r"\b(?:à|dès|vers|jusqu'à|jusqu’à|de)\s+(\d{1,2})\s?heures?(?:\s?(\d{2}))?\b", flags
        ),
        "time_word": re.compile(rf"\b(?:{alternation(time_words)})\b", flags),
        "price_pre": re.compile(rf"{cur}\s?({NUM})", flags),
        "price_post": re.compile(rf"(?<![\w.,])({NUM})\s?{cur}", flags),
        "percent": re.compile(rf"(?<![\w.,])({NUM})\s?(?:{percent})(?!\w)", flags),
        "unit": re.compile(rf"(?<![\w.,])({NUM})\s?({alternation(unit_of)})(?![\w'’])"),
        "number": re.compile(rf"(?<![\w.,/]){NUM}{ordinal}(?![\w/])"),
        "ordinal_word": re.compile(rf"(?<![\w-])(?:{alternation(ordinal_of)})(?![\w-])", flags),
        "number_words": re.compile(
            rf"\b(?:{alternation(counting)})(?:(?:[\s-]+(?:et|and))?[\s-]+"
            rf"(?:{alternation(counting)}))*\b",
            flags,
        ),
        "after_number_word": re.compile(
            rf"\s*(?:{percent}|{cur}|\b(?:{alternation(unit_of)})\b)", flags
        ),
    }
    return FactTables(
        month_of, weekday_of, patterns, relative, time_words, currency_of, unit_of, ordinal_of
    )
