"""Seventy-first probe of the Spark path against one machine: a split that chose no test
row (or no training row) said only "left no test rows ({'n': 5}): 0 rows were chosen for
test and 0 of them set apart", where one machine says why and what to choose instead; a
k beyond the rows named no row count; and seeds above recstack.specs.SEED_MAX (the one
rule of experiment files) were taken up to 2**63 - 1."""

from __future__ import annotations

import pandas as pd
import pytest

import recstack.data.splits as one
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, EmptyResultError
from recstack.specs import SEED_MAX

# three users of two rows each; times 100..300 seconds
ROWS = pd.DataFrame({"user_id": [1, 1, 2, 2, 3, 3], "item_id": [10, 11, 10, 12, 11, 12],
                     "value": 1.0, "timestamp": [100, 200, 100, 300, 150, 250]})
SINGLE = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [10, 11, 12], "value": 1.0,
                       "timestamp": [1, 2, 3]})
TIED = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [10, 11, 10, 11], "value": 1.0,
                     "timestamp": 5})


def _spark(spark, frame):
    from recstack.spark.data import encode

    return encode(spark.createDataFrame(frame))


def _refusal(call):
    with pytest.raises(EmptyResultError) as refused:
        call()
    return str(refused.value)


def _cases():
    import recstack.spark.data as sd
    import recstack.spark.splits as ss

    return {
        "random": (ROWS, lambda d: one.random_split(d, 0.1), lambda d: sd.random_split(d, 0.1)),
        "random single": (SINGLE, lambda d: one.random_split(d, 0.5),
                          lambda d: sd.random_split(d, 0.5)),
        "last": (ROWS, lambda d: one.leave_last_out(d, 5), lambda d: sd.leave_last_out(d, 5)),
        "last single": (SINGLE, lambda d: one.leave_last_out(d, 1),
                        lambda d: sd.leave_last_out(d, 1)),
        "after": (ROWS, lambda d: one.temporal_split(d, 1000),
                  lambda d: sd.temporal_split(d, 1000)),
        "before": (ROWS, lambda d: one.temporal_split(d, 50), lambda d: sd.temporal_split(d, 50)),
        "fraction": (ROWS, lambda d: one.temporal_split(d, test_fraction=0.9),
                     lambda d: sd.temporal_split(d, test_fraction=0.9)),
        "tied": (TIED, lambda d: one.temporal_split(d, test_fraction=0.5),
                 lambda d: sd.temporal_split(d, test_fraction=0.5)),
        "set apart": (ROWS, lambda d: one.temporal_split(d, 150),
                      lambda d: sd.temporal_split(d, 150)),
        "kfold": (ROWS, lambda d: list(one.kfold_split(d, 7)),
                  lambda d: list(ss.kfold_split(d, 7))),
    }


@pytest.mark.parametrize("case", ["random", "random single", "last", "last single", "after",
                                  "before", "fraction", "tied", "set apart", "kfold"])
def test_an_empty_side_is_refused_in_one_machines_words(spark, case):
    frame, on_one, on_spark = _cases()[case]
    expected = _refusal(lambda: on_one(Interactions.from_frame(frame)))
    assert _refusal(lambda: on_spark(_spark(spark, frame))) == expected


def test_the_words_say_why(spark):
    """From the definitions: a user keeps a training row, so n = 5 needs users of six rows;
    the latest time is 300 s (00:05:00), the earliest 100 s (00:01:40)."""
    import recstack.spark.data as sd

    data = _spark(spark, ROWS)
    assert _refusal(lambda: sd.leave_last_out(data, 5)) == (
        "leave_last_out split left no test rows (n=5): a user's last 5 row(s) go to test only "
        "when the user has more than 5 (one row at least stays for training), and the most "
        "any user has is 2; choose an n of at most 1")
    assert _refusal(lambda: sd.temporal_split(data, 1000)).startswith(
        "temporal split: the cutoff 1000 (1970-01-01T00:16:40Z) leaves no test rows: it is "
        "after the latest time, 1970-01-01T00:05:00Z")
    # 0.1 x 2 rows rounds to 0: a user needs round(0.1 n) >= 1, n >= 5
    assert "a user needs at least 5 rows for one test row; the most any user has is 2" in \
        _refusal(lambda: sd.random_split(data, 0.1))
    # the parameters as one machine shows them, (cutoff=150), not a dict
    assert "left no test rows (cutoff=150): 4 rows were chosen for test and 4 of them set " \
           "apart (4 whose item is never seen in training)" in _refusal(
               lambda: sd.temporal_split(data, 150))


@pytest.mark.parametrize("seed", [SEED_MAX + 1, 2**40, 2**63 - 1])
def test_split_seeds_follow_the_one_rule(spark, seed):
    import recstack.spark.data as sd
    import recstack.spark.splits as ss

    data = _spark(spark, ROWS)
    for method, split in (("random", lambda: sd.random_split(data, 0.5, seed=seed)),
                          ("users", lambda: ss.user_split(data, 0.5, seed=seed)),
                          ("kfold", lambda: list(ss.kfold_split(data, k=2, seed=seed)))):
        with pytest.raises(ConfigError, match=rf"^{method}: seed = {seed}: must be in "
                                              rf"\[0, {SEED_MAX}\]"):
            split()


def test_the_largest_seed_is_taken(spark):
    import recstack.spark.data as sd

    assert sd.random_split(_spark(spark, ROWS), 0.5, seed=SEED_MAX).report.test_rows >= 1


@pytest.mark.parametrize("seed", [SEED_MAX + 1, 2**63 - 1])
def test_spark_als_seed_follows_the_one_rule(spark, seed):
    from recstack.spark.models import SparkALS

    with pytest.raises(ConfigError, match=rf"^SparkALS seed: expected an integer in "
                                          rf"\[0, {SEED_MAX}\], got {seed}"):
        SparkALS(iterations=1, seed=seed).fit(_spark(spark, ROWS))


def test_a_cutoff_past_the_catalog_is_warned_as_by_the_evaluator(spark):
    """Three items: K = 5 lists the whole catalog for everyone (one machine's Evaluator
    warns with CutoffBeyondCatalogWarning; Spark said nothing)."""
    import warnings

    import numpy as np

    from recstack.evaluation.evaluator import CutoffBeyondCatalogWarning
    from recstack.spark.data import from_interactions
    from recstack.spark.evaluation import evaluate_factors, factor_frame

    full = from_interactions(spark, Interactions.from_arrays([0, 0, 1, 1, 2], [0, 1, 1, 2, 0]))
    users = factor_frame(spark, np.eye(3, 2), "user_index")
    items = factor_frame(spark, np.eye(3, 2), "item_index")
    with pytest.warns(CutoffBeyondCatalogWarning, match=r"ks = \[2, 5\]: K = 5 is larger "
                                                        r"than the catalog \(3 items\)"):
        evaluate_factors(users, items, full, full, ks=[2, 5], metrics=["recall"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", CutoffBeyondCatalogWarning)
        evaluate_factors(users, items, full, full, ks=[2, 3], metrics=["recall"])


@pytest.mark.parametrize(("settings", "says"), [
    ({"factors": 70000}, r"factors must be <= 65536, got 70000"),
    ({"iterations": 10**6}, r"iterations must be <= 10000, got 1000000"),
    ({"regularization": 1e39}, r"regularization must lie within float32's range"),
    ({"alpha": 1e39}, r"alpha must lie within float32's range"),
])
def test_spark_als_takes_the_bounds_of_the_als_it_exports(spark, settings, says):
    """to_recstack() makes a recstack ALS: settings that one refuses trained on the cluster
    and were refused only at the export."""
    from recstack.models.als import ALS
    from recstack.spark.models import SparkALS

    with pytest.raises(ConfigError, match=rf"^als: {says}"):
        ALS(**settings).validate_params()
    with pytest.raises(ConfigError, match=rf"^SparkALS: {says}"):
        SparkALS(**settings).fit(_spark(spark, ROWS))
