"""Many people deciding on the same variants at once: every outcome is a worded one (approved,
changes requested, saved, refused, conflict), never a server error. The races are first
replayed one at a time (someone saves just before a decision's first write reaches the
database), then left to threads; on a file-backed SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import threading
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from assistant.core.actors import Actor
from assistant.core.errors import AssistantError, ConflictError, WorkflowError
from assistant.publishing.review import approve, edit, request_changes, submit
from assistant.publishing.review_queue import describe

from .test_review_store import _drafted, store_fixture  # noqa: F401  (SQLite + PostgreSQL)

ALICE, CAROL = Actor("alice", "author"), Actor("carol", "author")
BOB, DORA = Actor("bob", "reviewer"), Actor("dora", "admin")


@contextmanager
def first(other_person):
    """Just before the next session's first write reaches the database (whether the session
    flushes on its own, before a lazy load or a query, or at commit), `other_person()` acts
    in another session: the exact interleaving of two people under load."""
    fired: list[bool] = []

    def before_flush(session, _context, _instances) -> None:
        if fired:
            return
        fired.append(True)
        other_person()

    event.listen(Session, "before_flush", before_flush)
    try:
        yield fired
    finally:
        event.remove(Session, "before_flush", before_flush)


def someone_saves_first(store, variant_id: int, who: Actor = CAROL):
    """`who` saves a new text of the variant just before the next session's first write."""

    def save() -> None:
        edit(store, variant_id, describe(store, variant_id)["text"] + " Et encore.", who)

    return first(save)


DECISIONS = {
    "approve": lambda store, vid: approve(store, vid, BOB),
    "override": lambda store, vid: approve(store, vid, BOB, override="checked by hand"),
    "request_changes": lambda store, vid: request_changes(store, vid, BOB, "Plus court."),
    "submit": lambda store, vid: submit(store, vid, ALICE),
    "save": lambda store, vid: edit(
        store, vid, "Un autre texte.", ALICE, describe(store, vid)["version"]
    ),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_save_landing_first_makes_a_decision_a_worded_conflict(store, decision):
    """A decision on a draft submits it first; the save that lands before the decision's
    first write makes the row stale. That write may come from the session flushing on its
    own (loading the brief, reading the versions): it must still end as the worded
    "someone else saved" refusal, and leave the other person's save as it is."""
    vid = _drafted(store)[1][0]
    with someone_saves_first(store, vid) as fired, pytest.raises(ConflictError) as refused:
        DECISIONS[decision](store, vid)
    assert fired and "someone else" in str(refused.value)
    after = describe(store, vid)
    assert after["status"] == "draft" and after["text"].endswith("Et encore.")
    assert [a["action"] for a in after["audit"]] == ["edit"]  # the decision left no trace


def test_reviewers_and_authors_at_once_get_only_worded_outcomes(store):
    """Two reviewers approve and send back, two authors save and submit, all on the same two
    variants at once: each attempt is approved, sent back, saved, refused or a conflict."""
    _campaign, ids = _drafted(store)
    rounds, people = 12, [BOB, DORA, ALICE, CAROL]
    start = threading.Barrier(len(people))
    outcomes: Counter[str] = Counter()
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def act(person: Actor, seed: int) -> None:
        chance = random.Random(seed)
        start.wait()
        for n in range(rounds):
            vid = chance.choice(ids)
            try:
                seen = describe(store, vid)
                if person.role == "author":
                    if chance.random() < 0.7:
                        text = f"{seen['text'][:120]} {person.name}{n}"
                        edit(store, vid, text, person, seen["version"])
                        outcome = "saved"
                    else:
                        submit(store, vid, person)
                        outcome = "submitted"
                elif chance.random() < 0.6:
                    approve(store, vid, person, seen_version=seen["text_version"])
                    outcome = "approved"
                else:
                    request_changes(store, vid, person, f"round {n}")
                    outcome = "changes_requested"
            except ConflictError:
                outcome = "conflict"
            except WorkflowError:
                outcome = "refused"
            except AssistantError as exc:  # worded, but not a decision's outcome
                outcome = f"other: {exc.key}"
            except Exception as exc:  # the very thing this test looks for
                with lock:
                    unexpected.append(exc)
                continue
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=act, args=(p, i)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(t.is_alive() for t in threads), "a decision hung"
    assert unexpected == [], unexpected
    assert sum(outcomes.values()) == rounds * len(people)
    assert set(outcomes) <= {
        "saved",
        "submitted",
        "approved",
        "changes_requested",
        "refused",
        "conflict",
    }, outcomes
    for vid in ids:  # every stored state is one the workflow knows, its trail complete
        info = describe(store, vid)
        assert info["status"] in {"draft", "in_review", "approved", "changes_requested"}
        assert info["audit"][-1]["to"] == info["status"]


def test_a_reply_approved_by_someone_else_first_is_a_worded_conflict(tmp_path):
    """Two reviewers approve the same reply at once: one approves, the other is told."""
    from assistant.community import replies
    from assistant.community.inbox import import_text
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.core.store import Store

    store = Store(f"sqlite:///{tmp_path / 'inbox.db'}")

    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    item = import_text(store, charter, "Trop bons ces palets, merci !", "facebook", "Marie").ids[0]
    replies.draft(store, item, ALICE)
    with first(lambda: replies.approve(store, item, DORA)), pytest.raises(ConflictError):
        replies.approve(store, item, BOB)
    shown = replies.describe(store, item)
    assert shown["status"] == "approved" and shown["reply"]["approved_by"] == "dora"


def test_a_comment_drafted_by_two_people_at_once_is_a_worded_conflict(tmp_path):
    """The second draft's reply row meets the first's at its explicit flush: told, not a
    server error, and the first draft stays."""
    from assistant.community import replies
    from assistant.community.inbox import import_text
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings
    from assistant.core.store import Store

    store = Store(f"sqlite:///{tmp_path / 'inbox.db'}")
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    item = import_text(store, charter, "Vous livrez en Belgique ?", "facebook", "Marie").ids[0]
    with first(lambda: replies.draft(store, item, CAROL)), pytest.raises(ConflictError):
        replies.draft(store, item, ALICE)
    versions = replies.describe(store, item)["reply"]["versions"]
    assert [v["author"] for v in versions] == ["carol"]
