"""An audit's dataclasses as JSON data and back, field by field after their type hints: a
worker (maybe on another machine) computes a report, the app rebuilds from its JSON exactly
what it shows (figures, findings, notes in either language, slots, report files).

JSON alone would lose three things the pages read, so they are written out:

- a `Note` or a `Worded` message (a `str` that can be worded again in the reader's language)
  becomes `{"note": key, "params": …}` or `{"worded": text, "messages": …}`;
- a moment keeps its zone's name after its ISO form (`…+01:00[Europe/Paris]`), so the heatmap
  and the dates read on the same clock as before;
- tuples come back as tuples (a formula's fields, a top post and its rate).
"""

from __future__ import annotations

import types
import typing
from dataclasses import fields, is_dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from .words import Note, Worded


def to_data(value: Any) -> Any:
    """A dataclass (or list, tuple, dict, moment, note) as JSON values."""
    if isinstance(value, Note):
        return {"note": value.key, "params": to_data(value.params)}
    if isinstance(value, Worded):
        return {"worded": str(value), "messages": dict(value.messages)}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in fields(value) if f.init}
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def from_data(kind: Any, data: Any) -> Any:
    """The value of type `kind` that `to_data` wrote as `data`."""
    if data is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return from_data(next(a for a in args if a is not type(None)), data)
    if kind is str or kind is Any:
        return _text(data)
    if kind is datetime:
        return _read_moment(data)
    if isinstance(kind, type) and is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{f.name: from_data(hints[f.name], data[f.name]) for f in fields(kind) if f.init}
        )
    if origin is list:
        return [from_data(args[0], v) for v in data]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        return tuple(from_data(a, v) for a, v in zip(args, data, strict=True))
    if origin is dict:
        return {k: from_data(args[1], v) for k, v in data.items()}
    return data


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _text(data: Any) -> Any:
    """A note or a worded message back as one; anything else as it was."""
    if isinstance(data, dict) and "note" in data:
        return Note(data["note"], **data["params"])
    if isinstance(data, dict) and "worded" in data:
        return Worded(data["worded"], data["messages"])
    return data


def _moment(moment: datetime) -> str:
    zone = moment.tzinfo
    return moment.isoformat() + (f"[{zone.key}]" if isinstance(zone, ZoneInfo) else "")


def _read_moment(text: str) -> datetime:
    written, _, zone = text.partition("[")
    moment = datetime.fromisoformat(written)
    return moment.astimezone(ZoneInfo(zone.rstrip("]"))) if zone else moment
