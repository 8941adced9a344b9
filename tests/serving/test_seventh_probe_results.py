"""Seventh bad-input probe of ``publish --results``: a results.json saved with a
byte-order mark, a folder where the file belongs, and entries of the wrong kind."""

from __future__ import annotations

import json

import pytest

from recstack.errors import RecstackError
from recstack.serving.commands import evaluation_of

ENTRY = {"model": "als", "ndcg@10": 0.25}


def test_a_results_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "results.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"models": [ENTRY]}).encode())
    # before: "not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) ...)"
    assert evaluation_of(path, "als") == ENTRY


def test_a_folder_where_results_json_belongs_is_named(tmp_path):
    (tmp_path / "results.json").mkdir()
    # before: IsADirectoryError traceback
    with pytest.raises(RecstackError,
                       match=r"results.json: is a folder, not a file; give an evaluation"):
        evaluation_of(tmp_path, "als")


def test_entries_whose_model_is_no_label_are_skipped(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"models": [{"model": ["als"]}, ENTRY]}))
    # before: TypeError "unhashable type: 'list'"
    assert evaluation_of(path, "als") == ENTRY
    path.write_text(json.dumps({"models": {"als": ENTRY}}))
    with pytest.raises(RecstackError,
                       match=r"'models' must be a non-empty list of model results$"):
        evaluation_of(path, "als")
