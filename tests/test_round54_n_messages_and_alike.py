"""Round 54 (N): the results table's note on users all alike, a key given twice in a
[[filters]] entry named as the entry, and file values echoed as TOML writes them."""
import pandas as pd
import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError
from recstack.evaluation.results import EvaluationResult
from recstack.experiment import ExperimentResult

SOURCE = "synthetic:n_users=50,n_items=40,n_interactions=600,seed=1"
BASE = {"data": {"source": SOURCE}, "split": {"method": "random"},
        "models": [{"type": "random"}]}


def _result(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text(f'[data]\nsource = "{SOURCE}"\n[split]\nmethod = "random"\n'
                    '[[models]]\ntype = "random"\n')
    users = pd.Index(range(5), name="user_id")
    alike = pd.DataFrame({"ndcg@5": [0.0] * 5, "novelty@5": [3.0] * 5}, index=users)
    spread = pd.DataFrame({"ndcg@5": [0.1, 0.2, 0.3, 0.0, 0.5],
                           "novelty@5": [3.0, 2.0, 1.0, 4.0, 5.0]}, index=users)
    results = [EvaluationResult("random", alike), EvaluationResult("most_popular", spread)]
    return ExperimentResult(load_experiment(path), [], [None], results,
                            {"random": 1.0, "most_popular": 1.0}, {}, {})


def test_a_row_of_users_all_alike_is_marked_and_explained(tmp_path):
    text = _result(tmp_path).format_table()
    lines = text.splitlines()
    ndcg = next(line for line in lines if line.startswith("ndcg@5"))
    novelty = next(line for line in lines if line.startswith("novelty@5"))
    # 5 users all at 0 for a share: the exact interval is [0, 1 - 0.025 ** (1 / 5)]
    high = 1 - 0.025 ** (1 / 5)
    assert f"0.0000= [0.0000, {high:.4f}]" in ndcg
    # novelty has no upper bound: no interval at all, but the mark
    assert "3.0000=" in novelty
    assert "every user evaluated had this one value" in text
    assert "(on ndcg@5, novelty@5)" in text


def test_a_key_twice_in_the_second_filters_entry_names_that_entry_and_its_line(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "synthetic"\n'
                    '[[filters]]\ntype = "k_core"\nuser_min = 3\n'
                    '[[filters]]\ntype = "k_core"\nuser_min = 3\nuser_min = 4\n'
                    '[[models]]\ntype = "random"\n')
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    message = str(error.value)
    assert "[[filters]] #2 user_min" in message and "filters.user_min" not in message
    # the clash is with line 8 of the second entry, not line 5 of the first
    assert "but line 8 ('user_min = 3')" in message


@pytest.mark.parametrize(("change", "expected"), [
    ({"evaluation": {"metrics": ["ndcg", "ndcg"]}}, 'metrics = ["ndcg", "ndcg"]'),
    ({"evaluation": {"ks": ["4"]}}, 'ks = ["4"]'),
    ({"evaluation": {"metrics": ["ndgc"]}}, 'metrics: "ndgc" is not a known metric'),
    ({"seed": "3"}, 'seed = "3"'),
    ({"name": ["x"]}, 'name = ["x"]'),
    ({"models": [{"type": "als", "factors": "8"}]}, 'factors = "8"'),
    ({"models": [{"type": "random", "label": "a b"}, {"type": "random", "label": "a b"}]},
     'label: "a b" is used twice'),
])
def test_file_values_are_echoed_as_toml_writes_them(change, expected):
    raw = BASE | change
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="exp.toml")
    assert expected in str(error.value)
    assert "'" not in str(error.value).split(":", 2)[1]
