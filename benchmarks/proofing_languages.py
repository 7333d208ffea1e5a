"""Proofing per language, without LanguageTool: the first check (engines load), a re-check of
the same text, and new 300-character posts (median and 90th percentile over 40 posts).

Goal: a new post is checked in ≤ 20 ms per language once the engines are warm.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core.charter import load_brand  # noqa: E402
from assistant.proofing import Checker  # noqa: E402

POSTS = {
    "fr": (
        "maison-lemoine",
        "Nos palets au beurre salé sont de retour en boutique ! Préparés chaque matin à "
        "Pont-Aven avec du beurre AOP et une farine de blé local, ils accompagnent vos goûters "
        "d'hiver. Commandez sur lemoine.example avant dimanche pour une livraison offerte dès "
        "40 € 🍪 #MaisonLemoine @Lemoine, à très vite !",
    ),
    "en": (
        "trailforge",
        "Our new Summit jacket is here! Lighter than ever at 280 g, fully waterproof and ready "
        "for the wettest trails of the season. Pack it into its own pocket, clip it to your "
        "harness and forget it until the clouds roll in. Shop now at trailforge.example and "
        "save 15% this week only 🥾 #HikeMore @trailforge",
    ),
}
GOAL_MS = 20


def _timed(checker: Checker, text: str, lang: str, charter) -> float:
    started = time.perf_counter()
    checker.check(text, lang, charter, "instagram")
    return (time.perf_counter() - started) * 1000


def main(runs: int = 40) -> None:
    checker = Checker(languagetool_url="")
    for lang, (slug, post) in POSTS.items():
        charter = load_brand(slug, ROOT / "brand_guides")
        text = post[:300]
        first = _timed(checker, text, lang, charter)
        same = [_timed(checker, text, lang, charter) for _ in range(runs)]
        words = text.split()
        fresh = sorted(
            _timed(checker, " ".join(words[i % 7 :] + words[: i % 7]) + f" {i}", lang, charter)
            for i in range(runs)
        )
        median = statistics.median(fresh)
        print(
            f"proofing {lang}: first check {first:.0f} ms; re-check {statistics.median(same):.1f} "
            f"ms; new post median {median:.1f} ms, p90 {fresh[int(runs * 0.9)]:.1f} ms "
            f"(goal ≤ {GOAL_MS} ms: {'met' if median <= GOAL_MS else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
