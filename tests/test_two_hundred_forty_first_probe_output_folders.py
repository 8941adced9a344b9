"""Two-hundred-forty-first bad-input probe, an evaluation's ``--out`` naming a folder of
other files (a dataset folder, documents) without ``--overwrite``: it was told "results
already exist; pass --overwrite", which it did not hold, and following the advice was
refused next ("is a folder of other files"). It is now told what the folder is at once,
as `data split` and `data synth` already said; earlier results and an empty folder keep
their messages."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import RecstackError
from recstack.experiment import check_output


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_of_other_files_is_named_with_or_without_overwrite(tmp_path, overwrite):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("items.parquet", "interactions.parquet"):
        (folder / name).write_bytes(b"PAR1")
    with pytest.raises(RecstackError) as caught:
        check_output(folder, overwrite=overwrite)
    assert str(caught.value) == (f"{folder}: is a folder of other files (interactions.parquet, "
                                 "items.parquet), not earlier results (no results.json), "
                                 "which writing the results there would delete; choose "
                                 "another --out, or an empty or new folder")
    assert sorted(p.name for p in folder.iterdir()) == ["interactions.parquet",
                                                        "items.parquet"]


def test_earlier_results_and_an_empty_folder_keep_their_messages(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "results.json").write_text("{}")
    with pytest.raises(RecstackError, match="results already exist; pass --overwrite"):
        check_output(results, overwrite=False)
    assert check_output(results, overwrite=True) == results
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RecstackError, match=r"is an existing folder \(empty\); pass "
                                            "--overwrite"):
        check_output(empty, overwrite=False)


def test_evaluate_says_it_in_one_line(tmp_path, capsys):
    experiment = tmp_path / "e.toml"
    experiment.write_text('[data]\nsource = "synthetic:n_users=20,n_items=10,'
                          'n_interactions=100"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "most_popular"\n')
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    assert main(["evaluate", str(experiment), "--out", str(folder)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"recstack: error: {folder}: is a folder of other files (thesis.txt), not earlier "
        "results (no results.json), which writing the results there would delete; choose "
        "another --out, or an empty or new folder")
    assert (folder / "thesis.txt").read_text() == "years of work"
