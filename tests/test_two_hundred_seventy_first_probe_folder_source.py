"""Two-hundred-seventy-first probe: a dataset folder with an item table.

Loading a folder holding ``interactions.parquet`` and ``items.parquet`` built the data a
second time to attach the item table, so every look-alike or missing-value id the loader
had already named was warned of again, the second time without the file and with rows
counted from 0 ("row 0" for what the first warning called row 1)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data import LookalikeIdWarning, MissingValueIdWarning
from recstack.data.interactions import Interactions
from recstack.data.sources import attach_item_table, load_source
from recstack.errors import DataFormatError


def test_a_folder_source_warns_once_naming_the_file(tmp_path):
    pd.DataFrame({"user_id": ["1.0", "1", "2", "NA"], "item_id": ["a", "b", "a", "b"],
                  "value": [1.0, 2.0, 3.0, 4.0]}).to_parquet(tmp_path / "interactions.parquet")
    pd.DataFrame({"item_id": ["b", "a"], "title": ["B", "A"]}).to_parquet(
        tmp_path / "items.parquet")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_source(tmp_path)
    found = [(w.category, str(w.message)) for w in caught
             if issubclass(w.category, LookalikeIdWarning | MissingValueIdWarning)]
    assert [category for category, _ in found] == [LookalikeIdWarning, MissingValueIdWarning]
    assert all(message.startswith(str(tmp_path / "interactions.parquet"))
               for _, message in found), found
    # four users kept as written, the table aligned to the items in index order (a, b)
    assert data.n_users == 4 and len(data) == 4
    assert data.item_table["item_id"].tolist() == ["a", "b"]
    assert data.item_table["title"].tolist() == ["A", "B"]


def test_attach_item_table_keeps_the_rows_and_refuses_as_from_arrays():
    data = Interactions.from_arrays([1, 1, 2], [7, 7, 8], [5.0, 4.0, 3.0], [10, 20, 30],
                                    rating_range=(1, 5))
    got = attach_item_table(data, pd.DataFrame({"item_id": [8, 7], "t": ["b", "a"]}))
    assert got.value.tolist() == [5.0, 4.0, 3.0] and got.timestamp.tolist() == [10, 20, 30]
    assert got.rating_range == (1, 5)
    assert got.item_table.to_dict("list") == {"item_id": [7, 8], "t": ["a", "b"]}
    with pytest.raises(DataFormatError, match="is item 7 written another way"):
        attach_item_table(data, pd.DataFrame({"item_id": ["07", "8"], "t": [1, 2]}))


def _part(users, items, times, devices=None):
    frame = pd.DataFrame({"user_id": users, "item_id": items, "value": [1.0] * len(users),
                          "timestamp": times})
    if devices is None:
        return Interactions.from_frame(frame)
    return Interactions.from_frame(frame.assign(device=devices), context_cols=["device"])


def test_given_parts_keep_their_context_or_are_refused_naming_each():
    # an experiment's [data] train/test parts read with context = ["device"]: the joined
    # split dropped the context without a word
    from recstack.errors import RecstackError
    from recstack.experiment import combine_parts

    train = _part([1, 1, 2], [7, 8, 7], [1, 2, 3], ["web", "tv", "app"])
    split = combine_parts({"train": train, "test": _part([2], [8], [4], ["tv"])})
    assert split.train.context["device"].tolist() == ["web", "tv", "app"]
    assert split.test.context["device"].tolist() == ["tv"]
    assert split.test.to_frame()[["user_id", "item_id"]].values.tolist() == [[2, 8]]
    with pytest.raises(RecstackError, match=r"^the parts carry different context columns "
                                            r"\(train device, test none\); a split has one"):
        combine_parts({"train": train, "test": _part([2], [8], [4])})
    # parts without context join as before
    assert combine_parts({"train": _part([1, 2], [7, 8], [1, 3]),
                          "test": _part([2], [7], [4])}).train.context is None
