"""Replies: options from the FAQ and saved replies, the never-promise guardrail, the
internal note of an escalated comment, and the workflow (second approver for sensitive
comments, answered, hidden), on SQLite and PostgreSQL; the model path on llama.cpp."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.community.inbox import import_text, list_items, stats
from assistant.community.replies import answered, approve, close, describe, draft, edit
from assistant.community.reply_checks import fit
from assistant.core.actors import Actor
from assistant.core.charter import load_brand
from assistant.core.errors import WorkflowError
from assistant.core.store import Store, open_store

from .conftest import ROOT, use_env, use_llama_server
from .fake_model import ModelHandler, completion

run = CliRunner().invoke
ANNE, BOB = Actor("anne", "author"), Actor("bob", "reviewer")
FAQ_ANSWER = "Nous livrons en France, en Belgique, en Suisse et au Luxembourg"


def _comment(store, text, network="facebook", author="Marie Dupont", brand="maison-lemoine"):
    charter = load_brand(brand, ROOT / "brand_guides")
    return import_text(store, charter, text, network, author).ids[0]


def test_a_faq_question_gets_the_approved_answer_in_every_long_option():
    store = open_store()
    item = _comment(store, "Bonjour, vous livrez à l'étranger ?")
    result = run(app, ["reply", "draft", str(item), "--provider", "none", "--format", "json"])
    assert result.exit_code == 0, result.output
    options = json.loads(result.stdout)
    assert [o["option"] for o in options] == ["warm", "factual", "short"]
    assert all({"text", "checks", "fits"} <= set(o) for o in options)
    assert FAQ_ANSWER in options[0]["text"] and FAQ_ANSWER in options[1]["text"]
    assert options[0]["text"].startswith("Bonjour Marie,") and options[0]["fits"]
    assert options[0]["text"].endswith("—\u00a0Anne, pour Maison Lemoine")


def test_a_complaint_is_approved_by_someone_who_did_not_write_it():
    store = open_store()
    item = _comment(store, "Colis arrivé avec la moitié des palets en miettes, déçue 😞")
    options = draft(store, item, ANNE)
    assert "désolés" in options[0].text and options[0].source == "saved"
    edit(store, item, "Bonjour Marie, désolés pour ce colis ! Écrivez-nous en privé.", ANNE)
    with pytest.raises(WorkflowError, match="anne wrote this reply") as refused:
        approve(store, item, Actor("anne", "reviewer"))
    assert refused.value.key == "reply_self_approval"
    with pytest.raises(WorkflowError, match="approved by someone else"):
        answered(store, item, ANNE)
    approve(store, item, BOB)
    answered(store, item, ANNE)
    shown = describe(store, item)
    assert shown["status"] == "answered" and shown["reply"]["approved_by"] == "bob"
    assert [a["action"] for a in shown["audit"]] == [
        "import",
        "draft",
        "edit",
        "approve",
        "answered",
    ]
    row = next(g for g in stats(store)["groups"] if g["intent"] == "complaint")
    # answered at once, well within the complaint's target
    assert row["answered"] == 1 and row["within_target"] == 1.0


def test_praise_may_be_approved_and_answered_by_its_author():
    store = open_store()
    item = _comment(store, "Trop bons ces palets 😍 merci !")
    draft(store, item, ANNE)
    approve(store, item, ANNE)
    assert answered(store, item, ANNE).status == "answered"


def test_a_forbidden_promise_is_an_error_that_needs_an_override():
    store = open_store()
    item = _comment(store, "Le code promo ne marche pas, je suis agacée")
    draft(store, item, ANNE)
    edit(store, item, "Bonjour Marie, nous allons vous rembourser la commande.", ANNE)
    reply = describe(store, item)["reply"]["versions"][-1]
    assert any(m["rule"]["id"] == "community.never_promise.remboursement" for m in reply["matches"])
    with pytest.raises(WorkflowError, match="error") as refused:
        approve(store, item, BOB)
    assert refused.value.key == "reply_needs_override"
    approve(store, item, BOB, override="the director agreed to refund this order")
    assert describe(store, item)["reply"]["override_reason"].startswith("the director")


def test_an_escalated_comment_gets_an_internal_note_not_a_public_reply():
    store = open_store()
    item = _comment(store, "Ma fille a fait une réaction allergique, on est aux urgences")
    options = draft(store, item, ANNE)
    assert len(options) == 1 and options[0].kind == "note"
    assert "responsable qualité" in options[0].text and "Ne pas répondre" in options[0].text
    with pytest.raises(WorkflowError) as refused:
        approve(store, item, BOB)
    assert refused.value.key == "note_not_reply"
    edit(
        store,
        item,
        "Bonjour, nous sommes vraiment désolés. Notre équipe qualité vous appelle.",
        BOB,
    )
    with pytest.raises(WorkflowError, match="bob wrote this reply"):
        approve(store, item, BOB)
    approve(store, item, Actor("carla", "admin"))


def test_spam_is_hidden_in_bulk_all_or_nothing():
    store = open_store()
    spam = [
        _comment(store, f"Gagnez {n}00€ par jour cliquez ici bit.ly/x{n}", "x", "@b")
        for n in (1, 2)
    ]
    assert draft(store, spam[0], ANNE) == []
    close(store, [spam[0]], ANNE, "hidden")
    with pytest.raises(WorkflowError, match="closed"):
        close(store, spam, ANNE, "hidden")  # one already hidden: the batch is refused
    assert sorted(i.status for i in list_items(store, intent="spam")) == ["hidden", "new"]
    result = run(app, ["reply", "hide", str(spam[1])])
    assert result.exit_code != 0 and "--yes" in result.output
    assert run(app, ["reply", "hide", str(spam[1]), "--yes"]).exit_code == 0


def test_a_reply_is_fitted_to_the_network_reply_length():
    long = "Merci pour votre message. " + "Nos palets sont faits à Pont-Aven. " * 12
    text, changes = fit(long, "x")
    assert len(text) <= 280 and changes == ["shortened"] and text.endswith(".")
    assert fit(long, "facebook") == (long, [])


def test_the_inbox_works_on_postgresql(postgres_url):
    store = Store(postgres_url)
    try:
        item = _comment(store, "Colis jamais reçu, c'est inadmissible")
        again = import_text(
            store,
            load_brand("maison-lemoine", ROOT / "brand_guides"),
            "Colis jamais reçu, c'est inadmissible",
            "facebook",
            "Marie",
            "pg-1",
        )
        assert again.added == 1
        draft(store, item, ANNE)
        approve(store, item, BOB)
        assert describe(store, item)["status"] == "approved"
    finally:
        store.dispose()


@pytest.mark.slow
def test_reply_draft_through_the_llama_cpp_server(llama_server, monkeypatch):
    use_llama_server(monkeypatch, llama_server)
    store = open_store()
    item = _comment(store, "Do you ship to Canada?", "x", "Tom", "trailforge")
    result = run(app, ["reply", "draft", str(item), "--provider", "openai", "--format", "json"])
    assert result.exit_code == 0, result.output
    options = json.loads(result.stdout)
    assert [o["option"] for o in options] == ["warm", "factual", "short"]
    for option in options:
        assert option["text"] and option["fits"] and option["length"] <= 280
        assert not option["promises"]
    long_options = [o for o in options if o["option"] != "short" and o["source"] == "model"]
    assert all("We ship to the UK" in o["text"] for o in long_options)


def test_cli_flow_from_import_to_export(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text(
        "network,id,author,text,created_at,permalink,post,parent\n"
        "facebook,c1,Marie Dupont,Colis arrivé cassé, très déçue,2026-11-20T10:00:00Z,,,\n".replace(
            "cassé, très", "cassé et très"
        ),
        encoding="utf-8",
    )
    assert run(app, ["inbox", "import", str(path), "--brand", "maison-lemoine"]).exit_code == 0
    (item,) = json.loads(run(app, ["inbox", "list", "--format", "json"]).stdout)
    assert item["intent"] == "complaint"
    ident = str(item["id"])
    assert run(app, ["reply", "draft", ident, "--as", "anne"]).exit_code == 0
    refused = run(app, ["reply", "approve", ident, "--as", "anne"])
    assert refused.exit_code != 0 and "someone else" in str(refused.exception)
    stale = run(app, ["reply", "approve", ident, "--as", "bob", "--version", "7"])
    assert stale.exit_code != 0 and "has no v7" in str(stale.exception)  # never existed
    assert run(app, ["reply", "approve", ident, "--as", "bob", "--version", "1"]).exit_code == 0
    assert run(app, ["reply", "answered", ident, "--as", "anne"]).exit_code == 0
    exported = run(app, ["inbox", "export", "--format", "csv"]).stdout
    assert "désolés" in exported and ",bob" in exported and ",answered," in exported
    groups = json.loads(run(app, ["inbox", "stats", "--format", "json"]).stdout)["groups"]
    assert groups == [
        {
            "network": "facebook", "intent": "complaint", "answered": 1,
            "median_hours": groups[0]["median_hours"], "within_target": 0.0 , "open": 0, "late": 0,
        }
    ]  # fmt: skip


CRISIS_AND_QUESTION = (
    "network,id,author,text,created_at,permalink,post,parent\n"
    "x,m1,Tom,I slipped and broke my ankle because the sole came off,,,,\n"
    "x,m2,Kim,Do you ship to Canada?,,,,\n"
)


def _by_id(store: Store) -> dict:
    return {i.external_id: i for i in list_items(store, "trailforge")}


@pytest.mark.slow
def test_model_triage_through_the_llama_cpp_server_is_asked_and_never_talks_a_crisis_down(
    llama_server, monkeypatch, tmp_path
):
    """The crisis is decided by the rules (the model is not asked); the question is asked of
    the model, which answers; its answer is used when it is an intent, else the rules' stand."""
    from assistant.community.inbox import import_file
    from assistant.community.triage import triage
    from assistant.core.llm import make_provider

    use_llama_server(monkeypatch, llama_server)
    path = tmp_path / "comments.csv"
    path.write_text(CRISIS_AND_QUESTION, encoding="utf-8")
    store, charter = open_store(), load_brand("trailforge", ROOT / "brand_guides")
    result = import_file(store, charter, path, provider=make_provider("openai"))
    assert list(result.readings) == [("x", "m2")]  # asked about the question only
    reading = result.readings[("x", "m2")]
    assert reading.error is None and reading.answer, reading  # the server answered
    assert result.notices() == []
    found = _by_id(store)
    assert found["m1"].intent == "crisis" and found["m1"].escalation == "safety"
    rules = triage("Do you ship to Canada?", charter).intent
    assert found["m2"].intent == (reading.intent if reading.used else rules), reading


class _Complains(ModelHandler):
    """A model server that reads every comment as a complaint (more urgent than the rules'
    question, so its answer is used: a model may raise a priority, never lower one), and
    counts the questions."""

    asked: list = []

    def do_POST(self):
        type(self).asked.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.answer(200, completion(json.dumps({"text": "complaint"})))


def test_model_triage_uses_the_models_answer_and_reports_a_model_that_is_down(
    monkeypatch, tmp_path
):
    path = tmp_path / "comments.csv"
    path.write_text(CRISIS_AND_QUESTION, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Complains)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Complains.asked = []
    base = f"http://127.0.0.1:{server.server_port}/v1"
    use_env(monkeypatch, OPENAI_BASE_URL=base, OPENAI_API_KEY="sk-test", ASSISTANT_RETRIES="0")
    try:
        imported = ["inbox", "import", str(path), "--brand", "trailforge", "--provider", "openai"]
        result = run(app, [*imported, "--format", "json"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["model"] == {"asked": 1, "used": 1, "kept": 0, "unclear": 0, "failed": 0}
    assert shown["notices"] == []
    assert len(_Complains.asked) == 1  # the crisis was never put to the model
    found = _by_id(open_store())
    assert found["m2"].intent == "complaint"  # the rules alone say "question"
    assert found["m1"].intent == "crisis"

    # the same comments under other ids, with the model down: imported, labelled by the
    # rules, and the failure said
    path.write_text(CRISIS_AND_QUESTION.replace(",m", ",n"), encoding="utf-8")
    use_env(monkeypatch, OPENAI_BASE_URL="http://127.0.0.1:9/v1", ASSISTANT_TIMEOUT="5")
    down = run(app, [*imported, "--format", "json"])
    assert down.exit_code == 0, down.output
    shown = json.loads(down.stdout)
    assert shown["added"] == 2
    assert shown["model"] == {"asked": 1, "used": 0, "kept": 0, "unclear": 0, "failed": 1}
    assert shown["notices"] and "could not read 1 of 1 comment(s)" in shown["notices"][0]
    assert _by_id(open_store())["n2"].intent == "question"
    path.write_text(CRISIS_AND_QUESTION.replace(",m", ",p"), encoding="utf-8")
    text = run(app, imported)  # in text, the notice goes to stderr
    assert text.exit_code == 0 and "2 comment(s) imported" in text.stdout
    assert "notice: the model could not read 1 of 1 comment(s)" in text.stderr


@pytest.mark.slow
def test_reply_draft_with_the_local_gguf_model_keeps_the_guardrails():
    store = open_store()
    item = _comment(store, "Colis jamais reçu, je veux être remboursée", "x", "Léa")
    result = run(app, ["reply", "draft", str(item), "--provider", "local", "--format", "json"])
    assert result.exit_code == 0, result.output
    options = json.loads(result.stdout)
    assert [o["option"] for o in options] == ["warm", "factual", "short"]
    for option in options:
        assert option["text"] and option["length"] <= 280 and option["fits"]
        assert not option["promises"], option  # a promised refund never reaches a person


class _Wordy:
    """A model that answers at the network's full length without the approved answer."""

    name = "wordy"

    async def generate(self, system: str, user: str):
        from types import SimpleNamespace

        return SimpleNamespace(text="Merci pour votre question, " + "c'est une belle idée " * 20)


def test_a_model_option_that_loses_the_faq_answer_to_the_length_cut_falls_back():
    """Appending the approved answer to a long model text, then cutting to the reply length,
    would drop the answer the charter approved: the charter's own wording stands instead."""
    from assistant.community.inbox import get_item
    from assistant.community.reply_options import draft_options

    store = open_store()
    item = get_item(store, _comment(store, "Bonjour, vous livrez à l'étranger ?", network="x"))
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    options = draft_options(item, charter, _Wordy())
    for option in options[:2]:  # warm and factual carry the answer
        assert FAQ_ANSWER[:40] in option.text, option.text
        assert option.source == "faq" and "model_answer_cut" in option.changes
        assert option.fits


def test_an_english_comment_on_a_french_brand_gets_one_french_reply_checked_in_french():
    store = open_store()
    item = _comment(store, "Do you ship to the UK? Love your biscuits!", author="TravellerUK")
    assert describe(store, item)["intent"] == "question"
    options = draft(store, item, ANNE)
    warm = options[0].text
    assert warm.startswith("Bonjour TravellerUK,") and warm.count("TravellerUK") == 1
    assert not any(word in warm for word in ("Hi ", "Thanks", "Merci TravellerUK"))
    assert all(o.checks == [] for o in options), [o.checks for o in options]


def test_drafted_replies_pass_the_charters_own_typography_checks():
    store = open_store()
    for text in ("Bonjour, vous livrez à l'étranger ?", "Trop bons ces palets, merci !",
                 "Colis arrivé cassé, déçue"):  # fmt: skip
        options = draft(store, _comment(store, text), ANNE)
        assert all(o.checks == [] for o in options), [(o.text, o.checks) for o in options]
    assert "commande\u202f?" in options[0].text
    assert options[0].text.endswith("—\u00a0Anne, pour Maison Lemoine")
