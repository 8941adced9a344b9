"""Hundred-ninety-first probe: a whole ``Decimal`` or ``Fraction`` given for a count.

A model reads ``factors=Decimal("64")`` as 64 and the synthetic generator
``n_users=Decimal(20)`` as 20 users, but every declared step whose setting is an integer
(``KCore(Decimal(2))``, ``LeaveLastOut(n=Decimal(2))``, ``KFold(k=Fraction(4, 2))``) refused
one as "expected an integer", and ``tuning.search`` refused exact numbers everywhere: a
dimension's ``low``/``high``/``step``, ``trials``, ``seed``, ``timeout``. Now one rule: a
whole exact number is the int it names, a fraction (``Decimal("2.5")``) and a float
(``2.0``) are refused as before. And a categorical dimension listing one number twice as
``1`` and ``1.0`` was taken, drawing it twice as often."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.filters import KCore, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.splits import KFold, LeaveLastOut
from recstack.errors import ConfigError


@pytest.fixture(scope="module")
def chain():
    # users 0..3 with 1, 2, 3, 4 rows; user u's items are 0..u-1, times 10 * u + j
    users, items, times = [], [], []
    for u in range(4):
        for j in range(u + 1):
            users.append(u)
            items.append(j)
            times.append(10 * u + j)
    return Interactions.from_arrays(users, items, timestamps=times)


@pytest.mark.parametrize("given", [Decimal(2), Decimal("2.0"), Fraction(4, 2), np.int8(2)])
def test_a_whole_exact_count_is_the_int_it_names(given):
    for spec, field in ((LeaveLastOut(given), "n"), (KFold(given), "k"),
                        (KCore(given, given), "user_min")):
        value = getattr(spec, field)
        assert value == 2 and type(value) is int


@pytest.mark.parametrize("given", [Decimal("2.5"), Fraction(5, 2), 2.0, Decimal("NaN"),
                                   Decimal("Infinity"), True])
def test_a_fraction_a_float_or_a_non_number_stays_refused(given):
    with pytest.raises(ConfigError, match=r"^leave_last_out: n = .*: expected an integer"):
        LeaveLastOut(given)
    with pytest.raises(ConfigError, match=r"^k_core: user_min = .*: expected an integer"):
        KCore(given)


def test_k_core_of_a_whole_decimal_filters_as_the_int_does(chain):
    # 2-core: user 0 (1 row) goes, then item 2 and 3 have 1 row each (users 2, 3 only)...
    # by hand: rows (u, i) with u >= 1; items 0 (3 rows), 1 (3 rows), 2 (2 rows: users 2,
    # 3), 3 (1 row: user 3) -> item 3 goes; users 1, 2, 3 keep 2, 3, 3 rows: 8 rows
    exact, steps = apply_filters(chain, [KCore(Decimal(2), Fraction(2))])
    plain, _ = apply_filters(chain, [KCore(2, 2)])
    assert len(exact) == len(plain) == 8
    assert np.array_equal(exact.user_index, plain.user_index)
    assert steps[0].rows_after == 8


# --------------------------------------------------------------------------------------
# tuning


def test_a_categorical_listing_one_number_as_int_and_float_is_refused():
    from recstack.config import check_space

    space = {"regularization": {"type": "categorical", "choices": [1, 1.0, 0.2]}}
    with pytest.raises(ConfigError, match=r"1\.0 is listed twice \(1 and 1\.0 are one "
                                          r"number\); give each choice once"):
        check_space("", space, "ease", dimension_key="space[{!r}]")
    # distinct numbers, an int beside a float, pass
    check_space("", {"regularization": {"type": "categorical", "choices": [1, 2.5]}}, "ease",
                dimension_key="space[{!r}]")


def test_search_takes_exact_numbers_as_the_plain_ones():
    pytest.importorskip("optuna")
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import search

    data = generate(n_users=60, n_items=40, n_interactions=600, seed=0)
    split = random_split(data, 0.2, seed=0)
    exact_space = {"neighbors": {"type": "int", "low": Decimal(2), "high": Fraction(8),
                                 "step": Decimal(2)},
                   "shrink": {"type": "float", "low": Decimal("0.5"), "high": Fraction(10)}}
    plain_space = {"neighbors": {"type": "int", "low": 2, "high": 8, "step": 2},
                   "shrink": {"type": "float", "low": 0.5, "high": 10.0}}
    exact = search("item_knn", split.train, split.test, exact_space, trials=Decimal(3),
                   seed=Fraction(1), timeout=Decimal(600))
    plain = search("item_knn", split.train, split.test, plain_space, trials=3, seed=1,
                   timeout=600.0)
    assert len(exact[2]) == 3
    assert exact[0] == plain[0] and exact[1] == plain[1]
    assert [trial["params"] for trial in exact[2]] == [trial["params"] for trial in plain[2]]
    assert all(type(trial["params"]["neighbors"]) is int for trial in exact[2])


@pytest.mark.parametrize(("argument", "value", "words"), [
    ("trials", Decimal("2.5"), r"trials = Decimal\('2\.5'\): expected a whole number"),
    ("seed", Fraction(1, 2), r"seed = Fraction\(1, 2\): expected a whole number"),
    ("timeout", Decimal("NaN"), r"timeout = Decimal\('NaN'\): expected a positive number"),
])
def test_search_refuses_exact_numbers_that_are_no_count_as_given(argument, value, words):
    pytest.importorskip("optuna")
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import search

    split = random_split(generate(n_users=30, n_items=20, n_interactions=200, seed=0), 0.2,
                         seed=0)
    arguments = {"trials": 2, "seed": 0, "timeout": None, argument: value}
    with pytest.raises(ConfigError, match=words):
        search("item_knn", split.train, split.test,
               {"neighbors": {"type": "int", "low": 2, "high": 8}}, **arguments)
