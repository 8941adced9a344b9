"""Round 54 (W): the defects two reviewers found in the day's changes. Bounds within one
second judged at full resolution, a 'Z' no longer blamed as a time-zone name, a categorical
context column judged by its categories, group ids read before any Python loop over them,
an empty MultiIndex of item rows, a long TOML list cut, and candidate recall of
candidates whose users are not in ascending order."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import recstack.metrics.classification as classification
import recstack.pipeline.features as features
from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, RecstackError
from recstack.metrics.classification import group_auc
from recstack.models.text_features import check_item_rows
from recstack.pipeline.candidates import Candidates, candidate_recall
from recstack.specs import toml_shown

EPOCH = "1970-01-01T00:00:"


def _log() -> Interactions:
    return Interactions.from_arrays(["u", "v", "w"], ["a", "b", "c"], timestamps=[5, 10, 11])


# --- bounds within one second ---------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [
    (f"{EPOCH}10", datetime(1970, 1, 1, 0, 0, 10)),
    (10, f"{EPOCH}10"),
    (np.datetime64(10, "s"), pd.Timestamp(10, unit="s")),
])
def test_one_moment_written_two_ways_is_told_the_same_time_rule(start, end) -> None:
    with pytest.raises(ConfigError) as caught:
        _log().between(start, end)
    message = str(caught.value)
    assert "start and end are one time (10)" in message
    assert "fall within one second" not in message


@pytest.mark.parametrize(("start", "end"), [
    (f"{EPOCH}10.8", f"{EPOCH}10.2"),
    # a nanosecond apart: pandas keeps them, a datetime would not
    (pd.Timestamp(10_000_000_001, unit="ns"), np.datetime64(10_000_000_000, "ns")),
])
def test_reversed_bounds_within_one_second_are_told_start_is_after_end(start, end) -> None:
    with pytest.raises(ConfigError, match="^between: start=.* is after end=") as caught:
        _log().between(start, end)
    assert "end=11" not in str(caught.value)


def test_bounds_in_order_within_one_second_still_get_the_one_second_advice() -> None:
    with pytest.raises(ConfigError, match="fall within one second, 10.*end=11"):
        _log().between(f"{EPOCH}10.2", f"{EPOCH}10.8")


# --- Z is no time-zone name -----------------------------------------------------------

@pytest.mark.parametrize("written", ["2024-001T12:00:00Z", "24-01-01T12:00:00Z"])
def test_a_time_ending_in_z_is_not_blamed_on_a_zone_name(tmp_path: Path, written) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id,timestamp\n1,5,2020-01-01T00:00:00Z\n2,6,{written}\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert f"cannot read {written!r} as a time" in message
    assert "time-zone name" not in message


# --- a categorical context column judged by its categories ---------------------------

def test_a_categorical_column_is_judged_by_its_categories(monkeypatch) -> None:
    column = pd.Series(pd.Categorical(["a", "b", "c"] * 10_000))
    judged: list[object] = []
    original = features._label_of_no_level

    def counting(value):
        judged.append(value)
        return original(value)

    monkeypatch.setattr(features, "_label_of_no_level", counting)
    features._refuse_values_of_no_level(column, "context column 'device'")
    assert sorted(judged) == ["a", "b", "c"]  # not the 30,000 rows


def test_a_set_among_the_categories_is_still_refused_naming_its_row() -> None:
    column = pd.Series(pd.Categorical(["a", frozenset({"x"}), "a"]), index=[7, 8, 9])
    with pytest.raises(DataFormatError, match=r"frozenset.*row 8"):
        features._refuse_values_of_no_level(column, "context column 'device'")


def test_a_dict_in_a_mixed_column_is_still_refused_naming_its_row() -> None:
    column = pd.Series([1, "a", {"k": 1}], dtype=object)
    with pytest.raises(DataFormatError, match=r"dict, row 2"):
        features._refuse_values_of_no_level(column, "context column 'device'")


# --- group ids given as a list --------------------------------------------------------

def test_group_ids_in_a_list_are_read_without_the_ragged_rows_loop(monkeypatch) -> None:
    def refuse_any(*args, **kwargs):
        raise AssertionError("refuse_ragged looped over the ids of a readable list")

    monkeypatch.setattr(classification, "refuse_ragged", refuse_any)
    # group a: the positive (0.9) above both negatives: AUC 1; group b: the positive
    # (0.2) below the negative (0.6): AUC 0; by impressions, (3 * 1 + 2 * 0) / 5
    value = group_auc([1, 0, 0, 1, 0], [0.9, 0.1, 0.5, 0.2, 0.6], ["a", "a", "a", "b", "b"])
    assert value == pytest.approx(3 / 5)


def test_group_ids_as_lists_of_different_lengths_are_still_named() -> None:
    with pytest.raises(RecstackError, match=r"groups must be one group id \(user id\) per "
                                            r"sample, got nested lists of different lengths"):
        group_auc([1, 0], [0.9, 0.1], [[1, 2], [3]])


# --- item rows with no columns --------------------------------------------------------

def test_item_rows_with_an_empty_multiindex_are_refused_in_words() -> None:
    rows = pd.DataFrame(index=[0], columns=pd.MultiIndex.from_arrays([[], []]))
    with pytest.raises(RecstackError, match=r"^content: embed: the item rows have no "
                                            r"columns \(an empty MultiIndex\)"):
        check_item_rows(rows, "content", "embed", ("title",))


# --- a long TOML list cut --------------------------------------------------------------

def test_a_list_of_thousands_of_items_is_shown_cut() -> None:
    text = toml_shown([f"item{i}" for i in range(5_000)])
    assert len(text) < 200
    assert "item4999" in text and "item2500" not in text


# --- candidate recall, users not in ascending order -----------------------------------

def test_candidate_recall_of_users_given_in_descending_order() -> None:
    log = Interactions.from_arrays(["a", "a", "b", "b"], ["x", "y", "x", "z"])
    a, b = (int(i) for i in log.users.to_index(["a", "b"]))
    x, y, z = (int(i) for i in log.items.to_index(["x", "y", "z"]))
    given = {a: [x, y], b: [z]}  # each user's candidate items
    # the user of the higher index first: contiguous rows, not in ascending order
    order = sorted(given, reverse=True)
    users = np.array([user for user in order for _ in given[user]])
    items = np.array([item for user in order for item in given[user]])
    assert users[0] > users[-1]
    candidates = Candidates(users, items, np.ones((3, 1), np.float32),
                            np.ones((3, 1), np.float32), ("a",), 2)
    # by the definition: a's test items {x, y} both candidates (1), b's {x, z} one (1/2)
    assert candidate_recall(candidates, log) == pytest.approx((1 + 0.5) / 2)
