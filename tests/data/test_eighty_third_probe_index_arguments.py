"""Arguments given in the wrong form: external ids where indices belong, and a part of an
adjacency-list split named a letter off."""

import numpy as np
import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError


@pytest.fixture()
def data():
    return Interactions.from_arrays(["a", "b", "b"], [10, 20, 30])


@pytest.mark.parametrize("method, selector", [("for_users", ["a"]), ("for_users", [7]),
                                              ("for_items", [30]), ("for_items", ["10"]),
                                              ("for_users", np.array([True]))])
def test_external_ids_where_indices_belong_are_said_to_be(data, method, selector):
    kind = method.removeprefix("for_").removesuffix("s")
    n = {"user": 2, "item": 3}[kind]
    with pytest.raises(ConfigError, match=rf"^{method}: .*; {method} takes {kind} indices in "
                                          rf"0\.\.{n - 1} or a mask over the {n} {kind}s, not "
                                          rf"external ids \(data\.{kind}s\.to_index\(ids\)"):
        getattr(data, method)(selector)


def test_indices_and_masks_still_select(data):
    assert data.for_users([1]).item_index.tolist() == [1, 2]
    assert data.for_items(np.array([True, False, False])).user_index.tolist() == [0]


@pytest.mark.parametrize("key, meant", [("trian", "train"), ("Test", "test"),
                                        ("val", "valid"), ("validation", "valid")])
def test_a_part_named_a_letter_off_gets_the_part(tmp_path, key, meant):
    (tmp_path / "a.txt").write_text("0 1 2\n")
    (tmp_path / "b.txt").write_text("0 3\n")
    parts = {key: tmp_path / "a.txt", "test" if key != "Test" else "train": tmp_path / "b.txt"}
    with pytest.raises(RecstackError, match=rf"unknown part\(s\) \['{key}'\] \(did you mean "
                                            rf"'{meant}'\?\); the parts are train, valid, test"):
        load_adjacency_splits(parts)
