"""Hundred-ninety-first probe of the Spark backend: a whole ``Decimal`` or ``Fraction`` given
for a count (``leave_last_out(n=Decimal(2))``, ``kfold_split(k=Decimal(2))``,
``k_core(Decimal(2))``) is the int it names, as one machine's declared steps now read it,
and gives what the int gives; the functions used the value as given after their spec had
read it, and Spark's literals and comparisons took no Decimal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.data.interactions import Interactions


@pytest.fixture(scope="module")
def data(spark):
    from recstack.spark import data as sd

    # 4 users with 2, 3, 4, 5 rows; item of user u's row j is (2u + j) % 6; times 100u + j
    users, items, times = [], [], []
    for u, n in enumerate([2, 3, 4, 5]):
        for j in range(n):
            users.append(u)
            items.append((u * 2 + j) % 6)
            times.append(100 * u + j)
    return sd.from_interactions(spark, Interactions.from_arrays(users, items,
                                                                timestamps=times))


def _rows(part):
    return sorted(map(tuple, part.frame.select("user_index", "item_index").collect()))


def test_whole_exact_counts_split_and_filter_as_the_ints(data):
    from recstack.spark import data as sd
    from recstack.spark.splits import kfold_split

    exact, plain = sd.leave_last_out(data, n=Decimal(2)), sd.leave_last_out(data, n=2)
    assert _rows(exact.test) == _rows(plain.test)
    assert exact.report.params == {"n": 2} and type(exact.report.params["n"]) is int

    exact_folds = list(kfold_split(data, k=Fraction(4, 2), seed=0))
    plain_folds = list(kfold_split(data, k=2, seed=0))
    assert len(exact_folds) == 2
    assert [_rows(f.test) for f in exact_folds] == [_rows(f.test) for f in plain_folds]

    # users of at least 3 rows (1, 2 and 3) keep theirs; every item keeps a row
    kept, step = sd.k_core(data, Decimal(3), Fraction(1))
    kept_plain, step_plain = sd.k_core(data, 3, 1)
    assert step.rows_after == step_plain.rows_after == 12  # 3 + 4 + 5 rows
    assert _rows(kept) == _rows(kept_plain)


def test_exact_fractions_split_as_the_floats_and_are_reported_as_them(data):
    from recstack.spark import data as sd
    from recstack.spark.splits import user_split

    # temporal and user splits computed 1.0 - Decimal(...): a TypeError
    exact = sd.temporal_split(data, test_fraction=Decimal("0.5"))
    plain = sd.temporal_split(data, test_fraction=0.5)
    assert _rows(exact.test) == _rows(plain.test)
    assert exact.report.params == plain.report.params
    assert type(exact.report.params["test_fraction"]) is float

    exact = user_split(data, Fraction(1, 2), fold_in_fraction=Decimal("0.5"), seed=Decimal(3))
    plain = user_split(data, 0.5, fold_in_fraction=0.5, seed=3)
    assert _rows(exact.test) == _rows(plain.test)
    assert _rows(exact.fold_in) == _rows(plain.fold_in)
    assert exact.report.params == plain.report.params == {
        "test_users": 0.5, "fold_in_fraction": 0.5, "by_time": False, "seed": 3}

    exact = sd.random_split(data, Decimal("0.5"), seed=Fraction(3))
    plain = sd.random_split(data, 0.5, seed=3)
    assert _rows(exact.test) == _rows(plain.test)
    assert exact.report.params == {"test_fraction": 0.5, "seed": 3}


def test_whole_exact_cut_offs_are_the_ints_and_fractions_stay_refused():
    from recstack.errors import ConfigError
    from recstack.spark.evaluation import _cutoffs

    assert _cutoffs([Decimal(10), Fraction(5)]) == [5, 10]
    assert all(type(k) is int for k in _cutoffs([Decimal("20")]))
    with pytest.raises(ConfigError, match=r"ks must be a non-empty list of positive integers"):
        _cutoffs([Decimal("2.5")])
    with pytest.raises(ConfigError, match=r"ks = \[10, 10\]: each K once"):
        _cutoffs([10, Decimal(10)])
