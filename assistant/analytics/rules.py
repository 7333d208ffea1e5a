"""The audit's figures and thresholds, from `data/analytics.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "analytics.yaml"


@cache
def analytics_rules() -> dict[str, Any]:
    """Formulas, sample sizes, cadence and link settings, read once."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
