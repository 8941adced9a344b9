"""Arguments of the quality check and the fold-in schedule given as other iterables than
lists: each is read once, or refused naming it, never a TypeError from inside."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model
from recstack.ops.fold_in import use_fold_in
from recstack.ops.pipeline_config import TrainingSpec
from recstack.ops.quality import QualitySpec, check_partition
from recstack.ops.retraining import fit_candidate, training_window

ROWS = pa.table({"user_id": [1, 2, 3], "item_id": [1, 2, 3], "timestamp": [100, 200, 300],
                 "value": [1.0, 2.0, 3.0]})


def volume(previous) -> tuple[str, float]:
    (result,) = [r for r in check_partition(ROWS, QualitySpec(), previous_rows=previous)
                 if r.check == "volume"]
    return result.status, result.share


@pytest.mark.parametrize("previous", [
    [3, 30], (3, 30), np.array([3, 30]), (n for n in [3, 30]), iter([3, 30]),
])
def test_previous_rows_as_any_iterable_of_counts_gives_the_volume_check(previous):
    """A generator was used up by the argument check, then sliced (TypeError); a numpy
    array of two counts was 'truth value ambiguous'."""
    status, ratio = volume(previous)
    median = np.median([3, 30])  # 16.5 against 3 rows
    assert ratio == pytest.approx(median / 3)
    assert status == "warned"  # 5.5: above volume_warn = 2, below volume_fail = 10


def test_previous_rows_of_another_kind_is_still_refused():
    with pytest.raises(ConfigError, match="previous_rows must be a list of the row counts"):
        volume(n for n in [3.5])


@pytest.fixture(scope="module")
def ials():
    data = generate(n_users=40, n_items=20, n_interactions=300, seed=0)
    return create_model("ials", factors=4, iterations=1).fit(data)


@pytest.mark.parametrize("strategies", [
    None, (s for s in ["retrain"]), {"retrain"}, ["retrain", "magic"], ["Fold_in"],
])
def test_strategies_not_a_list_of_known_strategies_are_refused(ials, strategies):
    """None and a generator were TypeErrors from reversed(); a misspelt strategy counted as
    a retrain, restarting the fold-in streak."""
    with pytest.raises(ConfigError, match="use_fold_in: strategies must be a list of the "
                                          "completed runs' strategies"):
        use_fold_in(2, strategies, ials)


def test_a_negative_between_is_refused(ials):
    with pytest.raises(ConfigError, match=r"between must be a whole number of runs >= 0.*"
                                          "got -1"):
        use_fold_in(-1, ["retrain"], ials)


def test_a_tuple_of_strategies_is_read_as_the_list(ials):
    assert use_fold_in(2, ("retrain", "fold_in"), ials)
    assert not use_fold_in(2, ("retrain", "fold_in", "fold_in"), ials)


@pytest.mark.parametrize("catalog", [np.array([1.0, np.nan]),
                                     np.array([1, None], dtype=object)])
def test_a_catalog_of_numbers_with_a_gap_is_not_called_text(catalog):
    """A float catalog (integer ids read beside a NaN) matches 1 with 1.0: items 2 and 3
    are unknown because they are missing, not because 5 and '5' differ, as the check
    said."""
    (result,) = [r for r in check_partition(ROWS, QualitySpec(), catalog_items=catalog)
                 if r.check == "unknown_items"]
    assert result.count == 2 and result.examples == [2, 3]
    assert "differ" not in result.message


@pytest.mark.parametrize(("n", "spec", "says"), [
    ("5", TrainingSpec(), "n_partitions must be the number of partitions \\(an int\\), "
                          "got '5'"),
    (5.0, TrainingSpec(), "n_partitions must be .*got 5.0"),
    (True, TrainingSpec(), "n_partitions must be .*got True"),
    (5, {"window": "sliding", "partitions": 2}, "spec must be a TrainingSpec .*got dict"),
    (5, None, "spec must be a TrainingSpec .*got NoneType"),
])
def test_training_window_arguments_of_the_wrong_kind_are_named(n, spec, says):
    """'5' and 5.0 were TypeErrors from a comparison, True read as one partition, the
    [training] table as a dict an AttributeError."""
    with pytest.raises(ConfigError, match=f"^training_window: {says}"):
        training_window(n, spec)


def test_training_window_takes_a_numpy_count():
    assert training_window(np.int64(5), TrainingSpec(window="sliding", partitions=2)) == [2, 3]


@pytest.fixture(scope="module")
def window():
    return generate(n_users=30, n_items=20, n_interactions=200, seed=0)


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"params": None}, ConfigError, "fit_candidate: params must be a dict of ease's "
                                    "hyperparameters"),
    ({"params": [("regularization", 5.0)]}, ConfigError, "params must be a dict"),
    ({"train": "window.parquet"}, RecstackError, "train must be recstack Interactions"),
    ({"train": "frame"}, RecstackError, "train must be recstack Interactions.*got DataFrame"),
    ({"warm_iterations": 0}, ConfigError, "warm_iterations must be a whole number >= 1"),
    ({"warm_iterations": 2.5}, ConfigError, "warm_iterations must be a whole number >= 1"),
])
def test_fit_candidate_arguments_of_the_wrong_kind_are_named(window, arguments, error, says):
    """A DataFrame was an AttributeError on .compact, None params a TypeError from **."""
    call = {"params": {}, "train": window} | arguments
    if call["train"] == "frame":
        call["train"] = window.to_frame()
    with pytest.raises(error, match=says):
        fit_candidate("ease", call.pop("params"), call.pop("train"), **call)


def test_fit_candidate_still_fits(window):
    model, warm = fit_candidate("ease", {"regularization": 10.0}, window, warm_iterations=2)
    assert model.is_fitted and not warm
