"""Fourteenth bad-input probe, a results.json edited by hand: a model's
``users_without_relevant`` or ``fit_seconds`` written as null was a bare TypeError from
``int(None)`` / ``float(None)`` while the folder was read, and a negative count was shown in
the report as it was. Now a null time reads as "not measured" (NaN, as a NaN is written)
and a count that is null or below 0 is refused naming the field."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def _edited(results_dir: Path, tmp_path: Path, key: str, value) -> Path:
    folder = Path(shutil.copytree(results_dir, tmp_path / "results"))
    path = folder / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["models"][1][key] = value
    path.write_text(json.dumps(payload), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("value", "shown"), [(None, "null"), (-3, "-3"), (2.5, "2.5")])
def test_a_count_of_users_that_is_not_a_whole_number_is_named(results_dir, tmp_path, value,
                                                               shown):
    folder = _edited(results_dir, tmp_path, "users_without_relevant", value)
    with pytest.raises(RecstackError) as refused:
        read_results(folder)
    assert str(refused.value) == (
        f"{folder / 'results.json'}: 'models[2].users_without_relevant' is {shown}; "
        "expected a whole number of users >= 0; rerun `recstack evaluate` or restore the "
        "file")


def test_a_negative_fit_time_is_named(results_dir, tmp_path):
    folder = _edited(results_dir, tmp_path, "fit_seconds", -1.0)
    with pytest.raises(RecstackError, match=r"'models\[2\]\.fit_seconds' is -1\.0; expected "
                                            r"a number of seconds >= 0 or null"):
        read_results(folder)


def test_a_fit_time_written_as_null_reads_as_not_measured(results_dir, tmp_path):
    folder = _edited(results_dir, tmp_path, "fit_seconds", None)
    read = read_results(folder)
    label = read.labels[1]
    assert math.isnan(read.fit_seconds[label])
    assert all(not math.isnan(read.fit_seconds[other]) for other in read.labels
               if other != label)
