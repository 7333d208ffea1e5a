"""Exports of a campaign's approved variants: Hootsuite bulk CSV, Buffer API JSON, generic CSV
and JSON, and a ZIP with those, the images and an HTML proof sheet.

Validation comes first (slots in the past, two posts in one slot, minutes not on a 5-minute
mark, visuals older than their text): an export the scheduler would refuse is never written.
Hootsuite takes 350 rows a file, so a network with more gets numbered files of 350 (the
schedulers' own file shapes are in `scheduler_files`). Exporting changes nothing in the
store, and never overwrites a file unasked.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core.actors import Actor
from ..core.blobs import visual_paths
from ..core.charter import Charter, load_brand
from ..core.clock import reader_time
from ..core.errors import ExportError
from ..core.html import html_templates
from ..core.rows import get_or_404, latest_version
from ..core.settings import get_settings
from ..core.store import Campaign, Store
from ..core.tokens import urls
from .campaign import headline_of
from .fact_comparison import compare
from .scheduler_files import (
    buffer_posts,
    formula_warnings,
    hootsuite_files,
    neutralised,
)

HOOTSUITE_LEAD = timedelta(minutes=10)
FORMATS = ("hootsuite", "buffer", "csv", "json", "zip")
EXTENSIONS = {"buffer": "buffer.json", "csv": "csv", "json": "json", "zip": "zip"}
EXPORTED = ("approved", "published")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _posts(store: Store, campaign_id: int) -> tuple[Campaign, list[dict[str, Any]], list[LeftOut]]:
    """The approved (or published) variants as exported posts, and the others, named as left
    out with their status so the person exporting knows what the scheduler will not get."""
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        rows = [(b, v) for b in campaign.briefs for v in b.variants if v.status in EXPORTED]
        left_out = [
            LeftOut(v.id, v.platform, v.status)
            for b in campaign.briefs
            for v in b.variants
            if v.status not in EXPORTED
        ]
        charter = load_brand(campaign.brand, get_settings().brand_dir)
        posts = [_post(b, v, charter) for b, v in rows]
        stale = [
            _stale(session, v)
            for _b, v in rows
            if v.images and getattr(v, "images_version", None) is not None
        ]
    if not posts:
        raise ExportError(f"campaign {campaign_id} has no approved variant to export.")
    problems = [s for s in stale if s]
    if problems:
        raise ExportError(
            "export refused: " + "; ".join(problems) + ". Render the visuals again, then export.",
            key="visuals_stale",
        )
    return campaign, posts, sorted(left_out)


def _post(brief: Any, variant: Any, charter: Charter) -> dict[str, Any]:
    """One exported post; `facts` lists what differs from the brief (changed, invented,
    missing), so the proof sheet shows what a reviewer accepted."""
    findings = compare(brief.text, variant.text, brief.language, allowed=charter.own_phrases)
    legal = [m.text for m in charter.legal]
    return {
        "id": variant.id,
        "platform": variant.platform,
        "variant": variant.variant_no,
        "text": variant.text,
        "hashtags": variant.hashtags,
        "alt_text": variant.alt_text,
        "link": post_link(variant.link, variant.text, legal),
        "images": visual_paths(variant.images, getattr(variant, "image_keys", None)),
        "publish_at": brief.publish_at,
        "timezone": brief.timezone,
        "brief_id": brief.id,
        "approved_by": variant.approved_by,
        "approved_at": variant.approved_at,
        "override_reason": variant.override_reason,
        "language": brief.language,
        "facts": [f.to_dict() for f in findings if f.status != "kept"],
    }


def post_link(moved_link: str | None, text: str, legal: Sequence[str] = ()) -> str:
    """The post's link for a scheduler's link column: the one moved out of the text (where
    links are not clickable), else the first URL of the text outside the brand's legal
    mentions (a health notice's site is not what the post links to: the scheduler would
    show its preview), with a scheme (Hootsuite and spreadsheets need one); '' when the
    post links nowhere."""
    mentioned = {span.text.lower() for mention in legal for span in urls(mention)}
    found = (span.text for span in urls(text) if span.text.lower() not in mentioned)
    link = moved_link or next(found, "")
    if link and not link.lower().startswith(("http://", "https://")):
        link = "https://" + link
    return link


def _stale(session: Any, variant: Any) -> str:
    """Why a variant's images no longer show its text ('' when they do)."""
    latest = latest_version(session, variant.id).number
    if variant.images_version == latest:
        return ""
    return (
        f"variant {variant.id} ({variant.platform}) has images made from text version "
        f"{variant.images_version}, but its text is at version {latest}"
    )


def validate(posts: list[dict[str, Any]], now: datetime | None = None) -> None:
    """Refuse what Hootsuite and Buffer refuse, naming the variants concerned."""
    now = now or datetime.now(UTC)
    problems = []
    for post in posts:
        when = post["publish_at"]
        if when is None:
            problems.append(f"variant {post['id']} ({post['platform']}) has no publication time")
        elif when < now + HOOTSUITE_LEAD:
            problems.append(
                f"variant {post['id']} ({post['platform']}) is planned at "
                f"{when.isoformat()}, less than 10 minutes from now or in the past"
            )
        elif when.minute % 5:
            problems.append(
                f"variant {post['id']} ({post['platform']}) is at minute "
                f"{when.minute}; schedulers take times on a 5-minute mark"
            )
    slots = Counter((p["platform"], p["publish_at"]) for p in posts if p["publish_at"])
    for (platform, when), count in slots.items():
        if count > 1:
            ids = [
                str(p["id"]) for p in posts if (p["platform"], p["publish_at"]) == (platform, when)
            ]
            problems.append(
                f"{platform}: variants {', '.join(ids)} share the slot {when.isoformat()}"
            )
    if problems:
        raise ExportError("export refused: " + "; ".join(problems) + ".")


def generic_rows(
    posts: list[dict[str, Any]], images: dict[int, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Posts as flat rows. `images` gives each variant's images as the ZIP names them
    (images/<variant id>/<file>): a server's own paths never leave it."""
    named = images if images is not None else _zip_names(_stored_images(posts))
    return [
        {
            **p,
            "hashtags": " ".join(p["hashtags"]),
            "images": " ".join(named.get(p["id"], [])),
            "publish_at": p["publish_at"].isoformat() if p["publish_at"] else "",
            "approved_at": p["approved_at"].isoformat() if p["approved_at"] else "",
            "facts": "; ".join(_fact_line(f) for f in p["facts"]),
        }
        for p in posts
    ]


def _fact_line(fact: dict[str, Any]) -> str:
    """'changed date: 3 décembre → 4 décembre' for a spreadsheet cell."""
    values = " → ".join(v for v in (fact["value"], fact["found"]) if v)
    return f"{fact['status']} {fact['kind']}: {values}"


def generic_csv(posts: list[dict[str, Any]], images: dict[int, list[str]] | None = None) -> str:
    """posts.csv, meant for spreadsheets: every cell neutralised."""
    rows = [{k: neutralised(v) for k, v in row.items()} for row in generic_rows(posts, images)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def proof_sheet(campaign: Campaign, posts: list[dict[str, Any]]) -> str:
    """A one-page HTML list of every post with its reviewer, approval time and any override;
    everything a person wrote is escaped by the template."""
    lang = (posts[0]["language"] if posts else "") or "fr"
    template = html_templates(TEMPLATES).get_template("proof_sheet.html.j2")
    return template.render(
        campaign=campaign,
        posts=posts,
        lang=lang,
        when=lambda moment, zone: reader_time(moment, zone, lang),
    )


@dataclass(frozen=True, order=True)
class LeftOut:
    """A variant of the campaign that the export does not carry, and why (its status)."""

    variant_id: int
    platform: str
    status: str

    def describe(self) -> str:
        return f"variant {self.variant_id} ({self.platform}) is {self.status.replace('_', ' ')}"


@dataclass
class ExportResult:
    """What an export wrote, what it left out, and what the person exporting should know."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def __iter__(self):
        """The files, for callers that only list them."""
        return iter(self.files)


def export_campaign(
    store: Store,
    campaign_id: int,
    fmt: str,
    out: str | Path,
    actor: Actor | None = None,
    now: datetime | None = None,
    force: bool = False,
) -> ExportResult:
    """Write one export of the approved variants. Nothing in the store changes (publishing
    is a review step of its own); an existing file is kept unless `force`."""
    del actor  # exporting changes nothing, so it records no one
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    campaign, posts, left_out = _posts(store, campaign_id)
    validate(posts, now)
    warnings = formula_warnings(posts) if fmt in ("hootsuite", "zip") else []
    return ExportResult(_write(campaign, posts, fmt, Path(out), force), warnings, left_out)


def export_target(campaign_id: int, fmt: str, out: Path) -> Path:
    """Where one export goes: a folder for Hootsuite; for the others `out` itself, or
    `campaign-<id>.<ext>` inside `out` when it is a folder."""
    if fmt == "hootsuite":
        if out.is_file() or (out.suffix and not out.is_dir()):
            raise ExportError(
                f"{out}: Hootsuite takes one CSV per network, so --out must be a folder "
                "(it is created if missing).",
                key="export_needs_folder",
            )
        return out
    if out.is_dir() or str(out).endswith(("/", "\\")):
        return out / f"campaign-{campaign_id}.{EXTENSIONS[fmt]}"
    return out


def _write(
    campaign: Campaign, posts: list[dict[str, Any]], fmt: str, out: Path, force: bool
) -> list[Path]:
    target = export_target(campaign.id, fmt, out)
    contents = _contents(campaign, posts, fmt, target)
    existing = [str(path) for path in contents if path.exists()]
    if existing and not force:
        raise ExportError(
            f"{', '.join(existing)} already exists; choose another --out or add --force.",
            key="export_exists",
        )
    for path, content in contents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return list(contents)


def _contents(
    campaign: Campaign, posts: list[dict[str, Any]], fmt: str, target: Path
) -> dict[Path, str | bytes]:
    """Every file of one export, by path, built before anything is written."""
    if fmt == "hootsuite":
        return {target / name: text for name, text in hootsuite_files(posts).items()}
    if fmt == "buffer":
        return {target: json.dumps(buffer_posts(posts), ensure_ascii=False, indent=2)}
    if fmt == "csv":
        return {target: generic_csv(posts)}
    if fmt == "json":
        return {target: json.dumps(generic_rows(posts), ensure_ascii=False, indent=2)}
    return {target: _zip_bytes(campaign, posts)}


def _zip_bytes(campaign: Campaign, posts: list[dict[str, Any]]) -> bytes:
    """The ZIP: every format, the proof sheet, and each variant's images under its own id;
    posts.csv and posts.json name the images as the ZIP holds them."""
    data = io.BytesIO()
    with (
        tempfile.TemporaryDirectory(prefix="export-images-") as scratch,
        zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        pairs = _images_for(campaign, posts, Path(scratch))
        named = _zip_names(pairs)
        for name, content in hootsuite_files(posts).items():
            archive.writestr(name, content)
        archive.writestr(
            "buffer.json", json.dumps(buffer_posts(posts), ensure_ascii=False, indent=2)
        )
        archive.writestr("posts.csv", generic_csv(posts, named))
        archive.writestr(
            "posts.json", json.dumps(generic_rows(posts, named), ensure_ascii=False, indent=2)
        )
        archive.writestr("proof-sheet.html", proof_sheet(campaign, posts))
        for variant_id, path in pairs:
            archive.write(path, _zip_name(variant_id, path))
    return data.getvalue()


def _zip_name(variant_id: int, path: str | Path) -> str:
    return f"images/{variant_id}/{Path(path).name}"


def _zip_names(pairs: list[tuple[int, str]]) -> dict[int, list[str]]:
    named: dict[int, list[str]] = defaultdict(list)
    for variant_id, path in pairs:
        named[variant_id].append(_zip_name(variant_id, path))
    return named


def _stored_images(posts: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return sorted({(p["id"], img) for p in posts for img in p["images"] if Path(img).is_file()})


def _images_for(
    campaign: Campaign, posts: list[dict[str, Any]], scratch: Path
) -> list[tuple[int, str]]:
    """(variant id, image file) pairs: the variants' stored images, or, when none is stored,
    fresh renders from each brief's first sentence into a scratch folder."""
    stored = _stored_images(posts)
    if stored:
        return stored
    from ..visuals import render_all

    charter = load_brand(campaign.brand, get_settings().brand_dir)
    rendered = []
    for brief_id in sorted({p["brief_id"] for p in posts}):
        variants = {p["platform"]: p["id"] for p in posts if p["brief_id"] == brief_id}
        headline = headline_of(next(p["text"] for p in posts if p["brief_id"] == brief_id))
        images = render_all(charter, headline, sorted(variants), None, scratch / str(brief_id))
        rendered += [(variants[i.platform], i.path) for i in images]
    return rendered
