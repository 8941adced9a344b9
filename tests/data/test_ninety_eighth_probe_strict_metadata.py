"""Ninety-eighth bad-input probe, JSON the data layer reads back: the column roles that
``save_table`` records in a Parquet file's metadata, and the marker ``recstack data fetch``
leaves in a verified download. Both were read with plain ``json.loads``, so a key written
twice (an edit by hand, another tool's merge) silently kept the last one, and a bare NaN
was taken as a number, where every other JSON recstack reads refuses both
(:mod:`recstack.strict_json`). The roles are now "damaged" (rewrite the file); a marker so
written is not a verified fetch (fetched again, as any damaged marker is)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from recstack.data.fetch import _MARKER, _is_verified
from recstack.data.files import ROLES_KEY, load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def _saved(tmp_path, document_text):
    data = Interactions.from_arrays([1, 2], [3, 4], [4.0, 5.0], rating_range=(1, 5))
    path = save_table(data, tmp_path / "log.parquet")
    table = pq.read_table(path)
    metadata = dict(table.schema.metadata)
    metadata[ROLES_KEY] = document_text.encode()
    pq.write_table(table.replace_schema_metadata(metadata), path)
    return path


def _roles(**changes):
    document = {"version": 1, "user": "user_id", "item": "item_id", "value": "value",
                "timestamp": None, "value_kind": "explicit", "rating_range": [1.0, 5.0],
                "timestamp_unit": None}
    document.update(changes)
    return json.dumps(document)


def test_intact_roles_still_read(tmp_path):
    assert load_table(_saved(tmp_path, _roles())).rating_range == (1.0, 5.0)


@pytest.mark.parametrize("text", [
    # the item column named twice: the last one won without a word
    _roles()[:-1] + ', "item": "value"}',
    # a rating range with NaN, which no JSON writer emits
    _roles().replace("[1.0, 5.0]", "[NaN, 5.0]"),
    _roles().replace('"version": 1', '"version": Infinity'),
])
def test_roles_with_a_repeated_key_or_a_bare_constant_are_damage(tmp_path, text):
    path = _saved(tmp_path, text)
    with pytest.raises(DataFormatError, match="its recstack metadata .* is damaged") as error:
        load_table(path)
    assert str(path) in str(error.value)


def _marker(tmp_path, text):
    target = tmp_path / "ml-100k"
    target.mkdir()
    (target / _MARKER).write_text(text, encoding="utf-8")
    return target


def test_an_intact_marker_is_a_verified_fetch(tmp_path):
    target = _marker(tmp_path, json.dumps({"sha256": "ab" * 32}))
    assert _is_verified(target, "ab" * 32)


@pytest.mark.parametrize("text", [
    # the digest given twice: the matching one, last, was believed
    json.dumps({"sha256": "cd" * 32})[:-1] + ', "sha256": "' + "ab" * 32 + '"}',
    '{"sha256": NaN}',
])
def test_a_marker_with_a_repeated_key_or_a_bare_constant_is_not_verified(tmp_path, text):
    assert not _is_verified(_marker(tmp_path, text), "ab" * 32)
    # nor with no digest to compare: a fetch whose marker is damaged is done again
    assert not _is_verified(tmp_path / "ml-100k", None)
