"""The inbox: imports of a CSV and of the networks' JSON shapes, idempotent and all or
nothing; bad files are one clear error each; labels corrected and kept; the CLI's JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.community.comment_files import parse
from assistant.community.corrections import correct, corrections
from assistant.community.inbox import import_file, list_items
from assistant.core.charter import load_brand
from assistant.core.errors import InputError
from assistant.core.store import open_store

from .conftest import ROOT
from .test_hardening_cli import run as cli

run = CliRunner().invoke
HEADER = "network,id,author,text,created_at,permalink,post,parent"
LIST_KEYS = {
    "id", "network", "external_id", "author", "text", "language", "sentiment", "intent",
    "escalation", "topic", "faq", "priority", "due_at", "status",
}  # fmt: skip


def _csv(tmp_path, rows: list[str], header: str = HEADER, name: str = "comments.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _charter():
    return load_brand("maison-lemoine", ROOT / "brand_guides")


MIXED = [
    'facebook,fb-1,Marie Dupont,"Bonjour, livrez-vous à l\'étranger ?",2026-11-20T10:00:00Z,,post-1,',
    "facebook,fb-2,Paul,Trop bons ces palets 😍 merci !,2026-11-20T10:05:00Z,,post-1,",
    "instagram,ig-1,@lea,Mon fils a fait une réaction allergique après vos palets,2026-11-20T11:00:00Z,,,",
    "x,x-1,@bot,Gagnez 500€ par jour cliquez ici bit.ly/xx,2026-11-20T12:00:00Z,,,",
]


def test_csv_import_is_triaged_sorted_and_idempotent(tmp_path):
    path = _csv(tmp_path, MIXED, header=HEADER + ",label_intent")
    path.write_text(
        path.read_text().replace("\n", ",x\n").replace(",label_intent,x", ",label_intent")
    )
    store = open_store()
    first = import_file(store, _charter(), path)
    again = import_file(store, _charter(), path)
    assert (first.added, again.added, again.already) == (4, 0, 4)
    items = list_items(store, "maison-lemoine")
    assert items[0].intent == "crisis" and items[0].escalation == "sante"
    assert items[-1].intent == "spam"
    faq = next(i for i in items if i.external_id == "fb-1")
    assert faq.intent == "question" and faq.faq == "livraison"
    assert (faq.author, faq.post, faq.created_at) == (
        "Marie Dupont", "post-1", datetime(2026, 11, 20, 10, tzinfo=UTC)
    )  # fmt: skip


def test_cli_list_json_has_the_documented_keys(tmp_path):
    path = _csv(tmp_path, MIXED)
    result = run(
        app, ["inbox", "import", str(path), "--brand", "maison-lemoine", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 4
    listed = json.loads(run(app, ["inbox", "list", "--format", "json"]).stdout)
    assert len(listed) == 4 and all(set(row) == LIST_KEYS for row in listed)
    assert listed[0]["intent"] == "crisis" and listed[0]["escalation"] == "sante"
    assert {row["intent"] for row in listed} <= {
        "question", "complaint", "praise", "suggestion", "spam", "abuse", "crisis"
    }  # fmt: skip


FACEBOOK = {
    "data": [
        {
            "id": "123_456",
            "message": "Vous livrez en Suisse ?",
            "created_time": "2026-11-20T10:00:00+0000",
            "from": {"name": "Anne Martin", "id": "9"},
        },
        {
            "id": "123_457",
            "message": "Merci, délicieux !",
            "created_time": "2026-11-20T10:01:00+0000",
            "from": {"name": "Luc", "id": "10"},
            "parent": {"id": "123_456"},
        },
    ],
    "paging": {"cursors": {"before": "a", "after": "b"}},
}
YOUTUBE = {
    "kind": "youtube#commentThreadListResponse",
    "items": [
        {
            "kind": "youtube#commentThread",
            "id": "t1",
            "snippet": {
                "videoId": "vid",
                "topLevelComment": {
                    "id": "c1",
                    "snippet": {
                        "textOriginal": "Love these boots!",
                        "authorDisplayName": "Sam",
                        "publishedAt": "2026-11-20T10:00:00Z",
                        "videoId": "vid",
                    },
                },
            },
            "replies": {
                "comments": [
                    {
                        "id": "c1.r1",
                        "snippet": {
                            "textOriginal": "Same here",
                            "authorDisplayName": "Kim",
                            "publishedAt": "2026-11-20T11:00:00Z",
                            "parentId": "c1",
                        },
                    }
                ]
            },
        }
    ],
}
MASTODON = [
    {
        "id": "1101",
        "created_at": "2026-11-20T10:00:00.000Z",
        "in_reply_to_id": "1100",
        "content": "<p>Do you ship to <a href='x'>Canada</a>?</p><p>thanks</p>",
        "url": "https://example.social/@kim/1101",
        "account": {"acct": "kim@example.social"},
    }
]
BLUESKY = {
    "thread": {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": {
            "uri": "at://brand/post/1",
            "author": {"handle": "brand"},
            "record": {"text": "New"},
        },
        "replies": [
            {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": {
                    "uri": "at://ann/post/2",
                    "author": {"handle": "ann.bsky.social"},
                    "record": {
                        "text": "Is the jacket waterproof?",
                        "createdAt": "2026-11-20T10:00:00Z",
                        "reply": {"parent": {"uri": "at://brand/post/1"}},
                    },
                },
                "replies": [{"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://x"}],
            }
        ],
    }
}


@pytest.mark.parametrize(
    ("data", "network", "count", "first"),
    [
        (FACEBOOK, "facebook", 2, "Vous livrez en Suisse ?"),
        (YOUTUBE, "youtube", 2, "Love these boots!"),
        (MASTODON, "mastodon", 1, "Do you ship to Canada?\n\nthanks"),
        (BLUESKY, "bluesky", 1, "Is the jacket waterproof?"),
    ],
    ids=["facebook", "youtube", "mastodon", "bluesky"],
)
def test_network_json_shapes_are_read(data, network, count, first):
    rows = parse(json.dumps(data).encode(), "export.json")
    assert len(rows) == count and rows[0].network == network and rows[0].text == first
    assert rows[0].created_at is not None
    if network in ("facebook", "youtube"):
        assert rows[1].parent == rows[0].external_id


def _nothing_imported() -> bool:
    return list_items(open_store()) == []


def _big(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER + "\n").encode() + b"x,1,a," + b"a" * 10_000_000 + b",,,,\n")
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_big, "at most 5,242,880 bytes"),
        (
            lambda p: (
                (p / "bad.csv").write_bytes(HEADER.encode() + b"\nx,1,a,caf\xe9,,,,\n")
                and p / "bad.csv"
            ),
            "not UTF-8",
        ),
        (
            lambda p: _csv(
                p, ["x,1,a,,,,"], header="network,id,author,created_at,permalink,post,parent"
            ),
            "column 'text' is missing",
        ),
        (
            lambda p: (
                (p / "other.json").write_text('{"users": [{"name": "x"}]}') and p / "other.json"
            ),
            "not a shape the inbox reads",
        ),
        (lambda p: _csv(p, [*MIXED[:2], "myspace,m-1,a,hello,,,,"]), "row 3, field 'network'"),
        (
            lambda p: _csv(p, [*MIXED[:2], "x,x-2,a,hello,yesterday,,,"]),
            "row 3, field 'created_at'",
        ),
    ],
    ids=["10MB", "not-utf8", "missing-column", "other-json", "bad-network", "bad-time"],
)
def test_bad_files_are_one_clear_error_and_nothing_is_imported(tmp_path, make, words):
    path = make(tmp_path)
    code, _out, err = cli(["inbox", "import", str(path), "--brand", "maison-lemoine"])
    assert code == 2, err
    assert words in err and str(path) in err, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert _nothing_imported()


def test_a_corrected_label_is_kept_and_moves_the_priority(tmp_path):
    store = open_store()
    import_file(store, _charter(), _csv(tmp_path, MIXED))
    praise = next(i for i in list_items(store) if i.external_id == "fb-2")
    fixed = correct(store, praise.id, "intent", "complaint", "anne")
    assert fixed.priority < praise.priority and fixed.corrected == ["intent"]
    assert corrections(store)[0] | {"text": ""} == {
        "id": praise.id, "field": "intent", "was": "praise", "now": "complaint", "by": "anne",
        "text": "",
    }  # fmt: skip
    assert list(corrections(store)[0]) == ["id", "field", "was", "now", "by", "text"]
    with pytest.raises(InputError, match="expected one of question"):
        correct(store, praise.id, "intent", "rant", "anne")


def test_a_misdecoded_apostrophe_in_an_export_is_put_right_not_refused(tmp_path):
    path = _csv(tmp_path, ["x,x-9,a,C\x92est top merci \x01,,,,"])
    rows = parse(path.read_bytes(), str(path))
    assert rows[0].text == "C’est top merci"


@pytest.mark.parametrize(
    "text, intent, faq",
    [
        (
            "Do you deliver to Ireland? Love your palets!",
            "question",
            "livraison",
        ),  # where we deliver
        ("Are your galettes gluten free? I'm coeliac", "question", "allergenes"),
        ("la boutique est elle ouverte le dimanche", "question", "horaires"),
        ("encore une hausse des prix, on nous prend pour des pigeons", "complaint", None),
        ("meh", "complaint", None),
        ("les galettes se conservent combien de temp", "question", "conservation"),
    ],
)
def test_triage_reads_questions_price_rises_and_typos(text, intent, faq):
    from assistant.community.triage import triage

    found = triage(text, _charter())
    assert (found.intent, found.faq) == (intent, faq)
    assert found.sentiment != "positive" or intent != "complaint"
