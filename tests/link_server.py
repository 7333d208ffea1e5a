"""A local HTTP server answering as the web does to old posts' links: 200, a redirect to a
200, a redirect to any URL (`/away?to=URL`), 404, 410, a slow answer, no answer at all, and
a connection reset. It counts what reached it: connections, requests (with their Host
header) and the most connections open at once."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Traffic:
    """What one listener received, counted on the server's side."""

    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)  # (Host header, path)
    server_names: list[str | None] = field(default_factory=list)  # TLS SNI, when TLS
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    hang_s = 30.0
    slow_s = 0.3

    def setup(self) -> None:
        super().setup()
        traffic: Traffic = self.server.traffic  # type: ignore[attr-defined]
        with traffic.lock:
            traffic.connections += 1

    def _slow_answer(self) -> None:
        """Hold the request `slow_s`, counted as served at once (`open_now`, `most_open`) from
        its arrival to just before its answer is written: a client can open its next
        connection only once an answer arrives, so the count never includes a connection the
        client already let go but this thread has not closed yet (a loaded machine is slow to
        run the server's closing code)."""
        traffic: Traffic = self.server.traffic  # type: ignore[attr-defined]
        with traffic.lock:
            traffic.open_now += 1
            traffic.most_open = max(traffic.most_open, traffic.open_now)
        try:
            time.sleep(self.slow_s)
        finally:
            with traffic.lock:
                traffic.open_now -= 1
        self._answer(200)

    def do_GET(self) -> None:
        traffic: Traffic = self.server.traffic  # type: ignore[attr-defined]
        with traffic.lock:
            traffic.requests.append((self.headers.get("Host", ""), self.path))
        path = self.path.split("?")[0]
        if path.startswith("/ok"):
            self._answer(200)
        elif path.startswith("/moved"):
            self._redirect("/ok/target")
        elif path.startswith("/away"):
            self._redirect(parse_qs(urlsplit(self.path).query)["to"][0])
        elif path.startswith("/missing"):
            self._answer(404)
        elif path.startswith("/gone"):
            self._answer(410)
        elif path.startswith("/slow"):
            self._slow_answer()
        elif path.startswith("/hang"):
            time.sleep(self.hang_s)
        elif path.startswith("/reset"):
            # SO_LINGER 0: closing sends a TCP RST instead of a clean end
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        else:
            self._answer(404)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, code: int) -> None:
        body = b"ok" if code == 200 else b"no"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: a benchmark sends a thousand requests."""


@dataclass
class Listener:
    """A running server: its address, port, base URL and what it received."""

    host: str
    port: int
    traffic: Traffic
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


@contextmanager
def listener(host: str = "127.0.0.1", tls: tuple[Path, Path] | None = None) -> Iterator[Listener]:
    """A server on `host` (127.0.0.1 or ::1) while the block runs; HTTPS with `tls`
    (certificate file, key file)."""

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True
        block_on_close = False
        request_queue_size = 256

    server = Server((host, 0), Handler)
    server.traffic = Traffic()  # type: ignore[attr-defined]
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        context.sni_callback = lambda _sock, name, _ctx: server.traffic.server_names.append(name)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    scheme = "https" if tls else "http"
    try:
        yield Listener(shown, server.server_address[1], server.traffic, scheme)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def link_server() -> Iterator[str]:
    """The server's base URL while the block runs."""
    with listener() as running:
        yield running.url
