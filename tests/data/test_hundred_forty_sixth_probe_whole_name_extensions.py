"""Hundred-forty-sixth probe, a table file whose whole name is its extension
(``x/.parquet``, ``x/.csv``, ``x/.csv.gz``). pathlib reads such a name as a hidden file
with no extension, so ``save_table`` refused it as of "the extension (none)" (and
``.csv.gz`` as of the extension ``.gz``), and ``load_table`` refused a Parquet file named
``.parquet`` as "not delimited text (expected the extension .parquet; rename the file)".
The name is now read as the extension it is: such a file is read back in the format its
name says. (Since the three-hundred-fourteenth probe, ``save_table`` refuses to write a
name that is only an extension, a hidden file, as every file writer does
(:func:`recstack.atomic.file_name_problem`), naming the file meant; a name of dots and an
extension, ``..parquet``, is still written in its format.)"""

import pandas as pd
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError


def _data():
    return Interactions.from_frame(pd.DataFrame({
        "user_id": ["a", "b"], "item_id": [1, 2], "value": [1.0, 2.0], "timestamp": [5, 6]}))


def _write(path, fmt):
    """The file as another program writes it (save_table refuses such a name)."""
    frame = pd.DataFrame({"user_id": ["a", "b"], "item_id": [1, 2], "value": [1.0, 2.0],
                          "timestamp": [5, 6]})
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, sep="\t" if fmt == "tab" else ",")
    return path


@pytest.mark.parametrize(("name", "fmt"), [(".parquet", "parquet"), (".pq", "parquet"),
                                           (".csv", "csv"), (".CSV", "csv"), (".tsv", "tab"),
                                           (".tab", "tab"), (".csv.gz", "csv")])
def test_a_name_that_is_all_extension_is_read_in_its_format(tmp_path, name, fmt):
    back = load_table(_write(tmp_path / name, fmt))
    assert back.users.to_external(back.user_index).tolist() == ["a", "b"]
    assert back.items.to_external(back.item_index).tolist() == [1, 2]
    assert back.value.tolist() == [1.0, 2.0]
    assert back.timestamp.tolist() == [5, 6]


@pytest.mark.parametrize("name", [".parquet", ".pq", ".csv", ".CSV", ".tsv", ".tab",
                                  ".csv.gz"])
def test_a_name_that_is_all_extension_is_not_written(tmp_path, name):
    meant = f"interactions{name.lower()}"
    with pytest.raises(RecstackError, match=rf"is only an extension, with no name before it "
                                            rf"\(it would be a hidden file named '\{name}'\); "
                                            rf"give the file's name, e\.g\. .*/{meant}$"):
        save_table(_data(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_name_of_dots_and_an_extension_round_trips(tmp_path):
    written = save_table(_data(), tmp_path / "..parquet")
    assert written == tmp_path / "..parquet" and written.read_bytes()[:4] == b"PAR1"
    back = load_table(written)
    assert back.users.to_external(back.user_index).tolist() == ["a", "b"]
    assert back.timestamp.tolist() == [5, 6]
    save_table(_data(), tmp_path / "..tsv")
    assert (tmp_path / "..tsv").read_text().splitlines()[0].split("\t")[:2] == \
        ['"user_id"', '"item_id"']


@pytest.mark.parametrize(("name", "extension"), [("x.txt", ".txt"), ("x.gz", ".gz")])
def test_a_name_of_another_extension_is_still_refused_naming_it(tmp_path, name, extension):
    with pytest.raises(RecstackError, match=rf"from the extension \{extension};"):
        save_table(_data(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_name_of_only_another_extension_is_pointed_to_a_table_format(tmp_path):
    for name in (".txt", ".gz"):
        with pytest.raises(RecstackError, match=r"e\.g\. .*/interactions\.parquet$"):
            save_table(_data(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_an_uppercase_compression_is_refused_naming_the_lowercase_name(tmp_path):
    with pytest.raises(RecstackError, match=r"ends in '\.GZ'.*name it x\.csv\.gz$"):
        save_table(_data(), tmp_path / "x.csv.GZ")
    with pytest.raises(RecstackError, match=r"e\.g\. .*/interactions\.csv\.gz$"):
        save_table(_data(), tmp_path / ".csv.GZ")
    assert list(tmp_path.iterdir()) == []
