from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions, concat
from recstack.errors import ConfigError, DataFormatError, RecstackError, UnknownColumnError


@pytest.fixture
def small() -> Interactions:
    # user "u2" rated item 30 twice; times are not sorted
    return Interactions.from_arrays(
        ["u1", "u2", "u2", "u1", "u2"], [10, 30, 20, 30, 30], [4, 2, 5, 3, 5],
        [100, 50, 300, 200, 400], rating_range=(1.0, 5.0))


def test_dtypes_and_vocabularies(small):
    assert small.user_index.dtype == np.int32 and small.item_index.dtype == np.int32
    assert small.value.dtype == np.float32 and small.timestamp.dtype == np.int64
    assert small.users.external_ids.tolist() == ["u1", "u2"]
    assert small.items.external_ids.tolist() == [10, 20, 30]
    assert small.shape == (2, 3) and len(small) == 5
    # u2 rated item 30 twice: four distinct pairs of six cells
    assert small.density == pytest.approx(4 / 6)


def test_arrays_are_read_only(small):
    with pytest.raises(ValueError):
        small.value[0] = 1.0


def test_to_csr_sums_repeated_pairs(small):
    dense = small.to_csr().toarray()
    np.testing.assert_array_equal(dense, [[4, 0, 3], [0, 5, 7]])
    assert isinstance(small.to_csr(), sp.csr_matrix)


def test_frame_round_trip(small):
    frame = small.to_frame()
    assert list(frame.columns) == ["user_id", "item_id", "value", "timestamp"]
    back = Interactions.from_frame(frame, rating_range=(1.0, 5.0))
    pd.testing.assert_frame_equal(back.to_frame(), frame)


def test_from_frame_refuses_one_string_for_the_context_columns():
    frame = pd.DataFrame({"user_id": [1], "item_id": [2], "device": ["phone"]})
    with pytest.raises(RecstackError, match="context_cols must be a list of names such as "
                                            r"\['device'\], not 'device'"):
        Interactions.from_frame(frame, context_cols="device")
    data = Interactions.from_frame(frame, context_cols=["device"])
    assert data.context["device"].tolist() == ["phone"]


def test_from_frame_with_mapping_and_unknown_column():
    frame = pd.DataFrame({"who": [1, 2], "what": ["a", "b"], "stars": [3.0, 4.0]})
    data = Interactions.from_frame(frame, user_col="who", item_col="what", value_col="stars")
    assert data.value.tolist() == [3.0, 4.0] and data.timestamp is None
    with pytest.raises(UnknownColumnError) as error:
        Interactions.from_frame(frame, user_col="user")
    assert "'user'" in str(error.value) and "'who', 'what', 'stars'" in str(error.value)


@pytest.mark.parametrize(("policy", "expected"), [
    ("sum", {("u2", 30): 7.0}),
    ("max", {("u2", 30): 5.0}),
    ("mean", {("u2", 30): 3.5}),
    ("last", {("u2", 30): 5.0}),   # the row at t=400
    ("first", {("u2", 30): 2.0}),  # the row at t=50
])
def test_duplicate_policies(small, policy, expected):
    # 'sum' adds up counts: on ratings (small's rating_range) it is refused, so it takes
    # the same values as implicit counts
    data = replace(small, rating_range=None) if policy == "sum" else small
    frame = data.deduplicate(policy).to_frame()
    assert len(frame) == 4
    values = {(u, i): v for u, i, v in zip(frame.user_id, frame.item_id, frame.value, strict=True)}
    for pair, value in expected.items():
        assert values[pair] == value
    assert values[("u1", 10)] == 4.0


def test_combined_duplicates_keep_latest_timestamp(small):
    for data, policy in ((replace(small, rating_range=None), "sum"), (small, "mean")):
        frame = data.deduplicate(policy).to_frame()
        pair = (frame.user_id == "u2") & (frame.item_id == 30)
        assert frame.loc[pair, "timestamp"].item() == 400, policy


def test_duplicate_error_policy_names_a_pair(small):
    with pytest.raises(RecstackError, match="duplicate.*'u2'.*30"):
        small.deduplicate("error")
    with pytest.raises(RecstackError, match=r"user 'u2' and item 30 in rows \d+ and \d+"
                       ) as error:  # plain ids, not np.int64(30)
        small.deduplicate("error")
    assert "np." not in str(error.value)
    with pytest.raises(RecstackError, match="unknown duplicate policy"):
        small.deduplicate("median")


def test_implicit_view(small):
    positives = small.implicit(threshold=4)
    assert len(positives) == 3 and set(positives.value.tolist()) == {1.0}
    assert not positives.is_explicit and small.is_explicit
    weighted = small.implicit(alpha=2.0)
    np.testing.assert_allclose(weighted.value, 1 + 2.0 * small.value)
    # float32 weights of inf would make every model fitted on them NaN
    with pytest.raises(ConfigError, match=r"alpha = 1e\+300 makes weights up to .* beyond "
                                          r"float32's range"):
        small.implicit(alpha=1e300)


def test_slices_share_vocabularies_and_views(small):
    by_time = small.sort_by_time()
    window = by_time.between(100, 350)
    assert window.timestamp.tolist() == [100, 200, 300]
    assert np.shares_memory(window.value, by_time.value)  # contiguous: a view, not a copy
    assert window.users is small.users and window.items is small.items
    assert sorted(small.between(100, 350).timestamp.tolist()) == [100, 200, 300]  # a mask
    assert small.for_users([0]).users.external_ids.tolist() == ["u1", "u2"]
    assert set(small.for_users([0]).user_index.tolist()) == {0}
    assert set(small.for_items(np.array([False, True, False])).item_index.tolist()) == {1}


def test_compact_renumbers_and_keeps_tables():
    table = pd.DataFrame({"item_id": [1, 2, 3], "title": ["A", "B", "C"]})
    data = Interactions.from_arrays([0, 0, 1], [1, 2, 3], item_table=table)
    only_b_c = data.for_items([1, 2]).compact()
    assert only_b_c.items.external_ids.tolist() == [2, 3]
    assert only_b_c.item_table.title.tolist() == ["B", "C"]
    assert only_b_c.item_index.tolist() == [0, 1]


def test_item_table_aligned_and_unseen_items_kept_on_request():
    table = pd.DataFrame({"item_id": [9, 1, 5], "title": ["nine", "one", "five"]})
    data = Interactions.from_arrays([0, 1], [5, 1], item_table=table)
    assert data.item_table.item_id.tolist() == [1, 5]
    assert data.item_table.title.tolist() == ["one", "five"]
    catalog = Interactions.from_arrays([0, 1], [5, 1], item_table=table, keep_unseen_items=True)
    assert catalog.n_items == 3 and catalog.item_counts().tolist() == [1, 1, 0]
    assert catalog.item_table.title.tolist() == ["one", "five", "nine"]


def test_non_finite_values_are_refused():
    with pytest.raises(DataFormatError, match="row 1"):
        Interactions.from_arrays([1, 2], [1, 2], [1.0, np.nan])


def test_concat_requires_shared_vocabularies(small):
    halves = concat([small.select(slice(0, 2)), small.select(slice(2, None))])
    np.testing.assert_array_equal(halves.value, small.value)
    other = Interactions.from_arrays([1], [1])
    with pytest.raises(RecstackError, match="share"):
        concat([small, other])


def test_idmap_lookup():
    ids = IdMap(["x", "y", "z"])
    assert ids.to_index(["z", "x"]).tolist() == [2, 0]
    assert ids.to_index(["q"], missing="ignore").tolist() == [-1]
    with pytest.raises(RecstackError, match="1 unknown id "):
        ids.to_index(["q"])
    assert ids.to_external([1]).tolist() == ["y"]
    numeric = IdMap([10, 20])
    assert numeric.to_index(["20"]).tolist() == [1]
    with pytest.raises(RecstackError, match="unique"):
        IdMap([1, 1])


def test_idmap_finds_the_same_ids_whatever_the_container():
    numeric = IdMap([1, 2, 3])
    for ids in (["1", "2"], np.array(["1", "2"]), np.array(["1", "2"], dtype=object),
                pd.Series([" 1", "2 "]), np.array([b"1", b"2"]), np.array([1, "2"], dtype=object)):
        assert numeric.to_index(ids).tolist() == [0, 1], ids
    # only text that spells an integer plainly is that integer (the loaders' rule)
    assert numeric.to_index(["007", "1.0", "3"], missing="ignore").tolist() == [-1, -1, 2]
    text = IdMap(["7", "a"])
    assert text.to_index([7, " a"]).tolist() == [0, 1]
    assert text.to_index(np.array([7])).tolist() == [0]


def test_idmap_unknown_ids_name_what_they_are_examples_and_the_id_type():
    with pytest.raises(RecstackError) as caught:
        IdMap([1, 2, 3]).to_index(np.array(["9", "x", "9", "4", "5", "6", "7", "8"],
                                           dtype=object), what="user ids")
    message = str(caught.value)
    assert "8 unknown user ids" in message and "['9', 'x', '4', '5', '6']" in message
    assert "this map has 3 user ids, which are integers" in message
    with pytest.raises(RecstackError, match=r"1 unknown id .*\['q'\].* which is text"):
        IdMap(["x"]).to_index(["q"])


def test_text_ids_are_trimmed_by_from_arrays_and_from_frame_as_by_the_loaders():
    data = Interactions.from_arrays([" a", "b "], ["x", " y"],
                                    item_table=pd.DataFrame({"item_id": ["y ", "x"],
                                                             "title": ["Y", "X"]}))
    assert data.users.external_ids.tolist() == ["a", "b"]
    assert data.item_table.to_dict("list") == {"item_id": ["x", "y"], "title": ["X", "Y"]}
    frame = pd.DataFrame({"user_id": ["a ", "a"], "item_id": ["x", "y"]})
    assert Interactions.from_frame(frame).n_users == 1
    with pytest.raises(DataFormatError, match=r"column 'user_id'.*row 1 holds an empty id"):
        Interactions.from_arrays(["a", "  "], ["x", "y"])
    # the repeat is named with its rows and how it was written (it said "item_id repeats in
    # the side table: [' x', 'x'] are the same id", naming neither table nor rows)
    with pytest.raises(DataFormatError, match=r"in the item table, 'item_id' repeats the key "
                                              r"'x' at rows 0, 1, written 'x', ' x': the same "
                                              r"id once trimmed"):
        Interactions.from_arrays(["a"], ["x"], item_table=pd.DataFrame(
            {"item_id": ["x", " x"], "title": ["X", "X2"]}))


def test_float_timestamps_are_floored_like_the_loaders_do():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3],
                                    timestamps=np.array([-1.5, 2.5, -0.0]))
    assert data.timestamp.tolist() == [-2, 2, 0]


def test_integer_ids_encode_like_a_sorted_factorize():
    rng = np.random.default_rng(0)
    for ids in (rng.integers(-50, 50, 500), rng.integers(0, 10**12, 500),
                rng.integers(0, 7, 3).astype(np.int32),
                rng.integers(10**12, 10**12 + 100, 500),  # far from 0, a narrow span
                # every id of the span present, from 1 and far from 0
                np.array([3, 1, 2, 3], dtype=np.int32), np.array([2**40 + 1, 2**40]),
                rng.integers(1, 200, 500).astype(np.uint8),
                np.array([2**64 - 1, 2**64 - 2, 5, 2**64 - 1], dtype=np.uint64),
                np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, 0])):
        vocab, codes = IdMap.encode(ids)
        expected_codes, expected_uniques = pd.factorize(ids, sort=True)
        np.testing.assert_array_equal(codes, expected_codes)
        np.testing.assert_array_equal(vocab.external_ids, expected_uniques)
        assert codes.dtype == np.int32


def test_values_beyond_float32_and_tables_of_the_wrong_type_are_named():
    # 1e39 became inf in float32 and was reported as "inf", a value never written
    with pytest.raises(DataFormatError, match=r"column 'value': 1 value\(s\) beyond float32's "
                                              r"range, first at row 1: 1e\+39"):
        Interactions.from_arrays([1, 2], [3, 4], [1.0, 1e39])
    with pytest.raises(DataFormatError, match=r"first at row 0: nan \(expected a finite"):
        Interactions.from_arrays([1], [3], [np.nan])  # not np.float32(nan)
    with pytest.raises(ConfigError, match="the item table must be a pandas DataFrame keyed by "
                                          "item_id, not list"):
        Interactions.from_arrays([1], [3], item_table=[3])
    with pytest.raises(ConfigError, match="from_frame needs a pandas DataFrame, not dict"):
        Interactions.from_frame({"user_id": [1], "item_id": [3]})
