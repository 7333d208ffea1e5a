"""The words a Hunspell dictionary accepts, spelled out: each stem of the `.dic` with the
prefixes and suffixes its flags allow in the `.aff` (one level, as Hunspell's own `unmunch`).

Hunspell only answers "is this a word?"; finding the nearest words needs the list itself, and
no library spells a dictionary out (spylls and chunspell check, they do not enumerate). A form
or two that needs a second affix level is missing from the list: those are still accepted by
the spell check, only not offered as a suggestion by the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DIC_ENTRY = re.compile(r"((?:[^/\\\s]|\\.)+)(?:/(\S*))?")
SKIPPED_FLAGS = ("FORBIDDENWORD", "ONLYINCOMPOUND")


@dataclass
class _Affix:
    cross: bool
    rules: list[tuple[str, str, re.Pattern | None]] = field(default_factory=list)


@dataclass
class _Affixes:
    flag_kind: str = "char"
    suffixes: dict[str, _Affix] = field(default_factory=dict)
    prefixes: dict[str, _Affix] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)

    def flags(self, text: str) -> set[str]:
        """A flag field as a set: one character each, two ("long"), or numbers ("num")."""
        if not text:
            return set()
        if self.flag_kind == "long":
            return {text[i : i + 2] for i in range(0, len(text), 2)}
        if self.flag_kind == "num":
            return set(text.split(","))
        return set(text)


def _read_affixes(aff: Path) -> _Affixes:
    found = _Affixes()
    for line in aff.read_text(encoding="utf-8", errors="replace").splitlines():
        part = line.split()
        if not part:
            continue
        if part[0] == "FLAG" and len(part) > 1:
            found.flag_kind = part[1].lower()
        elif part[0] in ("NEEDAFFIX", *SKIPPED_FLAGS) and len(part) > 1:
            found.special[part[0]] = part[1]
        elif part[0] in ("SFX", "PFX") and len(part) >= 4:
            table = found.suffixes if part[0] == "SFX" else found.prefixes
            is_header = part[2] in ("Y", "N") and part[3].isdigit() and part[1] not in table
            if is_header:
                table[part[1]] = _Affix(cross=part[2] == "Y")
            elif len(part) >= 5 and part[1] in table:
                strip = "" if part[2] == "0" else part[2]
                add = part[3].split("/")[0]
                add = "" if add == "0" else add
                condition = part[4]
                pattern = None
                if condition != ".":
                    anchored = condition + "$" if part[0] == "SFX" else "^" + condition
                    pattern = re.compile(anchored)
                table[part[1]].rules.append((strip, add, pattern))
    return found


def word_forms(aff: Path, dic: Path) -> set[str]:
    """Every word of the dictionary with its affixed forms (elided forms such as "l'ami" are
    left to the caller: they are a prefix and a word)."""
    affixes = _read_affixes(aff)
    need_affix = affixes.special.get("NEEDAFFIX")
    skipped = {affixes.special[k] for k in SKIPPED_FLAGS if k in affixes.special}
    words: set[str] = set()
    lines = dic.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    for line in lines:
        entry = DIC_ENTRY.match(line.split("\t")[0].strip())
        if entry is None:
            continue
        stem = entry.group(1).replace("\\/", "/")
        flags = affixes.flags(entry.group(2) or "")
        if flags & skipped:
            continue
        if need_affix not in flags:
            words.add(stem)
        suffixed = _apply(affixes.suffixes, flags, [stem], suffix=True)
        words.update(w for w, _ in suffixed)
        crossing = [stem, *(w for w, cross in suffixed if cross)]
        words.update(w for w, _ in _apply(affixes.prefixes, flags, crossing, suffix=False))
    return {w for w in words if w}


def _apply(
    table: dict[str, _Affix], flags: set[str], bases: list[str], suffix: bool
) -> list[tuple[str, bool]]:
    """The forms the affixes named by `flags` make of each base, with whether they cross."""
    made = []
    for flag in flags:
        affix = table.get(flag)
        if affix is None:
            continue
        for base in bases:
            for strip, add, pattern in affix.rules:
                if pattern is not None and not pattern.search(base):
                    continue
                if suffix and base.endswith(strip):
                    made.append((base[: len(base) - len(strip)] + add, affix.cross))
                elif not suffix and base.startswith(strip):
                    made.append((add + base[len(strip) :], affix.cross))
    return made
