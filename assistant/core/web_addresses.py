"""Web addresses in a text, found by twitter-text's extractor (the networks' own rules) in
time that grows with the text, not with its worst run of dots.

twitter-text's domain pattern nests repeated groups: on a run of dotted labels
("a.a.a.a…", "1.2.3.4…", "ab.c-ab.c-…") Python's regex engine backtracks through every
split of the run, about n³ in its length: 800 characters take seconds, 4,000 minutes, and
any text a person types or pastes reaches it (the live count, the checks, the fact lock). No
host name holds more than a handful of labels (`MAX_LABELS`), so a longer run is not an
address: it is kept from the extractor, which reads the text around it piece by piece.
"""

from __future__ import annotations

from typing import Any

import regex

# a host name with more labels than this is not something a post links to (the longest in
# common use, cloud hosts like ec2-1-2-3-4.eu-west-1.compute.amazonaws.com, have five or six)
MAX_LABELS = 10
LONG_RUN = regex.compile(r"[\w-]++(?:\.[\w-]++){" + str(MAX_LABELS) + r",}+")


def url_matches(text: str) -> list[dict[str, Any]]:
    """twitter-text's `extract_urls_with_indices` of `text` (each `url` and its
    `indices`), leaving out the runs of more than MAX_LABELS dotted labels."""
    from twitter_text.extract_urls import extract_urls_with_indices

    found, at = [], 0
    for run in [*LONG_RUN.finditer(text), None]:
        end = run.start() if run else len(text)
        for match in extract_urls_with_indices(text[at:end]):
            start, stop = match["indices"]
            found.append({"url": match["url"], "indices": [start + at, stop + at]})
        if run:
            at = run.end()
    return found


def has_long_run(text: str) -> bool:
    """Whether the text holds a run twitter-text's own parser must not be given."""
    return LONG_RUN.search(text) is not None
