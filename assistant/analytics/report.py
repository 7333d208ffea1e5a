"""The audit a community manager hands over: one run over export files, then the figures
as JSON (the CLI contract), CSV (every cell safe in a spreadsheet) and one self-contained
HTML page (inline SVG charts, no script, no outside file: works offline and prints)."""

from __future__ import annotations

import calendar
import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..charter import Charter
from ..export import neutralised
from ..html import html_templates
from ..store import Store
from .cadence import Cadence, cadence, cadence_findings
from .findings import Finding, audit_posts
from .imports import Export, read_export
from .links import LinkCache, LinkStatus, check_links, link_findings, offline, post_links
from .measures import Formula, Group, NetworkFigures, get_formula, measure
from .post import Post
from .rules import analytics_rules
from .storage import save_posts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STRONG, WEAK = 1.25, 0.75  # a group's median against its network's, to be named


@dataclass
class AuditReport:
    """Everything one audit found and measured."""

    brand: str
    formula: Formula
    posts: list[Post]
    exports: list[Export]
    figures: dict[str, NetworkFigures]
    findings: list[Finding]
    rhythms: dict[str, Cadence]
    links: dict[str, LinkStatus] = field(default_factory=dict)
    links_checked: bool = False
    other_languages: dict[str, int] = field(default_factory=dict)
    stored: tuple[int, int] | None = None
    repeated: int = 0  # posts read in more than one file, counted once

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def notes(self) -> list[str]:
        notes = [n for e in self.exports for n in e.notes]
        if self.repeated:
            notes.append(
                f"{self.repeated} post(s) were in more than one file (same network and post "
                "id): each is counted once, with the figures of the file listed last."
            )
        for network, fig in self.figures.items():
            if fig.missing:
                notes.append(
                    f"{network}: the files hold no {', '.join(fig.missing)}; "
                    f"the rate {fig.formula.label} is not computed where it is missing."
                )
        for lang, count in sorted(self.other_languages.items()):
            notes.append(
                f"{count} post(s) in another language ({lang}): spelling and grammar not "
                "checked, charter and network rules applied."
            )
        if not self.links_checked:
            notes.append(
                "links were not checked (switched off, or no link could be reached: no network)."
            )
        return notes

    def slots(self) -> list[Any]:
        return [s for fig in self.figures.values() for s in fig.slots]

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON, key for key; rates are fractions."""
        return {
            "posts": len(self.posts),
            "networks": {n: f.to_dict() for n, f in self.figures.items()},
            "top": [
                {
                    "network": n,
                    "post_id": post.post_id,
                    "text": post.text,
                    "engagement_rate": rate,
                }
                for n, fig in self.figures.items()
                for post, rate in fig.top
            ],
            "findings": [
                {
                    "network": f.network,
                    "post_id": f.post_id,
                    "kind": f.kind,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in self.findings
            ],
            "cadence": {n: c.to_dict() for n, c in self.rhythms.items()},
            "slots": [s.to_dict() for s in self.slots()],
        }

    def figures_json(self) -> dict[str, Any]:
        """Every figure behind the report, with sample sizes (the CSV's source)."""
        return {
            "formula": {"name": self.formula.name, "label": self.formula.label},
            "networks": {
                n: {
                    **f.to_dict(),
                    "rated": f.rated,
                    "median_rate": f.median_rate,
                    "missing": f.missing,
                    "by_format": [g.to_dict() for g in f.by_format],
                    "by_hashtag": [g.to_dict() for g in f.by_hashtag],
                    "by_length": [g.to_dict() for g in f.by_length],
                    "heatmap": f.heatmap.to_dict(),
                    "slots": [
                        {**s.to_dict(), "median_rate": s.median_rate, "posts": s.posts}
                        for s in f.slots
                    ],
                }
                for n, f in self.figures.items()
            },
            "cadence": {
                n: {
                    **c.to_dict(),
                    "posts": c.posts,
                    "bursts": c.bursts,
                    "empty_weekdays": c.empty_weekdays,
                }
                for n, c in self.rhythms.items()
            },
            "notes": self.notes,
        }

    def figures_csv(self) -> str:
        """One row per measured group: network, dimension, label, posts, rated, median rate,
        total rate (one definition for the network and its groups, named in the header),
        small-sample flag; cells neutralised against spreadsheet formulas."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "network",
                "dimension",
                "label",
                "posts",
                "rated",
                "median_rate",
                "total_rate (sum of numerators / sum of denominators)",
                "small_sample",
                "formula",
            ]
        )
        for network, fig in self.figures.items():
            writer.writerow(
                [
                    network,
                    "all",
                    "all",
                    fig.posts,
                    fig.rated,
                    fig.median_rate,
                    fig.engagement_rate,
                    fig.rated < analytics_rules()["min_sample"],
                    fig.formula.label,
                ]
            )
            for dimension, groups in (
                ("format", fig.by_format),
                ("hashtag", fig.by_hashtag),
                ("length", fig.by_length),
            ):
                for g in groups:
                    writer.writerow(
                        [
                            neutralised(v)
                            for v in (
                                network,
                                dimension,
                                g.label,
                                g.posts,
                                g.rated,
                                g.median_rate,
                                g.total_rate,
                                g.small,
                                fig.formula.label,
                            )
                        ]
                    )
            for day in range(7):
                for hour in range(24):
                    count = fig.heatmap.counts[day][hour]
                    if count:
                        writer.writerow(
                            [
                                network,
                                "weekday_hour",
                                f"{calendar.day_name[day]} {hour:02d}h",
                                count,
                                "",
                                fig.heatmap.medians[day][hour],
                                "",
                                count < analytics_rules()["min_sample"],
                                fig.formula.label,
                            ]
                        )
        return out.getvalue()

    def html(self, generated: datetime | None = None) -> str:
        """The report page; every text from a file is escaped by the template."""
        template = html_templates(TEMPLATES).get_template("audit_report.html.j2")
        return template.render(report=self, view=report_view(self), generated=generated)


def run_audit(
    exports: Iterable[Export],
    charter: Charter | None,
    brand: str,
    *,
    formula: str | None = None,
    network: bool = True,
    store: Store | None = None,
    link_cache: LinkCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> AuditReport:
    """Audit and measure the posts of the given exports (stored first when a store is
    given). `progress(stage, done, total)` reports the checks and the link answers."""
    exports = list(exports)
    chosen = get_formula(formula)
    posts, repeated = unique_posts(exports)
    stored = save_posts(store, brand, posts) if store is not None else None
    step = (lambda n: progress("posts", n, len(posts))) if progress else None
    findings, other = audit_posts(posts, charter, progress=step)
    statuses: dict[str, LinkStatus] = {}
    if network:
        wanted = [u for p in posts for u in post_links(p)]
        tick = (lambda d, t: progress("links", d, t)) if progress else None
        statuses = check_links(wanted, link_cache, progress=tick)
        if offline(statuses):
            statuses, network = {}, False  # said in the notes, never reported as dead links
        findings += link_findings(posts, statuses)
    rhythms = cadence(posts, charter)
    findings += cadence_findings(rhythms, charter)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.network, f.kind, f.post_id))
    return AuditReport(
        brand,
        chosen,
        posts,
        exports,
        measure(posts, chosen),
        findings,
        rhythms,
        statuses,
        network,
        other,
        stored,
        repeated,
    )


def unique_posts(exports: Iterable[Export]) -> tuple[list[Post], int]:
    """Every post once, by network and post id, as the store keeps them: overlapping exports
    (a month and the quarter holding it, a copy renamed) must not double the counts. The file
    listed last wins, being the most recent download; (posts, how many were repeated)."""
    latest: dict[tuple[str, str], Post] = {}
    read = 0
    for export in exports:
        for post in export.posts:
            read += 1
            latest[(post.network, post.post_id)] = post
    return list(latest.values()), read - len(latest)


def audit_files(paths: Iterable[str | Path], zone: str = "UTC") -> list[Export]:
    """Read every file first, so an unreadable one stops the audit before anything is stored."""
    return [read_export(p, zone) for p in paths]


# ---- the page's view: figures turned into what the template lays out -----------------------


def report_view(report: AuditReport) -> dict[str, Any]:
    posts_by_id = {(p.network, p.post_id): p for p in report.posts}
    return {
        "overview": _overview(report),
        "strengths": _strengths(report),
        "weaknesses": _weaknesses(report),
        "opportunities": _opportunities(report),
        "to_fix": _to_fix(report, posts_by_id),
        "heatmaps": {n: _heatmap_svg(f) for n, f in report.figures.items()},
        "bars": {n: _bars(f.by_format) for n, f in report.figures.items()},
    }


def _overview(report: AuditReport) -> list[dict[str, Any]]:
    rows = []
    for network, fig in report.figures.items():
        times = [
            p.published_at
            for p in report.posts
            if p.network == network and p.published_at is not None
        ]
        rhythm = report.rhythms.get(network)
        rows.append(
            {
                "network": network,
                "posts": fig.posts,
                "rated": fig.rated,
                "first": min(times).strftime("%Y-%m-%d") if times else "",
                "last": max(times).strftime("%Y-%m-%d") if times else "",
                "rate": _pct(fig.engagement_rate),
                "median": _pct(fig.median_rate),
                "per_week": f"{rhythm.per_week:.1f}" if rhythm and rhythm.per_week else "–",
                "gap": f"{rhythm.longest_gap_days:.1f}"
                if rhythm and rhythm.longest_gap_days
                else "–",
                "errors": sum(
                    f.severity == "error" for f in report.findings if f.network == network
                ),
            }
        )
    return rows


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.2f} %"


def _named_groups(report: AuditReport, strong: bool) -> list[str]:
    lines = []
    for network, fig in report.figures.items():
        if fig.median_rate is None:
            continue
        for dimension, groups in (
            ("format", fig.by_format),
            ("hashtag", fig.by_hashtag),
            ("length", fig.by_length),
        ):
            for g in groups:
                if g.small or g.median_rate is None or g.label.startswith("("):
                    continue
                ratio = g.median_rate / fig.median_rate if fig.median_rate else 0
                if (strong and ratio >= STRONG) or (not strong and ratio <= WEAK):
                    lines.append(
                        f"{network}, {dimension} {g.label}: median {_pct(g.median_rate)} "
                        f"against {_pct(fig.median_rate)} for the network ({g.rated} posts)"
                    )
    return lines


def _strengths(report: AuditReport) -> list[str]:
    lines = _named_groups(report, strong=True)
    for network, fig in report.figures.items():
        if fig.top:
            post, rate = fig.top[0]
            lines.append(f"{network}: best post {post.post_id} at {_pct(rate)}")
    return lines


def _weaknesses(report: AuditReport) -> list[str]:
    lines = _named_groups(report, strong=False)
    causes = Counter(
        (f.network, f.kind, f.rule) for f in report.findings if f.severity in ("error", "warning")
    )
    for (network, kind, rule), count in causes.most_common(8):
        lines.append(f"{network}: {count} {kind} finding(s), mostly {rule}")
    return lines


def _opportunities(report: AuditReport) -> list[str]:
    lines = []
    for network, fig in report.figures.items():
        for slot in fig.slots:
            lines.append(
                f"{network}: publish on {slot.weekday_name} at {slot.hour:02d}:00 "
                f"(median {_pct(slot.median_rate)} over {slot.posts} posts)"
            )
        if not fig.slots and fig.rated:
            lines.append(
                f"{network}: no weekday × hour holds 5 rated posts yet; no slot is recommended."
            )
    return lines


def _to_fix(report: AuditReport, posts: dict[tuple[str, str], Post]) -> list[dict[str, Any]]:
    by_post: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        if f.post_id and f.severity == "error":
            by_post.setdefault((f.network, f.post_id), []).append(f)
    rows = []
    for key, found in list(by_post.items())[:200]:
        post = posts.get(key)
        rows.append(
            {
                "network": key[0],
                "post_id": key[1],
                "permalink": post.permalink if post else "",
                "text": (post.text[:280] if post else ""),
                "problems": [
                    f"{f.kind}: {f.message}" + (f" «{f.excerpt}»" if f.excerpt else "")
                    for f in found[:6]
                ],
                "delete": any(f.kind == "link" for f in found),
            }
        )
    return rows


def _heatmap_svg(fig: NetworkFigures) -> dict[str, Any]:
    """Cells for an inline SVG: opacity by median rate, count written in each cell."""
    values = [v for row in fig.heatmap.medians for v in row if v is not None]
    top = max(values) if values else 0
    cells = []
    for day in range(7):
        for hour in range(24):
            count = fig.heatmap.counts[day][hour]
            rate = fig.heatmap.medians[day][hour]
            cells.append(
                {
                    "x": 40 + hour * 22,
                    "y": 10 + day * 22,
                    "count": count,
                    "opacity": round(0.1 + 0.9 * (rate / top), 3) if rate and top else 0,
                    "title": f"{calendar.day_abbr[day]} {hour:02d}h: {count} post(s), "
                    f"median {_pct(rate)}",
                }
            )
    return {"cells": cells, "days": list(calendar.day_abbr)}


def _bars(groups: list[Group]) -> list[dict[str, Any]]:
    shown = [g for g in groups if g.median_rate is not None][:8]
    top = max((g.median_rate for g in shown), default=0) or 1
    return [
        {
            "label": g.label,
            "width": round(300 * g.median_rate / top, 1),
            "y": 5 + i * 24,
            "text": f"{_pct(g.median_rate)} (n={g.rated}{', small sample' if g.small else ''})",
        }
        for i, g in enumerate(shown)
    ]
