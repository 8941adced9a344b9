import inspect
import re

import pandas as pd
import pytest

from recstack.data.sources import (
    SOURCES,
    DatasetFolder,
    FetchedDataset,
    LoaderOptions,
    SyntheticSource,
    TableFile,
    _load_table_arguments,
    load_source,
    resolve_source,
)
from recstack.errors import ConfigError, DataFormatError
from recstack.specs import fields_of


def test_each_kind_of_source_is_recognised(tmp_path, write_tiny_ml100k):
    (tmp_path / "log.csv").write_text("user_id,item_id\n1,2\n")
    (tmp_path / "synth").mkdir()
    (tmp_path / "synth" / "interactions.parquet").write_bytes(b"")
    assert resolve_source("synthetic") == SyntheticSource("")
    assert resolve_source("synthetic:n_users=500") == SyntheticSource("n_users=500")
    assert resolve_source("movielens-100k") == FetchedDataset("movielens-100k")
    assert resolve_source("log.csv", base=tmp_path) == TableFile(str(tmp_path / "log.csv"))
    assert resolve_source(str(tmp_path / "synth")) == DatasetFolder(str(tmp_path / "synth"))
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    assert resolve_source(str(folder)).kind_name == "movielens"
    assert SOURCES.names() == ["synthetic", "dataset", "movielens", "partitioned",
                               "dataset_folder", "file", "adjacency"]


def test_unknown_sources_say_where_they_were_looked_for(tmp_path):
    with pytest.raises(ConfigError) as error:
        resolve_source("nope.csv", base=tmp_path, where="e.toml: [data] source: ")
    assert str(error.value).startswith(f"e.toml: [data] source: no such file or folder: "
                                       f"'nope.csv' (looked at {tmp_path / 'nope.csv'})")
    with pytest.raises(ConfigError, match="a folder, but neither a MovieLens release, .*"
                                          r"a folder of Parquet part files holding one "
                                          r"table \(part-\*"):
        resolve_source(str(tmp_path))


def test_loader_options_are_refused_where_they_do_not_apply():
    with pytest.raises(ConfigError, match="separator, encoding: loader options apply to CSV"):
        load_source("synthetic", options=LoaderOptions(separator=";", encoding="latin-1"))
    with pytest.raises(ConfigError, match="encoding = 'klingon': not an encoding"):
        LoaderOptions(encoding="klingon")
    with pytest.raises(ConfigError, match="separator = '::': expected one character"):
        LoaderOptions(separator="::")


def test_loader_options_reach_load_table_by_its_own_names():
    from recstack.data.files import load_table

    options = LoaderOptions(user_col="who", separator=";", column_names=["who", "what"],
                            timestamp_unit="ms", timestamp_format="unix")
    arguments = _load_table_arguments(options)
    assert arguments == {"user_col": "who", "separator": ";", "column_names": ["who", "what"],
                         "timestamp_unit": "ms", "timestamp_format": "unix"}
    assert set(arguments) <= set(inspect.signature(load_table).parameters)
    assert set(fields_of(LoaderOptions)) <= set(inspect.signature(load_table).parameters)
    # options not given are left to load_table (and to the file's metadata)
    assert _load_table_arguments(LoaderOptions()) == {}


def test_loader_options_are_checked_before_any_file_is_read():
    with pytest.raises(ConfigError, match="timestamp_format"):
        LoaderOptions(timestamp_format="unix_ms")
    with pytest.raises(ConfigError, match=r"column_names = \['a', 'a'\]: expected distinct"):
        LoaderOptions(column_names=("a", "a"))


def test_a_csv_is_read_with_the_options(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("1|10|4\n2|10|5\n2|11|3\n")
    data = load_source(str(path), options=LoaderOptions(
        separator="|", column_names=("u", "i", "r"), user_col="u", item_col="i",
        value_col="r", rating_range=(1, 5)))
    assert len(data) == 3 and data.n_items == 2 and data.rating_range == (1.0, 5.0)
    assert sorted(data.value.tolist()) == [3.0, 4.0, 5.0]


@pytest.mark.parametrize(("items", "message"), [
    ({"id": [1], "title": ["a"]}, "the item table needs the column(s) 'item_id'"),
    ({"item_id": [1, 1], "title": ["a", "b"]}, "item_id 1 is listed twice (row 1 and row 2)"),
])
def test_a_dataset_folders_item_table_is_checked_naming_it(tmp_path, items, message):
    # an item table without item_id was dropped without a word; a repeated id said no file
    pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2]}).to_parquet(
        tmp_path / "interactions.parquet")
    pd.DataFrame(items).to_parquet(tmp_path / "items.parquet")
    with pytest.raises(DataFormatError, match=re.escape(message)) as error:
        resolve_source(str(tmp_path)).load(LoaderOptions(), None)
    assert str(tmp_path / "items.parquet") in str(error.value)
