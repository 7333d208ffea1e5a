"""Replies to comments: three options per comment (warm, factual, short), and the workflow
that takes one of them to "answered".

Without a model the options are built from the charter's FAQ answer or saved reply and the
phrases of `data/replies.yaml`; with one (`openai`, `local`) the model writes them in the
brand's voice. Either way every option goes through the same guardrails: nothing the
charter says a reply must never promise (checked here, in code, not only asked of the
model), the network's reply length, the same proofreading as posts. An escalated comment
gets an internal note for the named role, never a public reply alone.

The reply's text is kept in numbered versions with their checks and authors, like a post's;
replies to sensitive comments (charter `community.second_approver`) are approved by someone
who wrote none of the text.
"""

from __future__ import annotations

import asyncio
import string
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Unpack

import regex
import yaml
from sqlalchemy import func, select

from ..core.actors import Actor, Ruling, errors_of, require_reviewer
from ..core.charter import Charter, load_brand
from ..core.errors import InputError, WorkflowError
from ..core.limits import clean_text, limits
from ..core.llm import ChatProvider, failure_reason
from ..core.platforms import get_platform, measure
from ..core.prompts import render
from ..core.settings import get_settings
from ..core.store import Store, commit_or_conflict, conflicts_refused, get_or_404, now
from ..core.typography import french_spacing
from ..proofing import Match, check_text
from .inbox_tables import CLOSED, InboxEvent, InboxItem, Reply, ReplyVersion
from .normal_form import normalise
from .safety import SELF_HARM

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "replies.yaml"
OPTIONS = ("warm", "factual", "short")
# brand rules about a post as a whole, not about a reply to one person
POST_ONLY_RULES = ("brand.legal_missing", "brand.hashtag_camelcase")
FIRST_NAME = regex.compile(r"^\p{Lu}[\p{L}'’-]{1,30}$")
UNFILLED = regex.compile(r"\[[a-z_]+\]")
SENTENCE = regex.compile(r"(?<=[.!?…])\s+")
LINE_DASH = regex.compile(r"(?m)^([—–])[ \t]+")


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


@cache
def reply_rules() -> dict[str, Any]:
    """Reply lengths and phrases, read once from `data/replies.yaml`."""
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def reply_length(network: str) -> int:
    """The longest reply the network accepts (a post's limit when the file has none)."""
    return int(reply_rules()["reply_length"].get(network, get_platform(network).max_length))


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


def _message(name: str, lang: str, **values: str) -> str:
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
                        message=_message(
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
            message=_message("unfilled", lang, name=hit.group()),
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


def _option(
    style: str, kind: str, text: str, source: str, item: InboxItem, charter: Charter, lang: str
) -> ReplyOption:
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
        return [_option("note", "note", _note(item, charter, lang), "note", item, charter, lang)]
    if item.intent in reply_rules()["no_reply_intents"]:
        return []
    values = {"first_name": first_name(item.author)}
    core = _core(item, charter, lang, values)
    offline = {s: _styled(core, s, item, charter, lang, values) for s in OPTIONS}
    if provider is None:
        return [_option(s, "public", offline[s], core.source, item, charter, lang) for s in OPTIONS]
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
        option = _option(
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
            option = _option(style, "public", offline[style], core.source, item, charter, lang)
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


# ---- workflow -------------------------------------------------------------------------


def _charter_for(item: InboxItem) -> Charter:
    return load_brand(item.brand, get_settings().brand_dir)


def _audit(
    session: Any,
    item: InboxItem,
    actor: Actor,
    action: str,
    to: str | None,
    reason: str | None = None,
) -> None:
    session.add(InboxEvent.of(item, actor.name, action, to, reason))
    if to:
        item.status = to


def _open(item: InboxItem) -> None:
    if item.status in CLOSED:
        raise WorkflowError(
            f"comment {item.id} is {item.status}; it is closed.",
            key="inbox_closed",
            id=item.id,
            status=item.status,
        )


def _reply_of(session: Any, item: InboxItem) -> Reply:
    reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
    if reply is None:
        raise WorkflowError(
            f"comment {item.id} has no reply yet; draft one first (assistant reply draft {item.id}).",
            key="no_reply_yet",
            id=item.id,
        )
    return reply


def _latest(session: Any, reply: Reply) -> ReplyVersion | None:
    return session.scalars(
        select(ReplyVersion)
        .where(ReplyVersion.reply_id == reply.id)
        .order_by(ReplyVersion.number.desc())
        .limit(1)
    ).first()


def _add_version(
    session: Any,
    item: InboxItem,
    reply: Reply,
    text: str,
    option: str,
    actor: Actor,
    cause: str,
    kind: str = "public",
) -> ReplyVersion:
    charter = _charter_for(item)
    matches = (
        [
            m.to_dict()
            for m in reply_checks(
                text, reply_language(item, charter), charter, item.network, names_of(item)
            )
        ]
        if kind == "public"
        else []
    )
    latest = _latest(session, reply)
    version = ReplyVersion(
        reply_id=reply.id,
        number=(latest.number if latest else 0) + 1,
        text=text,
        option=option,
        author=actor.name,
        cause=cause,
        matches=matches,
    )
    session.add(version)
    reply.text, reply.option, reply.kind = text, option, kind
    reply.approved_by = reply.approved_at = reply.override_reason = None
    return version


def draft(
    store: Store, item_id: int, actor: Actor, provider: ChatProvider | None = None
) -> list[ReplyOption]:
    """Draft the options of one comment and keep them; the first becomes the reply's next
    version (its author is whoever asked for the draft)."""
    # two people drafting one comment at once: the second reply row is refused at the flush
    with store.session() as session, conflicts_refused(session, f"comment {item_id}"):
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        options = draft_options(item, _charter_for(item), provider)
        if not options:
            return []
        reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
        if reply is None:
            reply = Reply(item_id=item.id)
            session.add(reply)
            session.flush()
        reply.options = [o.to_dict() for o in options]
        reply.provider = options[0].provider
        first = options[0]
        if (reply.text, reply.kind) != (first.text, first.kind):  # the same text is no version
            _add_version(
                session, item, reply, first.text, first.option, actor, first.source, first.kind
            )
        _audit(
            session,
            item,
            actor,
            "draft",
            "drafted" if item.status in ("new", "approved") else item.status,
        )
        commit_or_conflict(session, f"comment {item_id}")
        return options


def _text(text: str) -> str:
    text = clean_text(text.strip(), "the reply", limits().post_chars)
    if not text:
        raise InputError("the reply is empty.", key="empty_reply")
    return text


def edit(
    store: Store, item_id: int, text: str, actor: Actor, option: str = "edited"
) -> ReplyVersion:
    """A person's text (or a chosen option's) as the reply's next version, checked again; an
    approved reply that changes is reviewed again. An edited note becomes a public reply."""
    text = _text(text)
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        reply = _reply_of(session, item)
        if text == reply.text and reply.kind == "public":
            return _latest(session, reply)
        version = _add_version(session, item, reply, text, option, actor, "human")
        _audit(
            session, item, actor, "edit", "in_review" if item.status == "approved" else item.status
        )
        commit_or_conflict(session, f"comment {item_id}")
        return version


def choose(store: Store, item_id: int, option: str, actor: Actor) -> ReplyVersion:
    """Make one of the drafted options the reply's text."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        reply = _reply_of(session, item)
        found = next((o for o in reply.options if o["option"] == option), None)
    if found is None:
        names = ", ".join(o["option"] for o in reply.options) or "none"
        raise InputError(
            f"comment {item_id} has no option {option[:16]!r} (drafted: {names}).",
            key="no_such_option",
            id=item_id,
            option=option[:16],
        )
    return edit(store, item_id, found["text"], actor, option)


def authors_since_approval(session: Any, reply: Reply) -> list[str]:
    """Everyone who wrote a version since the reply was last approved (all if never)."""
    last = session.scalar(
        select(func.max(InboxEvent.created_at)).where(
            InboxEvent.item_id == reply.item_id, InboxEvent.action.in_(("approve", "override"))
        )
    )
    query = select(ReplyVersion.author).where(ReplyVersion.reply_id == reply.id)
    if last is not None:
        query = query.where(ReplyVersion.created_at > last)
    return list(dict.fromkeys(a for a in session.scalars(query.order_by(ReplyVersion.number)) if a))


def sensitive(item: InboxItem, charter: Charter) -> bool:
    """Whether the reply needs a second person (charter `community.second_approver`)."""
    return charter.community.needs_second_approver(item.intent, item.escalation)


def submit(store: Store, item_id: int, actor: Actor) -> InboxItem:
    """Send the reply for review."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        _reply_of(session, item)
        if item.status not in ("drafted", "new"):
            raise WorkflowError(
                f"comment {item_id} is {item.status}; only drafted replies are sent for review.",
                key="reply_not_submittable",
                id=item_id,
                status=item.status,
            )
        _audit(session, item, actor, "submit", "in_review")
        commit_or_conflict(session, f"comment {item_id}")
        return item


def approve(store: Store, item_id: int, actor: Actor, **ruling: Unpack[Ruling]) -> InboxItem:
    """Approve the reply's latest version, with the same ruling as a post's approval (the
    version read, `seen_version`, and an `override` reason). Refused for an internal note
    (write the public reply first), when the text moved since the reviewer read it, over
    errors without an override reason, and, on a sensitive comment, to anyone who wrote part
    of the reply and to authors (reviewers and admins only)."""
    override, seen_version = ruling.get("override"), ruling.get("seen_version")
    reason = (
        clean_text((override or "").strip(), "the override reason", limits().comment_chars) or None
    )
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        reply = _reply_of(session, item)
        charter = _charter_for(item)
        version = _latest(session, reply)
        if reply.kind == "note":
            raise WorkflowError(
                f"comment {item_id} was escalated: its draft is an internal note for "
                f"{charter.community.rule(item.escalation).role if charter.community.rule(item.escalation) else 'the team'}. "
                "Write the public reply once they agreed (assistant reply edit), then approve it.",
                key="note_not_reply",
                id=item_id,
            )
        if seen_version is not None and seen_version > version.number:
            raise WorkflowError(
                f"the reply to comment {item_id} has no v{seen_version} (the latest is "
                f"v{version.number}); give the version `reply show` prints.",
                key="reply_no_such_version",
                seen=seen_version,
                latest=version.number,
            )
        if seen_version is not None and version.number != seen_version:
            raise WorkflowError(
                f"the reply to comment {item_id} changed since you read it (you saw v{seen_version}, "
                f"it is now v{version.number}); read it again before approving.",
                key="reply_text_moved",
                seen=seen_version,
                latest=version.number,
            )
        if sensitive(item, charter):
            require_reviewer(actor, "approve replies to sensitive comments")
            if actor.name in authors_since_approval(session, reply):
                raise WorkflowError(
                    f"{actor.name} wrote this reply to a {item.intent}"
                    f"{' (escalated)' if item.escalation else ''} comment; someone else must approve it.",
                    key="reply_self_approval",
                    name=actor.name,
                    brand=charter.name,
                )
        blocking = errors_of(version.matches)
        if blocking and not reason:
            listed = "; ".join(m["message"] for m in blocking[:5])
            raise WorkflowError(
                f"the reply to comment {item_id} has {len(blocking)} error(s): {listed}. Fix them, "
                "or approve with an override reason.",
                key="reply_needs_override",
                id=item_id,
                count=len(blocking),
            )
        reason = reason if blocking else None
        _audit(session, item, actor, "override" if reason else "approve", "approved", reason)
        reply.override_reason = reason
        reply.approved_by, reply.approved_at = actor.name, now()
        commit_or_conflict(session, f"comment {item_id}")
        return item


def answered(store: Store, item_id: int, actor: Actor) -> InboxItem:
    """Record that the reply went out. A sensitive comment's reply must be approved first."""
    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        _open(item)
        if sensitive(item, _charter_for(item)) and item.status != "approved":
            raise WorkflowError(
                f"comment {item_id} is a {item.intent}{' (escalated)' if item.escalation else ''}: "
                "its reply must be approved by someone else before it is marked answered.",
                key="approve_first",
                id=item_id,
            )
        _audit(session, item, actor, "answered", "answered")
        item.answered_at = now()
        commit_or_conflict(session, f"comment {item_id}")
        return item


def close(
    store: Store, item_ids: list[int], actor: Actor, status: str, reason: str = ""
) -> list[InboxItem]:
    """Hide comments as spam (`hidden`) or record that they need no reply (`no_reply`), all
    or none: one closed or unknown id refuses the whole batch."""
    if status not in ("hidden", "no_reply"):
        raise InputError(f"cannot close as {status[:16]!r}.", key="bad_close", status=status[:16])
    note = clean_text(reason.strip(), "the reason", limits().comment_chars) or None
    with store.session() as session:
        items = [get_or_404(session, InboxItem, i) for i in dict.fromkeys(item_ids)]
        for item in items:
            _open(item)
            _audit(session, item, actor, "hide" if status == "hidden" else "no_reply", status, note)
        commit_or_conflict(session, "the inbox")
        return items


def unhide(store: Store, item_ids: list[int], actor: Actor) -> list[InboxItem]:
    """Show hidden comments again, each back in the status it had when it was hidden (its
    last `hide` event says which), all or none: one comment that is not hidden refuses the
    batch. Hiding is a bulk action, so it must be as easy to take back."""
    with store.session() as session:
        items = [get_or_404(session, InboxItem, i) for i in dict.fromkeys(item_ids)]
        for item in items:
            if item.status != "hidden":
                raise WorkflowError(
                    f"comment {item.id} is {item.status}, not hidden; nothing to show again.",
                    key="reply_not_hidden",
                    id=item.id,
                    status=item.status,
                )
        for item in items:
            hidden = session.scalar(
                select(InboxEvent)
                .where(InboxEvent.item_id == item.id, InboxEvent.to_status == "hidden")
                .order_by(InboxEvent.id.desc())
                .limit(1)
            )
            before = hidden.from_status if hidden and hidden.from_status else "new"
            _audit(session, item, actor, "unhide", before)
        commit_or_conflict(session, "the inbox")
        return items


def describe(store: Store, item_id: int) -> dict[str, Any]:
    """A comment with its reply: options, versions with checks and authors, the audit."""
    from .inbox import to_dict

    with store.session() as session:
        item = get_or_404(session, InboxItem, item_id)
        reply = session.scalar(select(Reply).where(Reply.item_id == item.id))
        charter = _charter_for(item)
        rule = charter.community.rule(item.escalation)
        return {
            **to_dict(item),
            "brand": item.brand,
            "created_at": item.created_at.isoformat(),
            "permalink": item.permalink,
            "post": item.post,
            "parent": item.parent,
            "corrected": item.corrected,
            "role": rule.role if rule else None,
            "sensitive": sensitive(item, charter),
            "reply": None
            if reply is None
            else {
                "text": reply.text,
                "kind": reply.kind,
                "option": reply.option,
                "options": reply.options,
                "approved_by": reply.approved_by,
                "override_reason": reply.override_reason,
                "authors_since_approval": authors_since_approval(session, reply),
                "versions": [
                    {
                        "number": v.number,
                        "text": v.text,
                        "option": v.option,
                        "author": v.author,
                        "cause": v.cause,
                        "errors": len(errors_of(v.matches)),
                        "matches": v.matches,
                    }
                    for v in reply.versions
                ],
            },
            "audit": [{**a.to_dict(), "at": a.created_at.isoformat()} for a in item.audit],
        }
