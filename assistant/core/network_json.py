"""The JSON the networks' APIs return, as the inbox and the audit read it: one Pydantic model
per shape, so a file that is not what its shape says is refused with the file, the item and
the field named, never a crash.

Lenient where real exports vary (unknown keys ignored, most fields optional: the readers
say what is required), strict on types: text must be a JSON string, a count a finite number,
an object an object. An id may be a string or a whole number: the networks send ids as
strings, but tools that save their answers again (spreadsheets, JavaScript) write numeric
ids as numbers, and a JSON whole number keeps every digit, so it is read as its decimal
digits; a fraction or a boolean where an id is expected is refused (its digits are lost).

`load_json` reads the file itself: a number of more digits than Python reads
(`sys.get_int_max_str_digits`) and nesting deeper than the parser goes are worded errors too.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

M = TypeVar("M", bound=BaseModel)

# ---- reading the file ----------------------------------------------------------------------


class LongNumber:
    """A whole number with more digits than int() reads: kept as its digit count, so the
    field that holds it is named in the error instead of the parser failing unworded."""

    def __init__(self, digits: str) -> None:
        self.digits = len(digits.lstrip("-"))


class JsonProblem(ValueError):
    """A file that is not JSON the readers can take: `line` and `column` when known."""

    def __init__(self, problem: str, line: int = 0, column: int = 0) -> None:
        super().__init__(problem)
        self.problem, self.line, self.column = problem, line, column


def _whole(text: str) -> int | LongNumber:
    limit = sys.get_int_max_str_digits()
    return LongNumber(text) if limit and len(text.lstrip("-")) > limit else int(text)


def load_json(text: str) -> Any:
    """The parsed JSON; a JsonProblem for invalid JSON or nesting too deep to read."""
    try:
        return json.loads(text, parse_int=_whole)
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonProblem("nested too deeply to be read") from None


# ---- types of fields -----------------------------------------------------------------------


def describe(value: Any) -> str:
    """What a value is, in words, for an error ("a number", "a list", "text")."""
    if isinstance(value, LongNumber):
        return f"a number of {value.digits:,} digits"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _refuse(expected: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError("shape", expected, {"found": describe(value)})


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _refuse("text", value)


def _id(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _refuse("an id (text or a whole number)", value)


def _count(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise _refuse("a number", value)


Text = Annotated[str, PlainValidator(_text)]
Id = Annotated[str, PlainValidator(_id)]
Count = Annotated[float, PlainValidator(_count)]


class Lenient(BaseModel):
    """An object of a network's JSON: unknown keys ignored, known ones typed."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


# ---- errors --------------------------------------------------------------------------------

OBJECT_ERRORS = {"model_type", "model_attributes_type", "dict_type"}


def expected_and_found(error: dict[str, Any]) -> tuple[str, str]:
    """What one Pydantic error expected and what it found, in the words of import errors."""
    kind, found = error["type"], describe(error.get("input"))
    if kind == "missing":
        return "a value", "nothing"
    if kind == "shape":
        return str(error["msg"]), str(error["ctx"]["found"])
    if kind in OBJECT_ERRORS:
        return "an object", found
    if kind == "list_type":
        return "a list", found
    return str(error["msg"]), found


def place_of(loc: tuple[Any, ...], item: int | None = None) -> tuple[int | None, str]:
    """The item (1 = first) and the field a Pydantic location points at. Without `item`, the
    first list index in the location is the item; later indexes are shown from 1 too."""
    parts = list(loc)
    if item is None:
        at = next((i for i, p in enumerate(parts) if isinstance(p, int)), None)
        if at is None:
            return None, ".".join(map(str, parts)) or "-"
        item, before, parts = parts[at] + 1, parts[:at], parts[at + 1 :]
    else:
        before = []
    shown = [str(p + 1) if isinstance(p, int) else str(p) for p in parts]
    return item, ".".join(shown) or ".".join(map(str, before)) or "-"


class ShapeError(ValueError):
    """A value that is not what its model says: where (item, field), what was expected and
    what was found."""

    def __init__(self, item: int | None, field: str, expected: str, found: str) -> None:
        super().__init__(f"item {item}, field {field!r}: expected {expected}, found {found}")
        self.item, self.field, self.expected, self.found = item, field, expected, found

    @property
    def problem(self) -> str:
        if self.found == "nothing":
            return "missing"
        return f"expected {self.expected}, found {self.found}"


def validated(model: type[M], value: Any, item: int | None = None) -> M:
    """`value` as `model`; the first error as a ShapeError naming the item and the field."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where, field = place_of(tuple(error["loc"]), item)
        raise ShapeError(where, field, *expected_and_found(error)) from None


# ---- the inbox: comments -------------------------------------------------------------------


class FacebookUser(Lenient):
    name: Text | None = None


class FacebookRef(Lenient):
    id: Id


class FacebookComment(Lenient):
    """A Graph API comment (`/{object-id}/comments`)."""

    id: Id
    message: Text | None = None
    created_time: Text | None = None
    author: FacebookUser | None = Field(None, alias="from")
    permalink_url: Text | None = None
    parent: FacebookRef | None = None


class FacebookComments(Lenient):
    data: list[FacebookComment]


class YouTubeSnippet(Lenient):
    textOriginal: Text | None = None
    textDisplay: Text | None = None
    authorDisplayName: Text | None = None
    publishedAt: Text | None = None
    videoId: Text | None = None
    parentId: Id | None = None


class YouTubeComment(Lenient):
    id: Id
    snippet: YouTubeSnippet


class YouTubeReplies(Lenient):
    comments: list[YouTubeComment] = []


class YouTubeThreadSnippet(Lenient):
    topLevelComment: YouTubeComment
    videoId: Text | None = None


class YouTubeThread(Lenient):
    """A Data API v3 `commentThread`: the top-level comment and the replies it carries."""

    snippet: YouTubeThreadSnippet
    replies: YouTubeReplies | None = None


class YouTubeThreads(Lenient):
    items: list[YouTubeThread]


class MastodonAccount(Lenient):
    acct: Text | None = None


class MastodonStatus(Lenient):
    """A Mastodon status as `/api/v1/statuses` and a status context return it."""

    id: Id
    content: Text | None = None
    created_at: Text | None = None
    url: Text | None = None
    uri: Text | None = None
    in_reply_to_id: Id | None = None
    account: MastodonAccount | None = None
    reblog: Any = None
    favourites_count: Count | None = None
    reblogs_count: Count | None = None
    replies_count: Count | None = None


class MastodonContext(Lenient):
    descendants: list[MastodonStatus]


class BlueskyRef(Lenient):
    uri: Text | None = None


class BlueskyReplyRef(Lenient):
    parent: BlueskyRef | None = None


class BlueskyRecord(Lenient):
    text: Text | None = None
    createdAt: Text | None = None
    reply: BlueskyReplyRef | None = None


class BlueskyAuthor(Lenient):
    handle: Text | None = None


class BlueskyPost(Lenient):
    """An `app.bsky.feed.defs#postView`."""

    uri: Text
    author: BlueskyAuthor | None = None
    record: BlueskyRecord | None = None
    indexedAt: Text | None = None
    likeCount: Count | None = None
    repostCount: Count | None = None
    replyCount: Count | None = None
    quoteCount: Count | None = None


class BlueskyThreadNode(Lenient):
    """A node of `getPostThread`: a post and its replies (read one node at a time, so a deep
    thread is walked, not recursed); blocked or deleted replies carry no post."""

    post: BlueskyPost | None = None
    replies: list[Any] | None = None


class BlueskyThread(Lenient):
    thread: BlueskyThreadNode


# ---- the audit: published posts ------------------------------------------------------------


class BlueskyFeedItem(Lenient):
    """An item of `getAuthorFeed`: the post, and `reason` when it is a repost."""

    post: BlueskyPost
    reason: Any = None


class OwnPost(Lenient):
    """A post of the assistant's own `posts.json` export."""

    platform: Text
    text: Text
    id: Id | None = None
    post_id: Id | None = None
    publish_at: Text | None = None
    link: Text | None = None
