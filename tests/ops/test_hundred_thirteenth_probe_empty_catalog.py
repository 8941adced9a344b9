"""Hundred-thirteenth bad-input probe: a pipeline's catalog file with a header and no rows.

``[data] items = "items.parquet"`` (or ``users``) holding no rows was read as a catalog of
nothing, so that the quality step took every item of the logs for an unknown one; a
dataset folder's ``items.parquet`` of a header only attached an empty item table. Both are
refused now, naming the file (``read_side_table(..., require_rows=True)``)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, DataFormatError
from recstack.ops.pipeline import run_pipeline

from .scenario import write_pipeline


def test_a_pipeline_items_file_without_rows_is_refused_naming_it(folder):
    pd.DataFrame({"item_id": pd.Series([], dtype="int64"),
                  "genres": pd.Series([], dtype=object)}).to_parquet(folder / "items.parquet")
    write_pipeline(folder)
    with pytest.raises(DataFormatError) as caught:
        run_pipeline(folder / "pipeline.toml")
    message = str(caught.value)
    assert "items.parquet" in message and "[data] items file is empty" in message
    assert "only its header" in message
    assert not (folder / "registry").exists()  # nothing published


def test_a_pipeline_users_file_without_rows_is_refused_naming_it(folder):
    (folder / "users.csv").write_text("user_id,country\n", encoding="utf-8")
    write_pipeline(folder, extra="", name="shop")
    path = folder / "pipeline.toml"
    path.write_text(path.read_text().replace('items = "items.parquet"',
                                             'items = "items.parquet"\nusers = "users.csv"'))
    with pytest.raises(DataFormatError, match=r"users\.csv: the \[data\] users file is "
                                              r"empty: it has no rows, only its header "
                                              r"\(expected one row per user_id\)"):
        run_pipeline(path)


def test_a_dataset_folder_items_file_without_rows_is_refused(tmp_path):
    from recstack.data.sources import load_source

    pd.DataFrame({"user_id": [1, 2], "item_id": [2, 3]}).to_parquet(
        tmp_path / "interactions.parquet")
    pd.DataFrame({"item_id": pd.Series([], dtype="int64")}).to_parquet(
        tmp_path / "items.parquet")
    with pytest.raises(DataFormatError, match="item table is empty: it has no rows"):
        load_source(str(tmp_path))


def test_without_require_rows_an_empty_table_is_the_callers_to_judge(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n")
    assert read_side_table(path).empty
    with pytest.raises(DataFormatError, match="empty"):
        read_side_table(path, require_rows=True)
    with pytest.raises(ConfigError, match="require_rows must be True or False, got 'yes'"):
        read_side_table(path, require_rows="yes")
