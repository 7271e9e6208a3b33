"""The file object store keeps every key inside its folder, without asking the filesystem."""

import pytest
from storytime.errors import StoredDataMissing
from storytime.objects.files import FileObjectStore


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../x", "..", ""])
def test_keys_outside_the_folder_are_refused(tmp_path, key):
    with pytest.raises(StoredDataMissing):
        FileObjectStore(tmp_path / "objects").path(key)


def test_keys_inside_are_plain_paths(tmp_path):
    store = FileObjectStore(tmp_path / "objects")
    assert store.path("a/../b.txt") == (tmp_path / "objects" / "b.txt").resolve()
    store.put("text/x.txt", b"hi", "text/plain")
    assert store.get("text/x.txt") == b"hi"
