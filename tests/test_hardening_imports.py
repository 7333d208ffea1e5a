"""Imports under attack: a workbook that inflates into gigabytes, an export of a million
rows, JSON whose fields are not what the network writes, one brand's audit overwriting
another's, and downloads piling up in the temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

import assistant.analytics.imports as imports
from assistant.analytics import Post, load_posts, read_export, save_posts
from assistant.core.errors import InputError
from assistant.core.limits import limits
from assistant.core.store import Store, open_store

from .command_line import offline_audit, run
from .conftest import ROOT

GIB_KIB = 1024 * 1024  # VmHWM is in KiB
EXIT_INPUT = 2

# ---- a workbook whose shared strings inflate to hundreds of megabytes ----------------------

WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Posts" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    ),
}


def bomb(path: Path, megabytes: int) -> Path:
    """A valid XLSX whose one shared string is `megabytes` MiB of the same letter."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in WORKBOOK_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'count="1" uniqueCount="1"><si><t>'
            )
            block = b"a" * 2**20
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</t></si></sst>")
    return path


# The peak is this process's own (VmHWM of its memory map): getrusage's ru_maxrss would also
# count the parent's size, which a child inherits through fork and keeps across exec, so a
# large pytest process would fail the bound whatever the command did.
PROBE = """
import json, sys
from tests.command_line import run
code, out, err = run(sys.argv[1:])
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0])
print(json.dumps({"code": code, "err": err, "peak_kib": peak}))
"""


def run_measured(args: list[str]) -> dict:
    """`assistant ARGS` in a process of its own: exit status, stderr and peak resident KiB."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=900,  # only a hang reaches it
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bomb_file(tmp_path_factory) -> Path:
    path = bomb(tmp_path_factory.mktemp("bomb") / "posts.xlsx", megabytes=600)
    assert path.stat().st_size < 2**20  # well under 1 MB on disk
    return path


@pytest.mark.parametrize(
    "command",
    [
        lambda path: offline_audit(path),
        lambda path: ["inbox", "import", str(path), "--brand", "maison-lemoine"],
    ],
    ids=["audit", "inbox"],
)
def test_a_workbook_inflating_to_600_mb_is_refused_unread(bomb_file, command):
    result = run_measured(command(bomb_file))
    assert result["code"] == EXIT_INPUT, result["err"]
    assert bomb_file.name in result["err"] and "xl/sharedStrings.xml" in result["err"]
    assert "refused unread" in result["err"] and "Traceback" not in result["err"]
    assert result["peak_kib"] < GIB_KIB, result["peak_kib"]


def test_declared_sizes_that_lie_are_caught_while_inflating(tmp_path):
    """The central directory says the 3 MiB part holds 1,000 bytes, under every bound: the
    inflating read finds the lie, and the file is refused, worded, before any reader."""
    raw = bytearray(bomb(tmp_path / "honest.xlsx", megabytes=3).read_bytes())
    central = raw.rfind(b"PK\x01\x02")  # the last entry of the directory: sharedStrings.xml
    raw[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # its inflated size
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(raw))
    with pytest.raises(InputError) as refused:
        read_export(liar)
    assert "liar.xlsx" in str(refused.value) and "Traceback" not in str(refused.value)


@pytest.mark.parametrize(
    ("bounds", "key", "words"),
    [
        ({}, "zip_ratio", "xl/sharedStrings.xml is compressed"),
        ({"zip_total_bytes": 2 * 2**20}, "zip_total_too_large", "inflate to more than 2,097,152"),
        ({"zip_entries": 3}, "zip_entries", "holds 6 parts"),
    ],
    ids=["ratio", "total", "entries"],
)
def test_each_archive_bound_is_worded(tmp_path, monkeypatch, bounds, key, words):
    import assistant.core.archives as archives

    monkeypatch.setattr(archives, "limits", lambda: limits().model_copy(update=bounds))
    path = bomb(tmp_path / "posts.xlsx", megabytes=3)  # under the part bound, 1,000 times packed
    with pytest.raises(InputError) as refused:
        read_export(path)
    assert refused.value.key == key and words in str(refused.value)
    assert str(refused.value).startswith("posts.xlsx: ")


def test_a_real_workbook_is_still_read():
    export = read_export(ROOT / "tests" / "data" / "analytics" / "linkedin_posts.xlsx")
    assert export.networks == ["linkedin"] and export.posts


# ---- a million rows -----------------------------------------------------------------------

X_HEADER = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements\n"


def counted(monkeypatch, name: str) -> list[int]:
    """Count the rows the reader `name` of the imports yields."""
    seen = [0]
    real = getattr(imports, name)

    def counting(*args):
        for row in real(*args):
            seen[0] += 1
            yield row

    monkeypatch.setattr(imports, name, counting)
    return seen


def test_a_million_row_csv_is_refused_at_the_row_bound(tmp_path, monkeypatch):
    path = tmp_path / "tweet_activity_metrics_million.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(X_HEADER)
        for n in range(1_000_000):
            out.write(f"{n},,post,,1,0\n")  # 14 MB in all, as the attacker's file
    seen = counted(monkeypatch, "_csv_rows")
    bound = limits().analytics_rows
    with pytest.raises(InputError) as refused:
        read_export(path)
    assert refused.value.key == "analytics_too_many_rows"
    assert path.name in str(refused.value) and f"{bound:,}" in str(refused.value)
    assert seen[0] == bound + 2  # the header and one row past the bound, no more


def test_the_cli_refuses_an_over_long_export_with_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr(
        imports, "limits", lambda: limits().model_copy(update={"analytics_rows": 5})
    )
    path = tmp_path / "tweet_activity_metrics_long.csv"
    rows = (f"{n},https://x.com/b/status/{n},post,2024-03-11 09:05 +0000,1,0\n" for n in range(9))
    path.write_text(X_HEADER + "".join(rows), encoding="utf-8")
    code, _out, err = run(offline_audit(path))
    assert code == EXIT_INPUT and "more than 5 posts" in err and path.name in err
    assert load_posts(open_store(), "trailforge") == []


def test_a_workbook_is_read_row_by_row_up_to_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(
        imports, "limits", lambda: limits().model_copy(update={"analytics_rows": 100})
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Posts")
    sheet.append(["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions"])
    for n in range(5000):
        sheet.append([str(n), f"https://x.com/b/status/{n}", "post", "2024-03-11 09:05", 1])
    path = tmp_path / "tweet_activity_metrics.xlsx"
    book.save(path)
    seen = counted(monkeypatch, "_sheet_rows")
    with pytest.raises(InputError, match="more than 100 posts"):
        read_export(path)
    assert seen[0] == 102


def test_a_json_export_over_the_bound_is_refused_before_its_items_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(
        imports, "limits", lambda: limits().model_copy(update={"analytics_rows": 10})
    )
    read = counted_calls(monkeypatch)
    status = {"id": "1", "content": "<p>hi</p>", "created_at": "2024-03-11T09:05:00Z"}
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps([status] * 11), encoding="utf-8")
    with pytest.raises(InputError, match="more than 10 posts"):
        read_export(path)
    assert read == []


def counted_calls(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = imports._json_post

    def counting(source, index, *rest):
        calls.append(index)
        return real(source, index, *rest)

    monkeypatch.setattr(imports, "_json_post", counting)
    return calls


# ---- JSON that is not what the network writes ----------------------------------------------

FIVE_THOUSAND_DIGITS = "9" * 5000
DEEP = "[" * 100_000 + "]" * 100_000
FACEBOOK_COMMENT = {"id": "123_456", "message": "Vous livrez en Suisse ?"}
YOUTUBE_THREAD = {
    "snippet": {"topLevelComment": {"id": "c1", "snippet": {"textOriginal": "Love it"}}},
}


def youtube(thread: dict) -> str:
    return json.dumps({"kind": "youtube#commentThreadListResponse", "items": [thread]})


INBOX_CASES = {
    "deep": (DEEP, ["nested too deeply"]),
    "facebook-id-fraction": (
        json.dumps({"data": [{**FACEBOOK_COMMENT, "id": 12.5}]}),
        ["row 1, field 'id'", "expected an id"],
    ),
    "youtube-snippet": (
        youtube({"snippet": "Love it"}),
        ["row 1, field 'snippet'", "expected an object, found text"],
    ),
    "youtube-comment-snippet": (
        youtube({"snippet": {"topLevelComment": {"id": "c1", "snippet": ["x"]}}}),
        ["row 1, field 'snippet.topLevelComment.snippet'", "found a list"],
    ),
    "youtube-replies": (
        youtube({**YOUTUBE_THREAD, "replies": 3}),
        ["row 1, field 'replies'", "expected an object, found a number"],
    ),
    "mastodon-descendants": (
        json.dumps({"ancestors": [], "descendants": [1101, "1102"]}),
        ["row 1, field 'descendants'", "expected an object, found a number"],
    ),
    "five-thousand-digits": (
        '{"data": [{"id": ' + FIVE_THOUSAND_DIGITS + ', "message": "hi"}]}',
        ["row 1, field 'id'", "a number of 5,000 digits"],
    ),
    "bluesky-reply": (
        json.dumps({"thread": {"post": {"uri": "at://b/1"}, "replies": [{"post": "x"}]}}),
        ["row 1, field 'post'", "expected an object, found text"],
    ),
    "plain-text-object": (
        json.dumps([{"network": "x", "id": "1", "text": {"a": 1}}]),
        ["row 1, field 'text'", "expected text, found an object"],
    ),
}


def refused_file(path, text: str, command: list[str]) -> str:
    """`text` written to `path` and given to `command`: refused as the user's input (no
    "unexpected error"); what it said on stderr."""
    path.write_text(text, encoding="utf-8")
    code, _out, err = run(command)
    assert code == EXIT_INPUT, err
    assert "unexpected" not in err, err
    return err


@pytest.mark.parametrize("case", list(INBOX_CASES), ids=list(INBOX_CASES))
def test_malformed_inbox_json_is_a_worded_input_error(tmp_path, case):
    text, words = INBOX_CASES[case]
    path = tmp_path / "comments.json"
    err = refused_file(path, text, ["inbox", "import", str(path), "--brand", "maison-lemoine"])
    assert str(path) in err and all(w in err for w in words), err
    assert err.count("\n") == 1


def test_a_numeric_facebook_id_is_read_as_its_exact_digits(tmp_path):
    path = tmp_path / "comments.json"
    big = 10**30 + 7  # more digits than a float keeps
    path.write_text(json.dumps({"data": [{**FACEBOOK_COMMENT, "id": big}]}), encoding="utf-8")
    code, _out, err = run(["inbox", "import", str(path), "--brand", "maison-lemoine"])
    assert code == 0, err
    listed = json.loads(run(["inbox", "list", "--format", "json"])[1])
    assert [row["external_id"] for row in listed] == [str(big)]


MASTODON_STATUS = {"id": "1", "content": "<p>Hello</p>", "created_at": "2024-03-11T09:05:00Z"}
AUDIT_CASES = {
    "deep": (DEEP, ["nested too deeply"]),
    "mastodon-count-digits": (
        '[{"id": "1", "content": "hi", "created_at": "2024-03-11T09:05:00Z", '
        '"favourites_count": ' + FIVE_THOUSAND_DIGITS + "}]",
        ["row 1, column 'favourites_count'", "a number of 5,000 digits"],
    ),
    "mastodon-count-text": (
        json.dumps([{**MASTODON_STATUS, "replies_count": "many"}]),
        ["row 1, column 'replies_count'", "expected a number"],
    ),
    "mastodon-content-object": (
        json.dumps([{**MASTODON_STATUS, "content": {"html": "x"}}]),
        ["row 1, column 'content'", "expected text"],
    ),
    "bluesky-post-text": (
        json.dumps({"feed": [{"post": "at://b/1"}]}),
        ["row 1, column 'post'", "expected an object"],
    ),
    "bluesky-record-list": (
        json.dumps({"feed": [{"post": {"uri": "at://b/1", "record": []}}]}),
        ["row 1, column 'post.record'", "expected an object"],
    ),
    "own-id-fraction": (
        json.dumps([{"platform": "x", "text": "hi", "id": 1.5}]),
        ["row 1, column 'id'", "expected an id"],
    ),
}


@pytest.mark.parametrize("case", list(AUDIT_CASES), ids=list(AUDIT_CASES))
def test_malformed_audit_json_is_a_worded_input_error(tmp_path, case):
    text, words = AUDIT_CASES[case]
    path = tmp_path / "statuses.json"
    err = refused_file(path, text, offline_audit(path))
    assert path.name in err and all(w in err for w in words), err


def test_a_numeric_mastodon_id_is_read_as_its_digits(tmp_path):
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps([{**MASTODON_STATUS, "id": 110000000000000001}]))
    assert [p.post_id for p in read_export(path).posts] == ["110000000000000001"]


# ---- one brand's audit never overwrites another's -----------------------------------------


def _two_brands(store: Store, first: str = "maison-lemoine", second: str = "trailforge") -> None:
    """The same ten post ids audited under `first`, then twice under `second`."""
    when = datetime(2024, 3, 11, 9, 5, tzinfo=UTC)

    def posts(impressions: float) -> list[Post]:
        return [
            Post("x", str(n), f"post {n}", when, metrics={"impressions": impressions})
            for n in range(10)
        ]

    assert save_posts(store, first, posts(100)) == (10, 0)
    assert save_posts(store, second, posts(999)) == (10, 0)
    assert save_posts(store, second, posts(555)) == (0, 10)
    kept = load_posts(store, first)
    assert len(kept) == 10 and {p.metrics["impressions"] for p in kept} == {100}
    updated = load_posts(store, second)
    assert len(updated) == 10 and {p.metrics["impressions"] for p in updated} == {555}


def test_the_same_post_ids_under_two_brands_keep_both_brands_rows():
    _two_brands(open_store())


@pytest.mark.postgres
def test_the_same_post_ids_under_two_brands_on_postgresql(postgres_url):
    _two_brands(Store(postgres_url), "two-brands-first", "two-brands-second")  # a shared server


def test_auditing_under_the_wrong_brand_keeps_the_right_brands_figures(tmp_path):
    data = ROOT / "tests" / "data" / "analytics" / "x_legacy_small.csv"
    assert run([*offline_audit(data, brand="trailforge")])[0] in (0, 1)
    assert run([*offline_audit(data, brand="maison-lemoine")])[0] in (0, 1)
    store = open_store()
    assert len(load_posts(store, "trailforge")) == len(load_posts(store, "maison-lemoine")) == 5


# ---- downloads do not pile up in the temporary folder --------------------------------------


@pytest.fixture
def temporary(tmp_path, monkeypatch) -> Path:
    """The system's temporary folder, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_audit_reports_in_the_ui_keep_only_the_latest_few(temporary):
    from assistant.analytics import run_audit
    from assistant.ui.audit import write_report

    export = read_export(ROOT / "tests" / "data" / "analytics" / "x_legacy_small.csv")
    report = run_audit([export], None, "trailforge", network=False)
    handed = [write_report(report) for _ in range(limits().downloads_kept + 4)]
    assert all(Path(f).is_file() for f in handed[-1])  # the latest is there to download
    left = [p for p in temporary.rglob("audit-*") if p.is_dir()]
    assert len(left) == limits().downloads_kept


def test_the_cli_leaves_nothing_in_the_temporary_folder(temporary, tmp_path):
    data = ROOT / "tests" / "data" / "analytics" / "x_legacy_small.csv"
    assert run([*offline_audit(data), "--out", str(tmp_path / "out" / "r.html")])[0] in (0, 1)
    assert run(["inbox", "export", "--format", "csv"])[0] == 0
    assert list(temporary.iterdir()) == []


def test_the_inbox_reads_comments_from_a_workbook(tmp_path):
    """A workbook with the CSV's columns is read like the CSV (after the archive bounds)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["network", "id", "author", "text", "created_at"])
    sheet.append(["instagram", 123456, "Anne", "Vous livrez en Suisse ?", datetime(2026, 11, 20)])
    sheet.append(["x", "x-2", "Luc", "Merci, délicieux !", "2026-11-20T10:01:00+00:00"])
    path = tmp_path / "comments.xlsx"
    book.save(path)
    code, _out, err = run(["inbox", "import", str(path), "--brand", "maison-lemoine"])
    assert code == 0, err
    listed = json.loads(run(["inbox", "list", "--format", "json"])[1])
    assert sorted(row["external_id"] for row in listed) == ["123456", "x-2"]
    assert {row["network"] for row in listed} == {"instagram", "x"}


def test_each_kind_of_download_keeps_its_own_latest(temporary):
    from assistant.ui.downloads import download_folder

    kept = limits().downloads_kept
    made = {
        kind: [download_folder(kind) for _ in range(kept + 2)]
        for kind in ("export", "inbox-export")
    }
    for kind, folders in made.items():
        assert [f.is_dir() for f in folders] == [False, False] + [True] * kept, kind
    assert [p.name for p in temporary.iterdir()] == ["assistant-downloads"]
