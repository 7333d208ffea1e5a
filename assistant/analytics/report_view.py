"""The audit page's view: the figures turned into what the HTML template lays out (overview,
strengths, weaknesses, opportunities, posts to fix, the weekday × hour heatmaps as inline
SVG, the bars by format, the ranked posts), worded in the reader's language.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..core.html import html_templates
from .findings import Finding
from .measures import Group, NetworkFigures
from .post import Post
from .rules import analytics_rules
from .words import number, pct, word, worded

if TYPE_CHECKING:
    from .report import AuditReport

STRONG, WEAK = 1.25, 0.75  # a group's median against its network's, to be named
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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
