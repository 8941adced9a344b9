"""Errors of the service's re-ranking chain name the items file they concern: "items
file: item_id repeats" named neither the file nor the rows, and a re-ranker that could not
be fitted from the item table did not say which file to fix."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.serving.rerank import fit_chain, read_item_table


@pytest.fixture
def items(tmp_path, popular):
    ids = [str(i) for i in popular.items_.external_ids.tolist()]
    path = tmp_path / "items.csv"
    path.write_text("item_id,genres\n" + "".join(f"{i},A|B\n" for i in ids[:5]))
    return path, ids


def test_a_repeated_id_names_the_file_and_the_rows(items, popular):
    path, ids = items
    table = read_item_table(path)
    table.iloc[2, 0] = table.iloc[0, 0]  # as two ids that read to one text would
    with pytest.raises(ConfigError, match=rf"the items file {path}: item_id '{ids[0]}' is "
                                          r"listed twice \(rows 1 and 3\)"):
        fit_chain([{"type": "mmr", "features": "column"}], popular, table)


def test_a_repeated_id_of_a_frame_given_in_python_names_the_rows(popular):
    ids = [str(i) for i in popular.items_.external_ids.tolist()]
    table = pd.DataFrame({"item_id": [ids[1], ids[0], ids[1]], "genres": ["a", "b", "c"]})
    with pytest.raises(ConfigError, match=rf"the item table: item_id '{ids[1]}' is listed "
                                          r"twice \(rows 1 and 3\)"):
        fit_chain([{"type": "mmr", "features": "column"}], popular, table)


@pytest.mark.parametrize("table", [pd.DataFrame(), [1, 2], "items.csv"])
def test_an_item_table_that_is_not_one_is_refused(popular, table):
    with pytest.raises(ConfigError, match=r"the item table: expected a table with the item "
                                          r"ids in its first column"):
        fit_chain([{"type": "mmr", "features": "column"}], popular, table)


def test_a_reranker_missing_a_column_names_the_items_file(items, popular):
    path, _ = items
    with pytest.raises(ConfigError, match=r"no column 'brand'.*; the item table is the items "
                                          rf"file {path}$"):
        fit_chain([{"type": "calibrated", "column": "brand"}], popular, read_item_table(path))


def test_a_reranker_without_an_item_table_says_no_items_file_was_given(popular):
    with pytest.raises(ConfigError, match=r"cannot be fitted from the served version .*"
                                          r"; the settings give no items_file$"):
        fit_chain([{"type": "mmr", "features": "column"}], popular, None)
