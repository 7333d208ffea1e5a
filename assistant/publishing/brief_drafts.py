"""A brief's variants drafted into the store: each variant saved as soon as it is drafted (an
interrupted drafting keeps what was done), and what is missing found and drafted again.
The async drafting is also offered as plain iterators for the CLI and the UI's workers.
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.charter import Charter, load_brand
from ..core.errors import ConflictError
from ..core.llm import ChatProvider
from ..core.rows import commit_or_conflict, get_or_404
from ..core.settings import get_settings
from ..core.store import Brief, Store, VariantRow, Version
from .drafting import (
    DraftRequest,
    Variant,
    draft_one,
    draft_stream,
)
from .review import snapshot

T = TypeVar("T")
P = ParamSpec("P")
# a drafted Variant's attribute for each stored column whose name differs or that is kept
STORED_AS = {
    "platform": "platform",
    "variant_no": "variant",
    "text": "text",
    "draft_status": "status",
    "error": "error",
    "hashtags": "hashtags",
    "alt_text": "alt_text",
    "link": "link",
    "cut_text": "cut",
}


def _stored_fields(variant: Variant) -> dict[str, Any]:
    return {column: getattr(variant, name, None) for column, name in STORED_AS.items()}


def save_variant(
    store: Store, brief_id: int, variant: Variant, charter: Charter, lang: str, author: str
) -> VariantRow:
    """Store one drafted variant with its first version and that version's checks."""
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id).text
        matches = (
            snapshot(variant.text, charter, variant.platform, lang, brief) if variant.text else []
        )
        row = VariantRow(brief_id=brief_id, **_stored_fields(variant))
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # this brief's network and number were saved meanwhile
            session.rollback()
            raise ConflictError(
                f"variant {variant.platform}#{variant.variant} of brief {brief_id} is already "
                "saved; nothing was added.",
                key="variant_exists",
                brief_id=brief_id,
            ) from None
        cause = "model" if variant.provider != "none" else "guardrail"
        session.add(
            Version(
                variant_id=row.id,
                number=1,
                text=variant.text,
                author=author,
                cause=cause,
                changes=variant.changes,
                matches=matches,
            )
        )
        commit_or_conflict(session, "variant")
        return row


def _request(store: Store, brief_id: int, variants: int | None) -> tuple[DraftRequest, Charter]:
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        charter = load_brand(brief.campaign.brand, get_settings().brand_dir)
        count = variants or brief.variants_per_network or 1
        return DraftRequest(
            brief.text, charter, list(brief.networks), count, brief.language
        ), charter


async def draft_brief_async(
    store: Store,
    brief_id: int,
    provider: ChatProvider | None,
    author: str,
    *,
    variants: int | None = None,
) -> AsyncIterator[tuple[Variant, int]]:
    """Draft a stored brief; each variant is saved as it completes (yielded with its id).
    `variants` per network defaults to the number saved with the brief."""
    request, charter = _request(store, brief_id, variants)
    async for variant in draft_stream(request, provider):
        row = save_variant(store, brief_id, variant, charter, request.lang, author)
        yield variant, row.id


def synchronous(stream: AsyncIterator[T]) -> Iterator[T]:
    """An async stream for synchronous callers (the CLI), one item per request: stopping
    early stops the stream, as a killed process would (nothing more is drafted or saved)."""
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                yield loop.run_until_complete(anext(stream))
            except StopAsyncIteration:
                return
    finally:
        loop.run_until_complete(stream.aclose())
        loop.close()


def blocking(stream_of: Callable[P, AsyncIterator[T]]) -> Callable[P, Iterator[T]]:
    """The synchronous twin of an async stream function, same parameters (for the CLI)."""

    @functools.wraps(stream_of)
    def run(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        return synchronous(stream_of(*args, **kwargs))

    return run


draft_brief = blocking(draft_brief_async)


def _missing(brief: Brief, present: set[tuple[str, int]]) -> list[tuple[str, int]]:
    wanted = [
        (network, n)
        for network in brief.networks
        for n in range(1, (brief.variants_per_network or 1) + 1)
    ]
    return [pair for pair in wanted if pair not in present]


def missing_variants(store: Store, brief_id: int) -> list[tuple[str, int]]:
    """The (network, variant number) pairs a brief asked for that were never saved, e.g.
    after the process was killed or the database stopped mid-drafting."""
    with store.session() as session:
        brief = get_or_404(session, Brief, brief_id)
        present = set(
            session.execute(
                select(VariantRow.platform, VariantRow.variant_no).where(
                    VariantRow.brief_id == brief_id
                )
            )
        )
        return _missing(brief, present)


def incomplete_briefs(store: Store, campaign_id: int) -> list[dict[str, Any]]:
    """A campaign's briefs with variants missing: `[{"brief_id", "missing": ["x#1", …]}]`."""
    with store.session() as session:
        briefs = session.scalars(select(Brief).where(Brief.campaign_id == campaign_id)).all()
        pairs = session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
            .join(Brief)
            .where(Brief.campaign_id == campaign_id)
        )
        present: dict[int, set[tuple[str, int]]] = defaultdict(set)
        for brief_id, platform, number in pairs:
            present[brief_id].add((platform, number))
        found = []
        for brief in briefs:
            missing = _missing(brief, present[brief.id])
            if missing:
                found.append({"brief_id": brief.id, "missing": [f"{p}#{n}" for p, n in missing]})
        return found


async def _draft_pairs(
    request: DraftRequest, pairs: list[tuple[str, int]], provider: ChatProvider | None
) -> AsyncIterator[Variant]:
    limit = asyncio.Semaphore(max(1, get_settings().concurrency))

    async def one(platform: str, index: int) -> Variant:
        async with limit:
            return await draft_one(request, platform, index, provider)

    for finished in asyncio.as_completed([one(p, i) for p, i in pairs]):
        yield await finished


async def resume_brief_async(
    store: Store, brief_id: int, provider: ChatProvider | None, author: str
) -> AsyncIterator[tuple[Variant, int]]:
    """Draft only what a brief is missing, saving each variant as it completes."""
    pairs = missing_variants(store, brief_id)
    request, charter = _request(store, brief_id, None)
    async for variant in _draft_pairs(request, pairs, provider):
        row = save_variant(store, brief_id, variant, charter, request.lang, author)
        yield variant, row.id


resume_brief = blocking(resume_brief_async)
