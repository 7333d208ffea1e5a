"""How a broken charter is told: every problem named by its field, worded in the reader's
language from `data/charter_errors.yaml`, values quoted short, at most a few problems at
once, and YAML syntax errors placed by line and column.
"""

from __future__ import annotations

import re
import reprlib
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import CharterError

LANGUAGES = ("en", "fr")
ERRORS_FILE = Path(__file__).resolve().parent.parent / "data" / "charter_errors.yaml"


@cache
def _wording() -> dict[str, dict[str, str]]:
    return yaml.safe_load(ERRORS_FILE.read_text(encoding="utf-8"))


class OneOf(tuple):
    """Allowed values, joined in each language's words ("'a' or 'b'", "« a » ou « b »")."""

    def joined(self, lang: str) -> str:
        quoted = [f"« {v} »" if lang == "fr" else f"'{v}'" for v in self]
        if len(quoted) < 2:
            return "".join(quoted)
        return ", ".join(quoted[:-1]) + _wording()["or"][lang] + quoted[-1]


def _say(key: str, lang: str, **params: Any) -> str:
    worded = {k: v.joined(lang) if isinstance(v, OneOf) else v for k, v in params.items()}
    return _wording()[key][lang].format(**worded)


def field_problem(
    shown: str,
    field: tuple[str, dict] | str,
    key: str | list[tuple[str, dict]],
    fix: str = "",
    **params: Any,
) -> CharterError:
    """A CharterError worded in every language from `data/charter_errors.yaml`: `key` is one
    problem (with `params`) or a list of (key, params) joined with "; "; `field` a plain name
    or a (key, params) pair such as a line and column."""
    wordings = {}
    for lang in LANGUAGES:
        parts = [(key, params)] if isinstance(key, str) else key
        problem = "; ".join(_say(k, lang, **p) for k, p in parts)
        where = field if isinstance(field, str) else _say(field[0], lang, **field[1])
        wordings[lang] = (where, problem, _say(fix, lang) if fix else "")
    field_en, problem_en, fix_en = wordings["en"]
    return CharterError(shown, field_en, problem_en, fix_en, wordings)


SHOWN_CHARS = 80  # characters of a charter value quoted in an error message
SHOWN_ERRORS = 5


def _bounded_repr() -> reprlib.Repr:
    """A repr whose cost and length do not grow with the value (Python 3.11 has no kwargs)."""
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = SHOWN_CHARS
    shown.maxlist = shown.maxdict = shown.maxtuple = shown.maxset = 4
    shown.maxlevel = 2
    return shown


_REPR = _bounded_repr()


def yaml_position(exc: yaml.YAMLError) -> tuple[str, dict] | str:
    """Where a YAML error stands (line and column, counted from 1), when the parser says."""
    mark = getattr(exc, "problem_mark", None)
    return ("line_column", {"line": mark.line + 1, "column": mark.column + 1}) if mark else ""


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What the YAML parser found wrong, in its own words, quoted short."""
    return _capped(str(getattr(exc, "problem", None) or exc).strip())


def explain_validation(shown: str, exc: ValidationError) -> CharterError:
    """Turn pydantic's errors into one paragraph: field path, bad value, what was expected.

    Values are shown through a bounded repr, cut to a few dozen characters, and only the
    first errors are listed: a charter value may be huge, its message must not be."""
    errors = exc.errors(include_url=False)
    parts = [_part(error) for error in errors[:SHOWN_ERRORS]]
    if len(errors) > SHOWN_ERRORS:
        parts.append(("more", {"count": len(errors) - SHOWN_ERRORS}))
    first_field = _capped(".".join(str(p) for p in errors[0]["loc"]))
    error = field_problem(shown, first_field, parts, "fix_guide")
    for lang, (field, problem, fix) in error.wordings.items():
        error.wordings[lang] = (field, problem + ".", fix)
    error.problem = error.wordings["en"][1]
    error.args = (f"{shown}: {first_field}: {error.problem} {error.fix}",)
    return error


def _part(error: dict) -> tuple[str, dict]:
    """One pydantic error as a (wording key, values) pair."""
    kind, ctx = error["type"], error.get("ctx") or {}
    field = _capped(".".join(str(p) for p in error["loc"]))
    value = quoted_value(error.get("input"))
    if kind == "extra_forbidden":
        return "unknown_field", {"field": field}
    if kind == "missing":
        return "missing", {"field": field}
    if kind == "string_pattern_mismatch":
        return "colour", {"field": field, "value": value}
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        allowed = re.findall(r"'([^']*)'", expected)
        return "literal", {"field": field, "value": value, "expected": OneOf(allowed) or expected}
    if kind == "too_short":
        return "too_short", {"field": field, "value": value, "min_length": ctx.get("min_length")}
    if kind == "safety_topic_kept":
        return "safety_topic_kept", {"field": field, "topic": _capped(str(ctx.get("topic", "")))}
    if kind == "greater_than_equal":
        return "minimum", {"field": field, "value": value, "ge": ctx.get("ge")}
    message = _capped(error["msg"].removeprefix("Value error, "))
    return "other", {"field": field, "value": value, "message": message}


def quoted_value(value: Any) -> str:
    """A value's repr, bounded in cost and length whatever the value's size."""
    return _capped(_REPR.repr(value))


def _capped(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
