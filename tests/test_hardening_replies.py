"""Model replies: only a complete, clean `text` becomes a post; every bad reply from a real
HTTP server speaking the chat-completions shape becomes an `error` variant that reads clearly."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer

import pytest

from assistant.core.charter import load_brand
from assistant.core.llm import OpenAIProvider
from assistant.core.settings import Settings
from assistant.publishing.drafting import DraftRequest, draft_all

from .conftest import ROOT, use_env
from .fake_model import ModelHandler, completion

BRIEF = "Cet hiver, nos palets au beurre salé sont de retour à Pont-Aven."


def good(text: str = "Nos palets au beurre salé sont de retour.") -> dict:
    return completion(json.dumps({"text": text, "hashtags": [], "alt_text": "Des palets."}))


class ScriptedModel(ModelHandler):
    """Answers each POST with the next scripted (status, body); the last one repeats."""

    script: list = []
    seen: list = []
    lock = threading.Lock()

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            type(self).seen.append(request)
            status, body = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if callable(body):
            status, body = body(request)
        self.answer(status, body)


@pytest.fixture()
def model_server(monkeypatch):
    """A real HTTP server on loopback; `script(*(status, body))` sets what it answers."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ScriptedModel.seen = []
    use_env(monkeypatch, ASSISTANT_TIMEOUT="10")

    def script(*answers):
        ScriptedModel.script = list(answers)
        return OpenAIProvider(
            Settings(
                openai_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                openai_api_key="sk-test",
                model="m",
                timeout=10,
                retries=0,
            )
        )

    yield script
    server.shutdown()
    server.server_close()


def lemoine():
    return load_brand("maison-lemoine", ROOT / "brand_guides")


def draft_x(provider, network: str = "x"):
    return draft_all(DraftRequest(BRIEF, lemoine(), [network], language="fr"), provider)[0]


BAD_REPLIES = {
    "cut mid-JSON": completion('{"text": "Bonjour, nos'),
    "empty": completion(""),
    "null content": completion(None),
    "null text": completion(json.dumps({"text": None, "hashtags": "oops"})),
    "text not a string": completion(json.dumps({"text": ["a", "b"]})),
    "hashtags not a list": completion(json.dumps({"text": "Bonjour", "hashtags": "oops"})),
    "plain prose": completion("Bonjour, voici votre post."),
    "NUL byte": completion(json.dumps({"text": "Bonjour\u0000 à tous"})),
    "control character": completion(json.dumps({"text": "Bonjour\u001b[31m"})),
    "template token": completion(json.dumps({"text": "Bonjour à tous<|im_end|>"})),
    "llama template": completion(json.dumps({"text": "[INST] Bonjour"})),
    "no choices": {"id": "c", "object": "chat.completion", "created": 0, "model": "m"},
    "empty choices": {**completion("x"), "choices": []},
    "error body": {"error": {"message": "model overloaded"}},
}


@pytest.mark.parametrize("name", list(BAD_REPLIES))
def test_a_bad_reply_is_an_error_variant_never_a_post(model_server, name):
    variant = draft_x(model_server((200, BAD_REPLIES[name])))
    assert variant.status == "error", (name, variant.text)
    assert variant.text == ""
    for leak in ("AttributeError", "IndexError", "KeyError", "'choices'"):
        assert leak not in variant.error, variant.error
    assert len(variant.error) < 400


def test_a_reply_cut_after_its_text_keeps_the_text_and_drops_the_cut_field(model_server):
    cut = '{"text": "Nos palets au beurre salé sont de retour.", "hashtags": ["#Bretagne", "#Pal'
    variant = draft_x(model_server((200, completion(cut))))
    assert variant.status in ("ok", "truncated"), variant.error
    assert variant.text.startswith("Nos palets au beurre salé sont de retour.")
    assert "#Pal" not in variant.text


def test_a_reply_cut_by_the_length_limit_is_asked_again_with_more_room(model_server):
    cut = completion('{"text": "Nos palets au beurre', finish_reason="length")
    variant = draft_x(model_server((200, cut), (200, good())))
    assert variant.status == "ok", variant.error
    rooms = [r["max_tokens"] for r in ScriptedModel.seen]
    assert rooms[:2] == [600, 1200]


def test_a_reply_cut_twice_by_the_length_limit_is_an_error(model_server):
    cut = completion('{"text": "Nos palets au beurre', finish_reason="length")
    variant = draft_x(model_server((200, cut)))
    assert variant.status == "error"
    assert "token limit" in variant.error
    assert len(ScriptedModel.seen) == 2


def test_a_server_refusing_json_schema_is_asked_for_plain_json(model_server):
    def refuse_schema(request):
        if request["response_format"]["type"] == "json_schema":
            return 400, {"error": {"message": "unsupported response_format", "type": "x"}}
        return 200, good()

    provider = model_server((200, refuse_schema))
    assert draft_x(provider).status == "ok"
    assert provider._plain_json_only
    kinds = [r["response_format"]["type"] for r in ScriptedModel.seen]
    assert kinds == ["json_schema", "json_object"]
    draft_x(provider)
    assert ScriptedModel.seen[-1]["response_format"]["type"] == "json_object"


def test_a_parse_word_in_an_error_no_longer_switches_the_format(model_server):
    provider = model_server((500, {"error": {"message": "could not parse the request"}}))
    variant = draft_x(provider)
    assert variant.status == "error"
    assert "HTTP 500" in variant.error
    assert not provider._plain_json_only


def test_a_failed_rewrite_is_recorded_in_the_changes(model_server):
    long_text = " ".join(["Nos palets au beurre salé sont de retour à Pont-Aven."] * 12)
    provider = model_server((200, good(long_text)), (200, completion("")))
    variant = draft_x(provider)
    assert variant.status in ("ok", "truncated")
    assert "rewrite_failed" in variant.changes
    assert len(ScriptedModel.seen) >= 2


@pytest.mark.slow
def test_the_llama_cpp_server_drafts_a_clean_post(llama_server, monkeypatch):
    use_env(monkeypatch, ASSISTANT_TIMEOUT="300")
    provider = OpenAIProvider(
        Settings(
            openai_base_url=llama_server,
            openai_api_key="sk-test",
            model="smollm2",
            timeout=300,
            retries=0,
        )
    )
    variant = draft_x(provider, "bluesky")
    assert variant.status in ("ok", "truncated"), variant.error
    assert variant.text.strip() and "<|" not in variant.text and "{" not in variant.text[:1]
