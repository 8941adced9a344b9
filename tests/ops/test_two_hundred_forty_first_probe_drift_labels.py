"""Two-hundred-forty-first bad-input probe, the drift measures' ids and genres.

- A Python list of ids mixing numbers and text (``[5, "5"]``), or holding a NaN or bytes
  among text ids, was made all text by numpy: 5 and "5" counted as one id, a NaN as the id
  'nan', and the measures returned a number without a word. Now it is refused, as an
  object array of mixed kinds already was.
- ``genre_weights`` read a genres cell written ``"Action|Comedy"`` (MovieLens' spelling, an
  items CSV's) as one genre named 'Action|Comedy', where the report, the neighbour
  analysis and the text features read two; a genre named twice in one cell counted twice.
- ``genre_mix`` over weights near the float limit summed them to inf: every share was 0
  and the PSI was wrong.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.ops.drift import (
    PSI_FLOOR,
    genre_mix,
    genre_weights,
    new_share,
    popularity_psi,
    psi,
    spearman,
)


@pytest.mark.parametrize("reference", [[1, "1", 2], [np.nan, "a", "b"], ["a", b"a"],
                                       [2.5, "x"]])
@pytest.mark.parametrize("measure", ["psi", "popularity_psi", "new_share", "spearman"])
def test_a_list_of_ids_of_mixed_kinds_is_refused_not_made_text(reference, measure):
    call = {"psi": lambda r, n: psi(r, n, categorical=True), "popularity_psi": popularity_psi,
            "new_share": new_share, "spearman": spearman}[measure]
    new = ["1", "a", "b"]
    with pytest.raises(RecstackError, match=rf"^{measure}: reference must hold ids of one "
                                            r"kind \(numbers or text\)"):
        call(reference, new)
    # the new sample is checked alike
    with pytest.raises(RecstackError, match=rf"^{measure}: new must hold ids of one kind"):
        call(["a", "b"], reference)


def test_lists_of_one_kind_of_text_are_still_read():
    # text ids: a appears in both, c is new: 1 of 2 new rows
    assert new_share(["a", "b"], ["a", "c"]) == 0.5
    assert new_share([b"a", b"b"], [b"a", b"c"]) == 0.5
    # the same categories in the same shares
    assert psi(["x", "y"], ["y", "x"], categorical=True) == 0.0


def _window(genres: list) -> Interactions:
    # items 0..n-1, each interacted with once by its own user
    n = len(genres)
    table = pd.DataFrame({"item_id": np.arange(n), "genres": pd.Series(genres, dtype=object)})
    return Interactions.from_frame(pd.DataFrame({"user_id": np.arange(n),
                                                 "item_id": np.arange(n)}), item_table=table)


def test_a_genres_cell_written_a_pipe_b_is_two_genres():
    # item 0: Action and Comedy share its interaction; item 1: Action; item 2: Drama once
    # although named twice; item 3: empty parts are no genre
    weights = genre_weights(_window(["Action|Comedy", "Action", "Drama|Drama", "|Comedy|"]))
    assert weights == {"Action": 1.5, "Comedy": 1.5, "Drama": 1.0}
    # the same catalog spelt as lists measures no shift against it
    listed = genre_weights(_window([["Action", "Comedy"], ["Action"], ["Drama"], ["Comedy"]]))
    assert genre_mix(weights, listed) == (0.0, 0.0)


def test_genre_weights_near_the_float_limit_give_their_shares():
    # shares 1/2, 1/2 against 1, 0: TV = (1/2 + 1/2) / 2; PSI by the formula, the empty
    # share raised to the floor
    tv, value = genre_mix({"a": 1e308, "b": 1e308}, {"a": 2.0})
    assert tv == 0.5
    expected = (1 - 0.5) * math.log(1 / 0.5) + (PSI_FLOOR - 0.5) * math.log(PSI_FLOOR / 0.5)
    assert value == pytest.approx(expected)
