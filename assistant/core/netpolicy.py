"""The one way out to the network on a user's behalf (a link written in a post, anything a
user names by URL): an `httpx.AsyncClient` that refuses internal addresses.

Server-side request forgery is stopped where the socket is opened, as OWASP's SSRF
prevention cheat sheet asks, not by reading the URL's text: httpcore hands every new
connection's host to `GuardedBackend.connect_tcp`, which resolves it once, refuses it when
any of its addresses is internal (loopback, private, link-local, shared, multicast,
reserved, unspecified, and IPv6 forms that embed one of those: IPv4-mapped, 6to4, NAT64,
Teredo) and connects to the very address it checked, so there is no second lookup a
rebinding DNS server could answer differently. Spellings such as `2130706433`,
`0x7f.0.0.1`, `[::ffff:127.0.0.1]` or `localhost` are judged after resolution like any
name. Redirects are followed by httpx, each hop opening its own checked connection; the
URL, the Host header and TLS (SNI and certificate check) keep the host name.

The same backend bounds the connections open at once to one resolved address, whatever
spellings of the host point there.

Tests declare their own listeners with `trusting(...)`: a context, set in code only,
never read from settings, the environment or input.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# RFC 6052's well-known NAT64 prefix: the last 32 bits are the IPv4 address reached
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class InternalAddressError(Exception):
    """A request to an address the policy refuses: nothing was sent to it."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to an internal address ({address}): not fetched")
        self.host = host
        self.address = address


def is_internal(address: IPAddress) -> bool:
    """True for every address a user's URL must not reach from this server."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_internal(embedded)
        if address.teredo is not None or address.is_site_local:
            return True
    return not address.is_global or address.is_multicast or address.is_reserved


@dataclass(frozen=True)
class Policy:
    """Which addresses may be reached. The default refuses every internal address;
    `listeners` (address, port) pairs and `hosts` (name -> address, read before DNS) exist
    only for a test's own servers and are set by `trusting`."""

    listeners: frozenset[tuple[IPAddress, int]] = frozenset()
    hosts: Mapping[str, str] = field(default_factory=dict)

    def allows(self, address: IPAddress, port: int) -> bool:
        return not is_internal(address) or (address, port) in self.listeners

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to, all allowed; else InternalAddressError."""
        name = self.hosts.get(host.casefold().rstrip("."), host)
        loop = asyncio.get_running_loop()
        try:
            found = await loop.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(f[4][0]) for f in found))
        refused = [a for a in addresses if not self.allows(a, port)]
        if refused or not addresses:
            raise InternalAddressError(host, str(refused[0]) if refused else "none")
        return addresses


STRICT = Policy()
_policy: ContextVar[Policy] = ContextVar("network_policy", default=STRICT)


def current_policy() -> Policy:
    return _policy.get()


@contextmanager
def trusting(
    listeners: Iterable[tuple[str, int]], hosts: Mapping[str, str] | None = None
) -> Iterator[Policy]:
    """For tests: treat these (address, port) listeners as public and resolve `hosts`
    names to the given addresses, inside the block (and the tasks it starts) only."""
    policy = Policy(
        frozenset((ipaddress.ip_address(a), int(p)) for a, p in listeners),
        {name.casefold(): address for name, address in (hosts or {}).items()},
    )
    token = _policy.set(policy)
    try:
        yield policy
    finally:
        _policy.reset(token)


# The per-request clock of the caller, paused while a connection queues for its address
_clock: ContextVar[asyncio.Timeout | None] = ContextVar("request_clock", default=None)


@asynccontextmanager
async def request_clock(seconds: float) -> AsyncIterator[asyncio.Timeout]:
    """`asyncio.timeout(seconds)` that does not run while the request waits for a free
    connection to its address: queueing behind other links is not the server's slowness."""
    async with asyncio.timeout(seconds) as clock:
        token = _clock.set(clock)
        try:
            yield clock
        finally:
            _clock.reset(token)


@asynccontextmanager
async def _queued() -> AsyncIterator[None]:
    """Pause the caller's `request_clock` (if any) for the time the block takes."""
    clock = _clock.get()
    deadline = clock.when() if clock is not None else None
    if clock is None or deadline is None:
        yield
        return
    loop = asyncio.get_running_loop()
    left = deadline - loop.time()
    clock.reschedule(None)
    try:
        yield
    finally:
        if not clock.expired():
            clock.reschedule(loop.time() + left)


class GatedStream(httpcore.AsyncNetworkStream):
    """A connection that frees its address's slot when closed (once)."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, gate: asyncio.Semaphore) -> None:
        self._stream = stream
        self._gate: asyncio.Semaphore | None = gate

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._release()

    def _release(self) -> None:
        if self._gate is not None:
            self._gate.release()
            self._gate = None

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        secured = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        gate, self._gate = self._gate, None  # the TLS stream owns the slot from now on
        assert gate is not None
        return GatedStream(secured, gate)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the policy: resolve, check, connect to the checked
    address, at most `per_address` connections open at once to one address."""

    def __init__(self, policy: Policy, per_address: int) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()
        self._gates: dict[IPAddress, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_address)
        )

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._policy.resolve(host, port)
        failure: Exception | None = None
        for address in addresses:
            gate = self._gates[address]
            async with _queued():
                await gate.acquire()
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                gate.release()
                failure = exc
                continue
            except BaseException:
                gate.release()
                raise
            return GatedStream(stream, gate)
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise InternalAddressError(path, "unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport whose connection pool opens connections through
    `GuardedBackend`; no proxy from the environment (a proxy would resolve names itself),
    no keep-alive (a connection idle in the pool would hold its address's slot)."""

    def __init__(self, policy: Policy, per_address: int, max_connections: int) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # the operator's CA settings are honoured
            max_connections=max_connections,
            max_keepalive_connections=0,
            network_backend=GuardedBackend(policy, per_address),
        )


def user_client(
    *,
    timeout: float,
    per_address: int,
    max_connections: int,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """The client for every URL a user gave: redirects followed, each hop checked."""
    return httpx.AsyncClient(
        transport=GuardedTransport(current_policy(), per_address, max_connections),
        follow_redirects=True,
        timeout=httpx.Timeout(timeout),
        headers=dict(headers or {}),
        trust_env=False,
    )
