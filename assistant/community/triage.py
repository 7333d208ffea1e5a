# Longer than 400 lines: one comment's triage read in order (language, cues, heads, escalation, FAQ, priority, due time), so a reader follows why a comment ranks first.
"""Triage of one comment, offline: language, sentiment, intent, FAQ entry, escalation rule,
priority and the time it is due by, from the brand's charter and `data/triage.yaml`.

Rules rather than a trained model because the team must be able to read why a comment was
ranked first, and fix it in a data file; a person can correct every label (kept in the
store), and a configured model can be asked instead (`read_with_model`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import regex

from ..core.charter import Charter
from ..core.language import _function_words, detect
from . import abuse, safety, triage_heads
from .charter_section import INTENTS, BusinessHours
from .normal_form import normalise
from .triage_rules import insult_settings as _insult_settings
from .triage_rules import rules

SENTIMENTS = ("negative", "neutral", "positive")
HOSTILE = ("complaint", "crisis", "abuse")
CAP = 3  # matches of one cue group counted at most
WORD_BEFORE = regex.compile(r"(\w+)\W*$")
LONG_WORD = regex.compile(r"\w{3,}")  # the words a FAQ question and a comment may share


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
    topic: str | None = None  # the safety topic found (assistant/community/safety.py), if any
    model_error: str | None = None  # why a configured model gave no second opinion

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Group:
    intent: str
    weight: float
    pattern: re.Pattern


def _bounded(alternatives: list[str]) -> re.Pattern:
    """One pattern for a list of cues, each a whole word or phrase. A cue's edge that is not
    a letter ("?", an emoji) needs no boundary: "UK?" holds a question mark, "top😍" an emoji.
    Compiled by the standard library's engine: twice as fast as `regex` on these patterns,
    which read every comment (the one difference, an emoji's variation selector being a
    word character to `regex` only, moves where a cue ends, never whether it is found)."""
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(rf"(?:(?<!\w)|(?=\W))(?:{body})(?:(?!\w)|(?<=\W))")


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
def _escalation_patterns(charter: Charter) -> tuple[tuple[str, re.Pattern], ...]:
    """Each rule's keywords as one pattern; a keyword also matches its plural and its
    inflected forms (hospitalised, piratée, sued) through the data file's endings."""
    endings = f"(?:{rules()['keyword_endings']})?"
    return tuple(
        (rule.name, _bounded([re.escape(normalise(k)) + endings for k in rule.keywords]))
        for rule in charter.community.escalation
    )


def escalation_rule(plain: str, charter: Charter) -> str | None:
    """The first charter rule whose keywords the (normalised) comment holds, outside the
    idioms that only sound alarming ("j'en suis malade" is not a health rule's "malade")."""
    patterns = _escalation_patterns(charter)
    if not any(pattern.search(plain) for _name, pattern in patterns):
        return None
    plain = safety.without_idioms(plain)
    for name, pattern in patterns:
        if pattern.search(plain):
            return name
    return None


def escalation_of(text: str, plain: str, charter: Charter) -> tuple[str | None, str | None]:
    """The escalation of a comment and its safety topic: the first topic it raises
    (`assistant/community/safety.py`, which no charter switches off) under the charter rule the topic
    is routed to (the topic itself when not routed), else the first charter rule whose
    keywords it holds."""
    found = safety.findings(text, charter.community, plain)
    if found:
        topic = found[0].topic
        return charter.community.safety.routes.get(topic, topic), topic
    return escalation_rule(plain, charter), None


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


@lru_cache(maxsize=4096)
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
    for intent in rules()["always_first"]:  # praise never outweighs a crisis
        if scores[intent] > 0:
            return intent
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
        from ..vendor.vader_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def sentiment_score(text: str, lang: str) -> float:
    """VADER's compound score (-1 … 1) in the comment's language."""
    return float(_analyser(lang).polarity_scores(text[:2000])["compound"])


def heads_reading(
    plain: str, language: str, score: float, scores: dict[str, float]
) -> triage_heads.Reading | None:
    """The learned heads' reading of the comment (None when they are turned off, cannot be
    loaded, or do not know its language): the rules' cue scores are among what they read."""
    if not rules()["heads"]["enabled"]:
        return None
    heads = triage_heads.available()
    if heads is None:
        return None
    cues = {k: v for k, v in scores.items() if k != "abuse"}
    return triage_heads.read(plain, language, score, cues, heads)


def weigh_heads(
    scores: dict[str, float], reading: triage_heads.Reading | None, language: str
) -> dict[str, float]:
    """The cue scores with the heads' votes: a head at or above its threshold (picked on the
    validation splits, see the model card) counts like a cue group of the data file's weight."""
    if reading is None:
        return scores
    weights, cuts = rules()["heads"], triage_heads.available().thresholds
    weighed = dict(scores)
    if reading.offensive >= cuts[f"offensive_{language}"]:
        weighed["abuse"] += float(weights["abuse"])
    if reading.complaint >= cuts["complaint"]:
        weighed["complaint"] += float(weights["complaint"])
    return weighed


def sentiment_of(score: float, intent: str, reading: triage_heads.Reading | None = None) -> str:
    """Negative for complaints, crises and abuse whatever their wording (irony reads as
    praise to a lexicon), positive for praise, else the heads' reading (the lexicon's when
    there are no heads)."""
    if intent in HOSTILE:
        return "negative"
    if intent == "praise":
        return "positive"
    if reading is not None:
        return reading.sentiment_label
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


@_per_charter
def _faq_processed(charter: Charter) -> list[str]:
    """The FAQ questions as rapidfuzz's default processing leaves them."""
    from rapidfuzz import utils

    return [utils.default_process(q) for q in _faq_index(charter)[0]]


def faq_match(plain: str, charter: Charter) -> str | None:
    """The FAQ entry one of whose questions the comment is close to (rapidfuzz), or None.

    Token-set similarity forgives word order, greetings and extra words around the question;
    at least two words in common are required so one shared word is never a match."""
    from rapidfuzz import fuzz, process, utils

    questions, ids = _faq_index(charter)
    if not questions:
        return None
    words = set(LONG_WORD.findall(plain))
    found = process.extractOne(  # the questions processed once, the comment here
        utils.default_process(plain),
        _faq_processed(charter),
        scorer=fuzz.token_set_ratio,
        score_cutoff=rules()["faq_score"],
    )
    if found is not None:
        _question, _score, index = found
        asked = set(LONG_WORD.findall(questions[index]))
        shared = [w for w in words if any(_close(w, q) for q in asked)]
        if len(shared) >= 2:
            return ids[index]
    return _faq_by_subject(plain, charter)


@_per_charter
def _faq_subjects(charter: Charter) -> dict[str, frozenset[str]]:
    """FAQ entry -> the subject words of its questions (function and filler words left out)."""
    return {
        entry.id: frozenset(w for q in entry.questions for w in _subject_words(normalise(q)))
        for entry in charter.community.faq
    }


@cache
def _not_subject() -> frozenset[str]:
    words = {normalise(str(w)) for known in _function_words().values() for w in known}
    return frozenset(words | {normalise(w) for w in rules().get("faq_filler", ())})


def _subject_words(plain: str) -> set[str]:
    return {w for w in LONG_WORD.findall(plain) if w not in _not_subject()}


def _kin(word: str, other: str) -> bool:
    """The same word, a typo away, or the same start ("livrez", "livraison"; "ship",
    "shipping") over enough of the shorter word."""
    if _close(word, other):
        return True
    common = next(
        (i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b),
        min(len(word), len(other)),
    )
    return common >= 4 and common >= rules()["faq_kin_share"] * min(len(word), len(other))


@_per_charter
def _faq_kin_entries(charter: Charter) -> Any:
    """A lookup of the FAQ entries whose questions hold a kin word of a given word, kept per
    word (words repeat from comment to comment; comparing each with every question word is
    most of the FAQ's cost otherwise)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    subjects = _faq_subjects(charter)
    vocabulary = sorted({v for words in subjects.values() for v in words})
    by_start: dict[str, list[str]] = {}
    for v in vocabulary:
        by_start.setdefault(v[:4], []).append(v)

    @lru_cache(maxsize=50_000)
    def holders(word: str) -> tuple[str, ...]:
        # `_kin` of the word and each question word, with the loops in rapidfuzz: the words
        # one typo away, and those sharing a start of 4 letters or more (so its first 4)
        typo = process.extract(
            word, vocabulary, scorer=Levenshtein.distance, score_cutoff=1, limit=None
        )
        kin = {v for v, _d, _i in typo if _close(word, v)}
        kin.update(v for v in by_start.get(word[:4], ()) if len(word) >= 4 and _kin(word, v))
        return tuple(e for e, words in subjects.items() if not kin.isdisjoint(words))

    return holders


def _faq_by_subject(plain: str, charter: Charter) -> str | None:
    """The FAQ entry a comment asks about in its own words, place names and all: each of its
    subject words scores for the entries whose questions hold a kin word (shared among them);
    the best entry wins when it scores enough (more for a comment that is not a question),
    ties going to the entry with the closest question."""
    from rapidfuzz import fuzz

    subjects = _faq_subjects(charter)
    scores = dict.fromkeys(subjects, 0.0)
    kin_entries = _faq_kin_entries(charter)
    for word in _subject_words(plain):
        holders = kin_entries(word)
        for entry in holders:
            scores[entry] += 1 / len(holders)
    needed = float(rules()["faq_words_needed"]) * (1 if "?" in plain else 2)
    candidates = [e for e, score in scores.items() if score >= needed]
    if not candidates:
        return None
    questions, ids = _faq_index(charter)

    def closeness(entry: str) -> float:
        return max(
            fuzz.token_set_ratio(plain, q)
            for q, i in zip(questions, ids, strict=True)
            if i == entry
        )

    return max(candidates, key=lambda entry: (scores[entry], closeness(entry)))


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
    """When the reply is due: a crisis cannot wait for the shop to open, so its target runs on
    the wall clock; the other intents count the team's business hours."""
    if created is None:
        return None
    if intent in rules().get("wall_clock", ()):
        return (created + timedelta(hours=target_hours(intent, charter))).astimezone(UTC)
    return add_business_hours(
        created, target_hours(intent, charter), charter.community.business_hours, charter.timezone
    )


def triage(
    text: str,
    charter: Charter,
    created: datetime | None = None,
    language: str | None = None,
    brand_heads: dict[str, Any] | None = None,
) -> Triage:
    """Every label of one comment, offline; with the brand's learned heads (`brand_heads`:
    what its team's corrections taught), the intent and sentiment they adjust."""
    lang = language or detect(text, charter.language)
    plain = normalise(text)
    escalation, topic = escalation_of(text, plain, charter)
    rule = charter.community.rule(escalation)
    score = sentiment_score(text, lang)
    scores = intent_scores(plain, lang)
    reading = heads_reading(plain, lang, score, scores)
    scores = weigh_heads(scores, reading, lang)
    faq = faq_match(plain, charter)
    if faq is not None:  # asking what the FAQ answers is a question, even without "?"
        scores["question"] += float(rules()["faq_weight"])
    tone = score if reading is None else float(reading.sentiment_label == "positive")
    intent = "crisis" if rule is not None and rule.crisis else choose_intent(scores, tone)
    sentiment = sentiment_of(score, intent, reading)
    # the charter's crisis rules and the safety topics always stand: learned heads adjust
    # only what nothing escalates
    if brand_heads and intent != "crisis" and escalation is None:
        intent, sentiment = _adjusted(brand_heads, plain, lang, reading, intent, sentiment)
    faq = None if intent in ("spam", "abuse") else faq
    return Triage(
        language=lang,
        sentiment=sentiment,
        intent=intent,
        escalation=escalation,
        faq=faq,
        priority=priority_of(intent, escalation),
        due_at=due_at(created, intent, charter),
        role=rule.role if rule else None,
        topic=topic,
    )


@dataclass(frozen=True)
class ModelReading:
    """What the model said about one comment's intent: `intent` is its answer when that is
    one of the intents (then it is used), `error` why it gave no answer at all. Kept apart
    from the labels so a failed or unclear model is reported instead of passing unseen."""

    intent: str | None = None
    answer: str = ""
    error: str | None = None
    topic: str | None = None  # the safety topic named with a crisis
    used: bool = False  # the answer changed the labels (it never lowers them)


def _adjusted(
    heads: dict[str, Any],
    plain: str,
    language: str,
    reading: triage_heads.Reading | None,
    intent: str,
    sentiment: str,
) -> tuple[str, str]:
    """Intent and sentiment as the brand's own heads adjust the base labels."""
    from .triage_heads import Example

    if "intent" in heads:
        intent = heads["intent"].predict(Example(plain, language, reading, intent, ""))
    if "sentiment" in heads:
        sentiment = heads["sentiment"].predict(Example(plain, language, reading, sentiment, ""))
    return intent, sentiment


def read_with_model(
    text: str,
    charter: Charter,
    provider: Any,
    network: str = "",
    created: datetime | None = None,
    language: str | None = None,
    brand_heads: dict[str, Any] | None = None,
) -> tuple[Triage, ModelReading | None]:
    """The offline labels, with a model's second opinion when one is configured, and what the
    model said (None: it was not asked, as without a provider or for a comment the rules
    escalate).

    The model may raise the priority (an intent at least as urgent as the rules' one) or add
    an escalation (a crisis and one of the safety topics); it never lowers either: the rules'
    escalation always stands, and a less urgent answer leaves the rules' labels. A model that
    fails or answers something unreadable leaves the rules' labels too, and says so in
    `model_error` (logged, and counted by the import)."""
    labels = triage(text, charter, created, language, brand_heads)
    if provider is None or labels.escalation:
        return labels, None
    reading = _ask_intent(text, charter, provider, network)
    if reading.error is not None or reading.intent is None:
        problem = reading.error or f"the model answered {reading.answer[:60]!r}, not an intent"
        logging.getLogger(__name__).warning("model triage gave no opinion: %s", problem)
        return replace(labels, model_error=problem), reading
    if reading.topic is not None:
        escalation = charter.community.safety.routes.get(reading.topic, reading.topic)
        rule = charter.community.rule(escalation)
        asked = "crisis" if rule is not None and rule.crisis else labels.intent
        relabelled = _relabelled(labels, text, charter, created, asked, escalation, reading.topic)
        return relabelled, replace(reading, used=True)
    if reading.intent != labels.intent and priority_of(reading.intent, None) <= labels.priority:
        relabelled = _relabelled(labels, text, charter, created, reading.intent, None, None)
        return relabelled, replace(reading, used=True)
    return labels, reading


def _relabelled(
    labels: Triage,
    text: str,
    charter: Charter,
    created: datetime | None,
    intent: str,
    escalation: str | None,
    topic: str | None,
) -> Triage:
    """The rules' labels with the model's more urgent intent (and escalation)."""
    rule = charter.community.rule(escalation)
    return replace(
        labels,
        sentiment=sentiment_of(sentiment_score(text, labels.language), intent),
        intent=intent,
        escalation=escalation,
        faq=None if intent in ("spam", "abuse") else labels.faq,
        priority=priority_of(intent, escalation),
        due_at=due_at(created, intent, charter),
        role=rule.role if rule else None,
        topic=topic,
    )


def _ask_intent(text: str, charter: Charter, provider: Any, network: str) -> ModelReading:
    """The model's reading of the comment's intent and, for a crisis, the safety topic it
    names. A model that fails (down, slow, broken reply) is returned as an error, for the
    caller to report and keep the rules' labels: one comment must not stop a whole import."""
    import asyncio

    from ..core.prompts import render
    from ..core.settings import get_settings

    topics = list(charter.community.safety_rules)
    system = render("system.j2", charter, language=charter.language, legal=[])
    user = render(
        "triage.j2",
        charter,
        network=network or "a social network",
        comment=text,
        topics=topics,
    )

    async def ask() -> Any:
        return await asyncio.wait_for(provider.generate(system, user), get_settings().timeout)

    try:
        answer = asyncio.run(ask()).text or ""
    except Exception as exc:  # reported by the caller, see the docstring
        return ModelReading(error=f"{type(exc).__name__}: {exc}"[:300])
    words = [regex.sub(r"[^a-z_-]", "", w) for w in answer.strip().lower().split()]
    intent = words[0] if words and words[0] in INTENTS else None
    topic = next((w for w in words[1:] if w in topics), None) if intent == "crisis" else None
    return ModelReading(intent=intent, topic=topic, answer=answer.strip()[:80])


def time_left(due: datetime | None, at: datetime | None = None) -> timedelta | None:
    """Time until the comment is due (negative: late)."""
    if due is None:
        return None
    return due - (at or datetime.now(UTC))
