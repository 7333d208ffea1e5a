"""Proofreading behind one interface: `check(text, lang, charter, platform) -> list[Match]`.

Engines are tried in order of preference for the language (LanguageTool when reachable, then
Grammalecte for French, Hunspell for spelling); one that is down is reported once in the
report's notices and the next one is used, so a dead server never means no proofreading.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from ..core.charter import Charter
from ..core.limits import clean_text, limits
from ..core.platforms import Platform, get_platform
from ..core.settings import get_settings
from ..core.tokens import SpanIndex, overlaps, social_spans, word_spans
from .brand import brand_matches
from .confusions import ConfusionsEngine
from .engine import Engine, EngineUnavailable
from .grammalecte import GrammalecteEngine
from .harper import DEFAULT_DIALECT, HarperEngine, english_dialect
from .hunspell import HunspellEngine
from .languagetool import LanguageToolEngine
from .match import SEVERITY_RANK, Match, line_col
from .network import network_matches
from .real_words import acronyms_not_shouting, quiet_real_words, social_words_known

__all__ = ["CheckReport", "Checker", "Match", "apply", "check", "check_text", "line_col"]

ENGINE_ORDER = {
    "fr": ["languagetool", "grammalecte+confusions", "hunspell"],
    "en": ["languagetool", "harper+confusions+hunspell"],
}
SOURCE_RANK = {
    "platform": 0,
    "brand": 1,
    "languagetool": 2,
    "grammalecte": 3,
    "harper": 3,
    "confusions": 3,
    "hunspell": 4,
}
SUGGESTIONS = 6
PROOFING_FILE = Path(__file__).resolve().parent.parent / "data" / "proofing.yaml"
DIALECT_ENGINES = {"harper", "hunspell"}
ENGINE_SOURCES = {"languagetool", "grammalecte", "harper", "confusions", "hunspell"}


@dataclass
class CheckReport:
    """Matches sorted by offset, the engines that ran, and what was unavailable and why."""

    matches: list[Match]
    engines: list[str]
    notices: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(m.severity == "error" for m in self.matches)

    def to_dict(self) -> dict:
        return {
            "matches": [m.to_dict() for m in self.matches],
            "engines": self.engines,
            "notices": self.notices,
        }


class Checker:
    """Holds the engines (each loaded once) and remembers which ones are down."""

    def __init__(self, languagetool_url: str | None = None) -> None:
        url = get_settings().languagetool_url if languagetool_url is None else languagetool_url
        self.engines: dict[str, Engine] = {
            "languagetool": LanguageToolEngine(url),
            "grammalecte": GrammalecteEngine(),
            "harper": HarperEngine(),
            "confusions": ConfusionsEngine(),
            "hunspell": HunspellEngine(),
        }
        self._down: dict[str, str] = {}
        self._lock = threading.Lock()

    def check(
        self,
        text: str,
        lang: str,
        charter: Charter | None = None,
        platform: Platform | str | None = None,
    ) -> CheckReport:
        """Proofread one text: engines, then brand and network rules, merged and sorted.

        A text over the `check_chars` bound is refused before any engine runs: the live
        re-check and the CLI share this path, and a pasted megabyte must not hold a worker."""
        if len(text) > limits().check_chars:
            clean_text(
                text, "the text to check", limits().check_chars
            )  # raises its too_long InputError
        dialect = english_dialect(lang, charter)
        lang = _base_language(lang)
        profile = get_platform(platform) if isinstance(platform, str) else platform
        found, engines, notices = self._run_engines(mask_social_tokens(text), lang, dialect)
        found = self._keep_real_mistakes(text, found, charter)
        found = social_words_known(text, found, lang)
        found = quiet_real_words(text, found, charter)
        found = self._suggested(found, lang)
        if charter is not None:
            found += brand_matches(text, lang, charter, profile.id if profile else None)
            found = acronyms_not_shouting(text, found, lambda word: self._is_word(word, lang))
            found = _typography_severity(found, charter)
        if profile is not None:
            found += network_matches(text, lang, profile, charter)
        return CheckReport(merge(found), engines, notices)

    def _run_engines(
        self, text: str, lang: str, dialect: str = DEFAULT_DIALECT
    ) -> tuple[list[Match], list[str], list[str]]:
        """The first entry of ENGINE_ORDER that runs; "a+b" runs both engines together (Harper
        for grammar, Hunspell for spelling) and counts as run when one of them did."""
        notices = []
        order = ENGINE_ORDER.get(lang, ["hunspell"])
        settings = proofing_settings()
        if len(text) > settings["grammar_chars"]:
            order = ["hunspell"]
            notices.append(settings["notice"]["en"].format(limit=settings["grammar_chars"]))
        for entry in order:
            found, ran = [], []
            for name in entry.split("+"):
                engine = self.engines[name]
                if name in self._down:
                    notices.append(self._down[name])
                    continue
                try:
                    found += (
                        engine.check(text, lang, dialect)
                        if name in DIALECT_ENGINES
                        else engine.check(text, lang)
                    )
                    ran.append(name)
                except EngineUnavailable as exc:
                    with self._lock:
                        self._down.setdefault(name, str(exc))
                    notices.append(str(exc))
            if ran:
                return found, ran, notices
        return [], [], notices

    def _keep_real_mistakes(
        self, text: str, found: list[Match], charter: Charter | None
    ) -> list[Match]:
        """Drop anything touching a hashtag, mention, URL, e-mail, emoji, number or charter word."""
        own = [*charter.own_words, *charter.own_phrases] if charter else []
        silent = SpanIndex(social_spans(text) + word_spans(text, own))
        return [m for m in found if not overlaps(m.offset, max(m.end, m.offset + 1), silent)]

    def _suggested(self, found: list[Match], lang: str) -> list[Match]:
        """Suggestions for the spelling mistakes, bounded by count, never by the clock, so a
        busy machine gives the same answer as an idle one: the index answers for the first
        `suggested_words` mistakes (under a millisecond each), and the first
        `thorough_suggested_words` also get the engines' own, slower lists. Past the bound,
        mistakes are flagged all the same."""
        bound = limits()
        result, asked = [], 0
        for match in found:
            wanted = match.extra.get("type") == "spelling" and not match.replacements
            if wanted and asked < bound.suggested_words:
                thorough = asked < bound.thorough_suggested_words
                match = self._with_suggestions(match, lang, thorough)
                asked += 1
            result.append(match)
        return result

    def _with_suggestions(self, match: Match, lang: str, thorough: bool = True) -> Match:
        """Spelling fixes, asked only for the errors that survived filtering. Hunspell's come
        first: it ranks transpositions and missing letters better ('Frnace' -> 'France'); the
        other engine (Grammalecte) is asked only when `thorough`."""
        if match.extra.get("type") != "spelling" or match.replacements:
            return match
        word = match.extra.get("word", "")
        suggestions: list[str] = []
        names = ("hunspell", match.source) if thorough else ("hunspell",)
        for name in dict.fromkeys(names):
            try:
                engine = self.engines[name]
                if name == "hunspell":
                    found = engine.suggest(word, lang, match.extra.get("dialect"), thorough)
                else:
                    found = engine.suggest(word, lang)
            except EngineUnavailable:
                continue
            suggestions += [s for s in found if s not in suggestions]
        return replace(match, replacements=tuple(suggestions[:SUGGESTIONS]))

    def _is_word(self, word: str, lang: str) -> bool:
        """A dictionary word; without a dictionary every word counts as one (rules stay on)."""
        try:
            return self.engines["hunspell"].knows(word, lang)
        except EngineUnavailable:
            return True


@cache
def proofing_settings() -> dict:
    """How far the grammar engines go, from `data/proofing.yaml`."""
    return yaml.safe_load(PROOFING_FILE.read_text(encoding="utf-8"))


def mask_social_tokens(text: str) -> str:
    """Blank out emoji, hashtags, mentions and URLs (same length, so offsets hold): engines
    parse sentences better without them (Grammalecte misses agreement after a leading emoji)."""
    masked = list(text)
    for span in social_spans(text):
        if span.kind != "number":
            masked[span.start : span.end] = " " * (span.end - span.start)
    return "".join(masked)


def _base_language(lang: str) -> str:
    return (lang or "fr").split("-")[0].split("_")[0].lower()


def _typography_severity(found: list[Match], charter: Charter) -> list[Match]:
    """French spacing rules are hints unless the charter asks for strict typography."""
    if charter.typography != "strict":
        return found
    return [
        replace(m, severity="warning") if m.category == "TYPOGRAPHY" and m.severity == "info" else m
        for m in found
    ]


def merge(found: list[Match]) -> list[Match]:
    """One match per problem: same span, or overlapping engine matches, keep the best.

    Matches are taken best first; each is folded into the earliest kept match describing
    the same problem (its suggestions added), found through a dict of spans and a sweep of
    kept engine matches by offset, so a long text's thousands of matches merge in n log n."""
    ordered = sorted(
        found, key=lambda m: (SEVERITY_RANK[m.severity], SOURCE_RANK.get(m.source, 9), m.offset)
    )
    kept: list[Match] = []
    same_span: dict[tuple[int, int], list[int]] = {}
    engine_offsets: list[int] = []  # kept engine matches, sorted by offset
    engine_kept: list[int] = []  # their index in `kept`, in the same order
    longest = 0
    for match in ordered:
        candidates = [
            i for i in same_span.get((match.offset, match.length), []) if match.length > 0
        ]
        if match.source in ENGINE_SOURCES:
            stop = bisect_left(engine_offsets, match.end)
            at = stop - 1
            while at >= 0 and engine_offsets[at] > match.offset - longest - 1:
                candidates.append(engine_kept[at])
                at -= 1
        twin = min((i for i in candidates if _same_problem(kept[i], match)), default=None)
        if twin is None:
            index = len(kept)
            kept.append(match)
            same_span.setdefault((match.offset, match.length), []).append(index)
            if match.source in ENGINE_SOURCES:
                at = bisect_left(engine_offsets, match.offset)
                engine_offsets.insert(at, match.offset)
                engine_kept.insert(at, index)
                longest = max(longest, match.length)
            continue
        extra = tuple(r for r in match.replacements if r not in kept[twin].replacements)
        if extra:
            kept[twin] = replace(kept[twin], replacements=kept[twin].replacements + extra)
    return sorted(kept, key=lambda m: (m.offset, SEVERITY_RANK[m.severity]))


def _same_problem(a: Match, b: Match) -> bool:
    if (a.offset, a.length) == (b.offset, b.length) and a.length > 0:
        return a.source != b.source or a.rule_id == b.rule_id
    engines = a.source in ENGINE_SOURCES and b.source in ENGINE_SOURCES
    return engines and a.source != b.source and a.offset < b.end and b.offset < a.end


def apply(
    text: str, match: Match, replacement: str, matches: list[Match] | None = None
) -> tuple[str, list[Match]]:
    """Replace a match's span; return the new text and the other matches, offsets shifted."""
    fixed = text[: match.offset] + replacement + text[match.end :]
    delta = len(replacement) - match.length
    rest = []
    for other in matches or []:
        if other == match:
            continue
        if other.end <= match.offset and not (other.length == 0 and other.offset == match.offset):
            rest.append(other)
        elif other.offset >= match.end:
            rest.append(other.shifted(delta))
    return fixed, rest


_default: Checker | None = None
_default_lock = threading.Lock()


def default_checker() -> Checker:
    """The process-wide checker, so engines are loaded once."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Checker()
        return _default


def check_text(
    text: str,
    lang: str = "fr",
    charter: Charter | None = None,
    platform: Platform | str | None = None,
) -> CheckReport:
    """Proofread with the process-wide checker; returns matches, engines and notices."""
    return default_checker().check(text, lang, charter, platform)


def check(
    text: str,
    lang: str = "fr",
    charter: Charter | None = None,
    platform: Platform | str | None = None,
) -> list[Match]:
    """Proofread a text; the matches only."""
    return check_text(text, lang, charter, platform).matches


WARM_UP_TEXTS = {
    "fr": "Nos biscuits sont prêts, passez les chercher.",
    "en": "Our cookies are ready to pick up.",
}


def warm_up() -> None:
    """Load every engine and word list of both languages now (about a second), so that the
    first person to check a text after a start does not wait for it."""
    for lang, text in WARM_UP_TEXTS.items():
        check_text(text, lang)
