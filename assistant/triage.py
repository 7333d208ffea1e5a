"""Triage of one comment, offline: language, sentiment, intent, FAQ entry, escalation rule,
priority and the time it is due by, from the brand's charter and `data/triage.yaml`.

Rules rather than a trained model because the team must be able to read why a comment was
ranked first, and fix it in a data file; a person can correct every label (kept in the
store), and a configured model can be asked instead (`triage_with_model`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import regex
import yaml

from . import abuse
from .charter import Charter
from .community import INTENTS, BusinessHours
from .language import detect
from .normal_form import normalise

RULES_FILE = Path(__file__).resolve().parent / "data" / "triage.yaml"
SENTIMENTS = ("negative", "neutral", "positive")
HOSTILE = ("complaint", "crisis", "abuse")
CAP = 3  # matches of one cue group counted at most
WORD_BEFORE = regex.compile(r"(\w+)\W*$")


@dataclass(frozen=True)
class Triage:
    """The labels of one comment."""

    language: str
    sentiment: str
    intent: str
    escalation: str | None
    faq: str | None
    priority: int
    due_at: datetime | None
    role: str | None = None  # who an escalated comment goes to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Group:
    intent: str
    weight: float
    pattern: regex.Pattern


@cache
def rules() -> dict[str, Any]:
    """The triage data file, read once."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def _bounded(alternatives: list[str]) -> regex.Pattern:
    """One pattern for a list of cues, each a whole word or phrase. A cue's edge that is not
    a letter ("?", an emoji) needs no boundary: "UK?" holds a question mark, "top😍" an emoji."""
    body = "|".join(f"(?:{a})" for a in alternatives)
    return regex.compile(rf"(?:(?<!\w)|(?=\W))(?:{body})(?:(?!\w)|(?<=\W))", regex.V0)


@cache
def _groups() -> tuple[_Group, ...]:
    found = []
    for name, group in rules()["cues"].items():
        intent = group.get("intent", name)
        found.append(_Group(intent, float(group["weight"]), _bounded(group["words"])))
    return tuple(found)


@cache
def _negators() -> frozenset[str]:
    return frozenset(rules()["negators"])


def _per_charter(build: Any) -> Any:
    """Cache what is built from a charter per charter object (charters hold lists, so they
    are not hashable; loaded charters are themselves cached, so the object is stable)."""
    built: dict[int, tuple[Charter, Any]] = {}

    def get(charter: Charter) -> Any:
        kept = built.get(id(charter))
        if kept is None or kept[0] is not charter:
            if len(built) > 64:
                built.clear()
            kept = built[id(charter)] = (charter, build(charter))
        return kept[1]

    return get


@_per_charter
def _escalation_patterns(charter: Charter) -> tuple[tuple[str, regex.Pattern], ...]:
    """Each rule's keywords as one pattern; a keyword also matches its plural and its
    inflected forms (hospitalised, piratée, sued) through the data file's endings."""
    endings = f"(?:{rules()['keyword_endings']})?"
    return tuple(
        (rule.name, _bounded([regex.escape(normalise(k)) + endings for k in rule.keywords]))
        for rule in charter.community.escalation
    )


def escalation_rule(plain: str, charter: Charter) -> str | None:
    """The first charter rule whose keywords the (normalised) comment holds."""
    for name, pattern in _escalation_patterns(charter):
        if pattern.search(plain):
            return name
    return None


def intent_scores(plain: str, language: str | None = None) -> dict[str, float]:
    """Each intent's weighted cue count; a praise cue right after a negator ("pas top",
    "not great") counts as a complaint. With the comment's language, the libraries' abuse
    signals are added."""
    scores = dict.fromkeys(INTENTS, 0.0)
    if language is not None:
        scores["abuse"] += abuse_signal(plain, language)
    for group in _groups():
        for count, found in enumerate(group.pattern.finditer(plain), 1):
            if count > CAP:
                break
            intent = group.intent
            if intent == "praise" and _negated(plain, found.start()):
                intent = "complaint"
            scores[intent] += group.weight
    return scores


@cache
def _insult_settings() -> tuple[dict[str, frozenset[str]], regex.Pattern | None]:
    table = rules()
    excluded = {lang: frozenset(words) for lang, words in table["not_insults"].items()}
    endings = table["signals"]["insults"].get("endings")
    return excluded, regex.compile(f"(?:{endings})$") if endings else None


def abuse_signal(plain: str, language: str) -> float:
    """The abuse weight the libraries give a (normalised) comment: the English profanity
    model over its threshold, and each listed insult of the comment's language."""
    signals = rules()["signals"]
    weight = 0.0
    model = signals["profanity_model"]
    if language in model["languages"] and abuse.profanity(plain) >= model["threshold"]:
        weight += float(model["weight"])
    listed = signals["insults"]
    if language in listed["languages"]:
        excluded, endings = _insult_settings()
        found = abuse.insults(plain, language, excluded.get(language, frozenset()), endings)
        weight += float(listed["weight"]) * min(len(found), int(listed["cap"]))
    return weight


def _negated(plain: str, start: int) -> bool:
    before = WORD_BEFORE.search(plain[max(0, start - 20) : start])
    return bool(before) and before.group(1) in _negators()


def choose_intent(scores: dict[str, float], sentiment_score: float) -> str:
    """The best-scored intent, ties broken by the data file's precedence; with no cue at
    all, the tone decides (praise, complaint, else a question to look at)."""
    order = rules()["precedence"]
    best = max(order, key=lambda i: (scores[i], -order.index(i)))
    if scores[best] > 0:
        return best
    bounds = rules()["sentiment"]
    if sentiment_score >= bounds["positive"]:
        return "praise"
    if sentiment_score <= bounds["negative"]:
        return "complaint"
    return "question"


@cache
def _analyser(lang: str) -> Any:
    """VADER for English, its French adaptation (vader_FR, vendored without its GPL helpers)
    for French: both lexicon-based, offline."""
    if lang == "fr":
        from .vendor.vader_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def sentiment_score(text: str, lang: str) -> float:
    """VADER's compound score (-1 … 1) in the comment's language."""
    return float(_analyser(lang).polarity_scores(text[:2000])["compound"])


def sentiment_of(score: float, intent: str) -> str:
    """Negative for complaints, crises and abuse whatever their wording (irony reads as
    praise to a lexicon), positive for praise, else the lexicon's reading."""
    if intent in HOSTILE:
        return "negative"
    if intent == "praise":
        return "positive"
    bounds = rules()["sentiment"]
    if score <= bounds["negative"]:
        return "negative"
    return "positive" if score >= bounds["positive"] else "neutral"


@_per_charter
def _faq_index(charter: Charter) -> tuple[list[str], list[str]]:
    questions, ids = [], []
    for entry in charter.community.faq:
        for question in entry.questions:
            questions.append(normalise(question))
            ids.append(entry.id)
    return questions, ids


def faq_match(plain: str, charter: Charter) -> str | None:
    """The FAQ entry one of whose questions the comment is close to (rapidfuzz), or None.

    Token-set similarity forgives word order, greetings and extra words around the question;
    at least two words in common are required so one shared word is never a match."""
    from rapidfuzz import fuzz, process, utils

    questions, ids = _faq_index(charter)
    if not questions:
        return None
    words = set(regex.findall(r"\w{3,}", plain))
    found = process.extractOne(
        plain,
        questions,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=rules()["faq_score"],
    )
    if found is None:
        return None
    _question, _score, index = found
    asked = set(regex.findall(r"\w{3,}", questions[index]))
    shared = [w for w in words if any(_close(w, q) for q in asked)]
    return ids[index] if len(shared) >= 2 else None


def _close(word: str, other: str) -> bool:
    """The same word, or one typo away from it ("temp" for "temps") when long enough."""
    from rapidfuzz.distance import Levenshtein

    if word == other:
        return True
    return min(len(word), len(other)) >= 4 and Levenshtein.distance(word, other) <= 1


def priority_of(intent: str, escalation: str | None) -> int:
    table = rules()
    return table["escalated_priority"] if escalation else int(table["priority"][intent])


def target_hours(intent: str, charter: Charter) -> float:
    hours = charter.community.response_hours.get(intent)
    return float(hours if hours is not None else rules()["default_hours"][intent])


def add_business_hours(
    start: datetime, hours: float, opening: BusinessHours, zone: str
) -> datetime:
    """`start` plus `hours` of the team's opening hours, in the brand's time zone: a comment
    written on Friday night is due on Monday morning, not on Saturday."""
    tz = ZoneInfo(zone or "UTC")
    moment = start.astimezone(tz)
    left = timedelta(hours=hours)
    for _ in range(400):  # a year of days is more than any target needs
        day_open = moment.replace(hour=opening.start.hour, minute=opening.start.minute, second=0)
        day_close = moment.replace(hour=opening.end.hour, minute=opening.end.minute, second=0)
        if moment.isoweekday() in opening.days and moment < day_close:
            moment = max(moment, day_open.replace(microsecond=0))
            if moment + left <= day_close:
                return (moment + left).astimezone(UTC)
            left -= day_close - moment
        moment = (moment + timedelta(days=1)).replace(
            hour=opening.start.hour, minute=opening.start.minute, second=0, microsecond=0
        )
    return (start + timedelta(hours=hours)).astimezone(UTC)


def due_at(created: datetime | None, intent: str, charter: Charter) -> datetime | None:
    if created is None:
        return None
    return add_business_hours(
        created, target_hours(intent, charter), charter.community.business_hours, charter.timezone
    )


def triage(
    text: str, charter: Charter, created: datetime | None = None, language: str | None = None
) -> Triage:
    """Every label of one comment, offline."""
    lang = language or detect(text, charter.language)
    plain = normalise(text)
    escalation = escalation_rule(plain, charter)
    rule = charter.community.rule(escalation)
    score = sentiment_score(text, lang)
    scores = intent_scores(plain, lang)
    faq = faq_match(plain, charter)
    if faq is not None:  # asking what the FAQ answers is a question, even without "?"
        scores["question"] += float(rules()["faq_weight"])
    intent = "crisis" if rule is not None and rule.crisis else choose_intent(scores, score)
    faq = None if intent in ("spam", "abuse") else faq
    return Triage(
        language=lang,
        sentiment=sentiment_of(score, intent),
        intent=intent,
        escalation=escalation,
        faq=faq,
        priority=priority_of(intent, escalation),
        due_at=due_at(created, intent, charter),
        role=rule.role if rule else None,
    )


@dataclass(frozen=True)
class ModelReading:
    """What the model said about one comment's intent: `intent` is its answer when that is
    one of the intents (then it is used), `error` why it gave no answer at all. Kept apart
    from the labels so a failed or unclear model is reported instead of passing unseen."""

    intent: str | None = None
    answer: str = ""
    error: str | None = None


def triage_with_model(
    text: str,
    charter: Charter,
    provider: Any,
    network: str = "",
    created: datetime | None = None,
    language: str | None = None,
) -> Triage:
    """The offline labels, with the intent asked of a model when the rules found no crisis.

    The charter's escalation rules always stand: a model may read a comment better, it may
    not talk a crisis down. An answer that is not one of the intents keeps the rules' label.
    """
    return read_with_model(text, charter, provider, network, created, language)[0]


def read_with_model(
    text: str,
    charter: Charter,
    provider: Any,
    network: str = "",
    created: datetime | None = None,
    language: str | None = None,
) -> tuple[Triage, ModelReading | None]:
    """`triage_with_model`'s labels and what the model said (None: it was not asked, as
    without a provider or for a comment the rules escalate)."""
    labels = triage(text, charter, created, language)
    if provider is None or labels.escalation or labels.intent == "crisis":
        return labels, None
    reading = _ask_intent(text, charter, provider, network)
    asked = reading.intent
    if asked is None or asked == labels.intent:
        return labels, reading
    score = sentiment_score(text, labels.language)
    return Triage(
        language=labels.language,
        sentiment=sentiment_of(score, asked),
        intent=asked,
        escalation=None,
        faq=None if asked in ("spam", "abuse") else labels.faq,
        priority=priority_of(asked, None),
        due_at=due_at(created, asked, charter),
        role=None,
    ), reading


def _ask_intent(text: str, charter: Charter, provider: Any, network: str) -> ModelReading:
    """The model's reading of the comment's intent. A model that fails (down, slow, broken
    reply) leaves the rules' labels in place: the failure is logged and returned, for the
    import to report, and never raised (one comment must not stop a whole import)."""
    import asyncio
    import logging

    from .prompts import render
    from .settings import get_settings

    system = render("system.j2", charter, language=charter.language, legal=[])
    user = render("triage.j2", charter, network=network or "a social network", comment=text)

    async def ask() -> Any:
        return await asyncio.wait_for(provider.generate(system, user), get_settings().timeout)

    try:
        answer = asyncio.run(ask()).text or ""
    except Exception as exc:  # reported by the import, see the docstring
        logging.getLogger(__name__).warning("model triage failed: %s", exc)
        return ModelReading(error=f"{type(exc).__name__}: {exc}"[:200])
    word = regex.sub(r"[^a-z]", "", answer.strip().lower().split()[0]) if answer.strip() else ""
    return ModelReading(intent=word if word in INTENTS else None, answer=answer.strip()[:80])


def time_left(due: datetime | None, at: datetime | None = None) -> timedelta | None:
    """Time until the comment is due (negative: late)."""
    if due is None:
        return None
    return due - (at or datetime.now(UTC))
