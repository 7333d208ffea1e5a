"""Finding sentences of one body of text inside another, whatever the case, apostrophes,
punctuation, emoji or spacing: what keeps the evaluation sets and outside benchmarks apart
from the rules (a rule written on a measured sentence makes that measure say nothing)."""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import regex
import yaml

SHINGLE_CHARS = 25  # an evaluation sentence's run of words this long is a copy
# and of at least this many words: a shorter run is a term a word list may hold
# ("association de consommateurs"), not a sentence copied into a rule
SHINGLE_WORDS = 4
ROW_CHARS = 15  # a benchmark row this long (normalised) must not be in the repository
WORD = regex.compile(r"[\p{L}\p{N}]+")
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".jsonl", ".csv", ".md", ".txt", ".j2"}


def normalise(text: str) -> str:
    """Words only, case-folded, one space apart ("C’est" and "c'est" read alike)."""
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def yaml_strings(node: object) -> Iterator[str]:
    """Every string of a loaded YAML document, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from yaml_strings(key)
            yield from yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from yaml_strings(value)


def shingles(
    text: str, size: int = SHINGLE_CHARS, least_words: int = SHINGLE_WORDS
) -> Iterator[str]:
    """From each word on, the shortest run of words at least `size` characters and
    `least_words` words long: any shared run that long contains one of them."""
    words = normalise(text).split()
    for start in range(len(words)):
        for end in range(start + least_words, len(words) + 1):
            run = " ".join(words[start:end])
            if len(run) >= size:
                yield run
                break


def eval_leaks(eval_files: Iterable[Path], rule_files: Iterable[Path]) -> list[str]:
    """Each evaluation text that shares a run of `SHINGLE_CHARS` with a string of the rules,
    as "eval file: text ~ rule file: run"."""
    rules = {
        path: "\n".join(
            f" {normalise(s)} " for s in yaml_strings(yaml.safe_load(path.read_text("utf-8")))
        )
        for path in rule_files
    }
    found = []
    for eval_file in eval_files:
        texts = set(yaml_strings(yaml.safe_load(eval_file.read_text("utf-8"))))
        for text in sorted(texts):
            hit = next(
                (
                    (path, run)
                    for run in shingles(text)
                    for path, c in rules.items()
                    if f" {run} " in c
                ),
                None,
            )
            if hit:
                found.append(f"{eval_file.name}: {text!r} ~ {hit[0].name}: {hit[1]!r}")
    return found


def benchmark_rows(folder: Path) -> Iterator[tuple[str, str]]:
    """(file name, text) of every row of an outside benchmark folder: the `text` field of its
    JSON-lines files and the `text` column of its CSV files."""
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield path.name, str(json.loads(line).get("text", ""))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    yield path.name, row.get("text") or ""


def repository_texts(root: Path, folders: Iterable[str]) -> dict[Path, str]:
    """The normalised text of every text file under `folders` of the repository."""
    return {
        path: f" {normalise(path.read_text('utf-8', errors='replace'))} "
        for folder in folders
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
    }


def benchmark_leaks(rows: Iterable[tuple[str, str]], texts: dict[Path, str]) -> list[str]:
    """Each benchmark row (at least `ROW_CHARS` long, normalised) found in a repository file.
    Rows are first looked up by their opening words in an index of the files' word runs, so
    tens of thousands of rows take seconds, not minutes."""
    index: dict[str, list[Path]] = {}
    for path, text in texts.items():
        words = text.split()
        for size in (2, 3, 4):
            for start in range(len(words) - size + 1):
                index.setdefault(" ".join(words[start : start + size]), []).append(path)
    found = []
    for name, row in rows:
        wanted = normalise(row)
        words = wanted.split()
        if len(wanted) < ROW_CHARS or len(words) < 2:
            continue
        for path in set(index.get(" ".join(words[:4]), ())):
            if f" {wanted} " in texts[path]:
                found.append(f"{name}: {row!r} in {path.name}")
    return found
