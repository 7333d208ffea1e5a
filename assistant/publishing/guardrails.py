"""Make a draft fit its network and charter, and record every change made.

A post is handled as parts (body, call to action, legal mentions, hashtag block) so a cut
never eats the legal mention and hashtags are capped as a set. No constraint is dropped
silently: what cannot be fixed is listed in `violations`, and what a cut removes is kept in
`cut` so a reviewer sees what the reader will not. Where links are clickable, a cut keeps
the links (they carry the call to action) and removes text before them instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import emoji
import regex

from ..core.charter import Charter
from ..core.platforms import Platform, measure
from ..core.tokens import Span, word_spans
from ..core.tokens import hashtags as find_hashtags
from ..core.tokens import urls as find_urls
from ..core.typography import french_spacing

SENTENCE_END = regex.compile(r"(?<=[.!?…])\s+")
TRAILING_TAGS = regex.compile(r"(?:\s*#\w+)+\s*$", regex.UNICODE)
LINK_IN_BIO = {"fr": "Lien en bio", "en": "Link in bio"}
LEAD_IN = regex.compile(r"(?:\s+(?:sur|on|at|via|ici|here|à|to))?\s*:?\s*$", regex.I)
TIGHT_NETWORKS = {"x", "bluesky", "threads", "mastodon"}

Rewriter = Callable[[str, str, dict], Awaitable[str]]


@dataclass
class Fitted:
    """A post after the guardrails, with what changed it and what still breaks a rule."""

    text: str
    hashtags: list[str]
    changes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    truncated: bool = False
    link: str | None = None
    cut: str | None = None


@dataclass
class Cut:
    """The body kept after a cut, the text removed, and links that could not fit at all."""

    body: str
    removed: str = ""
    lost_links: list[str] = field(default_factory=list)


@dataclass
class _Parts:
    body: str
    cta: str = ""
    legal: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def assemble(self, platform: Platform) -> str:
        gap = "\n" if platform.id in TIGHT_NETWORKS else "\n\n"
        pieces = [self.body.strip(), self.cta, *self.legal, " ".join(self.tags)]
        return gap.join(p for p in pieces if p)


async def fit(
    text: str,
    charter: Charter,
    platform: Platform,
    lang: str,
    extra_tags: list[str] | None = None,
    rewrite: Rewriter | None = None,
) -> Fitted:
    """Apply every guardrail; `rewrite(template, text, values)` asks the model, when there is one."""
    changes: list[str] = []
    body, tags = _split_trailing_tags(text)
    body = _note(changes, "substitutions", body, substitute(body, charter))
    body = _note(changes, "emoji", body, limit_emoji(body, charter))
    if lang == "fr" and charter.typography == "strict":
        body = _note(changes, "typography", body, french_spacing(body))
    body = _note(changes, "characters", body, _replace_forbidden_chars(body, platform))
    parts = _Parts(body=body)
    link = _move_links(parts, charter, platform, lang, changes)
    _cap_hashtags(parts, [*tags, *(extra_tags or [])], charter, platform, changes)
    _add_legal(parts, charter, platform, changes)
    violations = await _forbidden(parts, charter, platform, changes, rewrite)
    cut = await _fit_length(parts, platform, changes, rewrite)
    violations += [f"link does not fit: {url}" for url in (cut.lost_links if cut else [])]
    final = parts.assemble(platform)
    if not measure(final, platform).fits:
        result = measure(final, platform)
        violations.append(f"length: {result.length} / {result.max_length} even after cutting")
    removed = cut.removed if cut else None
    return Fitted(final, parts.tags, changes, violations, bool(removed), link, removed or None)


def _note(changes: list[str], name: str, before: str, after: str) -> str:
    if after != before and name not in changes:
        changes.append(name)
    return after


def _split_trailing_tags(text: str) -> tuple[str, list[str]]:
    """Hashtags standing alone at the end become the tag block; inline ones stay in the text."""
    found = TRAILING_TAGS.search(text)
    if not found:
        return text, []
    return text[: found.start()].rstrip(), [s.text for s in find_hashtags(found.group())]


def substitute(text: str, charter: Charter) -> str:
    """Replace each `avoid` term by the charter's `use` term, keeping an initial capital."""
    for avoid, use in charter.vocabulary.substitutions.items():
        for span in reversed(word_spans(text, [avoid])):
            wanted = use[0].upper() + use[1:] if span.text[0].isupper() else use
            text = text[: span.start] + wanted + text[span.end :]
    return text


def limit_emoji(text: str, charter: Charter) -> str:
    """Keep at most the charter's number of emoji (none when emoji are not allowed)."""
    keep = charter.emoji.max if charter.emoji.allowed else 0
    found = emoji.emoji_list(text)
    for extra in reversed(found[keep:]):
        text = text[: extra["match_start"]] + text[extra["match_end"] :]
    return regex.sub(r"[ ]{2,}", " ", text) if len(found) > keep else text


def _replace_forbidden_chars(text: str, platform: Platform) -> str:
    swaps = {"<": "‹", ">": "›"}
    for char in platform.forbidden_characters:
        text = text.replace(char, swaps.get(char, ""))
    return text


def _move_links(
    parts: _Parts, charter: Charter, platform: Platform, lang: str, changes: list[str]
) -> str | None:
    """Where links are not clickable, take URLs out and point to the bio (or the link field)."""
    found = find_urls(parts.body)
    if platform.links_clickable or not found:
        return None
    for span in reversed(found):
        before = LEAD_IN.sub("", parts.body[: span.start])
        parts.body = before + parts.body[span.end :]
    parts.body = regex.sub(r"[ \t]{2,}", " ", parts.body).strip()
    changes.append("links_moved")
    if platform.id != "pinterest":
        cta = charter.cta_for(platform.id)
        parts.cta = cta if cta and not find_urls(cta) else LINK_IN_BIO[lang]
    return found[0].text


def normalise_tag(tag: str) -> str:
    """'#Soldes d'hiver!' -> '#SoldesDhiver'; keeps letters and digits only."""
    words = regex.findall(r"[\p{L}\p{N}]+", tag)
    if not words:
        return ""
    if len(words) == 1:
        return "#" + words[0]
    return "#" + "".join(w[0].upper() + w[1:] for w in words)


def _cap_hashtags(
    parts: _Parts, candidates: list[str], charter: Charter, platform: Platform, changes: list[str]
) -> None:
    """Brand tags first, no duplicates, at most min(network, charter) tags in all."""
    cap = min(platform.max_hashtags, charter.hashtag_cap(platform.id))
    inline = find_hashtags(parts.body)
    for span in reversed(inline[cap:]):
        parts.body = parts.body[: span.start] + span.text[1:] + parts.body[span.end :]
    seen = {s.text.casefold() for s in inline[:cap]}
    block = []
    for tag in [*charter.hashtags.brand, *candidates]:
        tag = normalise_tag(tag)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            block.append(tag)
    room = max(0, cap - min(len(inline), cap))
    parts.tags = block[:room]
    if len(inline) > cap or len(block) > room or candidates != parts.tags:
        changes.append("hashtags")


def _add_legal(parts: _Parts, charter: Charter, platform: Platform, changes: list[str]) -> None:
    flat = " ".join(parts.body.split()).casefold()
    missing = [
        m for m in charter.legal_for(platform.id) if " ".join(m.split()).casefold() not in flat
    ]
    if missing:
        parts.legal = missing
        changes.append("legal_mention")


async def _forbidden(
    parts: _Parts,
    charter: Charter,
    platform: Platform,
    changes: list[str],
    rewrite: Rewriter | None,
) -> list[str]:
    """Ask the model once to remove forbidden terms; report what remains, never delete it."""
    terms = charter.vocabulary.forbidden
    if not word_spans(parts.body, terms):
        return []
    if rewrite is not None:
        listed = [f"forbidden term: {s.text}" for s in word_spans(parts.body, terms)]
        fixed = await rewrite("fix.j2", parts.body, {"violations": listed})
        if fixed and not word_spans(fixed, terms):
            fixed = restore_links(fixed, _clickable_links(parts.body, platform))
            parts.body = substitute(fixed, charter)
            changes.append("forbidden_fixed")
            return []
    return [f"forbidden term: {s.text}" for s in word_spans(parts.body, terms)]


async def _fit_length(
    parts: _Parts, platform: Platform, changes: list[str], rewrite: Rewriter | None
) -> Cut | None:
    """Model shortens once (exact overflow), then cut at a sentence or word, links kept.

    Returns the cut (None when the post fits without one); `changes` names `truncated`
    whenever text the reader would have seen is removed.
    """
    result = measure(parts.assemble(platform), platform)
    if result.fits:
        return None
    if rewrite is not None:
        shorter = await rewrite(
            "shorten.j2", parts.body, {"overflow": result.overflow, "length": result.length}
        )
        if shorter and len(shorter) < len(parts.body):
            parts.body = restore_links(shorter, _clickable_links(parts.body, platform))
            changes.append("shortened")
            if measure(parts.assemble(platform), platform).fits:
                return None
    links = _clickable_links(parts.body, platform)
    while parts.tags and not _body_can_fit(parts, platform, links):
        parts.tags.pop()
        if "hashtags" not in changes:
            changes.append("hashtags")
    dropped_cta = ""
    if parts.cta and not _body_can_fit(parts, platform, links):
        dropped_cta, parts.cta = parts.cta, ""
    cut = cut_to_fit(parts, platform)
    parts.body = cut.body
    cut.removed = "\n".join(p for p in (cut.removed, dropped_cta) if p)
    if cut.removed:
        changes.append("truncated")
    return cut


def _clickable_links(text: str, platform: Platform) -> list[str]:
    """The URLs a cut or a rewrite must keep: those the network shows as links."""
    return [s.text for s in find_urls(text)] if platform.links_clickable else []


def restore_links(text: str, links: list[str]) -> str:
    """A rewrite that lost some of the links gets them back, after its text (a link it only
    rewrote, without its scheme or with a trailing slash, counts as kept)."""
    present = {_link_key(s.text) for s in find_urls(text)}
    missing = [url for url in links if _link_key(url) not in present]
    return " ".join([text.rstrip(), *missing]) if missing else text


def _link_key(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/").casefold()


def _body_can_fit(
    parts: _Parts, platform: Platform, links: Sequence[str] = (), minimum: int = 40
) -> bool:
    """Whether a meaningful body (about one short sentence, plus its links) still has room."""
    probe = _Parts(" ".join(["x" * minimum, *links]), parts.cta, parts.legal, parts.tags)
    return measure(probe.assemble(platform), platform).fits


def cut_to_fit(parts: _Parts, platform: Platform) -> Cut:
    """The longest body prefix that fits: whole sentences if possible, else whole words + '…'.

    On networks with clickable links, links beyond the prefix follow it (they count as the
    network counts them, 23 on X); a link that cannot fit even alone is lost, and reported.
    """
    body = parts.body.strip()
    links = find_urls(body) if platform.links_clickable else []

    def fits(candidate: str) -> bool:
        return measure(
            _Parts(candidate, parts.cta, parts.legal, parts.tags).assemble(platform), platform
        ).fits

    sentence_ends = [m.start() for m in SENTENCE_END.finditer(body)] + [len(body)]
    best = None
    for end in sentence_ends:
        if not fits(_shown(body, end, links)):
            break
        best = end
    if best is not None:
        return _removed_after(body, best, links)
    word_ends = [m.start() for m in regex.finditer(r"\s+", body)] + [len(body)]
    low, high = 0, len(word_ends)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_shown(body, word_ends[middle - 1], links, "…")):
            low = middle
        else:
            high = middle - 1
    if low:
        return _removed_after(body, word_ends[low - 1], links, "…")
    return _links_only(body, links, fits)


def _kept_end(body: str, end: int, mark: str) -> int:
    """Where the visible prefix really ends: a word cut also drops a dangling , ; or :."""
    kept = body[:end].rstrip()
    return len(kept.rstrip(",;:") if mark else kept)


def _shown(body: str, end: int, links: list[Span], mark: str = "") -> str:
    """The prefix ending at `end` (with the cut mark), then the links that lie beyond it."""
    stop = _kept_end(body, end, mark)
    after_link = mark and any(s.end == stop for s in links)  # "…" must not join the URL
    kept = body[:stop] + (" " if after_link else "") + mark if stop else ""
    return " ".join(p for p in [kept, *(s.text for s in links if s.start >= stop)] if p)


def _removed_after(body: str, end: int, links: list[Span], mark: str = "") -> Cut:
    """The cut that keeps the prefix and the links beyond it; `removed` is the rest."""
    stop = _kept_end(body, end, mark)
    moved = [s for s in links if s.start >= stop]
    pieces, last = [], stop
    for span in moved:
        pieces.append(body[last : span.start])
        last = span.end
    pieces.append(body[last:])
    removed = " ".join(p.strip() for p in pieces if p.strip())
    return Cut(_shown(body, end, links, mark), removed)


def _links_only(body: str, links: list[Span], fits: Callable[[str], bool]) -> Cut:
    """No word fits beside the links: keep the links that fit, lose (and report) the rest."""
    kept = [s.text for s in links]
    lost: list[str] = []
    while kept and not fits(" ".join(kept)):
        lost.insert(0, kept.pop())
    cut = _removed_after(body, 0, [s for s in links if s.text in kept])
    return Cut(" ".join(kept), cut.removed, lost)
