"""Facts of a post (dates, times, prices, percentages, codes, links, handles, e-mails, phones,
numbers) and their comparison with the brief, so a reworded variant never ships another date,
price or code without the reviewer seeing it.

Each fact gets a normalised value, so reformatting is never a change: "3 déc." = "3 décembre"
= "03/12", "10h-18h" = "de 10 h à 18 h", "30,00 €" = "EUR 30", "-15%" = "15 %",
"https://www.x.example/a/" = "x.example/a", "vingt-cinq pour cent" = "25 %".

Libraries, measured on tests/data/facts_eval.yaml and benchmarks/facts.py:

- dateparser's `search_dates` was dropped: 4-7 ms for one short post (above the whole 5 ms
  budget of a comparison), and on the evaluation set it read "December 10" as two dates,
  "20%" and "10 h à 18 h" as dates, and "samedi 6" as 3 June. Dates are found by patterns
  built from month and weekday tables kept as data (`data/facts.yaml`, CLDR's names as Babel
  gives them); Babel itself is not needed at run time.
- phonenumbers (Google's libphonenumber) finds and normalises phone numbers (E.164), ~0.2 ms.
- price-parser's `parse_number` reads amounts whatever the separators ("1 299,50", "1,299.50",
  "30,00"), under a microsecond; prices are then currency + amount.
- text2num's `alpha2digit` turns number words into digits ("quinze pour cent", "thirty
  dollars"); it is only applied to a run of number words followed by a currency, percent or
  unit word, because on its own it turns "un produit neuf" into a 9.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources

import phonenumbers
import yaml
from price_parser.parser import parse_number
from text_to_num import alpha2digit

from ..proofing.match import Match

STATUSES = ("kept", "changed", "invented", "missing")
NUM = r"\d{1,3}(?:[  \u202f]\d{3})+(?:[.,]\d{1,2})?|\d++(?:[.,]\d++)*"
LONGEST_NUMBER = 15  # digits: longer runs are identifiers or noise, not amounts


@dataclass(frozen=True)
class Fact:
    """One fact as written (`text`, `offset`) and its normalised value (`key`)."""

    kind: str
    text: str
    offset: int
    key: tuple
    numbers: frozenset = field(default_factory=frozenset, compare=False)
    implied: bool = False  # a day inside a range of the brief: may appear, never missing
    ordinal: bool = field(default=False, compare=False)  # "1re", "3rd", "première", "third"
    word: bool = field(default=False, compare=False)  # an ordinal word: see `_ordinal_words`


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


@cache
def _data() -> dict:
    with resources.files("assistant.data").joinpath("facts.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _lang(lang: str) -> str:
    return "en" if (lang or "fr").split("-")[0].lower() == "en" else "fr"


@dataclass
class _Tables:
    month_of: dict[str, int]
    weekday_of: dict[str, int]
    patterns: dict[str, re.Pattern]
    relative: dict[str, str]
    time_words: dict[str, str]
    currency_of: dict[str, str]
    unit_of: dict[str, str]
    ordinal_of: dict[str, int]


@cache
def _tables(lang: str) -> _Tables:
    """Every pattern compiled once per language; month and weekday names of both languages."""
    data = _data()
    month_of = {
        w.lower(): int(m) for lg in ("fr", "en") for m, ws in data["months"][lg].items() for w in ws
    }
    weekday_of = {
        w.lower(): int(d)
        for lg in ("fr", "en")
        for d, ws in data["weekdays"][lg].items()
        for w in ws
    }
    full_days = [ws[0] for lg in ("fr", "en") for ws in data["weekdays"][lg].values()]
    ambiguous = {w.lower() for w in data["ambiguous_months"]}
    lone_months = [  # full names only: "sept" is also seven, "Mar" a weekday abbreviation
        w.lower()
        for lg in ("fr", "en")
        for ws in data["months"][lg].values()
        for i, w in enumerate(ws)
        if (i == 0 or len(w) > 4) and w.lower() not in ambiguous
    ]
    relative = {w.lower(): key for key, ws in data["relative_dates"].items() for w in ws}
    time_words = {w.lower(): key for key, ws in data["time_words"].items() for w in ws}
    currency_of = {w.lower(): code for code, ws in data["currencies"].items() for w in ws}
    unit_of = {w: key for key, ws in data["units"].items() for w in ws}
    mon, wd = _alternation(month_of), _alternation(weekday_of)
    symbols = _alternation(w for w in currency_of if not w.isalpha())
    words = _alternation(w for w in currency_of if w.isalpha())
    cur = rf"(?:{symbols}|\b(?:{words})\b)"
    percent = _alternation(data["percent_words"])
    ordinal_of = {
        w.lower(): int(n)
        for lg in ("fr", "en")
        for n, ws in data["ordinal_words"][lg].items()
        for w in ws
    }
    ordinal = rf"(?:{_alternation(data['ordinal_suffixes'])})?"
    flags = re.IGNORECASE
    counting = [w for w in data["number_words"][lang] if w not in ("et", "and")]
    patterns = {
        "email": re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+", flags),
        "url": re.compile(
            r"(?<![@\w.])(?:(?:https?://|www\.)[^\s<>\"«»]+|(?:[a-z0-9-]++\.)+"
            rf"(?:{_alternation(data['url_endings'])})\b(?:/[^\s<>\"«»]*)?)",
            flags,
        ),
        "handle": re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"),
        "hashtag": re.compile(r"#\w+"),
        "code_intro": re.compile(
            rf"\b(?:{_alternation(data['code_introducers'])})\s*[:\-–]?\s*[«\"“'‘]?\s*"
            r"([A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9])",
            flags,
        ),
        "code": re.compile(r"(?<![\w-])[A-Z0-9][A-Z0-9_-]{1,}[A-Z0-9](?![\w-])"),
        "date_dm": re.compile(
            rf"\b(?:({wd})\.?,?\s+)?(?:(?:le|the)\s+)?(\d{{1,2}}){ordinal}\s+(?:of\s+)?({mon})\b\.?"
            r"(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_md": re.compile(
            rf"\b(?:({wd})\.?,?\s+)?({mon})\b\.?\s+(\d{{1,2}}){ordinal}\b(?:,?\s+(\d{{4}})\b)?",
            flags,
        ),
        "date_list_dm": re.compile(
            rf"\b((?:\d{{1,2}}{ordinal}\s*(?:,|au|à|-|–|et|to|and)\s*)+\d{{1,2}}){ordinal}\s+({mon})\b\.?"
            r"(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_list_md": re.compile(
            rf"\b({mon})\b\.?\s+(\d{{1,2}}{ordinal}(?:\s*(?:,|-|–|to|through|and)\s*\d{{1,2}}{ordinal})+)"
            r"\b(?!\s?[%€$£:hH\d])(?:,?\s+(\d{4})\b)?",
            flags,
        ),
        "date_iso": re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
        "date_num": re.compile(
            r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"
            r"|(?<![\d/.,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])"
        ),
        "date_wd_day": re.compile(rf"\b({wd})\.?\s+(\d{{1,2}}){ordinal}\b(?![:h,.]\d)", flags),
        "date_wd": re.compile(rf"\b({_alternation(full_days)})s?\b", flags),
        "date_month": re.compile(rf"\b({_alternation(lone_months)})\b(?:\s+(\d{{4}})\b)?", flags),
        "date_relative": re.compile(rf"\b(?:{_alternation(relative)})(?![\w-])", flags),
        "time_range": re.compile(
            r"(?<![\d,.])(?P<first>(\d{1,2})(?:\s?[hH]\s?(\d{2})?|:(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)?)"
            r"\s*(?:à|a|au|-|–|—|to|till|until|jusqu'à)\s*"
            r"(\d{1,2})(?:\s?([hH])\s?(\d{2})?|:(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)?(?![\w%€$£])",
            flags,
        ),
        "time": re.compile(
            r"(?<![\d,.:])(\d{1,2})(?:\s?[hH]\s?(\d{2})?(?![\w])|:(\d{2})\s?(am|pm|a\.m\.|p\.m\.)?"
            r"|\s?(am|pm|a\.m\.|p\.m\.))(?!\w)",
            flags,
        ),
        "time_hours": re.compile(
            r"\b(?:à|dès|vers|jusqu'à|jusqu’à|de)\s+(\d{1,2})\s?heures?(?:\s?(\d{2}))?\b", flags
        ),
        "time_word": re.compile(rf"\b(?:{_alternation(time_words)})\b", flags),
        "price_pre": re.compile(rf"{cur}\s?({NUM})", flags),
        "price_post": re.compile(rf"(?<![\w.,])({NUM})\s?{cur}", flags),
        "percent": re.compile(rf"(?<![\w.,])({NUM})\s?(?:{percent})(?!\w)", flags),
        "unit": re.compile(rf"(?<![\w.,])({NUM})\s?({_alternation(unit_of)})(?![\w'’])"),
        "number": re.compile(rf"(?<![\w.,/]){NUM}{ordinal}(?![\w/])"),
        "ordinal_word": re.compile(rf"(?<![\w-])(?:{_alternation(ordinal_of)})(?![\w-])", flags),
        "number_words": re.compile(
            rf"\b(?:{_alternation(counting)})(?:(?:[\s-]+(?:et|and))?[\s-]+"
            rf"(?:{_alternation(counting)}))*\b",
            flags,
        ),
        "after_number_word": re.compile(
            rf"\s*(?:{percent}|{cur}|\b(?:{_alternation(unit_of)})\b)", flags
        ),
    }
    return _Tables(
        month_of, weekday_of, patterns, relative, time_words, currency_of, unit_of, ordinal_of
    )


def amount(text: str) -> str:
    """A number as written ("1 299,50", "1,299.50", "30,00") as one canonical string."""
    if sum(c.isdigit() for c in text) > LONGEST_NUMBER:
        return text
    value = parse_number(text.replace("\u202f", " ").replace("\u00a0", " "))
    if value is None:
        return text
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return text


class _Reader:
    """Walks one text: each pass masks what it read, so a code's digits are not a number."""

    def __init__(self, text: str, lang: str) -> None:
        self.lang = _lang(lang)
        self.tables = _tables(self.lang)
        self.source = text
        self.text, self.origin = _number_words(text, self.lang, self.tables)
        self.work = self.text
        self.facts: list[Fact] = []

    def add(self, kind: str, start: int, end: int, key: tuple, numbers=(), **flags: bool) -> None:
        begin, stop = self.origin[start], self.origin[end]
        while stop > begin and self.source[stop - 1].isspace():
            stop -= 1
        numbers = frozenset(str(n) for n in numbers)
        self.facts.append(Fact(kind, self.source[begin:stop], begin, key, numbers, **flags))
        self.mask(start, end)

    def mask(self, start: int, end: int) -> None:
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]

    def each(self, name: str):
        return list(self.tables.patterns[name].finditer(self.work))


def _number_words(text: str, lang: str, tables: _Tables) -> tuple[str, list[int]]:
    """Digits for number words before a unit ("quinze pour cent" → "15 pour cent"), with a map
    from each position of the new text to the original one, so offsets stay the user's."""
    pattern = tables.patterns["number_words"]
    follow = tables.patterns["after_number_word"]
    out, origin, last = [], [], 0
    for m in pattern.finditer(text):
        words = m.group(0).strip()
        if words.lower() in ("un", "une", "one", "et", "and") or not follow.match(text, m.end()):
            continue
        digits = alpha2digit(words, lang)
        if not any(c.isdigit() for c in digits) or not digits.strip().isdigit():
            continue
        out.append(text[last : m.start()])
        origin.extend(range(last, m.start()))
        out.append(digits)
        origin.extend([m.start()] * len(digits))
        last = m.end()
    out.append(text[last:])
    origin.extend(range(last, len(text) + 1))
    if len(origin) == len(text) + 1 and last == 0:
        return text, origin
    return "".join(out), origin


def facts(text: str, lang: str) -> list[Fact]:
    """Every fact of `text`, in reading order."""
    return list(_facts(text, _lang(lang)))


@lru_cache(maxsize=512)
def _facts(text: str, lang: str) -> tuple[Fact, ...]:
    """Cached: a brief is compared with every one of its variants, and again after each edit."""
    reader = _Reader(text, lang)
    for read in (
        _links,
        _phones,
        _introduced_codes,
        _dates,
        _times,
        _prices,
        _percents,
        _units,
        _bare_codes,
        _numbers,
        _ordinal_words,
    ):
        read(reader)
    return tuple(sorted(reader.facts, key=lambda f: f.offset))


def _links(r: _Reader) -> None:
    for m in r.each("hashtag"):
        r.mask(*m.span())
    for m in r.each("email"):
        r.add("email", *m.span(), ("email", m.group(0).lower()))
    for m in r.each("url"):
        raw = m.group(0).rstrip(".,;:!?)…»\"'’")
        end = m.start() + len(raw)
        r.add("url", m.start(), end, ("url", _url_key(raw)))
    for m in r.each("handle"):
        r.add("handle", *m.span(), ("handle", m.group(0).lower()))


def _url_key(raw: str) -> str:
    """Scheme, "www." and a trailing slash do not change where a link goes; the path's case does."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", raw, flags=re.IGNORECASE)
    host, _, rest = bare.partition("/")
    return (host.lower() + ("/" + rest if rest else "")).rstrip("/")


def _phones(r: _Reader) -> None:
    region = _data()["phone_regions"][r.lang]
    try:
        found = list(phonenumbers.PhoneNumberMatcher(r.work, region))
    except Exception:  # the library's own limits (very long text): phones are skipped
        return
    for m in found:
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        r.add("phone", m.start, m.end, ("phone", e164))


def _is_code(token: str) -> bool:
    return any(c.isdigit() for c in token) or (token.isupper() and len(token) >= 3)


def _introduced_codes(r: _Reader) -> None:
    for m in r.each("code_intro"):
        token = m.group(1)
        if _is_code(token) and not token.isdigit():
            r.add("code", *m.span(1), ("code", token.upper()))


def _bare_codes(r: _Reader) -> None:
    for m in r.each("code"):
        token = m.group(0)
        if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
            r.add("code", *m.span(), ("code", token.upper()))


def _date_key(year, month, day, weekday=None, relative=None) -> tuple:
    if year and len(str(year)) == 2:
        year = 2000 + int(year)
    y, m, d = (int(v) if v else None for v in (year, month, day))
    if y and m and d and weekday is None:
        try:
            weekday = date(y, m, d).isoweekday()
        except ValueError:  # "31/02": kept as written, compared field by field
            weekday = None
    return ("date", y, m, d, weekday, relative)


def _dates(r: _Reader) -> None:
    t = r.tables
    for m in r.each("date_iso"):
        y, mo, d = m.groups()
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            r.add("date", *m.span(), _date_key(y, mo, d), (y, int(mo), int(d)))
    for name, days_group, month_group in (("date_list_dm", 1, 2), ("date_list_md", 2, 1)):
        for m in r.each(name):
            month = t.month_of[m.group(month_group).lower().rstrip(".")]
            _date_list(r, m, days_group, month, m.group(3))
    for m in r.each("date_dm"):
        wd, d, mon, y = m.groups()
        if 1 <= int(d) <= 31:
            key = _date_key(y, t.month_of[mon.lower().rstrip(".")], d, _wd(t, wd))
            r.add("date", *m.span(), key, (int(d), y or 0))
    for m in r.each("date_md"):
        wd, mon, d, y = m.groups()
        if 1 <= int(d) <= 31:
            key = _date_key(y, t.month_of[mon.lower()], d, _wd(t, wd))
            r.add("date", *m.span(), key, (int(d), y or 0))
    for m in r.each("date_num"):
        g = m.groups()
        first, second, y = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        d, mo = (second, first) if r.lang == "en" else (first, second)
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            r.add("date", *m.span(), _date_key(y, mo, d), (int(d), int(mo), y or 0))
    for m in r.each("date_wd_day"):
        wd, d = m.groups()
        if 1 <= int(d) <= 31:
            r.add("date", *m.span(), _date_key(None, None, d, _wd(t, wd)), (int(d),))
    for m in r.each("date_month"):
        mon, y = m.groups()
        if r.lang == "en" and not mon[0].isupper():
            continue
        r.add("date", *m.span(), _date_key(y, t.month_of[mon.lower()], None), (y or 0,))
    for m in r.each("date_relative"):
        r.add("date", *m.span(), _date_key(None, None, None, None, t.relative[m.group(0).lower()]))
    for m in r.each("date_wd"):
        r.add("date", *m.span(), _date_key(None, None, None, _wd(t, m.group(1))))


def _date_list(r: _Reader, m: re.Match, group: int, month: int, year: str | None) -> None:
    """ "14, 15 et 16 mars", "du 14 au 16 mars", "March 14-16": one date per day, same month.
    Days in between a range's ends are the brief's too ("le 15" of "du 14 au 16"), implied:
    kept when a variant names them, never missing. A list that does not go up is not one."""
    days = list(re.finditer(r"\d{1,2}", m.group(group)))
    numbers = [int(d.group(0)) for d in days]
    if numbers != sorted(set(numbers)) or not all(1 <= n <= 31 for n in numbers):
        return
    base, month_first = m.start(group), m.start() != m.start(group)
    for i, d in enumerate(days):
        start, end = base + d.start(), base + d.end()
        if i == 0 and month_first:
            start = m.start()  # "March 14" keeps its month
        if i == len(days) - 1 and not month_first:
            end = m.end()  # "16 mars 2027"
        r.add("date", start, end, _date_key(year, month, d.group(0)), (numbers[i],))
        gap = m.group(group)[d.end() : days[i + 1].start()] if i + 1 < len(days) else ""
        if gap.strip(" ,").lower() in ("au", "à", "-", "–", "to", "through"):
            for day in range(numbers[i] + 1, numbers[i + 1]):
                r.facts.append(
                    Fact("date", "", -1, _date_key(year, month, day), frozenset({str(day)}), True)
                )


def _wd(t: _Tables, name: str | None) -> int | None:
    return t.weekday_of.get(name.lower().rstrip(".")) if name else None


def _clock(hour: str, minute: str | None, meridiem: str | None) -> tuple[int, int] | None:
    h, mi = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return h, mi


def _times(r: _Reader) -> None:
    for m in r.each("time_range"):
        _, h1, m1a, m1b, mer1, h2, hmark, m2a, m2b, mer2 = m.groups()
        if not (hmark or mer2 or m2b or mer1 or m1a or m1b):
            continue  # "3 à 5" is not a time range
        if mer2 and not mer1:
            mer1 = (
                mer2
                if int(h1) <= int(h2) and int(h1) != 12
                else ("am" if mer2[0] in "pP" else "pm")
            )
        end = _clock(h2, m2a or m2b, mer2)
        start = _clock(h1, m1a or m1b, mer1)
        if start and end:
            first_end, s2 = m.end("first"), m.start(6)
            r.add("time", m.start(), first_end, ("time", *start), start)
            r.mask(first_end, s2)
            r.add("time", s2, m.end(), ("time", *end), end)
    for m in r.each("time_hours"):
        clock = _clock(m.group(1), m.group(2), None)
        if clock:
            r.add("time", m.start(1), m.end(), ("time", *clock), clock)
    for m in r.each("time"):
        hour, min_h, min_c, mer_c, mer = m.groups()
        clock = _clock(hour, min_h or min_c, mer_c or mer)
        if clock:
            r.add("time", *m.span(), ("time", *clock), clock)
        elif int(hour) > 23 and not (min_h or min_c or mer_c or mer):  # "en 48h": a duration
            r.add("number", *m.span(), ("number", hour, "hour"), (hour,))
    for m in r.each("time_word"):
        h, mi = r.tables.time_words[m.group(0).lower()].split(":")
        r.add("time", *m.span(), ("time", int(h), int(mi)), (int(h),))


def _currency(t: _Tables, text: str) -> str:
    for word, code in sorted(t.currency_of.items(), key=lambda kv: -len(kv[0])):
        if word in text.lower():
            return code
    return "?"


def _prices(r: _Reader) -> None:
    for name in ("price_pre", "price_post"):
        for m in r.each(name):
            value = amount(m.group(1))
            code = _currency(r.tables, m.group(0).replace(m.group(1), " "))
            r.add("price", *m.span(), ("price", code, value), (value,))


def _percents(r: _Reader) -> None:
    for m in r.each("percent"):
        value = amount(m.group(1))
        r.add("percent", *m.span(), ("percent", value), (value,))


def _units(r: _Reader) -> None:
    for m in r.each("unit"):
        value = amount(m.group(1))
        r.add("number", *m.span(), ("number", value, r.tables.unit_of[m.group(2)]), (value,))


def _numbers(r: _Reader) -> None:
    for m in r.each("number"):
        digits = re.match(NUM, m.group(0)).group(0)
        if sum(c.isdigit() for c in digits) > LONGEST_NUMBER:
            r.mask(*m.span())
            continue
        value = amount(digits)
        ordinal = len(m.group(0)) > len(digits)
        r.add("number", *m.span(), ("number", value, ""), (value,), ordinal=ordinal)


def _ordinal_words(r: _Reader) -> None:
    """ "première", "third": the same number as "1re", "3rd". Read as a fact that only counts
    next to the other side's ordinals: a word alone is never invented nor missing, since
    "la première fois" or "wait a second" state no fact."""
    for m in r.each("ordinal_word"):
        value = str(r.tables.ordinal_of[m.group(0).lower()])
        r.add("number", *m.span(), ("number", value, ""), (), ordinal=True, word=True)


# --- comparison -----------------------------------------------------------------------------


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
    pattern = re.compile(rf"(?<![\w-])(?:{_alternation(codes)})(?![\w-])", re.IGNORECASE)
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
    language, required = _lang(lang), set(must_keep)
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
                short_message=_data()["short_messages"][rule][language],
                category_name="Facts" if language == "en" else "Faits",
                extra={"kind": f.kind, "status": f.status},
                messages={code: _message(rule, f, code) for code in ("fr", "en")},
            )
        )
    return matches


def _message(rule: str, f: FactFinding, lang: str) -> str:
    kind = _data()["kinds"][f.kind][lang]
    return _data()["messages"][rule][lang].format(kind=kind, value=f.value, found=f.found)


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
