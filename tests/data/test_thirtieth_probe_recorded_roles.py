"""Thirtieth probe, a Parquet file whose recstack metadata (written by ``save_table``)
names a column the file does not have (the metadata hand-edited, or copied onto another
file): ``load_table`` said "no column 'uid' for user ids; the columns are: ...", as if
the user had named 'uid', which they never did. Now the metadata is blamed, with the
option that reads the file anyway."""

import json

import pyarrow.parquet as pq
import pytest

from recstack.data.files import ROLES_KEY, load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def _tampered(tmp_path):
    path = tmp_path / "log.parquet"
    save_table(Interactions.from_arrays([1, 2], [10, 20], [3.0, 4.0], rating_range=(1, 5)),
               path)
    table = pq.read_table(path)
    meta = dict(table.schema.metadata)
    meta[ROLES_KEY] = json.dumps({**json.loads(meta[ROLES_KEY]), "user": "uid"}).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)
    return path


def test_a_recorded_column_the_file_lacks_blames_the_metadata(tmp_path):
    path = _tampered(tmp_path)
    with pytest.raises(DataFormatError, match=rf"^{path}: its recstack metadata records "
                                              r"column 'uid' for the user ids, but the file "
                                              r"has no such column \(its columns: 'user_id', "
                                              r"'item_id', 'value'\) \(expected the metadata "
                                              r"save_table writes: rewrite the file, or name "
                                              r"the column with user_col\)$"):
        load_table(path)


def test_naming_the_column_reads_the_file(tmp_path):
    data = load_table(_tampered(tmp_path), user_col="user_id")
    assert data.users.external_ids.tolist() == [1, 2] and data.value.tolist() == [3.0, 4.0]
