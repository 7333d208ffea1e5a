"""A word longer than the piece twitter-text measures whole (4,000 characters) that holds a
dot: counting it, and auditing a post holding it, ends with a length, never a crash."""

from __future__ import annotations

import json

from .command_line import offline_audit, run

LINK_WORD = "example.com/" + "b" * 4050  # one word over the piece, a link to twitter-text
TOO_LONG_LINK = "example.com/" + "b" * 4100  # over twitter-text's 4,096: not a link, text
MASTODON_URL = 23  # what Mastodon charges for any link (platforms.yaml)


def test_count_of_a_text_with_one_long_link_word():
    code, out, err = run(["count", "--platform", "mastodon", "--format", "json", "--text",
                          f"see {LINK_WORD}"])  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["length"] == len("see ") + MASTODON_URL
    code, out, err = run(["count", "--platform", "mastodon", "--format", "json", "--text",
                          f"see {TOO_LONG_LINK}"])  # fmt: skip
    assert code == 1, err  # measured, and over Mastodon's 500 characters: a finding, not a bug
    assert json.loads(out)["length"] == len(f"see {TOO_LONG_LINK}")


def test_count_of_many_long_link_words_is_word_by_word():
    text = " ".join([LINK_WORD] * 12)
    code, out, err = run(["count", "--platform", "mastodon", "--format", "json", "--text", text])
    assert code == 0, err
    assert json.loads(out)["length"] == 12 * MASTODON_URL + 11


def test_an_audit_holding_such_a_post_reports_every_post(tmp_path):
    statuses = [
        {
            "id": str(n),
            "created_at": f"2024-05-0{n}T10:00:00.000Z",
            "url": f"https://mastodon.example/@trailforge/{n}",
            "content": f"<p>{text}</p>",
            "favourites_count": 3,
            "reblogs_count": 1,
            "replies_count": 0,
            "reblog": None,
        }
        for n, text in (
            (1, f"New maps: {LINK_WORD}"),
            (2, f"Old maps: {TOO_LONG_LINK}"),
            (3, "Good morning, hikers"),
        )
    ]
    export = tmp_path / "statuses.json"
    export.write_text(json.dumps(statuses), encoding="utf-8")
    code, out, err = run([*offline_audit(export), "--format", "json"])
    assert code in (0, 1), err
    assert json.loads(out)["posts"] == 3
