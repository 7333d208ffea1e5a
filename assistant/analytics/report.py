"""The audit a community manager hands over: one run over export files, then the figures
as JSON (the CLI contract), CSV (every cell safe in a spreadsheet) and one self-contained
HTML page (inline SVG charts, no script, no outside file: works offline and prints)."""

from __future__ import annotations

import calendar
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.charter import Charter
from ..core.html import html_templates
from ..core.store import Store
from ..publishing.campaign import brand_timezone
from ..publishing.scheduler_files import neutralised
from .cadence import Cadence, cadence, cadence_findings
from .findings import Finding, audit_posts
from .imports import Export, read_export
from .links import LinkCache, LinkStatus, check_links, link_findings, offline, post_links
from .measures import Formula, NetworkFigures, get_formula, measure
from .post import Post
from .report_data import from_data, to_data
from .report_view import TEMPLATES, report_view
from .rules import analytics_rules
from .storage import save_posts
from .words import Note, pct, report_language, word, worded

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


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

    def to_dict(self) -> dict[str, Any]:
        """Everything the report holds as JSON values, for `from_dict` to rebuild it whole
        (a worker's audit read by the app). A file's posts that the report keeps are written
        once, as their place in `posts`."""
        places = {id(post): at for at, post in enumerate(self.posts)}
        return {
            **to_data(replace(self, exports=[])),
            "exports": [
                {
                    **to_data(replace(export, posts=[])),
                    "posts": [places.get(id(p), to_data(p)) for p in export.posts],
                }
                for export in self.exports
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditReport:
        """The report `to_dict` wrote, equal to it field by field."""
        report = from_data(cls, {**data, "exports": []})
        for written in data["exports"]:
            export = from_data(Export, {**written, "posts": []})
            export.posts = [
                report.posts[p] if isinstance(p, int) else from_data(Post, p)
                for p in written["posts"]
            ]
            report.exports.append(export)
        return report

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
