"""What is wrong with published posts, found by the checks that already guard new drafts:
spelling and grammar (the proofing engines), the charter's rules (forbidden terms,
substitutions, address form, hashtags, legal mention) and the network's (length, hashtag
caps, links that are not clickable). Each distinct text is checked once per network and
language: exports repeat texts (threads, re-shares, recurring formats)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import regex

from ..core.charter import Charter
from ..core.language import SUPPORTED, detect
from ..core.platforms import get_platform
from ..proofing import Checker, Match
from ..proofing.brand import brand_matches
from ..proofing.network import network_matches
from .post import Post
from .words import Worded

X_ATTACHMENT = regex.compile(r"\s*https://t\.co/\w+\s*$")
X_REPLY_NAMES = regex.compile(r"^(?:@\w+\s+)+")
KINDS = ("spelling", "grammar", "charter", "network", "link", "cadence")
SEVERITIES = ("error", "warning", "info")
EXCERPT = 40
OTHER_LANGUAGE_CONFIDENCE = 0.99  # short posts mislead the model: only a sure call counts


@dataclass(frozen=True)
class Finding:
    """One problem of one post (or of a network's cadence, without a post id)."""

    network: str
    post_id: str
    kind: str
    severity: str
    message: str
    rule: str = ""
    excerpt: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=65536)
def post_language(text: str, default: str) -> str:
    """fr, en, or another language's code (then only the charter's and network's rules
    apply: a French dictionary would flag every word of a Vietnamese post)."""
    if len(text.split()) < 3:
        return default
    found, probability = _any_language().classify(text[:2000])
    if found not in SUPPORTED and probability >= OTHER_LANGUAGE_CONFIDENCE:
        return found
    return detect(text, default)


@lru_cache(maxsize=1)
def _any_language() -> Any:
    """py3langid over all its languages (the assistant's own detector knows only fr/en)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def kind_of(match: Match) -> str:
    if match.source == "brand":
        return "charter"
    if match.source == "platform":
        return "network"
    if match.extra.get("type") == "spelling" or match.category in ("TYPOS", "SPELLING"):
        return "spelling"
    return "grammar"


def _excerpt(text: str, match: Match) -> str:
    if match.length == 0:
        return ""
    return text[match.offset : match.offset + min(match.length, EXCERPT)]


def checked_text(post: Post) -> str:
    """The text as the network counted it. X's exports end a post that carries a photo or a
    quote with that attachment's t.co link, and begin a reply with the names it answers:
    X counts neither in the 280 characters."""
    if post.network == "x":
        return X_REPLY_NAMES.sub("", X_ATTACHMENT.sub("", post.text))
    return post.text


class AuditChecker(Checker):
    """The proofing checker without spelling suggestions: an audit lists the mistakes, the
    Draft tab proposes the fixes, and a suggestion costs up to 80 ms a word (most of an
    audit's time on a real export)."""

    def _suggested(self, found: list[Match], lang: str) -> list[Match]:
        return found


_audit_checker: AuditChecker | None = None


def audit_checker() -> AuditChecker:
    """The process's audit checker, engines loaded once."""
    global _audit_checker
    if _audit_checker is None:
        _audit_checker = AuditChecker()
    return _audit_checker


class PostAuditor:
    """Checks posts against one charter, remembering each (text, network) already seen."""

    def __init__(self, charter: Charter | None, checker: Checker | None = None) -> None:
        self.charter = charter
        self.checker = checker or audit_checker()
        self.default_language = charter.language if charter else "fr"
        self._seen: dict[tuple[str, str], tuple[tuple[Match, ...], str]] = {}
        self.other_languages: dict[str, int] = {}

    def matches(self, text: str, network: str) -> tuple[tuple[Match, ...], str]:
        """The problems of one text on one network, and the language it was read in."""
        key = (text, network)
        if key not in self._seen:
            lang = post_language(text, self.default_language)
            profile = get_platform(network)
            if lang in SUPPORTED:
                found = tuple(self.checker.check(text, lang, self.charter, profile).matches)
            else:
                rules_lang = self.default_language
                found = tuple(network_matches(text, rules_lang, profile, self.charter))
                if self.charter is not None:
                    found += tuple(brand_matches(text, rules_lang, self.charter, network))
            self._seen[key] = (found, lang)
        return self._seen[key]

    def audit(self, post: Post) -> list[Finding]:
        """The errors and warnings of one post (hints are left to the Draft tab)."""
        if not post.text.strip():
            return []
        text = checked_text(post)
        found, lang = self.matches(text, post.network)
        if lang not in SUPPORTED:
            self.other_languages[lang] = self.other_languages.get(lang, 0) + 1
        return [
            Finding(
                post.network,
                post.post_id,
                kind_of(m),
                m.severity,
                Worded(m.message, m.messages),
                m.rule_id,
                _excerpt(text, m),
            )
            for m in found
            if m.severity != "info"
        ]


def audit_posts(
    posts: Iterable[Post],
    charter: Charter | None,
    checker: Checker | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Finding], dict[str, int]]:
    """Findings of every post, and the posts per language left unproofread (language code
    -> count). `progress(n)` is called after each post."""
    auditor = PostAuditor(charter, checker)
    findings: list[Finding] = []
    for index, post in enumerate(posts, 1):
        findings += auditor.audit(post)
        if progress is not None:
            progress(index)
    return findings, dict(auditor.other_languages)
