"""A ``[data]`` path that names the wrong thing as a whole is refused naming the experiment
file and the key that gave it (found by ``test_four_hundred_fifty_eighth_mutated_
experiments``, mutating ``source`` to the experiment's own folder):

- ``source = "."`` (or ``train``/``test``) for a folder holding a ``ratings.csv`` is read
  as a MovieLens release, and was refused as "/data: movies.csv is missing (expected the
  files of MovieLens LATEST: ratings.csv, movies.csv)", naming neither the experiment file
  nor the setting;
- loader options given with ``train`` and ``test``, one of them no CSV, TSV or Parquet
  file, were refused without saying which of the two it is.

A refusal of a line of the data still names the data file and line, as before.
"""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import DataFormatError

RATINGS = "user_id,item_id,value\n" + "".join(
    f"u{user},i{item},{1 + (user + item) % 5}\n" for user in range(8) for item in range(6)
    if (user + item) % 3)

TAIL = """\
[evaluation]
metrics = ["ndcg"]
ks = [3]
[[models]]
type = "most_popular"
"""
SPLIT = '[split]\nmethod = "random"\ntest_fraction = 0.2\n'
MISSING = ("movies.csv is missing (expected the files of MovieLens LATEST: ratings.csv, "
           "movies.csv)")


def _evaluate(tmp_path, capsys, data: str) -> tuple[int, str]:
    (tmp_path / "ratings.csv").write_text(RATINGS, encoding="utf-8")
    (tmp_path / "e.toml").write_text(f'name = "p"\n[data]\n{data}\n{TAIL}', encoding="utf-8")
    code = main(["evaluate", str(tmp_path / "e.toml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["e.toml", "ratings.csv"]
    return code, err


@pytest.mark.parametrize("data, key", [
    (f'source = "."\n{SPLIT}', "source"),
    ('train = "."\ntest = "ratings.csv"', "train"),
    ('train = "ratings.csv"\ntest = "."', "test"),
])
def test_the_experiments_folder_read_as_a_release_names_the_setting(tmp_path, capsys, data,
                                                                     key):
    code, err = _evaluate(tmp_path, capsys, data)
    assert code == 2
    # the ratings file read before the folder (test = ".") may say which column it read
    assert err.splitlines()[-1] == (
        f"recstack: error: {tmp_path / 'e.toml'}: [data] {key} = \".\": {tmp_path}: {MISSING}")
    assert "Traceback" not in err


def test_the_refusal_keeps_its_kind_and_the_datas_place(tmp_path):
    from recstack.config import load_experiment
    from recstack.experiment import run_experiment

    (tmp_path / "ratings.csv").write_text(RATINGS, encoding="utf-8")
    (tmp_path / "e.toml").write_text(f'[data]\nsource = "."\n{SPLIT}{TAIL}', encoding="utf-8")
    with pytest.raises(DataFormatError) as refused:
        run_experiment(load_experiment(tmp_path / "e.toml"))
    assert str(refused.value) == f"{tmp_path / 'e.toml'}: [data] source = \".\": {tmp_path}: " \
                                 f"{MISSING}"
    assert refused.value.file == str(tmp_path)
    assert refused.value.expected == "the files of MovieLens LATEST: ratings.csv, movies.csv"


def test_loader_options_name_the_part_they_do_not_apply_to(tmp_path, capsys):
    code, err = _evaluate(tmp_path, capsys, 'train = "."\ntest = "ratings.csv"\nseparator = ","')
    assert code == 2
    assert err == (f"recstack: error: {tmp_path / 'e.toml'}: [data] separator: loader options "
                   "apply to CSV, TSV and Parquet files, not to a movielens source, which "
                   "train = \".\" names\n")


def test_a_line_of_the_data_is_still_the_datas_to_name(tmp_path, capsys):
    (tmp_path / "log.csv").write_text("user_id,item_id\nu1\n", encoding="utf-8")
    (tmp_path / "e.toml").write_text(f'[data]\nsource = "log.csv"\n{SPLIT}{TAIL}',
                                     encoding="utf-8")
    code = main(["evaluate", str(tmp_path / "e.toml"), "--out", str(tmp_path / "out")])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert line.startswith(f"recstack: error: {tmp_path / 'log.csv'}:2: ")
    assert "e.toml" not in line
    assert not (tmp_path / "out").exists()
