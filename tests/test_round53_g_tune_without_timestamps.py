"""Round 53 (G): tuning a parameter that needs timestamps (most_popular's half_life_days) on
data without them failed every trial alike, and the first trial's error said to narrow the
ranges of the space, which cannot help; ``recstack tune`` on a CSV without a timestamp
column did so even with the model's default space, which the tool chose itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError
from recstack.tuning import search

EXPERIMENT = """seed = 3
[data]
source = "log.csv"
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


def untimed_log(n_users: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"user_id": np.repeat(np.arange(n_users), 8),
                          "item_id": rng.integers(0, 40, n_users * 8)})
    return frame.drop_duplicates()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    untimed_log().to_csv(tmp_path / "log.csv", index=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tune_file(capsys, folder, text):
    (folder / "exp.toml").write_text(text)
    code = main(["tune", "exp.toml"])
    _, err = capsys.readouterr()
    return code, err


def test_the_default_space_of_a_time_parameter_alone_is_refused_before_any_trial(
        folder, capsys):
    code, err = tune_file(capsys, folder, EXPERIMENT)
    assert code == 2 and "Traceback" not in err
    assert ("exp.toml: [tune] pop: most_popular's default search space holds only "
            "half_life_days, which needs timestamps, and these data have none" in err)
    assert "trial 1" not in err and "narrow" not in err
    assert not (folder / "exp.tuned.toml").exists()


def test_a_tune_space_over_a_time_parameter_is_refused_naming_the_dimension(folder, capsys):
    space = '[tune.space]\nhalf_life_days = { type = "float", low = 1.0, high = 10.0 }\n'
    code, err = tune_file(capsys, folder, EXPERIMENT + space)
    assert code == 2
    assert ("exp.toml: [tune] space.half_life_days: most_popular's half_life_days needs "
            "timestamps, and the training data have none; leave half_life_days out of the "
            "space" in err)
    assert len(err.strip().splitlines()) == 1


def test_search_refuses_a_time_dimension_on_untimed_data():
    data = Interactions.from_frame(untimed_log(30))
    parts = random_split(data, test_fraction=0.3, seed=0)
    space = {"half_life_days": {"type": "float", "low": 1.0, "high": 10.0}}
    with pytest.raises(ConfigError, match=r"^space\['half_life_days'\]: most_popular's "
                       r"half_life_days needs timestamps, and the training data have none"):
        search("most_popular", parts.train, parts.test, space, trials=2)
