"""Transliteration in place of Unidecode (GPL), for what vader_fr asks of it: words and
lexicon entries compared without their accents ("sérieuse" and "serieuse" are one entry,
":Þ" is ":Th"). anyascii (ISC) transliterates as Unidecode does; characters outside the
Basic Multilingual Plane (emoji) become '', as Unidecode has no table for them.

vader_fr folds every word of every comment, several times: ASCII text is returned as it is
(anyascii leaves it unchanged) and the other words are kept once folded."""

from functools import lru_cache

from anyascii import anyascii


def unidecode(text: str) -> str:
    return text if text.isascii() else _folded(text)


@lru_cache(maxsize=100_000)
def _folded(text: str) -> str:
    return "".join("" if ord(char) > 0xFFFF else anyascii(char) for char in text)
