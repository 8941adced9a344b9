"""Round 53 (G): ``recstack tune --out FILE`` checks FILE is free before the search; a file
created there while the search ran (a second ``recstack tune`` with the same --out,
started alongside) was replaced without --overwrite when this one ended."""

from __future__ import annotations

from recstack import tuning
from recstack.cli import main

EXPERIMENT = """seed = 3
[data]
source = "synthetic:n_users=200,n_items=100,n_interactions=3000,seed=2"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
label = "pop"
[tune]
model = "pop"
trials = 2
"""


def test_an_out_file_made_during_the_search_is_kept_without_overwrite(
        tmp_path, capsys, monkeypatch):
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    out = tmp_path / "tuned.toml"
    original = tuning.tune

    def tune_while_another_run_writes(experiment, **kwargs):
        result = original(experiment, **kwargs)
        out.write_text("# the other run's file\n")
        return result

    monkeypatch.setattr(tuning, "tune", tune_while_another_run_writes)
    code = main(["tune", str(tmp_path / "exp.toml"), "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 2
    assert out.read_text() == "# the other run's file\n"
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in err
    assert "was created while the search ran" in errors[0] and "--overwrite" in errors[0]
    # the search's result is not lost
    assert "best ndcg@10 on the validation split" in printed and "half_life_days" in printed


def test_with_overwrite_the_file_made_during_the_search_is_replaced(
        tmp_path, capsys, monkeypatch):
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    out = tmp_path / "tuned.toml"
    original = tuning.tune

    def tune_while_another_run_writes(experiment, **kwargs):
        result = original(experiment, **kwargs)
        out.write_text("# the other run's file\n")
        return result

    monkeypatch.setattr(tuning, "tune", tune_while_another_run_writes)
    code = main(["tune", str(tmp_path / "exp.toml"), "--out", str(out), "--overwrite"])
    capsys.readouterr()
    assert code == 0 and "half_life_days" in out.read_text()
