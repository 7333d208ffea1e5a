"""Facts in the review workflow: a changed or invented fact is a stored error that blocks
approval until it is fixed or overridden with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.errors import WorkflowError
from assistant.core.settings import get_settings
from assistant.core.store import now, open_store
from assistant.publishing.brief_drafts import save_variant
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.drafting import Variant
from assistant.publishing.review import approve, submit
from assistant.publishing.review_queue import describe

BRIEF = (
    "Soldes d'hiver : -15 % avec le code HIVER15 jusqu'au 31 décembre, sur lemoine.example/soldes."
)


@pytest.fixture()
def store():
    return open_store()


def _variant(store, text: str) -> int:
    charter = load_brand("maison-lemoine", get_settings().brand_dir)
    campaign = create_campaign(store, "Soldes", "maison-lemoine")
    when = (now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    brief = add_brief(store, campaign.id, BRIEF, ["linkedin"], when, "alice")
    text = "\n\n".join([text, *charter.legal_for("linkedin")])  # the charter's own text
    row = save_variant(
        store, brief.id, Variant(platform="linkedin", text=text), charter, "fr", "alice"
    )
    submit(store, row.id, Actor("alice", "author"))
    return row.id


def test_a_changed_code_blocks_approval_until_overridden(store):
    variant_id = _variant(
        store, "Soldes d'hiver : -15 % avec le code HIVER25 jusqu'au 31 décembre."
    )
    info = describe(store, variant_id)
    changed = [f for f in info["facts"] if f["status"] == "changed"]
    assert changed == [
        {"kind": "code", "value": "HIVER15", "found": "HIVER25", "status": "changed"}
    ]
    with pytest.raises(WorkflowError) as refused:
        approve(store, variant_id, Actor("bob", "reviewer"), seen_version=info["text_version"])
    assert refused.value.key == "needs_override"
    row = approve(
        store,
        variant_id,
        Actor("bob", "reviewer"),
        seen_version=info["text_version"],
        override="code vérifié",
    )
    assert row.status == "approved" and row.override_reason == "code vérifié"


def test_a_faithful_rewording_approves_without_override(store):
    variant_id = _variant(store, "Jusqu'au 31 déc., profitez de 15 % de remise avec HIVER15 !")
    info = describe(store, variant_id)
    assert not [f for f in info["facts"] if f["status"] in ("changed", "invented")]
    row = approve(store, variant_id, Actor("bob", "reviewer"), seen_version=info["text_version"])
    assert row.status == "approved"


def test_a_kind_the_charter_requires_is_an_error_when_missing():
    """A dropped promo code is an error by default; `must_keep: []` makes it a warning."""
    from assistant.publishing.review import checks

    strict = load_brand("maison-lemoine", get_settings().brand_dir)
    assert strict.facts.must_keep == ["code"]
    charter = strict.model_validate({**strict.model_dump(), "facts": {"must_keep": []}})
    text = "Soldes d'hiver : -15 % jusqu'au 31 décembre, sur lemoine.example/soldes."
    lenient = {m.rule_id: m.severity for m in checks(text, charter, "linkedin", "fr", BRIEF)}
    required = {m.rule_id: m.severity for m in checks(text, strict, "linkedin", "fr", BRIEF)}
    assert lenient["FACT_MISSING"] == "warning" and required["FACT_MISSING"] == "error"
