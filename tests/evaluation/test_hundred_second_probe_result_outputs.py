"""One output rule for the files an ``EvaluationResult`` writes, the project's for a file a
Python call writes: ``to_csv`` made missing folders (a misspelt folder became a new tree)
and both ``to_json`` and ``to_csv`` replaced an existing file without a word. The folder
must now exist (as for ``save_table``) and an existing file is replaced only with
``overwrite=True`` (as ``Model.save``). ``comparison_table([])`` returned an empty table of
no columns; it now says what to pass."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, comparison_table

RESULT = EvaluationResult("ease", pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                                               index=pd.Index([1, 2], name="user_id")))
WRITES = [("to_json", "summary.json"), ("to_csv", "summary.csv")]


@pytest.mark.parametrize(("method", "name"), WRITES)
def test_an_existing_file_is_kept_without_overwrite(tmp_path, method, name):
    path = tmp_path / name
    path.write_text("earlier results\n")
    with pytest.raises(RecstackError, match=rf"^ease.{method}\(path\): .*{name} already "
                                            r"exists; pass overwrite=True to replace it"):
        getattr(RESULT, method)(path)
    assert path.read_text() == "earlier results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(("method", "name"), WRITES)
def test_overwrite_replaces_an_existing_file(tmp_path, method, name):
    path = tmp_path / name
    path.write_text("earlier results\n")
    getattr(RESULT, method)(path, overwrite=True)
    assert "ndcg@10" in path.read_text()


@pytest.mark.parametrize(("method", "name"), WRITES)
def test_a_missing_folder_is_refused_not_made(tmp_path, method, name):
    path = tmp_path / "reslts" / "run1" / name
    with pytest.raises(RecstackError, match=rf"^ease.{method}\(path\): .*{name}: cannot write "
                                            r"it, its folder .*run1 does not exist; create it "
                                            r"first$"):
        getattr(RESULT, method)(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("method", "name"), WRITES)
def test_a_file_in_place_of_the_folder_is_refused(tmp_path, method, name):
    (tmp_path / "results").write_text("x")
    with pytest.raises(RecstackError, match=r"its folder .*results is a file"):
        getattr(RESULT, method)(tmp_path / "results" / name)
    assert (tmp_path / "results").read_text() == "x"


@pytest.mark.parametrize(("method", "name"), WRITES)
@pytest.mark.parametrize("overwrite", ["yes", 1, None])
def test_overwrite_must_be_true_or_false(tmp_path, method, name, overwrite):
    with pytest.raises(RecstackError, match=rf"^ease.{method}\(path\): overwrite must be True"):
        getattr(RESULT, method)(tmp_path / name, overwrite=overwrite)
    assert list(tmp_path.iterdir()) == []


def test_to_json_without_a_path_writes_nothing_and_ignores_the_folder_rule(tmp_path):
    assert '"model": "ease"' in RESULT.to_json()


@pytest.mark.parametrize("empty", [[], ()])
def test_comparison_table_of_no_results_is_refused(empty):
    with pytest.raises(RecstackError, match=r"^comparison_table needs at least one "
                                            r"EvaluationResult, got an empty list; pass"):
        comparison_table(empty)
