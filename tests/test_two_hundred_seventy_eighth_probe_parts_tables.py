"""Two-hundred-seventy-eighth probe: the item and user tables of an experiment's parts.

An experiment whose ``[data]`` gives ``train``/``test`` parts (dataset folders holding
``items.parquet``, or parts built in Python with item and user tables) joined them into one
split without their tables: titles, genres and user features were dropped without a word,
so content models and the report's item views saw none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.experiment import combine_parts, load_split


def _part(users, items, item_table=None, user_table=None):
    return Interactions.from_arrays(np.array(users), np.array(items),
                                    np.ones(len(users), np.float32),
                                    item_table=item_table, user_table=user_table)


def test_combined_parts_keep_their_tables_and_refuse_where_they_disagree():
    items = pd.DataFrame({"item_id": [9, 8, 7], "title": ["C", "B", "A"],
                          "genres": [["x"], ["y", "z"], []]})
    users = pd.DataFrame({"user_id": [1, 2], "age": [30, 40]})
    # train: user 1 saw 7, user 2 saw 8; test: user 1 on 8 (item 9 is in no part's rows,
    # so its table row is dropped with it, as from_arrays drops rows of unknown ids)
    split = combine_parts({"train": _part([1, 2], [7, 8], items, users),
                           "test": _part([1], [8], items, users)})
    assert split.train.item_table.values.tolist() == [[7, "A", []], [8, "B", ["y", "z"]]]
    assert split.test.item_table["title"].tolist() == ["A", "B"]
    assert split.train.user_table.values.tolist() == [[1, 30], [2, 40]]
    # a part without a table (or without a row for an id) adds nothing: the other's rows
    split = combine_parts({"train": _part([1, 2], [7, 8]),
                           "test": _part([1], [8], items[items.item_id == 8])})
    assert split.train.item_table["title"].tolist() == [None, "B"]
    assert split.train.user_table is None
    split = combine_parts({"train": _part([1, 2], [7, 8], items[items.item_id == 7]),
                           "test": _part([1], [8], items[items.item_id == 8])})
    assert split.train.item_table["title"].tolist() == ["A", "B"]
    # one id described two ways: refused naming the id, the column and both parts
    renamed = items.assign(title=["C", "Bee", "A"])
    with pytest.raises(RecstackError, match=r"^the parts' item tables disagree: item 8 has "
                                            r"title 'B' in train but 'Bee' in test; a split "
                                            r"has one item table"):
        combine_parts({"train": _part([1, 2], [7, 8], items), "test": _part([1], [8], renamed)})
    with pytest.raises(RecstackError, match=r"^the parts' user tables disagree: user 1 has age "
                                            r"30 in train but 31 in test"):
        combine_parts({"train": _part([1, 2], [7, 8], user_table=users),
                       "test": _part([1], [8], user_table=users.assign(age=[31, 40]))})
    with pytest.raises(RecstackError, match=r"^the parts' item tables have different columns "
                                            r"\(train: title, genres; test: title\)"):
        combine_parts({"train": _part([1, 2], [7, 8], items),
                       "test": _part([1], [8], items[["item_id", "title"]])})


def test_an_experiment_of_folder_parts_keeps_the_item_table(tmp_path):
    for name, users, items in (("train", [1, 2], [7, 8]), ("test", [1], [8])):
        folder = tmp_path / name
        folder.mkdir()
        pd.DataFrame({"user_id": users, "item_id": items,
                      "value": [1.0] * len(users)}).to_parquet(folder / "interactions.parquet")
        pd.DataFrame({"item_id": [8, 7], "title": ["B", "A"]}).to_parquet(
            folder / "items.parquet")
    from recstack.config import parse_experiment

    experiment = parse_experiment({"data": {"train": str(tmp_path / "train"),
                                            "test": str(tmp_path / "test")},
                                   "models": [{"type": "most_popular"}]}, source="x.toml")
    split = load_split(experiment)
    assert split.train.item_table.values.tolist() == [[7, "A"], [8, "B"]]
    assert split.test.to_frame()[["user_id", "item_id"]].values.tolist() == [[1, 8]]
