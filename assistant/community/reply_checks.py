"""What every reply passes, whoever wrote it: nothing the charter says a reply must never
promise (checked here, in code, not only asked of the model), no saved-reply variable left
unfilled, the network's reply length, French typography, and the same proofreading as posts
(less the rules about a whole post).
"""

from __future__ import annotations

from typing import Any

import regex

from ..core.charter import Charter
from ..core.data_files import data_file
from ..core.platforms import get_platform, measure
from ..core.typography import french_spacing
from ..proofing import Match, check_text
from .normal_form import normalise

# brand rules about a post as a whole, not about a reply to one person
POST_ONLY_RULES = ("brand.legal_missing", "brand.hashtag_camelcase")
UNFILLED = regex.compile(r"\[[a-z_]+\]")
SENTENCE = regex.compile(r"(?<=[.!?…])\s+")
LINE_DASH = regex.compile(r"(?m)^([—–])[ \t]+")


def reply_rules() -> dict[str, Any]:
    """Reply lengths and phrases, read once from `data/replies.yaml`."""
    return data_file("replies.yaml")


def reply_length(network: str) -> int:
    """The longest reply the network accepts (a post's limit when the file has none)."""
    return int(reply_rules()["reply_length"].get(network, get_platform(network).max_length))


def reply_message(name: str, lang: str, **values: str) -> str:
    texts = reply_rules()["messages"][name]
    return (texts.get(lang) or texts["en"]).format(**values)


def promises(text: str, charter: Charter, lang: str = "en") -> list[Match]:
    """Every forbidden promise in a reply, as an error match (never-promise guardrail),
    worded in the reply's language."""
    found = []
    plain = normalise(text)
    for rule in charter.community.never_promise:
        for pattern in rule.patterns:
            for hit in regex.finditer(normalise(pattern), plain, regex.IGNORECASE):
                found.append(
                    Match(
                        offset=hit.start(),
                        length=hit.end() - hit.start(),
                        message=reply_message(
                            "never_promise",
                            lang,
                            rule=rule.name,
                            text=text[hit.start() : hit.end()],
                        ),
                        rule_id=f"community.never_promise.{rule.name}",
                        category="community",
                        severity="error",
                        source="charter",
                    )
                )
    return found


def typography(text: str, lang: str, charter: Charter) -> str:
    """The French spacing posts get (no-break spaces before ; : ! ? and inside « »), and a
    no-break space after the dash that opens a signature line, so a drafted reply does not
    fail the charter's own typography checks."""
    if lang != "fr" or charter.typography != "strict":
        return text
    return LINE_DASH.sub("\\1\u00a0", french_spacing(text))


def reply_checks(
    text: str, lang: str, charter: Charter, network: str, names: tuple[str, ...] = ()
) -> list[Match]:
    """Proofreading as for posts (minus the rules about a whole post), plus the promises;
    the commenter's own name (`names`) is never an unknown word."""
    found = [
        m
        for m in check_text(text, lang, charter, network).matches
        if m.rule_id not in POST_ONLY_RULES and text[m.offset : m.offset + m.length] not in names
    ]
    return sorted(
        found + promises(text, charter, lang) + unfilled(text, lang),
        key=lambda m: (m.offset, m.length),
    )


def unfilled(text: str, lang: str = "en") -> list[Match]:
    """A saved reply's variable nobody filled in ([order_id]): sent as is, it shows."""
    return [
        Match(
            offset=hit.start(),
            length=hit.end() - hit.start(),
            message=reply_message("unfilled", lang, name=hit.group()),
            rule_id="community.unfilled",
            category="community",
            severity="error",
            source="charter",
        )
        for hit in UNFILLED.finditer(text)
    ]


def fit(text: str, network: str) -> tuple[str, list[str]]:
    """The text within the network's reply length: whole sentences dropped from the end
    first, then a cut at a word with an ellipsis."""
    limit = reply_length(network)
    profile = get_platform(network).model_copy(update={"max_length": limit})
    if measure(text, profile).fits:
        return text, []
    sentences = SENTENCE.split(text)
    while len(sentences) > 1:
        sentences.pop()
        shorter = " ".join(sentences)
        if measure(shorter, profile).fits:
            return shorter, ["shortened"]
    words = text.split(" ")
    while len(words) > 1 and not measure(" ".join(words) + "…", profile).fits:
        words.pop()
    return " ".join(words) + "…", ["cut"]
