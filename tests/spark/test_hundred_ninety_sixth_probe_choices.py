"""Hundred-ninety-sixth probe of the Spark backend: a choice given as an array of names
(``deduplicated(data, np.array([...]))``, ``kfold_split(stratify=...)``, the evaluation's
``duplicate_grade``, ``SparkALS(cold_start=...)``) was numpy's "truth value of an array
... is ambiguous" from ``value in (...)``; it is refused in one machine's words. numpy's
text is the name it holds, ``stratify="none"`` is None as on one machine, and a whole
``Decimal``/``Fraction`` for a model's integer setting is the int it names."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


@pytest.fixture(scope="module")
def data(spark):
    from recstack.spark import data as sd

    # user 0: items 0, 1, 0 (a repeat, values 1 then 5); user 1: items 1, 2; user 2: 0, 2
    return sd.from_interactions(spark, Interactions.from_arrays(
        [0, 0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 2, 0, 2],
        values=[1.0, 2.0, 5.0, 1.0, 1.0, 1.0, 1.0], timestamps=[1, 2, 3, 4, 5, 6, 7]))


def _rows(part):
    return sorted(map(tuple, part.frame.select("user_index", "item_index", "value").collect()))


def test_arrays_of_names_are_refused_in_one_machines_words(data):
    from recstack.spark.evaluation import relevance
    from recstack.spark.filters import deduplicated
    from recstack.spark.models import SparkALS
    from recstack.spark.splits import kfold_split

    names = np.array(["last", "first"])
    with pytest.raises(ConfigError, match=r"^unknown duplicate policy array\(\['last', "
                                          r"'first'\].*; use one of keep, sum, "):
        deduplicated(data, names)
    with pytest.raises(ConfigError, match=r"unknown duplicate policy 'Frist' \(did you mean "
                                          r"'first'\?\)"):
        deduplicated(data, "Frist")
    with pytest.raises(ConfigError, match=r"^duplicate_grade must be one of last, first, "
                                          r"max, mean, got array\("):
        relevance(data, duplicate_grade=names)
    with pytest.raises(ConfigError, match=r"kfold stratify must be 'user' or None, got "
                                          r"array\("):
        kfold_split(data, k=2, stratify=np.array(["user", "none"]))
    with pytest.raises(ConfigError, match=r"SparkALS cold_start: expected one of error, nan, "
                                          r"got array\("):
        SparkALS(cold_start=np.array(["nan"])).fit(data)


def test_numpy_text_and_none_spelt_as_text_are_the_choices(data):
    from recstack.spark.evaluation import relevance
    from recstack.spark.filters import deduplicated
    from recstack.spark.splits import kfold_split

    # the repeated pair (0, 0) keeps its first value, 1.0, by either spelling
    first = _rows(deduplicated(data, np.str_("first")))
    assert first == _rows(deduplicated(data, "first"))
    assert (0, 0, 1.0) in first and len(first) == 6
    grades = sorted(map(tuple, relevance(data, duplicate_grade=np.str_("max"),
                                         graded=True).collect()))
    assert grades[0] == (0, 0, 5.0)  # max(1, 5)
    # "none" is stratify=None, as one machine's kfold_split reads it (it was refused)
    from recstack.spark import data as sd

    # 6 users who each have all 4 items: every fold's rows have company in the other
    dense = sd.from_interactions(data.frame.sparkSession, Interactions.from_arrays(
        np.repeat(np.arange(6), 4), np.tile(np.arange(4), 6), timestamps=np.arange(24)))
    # (one Spark run: "none" goes through the one rule, kfold_stratify, tested on one
    # machine; here that the folds then partition the 24 rows)
    text = [_rows(f.test) for f in kfold_split(dense, k=2, stratify="none", seed=1)]
    assert sorted(row for fold in text for row in fold) == _rows(dense)

    # numpy's bool is by_time=True (the spec refused it as "expected true or false")
    from recstack.spark.splits import user_split

    numpy_flag = user_split(dense, 0.5, by_time=np.True_, seed=1)
    assert numpy_flag.report.params["by_time"] is True
    # 3 held-out users, each tested on their latest row (item 3): round(0.2 * 4) = 1
    assert [row[1] for row in _rows(numpy_flag.test)] == [3, 3, 3]


def test_whole_exact_numbers_are_the_ints_of_model_settings(data):
    from recstack.spark.models import SparkALS, SparkItemCooccurrence, SparkPopularity

    model = SparkALS(factors=Decimal("2"), iterations=Fraction(2, 1), blocks=Decimal(1),
                     seed=Decimal(3))
    model._validate()
    params = model.get_params()
    assert (params["factors"], params["iterations"], params["blocks"], params["seed"]) \
        == (2, 2, 1, 3)
    assert all(type(params[n]) is int for n in ("factors", "iterations", "blocks", "seed"))
    with pytest.raises(ConfigError, match=r"SparkALS factors: expected an integer in "
                                          r"\[1, 2147483647\], got Decimal\('2.5'\)"):
        SparkALS(factors=Decimal("2.5"))._validate()

    popular = SparkPopularity().fit(data)
    # users per item: item 0 has users 0 and 2, item 1 users 0 and 1, item 2 users 1, 2
    assert [tuple(r) for r in popular.top(Decimal(2)).collect()] == [(0, 2), (1, 2)]
    neighbours = SparkItemCooccurrence(neighbors=Fraction(4, 2), max_user_items=Decimal(10))
    neighbours.fit(data)
    assert (neighbours.neighbors, neighbours.max_user_items) == (2, 10)
    assert type(neighbours.neighbors) is int


def test_reader_and_factor_frame_choices_refuse_arrays_and_read_numpy_text(spark, tmp_path):
    from recstack.spark.data import read_table
    from recstack.spark.evaluation import factor_frame

    table = tmp_path / "x.csv"
    table.write_text("user_id,item_id\n1,2\n3,4\n")
    with pytest.raises(ConfigError, match=r"x\.csv: file_format must be 'csv', 'parquet' or "
                                          r"None \(from the suffix\), got array\("):
        read_table(spark, str(table), file_format=np.array(["csv", "parquet"]))
    with pytest.raises(ConfigError, match=r"got 'Parquet' \(did you mean 'parquet'\?\)"):
        read_table(spark, str(table), file_format="Parquet")
    read = read_table(spark, str(table), file_format=np.str_("csv"))
    assert (read.n_users, read.n_items) == (2, 2)

    with pytest.raises(ConfigError, match=r"factor_frame: index_column must be 'user_index' "
                                          r"or 'item_index', got array\("):
        factor_frame(spark, np.ones((2, 3)), np.array(["user_index", "item_index"]))
    frame = factor_frame(spark, np.ones((2, 3)), np.str_("item_index"))
    assert frame.columns[0] == "item_index" and frame.count() == 2
