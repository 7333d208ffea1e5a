"""The safety layer: every built-in topic found in French and English in words its title
does not use, charters that route topics but cannot remove one, no public reply ever drafted
for a self-harm comment, bursts raised once, and a model that can raise a priority but never
lower one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.community import safety
from assistant.community.charter_section import Community
from assistant.community.inbox import get_item, import_file, import_text, list_items
from assistant.community.reply_options import draft_options
from assistant.community.triage import choose_intent, read_with_model, triage
from assistant.core.charter import load_brand
from assistant.core.errors import CharterError
from assistant.core.store import open_store

from .conftest import ROOT
from .test_charter import _broken

run = CliRunner().invoke
DATA = Path(__file__).parent / "data"
BRANDS = ROOT / "brand_guides"

# Two comments per built-in topic and language, none using a word of the topic's title.
UNSEEN = {
    "injury": {
        "en": ["Came off the scree when the buckle opened, my wrist is in plaster now",
               "The ladder rung snapped and my husband needed stitches on his shin"],
        "fr": ["Le mousqueton s'est ouvert pendant la chute, cheville fracturée",
               "Ma mère s'est ouvert le genou sur l'angle du présentoir, il a fallu la recoudre"],
    },
    "choking": {
        "en": ["My little girl started gagging on the bead from the bracelet kit",
               "Grandad couldn't breathe after a bit of the wrapper got stuck in his throat"],
        "fr": ["Mon fils a fait une fausse route avec un bonbon du coffret",
               "Ma fille s'est étranglée avec un morceau de caramel dur"],
    },
    "illness": {
        "en": ["Threw up all night after the chicken meal pouch",
               "My throat swelled up after one bite, had to use my EpiPen"],
        "fr": ["Vomissements et fièvre toute la nuit après vos rillettes",
               "Il y avait un éclat de verre dans la confiture"],
    },
    "fire": {
        "en": ["The power bank got so hot it started smoking in the tent",
               "Sparks came out of the plug and the kitchen filled with smoke"],
        "fr": ["La frontale s'est embrasée dans mon sac",
               "Décharge électrique en branchant le chargeur de votre lampe"],
    },
    "child_pet": {
        "en": ["Our spaniel chewed the toy and now he's drooling and won't move",
               "The cord of the kids' hoodie nearly strangled my son on the slide"],
        "fr": ["Mon chien a avalé des raisins secs tombés du sachet, il tremble et halète",
               "Le petit a mis l'aimant dans sa bouche, on file chez le pédiatre"],
    },
    "threat": {
        "en": ["If that courier comes back I'm going to smash his face in",
               "I know where your manager lives, watch your back"],
        "fr": ["Je vais lui casser la gueule à votre livreur",
               "Si je croise la vendeuse je la défonce"],
    },
    "self_harm": {
        "en": ["I don't want to live anymore, nothing helps",
               "I've written my goodbye letters, I won't be around tomorrow"],
        "fr": ["Je n'ai plus envie de vivre, tout est noir",
               "J'ai pensé à me foutre en l'air ce week-end"],
    },
    "fraud": {
        "en": ["A text claiming to be you asked me to pay a customs fee through a link",
               "Some Instagram profile pretending to be you wants my card details for a prize"],
        "fr": ["Un SMS soi-disant de chez vous me demande mes coordonnées bancaires",
               "Quelqu'un se faisant passer pour vous m'a appelé pour le code reçu par SMS"],
    },
    "account_takeover": {
        "en": ["Someone logged into my profile and changed the delivery address",
               "There are orders on my profile I never placed and I can't log in"],
        "fr": ["Quelqu'un s'est connecté à mon espace client et a vidé mes points",
               "Un inconnu a changé mon mot de passe et commandé avec ma carte"],
    },
    "data_exposure": {
        "en": ["Your mailout showed hundreds of customers' addresses in the CC line",
               "I can see another customer's invoice with her address when I log in"],
        "fr": ["La newsletter est partie avec toutes les adresses mail en copie",
               "J'ai reçu la facture d'une autre cliente avec son téléphone"],
    },
    "legal": {
        "en": ["My solicitor will be in touch", "We're reporting this to Trading Standards"],
        "fr": ["J'ai écrit à l'association de consommateurs, on se verra au tribunal",
               "Mon avocat vous enverra une mise en demeure"],
    },
    "press": {
        "en": ["I'm a reporter at the Guardian, could someone call me back?",
               "Freelance journalist preparing a feature on outdoor brands, who can I talk to?"],
        "fr": ["Journaliste au Télégramme, je souhaiterais une interview",
               "Pouvez-vous me transmettre le contact de votre attachée de communication ? C'est pour un reportage"],
    },
}  # fmt: skip


def _words(text: str) -> set[str]:
    """The content words of a text (four letters or more)."""
    return {w for w in safety.tokens(safety.plain(text)) if len(w) >= 4}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("topic", list(safety.builtin_topics()))
def test_every_builtin_topic_is_found_in_words_its_title_does_not_use(topic, lang):
    described = safety.builtin_topics()[topic]
    title = _words(" ".join([*described.title.values(), topic.replace("_", " ")]))
    for text in UNSEEN[topic][lang]:
        assert not _words(text) & title, (text, _words(text) & title)
        found = [f.topic for f in safety.findings(text, Community())]
        assert topic in found, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "une tuerie ces palets", "mort de rire", "dying to try the new shell",
        "killer deal on the boots", "this jacket saved my life on the ridge",
        "je meurs d'envie de goûter", "Does it contain nuts?", "how do I reset my password?",
        "Comment réinitialiser mon mot de passe ?", "Parcel is late again, useless",
        "Luckily nobody ever reads the small print 😂",
    ],
)  # fmt: skip
def test_hyperbole_and_questions_that_report_nothing_raise_no_topic(text):
    assert safety.findings(text, Community()) == []


@pytest.mark.parametrize(
    ("text", "topic", "raised"),
    [
        # what a thing does to someone is not what a person means to do
        ("Je vais me tuer ce soir, je n'en peux plus", "self_harm", True),
        ("I am going to kill myself tonight", "self_harm", True),
        ("Ce fondant au chocolat me tue, j'en reprends une part", "self_harm", False),
        ("The sale prices are killing me, my basket is full again", "self_harm", False),
        # changing one's own password is not a taken-over account
        ("Bonjour, comment je change mon mot de passe depuis l'appli ?", "account_takeover", False),
        ("Je change mon adresse de livraison où ?", "account_takeover", False),
        (
            "Quelqu'un a changé mon mot de passe cette nuit, je ne reconnais pas la commande",
            "account_takeover",
            True,
        ),
        ("Ils ont changé mon adresse mail sans me prévenir", "account_takeover", True),
    ],
)
def test_a_topic_is_raised_by_what_happened_not_by_the_same_words(text, topic, raised):
    topics = [f.topic for f in safety.findings(text, Community())]
    assert (topic in topics) is raised, topics


def test_a_question_that_reports_what_happened_still_raises_the_topic():
    assert [f.topic for f in safety.findings("Does it contain nuts?", Community())] == []
    text = "My son had an allergic reaction after eating it, does it contain nuts?"
    assert "illness" in [f.topic for f in safety.findings(text, Community())]


def _rate(rows: list[dict]) -> tuple[float, float]:
    charters = {
        "fr": load_brand("maison-lemoine", BRANDS),
        "en": load_brand("trailforge", BRANDS),
    }
    caught = false = must = benign = 0
    for row in rows:
        found = triage(row["text"], charters[row["lang"]], language=row["lang"])
        escalated = found.escalation is not None or found.intent == "crisis"
        must += row["escalate"]
        benign += not row["escalate"]
        caught += row["escalate"] and escalated
        false += (not row["escalate"]) and escalated
    return caught / must, false / benign


# the development set's targets; each holdout set (written after the mechanism, never tuned
# on when written) gives a generalisation figure, and its floor is the figure first measured,
# so a change that generalises worse fails here. The word classes were widened after the
# first holdout was measured (0.667 recall then), so the second one is the figure that counts.
TARGETS = {
    "crisis_dev.yaml": (0.98, 0.05),
    "crisis_holdout.yaml": (0.66, 0.10),
    "crisis_holdout2.yaml": (0.85, 0.05),
    # written before the layer was changed again; first measure 23 of 24, 3 of 24 false
    # (hyperbole read as self-harm, a password question routed to a charter's data rule);
    # 1 of 24 false once "me tue" stopped reading as "me tuer" and "je change mon mot de
    # passe" as "a changé mon mot de passe": a development set since
    "crisis_holdout3.yaml": (0.95, 0.05),
}


@pytest.mark.parametrize("name", list(TARGETS))
def test_crisis_sets_recall_and_false_escalations(name, capsys):
    rows = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    recall, false = _rate(rows)
    with capsys.disabled():
        print(f"\n{name}: {len(rows)} comments, recall {recall:.3f}, false escalations {false:.3f}")
    topics = {(r["topic"], r["lang"]) for r in rows if r["escalate"]}
    assert topics == {(t, lang) for t in safety.builtin_topics() for lang in ("fr", "en")}
    assert len(rows) >= (150 if name == "crisis_dev.yaml" else 40)
    least_recall, most_false = TARGETS[name]
    assert recall >= least_recall and false <= most_false


def test_crisis_cues_outrank_any_amount_of_praise():
    scores = dict.fromkeys(("question", "complaint", "praise", "suggestion", "spam", "abuse"), 0.0)
    scores |= {"praise": 6.0, "question": 2.0, "crisis": 4.0}
    assert choose_intent(scores, 0.9) == "crisis"


def test_praise_words_do_not_hide_a_safety_topic():
    charter = load_brand("trailforge", BRANDS)
    text = "Love love love your boots, amazing team, thanks! But the crampon snapped and I broke my leg"
    found = triage(text, charter)
    assert found.intent == "crisis" and found.priority == 1 and found.topic == "injury"


# ---- charters --------------------------------------------------------------------------------


def _disable(d):
    d["community"]["safety"] = {"disable": ["self_harm"]}


def _route_off(d):
    d["community"]["safety"]["routes"]["injury"] = "off"


def _unknown_rule(d):
    d["community"]["safety"]["routes"]["injury"] = "nobody"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_disable, "'self_harm' cannot be switched off"),
        (_route_off, "'injury' cannot be switched off"),
        (_unknown_rule, "no escalation rule 'nobody'"),
    ],
    ids=["disable", "route-off", "unknown-rule"],
)
def test_a_charter_cannot_remove_a_builtin_topic(tmp_path, change, words):
    path = _broken(tmp_path, change)
    result = run(app, ["brands", "--validate", str(path)])
    assert result.exit_code == 1
    assert "safety" in result.stderr and words in result.stderr, result.stderr
    with pytest.raises(CharterError) as caught:
        load_brand("maison-lemoine", path.parent)
    if change is not _unknown_rule:
        assert "ne peut pas être désactivé" in caught.value.wordings["fr"][1]


def test_a_charter_routes_topics_and_adds_words_and_topics(tmp_path):
    def change(d):
        d["community"]["safety"]["words"] = {"illness": ["=pâteux"]}
        d["community"]["safety"]["topics"] = {
            "contrefacon": {"words": ["contrefaçon"], "title": {"fr": "contrefaçon"}}
        }

    path = _broken(tmp_path, change)
    charter = load_brand("maison-lemoine", path.parent)
    assert triage("Le palet était tout pâteux", charter).escalation == "sante"
    fake = triage("Vos palets sont vendus en contrefaçon sur un marché", charter)
    assert fake.escalation == "contrefacon" and fake.priority == 1
    assert charter.community.rule("contrefacon").title_in("fr") == "contrefaçon"
    assert triage("je veux en finir", charter).role == "community lead"


# ---- self-harm: an internal note, never a public reply ------------------------------------------


class _Model:
    """A model that would happily write a public reply, and says what it was asked."""

    name = "fake"

    def __init__(self, answer: str = "praise", fail: bool = False) -> None:
        self.answer, self.fail, self.asked = answer, fail, 0

    async def generate(self, system: str, user: str):
        self.asked += 1
        if self.fail:
            raise TimeoutError("the model server did not answer")
        return SimpleNamespace(text=self.answer)


@pytest.mark.parametrize(
    ("slug", "text", "line"),
    [
        ("trailforge", "Honestly I want to die, nothing helps", "116 123"),
        ("maison-lemoine", "Je n'ai plus envie de vivre, merci pour tout", "3114"),
    ],
)
def test_self_harm_gets_an_internal_note_with_the_support_line_never_a_reply(slug, text, line):
    store = open_store()
    charter = load_brand(slug, BRANDS)
    item_id = import_text(store, charter, text, "facebook", author="Sam").ids[0]
    item = get_item(store, item_id)
    assert item.topic == "self_harm" and item.priority == 1
    for provider in (None, _Model("Thanks so much, love you too!")):
        options = draft_options(item, charter, provider)
        assert [o.kind for o in options] == ["note"], options
        assert line in options[0].text and "Sam" in options[0].text
    item.escalation = None  # a person cleared the escalation: the topic still holds
    assert [o.kind for o in draft_options(item, charter, _Model())] == ["note"]
    result = run(app, ["reply", "draft", str(item_id), "--format", "json"])
    assert [o["kind"] for o in json.loads(result.stdout)] == ["note"]


def test_the_ui_shows_the_note_and_hides_the_reply_boxes():
    from assistant.ui.replies import option_outputs

    note = {"option": "note", "kind": "note", "text": "Internal note", "checks": [],
            "length": 13, "max_length": 500, "fits": True}  # fmt: skip
    boxes = option_outputs([note], "en")[:3]
    assert boxes[0]["value"] == "Internal note" and boxes[0]["visible"]
    assert [b["visible"] for b in boxes[1:]] == [False, False]


# ---- bursts ------------------------------------------------------------------------------------


def _import(tmp_path, rows: list[tuple[str, str]], slug: str = "trailforge") -> list[int]:
    path = tmp_path / "burst.csv"
    lines = ["network,id,author,text,created_at"]
    lines += [f'x,b{i},a{i},"{text}",{at}' for i, (text, at) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_file(open_store(), load_brand(slug, BRANDS), path).ids


BURNS = [
    "The lantern flared and burned my hand",
    "Our gas lantern caught fire",
    "lantern burst into flames at camp",
    "my lantern exploded this morning",
    "The lantern set fire to the awning",
]
START = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _at(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def test_five_comments_on_one_safety_topic_within_an_hour_raise_one_alert(tmp_path):
    ids = _import(tmp_path, [(t, _at(i * 12)) for i, t in enumerate(BURNS)])
    result = run(app, ["inbox", "alerts", "--format", "json"])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)
    assert len(alerts) == 1 and alerts[0]["count"] == 5 and sorted(alerts[0]["ids"]) == ids
    assert alerts[0]["topic"] == "fire" and alerts[0]["kind"] == "safety"
    listed = run(app, ["inbox", "list"]).stdout
    assert listed.startswith("ALERT trailforge: 5 comments")
    from assistant.ui.replies import alerts_html

    shown = alerts_html(open_store(), "trailforge", "fr")
    assert shown.count('role="alert"') == 1 and "Alerte : 5 commentaires" in shown


def test_a_sixth_comment_joins_the_alert_rather_than_raising_another(tmp_path):
    _import(tmp_path, [(t, _at(i * 10)) for i, t in enumerate([*BURNS, BURNS[0] + "!"])])
    alerts = json.loads(run(app, ["inbox", "alerts", "--format", "json"]).stdout)
    assert [a["count"] for a in alerts] == [6]


def test_four_comments_or_five_spread_over_a_day_raise_none(tmp_path):
    _import(tmp_path, [(t, _at(i * 5)) for i, t in enumerate(BURNS[:4])])
    _import(tmp_path, [(t, _at(600 + i * 300)) for i, t in enumerate(BURNS)], "maison-lemoine")
    assert json.loads(run(app, ["inbox", "alerts", "--format", "json"]).stdout) == []


def test_five_complaints_about_deliveries_within_an_hour_raise_one_alert(tmp_path):
    late = [
        "Parcel still not arrived, useless",
        "Where is my order?? two weeks late",
        "Delivery late again, fed up",
        "My package never arrived, terrible",
        "Still waiting for my parcel, awful service",
    ]
    ids = _import(tmp_path, [(t, _at(i * 3)) for i, t in enumerate(late)])
    alerts = json.loads(run(app, ["inbox", "alerts", "--format", "json"]).stdout)
    assert [(a["topic"], sorted(a["ids"])) for a in alerts] == [("complaint:delivery", ids)]


def test_a_charter_sets_its_own_threshold(tmp_path):
    def change(d):
        d["community"]["alerts"] = {"threshold": 3, "window_minutes": 30}

    path = _broken(tmp_path, change)
    from assistant.community.alerts import alerts_for

    charter = load_brand("maison-lemoine", path.parent)
    items = [
        SimpleNamespace(id=i, text=t, topic="fire", escalation="sante", intent="crisis",
                        status="new", created_at=START + timedelta(minutes=m))
        for i, (t, m) in enumerate([("a", 0), ("b", 10), ("c", 20), ("d", 200)])
    ]  # fmt: skip
    assert [a.ids for a in alerts_for(items, charter)] == [[0, 1, 2]]


def _with_model(text: str, charter, model):
    """The labels of `read_with_model`, without what the model said."""
    return read_with_model(text, charter, model)[0]


# ---- a model's second opinion ------------------------------------------------------------------


def test_a_model_can_raise_a_priority_or_add_an_escalation():
    charter = load_brand("trailforge", BRANDS)
    text = "Do you ship to Canada?"
    assert triage(text, charter).priority == 3
    raised = _with_model(text, charter, _Model("complaint"))
    assert raised.intent == "complaint" and raised.priority == 2
    escalated = _with_model(text, charter, _Model("crisis fraud"))
    assert escalated.escalation == "privacy" and escalated.topic == "fraud"
    assert escalated.intent == "crisis" and escalated.priority == 1


def test_a_model_never_lowers_a_priority_nor_talks_a_crisis_down():
    charter = load_brand("trailforge", BRANDS)
    complaint = "The zip broke after two weeks, absolutely useless"
    kept = _with_model(complaint, charter, _Model("praise"))
    assert kept.intent == "complaint" and kept.priority == 2
    model = _Model("praise")
    crisis = _with_model("I fractured my wrist when the strap snapped", charter, model)
    assert crisis.intent == "crisis" and crisis.priority == 1 and model.asked == 0


def test_a_model_failure_is_reported_and_the_rules_labels_stand(tmp_path):
    charter = load_brand("trailforge", BRANDS)
    failed = _with_model("Do you ship to Canada?", charter, _Model(fail=True))
    assert failed.intent == "question" and "did not answer" in failed.model_error
    unreadable = _with_model("Do you ship to Canada?", charter, _Model("banana"))
    assert unreadable.intent == "question" and "banana" in unreadable.model_error
    path = tmp_path / "c.csv"
    path.write_text("network,id,text\nx,1,Do you ship to Canada?\n", encoding="utf-8")
    result = import_file(open_store(), charter, path, provider=_Model(fail=True))
    shown = result.to_dict()
    assert shown["added"] == 1 and shown["model_failed"] == 1
    assert "did not answer" in shown["model_error"]
    assert list_items(open_store())[0].intent == "question"


def test_a_person_can_correct_an_escalation_to_a_safety_topic():
    from assistant.community.corrections import correct

    store = open_store()
    charter = load_brand("trailforge", BRANDS)
    item_id = import_text(store, charter, "Rough week, thanks for listening", "x").ids[0]
    assert get_item(store, item_id).escalation is None
    fixed = correct(store, item_id, "escalation", "self_harm", "Sam")
    assert fixed.escalation == "self_harm" and fixed.priority == 1
    assert [o.kind for o in draft_options(get_item(store, item_id), charter)] == ["note"]
