"""Dead and redirected links, checked against a local server: each answer classified
right, within the timeout, every URL fetched once, the cache reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.analytics import LinkCache, Post, check_links, link_findings, post_links
from assistant.core.netpolicy import trusting

from .link_server import listener


@pytest.fixture()
def server():
    """The local server, declared to the network policy as a public site for the test."""
    with listener() as running, trusting([("127.0.0.1", running.port)]):
        yield running.url


def test_each_answer_is_classified_within_the_timeout(server):
    urls = {
        "ok": f"{server}/ok/page",
        "redirected": f"{server}/moved/page",
        "not_found": f"{server}/missing/page",
        "gone": f"{server}/gone/page",
        "timeout": f"{server}/hang/page",
        "unreachable": f"{server}/reset/page",
    }
    found = check_links(urls.values(), LinkCache(), timeout=10.0)
    assert {name: found[url].status for name, url in urls.items()} == {n: n for n in urls}
    assert found[urls["redirected"]].final_url == f"{server}/ok/target"
    assert found[urls["gone"]].code == 410
    # the answers that came back were not held behind the hung link (in order of answers)
    answered = list(found)
    waited = answered.index(urls["timeout"])
    assert all(answered.index(urls[n]) < waited for n in ("ok", "redirected", "not_found", "gone"))


def test_findings_name_the_post_and_the_cache_avoids_a_second_fetch(server, tmp_path):
    dead = f"{server}/missing/one"
    post = Post("x", "42", f"Our map: {dead} and {server}/ok/two.", None)
    assert post_links(post) == [dead, f"{server}/ok/two"]
    cache = LinkCache(tmp_path / "links.json")
    found = check_links(post_links(post), cache, timeout=1.0)
    cache.save()
    [finding] = link_findings([post], found)
    assert (finding.post_id, finding.kind, finding.severity) == ("42", "link", "error")
    assert "404" in finding.message and dead in finding.message
    again = LinkCache(tmp_path / "links.json")
    assert again.get(dead).status == "not_found"
    calls = []
    check_links([dead], again, progress=lambda done, total: calls.append((done, total)))
    assert calls == []  # answered from the cache, nothing fetched


def test_bare_domains_are_read_as_https():
    post = Post("facebook", "1", "Voir trailforge.example/maps.", None)
    assert post_links(post) == ["https://trailforge.example/maps"]


def test_no_link_reached_means_no_network():
    from assistant.analytics.links import LinkStatus, offline

    down = {f"https://t.co/{i}": LinkStatus(f"https://t.co/{i}", "unreachable") for i in range(12)}
    assert offline(down)
    down["https://example.org/"] = LinkStatus("https://example.org/", "ok", 200)
    assert not offline(down)


def test_an_offline_audit_reports_no_dead_link(tmp_path):
    from assistant.analytics import read_export, run_audit

    posts = [Post("x", str(i), f"See https://unreachable.invalid/{i}", None) for i in range(12)]
    export = read_export(Path(__file__).parent / "data" / "analytics" / "x_legacy_small.csv")
    export.posts = posts
    report = run_audit([export], None, "b", network=True)
    assert not [f for f in report.findings if f.kind == "link"]
    assert any("no link could be reached" in n for n in report.notes)
