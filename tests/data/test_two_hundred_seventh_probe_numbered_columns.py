"""A frame whose columns are named by numbers (``pd.read_csv(..., header=None)``):
``user_col="0"`` was told "no column '0' ...; the columns are: 0, 1", as if the column were
there; the default names were told the same without a word on numbering; and
``context_cols=[2]`` was refused as "not a list of names" though ``user_col=0`` found its
column. ``context_cols=None`` (or a number) was a TypeError traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, UnknownColumnError


def _numbered() -> pd.DataFrame:
    return pd.DataFrame({0: ["u1", "u2"], 1: ["i1", "i2"], 2: ["phone", "web"]})


@pytest.mark.parametrize("option", ["user_col", "item_col", "value_col", "timestamp_col"])
def test_a_number_given_as_text_is_named_with_its_type(option: str) -> None:
    given = {"user_col": 0, "item_col": 1, option: "2" if option in (
        "value_col", "timestamp_col") else {"user_col": "0", "item_col": "1"}[option]}
    column = given[option]
    with pytest.raises(UnknownColumnError) as caught:
        Interactions.from_frame(_numbered(), **given)
    assert str(caught.value).endswith(
        f"the column {column} is named by the int {column}, not the text '{column}': "
        f"give {column}")


def test_text_given_as_a_number_is_named_with_its_type() -> None:
    frame = pd.DataFrame({"0": [1, 2], "1": [3, 4]})
    with pytest.raises(UnknownColumnError, match="the column '0' is named by the text '0', "
                                                 "not the int 0: give '0'"):
        Interactions.from_frame(frame, user_col=0, item_col=1)


def test_default_names_on_a_numbered_frame_say_how_to_name_them() -> None:
    with pytest.raises(UnknownColumnError, match=r"no column 'user_id' for user ids; the "
                       r"columns are: 0, 1, 2; the frame's columns are numbered, as pandas "
                       r"names them when a file is read without a header \(header=None\): "
                       r"name each column by its number \(e.g. user_col=0, item_col=1\)"):
        Interactions.from_frame(_numbered())


def test_a_misspelt_text_name_keeps_its_nearest_name() -> None:
    frame = pd.DataFrame({"user_id": [1], "item_id": [2]})
    with pytest.raises(UnknownColumnError, match=r"\(did you mean 'user_id'\?\)$"):
        Interactions.from_frame(frame, user_col="userid")


def test_numbered_context_columns_are_taken() -> None:
    data = Interactions.from_frame(_numbered(), user_col=0, item_col=1, context_cols=[2])
    assert data.context is not None
    assert list(data.context.columns) == [2]
    assert data.context[2].tolist() == ["phone", "web"]
    with pytest.raises(UnknownColumnError, match="the column 2 is named by the int 2, not "
                                                 "the text '2': give 2"):
        Interactions.from_frame(_numbered(), user_col=0, item_col=1, context_cols=["2"])


def test_context_cols_none_is_no_context_and_a_number_is_refused() -> None:
    frame = pd.DataFrame({"user_id": [1], "item_id": [2], "device": ["web"]})
    assert Interactions.from_frame(frame, context_cols=None).context is None
    with pytest.raises(ConfigError, match=r"context_cols must be a list of names such as "
                                          r"\['device'\], not 5"):
        Interactions.from_frame(frame, context_cols=5)
    # a number that is no column of the frame is still no name
    with pytest.raises(ConfigError, match=r"context_cols must be a list of non-empty names, "
                                          r"got \[3\]"):
        Interactions.from_frame(frame, context_cols=[3])
