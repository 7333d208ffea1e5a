"""Exports: spreadsheet cells cannot run formulas, the scheduler's CSV stays word for word with
a warning, nothing is overwritten or published by exporting, and ZIP images never collide."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from assistant.core.actors import Actor
from assistant.core.errors import ExportError
from assistant.core.store import Store, VariantRow
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.export import ExportResult, export_campaign
from assistant.publishing.review import approve, edit, submit
from assistant.publishing.review_queue import describe

from .test_hardening_cli import run

FUTURE = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
FORMULA = '=HYPERLINK("http://evil.example","clic") Nos galettes.'
OVERRIDE = "+cmd|' /C calc'!A0"
REVIEWER = "@SUM(1+1)"


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'export.db'}")
    from assistant.core.settings import get_settings

    get_settings.cache_clear()
    return Store(f"sqlite:///{tmp_path / 'export.db'}")


def approved_campaign(store: Store, briefs: int = 1, formula: bool = True) -> tuple[int, list]:
    campaign = create_campaign(store, "Hiver", "maison-lemoine")
    ids = []
    for n in range(briefs):
        saved = add_brief(
            store,
            campaign.id,
            "Les galettes d'hiver sont là. Commandez sur https://lemoine.example.",
            ["x", "instagram"],
            FUTURE + timedelta(hours=n),
            "alice",
        )
        ids += [vid for _v, vid in draft_brief(store, saved.id, None, "alice")]
    if formula:
        edit(store, ids[0], FORMULA, Actor("alice", "author"), describe(store, ids[0])["version"])
    for vid in ids:
        submit(store, vid, Actor("alice", "author"))
        approve(store, vid, Actor(REVIEWER, "reviewer"), override=OVERRIDE)
    return campaign.id, ids


def test_generic_csv_neutralises_every_formula_cell(store, tmp_path):
    campaign_id, ids = approved_campaign(store)
    result = export_campaign(store, campaign_id, "csv", tmp_path / "posts.csv")
    assert isinstance(result, ExportResult) and result.files == [tmp_path / "posts.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "posts.csv").read_text())))
    first = next(r for r in rows if r["id"] == str(ids[0]))
    assert first["text"] == "'" + FORMULA
    assert all(r["approved_by"] == "'" + REVIEWER for r in rows)
    reasons = [r["override_reason"] for r in rows if r["override_reason"]]
    assert reasons and all(r == "'" + OVERRIDE for r in reasons)
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_hootsuite_keeps_the_text_and_warns(store, tmp_path):
    campaign_id, ids = approved_campaign(store)
    result = export_campaign(store, campaign_id, "hootsuite", tmp_path / "out")
    network = describe(store, ids[0])["platform"]
    written = (tmp_path / "out" / f"hootsuite-{network}.csv").read_text()
    rows = list(csv.reader(io.StringIO(written)))
    assert rows[0][1] == FORMULA
    assert len(result.warnings) == 1 and f"variant {ids[0]}" in result.warnings[0]


def test_export_changes_no_status(store, tmp_path):
    campaign_id, ids = approved_campaign(store, formula=False)
    export_campaign(store, campaign_id, "json", tmp_path / "p.json")
    assert {describe(store, vid)["status"] for vid in ids} == {"approved"}
    assert [a["action"] for a in describe(store, ids[0])["audit"]][-1] != "export:json"


def test_an_existing_file_is_kept_unless_forced(store, tmp_path):
    campaign_id, _ids = approved_campaign(store, formula=False)
    target = tmp_path / "posts.csv"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        export_campaign(store, campaign_id, "csv", target)
    assert target.read_text(encoding="utf-8") == "precious"
    export_campaign(store, campaign_id, "csv", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("id,")


def test_cli_out_folder_force_and_hootsuite_file(store, tmp_path):
    campaign_id, _ids = approved_campaign(store)
    folder = tmp_path / "exports"
    folder.mkdir()
    base = ["export", "--campaign", str(campaign_id), "--as", "ops"]
    code, out, err = run([*base, "--format", "csv", "--out", str(folder)])
    assert code == 0, err
    assert out.strip() == str(folder / f"campaign-{campaign_id}.csv")
    code, _, err = run([*base, "--format", "csv", "--out", str(folder)])
    assert code == 2 and "already exists" in err and "--force" in err
    assert run([*base, "--format", "csv", "--out", str(folder), "--force"])[0] == 0
    code, _, err = run([*base, "--format", "hootsuite", "--out", str(tmp_path / "x.csv")])
    assert code == 2 and "folder" in err
    assert not (tmp_path / "x.csv").exists() and not list(tmp_path.glob(".*"))
    code, _, err = run([*base, "--format", "hootsuite", "--out", str(tmp_path / "h")])
    assert code == 0 and "warning:" in err and "formula" in err


def test_zip_images_never_collide_and_leave_no_hidden_folder(store, tmp_path):
    campaign_id, ids = approved_campaign(store, briefs=2, formula=False)
    folder = tmp_path / "exports"
    folder.mkdir()
    archive = folder / "c.zip"
    export_campaign(store, campaign_id, "zip", archive)
    assert [p.name for p in folder.iterdir()] == ["c.zip"]
    with zipfile.ZipFile(archive) as z:
        images = [n for n in z.namelist() if n.startswith("images/")]
    assert images and len(images) == len(set(images))
    assert {int(n.split("/")[1]) for n in images} <= set(ids)
    assert len({n.split("/")[1] for n in images}) == len(ids)


def test_proof_sheet_escapes_what_people_wrote(store, tmp_path):
    campaign_id, ids = approved_campaign(store, formula=False)
    with store.session() as session:
        session.get(VariantRow, ids[0]).override_reason = '<img src="http://track.example/p">'
        session.commit()
    archive = tmp_path / "c.zip"
    export_campaign(store, campaign_id, "zip", archive)
    with zipfile.ZipFile(archive) as z:
        sheet = z.read("proof-sheet.html").decode()
    assert "<img" not in sheet and "&lt;img src=&#34;http://track.example/p&#34;&gt;" in sheet


def test_stale_visuals_are_refused(store, tmp_path, monkeypatch):
    campaign_id, ids = approved_campaign(store, formula=True)
    picture = tmp_path / "old.png"
    picture.write_bytes(b"png")
    # the images were rendered from an older text than the approved one
    with store.session() as session:
        row = session.get(VariantRow, ids[0])
        row.images, row.images_version = [str(picture)], 0
        session.commit()
    with pytest.raises(ExportError, match=f"variant {ids[0]}.*version 0") as caught:
        export_campaign(store, campaign_id, "json", tmp_path / "p.json")
    assert caught.value.key == "visuals_stale"
    assert not (tmp_path / "p.json").exists()
    json.dumps(str(caught.value))


def test_exports_fill_the_link_and_name_images_as_the_zip_holds_them(store, tmp_path):
    """posts.csv held server paths (…/data/visuals/…) and empty link columns although the
    posts link to the shop."""
    campaign_id, _ = approved_campaign(store, formula=False)
    archive = tmp_path / "c.zip"
    export_campaign(store, campaign_id, "zip", archive)
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        rows = list(csv.DictReader(io.StringIO(z.read("posts.csv").decode("utf-8"))))
        listed = json.loads(z.read("posts.json"))
        hootsuite = z.read("hootsuite-x.csv").decode("utf-8")
    assert {row["link"] for row in rows} == {"https://lemoine.example"}
    assert hootsuite.rstrip("\n").endswith(",https://lemoine.example")
    for row in [*rows, *listed]:
        images = row["images"].split()
        assert images and all(name in names for name in images)
        assert all(name.startswith(f"images/{row['id']}/") for name in images)
    assert str(tmp_path) not in json.dumps(listed)


def test_an_export_names_the_variants_it_left_out(store, tmp_path):
    from assistant.ui.campaign import export_files

    campaign_id, _ = approved_campaign(store, formula=False)
    pending = add_brief(
        store, campaign_id, "Une autre annonce, sur lemoine.example.", ["x"],
        FUTURE + timedelta(days=1), "alice",
    )  # fmt: skip
    [(_v, waiting)] = draft_brief(store, pending.id, None, "alice")
    result = export_campaign(store, campaign_id, "csv", tmp_path / "posts.csv")
    assert [(item.variant_id, item.status) for item in result.left_out] == [(waiting, "draft")]
    assert result.left_out[0].describe() == f"variant {waiting} (x) is draft"
    code, _, err = run(["export", "--campaign", str(campaign_id), "--format", "json",
                        "--out", str(tmp_path / "p.json")])  # fmt: skip
    assert code == 0 and f"left out (not approved): variant {waiting} (x) is draft" in err
    _, left_out, _ = export_files(store, campaign_id, "csv", "fr")
    assert left_out == [f"Non exportée, pas approuvée : variante {waiting} (X), brouillon"]


def test_the_link_column_is_never_a_legal_mentions_site():
    """The health notice ends with its site's address: a post with no link of its own was
    exported with that site as its link, so the scheduler would preview the notice's site."""
    from assistant.core.charter import load_brand
    from assistant.publishing.export import post_link

    from .conftest import ROOT

    legal = [m.text for m in load_brand("maison-lemoine", ROOT / "brand_guides").legal]
    notice = next(text for text in legal if "www." in text)
    assert post_link(None, f"Nos palets reviennent samedi. {notice}", legal) == ""
    shop = f"{notice} Commandez sur lemoine.example/hiver"
    assert post_link(None, shop, legal) == "https://lemoine.example/hiver"
