# Longer than 400 lines: one detector whose steps (word classes, stems, topic patterns, idioms, negations) are read and tuned together.
"""The safety layer: the comments a community manager must never miss (injury, choking,
illness, fire, harm to a child or a pet, threats, self-harm, fraud in the brand's name, a
taken-over account, exposed personal data, legal action, the press), found in French and
English whatever the charter says.

A list of phrasings cannot be complete ("broke my ankle" is listed, "broke my wrist" is
not), so topics are read from word classes (`data/safety.yaml`): a body part near a harm
word, a medical place near an event, a request for a card number near a text message.
Each word is looked up by its Snowball stems in both languages, once per distinct word (the
lookups are cached), and the patterns are compiled once, so the layer costs a few tens of
microseconds per comment. Idioms that only sound alarming ("une tuerie", "killer deal"),
negations ("no one was hurt") and questions that report nothing ("does it contain nuts?")
are set aside; when unsure, it escalates.

A charter routes each topic to one of its roles and may add topics and words; it never
removes a built-in topic (`assistant/community/charter_section.py` refuses that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

import regex

from ..core.data_files import data_file

SELF_HARM = "self_harm"
CACHED = 200_000  # distinct words (and pairs of words) whose lookups are kept
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
ELISION = r"(?<![\p{L}\p{N}])(?:qu|[cdjlmnst])'"
# an English possessive or "is" ("customer's", "it's") is a word of its own, so "another
# customer" is found in "another customer's"
TOKEN = regex.compile(rf"{ELISION}|[\p{{L}}\p{{N}}]+(?:&[\p{{L}}\p{{N}}]+)*(?:'(?:ll|re|ve|d|m))?")
SENTENCE = re.compile(r"[^.!?…;\n]+[.!?…;]*")
NOT = regex.compile(r"\b(can|won|ai|sha)n't\b|n't\b")


def data() -> dict[str, Any]:
    """The safety data file, read once."""
    return data_file("safety.yaml")


@dataclass(frozen=True)
class Topic:
    """A topic: its titles and default role per language, and the word classes that raise it."""

    name: str
    title: dict[str, str]
    role: str
    role_title: dict[str, str]
    crisis: bool = True
    questions: bool = True  # a question that reports nothing raises it too
    negation: bool = True  # "no one was hurt" does not raise it
    any: tuple[str, ...] = ()
    near: tuple[tuple[tuple[str, ...], int], ...] = ()  # (classes, window in words)
    builtin: bool = True
    # the classes one of which a comment must hold for the topic to be raised
    starts: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        firsts = (group[0] for group, _window in self.near)
        object.__setattr__(self, "starts", frozenset((*self.any, *firsts)))


@cache
def builtin_topics() -> dict[str, Topic]:
    """The built-in topics, in the order that labels a comment holding several."""
    table = data()
    found = {}
    for name in table["order"]:
        spec = table["topics"][name]
        found[name] = Topic(
            name=name,
            title=dict(spec["title"]),
            role=spec["role"]["name"],
            role_title={k: v for k, v in spec["role"].items() if k != "name"},
            crisis=bool(spec.get("crisis", True)),
            questions=bool(spec.get("questions", True)),
            negation=bool(spec.get("negation", True)),
            any=tuple(spec.get("any", ())),
            near=tuple(_group(g, int(table["window"])) for g in spec.get("near", ())),
        )
    return found


def _group(spec: list[str] | dict[str, Any], window: int) -> tuple[tuple[str, ...], int]:
    """A `near` group: a list of classes, or `{with: [classes], window: N}`."""
    if isinstance(spec, dict):
        return tuple(spec["with"]), int(spec.get("window", window))
    return tuple(spec), window


# ---- words --------------------------------------------------------------------------------


def plain(text: str, normalised: str | None = None) -> str:
    """Lower case, accents removed, one apostrophe, "n't" as " not": the form entries use.
    `normalised`: the text already through `triage.normalise` (the triage has it)."""
    from .normal_form import normalise

    text = (normalised if normalised is not None else normalise(text)).translate(APOSTROPHES)
    return NOT.sub(lambda m: f"{m.group(1) or ''} not", text)


def tokens(text: str) -> list[str]:
    """The words of a plain text; a French elision ("l'", "qu'") is a word of its own."""
    return TOKEN.findall(text)


@cache
def _stemmers() -> tuple[Any, Any]:
    import snowballstemmer

    return snowballstemmer.stemmer("french"), snowballstemmer.stemmer("english")


PARTICIPLE = regex.compile(r"e(e?s?)$")


@lru_cache(maxsize=CACHED)
def stems(word: str) -> frozenset[tuple[str, str]]:
    """A word's keys: its French and English Snowball stems, and itself. Words are read
    without accents, which the French stemmer needs for participles ("embrasée" but
    "embrasee"), so a final -e, -ee, -es, -ees is also stemmed as -é, -ée, -és, -ées."""
    from .normal_form import normalise

    if word.isascii() and word.isdigit():  # a number stems to itself in both languages
        return frozenset({("fr", word), ("en", word), ("=", word)})
    french, english = _stemmers()
    keys = {("fr", french.stemWord(word)), ("en", english.stemWord(word)), ("=", word)}
    accented = PARTICIPLE.sub(r"é\1", word)
    if accented != word:
        keys.add(("fr", normalise(french.stemWord(accented))))
    return frozenset(keys)


def _keys(word: str, exact: bool) -> frozenset[tuple[str, str]]:
    return frozenset({("=", word)}) if exact else stems(word) - {("=", word)}


@dataclass
class Lexicon:
    """Word classes compiled for lookup: single words by key, prefixes, phrases by first word."""

    words: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    prefixes: list[tuple[str, str]] = field(default_factory=list)
    # phrases by the keys of their first two words: (name, the keys of each further word)
    phrases: dict[tuple, list[tuple[str, tuple[frozenset, ...]]]] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict)  # per word and per pair of words

    def add(self, name: str, entries: Iterable[str]) -> None:
        for entry in entries:
            exact = entry.startswith("=")
            text = plain(entry.removeprefix("="))
            if text.endswith("*") and " " not in text:
                self.prefixes.append((text[:-1], name))
                continue
            words = tokens(text)
            if not words:
                continue
            if len(words) == 1:
                for key in _keys(words[0], exact):
                    self.words.setdefault(key, set()).add(name)
                continue
            steps = tuple(_keys(w, exact) for w in words)
            for first in steps[0]:
                for second in steps[1]:
                    self.phrases.setdefault((first, second), []).append((name, steps[2:]))

    def classes_of(self, word: str) -> frozenset[str]:
        """The classes one word belongs to on its own (cached: words repeat)."""
        found = self._cache.get(word)
        if found is None:
            names: set[str] = set()
            for key in stems(word):
                names |= self.words.get(key, set())
            names.update(n for p, n in self.prefixes if word.startswith(p))
            found = self._remember(word, frozenset(names))
        return found

    def _remember(self, key: Any, value: Any) -> Any:
        """Keep a lookup; the cache is emptied when it grows past a bound (a flood of
        distinct words must not grow memory without end)."""
        if len(self._cache) > CACHED:
            self._cache.clear()
        self._cache[key] = value
        return value

    def hits(self, words: list[str]) -> list[tuple[int, int, str]]:
        """Every (start, end, class) found in a list of words: words, then phrases."""
        found = []
        last = len(words) - 1
        for i, word in enumerate(words):
            found.extend((i, i + 1, name) for name in self.classes_of(word))
            if i == last:
                continue
            for name, rest in self.phrases_from(word, words[i + 1]):
                end = i + 2 + len(rest)
                if end <= len(words) and all(
                    stems(words[i + 2 + j]) & step for j, step in enumerate(rest)
                ):
                    found.append((i, end, name))
        return found

    def phrases_from(self, word: str, after: str) -> set[tuple[str, tuple[frozenset, ...]]]:
        """The phrases that may start with these two words."""
        pair = (word, after)
        found = self._cache.get(pair)
        if found is None:
            found = self._remember(
                pair,
                {
                    p
                    for first in stems(word)
                    for second in stems(after)
                    for p in self.phrases.get((first, second), ())
                },
            )
        return found


@cache
def lexicon() -> Lexicon:
    """The built-in classes, with the negators, the words that cancel them and the words that
    open a question."""
    table = data()
    compiled = Lexicon()
    for name, entries in table["classes"].items():
        compiled.add(name, entries)
    compiled.add("_neg", table["negators"])
    compiled.add("_unneg", table["unnegate"])
    compiled.add("_ask", table["question_starts"])
    for name, spec in table["complaint_topics"].items():
        compiled.add(f"_complaint_{name}", spec["words"])
    return compiled


@cache
def _idioms() -> tuple[re.Pattern, ...]:
    """The idioms, one pattern each: the standard library's engine skips ahead to a pattern's
    first letters, three times faster here than one alternation of them all."""
    return tuple(re.compile(p) for p in data()["idioms"])


# ---- reading a comment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A comment's words and what they hold: the class hits, each word's sentence, which
    sentences ask something, and whether the comment reports something that happened."""

    words: list[str]
    hits: dict[str, list[tuple[int, int]]]
    sentence: list[int]
    asking: frozenset[int]
    kept: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # hits not negated

    @property
    def reports(self) -> bool:
        return bool(self.hits.get("report"))


def without_idioms(plain_text: str) -> str:
    """A plain text with its harmless idioms blanked ("mort de rire", "j'en suis malade"),
    so neither the topics nor a charter's keywords read them as harm."""
    for idiom in _idioms():
        plain_text = idiom.sub(" , ", plain_text)
    return plain_text


def read(text: str, extra: Lexicon | None = None) -> Reading:
    """Words, sentences and class hits of one comment (idioms blanked first)."""
    return _read(without_idioms(plain(text)), extra)


def _read(cleaned: str, extra: Lexicon | None) -> Reading:
    words: list[str] = []
    sentence: list[int] = []
    asking = set()
    for number, part in enumerate(SENTENCE.findall(cleaned)):
        found = tokens(part)
        if part.rstrip().endswith("?"):
            asking.add(number)
        words.extend(found)
        sentence.extend([number] * len(found))
    hits: dict[str, list[tuple[int, int]]] = {}
    for lex in (lexicon(), extra) if extra else (lexicon(),):
        for start, end, name in lex.hits(words):
            hits.setdefault(name, []).append((start, end))
    starts = {
        sentence[s] for s, _e in hits.get("_ask", ()) if s == 0 or sentence[s - 1] != sentence[s]
    }
    return Reading(words, hits, sentence, frozenset(asking | starts))


def _negated(reading: Reading, start: int) -> bool:
    reach = int(data()["negation_reach"])
    before = range(max(0, start - reach), start)
    negators = [s for s, _e in reading.hits.get("_neg", ()) if s in before]
    if not negators:
        return False
    cancel = {s for s, _e in reading.hits.get("_unneg", ())}
    # "couldn't stop vomiting", "lucky nobody died": the word around the negator turns it
    return any(not any(n - 2 <= c < start and c != n for c in cancel) for n in negators)


def _usable(reading: Reading, topic: Topic, name: str) -> list[tuple[int, int]]:
    spans = reading.hits.get(name, [])
    if not topic.negation or not spans:
        return spans
    kept = reading.kept.get(name)
    if kept is None:
        kept = reading.kept[name] = [s for s in spans if not _negated(reading, s[0])]
    return kept


def _counts(reading: Reading, topic: Topic, start: int) -> bool:
    """Whether a hit counts: a topic that questions do not raise needs a statement, or a
    comment that also reports what happened."""
    if topic.questions or reading.sentence[start] not in reading.asking:
        return True
    return reading.reports


def _raised(reading: Reading, topic: Topic) -> tuple[str, ...] | None:
    """The words that raise a topic, or None."""
    if topic.starts.isdisjoint(reading.hits):
        return None
    for name in topic.any:
        for start, end in _usable(reading, topic, name):
            if _counts(reading, topic, start):
                return tuple(reading.words[start:end])
    for group, window in topic.near:
        first, *others = group
        for start, end in _usable(reading, topic, first):
            if not _counts(reading, topic, start):
                continue
            evidence = [(start, end)]
            for other in others:
                close = next(
                    (
                        s
                        for s in _usable(reading, topic, other)
                        if abs(s[0] - start) <= window and (s[1] <= start or s[0] >= end)
                    ),
                    None,
                )
                if close is None:
                    break
                evidence.append(close)
            else:
                return tuple(w for s, e in sorted(evidence) for w in reading.words[s:e])
    return None


@dataclass(frozen=True)
class Finding:
    """A topic found in a comment, with the words that raised it (shown to the team)."""

    topic: str
    words: tuple[str, ...]


def scan(
    text: str,
    topics: Iterable[Topic] | None = None,
    extra: Lexicon | None = None,
    normalised: str | None = None,
) -> list[Finding]:
    """Every topic one comment raises, in label order (built-in topics, then a charter's).

    Most comments raise nothing even with their idioms: they are read once, without the
    idioms' patterns (the costly part); the others are read again with idioms blanked
    (blanking only ever removes words, so it cannot raise what the first reading did not)."""
    topics = list(topics if topics is not None else builtin_topics().values())
    flat = plain(text, normalised)
    if not _raising(_read(flat, extra), topics):
        return []
    return _raising(_read(without_idioms(flat), extra), topics)


def _raising(reading: Reading, topics: list[Topic]) -> list[Finding]:
    found = []
    for topic in topics:
        words = _raised(reading, topic)
        if words is not None:
            found.append(Finding(topic.name, words))
    return found


def complaint_topic(text: str) -> str:
    """What a complaint is about (delivery, damaged, price…, else "other"), for bursts."""
    reading = read(text)
    for name in data()["complaint_topics"]:
        if reading.hits.get(f"_complaint_{name}"):
            return name
    return "other"


# ---- a charter's additions ----------------------------------------------------------------

_CHARTER_TOPICS: dict[int, tuple[Any, tuple[list[Topic], Lexicon | None]]] = {}


def charter_topics(community: Any) -> tuple[list[Topic], Lexicon | None]:
    """The topics a charter's comments are read for: every built-in one (with the words the
    charter adds to it), then the charter's own; and the lexicon of the charter's words.
    Built once per loaded charter."""
    kept = _CHARTER_TOPICS.get(id(community))
    if kept is not None and kept[0] is community:
        return kept[1]
    safety = community.safety
    extra = Lexicon() if safety.words or safety.topics else None
    found = []
    for topic in builtin_topics().values():
        added = safety.words.get(topic.name)
        if added and extra is not None:
            extra.add(f"_charter_{topic.name}", added)
            topic = replace(topic, any=(*topic.any, f"_charter_{topic.name}"))
        found.append(topic)
    for name, own in safety.topics.items():
        extra.add(f"_charter_{name}", own.words)  # type: ignore[union-attr]
        found.append(
            Topic(
                name=name,
                title=dict(own.title),
                role=data()["charter_topic_role"]["name"],
                role_title={k: v for k, v in data()["charter_topic_role"].items() if k != "name"},
                crisis=own.crisis,
                any=(f"_charter_{name}",),
                builtin=False,
            )
        )
    if len(_CHARTER_TOPICS) > 64:
        _CHARTER_TOPICS.clear()
    _CHARTER_TOPICS[id(community)] = (community, (found, extra))
    return found, extra


def findings(text: str, community: Any, normalised: str | None = None) -> list[Finding]:
    """The topics one comment raises under a charter (built-in ones always read)."""
    topics, extra = charter_topics(community)
    return scan(text, topics, extra, normalised)
