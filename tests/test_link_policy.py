"""Links in posts are a user's input: the audit must not fetch internal addresses for them
(server-side request forgery), whatever their spelling or redirect, and one audit must not
fetch without bound. Everything is counted on the servers' side: what reached them."""

from __future__ import annotations

import html
import ipaddress
import socket
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest

from assistant.analytics import LinkCache, Post, check_links, link_findings, post_links
from assistant.analytics.rules import analytics_rules
from assistant.analytics.words import worded
from assistant.core.netpolicy import is_internal, trusting

from .link_server import listener

SHOP = "shop.test"


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture()
def servers():
    """An allowed listener reached as shop.test (the suite's own "public" site), and
    internal listeners on 127.0.0.1 and, where the machine has it, ::1."""
    with ExitStack() as stack:
        public = stack.enter_context(listener())
        internal = stack.enter_context(listener())
        internal6 = stack.enter_context(listener("::1")) if _ipv6_loopback() else None
        stack.enter_context(trusting([("127.0.0.1", public.port)], hosts={SHOP: "127.0.0.1"}))
        yield public, internal, internal6


def _internal_spellings(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/ok/a",
        f"http://localhost:{port}/ok/b",
        f"http://2130706433:{port}/ok/c",
        f"http://0x7f.0.0.1:{port}/ok/d",
        f"http://127.1:{port}/ok/e",
        f"http://0.0.0.0:{port}/ok/f",
        f"http://[::ffff:127.0.0.1]:{port}/ok/g",
        f"http://[::1]:{port}/ok/h",
    ]


def test_internal_addresses_are_not_fetched_and_are_reported_as_not_checked(servers):
    public, internal, internal6 = servers
    shop = f"http://{SHOP}:{public.port}"
    internal_urls = _internal_spellings(internal.port)
    if internal6 is not None:
        internal_urls.append(f"http://[::1]:{internal6.port}/ok/i")
    hop = f"{shop}/away/x?to=http://127.0.0.1:{internal.port}/ok/hop"
    fine, dead = f"{shop}/ok/page", f"{shop}/missing/page"
    post = Post("x", "7", " ".join([*internal_urls, hop, fine, dead]), None)

    found = check_links(post_links(post), LinkCache(), timeout=5)

    assert internal.traffic.connections == 0 and internal.traffic.requests == []
    assert internal6 is None or internal6.traffic.connections == 0
    assert {u: found[u].status for u in [*internal_urls, hop]} == dict.fromkeys(
        [*internal_urls, hop], "internal"
    )
    # the suite's own public-looking site is still checked, under its own name
    assert (found[fine].status, found[dead].status, found[dead].code) == ("ok", "not_found", 404)
    assert (f"{SHOP}:{public.port}", "/ok/page") in public.traffic.requests
    findings = {f.excerpt: f for f in link_findings([post], found)}
    assert fine not in findings  # a working link is no finding
    assert findings[dead].severity == "error"
    for url in [*internal_urls, hop]:
        finding = findings[url]
        assert finding.rule == "link.internal" and finding.severity != "error"
        assert finding.message == f"{url}: not checked: internal address"
        assert worded(finding.message, "fr") == f"{url} : non vérifié : adresse interne"


def test_the_default_policy_refuses_loopback_without_any_test_listener():
    with listener() as internal:
        found = check_links([f"{internal.url}/ok/x"], LinkCache(), timeout=5)
    assert found[f"{internal.url}/ok/x"].status == "internal"
    assert internal.traffic.connections == 0


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "2001::1",
    ],
)
def test_internal_address_forms_are_refused(address):
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1", "64:ff9b::5db8:d70e"])
def test_public_addresses_are_allowed(address):
    assert not is_internal(ipaddress.ip_address(address))


def test_links_past_the_bound_are_not_fetched_and_said_so(servers, monkeypatch):
    public, _, _ = servers
    monkeypatch.setitem(analytics_rules()["links"], "max_links", 5)
    urls = [f"{public.url}/ok/{i}" for i in range(12)]
    found = check_links(urls, LinkCache(), timeout=5)
    assert len(public.traffic.requests) <= 5
    assert [found[u].status for u in urls] == ["ok"] * 5 + ["too_many"] * 7
    post = Post("x", "1", " ".join(urls), None)
    [message, *_] = [f.message for f in link_findings([post], found) if f.excerpt == urls[5]]
    assert message == f"{urls[5]}: not checked: too many links in one audit"


def test_links_past_the_time_budget_are_reported_not_checked(servers, monkeypatch):
    public, _, _ = servers
    monkeypatch.setitem(analytics_rules()["links"], "budget_s", 0.5)
    urls = [f"{public.url}/hang/{i}" for i in range(3)]
    cache = LinkCache()
    found = check_links(urls, cache, timeout=60)
    assert [found[u].status for u in urls] == ["over_budget"] * 3
    assert all(found[u].severity == "info" for u in urls)
    assert cache.get(urls[0]) is None  # not checked this time: checked next time
    post = Post("x", "1", urls[0], None)
    [finding] = link_findings([post], found)
    assert finding.message == f"{urls[0]}: not checked: the audit's time for links was spent"


def test_connections_are_bounded_per_resolved_address_not_per_spelling():
    spellings = ["127.0.0.1", "localhost", "2130706433", "0x7f.0.0.1", "127.1"]
    with listener() as public, trusting([("127.0.0.1", public.port)]):
        urls = [f"http://{n}:{public.port}/slow/{i}" for n in spellings for i in range(4)]
        found = check_links(urls, LinkCache(), timeout=30, per_host=2)
    assert {s.status for s in found.values()} == {"ok"}
    assert public.traffic.connections == len(urls)
    assert public.traffic.most_open <= 2


def test_an_audit_words_the_internal_link_in_the_readers_language(servers):
    from assistant.analytics import read_export, run_audit
    from assistant.ui.audit import finding_rows, table

    _, internal, _ = servers
    url = f"http://localhost:{internal.port}/ok/x"
    export = read_export(Path(__file__).parent / "data" / "analytics" / "x_legacy_small.csv")
    export.posts = [Post("x", "3", f"Voir {url}", None)]
    report = run_audit([export], None, "b", network=True)
    assert internal.traffic.connections == 0
    [finding] = [f for f in report.to_json()["findings"] if f["kind"] == "link"]
    assert finding["message"] == f"{url}: not checked: internal address"
    french = f"{url} : non vérifié : adresse interne"
    assert french in html.unescape(report.html(lang="fr"))
    assert french in set(table(finding_rows(report), "fr").iloc[:, 4])


def test_waiting_for_a_free_connection_does_not_count_as_the_link_timing_out():
    with listener() as public, trusting([("127.0.0.1", public.port)]):
        # 0.3 s each, one at a time: 6 s of queueing, well past the 4 s a link may take
        urls = [f"{public.url}/slow/{i}" for i in range(20)]
        found = check_links(urls, LinkCache(), timeout=4, per_host=1)
    assert [found[u].status for u in urls] == ["ok"] * 20
    assert public.traffic.most_open == 1


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for `name` (the test's own certificate authority)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
            *("-addext", f"subjectAltName=DNS:{name}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_is_verified_against_the_host_name_while_the_checked_address_is_used(
    tmp_path, monkeypatch
):
    cert, key = _certificate(tmp_path, SHOP)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own authority
    with listener(tls=(cert, key)) as site:
        names = {SHOP: "127.0.0.1", "other.test": "127.0.0.1"}
        with trusting([("127.0.0.1", site.port)], hosts=names):
            right = f"https://{SHOP}:{site.port}/ok/tls"
            wrong = f"https://other.test:{site.port}/ok/tls"
            found = check_links([right, wrong], LinkCache(), timeout=10)
    assert found[right].status == "ok"  # the certificate names shop.test, not 127.0.0.1
    assert found[wrong].status == "unreachable"  # and is still checked
    assert SHOP in site.traffic.server_names
    assert site.traffic.requests == [(f"{SHOP}:{site.port}", "/ok/tls")]
