"""Exports of a campaign's approved variants: Hootsuite bulk CSV, Buffer API JSON, generic CSV
and JSON, and a ZIP with those, the images and an HTML proof sheet.

Validation comes first (slots in the past, two posts in one slot, over 350 rows, minutes not
on a 5-minute mark): an export the scheduler would refuse is never written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .campaign import headline_of, tz_from_name
from .charter import load_brand
from .errors import ExportError
from .review import Actor
from .settings import get_settings
from .store import AuditEvent, Campaign, Store, commit_or_conflict, get_or_404
from .visuals import render_all

HOOTSUITE_MAX_ROWS = 350
HOOTSUITE_DATE = "%m/%d/%Y %H:%M"
HOOTSUITE_LEAD = timedelta(minutes=10)
FORMATS = ("hootsuite", "buffer", "csv", "json", "zip")


def _posts(store: Store, campaign_id: int) -> tuple[Campaign, list[dict[str, Any]]]:
    with store.session() as session:
        campaign = get_or_404(session, Campaign, campaign_id)
        posts = [
            {
                "id": v.id,
                "platform": v.platform,
                "variant": v.variant_no,
                "text": v.text,
                "hashtags": v.hashtags,
                "alt_text": v.alt_text,
                "link": v.link,
                "images": v.images,
                "publish_at": b.publish_at,
                "timezone": b.timezone,
                "brief_id": b.id,
                "approved_by": v.approved_by,
                "approved_at": v.approved_at,
                "override_reason": v.override_reason,
                "language": b.language,
            }
            for b in campaign.briefs
            for v in b.variants
            if v.status in ("approved", "published")
        ]
    if not posts:
        raise ExportError(f"campaign {campaign_id} has no approved variant to export.")
    return campaign, posts


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
    per_network = Counter(p["platform"] for p in posts)
    for platform, count in per_network.items():
        if count > HOOTSUITE_MAX_ROWS:
            problems.append(
                f"{platform}: {count} posts; Hootsuite takes {HOOTSUITE_MAX_ROWS} per file"
            )
    if problems:
        raise ExportError("export refused: " + "; ".join(problems) + ".")


def _local(post: dict[str, Any]) -> datetime:
    return post["publish_at"].astimezone(tz_from_name(post["timezone"] or "UTC"))


def hootsuite_files(posts: list[dict[str, Any]]) -> dict[str, str]:
    """One CSV per network profile: date (mm/dd/yyyy HH:mm, local), message, link; no header."""
    by_network: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: p["publish_at"]):
        by_network[post["platform"]].append(post)
    files = {}
    for network, rows in by_network.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for post in rows:
            writer.writerow(
                [_local(post).strftime(HOOTSUITE_DATE), post["text"], post["link"] or ""]
            )
        files[f"hootsuite-{network}.csv"] = buffer.getvalue()
    return files


def buffer_posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Buffer's API post shape; `channelId` holds the network until mapped to a channel."""
    return [
        {
            "text": p["text"],
            "channelId": p["platform"],
            "schedulingType": "automatic",
            "mode": "customScheduled",
            "dueAt": p["publish_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        for p in sorted(posts, key=lambda p: p["publish_at"])
    ]


def generic_rows(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **p,
            "hashtags": " ".join(p["hashtags"]),
            "images": " ".join(p["images"]),
            "publish_at": p["publish_at"].isoformat() if p["publish_at"] else "",
            "approved_at": p["approved_at"].isoformat() if p["approved_at"] else "",
        }
        for p in posts
    ]


def generic_csv(posts: list[dict[str, Any]]) -> str:
    rows = generic_rows(posts)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def proof_sheet(campaign: Campaign, posts: list[dict[str, Any]]) -> str:
    """A one-page HTML list of every post with its reviewer, approval time and any override."""
    items = []
    for p in posts:
        override = (
            f"<p class=override>Override: {html.escape(p['override_reason'])}</p>"
            if p["override_reason"]
            else ""
        )
        items.append(
            f"<article><h2>{html.escape(p['platform'])} · variant {p['id']}</h2>"
            f"<p class=when>{html.escape(p['publish_at'].isoformat())}</p>"
            f"<pre>{html.escape(p['text'])}</pre>"
            f"<p>Approved by {html.escape(p['approved_by'] or '?')} on "
            f"{html.escape(p['approved_at'].isoformat() if p['approved_at'] else '?')}</p>"
            f"{override}</article>"
        )
    return (
        f"<!doctype html><meta charset=utf-8><title>{html.escape(campaign.name)}</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:auto}"
        "pre{white-space:pre-wrap;background:#f5f5f5;padding:.5em}"
        ".override{color:#a00}</style>"
        f"<h1>{html.escape(campaign.name)} ({html.escape(campaign.brand)})</h1>" + "".join(items)
    )


def export_campaign(
    store: Store,
    campaign_id: int,
    fmt: str,
    out: str | Path,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Write one export; mark the exported variants `published` in the audit log."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    campaign, posts = _posts(store, campaign_id)
    validate(posts, now)
    out = Path(out)
    files = _write(campaign, posts, fmt, out)
    _mark_published(store, [p["id"] for p in posts], actor or Actor("export", "admin"), fmt)
    return files


def _write(campaign: Campaign, posts: list[dict[str, Any]], fmt: str, out: Path) -> list[Path]:
    if fmt == "hootsuite":
        folder = out if out.suffix == "" else out.parent
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in hootsuite_files(posts).items():
            path = folder / name
            path.write_text(content, encoding="utf-8")
            written.append(path)
        return written
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "buffer":
        out.write_text(json.dumps(buffer_posts(posts), ensure_ascii=False, indent=2), "utf-8")
    elif fmt == "csv":
        out.write_text(generic_csv(posts), encoding="utf-8")
    elif fmt == "json":
        out.write_text(json.dumps(generic_rows(posts), ensure_ascii=False, indent=2), "utf-8")
    else:
        _write_zip(campaign, posts, out)
    return [out]


def _write_zip(campaign: Campaign, posts: list[dict[str, Any]], out: Path) -> None:
    images = _images_for(campaign, posts, out.parent / f".{out.stem}-images")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in hootsuite_files(posts).items():
            archive.writestr(name, content)
        archive.writestr(
            "buffer.json", json.dumps(buffer_posts(posts), ensure_ascii=False, indent=2)
        )
        archive.writestr("posts.csv", generic_csv(posts))
        archive.writestr(
            "posts.json", json.dumps(generic_rows(posts), ensure_ascii=False, indent=2)
        )
        archive.writestr("proof-sheet.html", proof_sheet(campaign, posts))
        for path in images:
            archive.write(path, f"images/{Path(path).name}")


def _images_for(campaign: Campaign, posts: list[dict[str, Any]], folder: Path) -> list[str]:
    """The variants' stored images, or fresh renders from each brief's first sentence."""
    stored = [img for p in posts for img in p["images"] if Path(img).is_file()]
    if stored:
        return sorted(set(stored))
    charter = load_brand(campaign.brand, get_settings().brand_dir)
    rendered = []
    for brief_id in sorted({p["brief_id"] for p in posts}):
        post = next(p for p in posts if p["brief_id"] == brief_id)
        headline = headline_of(post["text"])
        networks = sorted({p["platform"] for p in posts if p["brief_id"] == brief_id})
        rendered += [
            i.path for i in render_all(charter, headline, networks, None, folder / str(brief_id))
        ]
    return rendered


def _mark_published(store: Store, ids: list[int], actor: Actor, fmt: str) -> None:
    from .store import VariantRow

    with store.session() as session:
        for variant_id in ids:
            row = session.get(VariantRow, variant_id)
            if row.status != "approved":
                continue
            session.add(
                AuditEvent(
                    variant_id=row.id,
                    actor=actor.name,
                    action=f"export:{fmt}",
                    from_status=row.status,
                    to_status="published",
                )
            )
            row.status = "published"
        commit_or_conflict(session, "export")
