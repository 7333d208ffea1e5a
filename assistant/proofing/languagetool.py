"""LanguageTool engine: a remote `/v2/check` server, or language-tool-python's local one.

Raw HTTP is used for a remote server (one `httpx.Client` kept for the process) because the
response must be read whole, UTF-16 offsets included; language-tool-python is used for a local
Java server, where it manages the process. language-tool-python is GPL-3.0, so it is an
optional extra (`pip install -e '.[languagetool]'`), never part of the core install.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import httpx

from .engine import EngineUnavailable
from .match import Match

LANGUAGE_CODES = {"fr": "fr", "en": "en-US"}
ISSUE_SEVERITY = {
    "misspelling": "error",
    "grammar": "error",
    "typographical": "info",
    "style": "warning",
    "duplication": "warning",
    "whitespace": "info",
}


def utf16_to_str_index(text: str) -> list[int]:
    """Map each UTF-16 code-unit offset to a `str` index (astral characters take two units)."""
    mapping = []
    for index, char in enumerate(text):
        mapping.append(index)
        if ord(char) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping


def matches_from_response(text: str, response: dict[str, Any]) -> list[Match]:
    """Convert a `/v2/check` JSON response to Matches with Python `str` offsets."""
    units = utf16_to_str_index(text)
    converted = []
    for raw in response.get("matches", []):
        start = units[min(raw["offset"], len(units) - 1)]
        end = units[min(raw["offset"] + raw["length"], len(units) - 1)]
        rule = raw.get("rule", {})
        category = rule.get("category", {})
        issue = rule.get("issueType", "")
        converted.append(
            Match(
                offset=start,
                length=end - start,
                message=raw.get("message", ""),
                short_message=raw.get("shortMessage", ""),
                replacements=tuple(r["value"] for r in raw.get("replacements", [])[:8]),
                rule_id=rule.get("id", "LT"),
                category=category.get("id", "MISC"),
                category_name=category.get("name", ""),
                severity=ISSUE_SEVERITY.get(issue, "warning"),
                source="languagetool",
                url=(rule.get("urls") or [{}])[0].get("value", ""),
                extra={"issueType": issue},
            )
        )
    return converted


class LanguageToolEngine:
    """Talks to a LanguageTool server; the preferred engine whenever one is reachable."""

    name = "languagetool"

    def __init__(self, url: str = "", timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(timeout=timeout) if url else None
        self._local: dict[str, Any] = {}
        self._lock = threading.Lock()

    def suggest(self, word: str, lang: str) -> tuple[str, ...]:
        """None of its own: LanguageTool sends its suggestions with each match."""
        return ()

    def check(self, text: str, lang: str) -> list[Match]:
        if self._client is not None:
            return matches_from_response(text, self._post(text, lang))
        return self._check_local(text, lang)

    def _post(self, text: str, lang: str) -> dict[str, Any]:
        try:
            reply = self._client.post(
                f"{self.url}/v2/check", data={"text": text, "language": LANGUAGE_CODES[lang]}
            )
            reply.raise_for_status()
            return reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise EngineUnavailable(
                f"LanguageTool unreachable at {self.url} ({type(exc).__name__}: {exc})"
            ) from exc

    def _check_local(self, text: str, lang: str) -> list[Match]:
        """language-tool-python's local Java server, when LanguageTool is installed here."""
        with self._lock:
            tool = self._local.get(lang) or self._start_local(lang)
            self._local[lang] = tool
        return [_from_library_match(m, lang) for m in tool.check(text)]

    @staticmethod
    def _start_local(lang: str) -> Any:
        if not local_install_present():
            raise EngineUnavailable(
                "LanguageTool not configured: set LANGUAGETOOL_URL to a LanguageTool server, "
                "or install Java 17+ and LanguageTool (LTP_JAR_DIR_PATH), or allow its "
                "download with ASSISTANT_LANGUAGETOOL_DOWNLOAD=1"
            )
        try:
            import language_tool_python
        except ImportError as exc:
            raise EngineUnavailable(
                "LanguageTool's local server needs language-tool-python (GPL-3.0, optional): "
                "pip install -e '.[languagetool]', or set LANGUAGETOOL_URL to a server"
            ) from exc
        try:
            return language_tool_python.LanguageTool(LANGUAGE_CODES[lang])
        except Exception as exc:
            raise EngineUnavailable(f"LanguageTool local server failed to start: {exc}") from exc


def local_install_present() -> bool:
    """A local LanguageTool needs Java and an unpacked LanguageTool, or the user's consent to
    let language-tool-python download one (`ASSISTANT_LANGUAGETOOL_DOWNLOAD=1`): a check
    must never start a 250 MB download unasked."""
    if not shutil.which("java"):
        return False
    if os.environ.get("ASSISTANT_LANGUAGETOOL_DOWNLOAD") == "1":
        return True
    jar_dir = os.environ.get("LTP_JAR_DIR_PATH")
    cache = Path(os.environ.get("LTP_PATH", Path.home() / ".cache" / "language_tool_python"))
    return bool(jar_dir and Path(jar_dir).is_dir()) or any(cache.glob("LanguageTool-*"))


def _from_library_match(raw: Any, lang: str) -> Match:
    """language-tool-python's Match (already in `str` offsets) to ours."""
    issue = getattr(raw, "rule_issue_type", "") or ""
    return Match(
        offset=raw.offset,
        length=raw.error_length,
        message=raw.message,
        replacements=tuple(raw.replacements[:8]),
        rule_id=raw.rule_id,
        category=raw.category or "MISC",
        severity=ISSUE_SEVERITY.get(issue, "warning"),
        source="languagetool",
        extra={"issueType": issue, "lang": lang},
    )
