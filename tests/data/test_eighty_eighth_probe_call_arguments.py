"""Arguments in the wrong place: the loaders, writers, generators, filters and the ratings
evaluation raised Python's own TypeError ("load_table() takes 1 positional argument but 2
were given", "got an unexpected keyword argument 'user_column'"), naming no keyword to use.
They now refuse as the splits do (recstack.specs.arguments_named): a ConfigError naming the
function, the nearest keyword, and how to call it. Two logs whose ids differ are refused
by concat naming the part and how the ids differ."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.adjacency import load_adjacency_splits, union
from recstack.data.files import load_table, save_table
from recstack.data.filters import k_core
from recstack.data.interactions import Interactions, concat
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import partition_files, read_partitioned, write_partitioned
from recstack.data.sources import load_source
from recstack.data.stats import describe
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.pointwise import evaluate_probabilities, evaluate_ratings


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,10,4\n2,11,5\n")
    return path


def test_a_value_by_position_names_the_keywords(log):
    with pytest.raises(ConfigError, match=r"^load_table\(\) takes at most 1 positional "
                                          r"argument\(s\) \(path\), got 2; give user_col, "
                                          r"item_col, .* by keyword: load_table\(path, \*, "
                                          r"user_col=\.\.\., "):
        load_table(log, "user_id")


def test_a_misspelt_keyword_names_the_near_one(log):
    with pytest.raises(ConfigError, match=r"^load_table\(\) has no argument 'user_column' "
                                          r"\(did you mean 'user_col'\?\); it takes "
                                          r"load_table\(path, \*, user_col=\.\.\."):
        load_table(log, user_column="user_id")


def test_a_missing_and_a_doubled_argument_are_named(log):
    with pytest.raises(ConfigError, match=r"^load_table\(\): missing .*'path'"):
        load_table()
    with pytest.raises(ConfigError, match=r"^load_table\(\) got path twice"):
        load_table(log, path=log)


@pytest.mark.parametrize(("call", "name"), [
    (lambda p, d: save_table(d, p / "out.csv", True), "save_table"),
    (lambda p, d: load_movielens(p, "100k", True), "load_movielens"),
    (lambda p, d: read_partitioned(p, 0), "read_partitioned"),
    (lambda p, d: write_partitioned(d, p / "x", True), "write_partitioned"),
    (lambda p, d: partition_files(p, 0), "partition_files"),
    (lambda p, d: load_adjacency_splits(p, True), "load_adjacency_splits"),
    (lambda p, d: load_source(str(p), {}), "load_source"),
    (lambda p, d: generate(None, None), "generate"),
    (lambda p, d: describe(d, 5), "describe"),
    (lambda p, d: k_core(d, 1, 1, 1), "k_core"),
    (lambda p, d: evaluate_ratings(None, d, ("rmse",), 1), "evaluate_ratings"),
    (lambda p, d: evaluate_probabilities([1], [0.5], 10), "evaluate_probabilities"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_every_entry_point_refuses_a_value_by_position(tmp_path, call, name):
    data = Interactions.from_arrays([1, 2], [3, 4])
    with pytest.raises(ConfigError, match=rf"^{name}\(\) takes at most \d positional "
                                          r"argument\(s\)"):
        call(tmp_path, data)


@pytest.mark.parametrize(("call", "name", "near"), [
    (lambda p: load_movielens(p, keep_unseen=True), "load_movielens", "keep_unseen_items"),
    (lambda p: read_partitioned(p, begin=0), "read_partitioned", None),
    (lambda p: k_core(Interactions.from_arrays([1], [2]), user_mins=2), "k_core", "user_min"),
])
def test_every_entry_point_refuses_an_unknown_keyword(tmp_path, call, name, near):
    hint = rf" \(did you mean '{near}'\?\)" if near else ""
    with pytest.raises(ConfigError, match=rf"^{name}\(\) has no argument '\w+'{hint}; it "
                                          rf"takes {name}\("):
        call(tmp_path)


# ------------------------------------------------------------------ concat and union
def test_logs_with_integer_and_text_ids_are_refused_naming_the_kinds():
    numbers = Interactions.from_arrays(np.array([1, 2]), np.array([1, 2]))
    text = Interactions.from_arrays(np.array(["a", "b"]), np.array(["x", "y"]))
    # it was "can only concatenate interactions that share id vocabularies"
    # (union's errors name union, the function called, not concat, which it calls)
    with pytest.raises(RecstackError, match=r"^union: part 2's user ids are not those of "
                                            r"part 1 \(part 1's are integers, these are "
                                            r"text\); .*Interactions\.from_frame"):
        union(numbers, text)


def test_logs_with_other_ids_name_one_that_differs():
    first = Interactions.from_arrays(np.array([1, 2]), np.array([5, 6]))
    other = Interactions.from_arrays(np.array([1, 2]), np.array([5, 7]))
    with pytest.raises(RecstackError, match=r"^concat: part 2's item ids are not those of "
                                            r"part 1 \(e\.g\. 7 is not in part 1\)"):
        concat([first, other])
    bigger = Interactions.from_arrays(np.array([1, 2, 3]), np.array([5, 6, 6]))
    with pytest.raises(RecstackError, match=r"part 2's user ids .*\(2 ids in part 1, 3 here\)"):
        concat([first, bigger])


def test_parts_of_one_vocabulary_still_concatenate():
    data = Interactions.from_arrays(np.array([1, 2, 2]), np.array([5, 6, 5]))
    joined = concat([data.select(np.array([True, False, True])),
                     data.select(np.array([False, True, False]))])
    assert joined.to_frame()[["user_id", "item_id"]].values.tolist() == [[1, 5], [2, 5],
                                                                         [2, 6]]


# ------------------------------------------------------------- Interactions constructors
def test_from_arrays_names_the_near_keyword_and_itself():
    # it was "Interactions.from_arrays() got an unexpected keyword argument 'users'"
    with pytest.raises(ConfigError, match=r"^Interactions\.from_arrays\(\) has no argument "
                                          r"'users' \(did you mean 'user_ids'\?\); it takes "
                                          r"Interactions\.from_arrays\(user_ids, item_ids, "
                                          r"values, timestamps, \*, duplicates=\.\.\."):
        Interactions.from_arrays([1], [2], users=[1])


def test_from_arrays_refuses_a_policy_given_by_position():
    with pytest.raises(ConfigError, match=r"^Interactions\.from_arrays\(\) takes at most 4 "
                                          r"positional argument\(s\) \(user_ids, item_ids, "
                                          r"values, timestamps\), got 5; give duplicates, "):
        Interactions.from_arrays([1], [2], None, None, "first")


def test_from_frame_refuses_a_column_given_by_position():
    import pandas as pd

    with pytest.raises(ConfigError, match=r"^Interactions\.from_frame\(\) takes at most 1 "
                                          r"positional argument\(s\) \(frame\), got 2"):
        Interactions.from_frame(pd.DataFrame({"user_id": [1], "item_id": [2]}), "user_id")


def test_save_table_to_a_path_ending_in_a_slash_names_a_folder(tmp_path):
    data = Interactions.from_arrays([1], [2])
    # it was "cannot tell which format to write from the extension (none)"
    with pytest.raises(RecstackError, match=r"ends with '/', so it names a folder, but one "
                                            r"table file is written here; give the file's "
                                            r"name, e\.g\. .*/out/interactions\.parquet$"):
        save_table(data, f"{tmp_path}/out/")
    assert not (tmp_path / "out").exists()
