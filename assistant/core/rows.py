"""Rows read and written inside a session: one by id (NotFound when missing), a variant's
newest version, a query of variants narrowed as the lists ask, and the commit that turns a
lost race into a worded ConflictError. Apart from the tables (`store`) so a module that
only reads its rows imports what it reads, and the tables module stays about tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .errors import NotFound, StoreError
from .store import Brief, VariantRow, Version, conflict_error, store_error


def latest_version(session: Session, variant_id: int) -> Version:
    """A variant's newest version, without loading the whole history."""
    return session.scalars(
        select(Version)
        .where(Version.variant_id == variant_id)
        .order_by(Version.number.desc())
        .limit(1)
    ).one()


def get_or_404(session: Session, model: type, ident: int) -> Any:
    found = session.get(model, ident)
    if found is None:
        raise NotFound(
            f"no {model.__tablename__.rstrip('s')} with id {ident}",
            key="not_found",
            what=model.__tablename__.rstrip("s"),
            id=ident,
        )
    return found


@contextmanager
def conflicts_refused(session: Session, what: str) -> Iterator[None]:
    """The whole unit of work, not only its commit: a flush the session makes on its own
    (autoflush before a lazy load or a query, or an explicit one) can meet a row someone
    else saved meanwhile; wherever it happens it ends as the worded ConflictError."""
    try:
        yield
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise conflict_error(what) from None


def commit_or_conflict(session: Session, what: str) -> None:
    """Commit; a stale version or a version number taken meanwhile becomes a ConflictError
    naming what was being saved; a file gone since the store opened is refused first."""
    store = session.info.get("store")
    try:
        if store is not None:
            store.ensure_present()
        with conflicts_refused(session, what):
            session.commit()
    except StoreError:
        session.rollback()
        raise
    except DBAPIError as exc:
        session.rollback()
        raise store_error(str(session.bind.url), exc) from None


def filter_variants(
    query: Any,
    campaign_id: int | None,
    status: str | None,
    platform: str | None,
    import_id: int | None = None,
) -> Any:
    """A variants query (joined to briefs) narrowed to a campaign, a status, a network and
    the spreadsheet import the briefs came from."""
    if import_id is not None:
        query = query.where(Brief.import_id == import_id)
    if campaign_id is not None:
        query = query.where(Brief.campaign_id == campaign_id)
    if status:
        query = query.where(VariantRow.status == status)
    if platform:
        query = query.where(VariantRow.platform == platform)
    return query
