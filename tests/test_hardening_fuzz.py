"""Fuzzing with Hypothesis: arbitrary Unicode up to 1 MB into `check`, `count` and the charter
loader. Each call returns or raises an AssistantError (a message for the user), never another
exception. A hang is caught by the test's timeout; speed figures are in benchmarks/bounds.py."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from assistant.core.charter import load_charter
from assistant.core.errors import AssistantError
from assistant.core.platforms import measure, platform_ids
from assistant.proofing import check_text

pytestmark = pytest.mark.slow

# no shrinking: a slow example shrunk means hundreds more slow calls; the failing example
# is reported as found
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
FUZZ = settings(
    max_examples=25,
    deadline=None,  # no clock: a loaded machine must not fail a fuzz example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=PHASES,
    database=None,
)

# a short arbitrary piece repeated up to a megabyte: Hypothesis draws the piece and the size
texts = st.builds(
    lambda piece, size: (piece * (size // max(1, len(piece)) + 1))[:size],
    st.text(min_size=1, max_size=64),
    st.sampled_from([0, 1, 280, 10_000, 200_000, 200_001, 999_999, 1_000_000, 1_000_001])
    | st.integers(min_value=0, max_value=1_000_000),
) | st.text(max_size=2000)


def returns_or_refuses(call) -> None:
    """The call returns, or raises an AssistantError; anything else fails the example."""
    with contextlib.suppress(AssistantError):
        call()


@FUZZ
@given(text=texts, lang=st.sampled_from(["fr", "en"]), network=st.sampled_from([None, "x"]))
def test_check_never_raises_anything_but_a_user_error(text, lang, network):
    returns_or_refuses(lambda: check_text(text, lang, None, network))


@FUZZ
@given(text=texts, network=st.sampled_from(platform_ids()))
def test_count_never_raises_anything_but_a_user_error(text, network):
    returns_or_refuses(lambda: measure(text, network))


yaml_like = st.text(
    alphabet=st.sampled_from(list("abc: -[]{}&*!|>'\"#\n\t0123456789é🎉\x00\ufeff")), max_size=400
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=PHASES,
    database=None,
)
@given(body=yaml_like | st.binary(max_size=400) | texts.filter(lambda t: len(t) < 400_000))
def test_the_charter_loader_refuses_with_a_charter_error_only(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("charter") / "fuzz.yaml"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8", errors="surrogatepass")
    returns_or_refuses(lambda: load_charter(path))
