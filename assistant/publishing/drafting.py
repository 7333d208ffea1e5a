"""Brief -> one variant per network (times n), drafted concurrently, yielded as each completes.

With no model the brief itself is shaped per network (hook, line breaks, emoji-led lines) and
the guardrails do the fitting; with a model its reply goes through the same guardrails. A
failed call becomes a variant in `error` state with the reason; the others are kept.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field

from ..core.charter import Charter
from ..core.language import detect
from ..core.llm import ChatProvider, DraftReply, failure_reason
from ..core.platforms import Platform, get_platform, measure
from ..core.prompts import platform_template, render
from ..core.settings import get_settings
from .fact_comparison import brief_facts, compare, violation
from .guardrails import SENTENCE_END, fit

log = logging.getLogger(__name__)


@dataclass
class Variant:
    """One network's post: the JSON shape of `assistant draft --format json`."""

    platform: str
    text: str = ""
    hashtags: list[str] = field(default_factory=list)
    alt_text: str = ""
    length: int = 0
    max_length: int = 0
    fits: bool = False
    status: str = "ok"
    changes: list[str] = field(default_factory=list)
    error: str | None = None
    variant: int = 1
    violations: list[str] = field(default_factory=list)
    link: str | None = None
    provider: str = "none"
    cut: str | None = None
    facts: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DraftRequest:
    """Everything one drafting run needs."""

    brief: str
    charter: Charter
    platforms: list[str]
    variants: int = 1
    language: str = ""

    @property
    def lang(self) -> str:
        return self.language or self.charter.language


def adapt_brief(
    brief: str, charter: Charter, platform: Platform, lang: str, index: int = 1
) -> DraftReply:
    """Rule-based adaptation (no model): the network's shape around the brief's own words."""
    sentences = [s.strip() for s in SENTENCE_END.split(" ".join(brief.split())) if s.strip()]
    if index > 1 and len(sentences) > 2:
        sentences = [sentences[0], *sentences[2:], sentences[1]]
    preferred = charter.emoji.preferred if charter.emoji.allowed else []
    mark = preferred[(index - 1) % len(preferred)] if preferred else ""
    if platform.id == "instagram" and preferred:
        lines = [
            f"{preferred[i % len(preferred)]} {s}" if i < charter.emoji.max else s
            for i, s in enumerate(sentences)
        ]
        text = "\n".join(lines)
    elif platform.id in ("linkedin", "facebook"):
        text = "\n\n".join([sentences[0], " ".join(sentences[1:])]) if sentences else ""
        signature = charter.signature_for(platform.id)
        text = f"{text}\n\n{signature}" if signature else text
    else:
        text = " ".join(sentences)
        if mark and platform.id in ("x", "threads", "bluesky", "tiktok"):
            text = f"{mark} {text}"
    return DraftReply(text=text, alt_text=_default_alt(brief, lang))


def _default_alt(brief: str, lang: str) -> str:
    first = SENTENCE_END.split(" ".join(brief.split()))[0][:200]
    return (f"Visuel : {first}" if lang == "fr" else f"Image: {first}") if first else ""


async def draft_one(
    request: DraftRequest, platform_id: str, index: int, provider: ChatProvider | None
) -> Variant:
    """One variant, never raising: a failure becomes an `error` variant with its reason."""
    platform = get_platform(platform_id)
    charter, lang = request.charter, request.lang
    name = provider.name if provider else "none"
    failed: list[str] = []
    try:
        if provider is None:
            reply, rewrite = adapt_brief(request.brief, charter, platform, lang, index), None
        else:
            reply = await _ask(provider, request, platform, index)
            rewrite = _rewriter(provider, charter, platform, lang, failed)
        fitted = await fit(reply.text, charter, platform, lang, reply.hashtags, rewrite)
    except Exception as exc:  # one failed call must not lose the others
        log.warning("draft for %s #%s failed: %s", platform.id, index, failure_reason(exc))
        return Variant(
            platform=platform.id,
            variant=index,
            status="error",
            provider=name,
            max_length=platform.max_length,
            error=failure_reason(exc),
        )
    result = measure(fitted.text, platform)
    findings = compare(request.brief, fitted.text, lang, allowed=charter.own_phrases)
    wrong = [line for f in findings if (line := violation(f, charter.facts.must_keep))]
    return Variant(
        platform=platform.id,
        variant=index,
        text=fitted.text,
        hashtags=fitted.hashtags,
        alt_text=reply.alt_text or _default_alt(request.brief, lang),
        length=result.length,
        max_length=result.max_length,
        fits=result.fits and not fitted.violations,
        status="truncated" if fitted.truncated else "ok",
        changes=fitted.changes + (["rewrite_failed"] if failed else []),
        violations=fitted.violations + wrong,
        link=fitted.link,
        provider=name,
        cut=fitted.cut,
        facts=[f.to_dict() for f in findings],
    )


async def _ask(
    provider: ChatProvider, request: DraftRequest, platform: Platform, index: int
) -> DraftReply:
    charter, lang = request.charter, request.lang
    system = render("system.j2", charter, language=lang, legal=charter.legal_for(platform.id))
    user = render(
        "draft.j2",
        charter,
        platform=platform,
        language=lang,
        brief=request.brief,
        platform_template=platform_template(platform),
        variant_index=index,
        hashtag_cap=min(platform.max_hashtags, charter.hashtag_cap(platform.id)),
        brand_hashtags=charter.hashtags.brand,
        cta=charter.cta_for(platform.id),
        facts=brief_facts(request.brief, lang),
    )
    timeout = get_settings().timeout
    try:
        return await asyncio.wait_for(provider.generate(system, user), timeout=timeout)
    except TimeoutError:
        raise TimeoutError(f"no answer within {timeout:g} s (ASSISTANT_TIMEOUT)") from None


def _rewriter(
    provider: ChatProvider, charter: Charter, platform: Platform, lang: str, failed: list[str]
):
    """A callback the guardrails use to ask the model to shorten or fix, once each.

    A failed rewrite falls back to the guardrails' own fitting, but is never silent: its
    reason is appended to `failed` (shown in the variant's changes) and logged."""

    async def rewrite(template: str, text: str, values: dict) -> str:
        system = render("system.j2", charter, language=lang, legal=charter.legal_for(platform.id))
        user = render(template, charter, platform=platform, text=text, language=lang, **values)
        try:
            reply = await asyncio.wait_for(
                provider.generate(system, user), timeout=get_settings().timeout
            )
        except Exception as exc:  # the draft stands; the failure is recorded, not raised
            reason = failure_reason(exc)
            failed.append(reason)
            log.warning("rewrite %s for %s failed: %s", template, platform.id, reason)
            return ""
        return reply.text  # providers already read the JSON they were asked for

    return rewrite


async def draft_stream(
    request: DraftRequest, provider: ChatProvider | None
) -> AsyncIterator[Variant]:
    """Every variant, concurrently (bounded by the concurrency setting), as each completes."""
    limit = asyncio.Semaphore(max(1, get_settings().concurrency))

    async def bounded(platform_id: str, index: int) -> Variant:
        async with limit:
            return await draft_one(request, platform_id, index, provider)

    jobs = [bounded(p, i) for p in request.platforms for i in range(1, request.variants + 1)]
    for finished in asyncio.as_completed(jobs):
        yield await finished


def draft_iter(request: DraftRequest, provider: ChatProvider | None) -> Iterator[Variant]:
    """The same stream for synchronous callers (CLI, threads): an event loop in a thread."""
    results: queue.Queue = queue.Queue()
    done = object()

    async def pump() -> None:
        try:
            async for variant in draft_stream(request, provider):
                results.put(variant)
        finally:
            results.put(done)

    thread = threading.Thread(target=lambda: asyncio.run(pump()), daemon=True)
    thread.start()
    while (item := results.get()) is not done:
        yield item
    thread.join()


def draft_all(request: DraftRequest, provider: ChatProvider | None) -> list[Variant]:
    """Every variant, in the order of the requested networks."""
    order = {p: i for i, p in enumerate(request.platforms)}
    found = list(draft_iter(request, provider))
    return sorted(found, key=lambda v: (order.get(v.platform, 99), v.variant))


def detect_language(text: str, charter: Charter) -> str:
    """The brief's own language when it is clear, else the charter's default."""
    return detect(text, charter.language)
