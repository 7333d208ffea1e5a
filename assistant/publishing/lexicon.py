"""A brand's lexicon: words its charter accepts as correctly spelt (`vocabulary.accepted`).

A reviewer who meets a product name or a regional word flagged by the checker adds it here
once, for every post of the brand. The charter is a file people write by hand, so it is
edited round-trip (ruamel.yaml keeps comments, key order and quoting), the result is
validated with the charter loader before it replaces the file (atomically), and each
addition is appended to `<slug>.lexicon.jsonl` beside the charter: the record travels with the
charter (same folder, same backups, same version control) and needs no database change.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import regex
import yaml as reader_yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..core.actors import REVIEW_ROLES, Actor
from ..core.charter import Charter, load_brand, load_charter
from ..core.errors import CharterError, InputError, WorkflowError
from ..core.limits import clean_text, limits
from ..core.rows import get_or_404, latest_version
from ..core.settings import get_settings
from ..core.store import Store, VariantRow
from .review import snapshot


@dataclass(frozen=True)
class LexiconChange:
    """One addition to a brand's accepted words, as recorded in the log."""

    brand: str
    word: str
    actor: str
    at: str
    added: bool


# One word as a brand writes it: letters, digits, and the joiners of compound names.
WORD = regex.compile(r"^[\p{L}\p{N}][\p{L}\p{M}\p{N}'’&.\-]*$")


def accept_word(slug: str, word: str, actor: str, brand_dir: str | Path) -> LexiconChange:
    """Add `word` to the brand's accepted words; `added` is False if it was already there."""
    word = valid_word(word)
    actor = clean_text(actor.strip(), "the name", limits().name_chars) or "unknown"
    charter = load_brand(slug, brand_dir)
    path = Path(charter.source)
    with _locked(path):
        charter = load_charter(path, brand_dir)
        already = any(w.casefold() == word.casefold() for w in charter.vocabulary.accepted)
        if not already:
            _write_validated(path, _with_word(path, word), brand_dir)
        change = LexiconChange(slug, word, actor, _now(), not already)
        if change.added:
            _record(path, change)
    return change


def accept_in_variant(store: Store, variant_id: int, word: str, actor: Actor) -> LexiconChange:
    """A reviewer accepts a word flagged in a variant: the word joins the brand's lexicon, and
    the variant's latest checks are run again, so the match is gone for everyone looking at
    it and no longer blocks its approval. Authors cannot: the lexicon speaks for the brand."""
    if actor.role not in REVIEW_ROLES:
        raise WorkflowError(
            f"{actor.name} is an {actor.role}: only reviewers add words to a brand's lexicon.",
            key="lexicon_reviewers_only",
            name=actor.name,
        )
    with store.session() as session:
        brand = get_or_404(session, VariantRow, variant_id).brief.campaign.brand
    change = accept_word(brand, word, actor.name, get_settings().brand_dir)
    recheck(store, variant_id)
    return change


def recheck(store: Store, variant_id: int) -> None:
    """Check the variant's latest text again with the charter as it is now; its stored
    checks are replaced (no new version: the text did not change)."""
    with store.session() as session:
        row = get_or_404(session, VariantRow, variant_id)
        version = latest_version(session, row.id)
        charter = load_brand(row.brief.campaign.brand, get_settings().brand_dir)
        brief = row.brief
        version.matches = snapshot(version.text, charter, row.platform, brief.language, brief.text)
        session.commit()


def valid_word(word: str) -> str:
    """The word, trimmed; refused if empty, too long, made of several words or odd characters."""
    word = clean_text(word.strip(), "the word", limits().name_chars)
    if not word:
        raise InputError("the word is empty: give the word to accept.", key="empty_word")
    if regex.search(r"\s", word):
        raise InputError(
            f"“{word}” holds a space: accept one word at a time.", key="word_has_space", word=word
        )
    if not WORD.match(word):
        raise InputError(
            f"“{word}” is not a word: use letters, digits, hyphens or apostrophes.",
            key="not_a_word",
            word=word,
        )
    return word


def history(charter: Charter) -> list[LexiconChange]:
    """The additions recorded for a brand, oldest first."""
    log = _log_path(Path(charter.source))
    if not log.is_file():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return [LexiconChange(**json.loads(line)) for line in lines if line.strip()]


def _yaml() -> YAML:
    """Round-trip YAML with the layout of the bundled charters (lists indented under keys)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _with_word(path: Path, word: str) -> str:
    yaml = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise CharterError(path.name, "", f"YAML syntax error: {exc}.") from None
    vocabulary = data.get("vocabulary")
    if vocabulary is None:
        vocabulary = data["vocabulary"] = CommentedMap()
    accepted = vocabulary.get("accepted")
    if accepted is None:
        accepted = vocabulary["accepted"] = CommentedSeq()
        accepted.fa.set_flow_style()
    accepted.append(word if _read_back_as_written(word) else DoubleQuotedScalarString(word))
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _read_back_as_written(word: str) -> bool:
    """Whether the charter loader (PyYAML, YAML 1.1) reads the plain word back as that very
    string. ruamel.yaml writes YAML 1.2, where yes, no, on and off are strings and go out
    unquoted; YAML 1.1 reads them as booleans (and 1.5 or 2024-05-01 as a number or a date),
    so such a word is written quoted."""
    try:
        return reader_yaml.safe_load(word) == word
    except reader_yaml.YAMLError:
        return False


def _write_validated(path: Path, text: str, brand_dir: str | Path) -> None:
    """Write beside the charter, validate that file with the loader, then replace atomically.
    A refusal names the charter, never the temporary file beside it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            load_charter(temporary, brand_dir)
        except CharterError as exc:
            raise CharterError(path.name, exc.field, exc.problem, exc.fix, exc.wordings) from None
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _log_path(charter_path: Path) -> Path:
    return charter_path.with_name(f"{charter_path.stem}.lexicon.jsonl")


def _record(charter_path: Path, change: LexiconChange) -> None:
    with _log_path(charter_path).open("a", encoding="utf-8") as log:
        log.write(json.dumps(asdict(change), ensure_ascii=False) + "\n")


class _locked:
    """An exclusive lock on the brand's lexicon log (never replaced, unlike the charter), so
    two reviewers adding words at once lose neither."""

    def __init__(self, charter_path: Path) -> None:
        self.path = _log_path(charter_path)

    def __enter__(self) -> None:
        self.file = self.path.open("a")
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
