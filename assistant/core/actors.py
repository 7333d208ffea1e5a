"""Who acts and what a reviewer rules with: the roles, the check that only a reviewer does
what needs one, and the matches that block an approval. Both review workflows read them,
the variants' (`publishing/review.py`) and the replies' (`community/replies.py`), so they
stand in the core rather than in either half.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from .errors import WorkflowError
from .limits import clean_text, limits

ROLES = ("author", "reviewer", "admin")
REVIEW_ROLES = ("reviewer", "admin")


@dataclass(frozen=True)
class Actor:
    """Who acts: a name and a role (author, reviewer, admin)."""

    name: str
    role: str = "reviewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            roles = ", ".join(ROLES)
            raise WorkflowError.keyed("unknown_role", role=self.role[:32], roles=roles)
        name = clean_text(self.name.strip(), "the name", limits().name_chars)
        if not name:
            raise WorkflowError("say who acts: the name is empty.", key="empty_name")
        object.__setattr__(self, "name", name)


class Ruling(TypedDict, total=False):
    """What a reviewer decides with: the text version they saw (Version.number) and, to
    approve despite error matches, the override reason."""

    seen_version: int | None
    override: str | None


def require_reviewer(actor: Actor, what: str) -> None:
    """Refuse, naming the actor and the action, what only a reviewer or an admin may do."""
    if actor.role not in REVIEW_ROLES:
        raise WorkflowError.keyed("reviewers_only", name=actor.name, role=actor.role, what=what)


def errors_of(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored matches of `error` severity: those an approval must override."""
    return [m for m in matches if m["severity"] == "error"]
