"""Typed errors, one per kind of broken input, turned into readable messages at one boundary.

An error a user can fix may carry a `key` and `params`: the UI words it in the reader's
language from `data/messages.yaml`; the CLI and logs use the English message.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Self

import yaml

MESSAGES_FILE = Path(__file__).parent.parent / "data" / "workflow_messages.yaml"


@cache
def _messages() -> dict[str, str]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


class AssistantError(Exception):
    """Base of every error a user can fix; its message is meant to be shown as is."""

    def __init__(self, message: str = "", *, key: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params

    @classmethod
    def keyed(cls, key: str, **params: Any) -> Self:
        """The error whose English message is `key`'s in data/workflow_messages.yaml, worded
        with `params` (the same params let the UI word it in the reader's language)."""
        return cls(_messages()[key].format(**params), key=key, **params)


class CharterError(AssistantError):
    """A brand charter that cannot be loaded: names the file, the field and the fix.

    `wordings` holds (field, problem, fix) per language for readers of another language
    than the message's English."""

    def __init__(
        self,
        path: str,
        field: str,
        problem: str,
        fix: str = "",
        wordings: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        self.path, self.field, self.problem, self.fix = str(path), field, problem, fix
        self.wordings = wordings or {}
        where = f"{self.path}: {field}" if field else self.path
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))

    def worded(self, lang: str) -> tuple[str, str, str]:
        """Field, problem and fix in `lang` (English when there is no wording for it)."""
        return self.wordings.get(lang, (self.field, self.problem, self.fix))


class UnknownBrand(AssistantError):
    """A brand slug with no charter file."""


class UnknownPlatform(AssistantError):
    """A network id that the profiles do not define."""


class ProviderError(AssistantError):
    """A chat-model provider that cannot be built or reached."""


class ReplyError(ProviderError):
    """A model reply that is not a usable post (cut, empty, not the expected fields)."""


class VisualError(AssistantError):
    """An image input (photo, font, logo) that cannot be used."""


class StoreError(AssistantError):
    """The database cannot be opened or written."""


class NotFound(AssistantError):
    """A campaign, brief or variant id that does not exist."""


class InputError(AssistantError):
    """Text or a file from outside that is too large, not text, or holds forbidden characters."""


class WorkflowError(AssistantError):
    """A review transition that the workflow forbids (with the reason)."""


class ConflictError(WorkflowError):
    """A save based on a stale version: someone else saved first.

    `theirs` holds the text now stored, so a UI can show both texts and let the user choose.
    """

    def __init__(self, message: str = "", *, theirs: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.theirs = theirs


class ExportError(AssistantError):
    """An export that would be refused by the scheduler; names the offending rows."""
