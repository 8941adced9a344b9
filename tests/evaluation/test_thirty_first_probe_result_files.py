"""Thirty-first bad-input probe, the files an ``EvaluationResult`` writes: ``to_json`` and
``to_csv`` wrote JSON into ``x.csv``, CSV into ``x.parquet``, and a file named ``x`` for a
path ``x/`` that names a folder; ``to_csv(per_user="yes")`` took any truthy value. Each is
now refused naming the call and the path, and nothing is written."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult

RESULT = EvaluationResult("ease", pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                                               index=pd.Index([1, 2], name="user_id")))


@pytest.mark.parametrize(("write", "name", "message"), [
    (RESULT.to_json, "summary.csv", r"^ease.to_json\(path\): '.*summary.csv' ends with .csv, "
                                    r"but this writes JSON; name the file .json, e.g. "
                                    r".*summary.json$"),
    (RESULT.to_csv, "summary.parquet", r"^ease.to_csv\(path\): '.*summary.parquet' ends with "
                                       r".parquet, but this writes comma-separated text; "
                                       r"name the file .csv"),
    (RESULT.to_json, "summary/", r"^ease.to_json\(path\): '.*summary/' ends with '/', so it "
                                 r"names a folder"),
])
def test_a_result_file_named_for_another_format_is_refused(tmp_path, write, name, message):
    with pytest.raises(RecstackError, match=message):
        write(f"{tmp_path}/{name}")
    assert list(tmp_path.iterdir()) == []


def test_per_user_must_be_true_or_false(tmp_path):
    with pytest.raises(RecstackError, match=r"^ease.to_csv: per_user must be True .* or "
                                            r"False .*, got 'yes'"):
        RESULT.to_csv(tmp_path / "users.csv", per_user="yes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_result_files_of_the_right_format_are_written(tmp_path):
    RESULT.to_csv(tmp_path / "users.csv", per_user=True)
    RESULT.to_json(tmp_path / "summary.json")
    RESULT.to_json(tmp_path / "summary")  # no extension: taken as it is
    assert pd.read_csv(tmp_path / "users.csv")["ndcg@10"].tolist() == [0.1, 0.3]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary", "summary.json",
                                                          "users.csv"]
