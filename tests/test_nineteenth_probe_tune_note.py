"""Nineteenth bad-input probe, ``recstack evaluate`` of a file with a ``[tune]`` table: the
table was read and checked, then left out without a word (the models ran with their
``[[models]]`` parameters, which a user who wrote ``[tune]`` took for the tuned ones).
The command now says so on stderr. Failed before its fix."""

from __future__ import annotations

from recstack.cli import main

FILE = """name = "n"
[data]
source = "synthetic:n_users=30,n_items=20,n_interactions=300,seed=1"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "item_knn"
"""

TUNE = """[tune]
model = "item_knn"
trials = 2
"""


def test_evaluate_says_that_tune_is_not_used(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(FILE + TUNE)
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert (f"recstack: note: {path}: [tune] is not used by an evaluation: the models run "
            "with their [[models]] parameters; `recstack tune " + str(path) + "` searches "
            "them and writes the tuned experiment to evaluate") in err
    assert "Traceback" not in err


def test_evaluate_of_a_file_without_tune_says_nothing_of_it(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(FILE)
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "[tune]" not in capsys.readouterr().err
