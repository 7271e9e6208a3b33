"""Archived histories: compact (gzip) and pruned after the retention period."""

import gzip
import json
import os

from storytime.local.history import prune, read_archive


def test_archives_older_than_the_cutoff_are_pruned(tmp_path):
    old, fresh = tmp_path / "a-1.json.gz", tmp_path / "b-1.json.gz"
    for path in (old, fresh):
        path.write_bytes(gzip.compress(b'{"events": []}'))
    os.utime(old, (1_000, 1_000))
    os.utime(fresh, (5_000, 5_000))
    assert prune(tmp_path, cutoff=2_000) == 1
    assert not old.exists() and fresh.exists()
    assert prune(tmp_path, cutoff=2_000) == 0


def test_archives_read_compressed_and_from_older_plain_folders(tmp_path):
    doc = {"executionArn": "arn", "status": "SUCCEEDED", "events": [{"id": 1}]}
    (tmp_path / "x.json.gz").write_bytes(gzip.compress(json.dumps(doc).encode()))
    (tmp_path / "y.json").write_text(json.dumps(doc))
    assert read_archive(tmp_path / "x.json.gz") == doc == read_archive(tmp_path / "y.json")
