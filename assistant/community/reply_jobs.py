"""Drafting a reply as a job: the slow part of answering a comment (the model, the checks of
three options) runs where the team's jobs run.

On SQLite it runs at once in the calling process, as it always did; in team mode a worker
drafts it, with the worker's model settings when no provider is named, and the person's
click or command waits for its options. The options are kept on the reply row by
`replies.draft` itself, so what the job returns is only what the caller shows. Two people
drafting one comment at once: the second is refused by the store, as in one process."""

from __future__ import annotations

from typing import Any

from ..core import jobs
from ..core.actors import Actor
from ..core.llm import make_provider
from ..core.store import Store
from . import replies

KIND = "reply_draft"


def _key(item_id: int, **_rest: Any) -> str:
    return str(item_id)


@jobs.kind(KIND, key=_key)
def draft_reply(
    store: Store, item_id: int, actor: str, role: str, provider: str | None = None
) -> list[dict[str, Any]]:
    """Draft a comment's options as `actor` (a name and a role) with the provider chosen
    (None: the default of the process that drafts); the options as dicts."""
    options = replies.draft(store, item_id, Actor(actor, role), make_provider(provider))
    return [option.to_dict() for option in options]


def draft(
    store: Store | None, item_id: int, actor: Actor, provider: str | None = None
) -> list[dict[str, Any]]:
    """Draft a comment's options through the job queue (inline on SQLite) and wait for them:
    what the UI's Draft button and `assistant reply draft` show."""
    return jobs.call(
        KIND, store, item_id=item_id, actor=actor.name, role=actor.role, provider=provider
    )
