"""Transliteration in place of Unidecode (GPL), for what vader_fr asks of it: words and
lexicon entries compared without their accents ("sérieuse" and "serieuse" are one entry,
":Þ" is ":Th"). anyascii (ISC) transliterates as Unidecode does; characters outside the
Basic Multilingual Plane (emoji) become '', as Unidecode has no table for them."""

from anyascii import anyascii


def unidecode(text: str) -> str:
    return "".join("" if ord(char) > 0xFFFF else anyascii(char) for char in text)
