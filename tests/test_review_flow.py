"""The author's side of a send-back: fixing a text that was sent back for changes keeps it
with its author (a one-click fix is not a resubmission); sending it moves it to review."""

from __future__ import annotations

from assistant.core.actors import Actor
from assistant.publishing.review import edit, request_changes, submit
from assistant.publishing.review_queue import describe

from .test_facts_review import _variant, store  # noqa: F401  (fixture)


def test_a_fix_after_changes_were_requested_waits_for_the_author_to_send(store):  # noqa: F811
    variant_id = _variant(store, "Soldes d'hiver : -15 % avec HIVER15 jusqu'au 31 décembre.")
    request_changes(store, variant_id, Actor("bob", "reviewer"), "Ajoutez le lien.")
    info = describe(store, variant_id)
    edit(store, variant_id, info["text"] + " lemoine.example/soldes", Actor("alice", "author"),
         info["version"], "fix")  # fmt: skip
    assert describe(store, variant_id)["status"] == "changes_requested"
    submit(store, variant_id, Actor("alice", "author"))
    assert describe(store, variant_id)["status"] == "in_review"
