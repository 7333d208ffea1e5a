"""The charter's `community` section: how the brand answers its community.

FAQ answers, saved replies, escalation rules, response-time targets in business hours, what a
reply must never promise, and the reply's signature and address form. Validated as strictly
as the rest of the charter: a misspelt rule silently ignored is a crisis silently missed.
"""

from __future__ import annotations

import string
from datetime import time
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

INTENTS = ("question", "complaint", "praise", "suggestion", "spam", "abuse", "crisis")
Intent = Literal["question", "complaint", "praise", "suggestion", "spam", "abuse", "crisis"]
NAME = r"^[a-z0-9][a-z0-9_-]*$"
ESCALATED = "escalated"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaqEntry(_Strict):
    """A question the community asks often, in a few wordings, and the approved answer."""

    id: str = Field(pattern=NAME)
    questions: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)


class SavedReply(_Strict):
    """A reply written once and reused; `{first_name}`, `{order_id}`… are filled per comment
    (an unknown value stays visible as `[order_id]` so nobody sends a blank)."""

    id: str = Field(pattern=NAME)
    intents: list[Intent] = Field(min_length=1)
    text: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _plain_variables(cls, value: str) -> str:
        try:
            fields = [f for _, f, _spec, _conv in string.Formatter().parse(value) if f is not None]
        except ValueError as exc:
            raise ValueError(
                f"braces do not pair up ({exc}); write a variable as {{name}}"
            ) from None
        for name in fields:
            if not regex.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ValueError(f"variable {{{name}}} must be a plain lower-case name")
        return value

    @property
    def variables(self) -> list[str]:
        return [f for _, f, _s, _c in string.Formatter().parse(self.text) if f]


class EscalationRule(_Strict):
    """Words that send a comment to a named role: the draft is an internal note for them, never
    a public reply alone. `crisis: true` rules also make the comment's intent `crisis`."""

    name: str = Field(pattern=NAME)
    role: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    crisis: bool = True
    # how the rule and the role are shown to people, per language ({fr: santé, en: health});
    # the name and the role themselves when a language is missing
    title: dict[Literal["fr", "en"], str] = {}
    role_title: dict[Literal["fr", "en"], str] = {}

    def title_in(self, lang: str) -> str:
        """The rule's name as a person reads it in `lang`."""
        return self.title.get(lang) or self.name  # type: ignore[call-overload]

    def role_in(self, lang: str) -> str:
        """The role's name as a person reads it in `lang`."""
        return self.role_title.get(lang) or self.role  # type: ignore[call-overload]


class NeverPromise(_Strict):
    """Something a reply must never promise (a refund, a legal admission): patterns are
    regular expressions matched without regard to case or accents."""

    name: str = Field(pattern=NAME)
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                regex.compile(pattern)
            except regex.error as exc:
                raise ValueError(
                    f"pattern {pattern[:60]!r} is not a regular expression: {exc}"
                ) from None
        return patterns


class BusinessHours(_Strict):
    """When the team answers, in the charter's time zone (1 = Monday … 7 = Sunday)."""

    days: list[int] = Field(default=[1, 2, 3, 4, 5], min_length=1)
    start: time = time(9, 0)
    end: time = time(18, 0)

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if any(d < 1 or d > 7 for d in self.days):
            raise ValueError("days are numbers from 1 (Monday) to 7 (Sunday)")
        if self.end <= self.start:
            raise ValueError("end must be later than start")
        return self


class Community(_Strict):
    """The whole section; every field has a default so a charter without it still loads."""

    address: Literal["tu", "vous", "you"] | None = None  # default: voice.address
    signature: str = ""
    faq: list[FaqEntry] = []
    saved_replies: list[SavedReply] = []
    escalation: list[EscalationRule] = []
    never_promise: list[NeverPromise] = []
    business_hours: BusinessHours = BusinessHours()
    response_hours: dict[Intent, float] = {}
    second_approver: list[Intent | Literal["escalated"]] = ["complaint", "crisis", ESCALATED]

    @field_validator("response_hours")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        for intent, hours in value.items():
            if hours <= 0:
                raise ValueError(f"{intent}: a target is a number of hours above 0")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> Community:
        for field, names in (
            ("faq", [f.id for f in self.faq]),
            ("saved_replies", [s.id for s in self.saved_replies]),
            ("escalation", [e.name for e in self.escalation]),
        ):
            seen = {n for n in names if names.count(n) > 1}
            if seen:
                raise ValueError(f"{field}: the name {sorted(seen)[0]!r} is used twice")
        return self

    def needs_second_approver(self, intent: str, escalation: str | None) -> bool:
        """Whether a reply to this comment must be approved by someone who did not write it."""
        return intent in self.second_approver or (
            escalation is not None and ESCALATED in self.second_approver
        )

    def rule(self, name: str | None) -> EscalationRule | None:
        return next((r for r in self.escalation if r.name == name), None)
