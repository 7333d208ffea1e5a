"""Bounded zip archives. An XLSX workbook is a zip whose parts openpyxl inflates in memory,
so a one-megabyte file can hold a gigabyte of XML (a "zip bomb"). Every part is checked
before any reader sees it: first against the sizes the archive declares, then by inflating
it piece by piece and stopping at the bound, since declared sizes can lie. The bounds are
data (`zip_*` in `limits.yaml`); the audit and the inbox open workbooks only through here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .errors import InputError
from .limits import Limits, limits

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 16  # bytes inflated at a time: the most a check can overshoot its bound


def is_zip(raw: bytes) -> bool:
    """Whether the bytes are a zip archive (XLSX, XLSM), whatever the file's name says."""
    return raw[:4] == ZIP_MAGIC


def check_archive(raw: bytes, where: str) -> None:
    """Refuse, naming `where` and the part, an archive whose parts inflate past the bounds:
    one part too large, all parts together too large, a part compressed more than any real
    spreadsheet is, or too many parts. Nothing is kept: the reader inflates again after."""
    bound = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _unreadable(where) from None
    with archive:
        members = archive.infolist()
        if len(members) > bound.zip_entries:
            raise _refused(where, "", "zip_entries", count=len(members), limit=bound.zip_entries)
        declared = 0
        for info in members:
            declared += info.file_size
            _check_sizes(where, info.filename, info.file_size, _packed(info, raw), bound, declared)
        inflated = 0
        for info in members:
            inflated = _inflate_bounded(archive, info, where, _packed(info, raw), bound, inflated)


def _packed(info: zipfile.ZipInfo, raw: bytes) -> int:
    """A part's compressed size, never more than the archive itself (a declared size can lie)."""
    return max(1, min(info.compress_size, len(raw)))


def _check_sizes(where: str, part: str, size: int, packed: int, bound: Limits, total: int) -> None:
    """Refuse a part whose (declared or inflated so far) size breaks a bound."""
    if size > bound.zip_part_bytes:
        raise _refused(where, part, "zip_part_too_large", size=size, limit=bound.zip_part_bytes)
    if total > bound.zip_total_bytes:
        raise _refused(where, part, "zip_total_too_large", size=total, limit=bound.zip_total_bytes)
    if size > bound.zip_ratio_grace_bytes and size > packed * bound.zip_ratio:
        raise _refused(where, part, "zip_ratio", ratio=size // packed, limit=bound.zip_ratio)


def _inflate_bounded(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    where: str,
    packed: int,
    bound: Limits,
    before: int,
) -> int:
    """Inflate one part in pieces, checking the bounds after each; the running total of all
    parts inflated so far. A damaged part (bad CRC, unknown compression) is unreadable."""
    size = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                size += len(chunk)
                _check_sizes(where, info.filename, size, packed, bound, before + size)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
        raise _unreadable(where) from None
    return before + size


def _unreadable(where: str, why: str = "a damaged archive") -> InputError:
    """A workbook zipfile or openpyxl could not read: the file named, why, and what to do."""
    return InputError(
        f"{where} is not a readable spreadsheet ({why}); export it again as XLSX or CSV.",
        key="analytics_unreadable",
        file=where,
    )


WORDS = {
    "zip_entries": "holds {count:,} parts; a spreadsheet may hold at most {limit:,}",
    "zip_part_too_large": "its part {part} inflates to more than {limit:,} bytes",
    "zip_total_too_large": "its parts inflate to more than {limit:,} bytes together",
    "zip_ratio": "its part {part} is compressed {ratio:,} times; at most {limit:,} times is read",
}


def _refused(where: str, part: str, key: str, **params: Any) -> InputError:
    """The refusal of an archive that would inflate too far, naming the file and the part."""
    problem = WORDS[key].format(part=part, **params)
    return InputError(
        f"{where}: {problem}. It was refused unread (a compressed bomb, or a workbook to split "
        "into smaller files).",
        key=key,
        file=where,
        part=part,
        **params,
    )


def workbook_sheets(
    raw: bytes, where: str, formulas: bool = False
) -> Iterator[Iterator[list[Any]]]:
    """The sheets of a checked XLSX workbook, each as its rows (lists of cell values) read one
    at a time, so a reader can stop at its row bound without loading the sheet. Interior
    blank rows are kept (as []), trailing ones dropped, as a spreadsheet shows them.
    `formulas` gives a formula cell as its formula (`=…`) instead of its cached value, for a
    reader that refuses formulas rather than trusting what they last computed."""
    check_archive(raw, where)
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            io.BytesIO(raw), read_only=True, data_only=not formulas, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _unreadable(where, type(exc).__name__) from None
    try:
        for sheet in book.worksheets:
            yield _sheet_rows(sheet, where)
    finally:
        book.close()


def _sheet_rows(sheet: Any, where: str) -> Iterator[list[Any]]:
    blank = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            if not cells:
                blank += 1
                continue
            yield from ([] for _ in range(blank))
            blank = 0
            yield cells
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet part
        raise _unreadable(where, type(exc).__name__) from None
