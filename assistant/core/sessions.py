"""Sessions of the app's own login that were ended before their cookie expired (a logout),
in the store's `ended_sessions` table, so every process of the app refuses a copy of that
cookie, not only the browser that logged out.

Each login draws a random session id kept in its signed cookie; a logout records the id with
the time the cookie would have expired anyway. A row is useless after that time (the
signature refuses the cookie by then), so each logout deletes the rows past it: the table
holds at most the logouts of one cookie's lifetime. A process keeps its answer for a session
a few seconds (`SessionCheck`), as it does an account: one read per session per process
every few seconds, not one per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .store import Base, Store, UTCDateTime, now

SESSION_CHARS = 43  # secrets.token_urlsafe(32)
KEPT_SECONDS = 5.0  # how stale a process's "not ended" answer may be (as an account's)
KEPT_SESSIONS = 10_000  # answers a process keeps before it forgets them all


class EndedSession(Base):
    """A session ended by its user before its cookie expired."""

    __tablename__ = "ended_sessions"
    session_id: Mapped[str] = mapped_column(String(SESSION_CHARS), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def end(store: Store, session_id: str, expires_at: datetime) -> None:
    """Record that `session_id` ended (twice is once), and forget the rows whose cookies
    have expired since: the table never outgrows one cookie lifetime of logouts."""
    session_id = session_id[:SESSION_CHARS]
    with store.session() as session:
        session.execute(delete(EndedSession).where(EndedSession.expires_at < now()))
        session.commit()
        if session.get(EndedSession, session_id) is None:
            session.add(EndedSession(session_id=session_id, expires_at=expires_at))
            try:
                session.commit()
            except IntegrityError:  # another process recorded the same logout at once
                session.rollback()


def ended(store: Store, session_id: str) -> bool:
    """Whether `session_id` was ended by a logout on any process."""
    with store.session() as session:
        found = session.scalars(
            select(EndedSession.session_id).where(
                EndedSession.session_id == session_id[:SESSION_CHARS]
            )
        ).first()
        return found is not None


class SessionCheck:
    """Whether a session was ended, as this process last read it: an ended session stays
    ended; a live one is read again after `KEPT_SECONDS`."""

    def __init__(self, store_of: Callable[[], Store], clock: Callable[[], float] = time.monotonic):
        self.store_of, self.clock = store_of, clock
        self._seen: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def ended(self, session_id: str) -> bool:
        with self._lock:
            kept = self._seen.get(session_id)
        if kept is not None and (kept[1] or self.clock() - kept[0] < KEPT_SECONDS):
            return kept[1]
        found = ended(self.store_of(), session_id)
        self._keep(session_id, found)
        return found

    def end(self, session_id: str, expires_at: datetime) -> None:
        """End `session_id` in the store, and at once in this process."""
        end(self.store_of(), session_id, expires_at)
        self._keep(session_id, True)

    def _keep(self, session_id: str, found: bool) -> None:
        with self._lock:
            if len(self._seen) >= KEPT_SESSIONS:
                self._seen.clear()
            self._seen[session_id] = (self.clock(), found)
