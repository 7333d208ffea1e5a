"""The audit of published posts: findings by kind, cadence, slots, the report files, the
CLI's JSON contract and exit codes, slots applied to a campaign."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.analytics import (
    Post,
    SlotRequest,
    apply_slots,
    audit_posts,
    best_slots,
    cadence,
    get_formula,
    read_export,
    run_audit,
)
from assistant.core.actors import Actor
from assistant.core.charter import load_brand

from .command_line import offline_audit, run

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "analytics"
X_FILE = DATA / "x_legacy_small.csv"


def trailforge():
    return load_brand("trailforge", ROOT / "brand_guides")


def test_findings_name_post_kind_and_severity():
    posts = read_export(X_FILE).posts
    findings, other = audit_posts(posts, trailforge())
    typo = [f for f in findings if f.kind == "spelling"]
    assert [(f.post_id, f.excerpt) for f in typo] == [("1766000000000000002", "tset")]
    assert typo[0].severity == "error"
    assert {f.kind for f in findings} <= {"spelling", "grammar", "charter", "network"}
    assert not any(f.post_id == "1766000000000000004" for f in findings)  # empty text
    assert other == {}


def test_the_same_text_is_checked_once():
    calls = []

    class Counting:
        def check(self, text, lang, charter, platform):
            calls.append(text)
            from assistant.proofing import CheckReport

            return CheckReport([], [])

    text = "Our new trail shoes are here, try them this weekend"
    posts = [Post("x", str(i), text, None) for i in range(50)]
    audit_posts(posts, trailforge(), checker=Counting())
    assert calls == [text]


def test_cadence_matches_the_hand_computation():
    rhythm = cadence(read_export(X_FILE).posts, None)["x"]
    # 5 posts from 2024-03-04 09:15 to 2024-03-11 09:05 (6 d 23 h 50 min)
    assert rhythm.per_week == pytest.approx(5 / ((7 * 1440 - 10) / (7 * 1440)), abs=1e-3)
    # longest gap: 2024-03-08 12:00 -> 2024-03-11 09:05
    assert rhythm.longest_gap_days == pytest.approx(2 + 21 / 24 + 5 / 1440, abs=1e-3)


def _post(i: int, when: datetime, engagements: float) -> Post:
    return Post(
        "x", str(i), f"post {i}", when, metrics={"impressions": 100.0, "engagements": engagements}
    )


def test_slots_need_five_rated_posts_and_rank_by_median():
    monday_9 = datetime(2024, 1, 1, 9, 10, tzinfo=UTC)
    posts = [_post(i, monday_9 + timedelta(weeks=i), 10) for i in range(5)]
    posts += [_post(10 + i, monday_9 + timedelta(days=1, hours=9, weeks=i), 5) for i in range(5)]
    posts += [_post(20 + i, monday_9 + timedelta(days=2, weeks=i), 50) for i in range(4)]
    slots = best_slots("x", posts, get_formula())
    assert [(s.weekday, s.hour, s.posts) for s in slots] == [(0, 9, 5), (1, 18, 5)]
    assert slots[0].median_rate == pytest.approx(0.1)


def test_report_is_self_contained_escaped_and_csv_safe(tmp_path):
    posts = read_export(X_FILE).posts
    posts[0].text = '<script>alert(1)</script> =HYPERLINK("http://evil")'
    posts[0].format = "=cmd|' /C calc'!A0"
    export = read_export(X_FILE)
    export.posts = posts
    report = run_audit([export], trailforge(), "trailforge", network=False)
    page = report.html()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and "engagements / impressions" in page
    assert '<tr class="small">' in page and "(small sample)" in page  # 5 posts: every group
    assert 'src="http' not in page and "<link" not in page  # nothing fetched when opened
    for section in ("Overview", "Strengths", "Weaknesses", "Opportunities", "Posts to fix"):
        assert section in page
    rows = report.figures_csv().splitlines()
    assert any(",'=cmd|" in row for row in rows)
    assert not any(",=cmd" in row for row in rows)


def test_cli_json_contract_and_gate(tmp_path):
    out = tmp_path / "report.html"
    files = offline_audit(X_FILE, DATA / "instagram_en.csv")
    code, stdout, stderr = run([*files, "--format", "json", "--out", str(out)])
    assert code == 1, stderr  # the charter's legal mention is missing: errors
    data = json.loads(stdout)
    assert list(data) == ["posts", "networks", "top", "findings", "cadence", "slots"]
    assert data["posts"] == 7
    assert data["networks"]["x"] == {
        "posts": 5,
        "engagement_rate": pytest.approx(0.027),
        "formula": "engagements / impressions",
    }
    x_top = [t for t in data["top"] if t["network"] == "x"]
    assert [t["engagement_rate"] for t in x_top] == pytest.approx([0.06, 0.05, 0.02, 0.01])
    assert set(x_top[0]) == {"network", "post_id", "text", "engagement_rate"}
    finding = data["findings"][0]
    assert set(finding) == {"network", "post_id", "kind", "severity", "message"}
    assert {f["kind"] for f in data["findings"]} <= {
        "spelling",
        "grammar",
        "charter",
        "network",
        "link",
        "cadence",
    }
    assert data["cadence"]["x"]["longest_gap_days"] == pytest.approx(2.878, abs=1e-3)
    assert data["slots"] == []  # no weekday × hour holds five posts: none recommended
    assert out.is_file() and out.with_suffix(".csv").is_file()
    figures = json.loads(out.with_suffix(".json").read_text())
    assert figures["formula"]["name"] == "impressions"
    group = ["label", "posts", "rated", "median_rate", "total_rate", "small_sample"]
    assert list(figures["networks"]["x"]["by_format"][0]) == group
    heat = ["counts", "median_rates", "rated", "untimed_by_weekday"]
    assert list(figures["networks"]["x"]["heatmap"]) == heat


def test_cli_rate_option_and_unreadable_input(tmp_path):
    facebook = offline_audit(DATA / "meta_facebook_fr.csv", brand="maison-lemoine")
    code, stdout, _ = run([*facebook, "--format", "json", "--rate", "reach"])
    assert json.loads(stdout)["networks"]["facebook"]["engagement_rate"] == pytest.approx(0.045)
    bad = tmp_path / "export.csv"
    bad.write_text("product,price\nmug,12\n", encoding="utf-8")
    code, _, stderr = run(offline_audit(bad))
    assert code == 2 and "export.csv" in stderr
    code, _, stderr = run(["audit", str(X_FILE), "--brand", "trailforge", "--rate", "followers"])
    assert code == 2 and "followers" in stderr


def test_recommended_slots_move_a_campaigns_briefs(tmp_path):
    from assistant.analytics import Slot
    from assistant.core.store import Brief, open_store
    from assistant.publishing.campaign import add_brief, create_campaign

    store = open_store()
    campaign = create_campaign(store, "Spring", "trailforge")
    first = datetime.now(UTC) + timedelta(days=3)
    a = add_brief(store, campaign.id, "New maps for spring hikes", ["x"], first)
    b = add_brief(
        store, campaign.id, "The north loop is open", ["x", "linkedin"], first + timedelta(hours=1)
    )
    slots = [Slot("x", 0, 9, 0.1, 5), Slot("x", 3, 18, 0.08, 6)]
    rita, now = Actor("rita", "reviewer"), datetime(2030, 1, 1, tzinfo=UTC)
    asked = SlotRequest(campaign.id, slots, rita, "trailforge", now)
    moved = apply_slots(store, asked)
    assert [m["networks"] for m in moved] == [["x"], ["x"]] and moved[0]["brief_id"] == a.id
    with store.session() as session:
        times = [session.get(Brief, m["brief_id"]).publish_at for m in moved]
        # a slot is a network's: b's LinkedIn post keeps its time, b's x post has its own brief
        assert session.get(Brief, b.id).publish_at == first + timedelta(hours=1)
        assert session.get(Brief, b.id).networks == ["linkedin"]
        assert session.get(Brief, moved[1]["brief_id"]).text == "The north loop is open"
    zone = trailforge().timezone or "Europe/Paris"
    from zoneinfo import ZoneInfo

    local = [t.astimezone(ZoneInfo(zone)) for t in times]
    # 2030-01-01 is a Tuesday: next Thursday 18:00, then Monday 09:00
    assert [(t.weekday(), t.hour, t.day) for t in local] == [(3, 18, 3), (0, 9, 7)]


def test_x_reply_names_and_attachment_links_do_not_count_in_the_length():
    """X counts neither the names a reply starts with nor the attached photo's t.co link."""
    body = "We agree whole-heartedly. " * 10  # 260 characters
    reply = "@alice_example @bob_example @carol_example " + body + "https://t.co/AbCdEf1234"
    findings, _ = audit_posts([Post("x", "1", reply, None)], None)
    assert not [f for f in findings if f.kind == "network"]
    too_long = body + body
    findings, _ = audit_posts([Post("x", "2", too_long, None)], None)
    assert [f.rule for f in findings if f.kind == "network"] == ["platform.too_long"]


def test_a_post_seen_by_a_handful_is_rated_but_never_ranked():
    """11 engagements on 5 impressions (a real X row) is 220 %: counted, not crowned."""
    from assistant.analytics import measure

    when = datetime(2024, 1, 1, tzinfo=UTC)
    posts = [
        Post("x", "tiny", "t", when, metrics={"impressions": 5.0, "engagements": 11.0}),
        Post("x", "real", "r", when, metrics={"impressions": 1000.0, "engagements": 30.0}),
    ]
    figures = measure(posts, get_formula())["x"]
    assert figures.rated == 2
    assert [p.post_id for p, _ in figures.top] == ["real"]


def test_an_unknown_zone_is_a_usage_error():
    code, _, stderr = run(["audit", str(X_FILE), "--brand", "trailforge", "--zone", "Mars/Olympus"])
    assert code == 2 and "Mars/Olympus" in stderr


def test_the_tab_summary_escapes_file_names(tmp_path):
    from assistant.ui.audit import summary_html

    hostile = tmp_path / "<img src=x onerror=alert(1)>.csv"
    hostile.write_text(
        (DATA / "meta_facebook_fr.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = run_audit([read_export(hostile)], None, "b", network=False)
    page = summary_html(report, "fr")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    assert "Publications auditées" in page


def test_cadence_findings_gap_burst_weekdays_and_target():
    from assistant.analytics import cadence_findings

    start = datetime(2024, 1, 1, 9, tzinfo=UTC)  # a Monday
    times = [start + timedelta(weeks=w) for w in range(3)]
    times += [start + timedelta(weeks=5), start + timedelta(weeks=5, minutes=30)]
    posts = [Post("x", str(i), "t", when) for i, when in enumerate(times)]
    charter = trailforge()
    charter = charter.model_copy(
        update={"review": charter.review.model_copy(update={"posts_per_day": 1})}
    )
    found = {f.rule: f for f in cadence_findings(cadence(posts, charter), charter)}
    assert set(found) == {
        "cadence.gap",
        "cadence.burst",
        "cadence.weekdays",
        "cadence.below_target",
    }
    assert "21.0 days" in found["cadence.gap"].message
    assert "Tuesday" in found["cadence.weekdays"].message
    assert all(f.kind == "cadence" and f.severity == "warning" for f in found.values())


def test_applied_slots_never_pull_a_brief_weeks_earlier_and_can_be_undone():
    from zoneinfo import ZoneInfo

    from assistant.analytics import Slot, undo_slots
    from assistant.core.store import Brief, open_store
    from assistant.publishing.campaign import add_brief, create_campaign

    store = open_store()
    campaign = create_campaign(store, "Winter", "trailforge")
    london = ZoneInfo(trailforge().timezone)
    planned = datetime(2026, 12, 10, 10, 0, tzinfo=london)  # a Thursday
    brief = add_brief(store, campaign.id, "Winter maps are out", ["x"], planned)
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    # the best slot is Friday 09:00: 27 Nov would be two weeks early
    rita = Actor("rita", "reviewer")
    slots = [Slot("x", 4, 9, 0.1, 6)]
    moved = apply_slots(store, SlotRequest(campaign.id, slots, rita, "trailforge", now))
    with store.session() as session:
        after = session.get(Brief, brief.id).publish_at.astimezone(london)
    assert after >= planned - timedelta(days=7)
    assert (after.weekday(), after.hour, after.day) == (4, 9, 4)  # Friday 4 December
    assert moved[0]["before"].startswith("2026-12-10 10:00")
    assert moved[0]["after"].startswith("2026-12-04 09:00")
    assert undo_slots(store, moved, actor=rita, brand="trailforge") == moved
    with store.session() as session:
        assert session.get(Brief, brief.id).publish_at == planned


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_posts_in_another_language_are_named_in_the_report(lang):
    """A brand audited with posts in a language it does not write (German here) gets the
    report, with a note naming that language, in either reading language."""
    export = read_export(X_FILE)
    german = "Unsere neuen Wanderschuhe sind da und die Sohle hält auch bei Regen sehr gut."
    for post in export.posts[:3]:
        post.text = german
    report = run_audit([export], trailforge(), "trailforge", network=False)
    page = report.html(lang=lang)
    assert "(de)" in page
    assert ("another language" if lang == "en" else "une autre langue") in page


def test_a_report_rebuilt_from_its_json_shows_what_the_report_showed():
    """A worker's audit reaches the app as JSON: rebuilt, it is the same report (dates on the
    brand's clock, notes and messages still worded in French), so the tab's summary, its
    findings table and the files offered for download are the same, byte for byte."""
    from assistant.analytics import AuditReport, LinkStatus
    from assistant.analytics.words import Note, Worded
    from assistant.ui.audit import finding_rows, summary_html

    files = ("x_legacy_small.csv", "meta_facebook_fr.csv", "mastodon_statuses.json")
    exports = [read_export(DATA / name, "Europe/Paris") for name in files]
    exports.append(read_export(X_FILE))  # read twice: the report keeps one of each post
    report = run_audit(exports, trailforge(), "trailforge", network=False)
    report.links = {"https://example.org/a": LinkStatus("https://example.org/a", "dead", 404)}
    back = AuditReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert back == report
    assert back.repeated == 5  # the file read last holds the report's own posts:
    assert {id(p) for p in back.exports[3].posts} <= {id(p) for p in back.posts}
    assert {type(n) for n in back.notes} == {Note} and back.notes == report.notes
    assert any(isinstance(f.message, Worded) for f in back.findings)
    assert summary_html(back, "fr") == summary_html(report, "fr")
    assert finding_rows(back) == finding_rows(report)
    assert back.html(lang="fr") == report.html(lang="fr")
    assert back.figures_csv() == report.figures_csv()
    assert back.to_json() == report.to_json() and back.figures_json() == report.figures_json()


def test_an_export_is_bounded_before_it_is_kept_for_a_worker(tmp_path):
    """In team mode an export is kept in the store for a worker: one over the export bound,
    or a workbook that would inflate like a bomb, is refused unstored, as the audit refuses
    it here; a good one is kept whole under its key and its file's name (not its path)."""
    import hashlib
    import zipfile

    from assistant.analytics.audit_job import keep_export
    from assistant.core.blobs import blob_store
    from assistant.core.errors import InputError
    from assistant.core.limits import limits

    big = tmp_path / "tweets-2024.csv"
    with big.open("wb") as out:
        out.truncate(limits().analytics_bytes + 1)  # sparse: no disk used
    bomb = tmp_path / "linkedin.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * limits().zip_ratio_grace_bytes))
    refused = []
    for path in (big, bomb):
        with pytest.raises(InputError) as caught:
            keep_export(path)
        refused.append(caught.value.key)
    assert refused == ["file_too_large", "zip_ratio"]
    kept = keep_export(X_FILE)
    assert kept == {"key": hashlib.sha256(X_FILE.read_bytes()).hexdigest(), "name": X_FILE.name}
    assert blob_store().get(kept["key"]) == X_FILE.read_bytes()
    assert not blob_store().has(hashlib.sha256(bomb.read_bytes()).hexdigest())
