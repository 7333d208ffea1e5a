"""Cell values as the networks write them: numbers with thousands separators or as floats,
percentages, a dash for "none", dates with or without a zone, Excel date cells. A cell that
cannot be read is an InputError naming the file, row and column and what was expected."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

import regex
from dateutil import parser as dateparser

from ..core.errors import InputError

EMPTY = {"", "-", "--", "n/a", "na", "nan", "none", "null", "—"}
NO_VALUE = {"infinity", "-infinity", "inf", "-inf"}  # a rate over zero impressions
SEPARATORS = regex.compile(r"[\s\u00a0\u202f\u2009']")
THOUSANDS_COMMA = regex.compile(r"^-?\d{1,3}(,\d{3})+$")
THOUSANDS_DOT = regex.compile(r"^-?\d{1,3}(\.\d{3}){2,}$")


class CellError(ValueError):
    """A cell that is not what its column holds; turned into an InputError with its place."""


def cell_error(source: str, row: int, column: str, expected: str, value: Any) -> InputError:
    shown = repr(value)[:60]
    return InputError(
        f"{source}, row {row}, column {column!r}: expected {expected}, found {shown}. "
        "Fix the cell or export the file again.",
        key="analytics_cell",
        file=source,
        row=row,
        column=column,
        expected=expected,
        value=shown,
    )


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().casefold() in EMPTY


def parse_number(value: Any) -> float | None:
    """24323.0, '1,234', '1 234', '1.234.567', '12,5', '3.4%' -> floats (a percentage as a
    fraction); empty or '-' -> None; anything else raises CellError."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError(value)
    if isinstance(value, int | float):
        return None if math.isinf(value) else float(value)
    text = str(value).strip()
    if text.casefold() in NO_VALUE:
        return None
    percent = text.endswith("%")
    text = SEPARATORS.sub("", text.removesuffix("%"))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(value) from None
    if math.isnan(number) or math.isinf(number):
        return None
    return number / 100 if percent else number


CLOCK = regex.compile(r"\d:\d\d|T\d\d")


def has_clock(value: Any) -> bool:
    """Whether a written time gives the time of day ("2024-03-06" does not, nor LinkedIn's
    "Created date"); a date cell or a timestamp is judged with the rest of its file."""
    return not isinstance(value, str) or bool(CLOCK.search(value))


def parse_time(value: Any, zone: tzinfo, day_first: bool = False) -> datetime | None:
    """A post's time, aware: its own offset when written, else read in `zone`. Excel cells
    arrive as datetimes; ISO and '2021-03-01 14:05 +0000' are read exactly; other writings
    through dateutil. 'Lifetime' (Meta's Date column) is not a time: CellError."""
    if is_empty(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(float(value), zone)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = dateparser.parse(text, dayfirst=day_first)
            except (ValueError, OverflowError):
                raise CellError(value) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
