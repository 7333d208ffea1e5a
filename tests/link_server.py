"""A local HTTP server answering as the web does to old posts' links: 200, a redirect to a
200, 404, 410, no answer at all, and a connection reset."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    hang_s = 30.0

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/ok"):
            self._answer(200)
        elif path.startswith("/moved"):
            self.send_response(301)
            self.send_header("Location", "/ok/target")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.startswith("/missing"):
            self._answer(404)
        elif path.startswith("/gone"):
            self._answer(410)
        elif path.startswith("/hang"):
            time.sleep(self.hang_s)
        elif path.startswith("/reset"):
            # SO_LINGER 0: closing sends a TCP RST instead of a clean end
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        else:
            self._answer(404)

    def _answer(self, code: int) -> None:
        body = b"ok" if code == 200 else b"no"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: a benchmark sends a thousand requests."""


@contextmanager
def link_server() -> Iterator[str]:
    """The server's base URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
