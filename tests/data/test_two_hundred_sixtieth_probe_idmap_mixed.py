"""Two-hundred-sixtieth probe: ``IdMap([1, "a"])`` kept the int 1 beside the text "a"
while ``IdMap.encode`` (and every loader) reads a column mixing integers and text as text,
so the two constructors gave different maps of the same ids. Both make them text now."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.idmap import IdMap


@pytest.mark.parametrize("ids", [[1, "a"], np.array([1, "a"], dtype=object),
                                 pd.Index([1, "a"], dtype=object), (np.int32(1), "a")])
def test_integers_among_text_are_text_in_both_constructors(ids):
    built = IdMap(ids)
    encoded, codes = IdMap.encode(ids)
    assert built.external_ids.tolist() == ["1", "a"]
    assert all(isinstance(v, str) for v in built.external_ids.tolist())
    assert encoded.external_ids.tolist() == ["1", "a"]
    assert codes.tolist() == [0, 1]
    assert built == encoded
    # the integer 1 is still found, as the text "1"
    assert built.to_index([1, "1", "a"]).tolist() == [0, 0, 1]


def test_lookalike_ids_keep_their_order_and_are_both_text():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LookalikeIdWarning)
        built = IdMap([1, "01"])
        encoded, codes = IdMap.encode([1, "01"])
    assert built.external_ids.tolist() == ["1", "01"]  # the order given
    assert encoded.external_ids.tolist() == ["01", "1"]  # sorted
    assert codes.tolist() == [1, 0]
    assert built.to_index(["01", 1]).tolist() == [1, 0]


def test_plain_integers_and_plain_text_are_kept_as_they_are():
    assert IdMap([3, 1, 2]).external_ids.tolist() == [3, 1, 2]
    assert IdMap([3, 1, 2]).external_ids.dtype.kind == "i"
    assert IdMap(["b", "a"]).external_ids.tolist() == ["b", "a"]
    assert IdMap([]).external_ids.tolist() == []
