"""Visuals and exports as content-addressed blobs: the SHA-256 of the bytes is the key, rows
keep the key, and any process of the team reads the bytes by it, whichever machine drew them.

One interface, three places:

- the data folder (`<data>/blobs/ab/abcd…`), the default on SQLite: one machine, files as
  before (a visual drawn in the visuals folder is hard-linked, not copied);
- a `blobs` table (`bytea` on PostgreSQL), the default in team mode: the database the team
  already runs and backs up;
- any S3-compatible store through boto3, when `ASSISTANT_BLOB_URL=s3://bucket[/prefix]`
  (endpoint and credentials as boto3 reads them: `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`…).

A reader gets a local file through `local_file(key)`: fetched once into the visuals folder's
cache, checked against its key, so the pages that already serve visuals (behind the UI's login
or a client link's scope) serve it unchanged. Every blob is bounded (`blob_bytes`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import regex
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from .errors import InputError, NotFound
from .limits import limits, too_large
from .settings import get_settings
from .store import Blob, Store, open_store

KEY = regex.compile(r"^[0-9a-f]{64}$")


def key_of(data: bytes) -> str:
    """The key of some bytes: their SHA-256, in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def _checked_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise InputError(f"{str(key)[:80]!r} is not a blob key.", key="bad_blob_key")
    return key


def _bounded(data: bytes, what: str = "a stored visual") -> bytes:
    bound = limits().blob_bytes
    if len(data) > bound:
        raise too_large(what, len(data), bound, "a stored file")
    return data


def _missing(key: str) -> NotFound:
    return NotFound(f"no stored file with key {key}", key="not_found", what="blob", id=key)


class Blobs(Protocol):
    """Where blobs live: put bytes (their key back), get them by key, know whether one is there."""

    def put(self, data: bytes) -> str: ...

    def get(self, key: str) -> bytes: ...

    def has(self, key: str) -> bool: ...


class FolderBlobs:
    """Blobs as files under a folder, two hex digits of fan-out."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        key = _checked_key(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = key_of(_bounded(data))
        target = self.path(key)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, data)
        return key

    def put_file(self, source: Path) -> str:
        """A file already on this disk: linked in place (no second copy), else copied."""
        data = _bounded(source.read_bytes())
        key = key_of(data)
        target = self.path(key)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except FileExistsError:
                pass
            except OSError:  # another file system, or links refused: a copy does
                _write_atomically(target, data)
        return key

    def get(self, key: str) -> bytes:
        target = self.path(key)
        if not target.is_file():
            raise _missing(key)
        return target.read_bytes()

    def has(self, key: str) -> bool:
        return self.path(key).is_file()


class DatabaseBlobs:
    """Blobs as rows of the store's `blobs` table (`bytea` on PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, data: bytes) -> str:
        key = key_of(_bounded(data))
        if self.has(key):
            return key
        with self.store.session() as session:
            # the same bytes stored meanwhile by another process: nothing to add (no error
            # raised and caught, which PostgreSQL would log as a failed statement)
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            row = {"key": key, "size": len(data), "data": data}
            session.execute(dialect.insert(Blob).values(**row).on_conflict_do_nothing())
            session.commit()
        return key

    def get(self, key: str) -> bytes:
        with self.store.session() as session:
            found = session.scalars(select(Blob.data).where(Blob.key == _checked_key(key))).first()
        if found is None:
            raise _missing(key)
        return bytes(found)

    def has(self, key: str) -> bool:
        with self.store.session() as session:
            return (
                session.scalars(select(Blob.key).where(Blob.key == _checked_key(key))).first()
                is not None
            )


class S3Blobs:
    """Blobs as objects of an S3-compatible bucket (`s3://bucket/prefix`), through boto3."""

    def __init__(self, url: str) -> None:
        import boto3

        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise InputError(
                f"ASSISTANT_BLOB_URL={url!r} is not an S3 address; write s3://bucket/prefix.",
                key="bad_blob_url",
                value=url,
            )
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        self.client = boto3.client("s3")

    def _name(self, key: str) -> str:
        key = _checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes) -> str:
        key = key_of(_bounded(data))
        if not self.has(key):
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)
        return key

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise _missing(key) from None
            raise
        if answer.get("ContentLength", 0) > limits().blob_bytes:
            raise too_large(key, answer["ContentLength"], limits().blob_bytes, "a stored file")
        return answer["Body"].read()

    def has(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


def blob_store() -> Blobs:
    """The blobs of this deployment: S3 when `ASSISTANT_BLOB_URL` says so, else the store's
    table on PostgreSQL, else the data folder."""
    return _blob_store(
        get_settings().blob_url, get_settings().database_url(), get_settings().data_dir
    )


@cache
def _blob_store(blob_url: str, database_url: str, data_dir: Path) -> Blobs:
    if blob_url:
        return S3Blobs(blob_url)
    if database_url.startswith("postgresql"):
        return DatabaseBlobs(open_store(database_url))
    return FolderBlobs(data_dir / "blobs")


def put_file(path: str | Path) -> str:
    """Keep a file drawn or written on this machine as a blob; its key."""
    store = blob_store()
    if isinstance(store, FolderBlobs):
        return store.put_file(Path(path))
    return store.put(Path(path).read_bytes())


def cache_folder() -> Path:
    """Where fetched blobs are kept on this machine: inside the visuals folder, which the UI
    already serves behind its login and the client pages behind a link's scope."""
    return get_settings().data_dir / "visuals" / "blobs"


def local_file(key: str, suffix: str = ".png") -> Path:
    """The blob as a file on this machine, fetched once and checked against its key."""
    target = cache_folder() / _checked_key(key)[:2] / f"{key}{suffix}"
    if target.is_file():
        return target
    data = blob_store().get(key)
    if key_of(data) != key:
        raise InputError(f"the stored file {key} does not match its key.", key="blob_corrupt")
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, data)
    return target


def visual_paths(images: list[Any] | None, keys: list[Any] | None) -> list[str]:
    """A variant's visuals as files here: each drawn file when it is on this disk, else its
    blob fetched by key (drawn by a worker on another machine). Rows from before keys were
    kept have paths only, read as they always were."""
    images, keys = list(images or []), list(keys or [])
    found = []
    for index, path in enumerate(images):
        key = keys[index] if index < len(keys) else None
        if key and not Path(str(path)).is_file():
            suffix = Path(str(path)).suffix or ".png"
            found.append(str(local_file(key, suffix)))
        else:
            found.append(str(path))
    return found


def local_photo(path: str | None, key: str | None) -> str | None:
    """A brief's photo as a file here: where it was unpacked when that is this machine, else
    its blob fetched by key (a worker drawing an import saved by another process)."""
    if not path or Path(path).is_file() or not key:
        return path
    return str(local_file(key, Path(path).suffix.lower() or ".jpg"))


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
