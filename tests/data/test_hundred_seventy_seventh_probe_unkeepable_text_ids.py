"""Text ids no file can hold (a NUL character, a lone surrogate) are refused where the ids
are first read, naming the row and the id; they were built, then refused (or read back as
another id) when a model was saved, or came out as arrow's UnicodeEncodeError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize("users", [
    ["u", "a\x00"],                      # a list: numpy's fixed-width text made it 'a'
    ("u", "a\x00"),
    [b"u", b"a\x00"],                    # bytes are UTF-8 text
    np.array(["u", "a\x00"], dtype=object),
    pd.Series(["u", "a\x00"]),
])
def test_a_trailing_nul_in_an_id_column_is_refused_by_row(users):
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(users, ["x", "y"])
    message = str(caught.value)
    assert "column 'user_id'" in message
    assert "position 1 is 'a\\x00'" in message
    assert "NUL character" in message


@pytest.mark.parametrize("item", ["y\x00z", "\x00y"])
def test_a_nul_inside_an_item_id_is_refused(item):
    with pytest.raises(DataFormatError, match=r"column 'item_id'.*position 2 is "):
        Interactions.from_arrays(["u", "v", "w"], ["x", "y", item])


def test_a_frame_of_ids_with_a_nul_is_refused():
    frame = pd.DataFrame({"user_id": ["u", "v", "a\x00"], "item_id": ["x", "y", "z"]})
    with pytest.raises(DataFormatError, match=r"position 2 is 'a\\x00'"):
        Interactions.from_frame(frame, value_col=None)


def test_a_lone_surrogate_is_refused_not_a_unicode_encode_error():
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(["u", "a\ud800b"], ["x", "y"])
    message = str(caught.value)
    assert "column 'user_id'" in message and "position 1" in message
    assert "lone surrogate ('\\ud800')" in message


@pytest.mark.parametrize("ids, at", [(["b", "a\x00"], 1), ([7, "a\x00"], 1),
                                     (["a\udcff", "b"], 0)])
def test_an_id_map_refuses_them_by_position(ids, at):
    with pytest.raises(DataFormatError, match=rf"external ids: the value at position {at} "):
        IdMap(ids)
    with pytest.raises(DataFormatError, match=rf"ids: the value at position {at} "):
        IdMap.encode(ids)


def test_a_lookup_of_a_lone_surrogate_finds_nothing():
    text_ids = IdMap(["a", "b"])
    assert text_ids.to_index(["b", "a\ud800", " a"], missing="ignore").tolist() == [1, -1, 0]
    integer_ids = IdMap([1, 2])
    assert integer_ids.to_index(["2", "x\ud800"], missing="ignore").tolist() == [1, -1]


def test_a_parquet_id_with_a_nul_names_its_row(tmp_path):
    path = tmp_path / "log.parquet"
    pd.DataFrame({"user_id": ["u", "a\x00"], "item_id": ["x", "y"]}).to_parquet(path)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert "column 'user_id'" in message and "row 2" in message
    assert "found 'a\\x00'" in message and "\x00" not in message


def test_other_control_characters_still_round_trip_through_a_saved_model(tmp_path):
    from recstack.models import MostPopular, load_model

    users = ["a\nb", "a\x01", "c\tc", "d\x7f"]
    data = Interactions.from_arrays(users, ["x", "y", "z", "x"])
    MostPopular().fit(data).save(tmp_path / "m")
    assert sorted(load_model(tmp_path / "m").users_.external_ids.tolist()) == sorted(users)
