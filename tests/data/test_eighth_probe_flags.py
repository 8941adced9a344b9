"""Eighth probe, on/off options of the data loaders given as something other than True or
False: Python reads any non-empty text as true, so ``overwrite="false"`` replaced a
partitioned dataset and ``keep_unseen_items="no"`` kept every unseen item."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.side_table import read_side_table
from recstack.errors import RecstackError

DAY = 86_400
START = 1_577_836_800  # 2020-01-01T00:00:00Z


def _logs(users, items):
    return Interactions.from_arrays(users, items, np.ones(len(users)),
                                    START + DAY * np.arange(len(users)))


@pytest.mark.parametrize("overwrite", ["false", "no", 0, 1, None])
def test_overwrite_given_as_text_leaves_the_dataset_as_it_was(tmp_path, overwrite):
    root = tmp_path / "logs"
    write_partitioned(_logs([1, 2, 3], [4, 5, 6]), root)
    with pytest.raises(RecstackError, match=rf"overwrite must be True or False, got "
                                            rf"{overwrite!r}"):
        write_partitioned(_logs([9], [9]), root, overwrite=overwrite)
    assert len(read_partitioned(root)) == 3  # the three rows first written are all there


def test_overwrite_true_still_replaces(tmp_path):
    root = tmp_path / "logs"
    write_partitioned(_logs([1, 2, 3], [4, 5, 6]), root)
    write_partitioned(_logs([9], [9]), root, overwrite=np.bool_(True))
    assert len(read_partitioned(root)) == 1


def test_keep_unseen_items_given_as_text_is_refused():
    catalogue = pd.DataFrame({"item_id": [5, 6, 7], "title": ["a", "b", "c"]})
    with pytest.raises(RecstackError, match=r"keep_unseen_items must be True or False, "
                                            r"got 'False'"):
        Interactions.from_arrays([1], [5], item_table=catalogue, keep_unseen_items="False")
    # the definition: without unseen items the one rated item is the whole vocabulary
    assert Interactions.from_arrays([1], [5], item_table=catalogue).n_items == 1


def test_load_movielens_refuses_it_before_reading(tmp_path):
    # the folder is not even a MovieLens folder: the option is named first
    with pytest.raises(RecstackError, match=r"keep_unseen_items must be True or False, "
                                            r"got 'no'"):
        load_movielens(tmp_path, keep_unseen_items="no")


def test_key_as_text_given_as_text_is_refused(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n007,a\n8,b\n")
    with pytest.raises(RecstackError, match=r"key_as_text must be True or False, got 'no'"):
        read_side_table(path, key_as_text="no")


def test_to_frame_external_ids_given_as_text_is_refused():
    data = _logs(["u1", "u2"], ["i1", "i2"])
    with pytest.raises(RecstackError, match=r"external_ids must be True or False, got 'no'"):
        data.to_frame(external_ids="no")
    assert data.to_frame(external_ids=False)["user_id"].tolist() == [0, 1]
