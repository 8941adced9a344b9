"""Label columns as MovieLens ships them: text joining several labels with '|' (or another
separator), read the same way by item_predicate's ``contains``, mmr and calibrated, whole
labels only; and exposure groups that must be one per item. Expected values by hand."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank import MMR, CalibratedRerank, ExposureFairness, ItemPredicate

# items 1..6; genres as MovieLens writes them, and the same as lists
TEXT = ["Action|Comedy", "Drama", "Docudrama", None, "Comedy | Drama", ""]
LISTS = [["Action", "Comedy"], ["Drama"], ["Docudrama"], [], ["Comedy", "Drama"], []]


def data_with(**columns) -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3, 4, 5, 6], **columns})
    return Interactions.from_arrays(["a", "a", "b", "b", "c", "c"], [1, 2, 3, 4, 5, 6],
                                    item_table=table)


@pytest.mark.parametrize("genres", [TEXT, LISTS, pd.Series(TEXT, dtype="string")],
                         ids=["text", "lists", "string-dtype"])
@pytest.mark.parametrize("value, passing", [
    ("Drama", [2, 5]),       # not Docudrama: whole labels; " Drama" trimmed
    ("Comedy", [1, 5]),
    ("Docudrama", [3]),
    ("Action", [1]),
])
def test_contains_matches_whole_labels(genres, value, passing):
    step = ItemPredicate(column="genres", op="contains", value=value).fit(
        data_with(genres=genres))
    assert (np.flatnonzero(step.allowed_) + 1).tolist() == passing
    removed = ItemPredicate(column="genres", op="contains", value=value, keep=False).fit(
        data_with(genres=genres))
    assert (np.flatnonzero(~removed.allowed_) + 1).tolist() == passing


def test_contains_with_another_separator_and_a_mixed_column():
    semicolons = ["Action;Comedy", "Drama", "Docudrama", None, "Comedy; Drama", ""]
    step = ItemPredicate(column="genres", op="contains", value="Drama", separator=";").fit(
        data_with(genres=semicolons))
    assert step.allowed_.tolist() == [False, True, False, False, True, False]
    # with the default '|', "Action;Comedy" is one label
    whole = ItemPredicate(column="genres", op="contains", value="Action;Comedy").fit(
        data_with(genres=semicolons))
    assert whole.allowed_.tolist() == [True, False, False, False, False, False]
    mixed = [["Action", "Comedy"], "Drama", "Docudrama", None, "Comedy|Drama", []]
    step = ItemPredicate(column="genres", op="contains", value="Comedy").fit(
        data_with(genres=mixed))
    assert step.allowed_.tolist() == [True, False, False, False, True, False]


def test_contains_on_lists_of_numbers_keeps_working():
    tags = [[1, 2], [2], [3], [], [2, 3], [1]]
    step = ItemPredicate(column="tags", op="contains", value=2).fit(data_with(tags=tags))
    assert step.allowed_.tolist() == [True, True, False, False, True, False]


@pytest.mark.parametrize("params, message", [
    ({"value": ["Drama", "Comedy"]}, "op 'contains' tests one label, got the list"),
    ({"value": "Drama|Comedy"}, "'Drama|Comedy' holds the separator '|'"),
    ({"value": "  "}, "op 'contains' needs a label, got the empty text '  '"),
    ({"value": "Drama", "separator": ""}, "separator must be a non-empty text"),
    ({"value": "Drama", "separator": 1}, "separator must be"),
])
def test_contains_refuses_what_can_never_match(params, message):
    with pytest.raises(ConfigError, match="^item_predicate: .*" + re.escape(message)):
        ItemPredicate(column="genres", op="contains", **params).fit(data_with(genres=TEXT))


def test_a_predicate_that_empties_every_list_is_refused_naming_the_labels():
    with pytest.raises(ConfigError) as raised:
        ItemPredicate(column="genres", op="contains", value="Dramma").fit(
            data_with(genres=TEXT))
    assert str(raised.value) == (
        "item_predicate: no item passes column 'genres' contains 'Dramma' (keep = true), "
        "so every list would be empty; its labels include 'Action', 'Comedy', 'Docudrama', "
        "'Drama'")
    with pytest.raises(ConfigError, match="every item passes column 'year' >= 1900 "
                                          r"\(keep = false\).*its values include 1990, "):
        ItemPredicate(column="year", op=">=", value=1900, keep=False).fit(
            data_with(year=[1990, 2001, 1995, 2010, 1999, 2020]))


def test_label_pairs_by_hand():
    from recstack.pipeline.rerank.base import label_pairs

    rows, labels = label_pairs(pd.Series(TEXT), "here")
    assert rows.tolist() == [0, 0, 1, 2, 4, 4]
    assert labels.tolist() == ["Action", "Comedy", "Drama", "Docudrama", "Comedy", "Drama"]


@pytest.mark.parametrize("make", [MMR, CalibratedRerank])
def test_mmr_and_calibrated_read_joined_text_as_they_read_lists(make):
    from_text = make(column="genres").fit(data_with(genres=TEXT))
    from_lists = make(column="genres").fit(data_with(genres=LISTS))
    semicolons = [None if v is None else v.replace("|", ";") for v in TEXT]
    from_other = make(column="genres", separator=";").fit(data_with(genres=semicolons))
    attribute = "vectors_" if make is MMR else "shares_"
    # labels in sorted order: Action, Comedy, Docudrama, Drama
    expected = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0],
                         [0, 1, 0, 1], [0, 0, 0, 0]], float)
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    if make is MMR:
        expected = expected / np.where(norms > 0, norms, 1)
    else:
        totals = expected.sum(axis=1, keepdims=True)
        expected = expected / np.where(totals > 0, totals, 1)
    for step in (from_text, from_lists, from_other):
        np.testing.assert_allclose(getattr(step, attribute), expected)
    with pytest.raises(ConfigError, match=f"^{make.name}: separator must be a non-empty"):
        make(column="genres", separator=" ").fit(data_with(genres=TEXT))


@pytest.mark.parametrize("groups, item, problem", [
    (["A", "B", None, "A", "B", "A"], 3, "has none \\(a missing value\\)"),
    (["A", ["A", "B"], "B", "A", "B", "A"], 2, "has several \\(\\['A', 'B'\\]\\)"),
])
def test_exposure_groups_are_one_per_item(groups, item, problem):
    with pytest.raises(RecstackError, match="^exposure_fairness: group_column 'studio' must "
                                            f"give each item one group; item {item} {problem}"):
        ExposureFairness(group_column="studio").fit(data_with(studio=groups))
    fine = ExposureFairness(group_column="studio").fit(
        data_with(studio=["A", "B", "B", "A", "B", "A"]))
    assert fine.labels_ == ["A", "B"] and fine.groups_.tolist() == [0, 1, 1, 0, 1, 0]
