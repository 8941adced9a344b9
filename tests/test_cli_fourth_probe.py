"""Command-line mistakes of the fourth bad-input probe: each test failed before its fix."""

from __future__ import annotations

import pytest

import recstack.data.synthetic
from recstack.cli import main

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
