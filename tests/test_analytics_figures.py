"""Figures a community manager reads off an audit: overlapping files counted once, posts
without a time of day kept out of hours, one rate definition in the CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from assistant.analytics import (
    Post,
    best_slots,
    get_formula,
    measure,
    read_export,
    run_audit,
)

from .command_line import offline_audit, run
from .exports import X_ACTIVITY_POSTS, write_x_activity, x_activity_rows
from .test_analytics_audit import DATA, X_FILE, trailforge


def test_a_renamed_copy_of_an_export_counts_each_post_once(tmp_path):
    copy = tmp_path / "x_copy.csv"
    shutil.copy(X_FILE, copy)
    once = run_audit([read_export(X_FILE)], trailforge(), "trailforge", network=False)
    twice = run_audit(
        [read_export(X_FILE), read_export(copy)], trailforge(), "trailforge", network=False
    )
    assert len(twice.posts) == len(once.posts)
    assert twice.to_json()["cadence"] == once.to_json()["cadence"]
    assert len(twice.findings) == len(once.findings)
    assert twice.to_json()["networks"] == once.to_json()["networks"]
    assert any("more than one file" in n for n in twice.notes)


def test_the_cli_counts_overlapping_exports_once(tmp_path):
    copy = tmp_path / "same-month.csv"
    shutil.copy(X_FILE, copy)
    _, single, _ = run([*offline_audit(X_FILE), "--format", "json"])
    _, both, _ = run([*offline_audit(X_FILE, copy), "--format", "json"])
    single, both = json.loads(single), json.loads(both)
    assert both["posts"] == single["posts"]
    assert both["cadence"] == single["cadence"]
    assert both["slots"] == single["slots"]
    assert len(both["findings"]) == len(single["findings"])


def test_the_later_file_gives_the_figures_of_a_repeated_post(tmp_path):
    later = tmp_path / "later.csv"
    text = X_FILE.read_text(encoding="utf-8").replace('"1500.0","15.0"', '"3000.0","15.0"', 1)
    later.write_text(text, encoding="utf-8")
    report = run_audit([read_export(X_FILE), read_export(later)], None, "trailforge", network=False)
    first = read_export(X_FILE).posts
    assert len(report.posts) == len(first)
    assert sorted(p.metrics["impressions"] for p in report.posts).count(3000.0) == 1


def _day_only(count: int) -> list[Post]:
    wednesday = datetime(2024, 3, 6, tzinfo=UTC)
    return [
        Post(
            "linkedin",
            f"p{i}",
            "Trail news",
            wednesday + timedelta(weeks=i),
            metrics={"impressions": 1000, "engagements": 50 + i},
            timed=False,
        )
        for i in range(count)
    ]


def test_posts_without_a_time_of_day_make_no_midnight_slot():
    posts = _day_only(8)
    formula = get_formula("impressions")
    assert best_slots("linkedin", posts, formula) == []
    heat = measure(posts, formula)["linkedin"].heatmap
    assert heat.counts[2][0] == 0  # never "Wednesday 00:00"
    assert heat.untimed_by_weekday[2] == 8


def test_a_day_only_export_is_flagged_and_recommends_no_hour():
    export = read_export(DATA / "linkedin_posts.xlsx")
    assert export.posts and not any(p.timed for p in export.posts)
    assert any("time of day" in n for n in export.notes)
    report = run_audit([export], None, "trailforge", network=False)
    assert report.slots() == []
    assert sum(map(sum, report.figures["linkedin"].heatmap.counts)) == 0


def test_timed_exports_keep_their_hours():
    export = read_export(X_FILE)
    assert all(p.timed for p in export.posts)
    assert not any("time of day" in n for n in export.notes)


def test_the_csv_names_one_rate_and_groups_use_it():
    report = run_audit([read_export(X_FILE)], None, "trailforge", network=False)
    rows = list(csv.reader(io.StringIO(report.figures_csv())))
    header = rows[0]
    assert "mean_rate" not in header
    rate_col = next(i for i, h in enumerate(header) if h.startswith("total_rate"))
    whole = next(r for r in rows if r[1] == "all")
    # one format group that holds every post must read exactly as the whole network
    formats = [r for r in rows if r[1] == "format"]
    if len(formats) == 1:
        assert float(formats[0][rate_col]) == pytest.approx(float(whole[rate_col]))
    fig = report.figures["x"]
    for g in fig.by_format:
        if g.rated == fig.rated:
            assert g.total_rate == pytest.approx(fig.engagement_rate)


def test_a_full_x_export_unknown_format_matches_the_network_rate(tmp_path):
    """X's legacy export in full (promoted columns, a post nobody saw, one with more
    engagements than impressions, replies): it names no format, so its one "(unknown)" group
    is the whole network, and the network's rate is engagements over impressions."""
    rows = x_activity_rows()
    export = read_export(write_x_activity(tmp_path / "x.csv", rows))
    report = run_audit([export], None, "trailforge", network=False)
    fig = report.figures["x"]
    unknown = next(g for g in fig.by_format if g.label == "(unknown)")
    assert len(report.posts) == X_ACTIVITY_POSTS
    assert unknown.rated == fig.rated
    assert unknown.total_rate == pytest.approx(fig.engagement_rate)
    seen = [r for r in rows if float(r["impressions"]) > 0]
    expected = sum(float(r["engagements"]) for r in seen) / sum(
        float(r["impressions"]) for r in seen
    )
    assert fig.engagement_rate == pytest.approx(expected)


def _cells(page: str) -> list[str]:
    import re

    return re.findall(r'<g class="cell[^"]*"[^>]*>.*?</g>', page)


def test_heatmap_never_shades_a_small_sample_darkest():
    """Two posts at 30 % on Tuesday 08h, six at 3 % on Monday 09h: the full cell is the
    darkest, the two-post cell is hatched whatever its median."""
    monday = datetime(2024, 3, 4, 9, tzinfo=UTC)
    posts = [
        Post(
            "x",
            f"m{i}",
            "Trail",
            monday + timedelta(weeks=i),
            metrics={"impressions": 1000, "engagements": 30},
        )
        for i in range(6)
    ] + [
        Post(
            "x",
            f"t{i}",
            "Trail",
            monday + timedelta(days=1, hours=-1, weeks=i),
            metrics={"impressions": 1000, "engagements": 300},
        )
        for i in range(2)
    ]
    report = run_audit([_export(posts)], None, "trailforge", network=False)
    from assistant.analytics.report_view import heatmap_view

    cells = {(c["y"], c["x"]): c for c in heatmap_view(report.figures["x"], "fr")["cells"]}
    full, small = cells[(10, 40 + 9 * 22)], cells[(32, 40 + 8 * 22)]
    assert full["opacity"] == 1.0 and not full["small"]
    assert small["small"] and small["opacity"] == 0
    assert "mardi 08 h : 2 publication(s), 2 notée(s), médiane 30,00\u00a0%" in small["title"]
    assert "petit échantillon" in small["title"]
    page = report.html(lang="fr")
    hatched = [c for c in _cells(page) if "small-sample" in c]
    assert len(hatched) == 1 and "url(#hatch-x)" in hatched[0]


def _export(posts):
    from assistant.analytics import Export

    return Export("made.csv", posts, ["x"])


def test_the_report_follows_the_readers_language():
    report = run_audit([read_export(X_FILE)], trailforge(), "trailforge", network=False)
    page = report.html(lang="fr")
    assert '<html lang="fr">' in page
    for words in (
        "Vue d'ensemble",
        "Points forts",
        "Publications à corriger",
        "Pistes et créneaux recommandés",
    ):
        assert words in page.replace("&#39;", "'")
    assert "les liens n&#39;ont pas été vérifiés" in page  # the notes too
    assert "Overview" not in page and "Strengths" not in page
    fig = report.figures["x"]
    shown = f"{fig.engagement_rate * 100:.2f}".replace(".", ",")
    assert shown + "\u00a0%" in page and f"{fig.engagement_rate * 100:.2f} %" not in page
    english = report.html()
    assert '<html lang="en">' in english and "Overview" in english


def test_the_cli_report_takes_the_lang_option_or_the_brands_language(tmp_path):
    out = tmp_path / "r.html"
    code, _, _ = run([*offline_audit(X_FILE), "--out", str(out), "--lang", "fr"])
    assert code in (0, 1)
    assert '<html lang="fr">' in out.read_text(encoding="utf-8")
    code, _, _ = run([*offline_audit(X_FILE), "--out", str(out)])
    assert f'<html lang="{trailforge().language}">' in out.read_text(encoding="utf-8")
    code, _, err = run(["audit", str(X_FILE), "--brand", "trailforge", "--lang", "de"])
    assert code == 2 and "--lang" in err


def test_posts_seen_by_few_are_counted_in_the_notes():
    posts = [
        Post(
            "x",
            f"p{i}",
            "Trail",
            datetime(2024, 3, 4, 9, tzinfo=UTC) + timedelta(days=i),
            metrics={"impressions": 50 if i < 3 else 1000, "engagements": 5},
        )
        for i in range(8)
    ]
    report = run_audit([_export(posts)], None, "trailforge", network=False)
    assert report.figures["x"].unranked == 3
    assert any("3 post(s) seen by fewer than 100 people" in n for n in report.notes)
