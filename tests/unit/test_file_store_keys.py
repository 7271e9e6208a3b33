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


def test_only_transient_objects_skip_the_fsyncs(tmp_path, monkeypatch):
    import os

    from storytime.core.records import SPEECH_PARTS, speech_part_prefix, text_key

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    store = FileObjectStore(tmp_path / "objects", transient_prefixes=(SPEECH_PARTS,))
    part = f"{speech_part_prefix('a' * 64, 0)}task.mp3"
    store.put(part, b"mp3", "audio/mpeg")
    assert synced == [] and store.get(part) == b"mp3"
    assert [p.name for p in store.path(part).parent.iterdir()] == ["0000-task.mp3"]  # renamed into place
    store.put(text_key("a" * 64), b"words", "text/plain")
    assert len(synced) == 2 and store.get(text_key("a" * 64)) == b"words"  # the file, then its folder


def test_the_runtime_fsyncs_all_but_speech_parts_ocr_output_and_text(tmp_path, monkeypatch):
    # The upload, the MP3 and its timings are what records and answers point at for good; speech
    # parts, OCR output and text are made again when lost (LoadProgress checks OCR output and text
    # first), and the text is made durable with the page's last write (persist).
    import os

    from storytime.core.records import audio_key, image_key, ocr_key, speech_part_prefix, text_key, timings_key
    from storytime.local.runtime import TRANSIENT

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    store = FileObjectStore(tmp_path / "objects", transient_prefixes=TRANSIENT)
    page = "b" * 64
    for key in (f"{speech_part_prefix(page, 0)}t.mp3", ocr_key(page), text_key(page)):
        store.put(key, b"{}", "application/json")
    assert synced == []
    for n, key in enumerate((image_key(page, "png"), audio_key(page), timings_key(page)), 1):
        store.put(key, b"{}", "application/octet-stream")
        assert len(synced) == 2 * n, key
    synced.clear()
    store.persist([text_key(page), audio_key(page)])
    assert len(synced) == 2  # the text and its folder; the MP3 was durable already
    with pytest.raises(StoredDataMissing):
        store.persist([text_key("c" * 64)])
