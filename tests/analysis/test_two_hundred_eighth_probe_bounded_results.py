"""Two-hundred-eighth probe: a results folder's bounded metrics beyond the shares.

``recstack.analysis.results_folder`` kept its own copy of the share metrics, so a
hand-edited per-user file holding a negative novelty, a negative popularity or a diversity
of 2.5 (a mean cosine distance, from 0 to 2) was refused by ``EvaluationResult`` naming the
model and user, not the file and line; a mean of results.json outside those bounds was
refused as an interval that leaves out the mean; a catalog coverage of 1.7 or a negative
novelty among the aggregates named the model, not results.json and the field; and a mean or
an aggregate written as an integer of 400 digits was Python's OverflowError. Each is now
refused naming the file, the line (or field) and the column, by the evaluation's own bounds
(:data:`recstack.evaluation.results.BOUNDED_METRICS`). Each test failed before its fix."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.experiment import run_experiment

RAW = {
    "name": "bounded",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "novelty", "diversity", "popularity",
                               "coverage"], "ks": [5]},
    "models": [{"type": "most_popular"}],
}
PER_USER = "per_user_most_popular.csv"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bounded") / "results"
    run_experiment(parse_experiment(RAW, source="bounded.toml", base=Path.cwd()), out=out)
    return out


@pytest.fixture
def folder(tmp_path: Path, written: Path) -> Path:
    copy = tmp_path / "results"
    shutil.copytree(written, copy)
    return copy


def _set_cell(folder: Path, column: str, row: int, value: str) -> None:
    """Write ``value`` in ``column`` of data row ``row`` (1: the line after the header) and
    the column's new mean (its interval widened to hold it) into results.json, as a careful
    hand edit would, so that only the value's bounds are wrong."""
    path = folder / PER_USER
    rows = list(csv.reader(path.open(newline="")))
    rows[row][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    mean = float(pd.read_csv(path)[column].mean())

    def change(model):
        stored = model["metrics"][column]
        stored.update(mean=mean, ci_low=min(stored["ci_low"], mean),
                      ci_high=max(stored["ci_high"], mean))
    _edit(folder, change)


def _edit(folder: Path, change) -> None:
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    change(payload["models"][0])
    path.write_text(json.dumps(payload))


def test_the_written_folder_reads(folder):
    result = read_results(folder).results[0]
    assert {"novelty@5", "diversity@5", "popularity@5"} <= set(result.per_user.columns)
    assert "coverage@5" in result.aggregate


@pytest.mark.parametrize("column, value, why", [
    ("novelty@5", "-1.5", r"novelty is -log2 of a probability, at least 0; expected a value "
                          r">= 0"),
    ("popularity@5", "-3", r"popularity is a mean count of training users, at least 0; "
                           r"expected a value >= 0"),
    ("diversity@5", "2.5", r"diversity is a mean cosine distance, between 0 and 2; expected "
                           r"a value in \[0, 2\]"),
])
def test_a_per_user_value_outside_its_bounds_names_file_line_and_column(folder, column,
                                                                       value, why):
    _set_cell(folder, column, 3, value)  # the third user: line 4 (line 1 is the header)
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value).startswith(f"{folder / PER_USER}: line 4: column {column!r} "
                                        f"holds {float(value)!r}, but ")
    assert re.search(why, str(raised.value))
    assert str(raised.value).endswith("; the file is damaged: rerun `recstack evaluate`")


def test_values_on_the_bounds_are_read(folder):
    _set_cell(folder, "diversity@5", 1, "2.0")
    _set_cell(folder, "novelty@5", 2, "0")
    _set_cell(folder, "popularity@5", 2, "0")
    per_user = read_results(folder).results[0].per_user
    assert per_user["diversity@5"].iloc[0] == 2.0
    assert per_user["novelty@5"].iloc[1] == 0.0


@pytest.mark.parametrize("metric, value, wanted", [
    ("novelty@5", -1.0, "a value >= 0 (novelty is -log2 of a probability, at least 0)"),
    ("diversity@5", 3.0, "a value between 0 and 2 (diversity is a mean cosine distance, "
                         "between 0 and 2)"),
    ("popularity@5", -0.5, "a value >= 0 (popularity is a mean count of training users, "
                           "at least 0)"),
])
def test_a_mean_outside_its_bounds_names_the_field(folder, metric, value, wanted):
    _edit(folder, lambda model: model["metrics"][metric].update(mean=value))
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value) == (
        f"{folder / 'results.json'}: 'models[1].metrics.{metric}.mean' is {value}; expected "
        f"{wanted}; rerun `recstack evaluate` or restore the file")


# catalog_coverage: a share of the evaluation's list that this module's own copy lacked
@pytest.mark.parametrize("name, value, wanted", [
    ("catalog_coverage@5", 1.7, "a share between 0 and 1 (catalog_coverage@5 is one)"),
    ("novelty@5", -1.0, "a value >= 0 (novelty is -log2 of a probability, at least 0)"),
])
def test_an_aggregate_outside_its_bounds_names_the_field(folder, name, value, wanted):
    _edit(folder, lambda model: model["aggregate"].update({name: value}))
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value) == (
        f"{folder / 'results.json'}: 'models[1].aggregate.{name}' is {value}; expected "
        f"{wanted} or null; rerun `recstack evaluate` or restore the file")


@pytest.mark.parametrize("field", ["mean", "aggregate"])
def test_a_400_digit_number_is_refused_by_its_length(folder, field):
    huge = "1" + "0" * 400
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    model = payload["models"][0]
    if field == "mean":
        model["metrics"]["precision@5"]["mean"] = "HUGE"
        where = "metrics.precision@5.mean"
    else:
        model["aggregate"]["coverage@5"] = "HUGE"
        where = "aggregate.coverage@5"
    path.write_text(json.dumps(payload).replace('"HUGE"', huge))
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value) == (
        f"{path}: 'models[1].{where}' is a 401-digit integer; expected a finite number or "
        "null; rerun `recstack evaluate` or restore the file")


@pytest.mark.parametrize("text, shown", [
    ("1e400", "'1e400'"),
    ("1" + "0" * 400, "'10000000000000000000... (401 characters)'"),
])
def test_a_number_past_the_float_range_is_shown_as_the_file_writes_it(folder, text, shown):
    # pandas read both as inf, and the refusal said the file held inf
    path = folder / PER_USER
    rows = list(csv.reader(path.open(newline="")))
    rows[3][rows[0].index("novelty@5")] = text
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value) == (f"{path}: line 4: column 'novelty@5' holds {shown}; expected "
                                 "a finite number; the file is damaged: rerun `recstack "
                                 "evaluate`")


@pytest.mark.parametrize("blank", ["", "  "])
def test_an_empty_user_id_names_its_line(folder, blank):
    # read as a user named "" (no data holds such an id) and drawn in the report as one
    path = folder / PER_USER
    rows = list(csv.reader(path.open(newline="")))
    rows[2][0] = blank
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(RecstackError) as raised:
        read_results(folder)
    assert str(raised.value) == (f"{path}: line 3: the user id (column 'user_id') is empty; "
                                 "each row names its user; the file is damaged: rerun "
                                 "`recstack evaluate`")
