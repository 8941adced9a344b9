"""An experiment with an HTML report gives each warning of its data's loading and
splitting once: the report loads and splits the data again, and a leave-last-out split's
TiedLastRowsWarning was printed twice by every such run on MovieLens (whose ratings tie
in time)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from recstack.config import load_experiment
from recstack.data.splits import TiedLastRowsWarning
from recstack.experiment import run_experiment


def test_a_split_warning_is_given_once_with_the_report(tmp_path) -> None:
    rng = np.random.default_rng(0)
    rows = []
    for user in range(40):
        # in item order, as many exports list them: the tied rows' order then picks the
        # held-out item systematically, which the split warns of
        items = np.sort(rng.choice(30, 8, replace=False))
        for position, item in enumerate(items):
            # the user's last two rows share one time: the held-out one is chosen by order
            rows.append((user, int(item), 4.0, 1_000_000 + 60 * min(position, 6)))
    pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp"]).to_csv(
        tmp_path / "log.csv", index=False)
    (tmp_path / "exp.toml").write_text(
        'name = "tied"\nseed = 0\n[data]\nsource = "log.csv"\n'
        '[split]\nmethod = "leave_last_out"\n'
        '[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n'
        '[report]\nhtml = true\nprojection = "none"\n'
        '[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    experiment = load_experiment(tmp_path / "exp.toml")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_experiment(experiment, out=tmp_path / "out")
    assert (tmp_path / "out" / "report.html").is_file()
    tied = [w for w in caught if issubclass(w.category, TiedLastRowsWarning)]
    assert len(tied) == 1
    assert "40 users" in str(tied[0].message)
