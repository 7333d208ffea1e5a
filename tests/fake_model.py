"""A model server that answers what it is told: real HTTP on loopback speaking the
chat-completions shape, for the reply tests and the drafting benchmark."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any


def completion(content: Any, finish_reason: str = "stop") -> dict:
    """A chat-completions reply holding `content` as the assistant's message."""
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class ModelHandler(BaseHTTPRequestHandler):
    """Sends JSON answers; says nothing on stderr (the test or benchmark output stays clean)."""

    def answer(self, status: int, body: dict | bytes) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass
