"""A post's facts compared with its brief's: each fact of the brief kept, changed or missing
in the post, each fact of the post the brief does not hold invented, as findings and as
proofing matches, so a reworded variant never ships another date, price or code without the
reviewer seeing it. Reformatting is never a change: facts compare by normalised value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..proofing.match import Match
from .fact_patterns import alternation, fact_language, facts_data
from .facts import Fact, facts

STATUSES = ("kept", "changed", "invented", "missing")


@dataclass(frozen=True)
class FactFinding:
    """A fact of the variant (kept, changed, invented) or of the brief (missing)."""

    kind: str
    value: str | None  # as the brief writes it
    found: str | None  # as the variant writes it
    status: str
    offset: int = 0  # in the variant's text
    length: int = 0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "found": self.found, "status": self.status}


def _compatible(a: Fact, b: Fact, weekdays: frozenset = frozenset()) -> bool:
    """`a` (the variant's) states the same fact as `b` (the brief's), however written.

    Dates agree on every field both give and share at least one; a lone weekday ("samedi")
    cannot be checked against a date without one, so it passes unless the brief names its own
    weekdays (`weekdays`) and this is not one of them. Numbers agree on amount and, when both
    give one, unit. Other kinds compare their normalised value."""
    if a.kind != b.kind:
        return False
    if a.key == b.key:
        return True
    if a.kind == "date":
        (_, *x), (_, *y) = a.key, b.key
        if x[4] or y[4]:
            return x[4] == y[4]
        if x[:3] == [None] * 3 and x[3] is not None:  # a lone weekday
            if y[3] is not None:
                return x[3] == y[3]
            return y[2] is not None and (not weekdays or x[3] in weekdays)
        shared = [
            (p, q) for p, q in zip(x[:4], y[:4], strict=True) if p is not None and q is not None
        ]
        return bool(shared) and all(p == q for p, q in shared)
    if a.kind == "number":
        return a.key[1] == b.key[1] and (not a.key[2] or not b.key[2] or a.key[2] == b.key[2])
    return False


def _numbers_of(items: Iterable[Fact]) -> set[str]:
    return {str(n) for f in items for n in f.numbers}


def compare(brief: str, text: str, lang: str, allowed: Iterable[str] = ()) -> list[FactFinding]:
    """Each fact of `text` kept, changed or invented against `brief`, then each brief fact the
    text lacks as missing. `allowed` are texts whose facts may appear without being in the
    brief (the charter's signature, call to action, legal mention): never invented, never missing.
    """
    source = facts(brief, lang)
    extra = [f for t in allowed if t for f in facts(t, lang)]
    found = _with_known_codes(text, facts(text, lang), source)
    brief_side = _Side(source, extra)
    covered: set[int] = set()  # indexes of brief facts a variant fact matches
    findings: list[FactFinding] = []
    pending: list[Fact] = []
    inside: list[Fact] = []  # days inside one of the brief's ranges
    for f in found:
        match = brief_side.counterpart(f)
        if match is not None and match >= 0 and source[match].implied:
            inside.append(f)
        elif match is not None:
            if match >= 0:
                covered.add(match)
            value = source[match].text if match >= 0 else ""
            findings.append(_finding(f, value or f.text, "kept"))
        elif f.kind == "number" and not f.key[2] and f.key[1] in brief_side.amounts:
            findings.append(_finding(f, f.text, "kept"))  # "le 6" of "samedi 6 décembre"
        else:
            pending.append(f)
    amounts = _numbers_of(found)
    covered |= {i for i, s in enumerate(source) if _covered_number(s, amounts)}
    open_facts = _open(source, covered)
    for f in inside:  # "15" of "du 14 au 16": kept, unless it stands for a range end that moved
        partner = next((s for s in open_facts if _pairs(f, s)), None)
        if partner is not None:
            open_facts.remove(partner)
            findings.append(_finding(f, partner.text, "changed"))
        else:
            findings.append(_finding(f, f.text, "kept"))
    for f in pending:
        partner = next((s for s in open_facts if _pairs(f, s)), None)
        if partner is not None:
            open_facts.remove(partner)
            findings.append(_finding(f, partner.text, "changed"))
        elif not f.word:
            findings.append(_finding(f, None, "invented"))
    for s in open_facts:
        if not s.word:
            findings.append(FactFinding(s.kind, s.text, None, "missing"))
    return findings


def _pairs(f: Fact, s: Fact) -> bool:
    """Whether the variant's `f` may be the brief's `s` changed: same kind, and an ordinal word
    on either side pairs only with an ordinal ("2e" → "troisième", not "2e" → "15 €")."""
    if f.kind != s.kind:
        return False
    return not (f.word or s.word) or (f.ordinal and s.ordinal)


def _with_known_codes(text: str, found: list[Fact], source: list[Fact]) -> list[Fact]:
    """The brief's codes written in any case without "code" before them ("avec sarrasin15") are
    codes too, not a stray number."""
    codes = {f.key[1] for f in source if f.kind == "code"}
    if not codes:
        return found
    spans = []
    pattern = re.compile(rf"(?<![\w-])(?:{alternation(codes)})(?![\w-])", re.IGNORECASE)
    for m in pattern.finditer(text):
        if not any(f.kind == "code" and f.offset == m.start() for f in found):
            spans.append(Fact("code", m.group(0), m.start(), ("code", m.group(0).upper())))
    if not spans:
        return found
    inside = [(c.offset, c.offset + len(c.text)) for c in spans]
    kept = [f for f in found if not any(a <= f.offset < b for a, b in inside)]
    return sorted(kept + spans, key=lambda f: f.offset)


class _Side:
    """The brief's facts indexed for lookups: exact values first, then same-kind candidates."""

    def __init__(self, source: list[Fact], extra: list[Fact]) -> None:
        self.first: dict[tuple, int] = {}
        self.by_kind: dict[str, list[tuple[int, Fact]]] = {}
        for i, f in enumerate(source):
            self.first.setdefault(f.key, i)
            self.by_kind.setdefault(f.kind, []).append((i, f))
        for f in extra:
            self.first.setdefault(f.key, -1)
            self.by_kind.setdefault(f.kind, []).append((-1, f))
        self.weekdays = frozenset(f.key[4] for f in source + extra if f.kind == "date" and f.key[4])
        self.amounts = _numbers_of(source + extra)

    def counterpart(self, f: Fact) -> int | None:
        """Index of the brief fact `f` repeats (-1: an allowed text's), None when there is none."""
        if f.key in self.first:
            return self.first[f.key]
        if f.kind not in ("date", "number"):
            return None  # other kinds are equal only by value
        hits = [i for i, s in self.by_kind.get(f.kind, ()) if _compatible(f, s, self.weekdays)]
        own = [i for i in hits if i >= 0]
        return own[0] if own else (-1 if hits else None)


def _covered_number(s: Fact, amounts: set[str]) -> bool:
    """A bare number of the brief is there when the variant gives the same amount anywhere."""
    return s.kind == "number" and not s.key[2] and s.key[1] in amounts


def _open(source: list[Fact], covered: set[int]) -> list[Fact]:
    """Brief facts no variant fact repeats, once per value."""
    seen, left = set(), []
    covered_keys = {source[i].key for i in covered}
    for s in source:
        if s.implied:
            continue
        if s.key not in covered_keys and s.key not in seen:
            seen.add(s.key)
            left.append(s)
    return left


def _finding(f: Fact, value: str | None, status: str) -> FactFinding:
    return FactFinding(f.kind, value, f.text, status, f.offset, len(f.text))


def fact_matches(
    brief: str, text: str, lang: str, must_keep: Iterable[str] = (), allowed: Iterable[str] = ()
) -> list[Match]:
    """The comparison as proofing matches (source "brief"): a changed or invented fact is an
    error on its place in `text`; a missing one a warning, an error for a kind in `must_keep`."""
    language, required = fact_language(lang), set(must_keep)
    matches = []
    for f in compare(brief, text, lang, allowed):
        if f.status == "kept":
            continue
        rule = {"changed": "FACT_CHANGED", "invented": "FACT_INVENTED"}.get(
            f.status, "FACT_MISSING"
        )
        severity = "warning" if rule == "FACT_MISSING" and f.kind not in required else "error"
        matches.append(
            Match(
                offset=f.offset,
                length=f.length,
                message=_message(rule, f, language),
                rule_id=rule,
                category="FACTS",
                severity=severity,
                source="brief",
                replacements=(f.value,) if rule == "FACT_CHANGED" and f.value else (),
                short_message=facts_data()["short_messages"][rule][language],
                category_name="Facts" if language == "en" else "Faits",
                extra={"kind": f.kind, "status": f.status},
                messages={code: _message(rule, f, code) for code in ("fr", "en")},
            )
        )
    return matches


def _message(rule: str, f: FactFinding, lang: str) -> str:
    kind = facts_data()["kinds"][f.kind][lang]
    return facts_data()["messages"][rule][lang].format(kind=kind, value=f.value, found=f.found)


def violation(f: FactFinding, must_keep: Iterable[str] = ()) -> str | None:
    """The line a changed or invented fact, or a missing one of a kind the charter requires,
    adds to a variant's violations."""
    if f.status == "changed":
        return f"fact changed: {f.value} → {f.found}"
    if f.status == "invented":
        return f"fact invented: {f.found}"
    if f.status == "missing" and f.kind in set(must_keep):
        return f"fact missing: {f.value}"
    return None


def brief_facts(brief: str, lang: str) -> list[str]:
    """The brief's facts as written, once each (bare numbers left out): the must-keep list of
    the drafting prompt."""
    seen, out = set(), []
    for f in facts(brief, lang):
        if f.key in seen or f.implied or (f.kind == "number" and not f.key[2]):
            continue
        seen.add(f.key)
        out.append(f.text)
    return out
