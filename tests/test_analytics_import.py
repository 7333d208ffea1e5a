"""Reading the networks' exports: columns by name in English and French, numbers and dates
as the networks write them, title rows, clear errors, idempotent storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.analytics import get_formula, load_posts, measure, post_rate, read_export, save_posts
from assistant.core.errors import InputError
from assistant.core.store import Store

from .exports import write_x_legacy

DATA = Path(__file__).parent / "data" / "analytics"


def test_x_legacy_export_keeps_ids_texts_times_and_counts():
    export = read_export(DATA / "x_legacy_small.csv")
    assert export.networks == ["x"]
    ids = [p.post_id for p in export.posts]
    assert ids[0] == "1766000000000000005"  # 19 digits, exact (no float)
    first = export.posts[0]
    assert first.text == "Trail day two: the ridge at dawn, see you there.\nBring water!"
    assert first.published_at == datetime(2024, 3, 11, 9, 5, tzinfo=UTC)
    assert first.metrics["impressions"] == 1500 and first.metrics["engagements"] == 15
    jacket = next(p for p in export.posts if p.post_id.endswith("2"))
    assert "try it & tell us" in jacket.text  # X writes & as &amp;
    assert export.posts[1].text == ""  # an empty text is a post all the same


def test_x_figures_match_the_hand_computation():
    """impressions 1000/2000/500/0/1500, engagements 50/40/30/0/15: the zero-impression
    post is not rated; total 135 / 5000."""
    posts = read_export(DATA / "x_legacy_small.csv").posts
    figures = measure(posts, get_formula("impressions"))["x"]
    assert figures.posts == 5 and figures.rated == 4
    assert figures.engagement_rate == pytest.approx(135 / 5000)
    assert [round(r, 4) for _, r in figures.top] == [0.06, 0.05, 0.02, 0.01]
    assert figures.median_rate == pytest.approx(0.035)
    assert figures.formula.label == "engagements / impressions"


def test_french_meta_export_reads_labels_spaces_and_day_first_dates():
    export = read_export(DATA / "meta_facebook_fr.csv", zone="Europe/Paris")
    assert export.networks == ["facebook"]
    first = export.posts[0]
    assert first.post_id == "1234_5001"
    assert first.published_at.isoformat() == "2024-04-03T14:30:00+02:00"
    assert first.metrics["views"] == 12400 and first.metrics["reach"] == 8000
    assert first.format == "Photos"
    reach = get_formula("reach")
    assert [post_rate(p, reach) for p in export.posts] == [0.05, 0.025, None]
    assert measure(export.posts, reach)["facebook"].engagement_rate == pytest.approx(0.045)


def test_instagram_rate_from_interactions_over_views():
    """Meta's Instagram file has no engagements and no impressions: likes + comments +
    shares + saves over views (Meta's renamed impressions)."""
    posts = read_export(DATA / "instagram_en.csv").posts
    assert posts[1].text == ""
    rates = [post_rate(p, get_formula("impressions")) for p in posts]
    assert rates == [pytest.approx(0.05), pytest.approx(0.039)]
    assert posts[0].published_at.utcoffset() == timedelta(hours=2)


def test_linkedin_workbook_with_a_title_row_and_linkedin_formula():
    export = read_export(DATA / "linkedin_posts.xlsx")
    assert export.networks == ["linkedin"]
    assert len(export.posts) == 2
    assert export.posts[0].post_id.endswith("activity:7001")  # the link is the id
    assert export.posts[0].published_at.date().isoformat() == "2024-04-02"
    figures = measure(export.posts, get_formula("linkedin"))["linkedin"]
    assert figures.engagement_rate == pytest.approx(200 / 3500)
    assert figures.formula.label.startswith("(clicks + reactions")


def test_mastodon_and_bluesky_api_json():
    mastodon = read_export(DATA / "mastodon_statuses.json")
    assert mastodon.networks == ["mastodon"]
    assert (
        mastodon.posts[0].text
        == "New trail maps are out!\n\nDownload them https://trailforge.example/maps"
    )
    assert mastodon.posts[1].text == "Good morning, hikers & friends 🌄"
    assert mastodon.posts[0].metrics["engagements"] == 16
    bluesky = read_export(DATA / "bluesky_feed.json")
    assert bluesky.posts[0].network == "bluesky"
    assert bluesky.posts[0].metrics["likes"] == 20
    assert bluesky.posts[0].published_at == datetime(2024, 5, 3, 12, tzinfo=UTC)


def test_a_bad_cell_names_file_row_and_column(tmp_path):
    text = (DATA / "x_legacy_small.csv").read_text(encoding="utf-8")
    broken = tmp_path / "tweets.csv"
    broken.write_text(text.replace('"500.0"', '"five hundred"'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_export(broken)
    message = str(caught.value)
    assert "tweets.csv" in message and "row 4" in message and "'impressions'" in message
    assert "a number" in message


def test_a_date_that_is_not_a_date_is_named(tmp_path):
    text = (DATA / "x_legacy_small.csv").read_text(encoding="utf-8")
    broken = tmp_path / "tweets.csv"
    broken.write_text(text.replace("2024-03-06 18:00 +0000", "Lifetime"), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 4, column 'time': expected a date and time"):
        read_export(broken)


def test_unknown_layout_and_binary_files_are_clear_errors(tmp_path):
    other = tmp_path / "sales.csv"
    other.write_text("product,price\nmug,12\n", encoding="utf-8")
    with pytest.raises(InputError, match="post-level export"):
        read_export(other)
    garbage = tmp_path / "export.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="not a readable spreadsheet"):
        read_export(garbage)
    with pytest.raises(InputError, match="no such file"):
        read_export(tmp_path / "missing.csv")


def _big_x_file(path: Path, count: int) -> None:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    write_x_legacy(
        path,
        (
            [
                f"{1_600_000_000_000_000_000 + i}",
                "",
                f"Post {i} 🥾 #trail",
                (start + timedelta(hours=3 * i)).strftime("%Y-%m-%d %H:%M +0000"),
                "1,000",
                str(i % 50),
                "1",
            ]
            for i in range(count)
        ),
    )


def test_five_thousand_posts_import_and_store_once(tmp_path):
    path = tmp_path / "tweets.csv"
    _big_x_file(path, 5000)
    export = read_export(path)
    assert len(export.posts) == 5000
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assert save_posts(store, "trailforge", export.posts) == (5000, 0)
    assert save_posts(store, "trailforge", export.posts) == (0, 5000)
    stored = load_posts(store, "trailforge")
    assert len(stored) == 5000
    assert stored[0].published_at == datetime(2023, 1, 1, tzinfo=UTC)


def _roundtrip(store: Store) -> None:
    posts = read_export(DATA / "meta_facebook_fr.csv", zone="Europe/Paris").posts
    assert save_posts(store, "maison-lemoine", posts) == (3, 0)
    posts[0].metrics["reach"] = 9000  # a later export of the same post
    assert save_posts(store, "maison-lemoine", posts) == (0, 3)
    stored = load_posts(store, "maison-lemoine")
    assert len(stored) == 3
    assert stored[0].metrics["reach"] == 9000
    assert stored[0].published_at.utcoffset() == timezone(timedelta(hours=2)).utcoffset(None)
    assert stored[0].published_at.hour == 14  # the export's own clock survives storage
    kept = ("network", "post_id", "text", "format", "permalink", "source")
    read_back = sorted(tuple(getattr(p, k) for k in kept) for p in stored)
    assert read_back == sorted(tuple(getattr(p, k) for k in kept) for p in posts)


def test_storage_is_idempotent_on_sqlite(tmp_path):
    _roundtrip(Store(f"sqlite:///{tmp_path / 'a.db'}"))


@pytest.mark.slow
@pytest.mark.postgres
def test_storage_is_idempotent_on_postgresql(postgres_url):
    _roundtrip(Store(postgres_url))


def test_x_current_export():
    export = read_export(DATA / "x_current.csv")
    assert export.networks == ["x"]
    newest = export.posts[0]
    assert newest.post_id == "1800000000000000002"
    assert newest.published_at.date().isoformat() == "2024-06-04"
    assert post_rate(newest, get_formula()) == pytest.approx(120 / 4000)
    assert newest.metrics["saves"] == 2  # Bookmarks


def test_meta_facebook_english_export_reads_publish_time_not_lifetime():
    [post] = read_export(DATA / "meta_facebook_en.csv").posts
    assert post.network == "facebook"
    assert post.published_at.isoformat() == "2024-06-01T08:00:00+00:00"  # month first in English
    assert post_rate(post, get_formula("reach")) == pytest.approx(150 / 3000)
    assert post_rate(post, get_formula("impressions")) == pytest.approx(150 / 5000)  # Views


def test_the_assistants_own_export_names_the_network_per_row():
    export = read_export(DATA / "posts.csv")
    assert [(p.network, p.post_id) for p in export.posts] == [("linkedin", "12"), ("x", "13")]
    assert export.posts[0].permalink == "https://trailforge.example/jobs"
    assert "impressions" in export.missing["x"]  # said, not guessed
