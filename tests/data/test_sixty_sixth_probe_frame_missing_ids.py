"""Sixty-sixth bad-input probe: text ids spelled as other tools write a missing value
(``NA``, ``null``, ``nan``...) given to :meth:`Interactions.from_frame` or
:meth:`~Interactions.from_arrays` were kept without a word, while every file loader warns
of them (:class:`~recstack.data.MissingValueIdWarning`). Now the two agree: warned
once, naming the column and the first row, and kept as text ids."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import MissingValueIdWarning, load_table
from recstack.data.interactions import Interactions


@pytest.mark.parametrize("spelling", ["NA", "nan", "null", "None", "#N/A", " NULL "])
def test_from_arrays_warns_of_an_id_spelled_as_missing(spelling):
    with pytest.warns(MissingValueIdWarning, match=r"column 'user_id'.*row 1 holds"):
        data = Interactions.from_arrays(["a", spelling], ["x", "y"])
    assert sorted(data.users.external_ids.tolist()) == sorted(["a", spelling.strip()])


def test_from_frame_warns_once_naming_the_frame_column():
    frame = pd.DataFrame({"who": ["u1", "u2", "u3"], "item_id": ["x", "n/a", "y"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = Interactions.from_frame(frame, user_col="who")
    found = [w for w in caught if issubclass(w.category, MissingValueIdWarning)]
    assert len(found) == 1
    assert "column 'item_id'" in str(found[0].message)
    assert "'n/a'" in str(found[0].message) and "row 1" in str(found[0].message)
    assert sorted(data.items.external_ids.tolist()) == ["n/a", "x", "y"]


def test_numpy_text_and_object_columns_warn_alike():
    for ids in (np.array(["a", "nan"]), np.array(["a", "nan"], dtype=object)):
        with pytest.warns(MissingValueIdWarning):
            Interactions.from_arrays(ids, [1, 2])


def test_ordinary_ids_give_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Interactions.from_arrays(["nana", "NAB", "a"], [1, 2, 3])
        Interactions.from_arrays([1, 2], [3, 4])


def test_a_file_loader_still_warns_once_with_its_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\na,x\nNA,y\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_table(path)
    found = [w for w in caught if issubclass(w.category, MissingValueIdWarning)]
    assert len(found) == 1 and "line 3" in str(found[0].message)
