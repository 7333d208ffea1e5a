"""The charter's `community` section: how the brand answers its community.

FAQ answers, saved replies, escalation rules, response-time targets in business hours, what a
reply must never promise, and the reply's signature and address form. Validated as strictly
as the rest of the charter: a misspelt rule silently ignored is a crisis silently missed.
"""

from __future__ import annotations

import string
from datetime import time
from functools import cached_property
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

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


# keys and values by which a charter might try to switch a built-in safety topic off
SWITCH_OFF_KEYS = ("disable", "disabled", "remove", "removed", "exclude", "off", "ignore", "skip")
SWITCH_OFF_VALUES = (None, False, "", "none", "off", "disabled", "ignore", "no")


def _kept(topic: str) -> PydanticCustomError:
    """The worded refusal of a charter that tries to remove a built-in safety topic."""
    return PydanticCustomError(
        "safety_topic_kept",
        "the built-in safety topic {topic!r} cannot be switched off; route it to a role instead",
        {"topic": topic},
    )


class SafetyTopic(_Strict):
    """A topic the brand adds to the built-in ones: its words (matched like an escalation
    rule's keywords, by their stems) and how people read its name."""

    words: list[str] = Field(min_length=1)
    title: dict[Literal["fr", "en"], str] = {}
    crisis: bool = True


class SupportLine(_Strict):
    """The suicide-prevention line of the brand's country, given in the internal note of a
    comment that may be self-harm (3114 in France, Samaritans 116 123 in the UK, 988 in the
    US): the team passes it on privately, never as an automated public reply."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    line: str = Field(min_length=1)


class Alerts(_Strict):
    """A burst: `threshold` comments on one topic within `window_minutes` raise one alert."""

    threshold: int = Field(default=5, ge=2)
    window_minutes: int = Field(default=60, ge=1)


class Safety(_Strict):
    """What the charter adds to the built-in safety layer (`assistant/data/safety.yaml`):
    `routes` sends a topic to one of the charter's escalation rules (its role), `words` adds
    words to a built-in topic, `topics` adds topics. Nothing here removes a built-in topic."""

    routes: dict[str, str] = {}
    words: dict[str, list[str]] = {}
    topics: dict[str, SafetyTopic] = {}

    @model_validator(mode="before")
    @classmethod
    def _nothing_switched_off(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        for key in SWITCH_OFF_KEYS:
            if key in value:
                listed = value[key]
                names = listed if isinstance(listed, list) else [listed]
                raise _kept(str(names[0]) if names else key)
        for topic, role in (value.get("routes") or {}).items():
            if role in SWITCH_OFF_VALUES:
                raise _kept(str(topic))
        return value

    @model_validator(mode="after")
    def _known_topics(self) -> Safety:
        from .safety import builtin_topics

        builtin = builtin_topics()
        for name in self.topics:
            if not regex.fullmatch(NAME, name):
                raise ValueError(f"topic {name!r}: a name is lower case letters, digits, - or _")
            if name in builtin:
                raise ValueError(
                    f"topic {name!r} is built in; add words to it under safety.words instead"
                )
        known = {*builtin, *self.topics}
        for field, names in (("routes", self.routes), ("words", self.words)):
            unknown = [n for n in names if n not in known]
            if unknown:
                raise ValueError(
                    f"{field}: no safety topic {unknown[0]!r}; expected one of {', '.join(known)}"
                )
        return self


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
    safety: Safety = Safety()
    support_line: SupportLine | None = None
    alerts: Alerts = Alerts()

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
        rules = [e.name for e in self.escalation]
        for topic, rule in self.safety.routes.items():
            if rule not in rules:
                raise ValueError(
                    f"safety.routes.{topic}: no escalation rule {rule!r}; "
                    f"expected one of {', '.join(rules) or '(none: add an escalation rule)'}"
                )
        return self

    def needs_second_approver(self, intent: str, escalation: str | None) -> bool:
        """Whether a reply to this comment must be approved by someone who did not write it."""
        return intent in self.second_approver or (
            escalation is not None and ESCALATED in self.second_approver
        )

    def rule(self, name: str | None) -> EscalationRule | None:
        """The escalation rule of this name: one of the charter's, or a safety topic seen as
        a rule (its titles, and the role of the charter rule it is routed to, else its own)."""
        own = next((r for r in self.escalation if r.name == name), None)
        if own is not None or name is None:
            return own
        return self.safety_rules.get(name)

    @cached_property
    def safety_rules(self) -> dict[str, EscalationRule]:
        """Every safety topic (built in, then the charter's own) as an escalation rule."""
        from .safety import charter_topics

        found = {}
        for topic in charter_topics(self)[0]:
            routed = next(
                (r for r in self.escalation if r.name == self.safety.routes.get(topic.name)), None
            )
            found[topic.name] = EscalationRule(
                name=topic.name,
                role=routed.role if routed else topic.role,
                keywords=[topic.name],
                crisis=topic.crisis,
                title=topic.title,
                role_title=routed.role_title if routed else topic.role_title,
            )
        return found
