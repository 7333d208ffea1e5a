"""Benchmark: the fact comparison of one variant with its brief, warm (patterns compiled, the
brief's facts read once), against its 5 ms goal. Each variant text is new, as after an edit.

Run: `python benchmarks/facts.py` from the project root.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.publishing.fact_comparison import compare  # noqa: E402

GOAL_MS = 5.0
BRIEFS = {
    "fr": (
        "Le samedi 6 décembre, de 10 h à 18 h, Maison Lemoine ouvre son atelier de Pont-Aven. "
        "Profitez de 15 % de réduction avec le code SARRASIN15 jusqu'au 14 décembre, livraison "
        "offerte dès 30 €. Réservez sur https://lemoine.example/atelier ou au 02 98 06 00 00.",
        "Samedi 6 déc., 10h-18h : notre atelier de Pont-Aven vous ouvre ses portes ! -15% avec "
        "le code SARRASIN25 jusqu'au 14/12, livraison offerte dès 30,00 €. Réservation : "
        "lemoine.example/atelier ou +33 2 98 06 00 00. @MaisonLemoine",
    ),
    "en": (
        "Winter trail sale: 20% off all rain jackets until December 10. The Ridge jacket drops "
        "from $159 to $129. Use code TRAIL20 at trailforge.example/sale. Store open Saturday "
        "9am-5pm. Questions? help@trailforge.example or 1-800-555-0199.",
        "Rain jackets are 20 percent off through Dec. 10th! The Ridge: $119 (was $159). Code "
        "TRAIL20 at https://trailforge.example/sale, Saturday 9 a.m. to 5 p.m. 1.2 kg only.",
    ),
}


def bench_facts(runs: int = 300) -> float:
    """Median milliseconds per variant over both languages."""
    timings = []
    for lang, (brief, variant) in BRIEFS.items():
        compare(brief, variant, lang)  # warm: patterns, data, the brief's facts
        for i in range(runs):
            text = f"{variant} {i}"
            started = time.perf_counter()
            compare(brief, text, lang)
            timings.append(time.perf_counter() - started)
    median = statistics.median(timings) * 1000
    verdict = "within" if median <= GOAL_MS else "ABOVE"
    print(
        f"facts: compare one variant with its brief, warm, median {median:.2f} ms "
        f"(goal ≤ {GOAL_MS:.0f} ms: {verdict}); p95 "
        f"{sorted(timings)[int(len(timings) * 0.95)] * 1000:.2f} ms over {len(timings)} variants"
    )
    return median


if __name__ == "__main__":
    bench_facts()
