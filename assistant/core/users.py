"""The team's accounts: a name, a role (author, reviewer, admin, as the workflow knows them)
and a password kept only as its Argon2id hash, in the store's `users` table, so every
process of the app (and every machine) checks a login against the same rows.

A login cookie names the user and a stamp of their password hash (`stamp`): a new password
or a removed account ends every session made before it, on every process."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import regex
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from .actors import ROLES, Actor
from .errors import InputError, NotFound
from .limits import limits
from .settings import get_settings
from .store import Base, Store, UTCDateTime, now

NAME = regex.compile(r"[\p{L}\p{N}._@-]+")
HASHER = PasswordHasher()  # Argon2id with the library's current defaults (RFC 9106 low-memory)


class User(Base):
    """One account of the app's own login."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


@dataclass(frozen=True)
class Account:
    """A user as the login and the CLI see them (never the hash)."""

    name: str
    role: str
    stamp: str
    created_at: datetime

    def to_dict(self) -> dict[str, object]:
        """The row `assistant users list --format json` prints."""
        return {"name": self.name, "role": self.role, "created_at": self.created_at}


def stamp(password_hash: str) -> str:
    """A short digest of the stored hash: it changes with the password, names nothing."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _account(row: User) -> Account:
    return Account(row.name, row.role, stamp(row.password_hash), row.created_at)


def checked_name(name: str) -> str:
    """A user name as stored: trimmed, 1 to `name_chars` letters, digits and `._@-`."""
    name = (name or "").strip()
    bound = limits().name_chars
    if not name or len(name) > bound or not NAME.fullmatch(name):
        raise InputError.keyed("user_bad_name", name=name, limit=bound)
    return name


def checked_password(password: str) -> str:
    """A password long enough to resist guessing, short enough to hash in bounded time."""
    bounds = limits()
    if len(password) < bounds.password_min_chars:
        raise InputError.keyed(
            "password_short", length=len(password), minimum=bounds.password_min_chars
        )
    if len(password) > bounds.password_max_chars:
        raise InputError.keyed(
            "password_long", length=len(password), maximum=bounds.password_max_chars
        )
    return password


def _row(session: object, name: str) -> User:
    found = session.scalars(select(User).where(User.name == name)).one_or_none()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound.keyed("user_unknown", name=name)
    return found


def add(store: Store, name: str, password: str, role: str = "author") -> Account:
    """A new account; a name taken already is refused (its password is not touched)."""
    name = checked_name(name)
    Actor(name, role)  # an unknown role is refused with the workflow's own words
    password_hash = HASHER.hash(checked_password(password))
    with store.session() as session:
        if session.scalars(select(User.id).where(User.name == name)).first() is not None:
            raise InputError.keyed("user_exists", name=name)
        row = User(name=name, role=role, password_hash=password_hash)
        session.add(row)
        session.commit()
        return _account(row)


def set_password(store: Store, name: str, password: str) -> Account:
    """A new password (every session made with the old one ends)."""
    password_hash = HASHER.hash(checked_password(password))
    with store.session() as session:
        row = _row(session, name)
        row.password_hash, row.updated_at = password_hash, now()
        session.commit()
        return _account(row)


def set_role(store: Store, name: str, role: str) -> Account:
    """Another role for an account; it applies to their next action."""
    Actor(name, role)
    with store.session() as session:
        row = _row(session, name)
        row.role, row.updated_at = role, now()
        session.commit()
        return _account(row)


def remove(store: Store, name: str) -> None:
    """Delete an account; its sessions end. What they did stays under their name."""
    with store.session() as session:
        session.delete(_row(session, name))
        session.commit()


def listed(store: Store) -> list[Account]:
    """Every account, by name."""
    with store.session() as session:
        return [_account(r) for r in session.scalars(select(User).order_by(User.name))]


def find(store: Store, name: str) -> Account | None:
    """The account named `name`, or None."""
    with store.session() as session:
        row = session.scalars(select(User).where(User.name == name)).one_or_none()
        return _account(row) if row is not None else None


def existing(store: Store, name: str) -> Account:
    """The account named `name`; an unknown name is a NotFound naming it."""
    with store.session() as session:
        return _account(_row(session, name))


def verify(store: Store, name: str, password: str) -> Account | None:
    """The account when `password` is theirs, else None. An unknown name costs one hash as
    a known one does, so the answer's time does not tell which names exist."""
    with store.session() as session:
        row = session.scalars(select(User).where(User.name == name)).one_or_none()
        stored = row.password_hash if row is not None else None
        account = _account(row) if row is not None else None
    if len(password) > limits().password_max_chars:
        return None
    try:
        HASHER.verify(stored or _decoy(), password)
    except (VerificationError, InvalidHashError):
        return None
    return account


@cache
def _decoy() -> str:
    return HASHER.hash("a password nobody has")


def plain_accounts() -> dict[str, tuple[str, str]]:
    """`ASSISTANT_AUTH`'s accounts, for a one-person trial: 'alice:secret:reviewer,bob:pw'
    -> {name: (password, role)}; the role defaults to author."""
    found = {}
    for entry in filter(None, (e.strip() for e in get_settings().auth.split(","))):
        name, password, *role = entry.split(":")
        found[name] = (password, role[0] if role and role[0] in ROLES else "author")
    return found
