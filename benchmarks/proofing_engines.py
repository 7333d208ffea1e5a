"""Each proofing engine alone on the project's two development files (tests/data/
proofing_eval*.yaml), printed beside the merged pipeline's figures that
tests/test_proofing_eval.py guards: what each engine brings before the merge. An engine that
is not installed is said so. The rules were written while reading these files: the figures
describe development data, not unseen posts (see benchmarks/proofing_bench.py for that)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import proofing  # noqa: E402
from assistant.core.charter import load_brand  # noqa: E402
from assistant.proofing import Checker  # noqa: E402
from tests.test_proofing_eval import SETS, _alarms, _report, _score  # noqa: E402

SINGLE = {
    "fr": ["grammalecte", "hunspell", "confusions"],
    "en": ["hunspell", "harper", "confusions"],
}


def main() -> None:
    charters = {
        "fr": load_brand("maison-lemoine", ROOT / "brand_guides"),
        "en": load_brand("trailforge", ROOT / "brand_guides"),
    }
    for lang, engines in SINGLE.items():
        normal = proofing.ENGINE_ORDER[lang]
        for engine in engines:
            proofing.ENGINE_ORDER[lang] = [engine]
            try:
                checker = Checker(languagetool_url="")
                if engine not in checker.engines:
                    print(f"\n== {engine}: not available")
                    continue
                for set_name, data in SETS.items():
                    mine = [m for m in data["mistakes"] if m["lang"] == lang]
                    clean = [c for c in data["clean"] if c["lang"] == lang]
                    scores, _ = _score(checker, charters, mine)
                    alarms = _alarms(checker, charters, clean)
                    _report(f"{engine} alone, {set_name}", scores, alarms, clean)
            finally:
                proofing.ENGINE_ORDER[lang] = normal


if __name__ == "__main__":
    main()
