"""Fact lock against the real test model: a fact-heavy brief drafted for every network through
llama.cpp's OpenAI-compatible server; each variant that changed or invented a fact says so."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.charter import load_brand
from assistant.core.platforms import platform_ids
from assistant.publishing.fact_comparison import compare

from .conftest import ROOT, use_llama_server

BRIEF = (
    "Le samedi 6 décembre, de 10 h à 18 h, Maison Lemoine ouvre son atelier de Pont-Aven. "
    "Profitez de 15 % de réduction avec le code SARRASIN15 jusqu'au 14 décembre, livraison "
    "offerte dès 30 €. Réservez sur https://lemoine.example/atelier ou au 02 98 06 00 00."
)


# four networks, short and long (the model answers one call at a time: ten took over 300 s on
# a busy machine); the timeout is a hang guard only
NETWORKS = ["x", "bluesky", "linkedin", "instagram"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_every_variant_that_changes_a_fact_is_reported(llama_server, monkeypatch):
    use_llama_server(monkeypatch, llama_server)
    networks = NETWORKS
    assert set(networks) <= set(platform_ids())
    arguments = ["draft", "--provider", "openai", "--brand", "maison-lemoine", "--format", "json"]
    result = CliRunner().invoke(app, [*arguments, "--platforms", ",".join(networks), BRIEF])
    variants = json.loads(result.stdout)
    assert sorted(v["platform"] for v in variants) == sorted(networks), result.output
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    allowed, required = charter.own_phrases, set(charter.facts.must_keep)
    kept_all = reported = 0
    for v in variants:
        if v["status"] == "error":
            continue
        findings = compare(BRIEF, v["text"], "fr", allowed=allowed)
        assert v["facts"] == [f.to_dict() for f in findings]
        wrong = [
            f
            for f in findings
            if f.status in ("changed", "invented") or (f.status == "missing" and f.kind in required)
        ]
        lines = [line for line in v["violations"] if line.startswith("fact ")]
        assert len(lines) == len(wrong), (v["platform"], lines, wrong)
        for f in wrong:
            print(f"{v['platform']}: {f.status} {f.kind} {f.value!r} -> {f.found!r}")
        reported += bool(wrong)
        kept_all += all(f.status == "kept" for f in findings)
    done = sum(v["status"] != "error" for v in variants)
    print(
        f"\ntest model: {kept_all}/{done} variants kept every fact of the brief; "
        f"{reported} reported a changed or invented fact"
    )
    # a tiny model's broken reply is an error variant, never a post; most replies are usable
    assert done * 2 >= len(variants), [v["error"] for v in variants]
