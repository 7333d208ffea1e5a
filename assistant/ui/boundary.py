"""The UI's one error boundary: a decorator for every event handler.

An error the user can fix (AssistantError) becomes one toast in the reader's language and an
info line in the log (who and what, no traceback); anything else is logged with its
traceback and the user sees a short message saying where the log is. Handlers may be plain
functions, coroutines or (async) generators: Gradio streams the latter.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from ..core.errors import AssistantError
from ..core.logfile import setup_logging
from .i18n import error_text, request_language, tr
from .profiling import profiled

log = logging.getLogger("assistant.ui")


def _request(fn: Callable, args: tuple, kwargs: dict) -> gr.Request | None:
    """The handler's `request` argument (Gradio fills it by its annotation), if it has one."""
    try:
        return inspect.signature(fn).bind_partial(*args, **kwargs).arguments.get("request")
    except TypeError:
        return None


def _refusal(exc: Exception, fn: Callable, args: tuple, kwargs: dict) -> gr.Error:
    request = _request(fn, args, kwargs)
    lang = request_language(request)
    if isinstance(exc, AssistantError):
        who = getattr(request, "username", None) or "anonymous"
        log.info("refused %s for %s: %s", fn.__name__, who, exc)
        # an expected refusal: no traceback in the server's output, a title in the reader's words
        return gr.Error(
            error_text(exc, lang), title=tr("toast_refused", lang), print_exception=False
        )
    where = setup_logging()
    log.exception("unexpected error in %s", fn.__name__)
    return gr.Error(
        tr("unexpected_error", lang, log=where or "stderr"), title=tr("toast_error", lang)
    )


def refusal(message: str, lang: str, outputs: int) -> tuple:
    """A refusal a handler answers itself (nothing to do yet, or an error it words): one toast
    titled in the reader's words, and each of its `outputs` left as it is."""
    gr.Warning(message, title=tr("toast_refused", lang))
    return tuple(gr.skip() for _ in range(outputs))


@contextmanager
def _boundary(fn: Callable, args: tuple, kwargs: dict) -> Iterator[None]:
    try:
        yield
    except gr.Error:
        raise
    except Exception as exc:
        raise _refusal(exc, fn, args, kwargs) from None


def handled(fn: Callable) -> Callable:
    """Wrap a Gradio handler in the boundary, keeping its signature (Gradio reads it)."""
    return _with_resolved_hints(_wrapped(fn), fn)


def _with_resolved_hints(wrapper: Callable, fn: Callable) -> Callable:
    """Gradio reads a handler's type hints on every call (to pass the request or the event);
    written as strings (postponed annotations), each read evaluates them again. They are
    evaluated once here."""
    # a hint only known to type checkers stays a string: Gradio evaluates it as before
    with contextlib.suppress(NameError, TypeError):
        wrapper.__annotations__ = typing.get_type_hints(fn)
    return wrapper


def _wrapped(fn: Callable) -> Callable:
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def agen(*args: Any, **kwargs: Any) -> Any:
            with _boundary(fn, args, kwargs):
                async for item in fn(*args, **kwargs):
                    yield item

        return agen
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Any:
            with _boundary(fn, args, kwargs):
                yield from fn(*args, **kwargs)

        return gen
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def coro(*args: Any, **kwargs: Any) -> Any:
            with _boundary(fn, args, kwargs):
                return await fn(*args, **kwargs)

        return coro

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        with _boundary(fn, args, kwargs), profiled(fn.__qualname__):
            return fn(*args, **kwargs)

    return plain
