"""Failed guesses, counted in the store's `login_failures` table so the bound holds across
every process of the app: wrong passwords given to the app's own login, and unknown tokens or
wrong passwords tried on client approval links. An attacker spreading guesses over the
replicas behind one address meets the same count on each.

A row is one failure of one key (an account's name or an address, kept as a keyed digest:
the table lists neither names nor addresses), with its time. Rows older than the window are
deleted on each new failure, and the table never holds more than `login_failure_rows` rows:
past that the oldest go first, so guesses from ever new names and addresses cannot grow it
without bound (each guess also costs the attacker an Argon2 hash's wait)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .limits import limits
from .store import Base, Store, UTCDateTime, now

KEY_CHARS = 32


class LoginFailure(Base):
    """One wrong password for one account name or one address."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_CHARS), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SharedFailures:
    """Failures per key over a sliding window, in the store: `blocked` once `bound` were
    recorded within `window` seconds; `kind` keeps each use's keys apart. `clock` is
    injectable so a test can move time."""

    def __init__(
        self,
        store_of: Callable[[], Store],
        bound: int,
        kind: str,
        secret: str = "",
        window: float = 60.0,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.store_of, self.bound, self.window, self.clock = store_of, bound, window, clock
        self._salt = hashlib.sha256(f"assistant-login-failures\0{kind}\0{secret}".encode()).digest()

    def key(self, value: str) -> str:
        """`value`'s digest as stored: the same in every process sharing the secret key."""
        return hmac.new(self._salt, value.encode(), hashlib.sha256).hexdigest()[:KEY_CHARS]

    def blocked(self, value: str) -> bool:
        horizon = self.clock() - timedelta(seconds=self.window)
        with self.store_of().session() as session:
            count = session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == self.key(value), LoginFailure.failed_at > horizon)
            )
        return (count or 0) >= self.bound

    def attempt(self, value: str) -> int | None:
        """Count a try before it is checked: its row is written first, then the tries within
        the window are counted. Guesses sent all at once each see the rows of those before
        them, so no more than `bound` get past, however many arrive together (a count read
        before the slow check, as `blocked` then `failed` do, lets a whole burst through).
        The row's id (`forgive` it if the try was right), or None over the bound (the row is
        taken back: a refused try does not prolong the wait)."""
        at, key = self.clock(), self.key(value)
        with self.store_of().session() as session:
            row = self._add(session, key, at)
            count = session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(
                    LoginFailure.key == key,
                    LoginFailure.failed_at > at - timedelta(seconds=self.window),
                )
            )
            if (count or 0) > self.bound:
                session.execute(delete(LoginFailure).where(LoginFailure.id == row))
                session.commit()
                return None
        return row

    def forgive(self, row: int) -> None:
        """A try that was right is not a failure."""
        with self.store_of().session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.id == row))
            session.commit()

    def failed(self, value: str) -> None:
        with self.store_of().session() as session:
            self._add(session, self.key(value), self.clock())

    def _add(self, session: Any, key: str, at: datetime) -> int:
        """One failure written and committed (rows past the window or the bound dropped)."""
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.failed_at <= at - timedelta(seconds=self.window)
            )
        )
        row = LoginFailure(key=key, failed_at=at)
        session.add(row)
        session.flush()
        _keep_newest(session, limits().login_failure_rows)
        session.commit()
        return row.id


def _keep_newest(session: object, rows: int) -> None:
    """At most `rows` rows: the oldest failures beyond them are forgotten."""
    newest = session.scalar(select(func.max(LoginFailure.id)))  # type: ignore[attr-defined]
    if newest is not None and newest > rows:
        session.execute(delete(LoginFailure).where(LoginFailure.id <= newest - rows))  # type: ignore[attr-defined]


def stored_failures(store: Store) -> int:
    """How many failures the table holds (what the bound on rows keeps small)."""
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(LoginFailure)) or 0
