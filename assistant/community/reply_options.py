"""Three reply options per comment (warm, factual, short).

Without a model the options are built from the charter's FAQ answer or saved reply and the
phrases of `data/replies.yaml`; with one (`openai`, `local`) the model writes them in the
brand's voice. Either way every option passes the same checks (`reply_checks`: never-promise
rules, reply length, proofreading). An escalated comment gets an internal note for the named
role, never a public reply alone.
"""

from __future__ import annotations

import asyncio
import string
from dataclasses import asdict, dataclass, field
from typing import Any

import regex

from ..core.actors import errors_of
from ..core.charter import Charter
from ..core.llm import ChatProvider, failure_reason
from ..core.platforms import get_platform, measure
from ..core.prompts import render
from ..core.settings import get_settings
from .inbox_tables import InboxItem
from .normal_form import normalise
from .reply_checks import (
    SENTENCE,
    fit,
    promises,
    reply_checks,
    reply_length,
    reply_rules,
    typography,
)
from .safety import SELF_HARM

OPTIONS = ("warm", "factual", "short")
FIRST_NAME = regex.compile(r"^\p{Lu}[\p{L}'’-]{1,30}$")


@dataclass
class ReplyOption:
    """One drafted option: the JSON shape of `assistant reply draft --format json`."""

    option: str  # warm | factual | short | note
    kind: str  # public | note
    text: str
    source: str  # faq | saved | phrases | model | note
    length: int = 0
    max_length: int = 0
    fits: bool = True
    checks: list[dict[str, Any]] = field(default_factory=list)
    errors: int = 0
    promises: list[str] = field(default_factory=list)
    provider: str = "none"
    changes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reply_language(item: InboxItem, charter: Charter) -> str:
    """The language a reply is written and checked in: the comment's when the charter speaks
    it (its FAQ answers and saved replies are written in it), else the brand's own, so a
    reply never mixes an English greeting with a French answer."""
    return item.language if item.language in charter.languages else charter.language


def names_of(item: InboxItem) -> tuple[str, ...]:
    """The commenter's name as a reply may write it: the handle, its words, the first name."""
    author = (item.author or "").strip().lstrip("@")
    return tuple(n for n in dict.fromkeys([author, *author.split(" "), first_name(author)]) if n)


def first_name(author: str) -> str:
    """The author's first name when the author field reads as a person's name, else ""."""
    word = (author or "").strip().split(" ")[0]
    return word if FIRST_NAME.match(word) else ""


def fill(template: str, values: dict[str, str]) -> str:
    """A saved reply with its variables filled; an unknown one stays visible as [name], a
    missing first name disappears with the space or comma around it."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(values.get(name) or ("" if name == "first_name" else f"[{name}]"))
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    text = regex.sub(r"[ \t]+([,.])", r"\1", text)
    text = regex.sub(r"[ \t]{2,}", " ", text)
    return regex.sub(r"^(\p{L}+) ?, ", r"\1, ", text).strip()


def _phrases(lang: str, charter: Charter) -> dict[str, str]:
    table = reply_rules()["phrases"]
    if lang == "en":
        return table["en"]["you"]
    address = charter.community.address or charter.voice.address
    return table["fr"][address if address in ("tu", "vous") else "vous"]


@dataclass(frozen=True)
class _Core:
    """What every option says, before its style: the approved answer, the saved reply
    without its greeting, or the phrase for the comment's intent."""

    text: str
    source: str
    saved: str = ""


GREETING = regex.compile(
    r"^(?:bonjour|bonsoir|salut|hello|hi|hey|dear)\b[^,!.]{0,40}[,!]\s*", regex.I
)


def _core(item: InboxItem, charter: Charter, lang: str, values: dict[str, str]) -> _Core:
    words = _phrases(lang, charter)
    faq = next((f for f in charter.community.faq if f.id == item.faq), None)
    saved = next((s for s in charter.community.saved_replies if item.intent in s.intents), None)
    saved_text = fill(saved.text, values) if saved else ""
    if faq is not None:
        return _Core(faq.answer, "faq", saved_text)
    if saved is not None:
        return _Core(_capital(GREETING.sub("", saved_text)), "saved", saved_text)
    key = item.intent if item.intent in words else "thanks"
    return _Core(fill(words[key], values), "phrases")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _after_greeting(text: str, charter: Charter) -> str:
    """A sentence placed after "Hi Tom," starts in lower case, unless it opens with a name."""
    word = text.split(" ")[0]
    if len(word) > 1 and word[1:].islower() and word not in charter.own_words and word != "I":
        return text[:1].lower() + text[1:]
    return text


def _styled(
    core: _Core, style: str, item: InboxItem, charter: Charter, lang: str, values: dict
) -> str:
    """One option's text from the core answer: warm (greeting, thanks or apology, answer,
    signature), factual (the answer and signature), short (one sentence, no signature)."""
    words = _phrases(lang, charter)
    signature = charter.community.signature
    follow = (
        fill(words["follow_up"], values)
        if item.intent == "complaint" and core.source == "faq"
        else ""
    )
    if style == "short":
        if item.intent == "praise":
            return fill(words["short_thanks"], values)
        return SENTENCE.split(core.text)[0][: reply_rules()["short_chars"]].strip()
    if style == "factual":
        return "\n".join(p for p in (" ".join(p for p in (core.text, follow) if p), signature) if p)
    feeling = (
        ""
        if core.source == "saved"
        else {
            "complaint": words["sorry"],
            "question": words["question"],
            "suggestion": "" if core.source == "phrases" else words["suggestion"],
            "praise": "",
        }.get(item.intent, words["thanks"])
    )
    body = " ".join(p for p in (feeling, core.text, follow) if p)
    named = values.get("first_name") and values["first_name"] in body
    opening = fill(words["hello"], {**values, "first_name": ""} if named else values)
    return "\n".join(p for p in (f"{opening} {_after_greeting(body, charter)}", signature) if p)


def self_harm(item: InboxItem) -> bool:
    """Whether the comment may be someone at risk of harming themselves: it never gets an
    automated public reply, whatever its escalation was routed or corrected to."""
    return SELF_HARM in (item.topic, item.escalation)


def _note(item: InboxItem, charter: Charter, lang: str) -> str:
    rule = charter.community.rule(item.escalation) or charter.community.rule(item.topic)
    phrases = reply_rules()["phrases"]["en" if lang == "en" else "fr"]
    if self_harm(item):
        line = charter.community.support_line
        return phrases["self_harm_note"].format(
            role=rule.role_in(lang) if rule else "?",
            author=item.author or "?",
            network=get_platform(item.network).name,
            line=line.line if line else phrases["no_support_line"],
            text=" ".join(item.text.split())[:500],
        )
    template = phrases["note"]
    return template.format(
        role=rule.role_in(lang) if rule else "?",
        author=item.author or "?",
        network=get_platform(item.network).name,
        rule=rule.title_in(lang) if rule else item.escalation,
        text=" ".join(item.text.split())[:500],
    )


def checked_option(
    style: str, kind: str, text: str, source: str, item: InboxItem, charter: Charter, lang: str
) -> ReplyOption:
    """One option as shown: a public one spaced and fitted to the network's reply length, then
    measured and checked like every reply."""
    changes: list[str] = []
    if kind == "public":
        spaced = typography(text, lang, charter)
        changes = ["typography"] if spaced != text else []
        text, cut = fit(spaced, item.network)
        changes += cut
    profile = get_platform(item.network).model_copy(
        update={"max_length": reply_length(item.network)}
    )
    size = measure(text, profile)
    found = (
        reply_checks(text, lang, charter, item.network, names_of(item)) if kind == "public" else []
    )
    checks = [m.to_dict() for m in found]
    return ReplyOption(
        option=style,
        kind=kind,
        text=text,
        source=source,
        length=size.length,
        max_length=size.max_length,
        fits=size.fits or kind == "note",
        checks=checks,
        errors=len(errors_of(checks)),
        promises=sorted({m.rule_id.rsplit(".", 1)[-1] for m in found if m.category == "community"}),
        changes=changes,
    )


def draft_options(
    item: InboxItem, charter: Charter, provider: ChatProvider | None = None
) -> list[ReplyOption]:
    """The options for one comment: an internal note when escalated (and always when it may
    be self-harm: no public reply is drafted, by rules or model), none for spam, else warm,
    factual and short (by the model when one is given, from the charter otherwise)."""
    lang = reply_language(item, charter)
    if item.escalation or self_harm(item):
        return [
            checked_option("note", "note", _note(item, charter, lang), "note", item, charter, lang)
        ]
    if item.intent in reply_rules()["no_reply_intents"]:
        return []
    values = {"first_name": first_name(item.author)}
    core = _core(item, charter, lang, values)
    offline = {s: _styled(core, s, item, charter, lang, values) for s in OPTIONS}
    if provider is None:
        return [
            checked_option(s, "public", offline[s], core.source, item, charter, lang)
            for s in OPTIONS
        ]
    return asyncio.run(_model_options(item, charter, lang, core, offline, provider))


async def _model_options(
    item: InboxItem,
    charter: Charter,
    lang: str,
    core: _Core,
    offline: dict[str, str],
    provider: ChatProvider,
) -> list[ReplyOption]:
    """The model's three options; one that fails, or that promises what the charter
    forbids, is replaced by the offline option (the reason is kept in its changes)."""
    system = render("system.j2", charter, language=lang, legal=[])
    results = []
    for style in OPTIONS:
        user = render(
            "reply.j2",
            charter,
            style=style,
            network=get_platform(item.network).name,
            intent=item.intent,
            answer=core.text if core.source == "faq" else "",
            saved=core.saved,
            never=[r.name for r in charter.community.never_promise],
            max_length=reply_length(item.network),
            signature=charter.community.signature,
            author=item.author,
            comment=item.text,
        )
        reason = ""
        try:
            reply = await asyncio.wait_for(provider.generate(system, user), get_settings().timeout)
            text = reply.text.strip()
            if _lost_answer(core, style, text):
                text = f"{text}\n{core.text}"  # the approved answer is never lost
            if promises(text, charter, lang):
                reason, text = "model_promised", ""
        except Exception as exc:  # one failed option falls back; the others stand
            reason, text = f"model_failed: {failure_reason(exc)}", ""
        if style == "warm" and text and charter.community.signature:
            text = f"{text}\n{charter.community.signature}"
        option = checked_option(
            style,
            "public",
            text or offline[style],
            "model" if text else core.source,
            item,
            charter,
            lang,
        )
        if text and _lost_answer(core, style, option.text):
            # fitting to the network's length cut the approved answer: the charter's wording
            reason = "model_answer_cut"
            option = checked_option(
                style, "public", offline[style], core.source, item, charter, lang
            )
            text = ""
        option.provider = provider.name if text else "none"
        option.changes = [*option.changes, *([reason] if reason else [])]
        results.append(option)
    return results


def _lost_answer(core: _Core, style: str, text: str) -> bool:
    """Whether an option that must carry the FAQ's approved answer no longer does."""
    if core.source != "faq" or style == "short":
        return False
    return normalise(core.text)[:60] not in normalise(text)
