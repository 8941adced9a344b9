"""The per-row context of `Interactions` (a device, an hour...): kept aligned with its rows
by every row operation, split and filter, chosen by the deduplication policy with the
value, read by the loaders only when declared, and round-tripped by save/load."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.filters import FILTERS
from recstack.data.interactions import Interactions, concat
from recstack.data.sources import LoaderOptions, load_source
from recstack.data.splits import SPLITS
from recstack.errors import ConfigError, DataFormatError, RecstackError


def with_context(n: int = 400, seed: int = 0) -> Interactions:
    """Random interactions whose context column ``row`` is each row's original position,
    so any result can be checked against the rows it came from."""
    rng = np.random.default_rng(seed)
    users = rng.integers(0, 30, n)
    items = rng.integers(0, 40, n)
    values = rng.integers(1, 6, n).astype(np.float32)
    times = rng.integers(0, 10_000, n)
    context = pd.DataFrame({"row": np.arange(n), "device": rng.choice(["mobile", "web"], n)})
    return Interactions.from_arrays(users, items, values, times, rating_range=(1, 5),
                                    context=context)


def assert_aligned(result: Interactions, original: Interactions, *,
                   combined: bool = False) -> None:
    """Each row of ``result`` holds the user, item (external ids), value and time of the
    original row its context names (``combined``: values and times may be merged)."""
    assert result.context is not None and len(result.context) == len(result)
    rows = result.context["row"].to_numpy()
    np.testing.assert_array_equal(result.users.to_external(result.user_index),
                                  original.users.to_external(original.user_index[rows]))
    np.testing.assert_array_equal(result.items.to_external(result.item_index),
                                  original.items.to_external(original.item_index[rows]))
    expected_device = np.asarray(original.context["device"])[rows]
    np.testing.assert_array_equal(result.context["device"].to_numpy(), expected_device)
    if not combined:
        np.testing.assert_array_equal(result.value, original.value[rows])
        np.testing.assert_array_equal(result.timestamp, original.timestamp[rows])


def test_every_row_operation_keeps_the_context_aligned():
    data = with_context()
    mask = data.value >= 3
    assert_aligned(data.select(slice(10, 50)), data)
    assert_aligned(data.select(mask), data)
    assert_aligned(data.select(np.array([7, 3, 3, 0])), data)
    assert_aligned(data.between(2_000, 7_000), data)  # unsorted rows: a mask
    by_time = data.sort_by_time()
    assert_aligned(by_time, data)
    assert_aligned(by_time.between(2_000, 7_000), data)  # sorted rows: a slice
    assert_aligned(data.sort_by_user_time(), data)
    assert_aligned(data.for_users(np.array([0, 4, 9])), data)
    assert_aligned(data.for_items(np.arange(data.n_items) % 3 == 0), data)
    assert_aligned(data.for_users([1, 2]).compact(), data)
    assert_aligned(data.implicit(threshold=4.0), data, combined=True)
    assert_aligned(data.with_values(np.ones(len(data), np.float32)), data, combined=True)
    assert_aligned(concat([data.select(mask), data.select(~mask)]), data)
    for policy in ("keep", "first", "last", "max"):
        assert_aligned(data.deduplicate(policy), data, combined=policy == "max")
    assert_aligned(data.deduplicate("mean"), data, combined=True)
    # 'sum' adds up counts (refused on ratings): the same rows as implicit counts
    assert_aligned(replace(data, rating_range=None).deduplicate("sum"), data, combined=True)


def test_deduplication_keeps_the_context_of_the_row_whose_value_it_keeps():
    # one (user, item) pair three times; by time: b (t=5, 5.0), a (t=10, 3.0), c (t=20, 5.0)
    data = Interactions.from_arrays(
        np.array([1, 1, 1, 2]), np.array([9, 9, 9, 9]),
        np.array([3.0, 5.0, 5.0, 1.0]), np.array([10, 5, 20, 1]),
        context=pd.DataFrame({"device": ["a", "b", "c", "d"]}))
    expected = {"first": "b", "last": "c", "max": "b", "sum": "c", "mean": "c"}
    for policy, device in expected.items():
        result = data.deduplicate(policy)
        assert result.context["device"].tolist() == [device, "d"], policy
    assert data.deduplicate("mean").value.tolist() == [pytest.approx(13 / 3), 1.0]
    # from_arrays resolves duplicates with the same rule
    built = Interactions.from_arrays(
        np.array([1, 1]), np.array([9, 9]), np.array([2.0, 4.0]), np.array([5, 1]),
        duplicates="max", context=pd.DataFrame({"device": ["x", "y"]}))
    assert built.context["device"].tolist() == ["y"]


def test_every_registered_split_and_filter_keeps_the_context_aligned():
    data = with_context(n=1_500, seed=1)
    split_params = {"temporal": {"test_fraction": 0.3}}
    checked = []
    for name in SPLITS.names():
        spec = SPLITS.build(name, split_params.get(name, {}))
        for split in spec.apply(data):
            for part in (split.train, split.test, split.set_apart, split.fold_in):
                if part is not None:
                    assert_aligned(part, data)
        checked.append(name)
    filter_params = {"min_value": {"threshold": 3}, "time_window": {"start": 1_000},
                     "k_core": {"user_min": 3, "item_min": 3}}
    for name in FILTERS.names():
        spec = FILTERS.build(name, filter_params.get(name, {}))
        result, _ = spec.apply(data)
        assert_aligned(result, data, combined=name == "deduplicate")
        checked.append(name)
    # a split or filter registered later is checked too (this list is not hand-kept)
    assert checked == SPLITS.names() + FILTERS.names()


def test_without_context_nothing_is_stored_and_concat_fills_missing_rows():
    plain = Interactions.from_arrays(np.array([1, 2]), np.array([3, 4]))
    assert plain.context is None
    assert plain.select(np.array([1])).context is None
    assert plain.deduplicate("sum").context is None
    assert list(plain.to_frame().columns) == ["user_id", "item_id", "value"]
    rich = Interactions(plain.user_index, plain.item_index, plain.value, None, plain.users,
                        plain.items, context=pd.DataFrame({"device": ["m", "w"]}))
    both = concat([rich, plain])
    assert both.context["device"].iloc[:2].tolist() == ["m", "w"]
    assert both.context["device"].iloc[2:].isna().all()
    assert list(rich.to_frame().columns) == ["user_id", "item_id", "value", "device"]


def test_a_bad_context_is_refused_naming_the_problem():
    with pytest.raises(DataFormatError, match="context has 1 row for 2 interactions"):
        Interactions.from_arrays([1, 2], [3, 4], context=pd.DataFrame({"d": ["x"]}))
    with pytest.raises(DataFormatError, match="context has a column named 'value'"):
        Interactions.from_arrays([1, 2], [3, 4], context=pd.DataFrame({"value": [1, 2]}))
    with pytest.raises(DataFormatError, match="a pandas DataFrame"):
        Interactions.from_arrays([1, 2], [3, 4], context={"d": ["x", "y"]})
    with pytest.raises(RecstackError, match="no column 'devise' for context"):
        Interactions.from_frame(pd.DataFrame({"user_id": [1], "item_id": [2], "device": ["m"]}),
                                context_cols=["devise"])


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [5, 6, 5, 7],
                  "timestamp": [10, 20, 30, 40], "device": ["m", "w", "", "m"],
                  "screen": ["3", "5", "", "4"], "page": ["a", "b", "c", "d"]}
                 ).to_csv(path, index=False)
    return path


def test_loaders_keep_declared_context_columns_and_drop_the_rest(log_file):
    data = load_source(str(log_file), options=LoaderOptions(context=("device", "screen")))
    assert list(data.context.columns) == ["device", "screen"]
    assert data.context["device"].tolist() == ["m", "w", None, "m"]
    # a column of numbers (one missing) is read as numbers: integers with a gap as
    # nullable integers (Int64), the missing one pandas' NA
    assert data.context["screen"].tolist()[:2] == [3.0, 5.0]
    assert str(data.context["screen"].dtype) == "Int64"
    assert pd.isna(data.context["screen"].iloc[2])
    assert load_table(log_file).context is None  # undeclared: dropped, as before
    with pytest.raises(RecstackError, match="no column 'devise' for context"):
        load_table(log_file, context=["devise"])
    with pytest.raises(RecstackError, match="holds the timestamps"):
        load_table(log_file, context=["timestamp"])
    with pytest.raises(ConfigError, match="distinct, non-empty"):
        LoaderOptions(context=("device", "device")).check()


def test_save_and_load_round_trip_the_context(log_file, tmp_path):
    data = load_table(log_file, context=["device", "page"], duplicates="last")
    parquet = save_table(data, tmp_path / "copy.parquet")
    back = load_table(parquet)  # the file records its context columns
    assert list(back.context.columns) == ["device", "page"]
    assert back.context["page"].tolist() == data.context["page"].tolist()
    assert back.context["device"].fillna("-").tolist() == ["m", "w", "-", "m"]
    assert load_table(parquet, context=[]).context is None
    text = save_table(data, tmp_path / "copy.csv")
    again = load_table(text, context=["page"])
    assert again.context["page"].tolist() == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(again.timestamp, data.timestamp)


def test_an_experiment_and_the_cli_declare_context_columns(log_file, tmp_path):
    from recstack.cli import main
    from recstack.config import parse_experiment
    from recstack.experiment import prepare_data

    experiment = parse_experiment({
        "data": {"source": str(log_file), "context": ["device"]},
        "split": {"method": "leave_last_out"}, "models": [{"type": "most_popular"}]})
    data, _ = prepare_data(experiment)
    assert data.context["device"].tolist() == ["m", "w", None, "m"]
    with pytest.raises(ConfigError, match="context"):
        parse_experiment({"data": {"source": "synthetic", "context": ["device"]},
                          "models": [{"type": "most_popular"}]})
    rng = np.random.default_rng(2)
    n = 120
    log = pd.DataFrame({"user_id": rng.integers(0, 8, n), "item_id": rng.integers(0, 6, n),
                        "timestamp": np.arange(n), "device": rng.choice(["m", "w"], n),
                        "page": [f"p{r}" for r in range(n)]})
    bigger = tmp_path / "bigger.csv"
    log.to_csv(bigger, index=False)
    out = tmp_path / "split"
    assert main(["data", "split", str(bigger), "--context", "device,page",
                 "--method", "random", "--out", str(out)]) == 0
    for part in ("train", "test"):
        written = load_table(out / f"{part}.parquet")
        assert list(written.context.columns) == ["device", "page"]
        rows = written.context["page"].str[1:].astype(int).to_numpy()
        np.testing.assert_array_equal(written.timestamp, log["timestamp"].to_numpy()[rows])
        np.testing.assert_array_equal(written.context["device"], log["device"].to_numpy()[rows])
