"""Dead and redirected links in published posts: every distinct URL fetched once,
concurrently, with a timeout per link, a cap on connections per resolved address (a shop's
server is not hammered by one audit, whatever spellings of its name the posts use) and a
cache kept between runs.

The links are a user's input: they are fetched only through `assistant.core.netpolicy`, which
refuses internal addresses after resolution and on every redirect hop; such a link is
reported "not checked: internal address", never dead. One audit checks at most `max_links`
links within `budget_s` seconds (data/analytics.yaml): what is past a bound is reported
"not checked" with its reason, so one audit cannot hold the others for long."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

import httpx
import regex

from ..core.netpolicy import InternalAddressError, request_clock, user_client
from ..core.tokens import urls
from .findings import Finding
from .post import Post
from .rules import analytics_rules
from .words import Note

P = ParamSpec("P")
T = TypeVar("T")

SCHEME_URL = regex.compile(r"https?://[^\s<>\"'«»]+")
TRAILING = ".,;:!?)»\"'"
STATUSES = (
    "ok",
    "redirected",
    "not_found",
    "gone",
    "server_error",
    "timeout",
    "unreachable",
    "internal",
    "too_many",
    "over_budget",
)
# links the checker chose not to fetch: never cached, never a sign of being offline
NOT_CHECKED = ("internal", "too_many", "over_budget")


@dataclass(frozen=True)
class LinkStatus:
    """What one URL answered: a status of STATUSES, the HTTP code, where it ended up."""

    url: str
    status: str
    code: int | None = None
    final_url: str = ""
    checked_at: float = 0.0

    @property
    def severity(self) -> str | None:
        return analytics_rules()["links"]["severity"][self.status]

    @property
    def checked(self) -> bool:
        """False for a link the checker did not fetch (internal address, over a bound)."""
        return self.status not in NOT_CHECKED

    def describe(self) -> Note:
        """The finding's message: English, worded again in the reader's language."""
        if self.status == "redirected":
            return Note("link_redirected", url=self.url, final=self.final_url)
        if self.status in ("not_found", "gone", "server_error"):
            return Note("link_http", url=self.url, code=self.code)
        if self.status == "timeout":
            seconds = analytics_rules()["links"]["timeout_s"]
            return Note("link_timeout", url=self.url, seconds=seconds)
        if self.status in ("unreachable", *NOT_CHECKED):
            return Note(f"link_{self.status}", url=self.url)
        return Note("link_ok", url=self.url)


def post_links(post: Post) -> list[str]:
    """The URLs written in a post, with a scheme (bare domains are read as https)."""
    found = []
    for span in urls(post.text):
        url = span.text.rstrip(TRAILING)
        found.append(url if "://" in url else "https://" + url)
    # twitter-text knows only listed top-level domains: an IP address or a new TLD is a
    # link all the same when its scheme is written
    found += [m.group().rstrip(TRAILING) for m in SCHEME_URL.finditer(post.text)]
    return sorted(dict.fromkeys(found), key=post.text.find)


class LinkCache:
    """Link answers by URL, younger than `max_age` seconds, optionally kept in a JSON file."""

    def __init__(self, path: Path | None = None, max_age: float | None = None) -> None:
        self.path = path
        hours = analytics_rules()["links"]["cache_hours"]
        self.max_age = hours * 3600 if max_age is None else max_age
        self.entries: dict[str, LinkStatus] = {}
        if path is not None and path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self.entries = {u: LinkStatus(**v) for u, v in raw.items()}
            except (ValueError, TypeError):
                self.entries = {}  # a damaged cache is rebuilt, never an error

    def get(self, url: str) -> LinkStatus | None:
        entry = self.entries.get(url)
        if entry is None or time.time() - entry.checked_at > self.max_age:
            return None
        return entry

    def put(self, status: LinkStatus) -> None:
        if status.checked:  # a link left out this time is fetched next time
            self.entries[status.url] = status

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = {u: asdict(s) for u, s in self.entries.items() if self.get(u) is not None}
        self.path.write_text(json.dumps(fresh), encoding="utf-8")


def _shortener(url: str) -> bool:
    return (urlsplit(url).hostname or "") in analytics_rules()["links"]["shorteners"]


def offline(statuses: dict[str, LinkStatus]) -> bool:
    """Enough links checked and not one reached: the machine has no network, and calling
    every link dead would be false. Links not fetched (internal, over a bound) do not
    count either way."""
    bound = analytics_rules()["links"]["offline_after"]
    fetched = [s for s in statuses.values() if s.checked]
    return len(fetched) >= bound and all(s.status == "unreachable" for s in fetched)


def classify(response: httpx.Response) -> LinkStatus:
    url = str(response.history[0].request.url) if response.history else str(response.request.url)
    final = str(response.url)
    code = response.status_code
    if code in (404,):
        status = "not_found"
    elif code == 410:
        status = "gone"
    elif code >= 500:
        status = "server_error"
    elif response.history and final.rstrip("/") != url.rstrip("/") and not _shortener(url):
        status = "redirected"
    else:
        status = "ok"
    return LinkStatus(url, status, code, final if response.history else "", time.time())


async def _check_one(
    client: httpx.AsyncClient, url: str, overall: asyncio.Semaphore, timeout: float
) -> LinkStatus:
    async with overall:
        try:
            async with request_clock(timeout), client.stream("GET", url) as response:
                result = classify(response)
        except InternalAddressError:
            return LinkStatus(url, "internal", None, "", time.time())
        except (TimeoutError, httpx.TimeoutException):
            return LinkStatus(url, "timeout", None, "", time.time())
        except (httpx.HTTPError, OSError, ValueError):
            return LinkStatus(url, "unreachable", None, "", time.time())
    return LinkStatus(url, result.status, result.code, result.final_url, result.checked_at)


async def check_links_async(
    links: Iterable[str],
    cache: LinkCache | None = None,
    timeout: float | None = None,
    per_host: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    max_links: int | None = None,
    budget: float | None = None,
) -> dict[str, LinkStatus]:
    """The status of every distinct URL; cached answers are not fetched again.
    `progress(done, total)` is called as answers come in. At most `per_host` connections
    are open at once to one resolved address; at most `max_links` links are fetched and
    for at most `budget` seconds in all (defaults from data/analytics.yaml): the others
    are "not checked", with the bound they hit."""
    settings = analytics_rules()["links"]
    timeout = settings["timeout_s"] if timeout is None else timeout
    per_host = settings["per_address"] if per_host is None else per_host
    max_links = settings["max_links"] if max_links is None else max_links
    budget = settings["budget_s"] if budget is None else budget
    cache = cache if cache is not None else LinkCache()
    wanted = list(dict.fromkeys(links))
    results = {u: hit for u in wanted if (hit := cache.get(u)) is not None}
    todo = [u for u in wanted if u not in results]
    for url in todo[max_links:]:
        results[url] = LinkStatus(url, "too_many", None, "", time.time())
    todo = todo[:max_links]
    overall = asyncio.Semaphore(settings["concurrency"])
    async with user_client(
        timeout=timeout,
        per_address=per_host,
        max_connections=settings["concurrency"],
        headers={"User-Agent": settings["user_agent"]},
    ) as client:
        tasks = {asyncio.ensure_future(_check_one(client, u, overall, timeout)): u for u in todo}
        done = len(results)
        try:
            for task in asyncio.as_completed(tasks, timeout=budget):
                status = await task
                results[status.url] = status
                cache.put(status)
                done += 1
                if progress is not None:
                    progress(done, len(wanted))
        except TimeoutError:
            for task, url in tasks.items():
                if url in results:
                    continue
                if task.done() and not task.cancelled():
                    results[url] = task.result()
                    cache.put(results[url])
                else:
                    task.cancel()
                    results[url] = LinkStatus(url, "over_budget", None, "", time.time())
            await asyncio.gather(*tasks, return_exceptions=True)
    return {u: results[u] for u in wanted}


def _synchronous(check: Callable[P, Awaitable[T]]) -> Callable[P, T]:
    """The same check from synchronous code (the CLI, the UI's worker threads)."""

    @functools.wraps(check)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return asyncio.run(check(*args, **kwargs))

    return run


check_links = _synchronous(check_links_async)


def link_findings(posts: Iterable[Post], statuses: dict[str, LinkStatus]) -> list[Finding]:
    """A finding for each post's link that is dead, redirected or did not answer."""
    found = []
    for post in posts:
        for url in post_links(post):
            status = statuses.get(url)
            if status is None or status.severity is None:
                continue
            found.append(
                Finding(
                    post.network,
                    post.post_id,
                    "link",
                    status.severity,
                    status.describe(),
                    f"link.{status.status}",
                    url,
                )
            )
    return found
