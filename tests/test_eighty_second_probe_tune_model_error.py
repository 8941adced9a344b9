"""A tuned model that fails with its configured values whatever the search draws (a
misspelt feature column) is reported as the model's own error, naming the file and its
[[models]] entry, not as the trial's drawn values ("narrow the ranges")."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import RecstackError
from tests.test_seventy_eighth_probe_files import EXPERIMENT_FILE

pytest.importorskip("optuna")

FILE = EXPERIMENT_FILE + """\
[tune]
model = "two_stage"
trials = 2
[tune.space]
n_candidates = { type = "int", low = 20, high = 60 }
"""


def test_tune_names_the_models_entry(tmp_path, capsys):
    path = tmp_path / "x.toml"
    path.write_text(FILE, encoding="utf-8")
    assert main(["tune", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"recstack: error: {path}: [[models]] #2 (two_stage): features: "
                          "item_columns names ['genress']"), err
    assert "trial" not in err and "narrow" not in err
    assert not (tmp_path / "x.tuned.toml").exists()


def test_search_says_the_configured_values_fail_alike():
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import search

    data = generate(n_users=200, n_items=100, n_interactions=3000, seed=1)
    split = random_split(data, test_fraction=0.2, seed=0)
    base = {"generators": [{"type": "most_popular"}], "ranker": {"type": "logistic"},
            "features": {"item_columns": ["genress"]}}
    with pytest.raises(RecstackError) as caught:
        search("two_stage", split.train, split.test,
               {"n_candidates": {"type": "int", "low": 20, "high": 60}},
               base_params=base, trials=2, seed=0)
    message = str(caught.value)
    assert message.startswith("two_stage: features: item_columns names ['genress']"), message
    assert "whatever the search draws" in message and "narrow" not in message
