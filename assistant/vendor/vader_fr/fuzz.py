"""fuzzywuzzy's `fuzz.ratio` (GPL) as vader_fr used it: without python-Levenshtein it is
difflib's SequenceMatcher ratio as a rounded percentage, 0 when either side is empty and 100
when both are equal. Rewritten on the standard library so the scores stay the same."""

from difflib import SequenceMatcher


def ratio(first: str, second: str) -> int:
    if not first or not second:
        return 0
    if first == second:
        return 100
    return round(100 * SequenceMatcher(None, first, second).ratio())
