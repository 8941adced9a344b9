"""Hundred-forty-sixth probe, a table file whose whole name is its extension
(``x/.parquet``, ``x/.csv``, ``x/.csv.gz``). pathlib reads such a name as a hidden file
with no extension, so ``save_table`` refused it as of "the extension (none)" (and
``.csv.gz`` as of the extension ``.gz``), and ``load_table`` refused a Parquet file named
``.parquet`` as "not delimited text (expected the extension .parquet; rename the file)".
The name is now read as the extension it is, as ``EvaluationResult.to_json`` reads
``.json``: such a file is written and read back in the format its name says."""

import pandas as pd
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError


def _data():
    return Interactions.from_frame(pd.DataFrame({
        "user_id": ["a", "b"], "item_id": [1, 2], "value": [1.0, 2.0], "timestamp": [5, 6]}))


@pytest.mark.parametrize("name", [".parquet", ".pq", ".csv", ".CSV", ".tsv", ".tab",
                                  ".csv.gz", "..parquet"])
def test_a_name_that_is_all_extension_round_trips(tmp_path, name):
    written = save_table(_data(), tmp_path / name)
    assert written == tmp_path / name and written.is_file()
    back = load_table(written)
    assert back.users.to_external(back.user_index).tolist() == ["a", "b"]
    assert back.items.to_external(back.item_index).tolist() == [1, 2]
    assert back.value.tolist() == [1.0, 2.0]
    assert back.timestamp.tolist() == [5, 6]


def test_the_format_is_the_one_the_name_says(tmp_path):
    save_table(_data(), tmp_path / ".parquet")
    assert (tmp_path / ".parquet").read_bytes()[:4] == b"PAR1"
    save_table(_data(), tmp_path / ".tsv")
    assert (tmp_path / ".tsv").read_text().splitlines()[0].split("\t")[:2] == \
        ['"user_id"', '"item_id"']


@pytest.mark.parametrize(("name", "extension"), [(".txt", ".txt"), (".gz", ".gz")])
def test_a_name_of_another_extension_is_still_refused_naming_it(tmp_path, name, extension):
    with pytest.raises(RecstackError, match=rf"from the extension \{extension};"):
        save_table(_data(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_an_uppercase_compression_is_refused_naming_the_lowercase_name(tmp_path):
    with pytest.raises(RecstackError, match=r"ends in '\.GZ'.*name it \.csv\.gz$"):
        save_table(_data(), tmp_path / ".csv.GZ")
    assert list(tmp_path.iterdir()) == []
