"""HTML bodies from the networks (Mastodon statuses, YouTube comments) read as the text a
person sees, the same way for the inbox and the audit's imports."""

from __future__ import annotations

import pytest

from assistant.core.html import html_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<p>New trail shoes &amp; maps</p>", "New trail shoes & maps"),
        ("<p>First paragraph</p><p>Second one</p>", "First paragraph\n\nSecond one"),
        ("line one<br>line two<br/>", "line one\nline two"),
        ("Before <p>inside</p> after", "Before \n\ninside\n\n after"),
        ('<p><a href="https://x.test/t">#trail</a> <span>ok</span></p>', "#trail ok"),
        ("", ""),
    ],
)
def test_html_body_reads_as_its_plain_text(body, text):
    assert html_text(body) == text
