"""Dead and redirected links in published posts: every distinct URL fetched once,
concurrently, with a timeout per link, a cap on requests per host (a shop's server is not
hammered by one audit) and a cache kept between runs."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

import httpx
import regex

from ..tokens import urls
from .findings import Finding
from .post import Post
from .rules import analytics_rules

P = ParamSpec("P")
T = TypeVar("T")

SCHEME_URL = regex.compile(r"https?://[^\s<>\"'«»]+")
TRAILING = ".,;:!?)»\"'"
STATUSES = ("ok", "redirected", "not_found", "gone", "server_error", "timeout", "unreachable")


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

    def describe(self) -> str:
        if self.status == "redirected":
            return f"{self.url} redirects to {self.final_url}"
        if self.status in ("not_found", "gone", "server_error"):
            return f"{self.url} answers HTTP {self.code}"
        if self.status == "timeout":
            return f"{self.url} did not answer within {analytics_rules()['links']['timeout_s']} s"
        if self.status == "unreachable":
            return f"{self.url} cannot be reached (connection failed)"
        return f"{self.url} works"


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
    every link dead would be false."""
    bound = analytics_rules()["links"]["offline_after"]
    return len(statuses) >= bound and all(s.status == "unreachable" for s in statuses.values())


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
    client: httpx.AsyncClient,
    url: str,
    hosts: dict[str, asyncio.Semaphore],
    overall: asyncio.Semaphore,
    timeout: float,
) -> LinkStatus:
    host = urlsplit(url).hostname or ""
    async with overall, hosts[host]:
        try:
            async with asyncio.timeout(timeout):
                async with client.stream("GET", url) as response:
                    result = classify(response)
        except TimeoutError:
            return LinkStatus(url, "timeout", None, "", time.time())
        except httpx.TimeoutException:
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
) -> dict[str, LinkStatus]:
    """The status of every distinct URL; cached answers are not fetched again.
    `progress(done, total)` is called as answers come in."""
    settings = analytics_rules()["links"]
    timeout = settings["timeout_s"] if timeout is None else timeout
    per_host = settings["per_host"] if per_host is None else per_host
    cache = cache if cache is not None else LinkCache()
    wanted = list(dict.fromkeys(links))
    results = {u: hit for u in wanted if (hit := cache.get(u)) is not None}
    todo = [u for u in wanted if u not in results]
    hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
    overall = asyncio.Semaphore(settings["concurrency"])
    limits = httpx.Limits(max_connections=settings["concurrency"], max_keepalive_connections=20)
    async with httpx.AsyncClient(
        follow_redirects=True,
        timeout=httpx.Timeout(timeout),
        limits=limits,
        headers={"User-Agent": settings["user_agent"]},
    ) as client:
        tasks = [
            asyncio.ensure_future(_check_one(client, u, hosts, overall, timeout)) for u in todo
        ]
        for done, task in enumerate(asyncio.as_completed(tasks), len(results) + 1):
            status = await task
            results[status.url] = status
            cache.put(status)
            if progress is not None:
                progress(done, len(wanted))
    return results


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
