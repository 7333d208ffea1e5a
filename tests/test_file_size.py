"""Every file the assistant reads (a post, an inbox export, an analytics export) is refused
the same way when it is missing or a folder: an InputError naming the path, never a
traceback."""

from __future__ import annotations

import pytest

from assistant import inbox
from assistant.analytics import read_export
from assistant.errors import InputError
from assistant.limits import read_text_file

READERS = {"post": read_text_file, "inbox": inbox.read_file, "analytics": read_export}


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
