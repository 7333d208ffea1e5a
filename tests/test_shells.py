"""One scenario through the three shells (the library, the command line, the UI's handlers),
each on its own fresh store: what is stored at the end must be the same, because both shells
only call the library."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from .conftest import use_env

BRAND = "maison-lemoine"
BRIEF = "Nos palets au beurre salé reviennent en boutique pour l'hiver."
ADDED = " À très vite en boutique !"
CHANGES = "Ajoutez l'adresse de la boutique."
AUTHOR, REVIEWER = "alice", "bob"
REQUEST = SimpleNamespace(headers={"accept-language": "fr-FR"}, username=None)


def _slot() -> datetime:
    """Two days ahead, in the brand's zone, on a 5-minute mark (as schedulers want)."""
    moment = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=2)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def _by_network(store) -> dict[str, int]:
    from assistant.publishing.review_queue import queue

    return {item.platform: item.id for item in queue(store)}


def through_library(store, when: datetime) -> None:
    from assistant.core.llm import make_provider
    from assistant.publishing import brief_drafts, campaign, review

    author, reviewer = review.Actor(AUTHOR, "author"), review.Actor(REVIEWER, "reviewer")
    created = campaign.create_campaign(store, "Hiver", BRAND)
    brief = campaign.add_brief(store, created.id, BRIEF, ["x", "linkedin"], when, AUTHOR)
    ids = {
        v.platform: vid
        for v, vid in brief_drafts.draft_brief(store, brief.id, make_provider("none"), AUTHOR)
    }
    review.edit(store, ids["x"], review.current(store, ids["x"])[0] + ADDED, author)
    review.submit(store, ids["x"], author)
    review.approve(store, ids["x"], reviewer, seen_version=2)
    review.request_changes(store, ids["linkedin"], reviewer, CHANGES)
    review.publish(store, ids["x"], reviewer)


def through_cli(store, when: datetime) -> None:
    from assistant.cli import app
    from assistant.publishing.review import current

    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    made = json.loads(run("campaign", "new", "Hiver", "--brand", BRAND, "--format", "json"))
    run("campaign", "add", "--campaign", str(made["id"]), "--at", when.isoformat(), "-p",
        "x,linkedin", "--provider", "none", "--as", AUTHOR, BRIEF)  # fmt: skip
    ids = _by_network(store)
    x, linkedin = str(ids["x"]), str(ids["linkedin"])
    run("review", "edit", x, current(store, ids["x"])[0] + ADDED, "--as", AUTHOR)
    run("review", "submit", x, "--as", AUTHOR, "--role", "author")
    run("review", "approve", x, "--as", REVIEWER, "--version", "2")
    run("review", "request-changes", linkedin, "-m", CHANGES, "--as", REVIEWER)
    run("review", "publish", x, "--yes", "--as", REVIEWER)


def _card(store, variant_id: int):
    """A card's handlers as the Draft tab draws them for the typed author."""
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.publishing.review_queue import describe
    from assistant.ui.cards import CardView
    from assistant.ui.draft import _CardActions
    from assistant.ui.identity import acting

    view = CardView.from_described(describe(store, variant_id))
    charter = load_brand(view.brand, get_settings().brand_dir)
    return _CardActions(store, view, charter, acting(REQUEST, AUTHOR, "author"))


def through_ui(store, when: datetime) -> None:
    from assistant.ui import campaign as campaign_panel
    from assistant.ui import review as review_panel
    from assistant.ui.draft import PICKER_FORMAT, _Drafting

    async def draft() -> None:
        slot = when.strftime(PICKER_FORMAT)
        run = _Drafting(store).run(
            BRAND, BRIEF, ["x", "linkedin"], 1, slot, AUTHOR, "Hiver", REQUEST
        )
        async for _ in run:
            pass

    asyncio.run(draft())
    ids = _by_network(store)
    card = _card(store, ids["x"])
    card.save(card.view.text + ADDED, {}, REQUEST)
    card.refresh_visuals(REQUEST)  # the event chained after every save
    card = _card(store, ids["x"])
    card.send(card.view.text, {}, REQUEST)
    for action, vid, comment in (("approve", ids["x"], ""), ("changes", ids["linkedin"], CHANGES)):
        seen = review_panel.variant_view(store, vid, "fr")[-1]
        frame = review_panel.queue_frame(store, "", "", "fr")
        decide = review_panel.decision(store, action)
        outcome, *_rest = decide(seen, REVIEWER, "reviewer", "", comment, frame, "", REQUEST)
        assert "refused" not in outcome, outcome
    campaign_id = _campaign_of(store)
    campaign_panel.publishing(store)(campaign_id, REVIEWER, REQUEST)


def _campaign_of(store) -> int:
    from assistant.publishing.campaign import list_campaigns

    return list_campaigns(store)[0]["id"]


def outcome(store) -> dict[str, dict]:
    """What the scenario leaves in the store, by network, without ids or times."""
    from assistant.publishing.campaign import find_campaign
    from assistant.publishing.review_queue import describe

    found = {
        "campaign": {
            k: v for k, v in find_campaign(store, _campaign_of(store)).items() if k != "id"
        }
    }
    for network, vid in sorted(_by_network(store).items()):
        info = describe(store, vid)
        found[network] = {
            "status": info["status"],
            "publish_at": info["publish_at"],
            "versions": [
                (v["number"], v["text"], v["author"], v["cause"]) for v in info["versions"]
            ],
            "audit": [
                (a["actor"], a["action"], a["from"], a["to"], a["reason"]) for a in info["audit"]
            ],
            "approved_by": info["approved_by"],
            "comments": [(c["author"], c["body"]) for c in info["comments"]],
        }
    return found


@pytest.mark.slow
def test_the_library_the_cli_and_the_ui_leave_the_same_store(tmp_path, monkeypatch):
    from assistant.core.store import open_store

    when = _slot()
    stored = {}
    for name, shell in (("library", through_library), ("cli", through_cli), ("ui", through_ui)):
        use_env(monkeypatch, ASSISTANT_DB_URL=f"sqlite:///{tmp_path / name}.db")
        store = open_store()
        shell(store, when)
        stored[name] = outcome(store)
    library = stored["library"]
    assert library["x"]["status"] == "published" and library["x"]["approved_by"] == REVIEWER
    assert library["x"]["versions"][-1][1].endswith(ADDED)
    assert library["linkedin"]["status"] == "changes_requested"
    assert library["linkedin"]["comments"] == [(REVIEWER, CHANGES)]
    assert stored["cli"] == library
    assert stored["ui"] == library
