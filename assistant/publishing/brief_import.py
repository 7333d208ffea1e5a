# Longer than 400 lines: one import from file to drafted units: the row checks, the saved briefs and the resumable drafting share the import's keys and counts.
"""A month of briefs from one spreadsheet: read, validated whole, saved in one transaction,
then drafted, checked and illustrated one (brief, network, variant) at a time.

Marketers plan a month in a spreadsheet. Every row's every problem is reported at once,
named by row (the header is row 1) and column, in the reader's language, before anything is
written; the briefs are then saved together or not at all. Drafting runs unit by unit, each
unit stored under a unique key (brief, network, variant number), so an interrupted import is
resumed by drafting only what is missing, and its counts live in the store (`brief_imports`)
so a reload or another browser sees the same progress.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import multiprocessing
import os
import string
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import regex
from sqlalchemy import case, func, select, update

from ..core.actors import Actor, errors_of
from ..core.archives import check_archive, is_zip, workbook_sheets
from ..core.blobs import put_file
from ..core.charter import Charter, load_brand
from ..core.clock import local_text
from ..core.data_files import data_file
from ..core.errors import (
    AssistantError,
    ConflictError,
    InputError,
    NotFound,
    VisualError,
    WorkflowError,
)
from ..core.limits import CONTROL, limits, read_bounded, too_large
from ..core.llm import ChatProvider
from ..core.platforms import get_platform, platform_ids
from ..core.rows import commit_or_conflict, get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, BriefImport, Campaign, Store, VariantRow, Version
from ..visuals.photo import check_photo
from .brief_drafts import save_variant
from .campaign import brand_timezone, create_campaign, render_variant_visuals
from .drafting import DraftRequest, detect_language, draft_one
from .review import approve

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
LANGS = ("en", "fr")


def rules() -> dict[str, Any]:
    """Columns, date formats, the formula pattern and the messages (`data/brief_import.yaml`)."""
    return data_file("brief_import.yaml")


@cache
def _formula() -> regex.Pattern:
    return regex.compile(rules()["formula"])


class _Grouped(string.Formatter):
    """`{limit:,}` grouped as the language writes it: 65,536 in English, 65 536 in French
    (a narrow no-break space), whatever the value's own commas."""

    def __init__(self, separator: str) -> None:
        self.separator = separator

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if "," in format_spec and isinstance(value, int | float):
            return text.replace(",", self.separator)
        return text


GROUPING = {"en": ",", "fr": "\u202f"}


def template_text(lang: str, today: date | None = None) -> str:
    """The template offered for download, in the reader's language, its three sample rows
    dated Monday to Wednesday of next week (a template whose dates are past would be refused
    as it is), each in one of the date formats the import reads."""
    today = today or datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    name = f"briefs-template.{lang if lang == 'fr' else 'en'}.csv"
    return (
        (TEMPLATES / name)
        .read_text(encoding="utf-8")
        .format(
            first=monday,
            second=monday + timedelta(days=1),
            third=monday + timedelta(days=2),
            week=monday.isocalendar().week,
        )
    )


def worded(key: str, lang: str, **params: Any) -> str:
    """One message of the data file in `lang` (English when it has none), numbers grouped
    in that language's way."""
    words = rules()["messages"]
    lang = lang if lang in words else "en"
    if isinstance(params.get("value"), str):
        params["value"] = _visible(params["value"])
    return _Grouped(GROUPING.get(lang, ",")).format(words[lang][key], **params)


def _visible(value: str) -> str:
    """A cell's text as a message quotes it: control characters written as escapes (a tab
    shows as \\t, an escape sequence cannot reach a terminal), accents kept."""
    return regex.sub(r"[\p{Cc}]", lambda m: repr(m.group())[1:-1], value)


@dataclass(frozen=True)
class Problem:
    """One problem of one cell: its row (the header is row 1; 0 for the whole file), its
    column, and the message's key and values, worded in either language."""

    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return worded(self.key, lang, **self.params)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message(lang)}


@dataclass
class PlannedBrief:
    """One row read and checked: what will become a brief."""

    row: int
    publish_at: datetime | None
    text: str
    networks: list[str]
    variants: int
    photo: str = ""
    link: str = ""
    label: str = ""


class File(NamedTuple):
    """A file as sent: its name (every message about it names it) and its bytes."""

    name: str
    data: bytes


@dataclass
class Plan:
    """A whole file read: its briefs, every problem, and what identifies it."""

    file_name: str
    sha256: str
    brand: str
    zone: str
    briefs: list[PlannedBrief] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    photos: bytes | None = None

    @property
    def variants(self) -> int:
        return sum(len(b.networks) * b.variants for b in self.briefs)

    def report(self, import_id: int | None, lang: str = "en") -> dict[str, Any]:
        """The JSON contract: `{"import_id", "briefs", "variants", "errors"}`."""
        return {
            "import_id": import_id,
            "briefs": len(self.briefs),
            "variants": self.variants,
            "errors": [p.to_dict(lang) for p in sorted(self.problems, key=_order)],
        }


def _order(problem: Problem) -> tuple[int, int]:
    known = [*rules()["columns"]["required"], *rules()["columns"]["optional"]]
    column = known.index(problem.column) if problem.column in known else len(known)
    return problem.row, column


# ---- reading the file ---------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as French Excel saves "CSV (;)"."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_records(data: bytes, where: str) -> Iterator[list[Any]]:
    text = decode(data)
    try:
        delimiter = csv.Sniffer().sniff(text[:20000], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = (
            ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise InputError(
            f"{where} is not a readable CSV file (line {reader.line_num}: {exc}).",
            key="analytics_unreadable",
            file=where,
        ) from None


def records(data: bytes, where: str) -> Iterator[list[Any]]:
    """The rows of a CSV or of an XLSX workbook's first sheet, header first, one at a time
    (a spreadsheet's row N is the N-th item); a workbook passes the archive bounds first and
    gives its formulas as formulas, so they are refused rather than their last result used."""
    if not is_zip(data):
        yield from _csv_records(data, where)
        return
    sheets = workbook_sheets(data, where, formulas=True)
    try:
        yield from next(sheets, iter([]))
    finally:
        sheets.close()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---- checking one row ---------------------------------------------------------------------


class RowReader:
    """Checks the cells of one row, collecting every problem rather than stopping at one."""

    def __init__(
        self, charter: Charter, zone: str, now: datetime, photos: set[str] | None, archive: str
    ) -> None:
        self.charter, self.zone, self.now = charter, zone, now
        self.photos, self.archive = photos, archive
        self.tz = ZoneInfo(zone)
        self.lead = get_settings().min_lead_minutes

    def read(self, row: int, cells: dict[str, Any], problems: list[Problem]) -> PlannedBrief:
        def bad(column: str, key: str, **params: Any) -> None:
            problems.append(Problem(row, column, key, params))

        before = len(problems)
        texts = {name: self._text(row, name, value, problems) for name, value in cells.items()}
        for name, value in cells.items():
            if isinstance(value, str) and _formula().search(value):
                bad(name, "formula", value=value.strip()[:40])
                texts[name] = ""
        flagged = {p.column for p in problems[before:]}
        publish_at = (
            None
            if "publish_at" in flagged
            else self._when(cells.get("publish_at"), texts.get("publish_at", ""), bad)
        )
        brief = texts.get("brief", "")
        bound = limits().brief_chars
        if not brief and "brief" not in flagged:
            bad("brief", "empty_brief")
        elif len(brief) > bound:
            bad("brief", "brief_too_long", size=len(brief), limit=bound)
        return PlannedBrief(
            row=row,
            publish_at=publish_at,
            text=brief,
            networks=self._networks(texts.get("networks", ""), bad),
            variants=self._variants(texts.get("variants", ""), bad),
            photo=self._photo(texts.get("photo", ""), bad),
            link=self._link(texts.get("link", ""), bad),
            label=texts.get("label", "")[:200],
        )

    def _text(self, row: int, name: str, value: Any, problems: list[Problem]) -> str:
        text = cell_text(value)
        bound = limits().brief_chars if name == "brief" else rules()["cell_chars"]
        if name != "brief" and len(text) > bound:
            problems.append(
                Problem(row, name, "too_long_cell", {"size": len(text), "limit": bound})
            )
            return ""
        found = CONTROL.search(text.replace("\r", "").replace("\t", " "))
        if found:
            code = f"U+{ord(found.group()):04X}"
            problems.append(Problem(row, name, "control_character", {"code": code}))
            return ""
        return text

    def _when(self, raw: Any, text: str, bad: Callable[..., None]) -> datetime | None:
        if isinstance(raw, datetime):
            moment = raw
        elif not text:
            bad("publish_at", "bad_date", value="")
            return None
        else:
            moment = parse_date(text)
            if moment is None:
                bad("publish_at", "bad_date", value=text[:40])
                return None
        if moment.tzinfo is None:
            local = moment.replace(tzinfo=self.tz)
            if local.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None) != moment:
                bad("publish_at", "no_such_time", value=f"{moment:%Y-%m-%d %H:%M}", zone=self.zone)
                return None
            moment = local
        if moment < self.now + timedelta(minutes=self.lead):
            bad("publish_at", "past_date", when=local_text(moment, self.zone), minutes=self.lead)
        return moment

    def _networks(self, text: str, bad: Callable[..., None]) -> list[str]:
        if not text:
            return list(self.charter.networks)
        names = regex.split(f"[{regex.escape(rules()['network_separators'])}]", text)
        found = []
        for name in (n.strip().lower() for n in names):
            if not name:
                continue
            if name not in platform_ids():
                bad("networks", "unknown_network", value=name[:40], known=", ".join(platform_ids()))
            else:
                found.append(name)
        return list(dict.fromkeys(found))

    def _variants(self, text: str, bad: Callable[..., None]) -> int:
        most = rules()["max_variants"]
        if not text:
            return 1
        if text.isdigit() and 1 <= int(text) <= most:
            return int(text)
        bad("variants", "bad_variants", value=text[:20], most=most)
        return 1

    def _photo(self, text: str, bad: Callable[..., None]) -> str:
        if not text or text.lower() in ("none", "aucune", "-"):
            return ""
        if not text.lower().endswith(PHOTO_SUFFIXES):
            bad("photo", "bad_photo", value=text[:80])
        elif self.photos is None:
            bad("photo", "no_photos", value=text[:80])
        elif text not in self.photos:
            bad("photo", "missing_photo", value=text[:80], archive=self.archive)
        return text

    def _link(self, text: str, bad: Callable[..., None]) -> str:
        if not text:
            return ""
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or "." not in host or regex.search(r"\s", text):
            bad("link", "bad_url", value=text[:80])
        return text


def parse_date(text: str) -> datetime | None:
    """ISO 8601 (with or without an offset) or one of the data file's day-first formats."""
    text = " ".join(text.split())
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in rules()["date_formats"]:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


# ---- the whole file -----------------------------------------------------------------------


def read_plan(
    store: Store, sheet: File, brand: str, photos: File | None = None, now: datetime | None = None
) -> Plan:
    """Read and check a whole file without writing anything: every row's every problem."""
    file_name, data = sheet
    photos_name, zipped = photos or ("photos.zip", None)
    bound = limits()
    if len(data) > bound.brief_import_bytes:
        raise too_large(file_name, len(data), bound.brief_import_bytes, "a file of briefs")
    charter = load_brand(brand, get_settings().brand_dir)
    zone = brand_timezone(charter)
    plan = Plan(file_name, hashlib.sha256(data).hexdigest(), brand, zone, photos=zipped)
    names = _photo_names(zipped, photos_name) if zipped is not None else None
    reader = RowReader(charter, zone, now or datetime.now(UTC), names, photos_name)
    rows = records(data, file_name)
    header = [str(c or "").strip().lower().lstrip("\ufeff") for c in next(rows, [])]
    missing = [c for c in rules()["columns"]["required"] if c not in header]
    required = ", ".join(rules()["columns"]["required"])
    plan.problems += [Problem(1, c, "missing_column", {"required": required}) for c in missing]
    if missing:
        return plan
    known = set(rules()["columns"]["required"]) | set(rules()["columns"]["optional"])
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c) for c in cells):
            continue
        if len(plan.briefs) >= bound.brief_import_rows:
            plan.problems.append(
                Problem(number, "", "too_many_rows", {"limit": bound.brief_import_rows})
            )
            break
        values = {h: v for h, v in zip(header, cells, strict=False) if h in known}
        plan.briefs.append(reader.read(number, values, plan.problems))
    if not plan.briefs and not plan.problems:
        plan.problems.append(Problem(1, "", "empty_file", {}))
    _check_across_rows(plan)
    _check_store_slots(store, plan)
    _check_photos(plan, zipped, names)
    return plan


def _photo_names(photos: bytes, where: str) -> set[str]:
    if len(photos) > limits().brief_import_photos_bytes:
        raise too_large(where, len(photos), limits().brief_import_photos_bytes, "a ZIP of photos")
    check_archive(photos, where)
    with zipfile.ZipFile(io.BytesIO(photos)) as archive:
        return {i.filename for i in archive.infolist() if not i.is_dir()}


def _check_photos(plan: Plan, photos: bytes | None, names: set[str] | None) -> None:
    """Each photo the rows name, opened once now: one the visuals cannot use (not an image,
    truncated, a bomb) is the row's error before anything is saved, not an import left
    without visuals and never done."""
    if photos is None or not names:
        return
    usable: dict[str, bool] = {}
    with zipfile.ZipFile(io.BytesIO(photos)) as archive:
        for brief in plan.briefs:
            if brief.photo not in names or not brief.photo.lower().endswith(PHOTO_SUFFIXES):
                continue
            if brief.photo not in usable:
                try:
                    check_photo(archive.read(brief.photo), brief.photo)
                    usable[brief.photo] = True
                except (VisualError, RuntimeError, zipfile.BadZipFile):  # encrypted, bad CRC
                    usable[brief.photo] = False
            if not usable[brief.photo]:
                plan.problems.append(
                    Problem(brief.row, "photo", "bad_photo", {"value": brief.photo[:80]})
                )


def _check_across_rows(plan: Plan) -> None:
    """Duplicate rows, and two rows in one network's slot."""
    seen: dict[tuple[Any, ...], int] = {}
    slots: dict[tuple[str, datetime], int] = {}
    for brief in plan.briefs:
        if brief.publish_at is None or not brief.text:
            continue
        key = (brief.publish_at, " ".join(brief.text.split()).casefold(), tuple(brief.networks))
        if key in seen:
            plan.problems.append(Problem(brief.row, "brief", "duplicate_row", {"other": seen[key]}))
            continue
        seen[key] = brief.row
        for network in brief.networks:
            other = slots.setdefault((network, brief.publish_at), brief.row)
            if other != brief.row:
                plan.problems.append(
                    Problem(
                        brief.row,
                        "networks",
                        "slot_in_file",
                        {
                            "network": get_platform(network).name,
                            "other": other,
                            "when": local_text(brief.publish_at, plan.zone),
                        },
                    )
                )


def _check_store_slots(store: Store, plan: Plan) -> None:
    """A network's slot the brand already uses in any of its campaigns."""
    times = {b.publish_at for b in plan.briefs if b.publish_at is not None}
    if not times:
        return
    with store.session() as session:
        taken = session.execute(
            select(Brief.publish_at, Brief.networks)
            .join(Campaign)
            .where(Campaign.brand == plan.brand, Brief.publish_at.in_(times))
        ).all()
    used = {(network, when) for when, networks in taken for network in networks}
    for brief in plan.briefs:
        for network in brief.networks:
            if (network, brief.publish_at) in used:
                plan.problems.append(
                    Problem(
                        brief.row,
                        "publish_at",
                        "slot_taken",
                        {
                            "network": get_platform(network).name,
                            "when": local_text(brief.publish_at, plan.zone),
                        },
                    )
                )


# ---- saving -------------------------------------------------------------------------------


def previous_import(store: Store, brand: str, sha256: str) -> BriefImport | None:
    """The brand's earlier import of the same file (by its SHA-256), if any."""
    with store.session() as session:
        return session.scalars(
            select(BriefImport)
            .where(BriefImport.brand == brand, BriefImport.sha256 == sha256)
            .order_by(BriefImport.id.desc())
            .limit(1)
        ).first()


def refuse_again(store: Store, plan: Plan, lang: str = "en", key: str = "already_imported") -> None:
    """Refuse a file this brand imported before (the same bytes), unless asked again; `key`
    words how to ask again (the command line's flag, or the panel's box)."""
    earlier = previous_import(store, plan.brand, plan.sha256)
    if earlier is None:
        return
    params = {
        "brand": plan.brand,
        "import_id": earlier.id,
        "when": local_text(earlier.created_at, plan.zone),
    }
    raise InputError(
        f"{plan.file_name}: " + Problem(0, "", key, params).message(lang),
        key=key,
        file=plan.file_name,
        **params,
    )


def campaign_for(
    store: Store, name_or_id: str, brand: str, create: bool = True, by_id: bool = True
) -> int | None:
    """A campaign given by id (it must be the brand's) or by name (created when missing and
    `create`; None when missing and not). With `by_id` off, digits are a name too: the UI
    asks for a name, and a campaign called "42" (a week) must not land in campaign 42."""
    with store.session() as session:
        if by_id and name_or_id.strip().isdigit():
            campaign = get_or_404(session, Campaign, int(name_or_id))
            if campaign.brand != brand:
                raise WorkflowError(
                    f"campaign {campaign.id} belongs to {campaign.brand}, not {brand}.",
                    key="campaign_other_brand",
                    id=campaign.id,
                    brand=campaign.brand,
                )
            return campaign.id
        found = session.scalars(
            select(Campaign.id).where(Campaign.name == name_or_id.strip(), Campaign.brand == brand)
        ).first()
    if found is not None or not create:
        return found
    return create_campaign(store, name_or_id, brand).id


def save_plan(store: Store, plan: Plan, campaign_id: int, author: str, visuals: bool = True) -> int:
    """Save every brief of a clean plan in ONE transaction (all or nothing), with the import
    that will count their drafting; the photos are unpacked beside the import first."""
    if plan.problems:
        raise InputError(f"{plan.file_name} has {len(plan.problems)} problem(s); nothing saved.")
    charter = load_brand(plan.brand, get_settings().brand_dir)
    with store.session() as session:
        record = BriefImport(
            brand=plan.brand,
            campaign_id=campaign_id,
            file_name=plan.file_name[:255],
            sha256=plan.sha256,
            author=author,
            briefs=len(plan.briefs),
            variants=plan.variants,
            visuals=visuals,
            status="saved",
        )
        session.add(record)
        session.flush()
        folder = get_settings().data_dir / "imports" / str(record.id)
        photos = _unpack_photos(plan, folder) if plan.photos else {}
        for planned in plan.briefs:
            text = planned.text
            if planned.link and planned.link not in text:
                text = f"{text}\n{planned.link}"
            session.add(
                Brief(
                    campaign_id=campaign_id,
                    text=text,
                    networks=planned.networks,
                    language=detect_language(text, charter),
                    publish_at=planned.publish_at,
                    author=author,
                    timezone=plan.zone,
                    variants_per_network=planned.variants,
                    import_id=record.id,
                    import_row=planned.row,
                    link=planned.link or None,
                    label=planned.label or None,
                    photo=photos.get(planned.photo),
                    photo_key=put_file(photos[planned.photo]) if planned.photo in photos else None,
                )
            )
        commit_or_conflict(session, "import")
        return record.id


def _unpack_photos(plan: Plan, folder: Path) -> dict[str, str]:
    """The photos the rows name, written under the import's folder (flat, by a safe name)."""
    wanted = {b.photo for b in plan.briefs if b.photo}
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    with zipfile.ZipFile(io.BytesIO(plan.photos or b"")) as archive:
        for index, name in enumerate(sorted(wanted)):
            target = folder / f"{index:04d}{PurePosixPath(name).suffix.lower()}"
            target.write_bytes(archive.read(name))
            written[name] = str(target)
    return written


# ---- drafting, checking, illustrating -----------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """An import's counts as stored."""

    import_id: int
    briefs: int
    variants: int
    drafted: int
    checked: int
    rendered: int
    errors: int
    visuals: bool
    status: str

    @property
    def done(self) -> bool:
        return self.status == "done"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def progress(store: Store, import_id: int) -> Progress:
    """The counts as the store holds them (what every browser and the CLI show)."""
    with store.session() as session:
        row = get_or_404(session, BriefImport, import_id)
        return Progress(
            row.id,
            row.briefs,
            row.variants,
            row.drafted,
            row.checked,
            row.rendered,
            row.errors,
            row.visuals,
            row.status,
        )


def drafting_elsewhere(store: Store, import_id: int) -> bool:
    """Whether some process (the CLI, another app process) is drafting the import now: it is
    running and its counts were stored less than `live_seconds` ago."""
    with store.session() as session:
        row = get_or_404(session, BriefImport, import_id)
        if row.status != "running":
            return False
        age = datetime.now(UTC) - row.updated_at
    return age.total_seconds() < rules()["live_seconds"]


def _counts(session: Any, import_id: int) -> dict[str, int]:
    """Drafted, checked, rendered and error variants of an import, counted from the variants
    themselves (so counts can only grow as units are saved, and a resume starts from them)."""
    latest = (
        select(Version.variant_id, func.max(Version.number).label("number"))
        .group_by(Version.variant_id)
        .subquery()
    )
    rows = session.execute(
        select(VariantRow.draft_status, VariantRow.images_version, Version.matches)
        .join(Brief, VariantRow.brief_id == Brief.id)
        .join(latest, latest.c.variant_id == VariantRow.id)
        .join(
            Version,
            (Version.variant_id == latest.c.variant_id) & (Version.number == latest.c.number),
        )
        .where(Brief.import_id == import_id)
    ).all()
    return {
        "drafted": len(rows),
        "checked": sum(1 for status, _i, _m in rows if status != "error"),
        "rendered": sum(1 for _s, images, _m in rows if images is not None),
        "errors": sum(
            1 for status, _i, matches in rows if status == "error" or errors_of(matches or [])
        ),
    }


def refresh(store: Store, import_id: int, status: str | None = None) -> Progress:
    """Store the counts read from the variants (and the status when given). A count never
    goes down: two runs (or a run and its drawing threads) may count in any order."""
    with store.session() as session:
        values: dict[str, Any] = {
            name: case(
                (getattr(BriefImport, name) > count, getattr(BriefImport, name)), else_=count
            )
            for name, count in _counts(session, import_id).items()
        }
        values["updated_at"] = datetime.now(UTC)
        if status:
            values["status"] = status
        session.execute(update(BriefImport).where(BriefImport.id == import_id).values(**values))
        commit_or_conflict(session, "import")
    return progress(store, import_id)


@dataclass(frozen=True)
class Unit:
    """One thing to make: a variant of a brief for a network (number `index`)."""

    brief_id: int
    network: str
    index: int


def missing_units(store: Store, import_id: int) -> tuple[list[Unit], list[int]]:
    """What an import still lacks: the units never drafted, and the drafted variants (with a
    text) whose visuals were never rendered when the import renders them."""
    with store.session() as session:
        record = get_or_404(session, BriefImport, import_id)
        briefs = session.execute(
            select(Brief.id, Brief.networks, Brief.variants_per_network)
            .where(Brief.import_id == import_id)
            .order_by(Brief.publish_at, Brief.id)
        ).all()
        present = set(
            session.execute(
                select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
                .join(Brief)
                .where(Brief.import_id == import_id)
            ).all()
        )
        unrendered = (
            session.scalars(
                select(VariantRow.id)
                .join(Brief)
                .where(
                    Brief.import_id == import_id,
                    VariantRow.images_version.is_(None),
                    VariantRow.draft_status != "error",
                )
                .order_by(VariantRow.id)
            ).all()
            if record.visuals
            else []
        )
    units = [
        Unit(brief_id, network, n)
        for brief_id, networks, count in briefs
        for network in networks
        for n in range(1, (count or 1) + 1)
        if (brief_id, network, n) not in present
    ]
    return units, list(unrendered)


def run_import(
    store: Store,
    import_id: int,
    provider: ChatProvider | None,
    author: str,
    on_progress: Callable[[Progress], None] | None = None,
    workers: int | None = None,
) -> Progress:
    """Draft (and check, and illustrate) every unit the import still lacks, one at a time,
    storing the counts after each. Run again after an interruption, it does only the rest:
    a unit saved meanwhile by another run is skipped by the store's unique key.

    Visuals are drawn by `workers` processes (default `render_workers` of the data file)
    while the next units are drafted: drawing is most of an import's time."""
    units, unrendered = missing_units(store, import_id)
    with store.session() as session:
        record = get_or_404(session, BriefImport, import_id)
        charter = load_brand(record.brand, get_settings().brand_dir)
        visuals = record.visuals
    refresh(store, import_id, "running")
    requests: dict[int, DraftRequest] = {}
    loop = asyncio.new_event_loop()
    with Renderers(store, workers if workers is not None else rules()["render_workers"]) as draw:
        try:
            for variant_id in unrendered:
                draw(variant_id)
                _report(store, import_id, on_progress)
            for unit in units:
                request = requests.get(unit.brief_id) or _request_for(store, unit.brief_id, charter)
                requests[unit.brief_id] = request
                variant = loop.run_until_complete(
                    draft_one(request, unit.network, unit.index, provider)
                )
                try:
                    row = save_variant(store, unit.brief_id, variant, charter, request.lang, author)
                except ConflictError:  # another run saved this unit meanwhile: the key holds
                    continue
                if visuals and variant.status != "error" and variant.text:
                    draw(row.id)
                _report(store, import_id, on_progress)
        finally:
            loop.close()
    final = refresh(store, import_id)
    missing, unrendered = missing_units(store, import_id)
    return refresh(store, import_id, "done" if not missing and not unrendered else final.status)


class Renderers:
    """Visuals drawn in worker processes while the caller goes on drafting; each finished
    drawing is stored by a thread of this process (the workers never touch the database).
    At most two drawings per worker wait at a time, so memory stays bounded whatever the
    import's size. With fewer than two workers, drawing happens in the caller."""

    def __init__(self, store: Store, workers: int) -> None:
        self.store, self.workers = store, max(0, workers)
        self.pending: list[Future] = []
        self.processes: ProcessPoolExecutor | None = None
        self.threads: ThreadPoolExecutor | None = None

    def __enter__(self) -> Callable[[int], None]:
        if self.workers >= 2:
            context = multiprocessing.get_context("spawn")
            self.processes = ProcessPoolExecutor(self.workers, mp_context=context)
            self.threads = ThreadPoolExecutor(self.workers)
        return self.draw

    def draw(self, variant_id: int) -> None:
        if self.threads is None:
            _render(self.store, variant_id)
            return
        while len(self.pending) >= 2 * self.workers:
            self.pending.pop(0).result()
        self.pending.append(self.threads.submit(_render, self.store, variant_id, self._remote))

    def _remote(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        assert self.processes is not None
        return self.processes.submit(fn, *args, **kwargs).result()

    def __exit__(self, *failure: Any) -> None:
        try:
            for job in self.pending:
                if failure[0] is None:
                    job.result()
                else:
                    job.cancel()
        finally:
            if self.threads is not None:
                self.threads.shutdown(wait=True, cancel_futures=True)
            if self.processes is not None:
                self.processes.shutdown(wait=True, cancel_futures=True)


def _request_for(store: Store, brief_id: int, charter: Charter) -> DraftRequest:
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        return DraftRequest(
            brief.text,
            charter,
            list(brief.networks),
            brief.variants_per_network or 1,
            brief.language,
        )


def _render(store: Store, variant_id: int, run: Callable[..., Any] | None = None) -> None:
    """The visuals of one variant; a photo or font that cannot be used leaves it without
    images (counted as not rendered, tried again on resume) rather than stopping the import."""
    try:
        if run is None:
            render_variant_visuals(store, variant_id)
        else:
            render_variant_visuals(store, variant_id, run)
    except VisualError:
        return


def _report(store: Store, import_id: int, on_progress: Callable[[Progress], None] | None) -> None:
    counts = refresh(store, import_id)
    if on_progress is not None:
        on_progress(counts)


# ---- from a file, in one call -------------------------------------------------------------


def read_file(path: str | Path, what: str = "a file of briefs") -> File:
    """A file's name and bytes within the import bound (refused before reading it whole)."""
    path = Path(path)
    return File(path.name, read_bounded(path, limits().brief_import_bytes, what))


_SAVING = threading.Lock()


def import_briefs(
    store: Store,
    sheet: File,
    brand: str,
    campaign: str,
    author: str,
    *,
    photos: File | None = None,
    dry_run: bool = False,
    again: bool = False,
    again_key: str = "already_imported",
    visuals: bool = True,
    now: datetime | None = None,
    lang: str = "en",
    campaign_by_id: bool = True,
) -> tuple[Plan, int | None]:
    """Check a file whole and, when clean and not a dry run, save its briefs (one
    transaction); the import's id, or None when nothing was saved. Drafting is
    `run_import`'s, so a caller can show its progress. `campaign` is a name or an id, or
    only a name with `campaign_by_id` off (the UI's box).

    Checking and saving hold one lock of the process: a double click on Start (two requests
    at once) would otherwise pass the "already imported" and "slot taken" checks twice and
    save the month twice, two posts in every slot."""
    with _SAVING:
        plan = read_plan(store, sheet, brand, photos, now)
        if not again:
            refuse_again(store, plan, lang, again_key)
        if plan.problems or dry_run:
            return plan, None
        campaign_id = campaign_for(store, campaign, brand, by_id=campaign_by_id)
        assert campaign_id is not None
        return plan, save_plan(store, plan, campaign_id, author, visuals)


def reader_language(default: str = "en") -> str:
    """fr or en from the environment's locale (LC_ALL, LC_MESSAGES, LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")[:2].lower()
        if value in LANGS:
            return value
    return default


# ---- review at that scale -----------------------------------------------------------------


@dataclass
class BulkResult:
    """A bulk approval: what was approved, and what was left for one-by-one review (why)."""

    approved: list[int] = field(default_factory=list)
    left: list[dict[str, Any]] = field(default_factory=list)
    refusals: dict[int, AssistantError] = field(default_factory=dict)  # worded per reader

    def to_dict(self) -> dict[str, Any]:
        return {"approved": self.approved, "left": self.left}


def import_variants(store: Store, import_id: int) -> list[dict[str, Any]]:
    """An import's variants awaiting a decision: id, network, text version, error count."""
    with store.session() as session:
        get_or_404(session, BriefImport, import_id)
    from .review_queue import queue

    found, offset = [], 0
    while True:
        page = queue(store, limit=1000, offset=offset, import_id=import_id)
        found += page
        if len(page) < 1000:
            break
        offset += 1000
    return [
        {
            "id": item.id,
            "platform": item.platform,
            "status": item.status,
            "text_version": item.text_version,
            "errors": item.errors,
            "draft_status": item.draft_status,
        }
        for item in found
        if item.status in ("draft", "in_review", "changes_requested")
    ]


def bulk_approve(
    store: Store, import_id: int, actor: Actor, seen: dict[int, int] | None = None
) -> BulkResult:
    """Approve an import's clean variants, one by one through the review's own approval
    (roles, separation of duties, version pinning and visuals all checked as for a single
    one). A variant with an error finding is listed, never approved: overrides stay one by
    one. `seen` pins each variant to the text version the reviewer was shown (default: the
    versions listed now)."""
    result = BulkResult()
    for item in import_variants(store, import_id):
        pinned = (seen or {}).get(item["id"], item["text_version"])
        if seen is not None and item["id"] not in seen:
            continue
        if item["draft_status"] == "error" or item["errors"]:
            result.left.append({**_short(item), "reason": "needs_override"})
            continue
        try:
            approve(store, item["id"], actor, seen_version=pinned)
        except (WorkflowError, NotFound) as exc:
            result.left.append(
                {**_short(item), "reason": exc.key or "refused", "message": str(exc)}
            )
            result.refusals[item["id"]] = exc  # worded in the reader's language by the UI
            continue
        result.approved.append(item["id"])
    return result


def _short(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": item["id"], "platform": item["platform"], "errors": item["errors"]}


def latest_import_id(store: Store) -> int | None:
    """The newest import's id (what a page shows after a reload), or None."""
    with store.session() as session:
        return session.scalars(select(func.max(BriefImport.id))).first()


def imports_of(store: Store, campaign_id: int | None = None) -> list[Progress]:
    """Imports, newest first (of one campaign when given)."""
    query = select(BriefImport.id).order_by(BriefImport.id.desc())
    if campaign_id is not None:
        query = query.where(BriefImport.campaign_id == campaign_id)
    with store.session() as session:
        ids = session.scalars(query).all()
    return [progress(store, i) for i in ids]


__all__ = [
    "Plan",
    "Problem",
    "Progress",
    "bulk_approve",
    "import_briefs",
    "progress",
    "read_plan",
    "run_import",
    "template_text",
]
