"""Every file the assistant reads (a post, an inbox export, an analytics export) is refused
the same way when it is missing, a folder or over its size bound: an InputError naming the
path (and the bound), never a traceback."""

from __future__ import annotations

import pytest

import assistant.analytics.imports
import assistant.core.limits
from assistant.analytics import read_export
from assistant.community import comment_files
from assistant.core.errors import InputError
from assistant.core.limits import limits, read_text_file

READERS = {"post": read_text_file, "inbox": comment_files.read_file, "analytics": read_export}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_folder_is_named_not_read(reader, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(InputError, match="is not a file") as caught:
        reader(folder)
    assert caught.value.key == "not_a_file" and str(folder) in str(caught.value)


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_missing_file_is_named(reader, tmp_path):
    missing = tmp_path / "comments.csv"
    with pytest.raises(InputError, match="no such file") as caught:
        reader(missing)
    assert caught.value.key == "no_such_file" and str(missing) in str(caught.value)


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_over_its_bound_is_refused_before_reading(reader, tmp_path, monkeypatch):
    small = limits().model_copy(
        update={"text_file_bytes": 10, "inbox_bytes": 10, "analytics_bytes": 10}
    )
    for module in (assistant.core.limits, comment_files, assistant.analytics.imports):
        monkeypatch.setattr(module, "limits", lambda: small)
    big = tmp_path / "comments.csv"
    big.write_text("network,id,text\nx,1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="may be at most 10 bytes") as caught:
        reader(big)
    assert caught.value.key == "file_too_large" and str(big) in str(caught.value)


def test_a_wrong_bound_in_the_limits_file_is_named(tmp_path, monkeypatch):
    """A misspelt bound, a missing one or one that is not a whole number is refused when the
    file is read, each named, instead of failing later in the middle of a request."""
    wrong = tmp_path / "limits.yaml"
    text = assistant.core.limits.LIMITS_FILE.read_text(encoding="utf-8")
    text = text.replace("brief_chars: 65536", 'brief_chars: "64k"').replace(
        "post_chars", "post_charz"
    )
    wrong.write_text(text, encoding="utf-8")
    monkeypatch.setattr(assistant.core.limits, "LIMITS_FILE", wrong)
    with pytest.raises(InputError) as caught:
        assistant.core.limits.limits.__wrapped__()
    assert caught.value.key == "bad_limits"
    for named in ("brief_chars", "post_chars", "post_charz", str(wrong)):
        assert named in str(caught.value)
