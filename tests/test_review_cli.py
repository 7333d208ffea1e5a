"""The CLI's review and campaign commands on the library's rules: interrupted drafting shown
and resumed, times refused at save in the brand's zone, approval of the version reviewed,
publication as a confirmed action."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime
from itertools import islice

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand
from assistant.core.errors import CharterError
from assistant.core.store import Brief, VariantRow, open_store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.review_queue import describe, queue

from .conftest import ROOT
from .test_review_store import FUTURE, new_campaign_with_brief

run = CliRunner().invoke


def test_interrupted_drafting_is_shown_and_resumed_without_duplicates():
    store = open_store()
    campaign = create_campaign(store, "Coupure", "maison-lemoine")
    networks = ["x", "linkedin", "instagram", "facebook"]
    saved = add_brief(store, campaign.id, "Les galettes sont là. Mention.", networks, FUTURE, "al")
    list(islice(draft_brief(store, saved.id, None, "al"), 2))  # the process stopped here
    shown = run(app, ["campaign", "show", str(campaign.id), "--format", "json"])
    incomplete = json.loads(shown.stdout)["incomplete"]
    assert len(incomplete) == 1 and incomplete[0]["brief_id"] == saved.id
    assert len(incomplete[0]["missing"]) == 2
    assert all(m.split("#")[0] in networks for m in incomplete[0]["missing"])
    text = run(app, ["campaign", "show", str(campaign.id)]).stdout
    assert f"brief {saved.id} is missing" in text and "campaign resume" in text
    resumed = run(app, ["campaign", "resume", str(saved.id), "--as", "al"])
    assert resumed.exit_code == 0, resumed.output
    with store.session() as session:
        pairs = [(v.platform, v.variant_no) for v in session.query(VariantRow)]
    assert sorted(pairs) == sorted((n, 1) for n in networks)
    after = run(app, ["campaign", "show", str(campaign.id), "--format", "json"])
    assert json.loads(after.stdout)["incomplete"] == []


def test_campaign_add_refuses_a_past_time_in_the_brands_zone():
    assert run(app, ["campaign", "new", "T", "--brand", "maison-lemoine"]).exit_code == 0
    refused = run(
        app,
        ["campaign", "add", "--campaign", "1", "--at", "2020-01-01T10:00", "-p", "x", "Brief."],
    )
    assert refused.exit_code != 0
    assert "2020-01-01 10:00 (Europe/Paris)" in str(refused.exception)
    with open_store().session() as session:
        assert session.query(Brief).count() == 0


def test_campaign_add_reads_a_local_time_in_the_charters_zone():
    assert run(app, ["campaign", "new", "T", "--brand", "trailforge"]).exit_code == 0
    added = run(
        app,
        ["campaign", "add", "--campaign", "1", "--at", "2030-07-01 10:00", "-p", "x", "New boots."],
    )
    assert added.exit_code == 0, added.output
    item = queue(open_store())[0]
    assert item.timezone == "Europe/London"
    assert item.publish_at == datetime(2030, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 BST


def test_an_unknown_charter_timezone_is_a_clear_charter_error(tmp_path):
    brands = tmp_path / "brands"
    shutil.copytree(ROOT / "brand_guides", brands)
    charter = brands / "trailforge.yaml"
    charter.write_text(charter.read_text().replace("Europe/London", "Europe/Atlantis"))
    with pytest.raises(CharterError, match="IANA"):
        load_brand("trailforge", brands)


def test_review_show_prints_the_text_version_and_approve_names_it():
    new_campaign_with_brief("Les coffrets de Noël arrivent. Mention.", "x")
    assert run(app, ["review", "submit", "1", "--as", "alice", "--role", "author"]).exit_code == 0
    info = describe(open_store(), 1)
    assert info["version"] == 2 and info["text_version"] == 1  # row counter ≠ text version
    assert " · v1 · " in run(app, ["review", "show", "1"]).stdout
    stale = run(
        app, ["review", "approve", "1", "--as", "bob", "--version", "0", "--override", "ok"]
    )
    assert stale.exit_code != 0 and "v0" in str(stale.exception)
    unknown = run(
        app, ["review", "approve", "1", "--as", "bob", "--version", "9", "--override", "ok"]
    )
    assert unknown.exit_code != 0 and "no text v9" in str(unknown.exception)
    assert "you saw" not in str(unknown.exception)  # v9 never existed: nobody saw it
    approved = run(
        app, ["review", "approve", "1", "--as", "bob", "--version", "1", "--override", "ok"]
    )
    assert approved.exit_code == 0 and "approved" in approved.stdout


def test_review_publish_needs_yes_and_is_audited():
    new_campaign_with_brief("Les coffrets de Noël arrivent. Mention.", "x")
    approve = ["review", "approve", "1", "--as", "bob", "--override", "ok"]
    assert run(app, approve).exit_code == 0
    unconfirmed = run(app, ["review", "publish", "1", "--as", "bob"])
    assert unconfirmed.exit_code == 2 and describe(open_store(), 1)["status"] == "approved"
    assert run(app, ["review", "publish", "1", "--as", "carol", "--yes"]).exit_code == 0
    last = describe(open_store(), 1)["audit"][-1]
    assert (last["action"], last["actor"], last["to"]) == ("publish", "carol", "published")
    assert list(last) == ["actor", "action", "from", "to", "reason", "at"]


def test_review_request_changes_is_refused_to_authors():
    new_campaign_with_brief("Les coffrets de Noël arrivent. Mention.", "x")
    refused = run(
        app, ["review", "request-changes", "1", "-m", "non", "--as", "al", "--role", "author"]
    )
    assert refused.exit_code != 0 and "only reviewers" in str(refused.exception)
    assert describe(open_store(), 1)["status"] == "draft"


def test_review_list_keeps_its_json_keys_and_pages():
    new_campaign_with_brief("Les coffrets de Noël arrivent. Mention.", "x,linkedin,instagram")
    listed = json.loads(run(app, ["review", "list", "--format", "json"]).stdout)
    assert len(listed) == 3
    assert {"id", "platform", "status", "version", "errors", "text"} <= set(listed[0])
    assert listed[0]["text_version"] == 1
    page = json.loads(
        run(app, ["review", "list", "--format", "json", "--limit", "2", "--offset", "1"]).stdout
    )
    assert [r["id"] for r in page] == [r["id"] for r in listed[1:3]]
    counts = Counter(r["platform"] for r in listed)
    assert counts == {"x": 1, "linkedin": 1, "instagram": 1}


def test_campaign_add_to_a_missing_campaign_names_it():
    refused = run(app, ["campaign", "add", "--campaign", "7", "-p", "x", "Brief."])
    assert refused.exit_code != 0 and "no campaign with id 7" in str(refused.exception)
    assert refused.exception.key == "not_found"  # worded in the reader's language by the UI


def test_both_approve_commands_explain_version_alike():
    """A reviewer approving a post or a reply reads the same `--version` help in both."""
    from .command_line import run as run_main

    for group in ("review", "reply"):
        code, out, _ = run_main([group, "approve", "--help"])
        words = " ".join(out.split())
        assert code == 0 and "--version" in words
        assert "The version you read" in words and "refused if it moved since" in words


def test_review_edit_takes_text_that_looks_like_a_file_name_with_text():
    """`--text` works in every TEXT-or-FILE command, as the README says: a post that is only
    a domain name would otherwise be read as a missing file."""
    new_campaign_with_brief("Les coffrets de Noël arrivent. Mention.", "x")
    refused = run(app, ["review", "edit", "1", "lemoine.fr", "--as", "alice"])
    assert refused.exit_code != 0
    saved = run(app, ["review", "edit", "1", "lemoine.fr", "--text", "--as", "alice"])
    assert saved.exit_code == 0, saved.output
    assert describe(open_store(), 1)["text"] == "lemoine.fr"
