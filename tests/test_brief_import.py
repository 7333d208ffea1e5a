"""A month of briefs from one spreadsheet: read alike from CSV and XLSX, checked whole with
every error named by row and column, saved all or nothing, drafted unit by unit so an
interrupted import resumes without drafting anything twice, approved in bulk without
skipping the review's checks, and exported to Hootsuite in files of 350."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from assistant.core.actors import Actor
from assistant.core.errors import AssistantError, ConflictError
from assistant.core.store import (
    Brief,
    BriefImport,
    Campaign,
    Store,
    VariantRow,
    Version,
    open_store,
)
from assistant.publishing.brief_drafts import save_variant
from assistant.publishing.brief_import import (
    File,
    bulk_approve,
    import_briefs,
    import_variants,
    progress,
    read_plan,
    run_import,
)
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.drafting import Variant
from assistant.publishing.review import edit
from assistant.publishing.scheduler_files import HOOTSUITE_MAX_ROWS, hootsuite_files
from assistant.ui.imports import bulk_outcome

from .command_line import run
from .conftest import DATA

BRIEFS = DATA / "briefs"
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
BRAND = "maison-lemoine"


def _tables(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Campaign, Brief, BriefImport, VariantRow, Version)
        }


def _briefs(store: Store) -> list[tuple]:
    with store.session() as session:
        rows = session.scalars(select(Brief).order_by(Brief.import_row)).all()
        return [
            (
                b.import_row,
                b.publish_at,
                b.text,
                list(b.networks),
                b.variants_per_network,
                b.link,
                b.label,
                b.language,
                b.timezone,
            )
            for b in rows
        ]


def _first_rows(count: int) -> bytes:
    """The fixture's header and its first `count` briefs, as the CSV has them."""
    lines = (BRIEFS / "briefs-100.csv").read_bytes().split(b"\r\n")
    return b"\r\n".join(lines[: count + 1]) + b"\r\n"


# ---- one plan, two file formats -----------------------------------------------------------


def test_csv_and_xlsx_import_to_identical_briefs(tmp_path):
    stores = {}
    for name in ("briefs-100.csv", "briefs-100.xlsx"):
        store = Store(f"sqlite:///{tmp_path / (name + '.db')}")
        data = (BRIEFS / name).read_bytes()
        plan, import_id = import_briefs(store, File(name, data), BRAND, "Octobre", "cm", now=NOW)
        assert plan.report(import_id)["errors"] == []
        assert (plan.report(import_id)["briefs"], plan.report(import_id)["variants"]) == (100, 700)
        stores[name] = _briefs(store)
        store.dispose()
    assert stores["briefs-100.csv"] == stores["briefs-100.xlsx"]
    rows = {row[0]: row for row in stores["briefs-100.csv"]}
    assert len(rows) == 100 and min(rows) == 2 and max(rows) == 101
    # read in the brand's zone on both sides of the night the clocks go back (27 Oct 2030)
    assert rows[40][1] == datetime(2030, 10, 26, 18, 0, tzinfo=PARIS).astimezone(UTC)
    assert rows[40][1].hour == 16  # summer time, UTC+2
    assert rows[41][1] == datetime(2030, 10, 27, 9, 0, tzinfo=PARIS)
    assert rows[41][1].astimezone(UTC).hour == 8  # winter time, UTC+1
    assert "l’atelier de Pont-Aven" in rows[2][2] and rows[2][3][:2] == ["x", "linkedin"]
    assert rows[2][5] == "https://lemoine.example/produits/1" and rows[2][5] in rows[2][2]
    assert rows[2][6] == "semaine 42" and rows[2][7] == "fr"


def test_dry_run_reports_and_writes_nothing(tmp_path):
    store = open_store()
    before = _tables(store)
    code, out, err = run(
        [
            "campaign",
            "import",
            str(BRIEFS / "briefs-100.csv"),
            "--brand",
            BRAND,
            "--campaign",
            "Octobre",
            "--dry-run",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    assert json.loads(out) == {"import_id": None, "briefs": 100, "variants": 700, "errors": []}
    assert _tables(store) == before


# ---- every error at once ------------------------------------------------------------------

LONG = "é" * 65537


def _planted(photos_named: str = "vitrine.jpg") -> tuple[list[list[str]], set[tuple[int, str]]]:
    """Thirteen rows: one clean, twelve each with one planted error, and where each is. A
    row lists the cells up to the last it fills; the cells after it are empty."""
    header = ["publish_at", "brief", "networks", "variants", "photo", "link", "label"]
    filled = [
        ["14/11/2030 10:00", "Crêpes dentelle à la fleur de sel.", "x,linkedin"],
        ["31/02/2030 10:00", "Une date qui n’existe pas.", "x"],
        ["01/01/2020 10:00", "Une date passée.", "x"],
        ["14/11/2030 11:00", "Un réseau inconnu.", "x,myspace"],
        ["14/11/2030 12:00", "", "x"],
        ["14/11/2030 13:00", LONG, "x"],
        ["14/11/2030 10:00", "Le même créneau sur X.", "x"],
        ["15/11/2030 10:00", "Un créneau déjà pris par la marque.", "x"],
        ["14/11/2030 15:00", '=HYPERLINK("https://evil.example","clic")', "x"],
        ["14/11/2030 16:00", "Une photo absente.", "x", "", "absente.jpg"],
        ["14/11/2030 17:00", "Un lien faux.", "x", "", "", "htp://lemoine"],
        ["14/11/2030 10:00", "Crêpes dentelle à la fleur de sel.", "x,linkedin"],
        ["30/03/2031 02:30", "Une heure sautée au printemps.", "x", "", photos_named],
    ]
    rows = [header] + [row + [""] * (len(header) - len(row)) for row in filled]
    where = {
        (3, "publish_at"),
        (4, "publish_at"),
        (5, "networks"),
        (6, "brief"),
        (7, "brief"),
        (8, "networks"),
        (9, "publish_at"),
        (10, "brief"),
        (11, "photo"),
        (12, "link"),
        (13, "brief"),
        (14, "publish_at"),
    }
    return rows, where


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    """The rows as French Excel saves "CSV (;)": `;` between cells, quotes where needed."""
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def _photos(path):
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(image, "JPEG")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("vitrine.jpg", image.getvalue())
    return path


def _photo_import(store, tmp_path, networks: str) -> int:
    """A one-brief import on `networks` whose photo column names the ZIP's vitrine.jpg."""
    data = (
        "publish_at;brief;networks;photo\r\n"
        f"2030-11-20 10:00;Nos sablés au blé noir sortent du four.;{networks};vitrine.jpg\r\n"
    ).encode()
    photos = File("photos.zip", _photos(tmp_path / "photos.zip").read_bytes())
    sheet = File("photo.csv", data)
    return import_briefs(store, sheet, BRAND, "Novembre", "cm", photos=photos, now=NOW)[1]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_twelve_planted_errors_one_report_nothing_written(tmp_path, encoding):
    store = open_store()
    taken = create_campaign(store, "Déjà là", BRAND)
    add_brief(store, taken.id, "Déjà prévu.", ["x"], datetime(2030, 11, 15, 10, 0, tzinfo=PARIS))
    rows, where = _planted()
    data = _csv(rows, encoding)
    if encoding == "cp1252":
        assert b"\xea" in data  # ê as French Excel writes it
    sheet = tmp_path / "novembre.csv"
    sheet.write_bytes(data)
    photos = _photos(tmp_path / "photos.zip")
    before = _tables(store)
    args = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Novembre"]
    code, out, err = run([*args, "--photos", str(photos), "--format", "json", "--lang", "fr"])
    assert code == 2, err
    report = json.loads(out)
    assert report["import_id"] is None
    assert {(e["row"], e["column"]) for e in report["errors"]} == where
    assert len(report["errors"]) == 12
    by_place = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert "myspace" in by_place[(5, "networks")]
    assert "ligne 2" in by_place[(8, "networks")] and "ligne 2" in by_place[(13, "brief")]
    assert "formule" in by_place[(10, "brief")]
    assert "absente.jpg" in by_place[(11, "photo")] and "photos.zip" in by_place[(11, "photo")]
    assert "n’existe pas" in by_place[(14, "publish_at")]
    assert _tables(store) == before  # nothing written, not even the campaign
    # the same report in English, as text on stderr, naming the file, row and column
    code, out, err = run([*args, "--photos", str(photos), "--lang", "en"])
    assert code == 2
    assert "novembre.csv, row 12, link: “htp://lemoine” is not a web address" in err
    assert "12 error(s); nothing was imported." in err
    assert _tables(store) == before
    # the clean row's accents are read as written, whichever encoding
    plan = read_plan(store, File("novembre.csv", data), BRAND, now=NOW)
    assert plan.briefs[0].text == "Crêpes dentelle à la fleur de sel."


def test_same_file_again_is_refused_unless_asked(tmp_path):
    sheet = tmp_path / "deux.csv"
    sheet.write_bytes(_first_rows(2))
    args = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Oct", "--no-visuals"]
    code, out, err = run([*args, "--format", "json"])
    assert code == 0, err
    first = json.loads(out)
    assert (first["briefs"], first["drafted"], first["status"]) == (2, 14, "done")
    assert first["errors"] == [] and first["import_id"] >= 1
    store = open_store()
    before = _tables(store)
    code, out, err = run(args)
    assert code == 2 and f"(import {first['import_id']}," in err and "--again" in err
    assert _tables(store) == before
    # asked again, it is read again: its slots are the brand's now, so each row says so
    code, out, err = run([*args, "--again", "--format", "json"])
    assert code == 2
    assert {(e["row"], e["column"]) for e in json.loads(out)["errors"]} == {
        (2, "publish_at"),
        (3, "publish_at"),
    }


# ---- resumable drafting -------------------------------------------------------------------


class Stop(Exception):
    """The import's process dying half way."""


def test_an_import_killed_half_way_resumes_drafting_only_what_is_missing():
    store = open_store()
    plan, import_id = import_briefs(
        store, File("dix.csv", _first_rows(10)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )
    assert plan.variants == 70
    seen: list[int] = [progress(store, import_id).drafted]

    def killed_after(count):
        def step(counts):
            seen.append(counts.drafted)
            if counts.drafted >= count:
                raise Stop

        return step

    with pytest.raises(Stop):
        run_import(store, import_id, None, "cm", killed_after(35))
    half = progress(store, import_id)
    assert (half.drafted, half.status) == (35, "running")
    assert progress(store, import_id).drafted == seen[-1] == 35  # a reload shows the same
    final = run_import(store, import_id, None, "cm", lambda counts: seen.append(counts.drafted))
    assert (final.drafted, final.variants, final.status) == (70, 70, "done")
    assert seen == sorted(seen) and seen[-1] == 70  # never backwards
    assert len(seen) == 1 + 35 + 35  # each unit drafted once
    with store.session() as session:
        units = session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
        ).all()
    assert len(units) == len(set(units)) == 70
    # a third run (`--resume`) finds nothing missing and drafts nothing
    code, out, err = run(["campaign", "import", "--resume", str(import_id), "--format", "json"])
    assert code == 0, err
    assert (json.loads(out)["drafted"], _tables(store)["variants"]) == (70, 70)


def test_the_store_refuses_a_second_variant_for_one_unit():
    store = open_store()
    _plan, import_id = import_briefs(
        store, File("un.csv", _first_rows(1)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )
    run_import(store, import_id, None, "cm")
    with store.session() as session:
        brief = session.scalars(select(Brief)).one()
        row = session.scalars(select(VariantRow).where(VariantRow.platform == "x")).one()
        twin = Variant(platform="x", variant=1, text=row.text)
        charter_lang = brief.language
    from assistant.core.charter import load_brand
    from assistant.core.settings import get_settings

    charter = load_brand(BRAND, get_settings().brand_dir)
    with pytest.raises(ConflictError):
        save_variant(store, brief.id, twin, charter, charter_lang, "cm")
    assert progress(store, import_id).drafted == 7


def test_photos_from_the_zip_are_rendered_per_network(tmp_path):
    store = open_store()
    import_id = _photo_import(store, tmp_path, "x,linkedin")
    final = run_import(store, import_id, None, "cm")
    assert (final.drafted, final.rendered, final.status) == (2, 2, "done")
    with store.session() as session:
        brief = session.scalars(select(Brief)).one()
        images = [p for v in brief.variants for p in v.images]
    assert brief.photo and brief.photo.endswith(".jpg")
    assert images and all(p.endswith(".jpg") for p in images)  # a photo is encoded as JPEG


def test_a_photo_the_visuals_cannot_open_is_refused_by_row_before_saving(tmp_path):
    """A file named .jpg that is no image, or a truncated JPEG, would otherwise be drafted
    and never illustrated: the import would stay unfinished with no word of why."""
    store = open_store()
    whole = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(whole, "JPEG")
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("vitrine.jpg", whole.getvalue())
        archive.writestr("script.jpg", b"#!/bin/sh\necho not a photo\n")
        archive.writestr("coupee.jpg", whole.getvalue()[: len(whole.getvalue()) // 3])
        archive.writestr("../../evasion.png", b"\x89PNG not really")
    data = _csv(
        [
            ["publish_at", "brief", "networks", "photo"],
            ["20/11/2030 10:00", "Nos sablés sortent du four.", "x", "vitrine.jpg"],
            ["20/11/2030 11:00", "Un script déguisé.", "x", "script.jpg"],
            ["20/11/2030 12:00", "Une photo tronquée.", "x", "coupee.jpg"],
            ["20/11/2030 13:00", "Un chemin qui remonte.", "x", "../../evasion.png"],
            ["20/11/2030 14:00", "Le même script, encore.", "linkedin", "script.jpg"],
        ],
        "cp1252",
    )
    sheet = tmp_path / "photos.csv"
    sheet.write_bytes(data)
    before = _tables(store)
    args = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Novembre"]
    photos = ["--photos", str(tmp_path / "photos.zip")]
    code, out, err = run([*args, *photos, "--format", "json", "--lang", "fr"])
    assert code == 2, err
    report = json.loads(out)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "photo"),
        (4, "photo"),
        (5, "photo"),
        (6, "photo"),
    ]
    assert "« script.jpg » n’est pas une photo utilisable" in report["errors"][0]["message"]
    assert "coupee.jpg" in report["errors"][1]["message"]
    assert _tables(store) == before  # nothing saved
    code, _out, err = run([*args, *photos, "--lang", "en"])
    assert code == 2
    assert "photos.csv, row 3, photo: “script.jpg” is not a photo the visuals can use" in err


def test_a_campaign_named_with_digits_is_a_name_when_the_ui_asks_for_a_name():
    """The Import panel's box says "name, created if new": a French team's "42" (week 42)
    is a new campaign, not campaign 42 (refused in English) nor campaign 1 (joined unseen)."""
    store = open_store()
    first = create_campaign(store, "Octobre", BRAND)
    for name, day in ((str(first.id), 18), ("42", 19)):
        data = f"publish_at;brief;networks\r\n2030-11-{day} 10:00;Semaine {name}.;x\r\n"
        _plan, import_id = import_briefs(
            store,
            File(f"s{name}.csv", data.encode()),
            BRAND,
            name,
            "cm",
            now=NOW,
            campaign_by_id=False,
        )
        with store.session() as session:
            campaign = session.get(Campaign, session.get(BriefImport, import_id).campaign_id)
            assert (campaign.name, campaign.brand) == (name, BRAND)
            assert campaign.id != first.id


def test_the_command_line_report_is_french_throughout_with_french_numbers(tmp_path):
    """With --lang fr the framing is French too ("ligne", "rien n’a été importé"), and
    numbers are grouped as French writes them (70 000, not 70,000)."""
    sheet = tmp_path / "long.csv"
    sheet.write_bytes(_csv([["publish_at", "brief"], ["20/11/2030 10:00", "y" * 70_000]], "cp1252"))
    args = ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Novembre"]
    code, _out, err = run([*args, "--dry-run", "--lang", "fr"])
    assert code == 2
    assert (
        "long.csv, ligne 2, brief : le brief fait 70\u202f000 caractères ; 65\u202f536 au plus"
        in err
    )
    assert "1 erreur(s) : rien n’a été importé." in err
    assert "row" not in err and "nothing" not in err
    code, _out, err = run([*args, "--dry-run", "--lang", "en"])
    assert "long.csv, row 2, brief: the brief is 70,000 characters long; at most 65,536" in err


def test_two_starts_at_once_save_the_month_once():
    """A double click on Start sends two requests together: one import is saved, the other
    refused as already imported; no slot gets two posts."""
    store = open_store()
    data = (
        "publish_at;brief;networks\r\n"
        "2030-11-25 10:00;Double clic sur Lancer.;linkedin\r\n"
        "2030-11-26 10:00;Double clic, deuxième jour.;linkedin\r\n"
    ).encode()
    together = threading.Barrier(2)
    outcomes: list[object] = []

    def start() -> None:
        together.wait()
        try:
            outcomes.append(
                import_briefs(store, File("double.csv", data), BRAND, "Double", "cm", now=NOW)[1]
            )
        except AssistantError as exc:
            outcomes.append(exc.key)

    workers = [threading.Thread(target=start) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    saved = [o for o in outcomes if isinstance(o, int)]
    assert len(saved) == 1 and outcomes.count("already_imported") == 1, outcomes
    with store.session() as session:
        slots = session.execute(select(Brief.publish_at).where(Brief.text.like("Double clic%")))
        assert len(slots.all()) == 2


# ---- review at that scale -----------------------------------------------------------------


def _imported_for_review():
    store = open_store()
    data = (
        "publish_at;brief;networks\r\n"
        "2030-11-20 10:00;Palets au beurre salé : 20 % de réduction sur les coffrets.;x,linkedin\r\n"
        "2030-11-21 10:00;Galettes à la fleur de sel, cuites à Pont-Aven.;x,linkedin\r\n"
    ).encode()
    _plan, import_id = import_briefs(
        store, File("revue.csv", data), BRAND, "Novembre", "cm", visuals=False, now=NOW
    )
    run_import(store, import_id, None, "cm")
    return store, import_id


def test_bulk_approve_approves_the_clean_and_lists_the_others():
    store, import_id = _imported_for_review()
    listed = import_variants(store, import_id)
    assert len(listed) == 4 and all(item["errors"] == 0 for item in listed)
    faulty = next(item["id"] for item in listed if item["platform"] == "x")
    with store.session() as session:
        text = session.get(VariantRow, faulty).text
    assert "20 %" in text
    edit(store, faulty, text.replace("20 %", "25 %"), Actor("cm", "author"))  # a changed fact
    # separation of duties holds in bulk: the author approves none of it
    mine = bulk_approve(store, import_id, Actor("cm", "reviewer"))
    assert mine.approved == [] and {i["reason"] for i in mine.left} >= {"self_approval"}
    # and the Import panel says why in the reader's language, not the library's English
    worded = bulk_outcome(mine, "fr")
    assert "n’autorise pas l’auto-approbation" in worded and "does not allow" not in worded
    code, out, err = run(
        ["review", "approve", "--import", str(import_id), "--as", "rita", "--format", "json"]
    )
    assert code == 0, err
    result = json.loads(out)
    assert len(result["approved"]) == 3 and faulty not in result["approved"]
    assert [(i["id"], i["reason"]) for i in result["left"]] == [(faulty, "needs_override")]
    with store.session() as session:
        statuses = dict(session.execute(select(VariantRow.id, VariantRow.status)).all())
    assert statuses[faulty] != "approved"
    assert sorted(i for i, s in statuses.items() if s == "approved") == sorted(result["approved"])
    code, out, _err = run(["review", "list", "--import", str(import_id), "--format", "json"])
    assert sorted(r["id"] for r in json.loads(out)) == sorted(statuses)


def test_bulk_approve_holds_to_the_versions_the_reviewer_saw():
    store, import_id = _imported_for_review()
    shown = {item["id"]: item["text_version"] for item in import_variants(store, import_id)}
    moved = min(shown)
    with store.session() as session:
        text = session.get(VariantRow, moved).text
    edit(store, moved, text + " À bientôt.", Actor("cm", "author"))  # changed after it was shown
    result = bulk_approve(store, import_id, Actor("rita", "reviewer"), seen=shown)
    assert sorted(result.approved) == sorted(set(shown) - {moved})
    assert [(i["id"], i["reason"]) for i in result.left] == [(moved, "text_moved")]


# ---- exports at that scale ----------------------------------------------------------------


def test_hootsuite_files_split_at_350_rows_per_network():
    start = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    posts = [
        {
            "platform": "x",
            "publish_at": start + timedelta(minutes=5 * n),
            "timezone": "Europe/Paris",
            "text": f"post {n}",
            "link": "",
        }
        for n in range(HOOTSUITE_MAX_ROWS + 51)
    ]
    posts.append({**posts[0], "platform": "linkedin"})
    files = hootsuite_files(posts)
    assert sorted(files) == ["hootsuite-linkedin.csv", "hootsuite-x-1.csv", "hootsuite-x-2.csv"]
    first, second = (files[f"hootsuite-x-{n}.csv"].splitlines() for n in (1, 2))
    assert (len(first), len(second)) == (350, 51)
    assert first[0].startswith("01/01/2030 09:00,post 0") and second[-1].endswith("post 400,")


def test_the_review_table_filters_by_import():
    from assistant.ui.review import queue_frame

    store, import_id = _imported_for_review()
    other = create_campaign(store, "Autre", BRAND)
    add_brief(store, other.id, "Hors import.", ["x"], datetime(2030, 12, 1, 10, 0, tzinfo=PARIS))
    from assistant.publishing.brief_drafts import draft_brief

    with store.session() as session:
        outside = session.scalars(select(Brief.id).where(Brief.import_id.is_(None))).one()
    [(_v, outside_variant)] = draft_brief(store, outside, None, "cm")
    shown = queue_frame(store, "", "", "en", import_id)
    ids = {int(i) for i in shown.iloc[:, 0]}
    assert len(ids) == 4 and outside_variant not in ids
    assert outside_variant in {int(i) for i in queue_frame(store, "", "", "en").iloc[:, 0]}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_template_offered_for_download_reads_without_error(tmp_path, lang):
    """Whatever the day it is downloaded, its rows are next week's, in three date formats."""
    from assistant.publishing.brief_import import template_text

    photos = tmp_path / "photos.zip"
    with zipfile.ZipFile(photos, "w") as archive:
        image = io.BytesIO()
        Image.new("RGB", (32, 32), (10, 20, 30)).save(image, "JPEG")
        archive.writestr("baker.jpg" if lang == "en" else "boulanger.jpg", image.getvalue())
    for today in (NOW, NOW + timedelta(days=400)):
        text = template_text(lang, today.date())
        sheet, zipped = (
            File("modele.csv", text.encode()),
            File("photos.zip", photos.read_bytes()),
        )
        plan = read_plan(open_store(), sheet, BRAND, zipped, now=today)
        assert plan.report(None)["errors"] == []
        assert [b.row for b in plan.briefs] == [2, 3, 4]
        first = plan.briefs[0].publish_at
        assert first.weekday() == 0 and 0 < (first.date() - today.date()).days <= 7
        assert (first.hour, first.utcoffset()) == (10, PARIS.utcoffset(first.replace(tzinfo=None)))
        assert plan.briefs[2].publish_at.utcoffset() == timedelta(hours=1)
        assert plan.briefs[1].variants == 2 and plan.briefs[2].networks == ["facebook"]
    assert ("Notre collection" in template_text(lang)) == (lang == "fr")


def test_campaign_template_prints_the_readers_template():
    code, out, _err = run(["campaign", "template", "--lang", "fr"])
    assert code == 0 and out.startswith("publish_at;brief;networks") and "semaine" in out


@pytest.mark.slow
def test_a_killed_import_process_resumes_to_exactly_every_variant(tmp_path):
    """The CLI killed (SIGKILL) once about half the variants are stored, then `--resume`."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import ROOT

    sheet = tmp_path / "dix.csv"
    sheet.write_bytes(_first_rows(10))
    store = open_store()
    main = "from assistant.cli import main; main()"
    command = [sys.executable, "-c", main, "campaign", "import", str(sheet)]
    command += ["--brand", BRAND, "--campaign", "Octobre", "--no-visuals", "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[int] = []
    deadline = time.monotonic() + 600  # only a hang reaches this
    try:
        while time.monotonic() < deadline and child.poll() is None:
            with store.session() as session:
                found = session.scalars(select(BriefImport.drafted)).first()
            if found is not None:
                seen.append(found)
                if found >= 30:
                    child.send_signal(signal.SIGKILL)
                    break
            time.sleep(0.05)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()[-500:]
    import_id = progress(store, 1).import_id
    stopped = progress(store, import_id)
    assert 30 <= stopped.drafted < 70 and stopped.status == "running"
    code, out, err = run(["campaign", "import", "--resume", str(import_id), "--format", "json"])
    assert code == 0, err
    assert (json.loads(out)["drafted"], json.loads(out)["status"]) == (70, "done")
    with store.session() as session:
        units = session.execute(
            select(VariantRow.brief_id, VariantRow.platform, VariantRow.variant_no)
        ).all()
    assert len(units) == len(set(units)) == 70
    assert seen == sorted(seen)


def test_the_ui_follows_an_import_drafted_by_another_process_and_names_one_that_stopped():
    """An import run by the CLI (or another app process) is not this app's thread: while its
    counts keep moving the panel shows it running and keeps polling; once they stop moving
    for `live_seconds`, it offers to resume."""
    from sqlalchemy import update

    from assistant.publishing.brief_import import rules
    from assistant.ui.imports import progress_html

    store = open_store()
    _plan, import_id = import_briefs(
        store, File("deux.csv", _first_rows(2)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )

    def moved(seconds_ago: float) -> str:
        with store.session() as session:
            session.execute(
                update(BriefImport)
                .where(BriefImport.id == import_id)
                .values(
                    status="running",
                    updated_at=datetime.now(UTC) - timedelta(seconds=seconds_ago),
                )
            )
            session.commit()
        return progress_html(store, import_id, "en")

    assert 'data-status="running"' in moved(5)
    assert 'data-status="stopped"' in moved(rules()["live_seconds"] + 30)


def test_an_older_store_with_two_variants_in_one_unit_upgrades_and_keeps_both(tmp_path):
    """Before the one-variant-per-unit key, two drafting runs at once could store two
    variants with one (brief, network, number): the upgrade renumbers the later one."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from assistant.core.store import MIGRATIONS

    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    _plan, import_id = import_briefs(
        store, File("un.csv", _first_rows(1)), BRAND, "Octobre", "cm", visuals=False, now=NOW
    )
    run_import(store, import_id, None, "cm")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.migration_connection() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006_review_links")
    with store.engine.begin() as connection:  # a twin of x#1, as an older version could write
        connection.execute(text("UPDATE variants SET platform = 'x' WHERE platform = 'bluesky'"))
    store.migrate()
    with store.session() as session:
        units = session.execute(
            select(VariantRow.platform, VariantRow.variant_no).order_by(VariantRow.id)
        ).all()
    assert len(units) == 7 and len(set(units)) == 7  # none lost, none sharing a unit
    assert sorted(n for p, n in units if p == "x") == [1, 2]


def test_a_problem_of_the_whole_file_is_told_without_an_empty_column(tmp_path):
    sheet = tmp_path / "vide.csv"
    sheet.write_text("publish_at;brief;networks\n", encoding="utf-8")
    code, _out, err = run(
        ["campaign", "import", str(sheet), "--brand", BRAND, "--campaign", "Vide",
         "--lang", "fr"]
    )  # fmt: skip
    assert code == 2
    first = err.strip().splitlines()[0]
    assert first.startswith("vide.csv, ligne 1 : ") and ", :" not in first, first


@pytest.mark.parametrize(
    "cell, formula",
    [
        ("=1+1", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("@SUM(A1:A2)", True),
        ("+33 6 12 34 56 78", False),
        ("- 20 % sur les galettes !", False),
        ("@marque merci", False),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_told_from_text(cell, formula):
    from assistant.publishing.brief_import import _formula

    assert bool(_formula().search(cell)) is formula


def test_a_quoted_cell_keeps_its_accents_and_shows_its_control_characters():
    from assistant.publishing.brief_import import worded

    assert worded("unknown_network", "fr", value="réseau", known="x") == (
        "réseau inconnu « réseau » ; réseaux possibles : x"
    )
    shown = worded("unknown_network", "en", value="x\x1b[31m\tz", known="x")
    assert "\x1b" not in shown and "\t" not in shown and "“x\\x1b[31m\\tz”" in shown
