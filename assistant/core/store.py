# Longer than 400 lines: the tables Alembic's migrations follow, kept in one place with the session and the locking every write uses (the helpers that read and commit rows: `rows`).
"""Storage (SQLAlchemy 2): campaigns, briefs, variants, versions, comments, audit log.

SQLite by default, PostgreSQL through `ASSISTANT_DB_URL`; the schema is managed by Alembic.
Every write commits at once so a crash after it loses nothing; variant rows carry a version
counter (optimistic locking) so two reviewers cannot overwrite each other silently.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.orm.exc import StaleDataError

from .errors import ConflictError, StoreError

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# the PostgreSQL advisory lock every process takes to upgrade the schema (any fixed 64-bit key)
MIGRATION_LOCK = 0x617373697374616E  # "assistan"
log = logging.getLogger("assistant.core.store")


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC and read back aware, on SQLite (no time zones) as well."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    briefs: Mapped[list[Brief]] = relationship(back_populates="campaign", order_by="Brief.id")


class Brief(Base):
    __tablename__ = "briefs"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    networks: Mapped[list[Any]] = mapped_column(default=list)
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    variants_per_network: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # a brief read from a spreadsheet: its import, its row there, and the row's extra cells
    import_id: Mapped[int | None] = mapped_column(ForeignKey("brief_imports.id"), index=True)
    import_row: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(200))
    photo: Mapped[str | None] = mapped_column(Text)
    photo_key: Mapped[str | None] = mapped_column(String(64))  # the photo as a blob (`blobs`)
    campaign: Mapped[Campaign] = relationship(back_populates="briefs")
    variants: Mapped[list[VariantRow]] = relationship(
        back_populates="brief", order_by="VariantRow.id"
    )


class VariantRow(Base):
    __tablename__ = "variants"
    # one variant per brief, network and number: a resumed drafting can never add a second
    __table_args__ = (
        UniqueConstraint(
            "brief_id", "platform", "variant_no", name="uq_variants_brief_platform_no"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    variant_no: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    draft_status: Mapped[str] = mapped_column(String(16), default="ok")
    error: Mapped[str | None] = mapped_column(Text)
    hashtags: Mapped[list[Any]] = mapped_column(default=list)
    alt_text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[Any]] = mapped_column(default=list)
    assignee: Mapped[str | None] = mapped_column(String(100))
    override_reason: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    images_version: Mapped[int | None] = mapped_column(Integer)
    # the images' blob keys (SHA-256), in the order of `images`: what another machine reads
    image_keys: Mapped[list[Any] | None] = mapped_column(JSON)
    cut_text: Mapped[str | None] = mapped_column(Text)
    brief: Mapped[Brief] = relationship(back_populates="variants")
    versions: Mapped[list[Version]] = relationship(order_by="Version.number")
    comments: Mapped[list[Comment]] = relationship(order_by="Comment.id")
    audit: Mapped[list[AuditEvent]] = relationship(order_by="AuditEvent.id")
    __mapper_args__ = {"version_id_col": version}


class BriefImport(Base):
    """One spreadsheet of briefs imported into a campaign, and its drafting progress: the
    counts live here so a reload, another browser or `--resume` see where it stands."""

    __tablename__ = "brief_imports"
    # the same file (by its SHA-256) imported again for a brand is found at once
    __table_args__ = (Index("ix_brief_imports_brand_sha256", "brand", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(100), default="")
    briefs: Mapped[int] = mapped_column(Integer, default=0)
    variants: Mapped[int] = mapped_column(Integer, default=0)
    drafted: Mapped[int] = mapped_column(Integer, default=0)
    checked: Mapped[int] = mapped_column(Integer, default=0)
    rendered: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    visuals: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="saved")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Blob(Base):
    """A stored file (a visual, an export) by the SHA-256 of its bytes: the team-mode place
    of what would otherwise be a file on one machine's disk (see `blobs`)."""

    __tablename__ = "blobs"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class JobOutcome(Base):
    """The answer of a job someone waits on (`jobs.call`), written by the worker that ran it
    and deleted once read: its JSON value, or the error it raised (type, message, key,
    params) for the asker to word again."""

    __tablename__ = "job_outcomes"
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    error: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)


class FromNetwork:
    """What every row brought in from a social network carries: its own id, the brand it was
    brought in for and the network's name (each table keys them with the network's own id)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), index=True)
    network: Mapped[str] = mapped_column(String(32))


class _OfVariant:
    """What every row recorded about a variant carries: its own id, the variant's, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class Version(_OfVariant, Base):
    __tablename__ = "versions"
    # two saves racing on one variant can never both become version N
    __table_args__ = (UniqueConstraint("variant_id", "number", name="uq_versions_variant_number"),)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100), default="")
    cause: Mapped[str] = mapped_column(String(32))  # model | guardrail | fix | human
    changes: Mapped[list[Any]] = mapped_column(default=list)
    matches: Mapped[list[Any]] = mapped_column(default=list)


class Comment(_OfVariant, Base):
    __tablename__ = "comments"
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)


class StatusEvent:
    """One line of an audit trail, read off the row it is about: who did what, from which
    status to which, and why. The posts' trail and the inbox's are separate tables, each
    naming its subject in `subject_key`; this is the one place saying what an event records."""

    subject_key = ""
    # the keys `review show` and `reply show` list, each with the column it is read from
    shown_as = {
        "actor": "actor",
        "action": "action",
        "from": "from_status",
        "to": "to_status",
        "reason": "reason",
        "at": "created_at",
    }

    @classmethod
    def of(
        cls, subject: Any, actor: str, action: str, to_status: str | None, reason: str | None = None
    ) -> Self:
        """The event of `subject` (a row with `id` and `status`) moving to `to_status`."""
        return cls(
            **{cls.subject_key: subject.id},
            actor=actor,
            action=action,
            from_status=subject.status,
            to_status=to_status,
            reason=reason,
        )

    def to_dict(self) -> dict[str, Any]:
        """The event as `review show` and `reply show` list it."""
        return {key: getattr(self, column) for key, column in self.shown_as.items()}


class AuditEvent(_OfVariant, StatusEvent, Base):
    """A post's trail; a change of its publish time (`reschedule`) also records the time it
    had and the time it got, so a moved approved post is never moved silently."""

    __tablename__ = "audit_log"
    subject_key = "variant_id"
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    from_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    to_time: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def to_dict(self) -> dict[str, Any]:
        """The event as `review show` lists it; a reschedule adds `from_time` and `to_time`."""
        shown = super().to_dict()
        if self.action == "reschedule":
            shown |= {"from_time": self.from_time, "to_time": self.to_time}
        return shown


class GuardedSession(Session):
    """A session whose database failures leave it as StoreErrors, classified by type.

    `with store.session() as s:` is how every module talks to the database, so turning a
    driver error into a readable StoreError here covers reads and writes alike.
    """

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        super().__exit__(kind, value, traceback)
        if isinstance(value, StaleDataError):  # a flush anywhere in the block met a newer row
            raise conflict_error("what you were saving") from None
        if isinstance(value, DBAPIError) and not isinstance(value, IntegrityError):
            raise store_error(str(self.bind.url) if self.bind else "", value) from None


class Store:
    """A database: open it, then use short sessions (`with store.session() as s`)."""

    def __init__(self, url: str, lock_timeout: float = 30.0) -> None:
        """`lock_timeout`: how long a SQLite write waits for another process's lock."""
        self.url = url
        options: dict[str, Any] = {}
        if url.startswith("sqlite"):
            options["connect_args"] = {"timeout": lock_timeout, "check_same_thread": False}
        self.engine = create_engine(url, **options)
        self.path = _sqlite_file(self.engine.url) if url.startswith("sqlite") else None
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(
            self.engine, class_=GuardedSession, expire_on_commit=False, info={"store": self}
        )
        self.migrate()
        self._identity = self._file_identity()

    def migrate(self) -> tuple[str | None, str | None]:
        """Bring the schema to the newest Alembic revision; a broken file is a clear error.

        On PostgreSQL the upgrade runs in one transaction holding an advisory lock: processes
        starting at once queue on it, the first upgrades, the others then find the newest
        revision and do nothing. The revisions before and after, kept in `self.migrated`."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        try:
            with self.migration_connection() as connection:
                before = MigrationContext.configure(connection).get_current_revision()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                after = MigrationContext.configure(connection).get_current_revision()
        except DBAPIError as exc:
            raise store_error(self.url, exc) from None
        if before != after:
            log.info("database schema upgraded from %s to %s", before or "empty", after)
        self.migrated = (before, after)
        return self.migrated

    @contextmanager
    def migration_connection(self) -> Iterator[Any]:
        """A connection in one transaction for Alembic. On PostgreSQL the transaction holds
        one advisory lock, so processes starting at once upgrade once (the others wait, then
        find the schema current). On SQLite, foreign keys are off while it runs: batch mode
        changes a table by copying it and dropping the old one, which a populated store's
        references would refuse; they are checked before the commit."""
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # only outside a transaction does this pragma take effect
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                        )
                    yield connection
                    broken = (
                        connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if sqlite
                        else []
                    )
                    if broken:
                        table, row, parent, _key = broken[0]
                        raise StoreError(
                            f"upgrading the database {self.url} would leave {len(broken)} "
                            f"broken reference(s), e.g. row {row} of {table} pointing into "
                            f"{parent}: nothing was changed."
                        )
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()

    def _file_identity(self) -> tuple[int, int] | None:
        path = self.path
        if path is None:
            return None
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return stat.st_dev, stat.st_ino

    def ensure_present(self) -> None:
        """Refuse to go on when the SQLite file was deleted or replaced since it was opened.

        Open connections keep writing into the unlinked file and report success; those
        writes would vanish at the next start, so the store stops with a clear error instead.
        """
        if self.path is None or self._identity is None:
            return
        if self._file_identity() != self._identity:
            raise StoreError(
                f"the database file {self.path} was deleted or replaced while the app was "
                "running; nothing more is saved. Restore the file (or its backup) and restart.",
                key="db_vanished",
                path=str(self.path),
            )

    def session(self) -> Session:
        self.ensure_present()
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_file(url: Any) -> Path | None:
    """The SQLite file as an absolute path (the working folder may change), or None in memory."""
    name = url.database
    return Path(name).absolute() if name and name != ":memory:" else None


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# primary SQLite result codes (https://sqlite.org/rescode.html)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CORRUPT = 5, 6, 8, 11
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26


def _sqlite_code(exc: DBAPIError) -> int | None:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _server_down(exc: DBAPIError) -> bool:
    """A PostgreSQL server that cannot be reached (or dropped the connection)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite-only install
        return False
    return exc.connection_invalidated or (
        isinstance(exc.orig, psycopg.OperationalError)
        and getattr(exc.orig, "sqlstate", None) in (None, "57P01", "57P02", "57P03")
    )


def store_error(url: str, exc: DBAPIError) -> StoreError:
    """A driver error as a StoreError with a key, chosen by error code and class, not text.

    Each names the database (`where`: the path or server, for the CLI and the log; `name`:
    the file's own name, for the UI) and says what to do; none names the driver's class."""
    where, name = _database_names(url)
    code = _sqlite_code(exc)
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return StoreError(
            f"the database file {where} is corrupt or not a SQLite file; move it away "
            "(a new one is created) or set ASSISTANT_DB_URL.",
            key="db_corrupt",
            where=where,
            name=name,
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreError(
            f"the database {where} is locked by another process; retry when it is done.",
            key="db_locked",
            where=where,
            name=name,
        )
    if code == SQLITE_READONLY or _sqlite_read_only(url, where):
        return StoreError(
            f"the database {where} is read-only: check the rights on the file and its folder "
            "(the app must be able to write both), then retry; nothing was saved.",
            key="db_readonly",
            where=where,
            name=name,
        )
    if code == SQLITE_CANTOPEN:
        return StoreError(
            f"the database {where} cannot be opened: check that its folder exists and that "
            "the app may write the file and the folder, then retry.",
            key="db_cantopen",
            where=where,
            name=name,
        )
    if code is None and _server_down(exc):
        return StoreError(
            f"the database server {where} cannot be reached; check that it is running, "
            "then retry (nothing was saved).",
            key="db_down",
            where=where,
            name=name,
        )
    problem = _capped_problem(exc)
    return StoreError(
        f"the database {where} cannot be used ({problem}); nothing was saved: check the "
        "file or server, or set ASSISTANT_DB_URL.",
        key="db_error",
        where=where,
        name=name,
        problem=problem,
    )


def _database_names(url: str) -> tuple[str, str]:
    """The database as the CLI and log name it (the SQLite file's path, or the server and
    database without credentials) and as the UI names it (the file's own name)."""
    if not url.startswith("sqlite"):
        where = url.split("@")[-1]
        return where, where
    database = make_url(url).database or ":memory:"
    if database.startswith("file:"):  # a SQLite URI: file:PATH?mode=…
        database = database.removeprefix("file:").split("?", 1)[0]
    return database, Path(database).name


def _sqlite_read_only(url: str, where: str) -> bool:
    """Whether this process may not write the SQLite file or its folder (the journal lives
    there): whatever code the driver gave, the fix is the same."""
    if not url.startswith("sqlite") or not where or where.startswith(":memory:"):
        return False
    path = Path(where)
    if path.exists() and not os.access(path, os.W_OK):
        return True
    folder = path.parent if str(path.parent) else Path(".")
    return folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK)


def _capped_problem(exc: DBAPIError) -> str:
    """The driver's own words (its first line, at most 120 characters), never its class."""
    lines = str(exc.orig).strip().splitlines() or ["unknown error"]
    return lines[0][:120]


_stores: dict[str, Store] = {}


def open_store(url: str | None = None) -> Store:
    """The process's store for a URL (default: settings), opened and migrated once."""
    from .settings import get_settings

    url = url or get_settings().database_url()
    if url not in _stores:
        _stores[url] = Store(url)
    return _stores[url]


def conflict_error(what: str) -> ConflictError:
    """The worded refusal of a save that met a newer row than the one it started from."""
    return ConflictError(
        f"{what} was changed by someone else since you opened it; reload and apply "
        "your edit again.",
        key="conflict",
    )
