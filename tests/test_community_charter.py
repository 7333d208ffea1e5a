"""The charter's `community` section: both brands carry one; a broken rule names its field."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand

from .test_charter import BRANDS, _broken


@pytest.mark.parametrize("slug", ["maison-lemoine", "trailforge"])
def test_both_brands_answer_their_community(slug):
    community = load_brand(slug, BRANDS).community
    assert community.faq and community.saved_replies and community.never_promise
    assert {r.name for r in community.escalation if r.crisis}, "a crisis rule is configured"
    assert community.response_hours["crisis"] < community.response_hours["praise"]
    assert community.needs_second_approver("complaint", None)
    assert community.needs_second_approver("question", community.escalation[0].name)


def _bad_pattern(d):
    d["community"]["never_promise"][0]["patterns"] = ["rembours(ement"]


def _bad_variable(d):
    d["community"]["saved_replies"][0]["text"] = "Merci {First Name} !"


def _twice(d):
    d["community"]["faq"].append(dict(d["community"]["faq"][0]))


def _unknown_intent(d):
    d["community"]["response_hours"]["rant"] = 2


def _hours(d):
    d["community"]["business_hours"] = {"start": "18:00", "end": "09:00"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (_bad_pattern, "community.never_promise.0.patterns", "not a regular expression"),
        (_bad_variable, "community.saved_replies.0.text", "plain lower-case name"),
        (_twice, "community", "used twice"),
        (_unknown_intent, "community.response_hours.rant", "question"),
        (_hours, "community.business_hours", "later than start"),
    ],
    ids=["pattern", "variable", "duplicate", "intent", "hours"],
)
def test_broken_community_section_names_the_field(tmp_path, change, field, words):
    path = _broken(tmp_path, change)
    result = CliRunner().invoke(app, ["brands", "--validate", str(path)])
    assert result.exit_code == 1
    assert field in result.stderr and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
