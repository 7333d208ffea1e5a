"""Bounds on input from outside, read from `data/limits.yaml`, and the one place text from a
person or a file is accepted: too long, not UTF-8 or holding control characters is refused
with a message naming what, the limit and the size, before any slow step runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import InputError

LIMITS_FILE = Path(__file__).resolve().parent.parent / "data" / "limits.yaml"
# C0 controls but tab, line feed and carriage return; C1 controls; NUL above all
CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Limits(BaseModel):
    """Every bound, in characters unless the name says bytes: whole numbers only, and no
    bound missing or unknown, so a slip in the data file is found when it is read."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    brief_chars: int
    post_chars: int
    comment_chars: int
    name_chars: int
    check_chars: int
    count_chars: int
    text_file_bytes: int
    charter_bytes: int
    charter_depth: int
    charter_aliases: int
    upload_bytes: int
    inbox_bytes: int
    inbox_rows: int
    brand_head_rows: int
    analytics_bytes: int
    analytics_rows: int
    zip_part_bytes: int
    zip_total_bytes: int
    zip_ratio: int
    zip_ratio_grace_bytes: int
    zip_entries: int
    brief_import_bytes: int
    brief_import_rows: int
    brief_import_photos_bytes: int
    downloads_kept: int
    blob_bytes: int
    review_link_days: int
    review_link_max_days: int
    review_link_failures: int
    upload_ceiling_bytes: int
    suggested_words: int
    thorough_suggested_words: int
    login_failures: int
    login_failure_rows: int
    login_hours: int
    password_min_chars: int
    password_max_chars: int


@cache
def limits() -> Limits:
    """The bounds in force (read once); a wrong bound is an InputError naming each one."""
    try:
        return Limits.model_validate(yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")))
    except ValidationError as exc:
        wrong = ", ".join(f"{'.'.join(map(str, e['loc']))} ({e['msg']})" for e in exc.errors())
        raise InputError(
            f"{LIMITS_FILE} holds wrong bounds: {wrong}. Each bound is a whole number.",
            key="bad_limits",
            path=str(LIMITS_FILE),
            wrong=wrong,
        ) from None


def clean_text(text: str, what: str, limit: int) -> str:
    """`text` if it is within `limit` characters and holds no control character; else an
    InputError naming `what` (e.g. "the brief"), so nothing unreadable is stored or checked."""
    if len(text) > limit:
        raise InputError(
            f"{what} is {len(text):,} characters long; the limit is {limit:,}.",
            key="too_long",
            what=what,
            size=len(text),
            limit=limit,
        )
    found = CONTROL.search(text)
    if found:
        raise InputError(
            f"{what} holds a control character (U+{ord(found.group()):04X}) at position "
            f"{found.start()}; remove it.",
            key="control_character",
            what=what,
            code=f"U+{ord(found.group()):04X}",
            position=found.start(),
        )
    return text


def read_bounded(
    path: Path, bound: int, what: str, fix: str = "", name: str | None = None
) -> bytes:
    """A file's bytes, refused before it is read whole when over `bound`: every file the
    assistant reads (a post, an inbox or analytics export) is refused the same way when it
    is missing, a folder or too large, named as `name` (the name a person chose for an
    upload, not where it was kept) or its path, with `fix` saying what to do."""
    where = name or str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError(f"no such file: {where}", key="no_such_file", path=where) from None
    if not path.is_file():
        raise InputError(f"{where} is not a file.", key="not_a_file", path=where)
    if size > bound:
        raise too_large(where, size, bound, what, fix)
    return path.read_bytes()


def too_large(where: str, size: int, bound: int, what: str, fix: str = "") -> InputError:
    """The error of input over its size bound, worded once (`file_too_large` in the UI)."""
    return InputError(
        f"{where} is {size:,} bytes; {what} may be at most {bound:,} bytes. {fix}".rstrip(),
        key="file_too_large",
        path=where,
        size=size,
        limit=bound,
    )


def read_text_file(path: str | Path, what: str = "the file") -> str:
    """A UTF-8 text file within the size bound; a missing, oversized or binary file is an
    InputError that names it (never read as the text itself)."""
    data = read_bounded(Path(path), limits().text_file_bytes, what)
    return decode_utf8(data, str(path))


def decode_utf8(data: bytes, where: str) -> str:
    """Bytes as UTF-8 text; anything else is an InputError giving the first bad byte's offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not UTF-8 text (byte {exc.start}); save it as UTF-8.",
            key="not_utf8",
            where=where,
            position=exc.start,
        ) from None
