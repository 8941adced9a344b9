"""Command-line mistakes of the fourth bad-input probe: each test failed before its fix."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

import recstack.data.synthetic
from recstack.cli import main
from recstack.data.sources import LoaderOptions
from recstack.errors import ConfigError

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _no_work(*args, **kwargs):
    raise AssertionError("the data was read or generated before the output was checked")


@pytest.mark.parametrize("command", [
    ["data", "split", SMALL, "--out"],
    ["data", "synth", "--users", "300", "--items", "200", "--interactions", "6000", "--out"],
])
def test_an_output_folder_in_the_way_is_refused_before_any_work(tmp_path, capsys,
                                                                 monkeypatch, command):
    # the data was generated (or read and split) first, then refused for its output
    monkeypatch.setattr(recstack.data.synthetic, "generate", _no_work)
    (tmp_path / "taken").mkdir()
    (tmp_path / "file").write_text("x")
    code, err = _run(capsys, *command, str(tmp_path / "taken"))
    assert code == 2 and err.startswith("recstack: error: ") and "taken already exists" in err
    code, err = _run(capsys, *command, str(tmp_path / "file"))
    assert code == 2 and "file: is a file, but a folder is to be written there" in err
    code, err = _run(capsys, *command, str(tmp_path / "file" / "below"))
    assert code == 2 and "file is a file, not a folder" in err


def test_a_failed_split_leaves_no_output_and_no_staging_folder(tmp_path, capsys):
    code, err = _run(capsys, "data", "split", SMALL, "--method", "kfold", "--k", str(10**20),
                     "--out", str(tmp_path / "folds"))
    assert code == 2 and "k = 100000000000000000000 folds, but there are only 6,000" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0", "soon"])
def test_serve_poll_seconds_must_be_a_finite_positive_number(capsys, value):
    # nan was "poll_seconds: Input should be less than or equal to 3600"
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--registry", "reg", "--poll-seconds", value])
    assert caught.value.code == 2
    wanted = "expected a number, got 'soon'" if value == "soon" else \
        f"must be a finite number > 0, got {value}"
    assert f"argument --poll-seconds: {wanted}\n" in capsys.readouterr().err


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    # `recstack data info ... --json | head -1` ended in a BrokenPipeError traceback
    command = [sys.executable, "-m", "recstack.cli", "data", "info", SMALL, "--json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=tmp_path)
    process.stdout.close()  # the reader goes away before the output is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 128 + signal.SIGPIPE
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("spelling", ["\\t", "tab", "\t"])
def test_separator_takes_a_tab_in_the_spellings_a_shell_allows(tmp_path, capsys, spelling):
    # '\t' typed in a shell is a backslash and a t: it was refused as two characters
    path = tmp_path / "log.txt"
    path.write_text("user_id\titem_id\n1\t10\n2\t10\n")
    assert main(["data", "info", str(path), "--separator", spelling, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 2 and summary["users"] == 2 and summary["items"] == 1


def test_a_backslash_t_separator_in_an_experiment_file_is_explained():
    with pytest.raises(ConfigError, match=r"separator = '\\\\t': .*that is a backslash and a "
                                          r"'t': write the tab itself"):
        LoaderOptions(separator="\\t")


def test_split_refuses_an_out_that_is_or_holds_its_source(tmp_path, capsys):
    # with --overwrite, the data set being split was replaced by the split of itself
    dataset = tmp_path / "dataset"
    assert main(["data", "synth", "--users", "300", "--items", "200", "--interactions",
                 "6000", "--out", str(dataset)]) == 0
    capsys.readouterr()
    before = sorted(p.name for p in dataset.iterdir())
    for source in (dataset, dataset / "interactions.parquet"):
        code, err = _run(capsys, "data", "split", str(source), "--out", str(dataset),
                         "--overwrite")
        assert code == 2 and f"{dataset}: is " in err
        assert "which writing the split there would replace; choose another --out" in err
    assert sorted(p.name for p in dataset.iterdir()) == before == ["interactions.parquet",
                                                                   "items.parquet"]
    # a new folder inside the source's folder replaces nothing
    assert main(["data", "split", str(dataset), "--out", str(dataset / "split")]) == 0
