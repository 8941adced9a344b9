"""Two-hundred-forty-ninth bad-input probe, ``recstack tune``: a warning every trial
raises (a configured ``factors = 41`` above the rank of the data, kept by every trial
of a search over ``regularization``) was printed once per trial, the same line five
times among the progress lines. Each distinct warning is now shown once, when a trial
first raises it, and one line at the end says how many trials raised it."""

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
type = "als"
factors = 41
[tune]
model = "als"
trials = 5
[tune.space]
regularization = { type = "float", low = 0.01, high = 1.0 }
"""

WARNING = ("recstack: warning: als: factors=41 is more than both the 30 user(s) and the "
           "20 item(s) of the training data; the scores have rank at most 20, so the "
           "dimensions past 20 only cost time and memory; use factors <= 20\n")


def test_a_warning_every_trial_raises_is_shown_once_then_counted(
        tmp_path, capsys, python_default_display):
    path = tmp_path / "exp.toml"
    path.write_text(FILE)
    assert main(["tune", str(path)]) == 0
    lines = [line + "\n" for line in capsys.readouterr().err.splitlines()
             if "warning" in line]
    # (shown in full once, then its first 60 characters, cut at a space, in the count)
    assert lines == [
        WARNING,
        "recstack: warning: the warning 'als: factors=41 is more than both the 30 user(s) "
        "and the 20...' was raised by 5 of the 5 trials of the search (shown once, at the "
        "first)\n"]
