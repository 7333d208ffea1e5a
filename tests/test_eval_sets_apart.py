"""The measures stay apart from what they measure: no sentence of the project's evaluation
sets is copied into the rules and word lists, and, when an outside benchmark folder is given
(`ASSISTANT_BENCH_DATA`, as CI does), no row of it is in the repository's rules, word lists,
examples or tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .conftest import DATA, ROOT
from .leaks import benchmark_leaks, benchmark_rows, eval_leaks, repository_texts

EVAL_FILES = sorted(DATA.glob("*eval*.yaml"))
RULE_FILES = sorted((ROOT / "assistant" / "data").rglob("*.yaml"))
CHECKED = ("assistant", "brand_guides", "prompts", "tests", "benchmarks")
BENCH_ENV = "ASSISTANT_BENCH_DATA"


def test_the_evaluation_sets_are_all_read():
    names = {p.name for p in EVAL_FILES}
    assert {"proofing_eval.yaml", "proofing_eval_dev2.yaml", "replies_eval.yaml"} <= names
    assert "confusions.yaml" in {p.name for p in RULE_FILES}


def test_no_sentence_of_an_evaluation_set_is_in_the_rules():
    assert eval_leaks(EVAL_FILES, RULE_FILES) == []


def test_a_copied_sentence_is_found_whatever_its_case_apostrophes_and_spacing(tmp_path):
    sets = tmp_path / "proofing_eval.yaml"
    sets.write_text(
        "mistakes:\n"
        '  - {text: "C\'est la saison ou les galettes sortent du four 🔥", word: ou}\n'
        '  - {text: "Un tout autre message, sans rapport avec la règle.", word: tout}\n',
        encoding="utf-8",
    )
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        '- examples:\n    wrong: ["C’EST LA  saison ou les galettes sortent."]\n',
        encoding="utf-8",
    )
    (leak,) = eval_leaks([sets], [rules])
    assert "saison ou les galettes" in leak and "rules.yaml" in leak
    rules.write_text('- examples: ["La saison des galettes commence."]\n', encoding="utf-8")
    assert eval_leaks([sets], [rules]) == []


def test_a_benchmark_row_copied_into_the_repository_is_found(tmp_path):
    """The check that runs on the outside benchmarks, on a made-up one: one row is a rule's
    example written with other quotes and case, one is not in the repository."""
    bench = tmp_path / "bench"
    bench.mkdir()
    rows = [
        {"text": "NOS PALETS SON fabriqués dans l’atelier de Pont-Aven.", "kind": "incorrect"},
        {"text": "Une phrase écrite pour ce seul test, nulle part ailleurs.", "kind": "correct"},
    ]
    (bench / "fr.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (bench / "comments.csv").write_text("id,text\n1,Rien à signaler ici non plus.\n", "utf-8")
    (tmp_path / "repo").mkdir()
    rules = tmp_path / "repo" / "rules.yaml"
    rules.write_text('wrong: ["Nos palets son fabriqués dans l\'atelier de Pont-Aven."]\n')
    found = benchmark_leaks(benchmark_rows(bench), repository_texts(tmp_path, ["repo"]))
    assert found == [f"fr.jsonl: {rows[0]['text']!r} in rules.yaml"]


if os.environ.get(BENCH_ENV):  # the outside data are not in the repository: CI gives them

    def test_no_row_of_an_outside_benchmark_is_in_the_repository():
        folder = Path(os.environ[BENCH_ENV])
        rows = list(benchmark_rows(folder))
        assert len(rows) > 0, f"no benchmark rows under {folder}"
        assert benchmark_leaks(rows, repository_texts(ROOT, CHECKED)) == []
