"""Facts of a post (dates, times, prices, percentages, codes, links, handles, e-mails, phones,
numbers), each with a normalised value, for their comparison with the brief
(`fact_comparison`): a reworded variant never ships another date, price or code without the
reviewer seeing it.

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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from price_parser.parser import parse_number
from text_to_num import alpha2digit

from .fact_patterns import NUM, FactTables, fact_language, fact_tables, facts_data

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
        self.lang = fact_language(lang)
        self.tables = fact_tables(self.lang)
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


def _number_words(text: str, lang: str, tables: FactTables) -> tuple[str, list[int]]:
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
    return list(_facts(text, fact_language(lang)))


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
    region = facts_data()["phone_regions"][r.lang]
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


def _wd(t: FactTables, name: str | None) -> int | None:
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


def _currency(t: FactTables, text: str) -> str:
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
