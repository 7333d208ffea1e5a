"""Typed errors, one per kind of broken input, turned into readable messages at one boundary."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error a user can fix; its message is meant to be shown as is."""


class CharterError(AssistantError):
    """A brand charter that cannot be loaded: names the file, the field and the fix."""

    def __init__(self, path: str, field: str, problem: str, fix: str = "") -> None:
        self.path, self.field, self.problem, self.fix = str(path), field, problem, fix
        where = f"{self.path}: {field}" if field else self.path
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))


class UnknownBrand(AssistantError):
    """A brand slug with no charter file."""


class UnknownPlatform(AssistantError):
    """A network id that the profiles do not define."""


class ProviderError(AssistantError):
    """A chat-model provider that cannot be built or reached."""


class VisualError(AssistantError):
    """An image input (photo, font, logo) that cannot be used."""


class StoreError(AssistantError):
    """The database cannot be opened or written."""


class NotFound(AssistantError):
    """A campaign, brief or variant id that does not exist."""


class WorkflowError(AssistantError):
    """A review transition that the workflow forbids (with the reason)."""


class ConflictError(WorkflowError):
    """A save based on a stale version: someone else saved first."""


class ExportError(AssistantError):
    """An export that would be refused by the scheduler; names the offending rows."""
