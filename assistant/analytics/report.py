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

from markupsafe import Markup

from ..core.charter import Charter
from ..core.html import html_templates
from ..core.store import Store
from ..publishing.campaign import brand_timezone
from ..publishing.export import neutralised
from .cadence import Cadence, cadence, cadence_findings
from .findings import Finding, audit_posts
from .imports import Export, read_export
from .links import LinkCache, LinkStatus, check_links, link_findings, offline, post_links
from .measures import Formula, Group, NetworkFigures, get_formula, measure
from .post import Post
from .rules import analytics_rules
from .storage import save_posts
from .words import Note, number, pct, report_language, word, worded

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
    clock: str | None = None  # the brand's zone, the heatmap's and slots' clock (None: the file's)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def notes(self) -> list[str]:
        """What the reader must know to read the figures; each a `Note` (English text that
        can be worded again in the reader's language)."""
        notes = [n for e in self.exports for n in e.notes]
        if self.clock and any(
            fig.slots or any(map(any, fig.heatmap.counts)) for fig in self.figures.values()
        ):
            notes.append(Note("note_brand_clock", zone=self.clock))
        if self.repeated:
            notes.append(Note("note_repeated", count=self.repeated))
        bound = analytics_rules()["rank_min_denominator"]
        for network, fig in self.figures.items():
            if fig.missing:
                notes.append(
                    Note(
                        "note_missing",
                        network=network,
                        fields=", ".join(fig.missing),
                        formula=fig.formula.label,
                    )
                )
            if fig.unranked:
                notes.append(
                    Note("note_unranked", network=network, count=fig.unranked, bound=bound)
                )
        for lang, count in sorted(self.other_languages.items()):
            notes.append(Note("note_other_language", count=count, language=lang))
        if not self.links_checked:
            notes.append(Note("note_no_links"))
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
                                g.small_sample,
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
                                fig.heatmap.median_rates[day][hour],
                                "",
                                count < analytics_rules()["min_sample"],
                                fig.formula.label,
                            ]
                        )
        return out.getvalue()

    def html(self, generated: datetime | None = None, lang: str = "en") -> str:
        """The report page in `lang` (its words, notes and decimals); every text from a file
        is escaped by the template."""
        lang = report_language(lang)
        template = html_templates(TEMPLATES).get_template("audit_report.html.j2")
        return template.render(
            report=self,
            view=report_view(self, lang),
            generated=generated,
            lang=lang,
            w=lambda key, **params: word(key, lang, **params),
            said=lambda message: worded(message, lang),
            pct=lambda rate: pct(rate, lang),
        )


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
    zone = brand_timezone(charter) if charter is not None else None  # None: the file's clock
    return AuditReport(
        brand,
        chosen,
        posts,
        exports,
        measure(posts, chosen, zone),
        findings,
        rhythms,
        statuses,
        network,
        other,
        stored,
        repeated,
        clock=zone,
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


def report_view(report: AuditReport, lang: str = "en") -> dict[str, Any]:
    posts_by_id = {(p.network, p.post_id): p for p in report.posts}
    return {
        "overview": _overview(report, lang),
        "strengths": _strengths(report, lang),
        "weaknesses": _weaknesses(report, lang),
        "opportunities": _opportunities(report, lang),
        "to_fix": _to_fix(report, posts_by_id, lang),
        "heatmaps": {n: heatmap_view(f, lang) for n, f in report.figures.items()},
        "bars": {n: _bars(f.by_format, lang) for n, f in report.figures.items()},
        "notes": [worded(n, lang) for n in report.notes],
        "ranked": {n: ranked_posts(f, lang) for n, f in report.figures.items()},
    }


def _overview(report: AuditReport, lang: str) -> list[dict[str, Any]]:
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
                "rate": pct(fig.engagement_rate, lang),
                "median": pct(fig.median_rate, lang),
                "per_week": number(rhythm.per_week, lang) if rhythm and rhythm.per_week else "–",
                "gap": number(rhythm.longest_gap_days, lang)
                if rhythm and rhythm.longest_gap_days
                else "–",
                "errors": sum(
                    f.severity == "error" for f in report.findings if f.network == network
                ),
            }
        )
    return rows


def ranked_posts(fig: NetworkFigures, lang: str) -> list[dict[str, Any]]:
    """The best then the worst posts of a network, as rows: rank, post, rate, text."""
    rows = []
    for place, pairs in (("top_n", fig.top), ("bottom_n", fig.bottom)):
        for i, (post, rate) in enumerate(pairs, 1):
            rows.append(
                {
                    "rank": word(place, lang, n=i),
                    "post_id": post.post_id,
                    "permalink": post.permalink,
                    "rate": pct(rate, lang),
                    "text": post.text[:280],
                }
            )
    return rows


def _named_groups(report: AuditReport, strong: bool, lang: str) -> list[str]:
    lines = []
    for network, fig in report.figures.items():
        if fig.median_rate is None:
            continue
        for dimension, groups in (
            ("dim_format", fig.by_format),
            ("dim_hashtag", fig.by_hashtag),
            ("dim_length", fig.by_length),
        ):
            for g in groups:
                if g.small_sample or g.median_rate is None or g.label.startswith("("):
                    continue
                ratio = g.median_rate / fig.median_rate if fig.median_rate else 0
                if (strong and ratio >= STRONG) or (not strong and ratio <= WEAK):
                    lines.append(
                        word(
                            "line_group",
                            lang,
                            network=network,
                            dimension=word(dimension, lang).casefold(),
                            label=g.label,
                            rate=pct(g.median_rate, lang),
                            network_rate=pct(fig.median_rate, lang),
                            count=g.rated,
                        )
                    )
    return lines


def _strengths(report: AuditReport, lang: str) -> list[str]:
    lines = _named_groups(report, True, lang)
    for network, fig in report.figures.items():
        if fig.top:
            post, rate = fig.top[0]
            lines.append(
                word("line_best", lang, network=network, post=post.post_id, rate=pct(rate, lang))
            )
    return lines


def _weaknesses(report: AuditReport, lang: str) -> list[str]:
    lines = _named_groups(report, False, lang)
    causes = Counter(
        (f.network, f.kind, f.rule) for f in report.findings if f.severity in ("error", "warning")
    )
    for (network, kind, rule), count in causes.most_common(8):
        lines.append(
            word(
                "line_causes",
                lang,
                network=network,
                count=count,
                kind=word(f"kind_{kind}", lang),
                rule=rule,
            )
        )
    return lines


def _opportunities(report: AuditReport, lang: str) -> list[str]:
    lines = []
    days = word("weekdays", lang).split(",")
    for network, fig in report.figures.items():
        for slot in fig.slots:
            lines.append(
                word(
                    "line_slot",
                    lang,
                    network=network,
                    day=days[slot.weekday],
                    hour=f"{slot.hour:02d}",
                    rate=pct(slot.median_rate, lang),
                    count=slot.posts,
                )
            )
        if not fig.slots and fig.rated:
            bound = analytics_rules()["slot_min_posts"]
            lines.append(word("line_no_slot", lang, network=network, bound=bound))
    return lines


def _to_fix(
    report: AuditReport, posts: dict[tuple[str, str], Post], lang: str
) -> list[dict[str, Any]]:
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
                    f"{word(f'kind_{f.kind}', lang)}: {worded(f.message, lang)}"
                    + (f" «{f.excerpt}»" if f.excerpt else "")
                    for f in found[:6]
                ],
                "delete": any(f.kind == "link" for f in found),
            }
        )
    return rows


def heatmap_view(fig: NetworkFigures, lang: str = "en") -> dict[str, Any]:
    """Cells for an inline SVG. Shade follows the median rate only where the cell holds
    enough rated posts (`min_sample`): a cell of one or two posts is hatched and pale, never
    the darkest, since its median says nothing yet. Each cell's title (read aloud and shown
    on hover) gives the weekday, hour, posts, rated posts and median in the reader's words."""
    bound = analytics_rules()["min_sample"]
    heat = fig.heatmap
    full = [
        heat.median_rates[d][h]
        for d in range(7)
        for h in range(24)
        if heat.median_rates[d][h] is not None and heat.rated[d][h] >= bound
    ]
    top = max(full) if full else 0
    days = word("weekdays", lang).split(",")
    cells = []
    for day in range(7):
        for hour in range(24):
            count, rated = heat.counts[day][hour], heat.rated[day][hour]
            rate = heat.median_rates[day][hour]
            small = bool(count) and rated < bound
            title = word(
                "cell_title",
                lang,
                day=days[day],
                hour=f"{hour:02d}",
                count=count,
                rated=rated,
                rate=pct(rate, lang),
            )
            cells.append(
                {
                    "x": 40 + hour * 22,
                    "y": 10 + day * 22,
                    "count": count,
                    "small": small,
                    "opacity": round(0.15 + 0.85 * (rate / top), 3)
                    if rate and top and not small
                    else 0,
                    "title": f"{title} ({word('cell_small', lang)})" if small else title,
                }
            )
    return {
        "cells": cells,
        "days": word("weekdays_short", lang).split(","),
        "legend": word("heatmap_legend", lang, bound=bound),
        "untimed": [f"{days[d]}: {n}" for d, n in enumerate(heat.untimed_by_weekday) if n],
    }


def heatmap_svg(network: str, fig: NetworkFigures, lang: str = "en") -> Markup:
    """The heatmap of one network as inline SVG (escaped), for the report and the tab."""
    template = html_templates(TEMPLATES).get_template("audit_heatmap.svg.j2")
    return Markup(template.render(network=network, hm=heatmap_view(fig, lang)))


def _bars(groups: list[Group], lang: str = "en") -> list[dict[str, Any]]:
    shown = [g for g in groups if g.median_rate is not None][:8]
    top = max((g.median_rate for g in shown), default=0) or 1
    small = word("small_sample", lang)
    return [
        {
            "label": g.label,
            "width": round(300 * g.median_rate / top, 1),
            "y": 5 + i * 24,
            "text": f"{pct(g.median_rate, lang)} (n={g.rated}{', ' + small if g.small_sample else ''})",
        }
        for i, g in enumerate(shown)
    ]
