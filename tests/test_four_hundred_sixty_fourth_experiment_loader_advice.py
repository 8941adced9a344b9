"""The loader's advice in an experiment run is written as the file's [data] key, in TOML:
`recstack evaluate` of a file whose log is separated by ';' was told to "pass
separator=';'", Python's spelling, and a missing column was not told which key names it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from recstack.cli import main

_BODY = '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n'


def _run(tmp_path: Path, log: str, data: str, capsys: pytest.CaptureFixture[str],
         command: str = "evaluate") -> str:
    (tmp_path / "log.csv").write_text(log)
    (tmp_path / "e.toml").write_text(f'[data]\nsource = "log.csv"\n{data}{_BODY}')
    argv = [command, str(tmp_path / "e.toml")]
    code = main(argv + ["--out", str(tmp_path / "out")] if command == "evaluate" else argv)
    error = capsys.readouterr().err
    assert code == 2, error
    assert not (tmp_path / "out").exists()
    return error


@pytest.mark.parametrize(("separator", "log"), [(";", "user_id;item_id\n1;2\n2;3\n"),
                                                ("\t", "user_id\titem_id\n1\t2\n2\t3\n")])
def test_a_separator_is_advised_as_the_data_key_in_toml(tmp_path, capsys, separator, log):
    error = _run(tmp_path, log, "", capsys)
    assert "pass separator=" not in error, error
    advised = error.split("write ", 1)[1].split(" in [data]", 1)[0]
    # the advice is TOML that reads as the file's separator
    assert tomllib.loads(advised) == {"separator": separator}, error


def test_a_missing_column_names_the_data_key(tmp_path, capsys):
    error = _run(tmp_path, "user_id,item_id\n1,2\n2,3\n", 'user_col = "uid"\n', capsys)
    assert "no column 'uid' for user ids ([data] user_col names it)" in error, error


def test_tune_gives_the_same_advice(tmp_path, capsys):
    (tmp_path / "log.csv").write_text("user_id;item_id\n1;2\n2;3\n")
    (tmp_path / "e.toml").write_text('[data]\nsource = "log.csv"\n' + _BODY
                                     + '[tune]\nmodel = "most_popular"\n')
    code = main(["tune", str(tmp_path / "e.toml")])
    error = capsys.readouterr().err
    assert code == 2, error
    assert 'write separator = ";" in [data]' in error, error
