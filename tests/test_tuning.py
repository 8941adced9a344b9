import tomllib
from pathlib import Path

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.tuning import _validation_split, tune

SMALL = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=2"


def experiment(**tune_table):
    return parse_experiment({
        "seed": 3,
        "data": {"source": SMALL},
        "split": {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]},
        "models": [{"type": "random"}, {"type": "most_popular", "label": "pop"}],
        "tune": {"model": "pop", "trials": 4} | tune_table,
    }, source="t.toml")


def test_tuning_never_sees_the_test_split(monkeypatch):
    """Every model fitted while tuning is fitted and scored on parts of the training split."""
    from recstack import tuning
    from recstack.experiment import make_split, prepare_data

    exp = experiment()
    data, _ = prepare_data(exp)
    test = make_split(exp, data).test
    test_pairs = set(zip(test.user_index.tolist(), test.item_index.tolist(), strict=True))
    seen_pairs: list[set] = []
    original = tuning.Evaluator.evaluate

    def spy(self, model, train, test, **kwargs):
        for part in (train, test):
            pairs = zip(part.user_index.tolist(), part.item_index.tolist(), strict=True)
            seen_pairs.append(set(pairs))
        return original(self, model, train, test, **kwargs)

    monkeypatch.setattr(tuning.Evaluator, "evaluate", spy)
    result = tune(exp)
    assert len(seen_pairs) == 2 * 4
    assert all(not pairs & test_pairs for pairs in seen_pairs)
    assert len(result.trials) == 4
    assert result.best_value == max(t["value"] for t in result.trials)
    assert 1.0 <= result.best_params["half_life_days"] <= 3650.0


def test_tuning_is_seeded():
    a, b = tune(experiment()), tune(experiment())
    assert a.best_params == b.best_params and a.best_value == b.best_value


def test_tuned_experiment_file_round_trips(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(f"""
seed = 1
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
label = "pop"
[tune]
model = "pop"
trials = 3
metric = "ndcg@10"
[tune.space]
half_life_days = {{ type = "float", low = 5.0, high = 50.0 }}
""")
    assert main(["tune", str(path)]) == 0
    tuned = tomllib.loads((tmp_path / "exp.tuned.toml").read_text())
    assert "tune" not in tuned
    value = tuned["models"][0]["half_life_days"]
    assert 5.0 <= value <= 50.0 and tuned["models"][0]["label"] == "pop"
    assert f"half_life_days = {value!r}" in capsys.readouterr().out
    parse_experiment(tuned)  # a valid experiment file


@pytest.mark.parametrize(("table", "message"), [
    ({"model": "als"}, "t.toml: [tune] model: 'als' names no model; labels: random, pop"),
    ({"model": "po"}, "t.toml: [tune] model: 'po' names no model (did you mean 'pop'?); "
                      "labels: random, pop"),
    ({"metric": "ndcg at 10"}, "t.toml: [tune] metric = 'ndcg at 10': expected a name like "
                               "'ndcg@10'"),
    ({"metric": "ndgc@10"}, "t.toml: [tune] metric = 'ndgc@10': 'ndgc' is not a per-user "
                            "metric (did you mean 'ndcg'?)"),
    ({"trials": 0}, "t.toml: [tune] trials = 0: must be >= 1"),
    ({"space": {"factors": {"type": "int", "low": 1, "high": 4}}},
     "t.toml: [tune] space: most_popular has no parameter 'factors'"),
    ({"space": {"half_life_days": {"type": "float", "low": 0, "high": 4, "log": True}}},
     "t.toml: [tune] space.half_life_days: a log-scale dimension needs low > 0, got 0"),
    ({"model": "random"}, "t.toml: [tune] space: model 'random' has no default search space"),
    ({"trails": 3}, "t.toml: [tune] unknown key 'trails' (did you mean 'trials'?); known keys: "
                    "model, metric, trials, validation_fraction, space, seed"),
])
def test_bad_tune_tables_are_refused_when_the_file_is_read(table, message):
    with pytest.raises(ConfigError) as error:
        experiment(**table)
    assert str(error.value).startswith(message)


def test_validation_split_follows_the_experiments_method():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 40, 600), None,
                                    rng.integers(0, 10_000, 600)).deduplicate("last")
    exp = parse_experiment({"data": {"source": "synthetic"}, "split": {"method": "temporal",
                                                             "test_fraction": 0.2},
                            "models": [{"type": "random"}]})
    inner = _validation_split(exp, data, 0.25)
    assert inner.train.timestamp.max() < inner.test.timestamp.min()


def test_held_out_user_splits_tune_on_the_validation_users_histories():
    """With split method "users" the validation users are not in the inner training part:
    each trial must score them from their revealed history, not from untrained state."""
    from recstack.evaluation.evaluator import Evaluator
    from recstack.experiment import make_split, prepare_data
    from recstack.models import create_model

    exp = parse_experiment({
        "seed": 3,
        "data": {"source": SMALL},
        "split": {"method": "users", "test_users": 0.2},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]},
        "models": [{"type": "als", "iterations": 3, "num_threads": 1}],
        "tune": {"model": "als", "trials": 3, "space": {
            "factors": {"type": "int", "low": 2, "high": 32},
            "regularization": {"type": "float", "low": 0.01, "high": 10.0, "log": True}}},
    }, source="t.toml")
    result = tune(exp)
    values = [t["value"] for t in result.trials]
    assert len(set(values)) == 3            # untrained users would score the same every trial
    data, _ = prepare_data(exp)
    inner = _validation_split(exp, make_split(exp, data).train, 0.2)
    assert inner.fold_in is not None
    model = create_model("als", **result.best_params).fit(inner.train)
    expected = Evaluator(metrics=("ndcg",), ks=(10,)).evaluate_fold_in(
        model, inner.train, inner.fold_in, inner.test).means()["ndcg@10"]
    assert result.best_value == pytest.approx(expected, rel=1e-6)
    assert result.best_value > 0.1


def test_a_tuned_file_written_elsewhere_still_finds_its_data(tmp_path, capsys):
    project = tmp_path / "project"
    project.mkdir()
    rng = np.random.default_rng(0)
    rows = [f"{u},{i},{t}" for u, i, t in zip(rng.integers(0, 60, 1500),
                                              rng.integers(0, 40, 1500),
                                              rng.integers(0, 10**8, 1500), strict=True)]
    (project / "log.csv").write_text("user_id,item_id,timestamp\n" + "\n".join(rows) + "\n")
    (project / "exp.toml").write_text("""
[data]
source = "log.csv"
timestamp_col = "timestamp"
[[filters]]
type = "deduplicate"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
[tune]
model = "most_popular"
trials = 2
""")
    out = tmp_path / "elsewhere" / "tuned.toml"
    out.parent.mkdir()
    assert main(["tune", str(project / "exp.toml"), "--out", str(out)]) == 0
    assert tomllib.loads(out.read_text())["data"]["source"] == "../project/log.csv"
    from recstack.config import load_experiment

    assert Path(load_experiment(out).data.source.path).resolve() == project / "log.csv"


def test_the_search_starts_from_the_configuration_it_was_given():
    """Trial 0 is the base parameters over the model's defaults, where the space holds them;
    the rest is sampled."""
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import search

    data = generate(n_users=200, n_items=150, n_interactions=4000, seed=5)
    split = random_split(data, 0.2, seed=0)
    space = {"neighbors": {"type": "int", "low": 5, "high": 50},
             "shrink": {"type": "float", "low": 1.0, "high": 10.0},  # default 0 lies outside
             "similarity": {"type": "categorical", "choices": ["cosine", "jaccard"]}}
    _, best, trials = search("item_knn", split.train, split.test, space,
                             base_params={"neighbors": 7}, trials=3, seed=0)
    first = trials[0]["params"]
    assert first["neighbors"] == 7 and first["similarity"] == "cosine"
    assert 1.0 <= first["shrink"] <= 10.0
    assert best == max(t["value"] for t in trials)


@pytest.mark.parametrize(("value", "description", "held"), [
    (0.5, {"type": "float", "low": 0.0, "high": 1.0}, True),
    (2.0, {"type": "float", "low": 0.0, "high": 1.0}, False),
    (6, {"type": "int", "low": 2, "high": 10, "step": 2}, True),
    (5, {"type": "int", "low": 2, "high": 10, "step": 2}, False),
    (True, {"type": "int", "low": 0, "high": 10}, False),
    (True, {"type": "categorical", "choices": [True, False]}, True),
    (1, {"type": "categorical", "choices": [True, False]}, False),
    (None, {"type": "float", "low": 0.0, "high": 1.0}, False),
])
def test_a_starting_value_is_kept_only_inside_the_space(value, description, held):
    from recstack.tuning import _in_space

    assert _in_space(value, description) is held


def test_a_conditional_dimension_is_drawn_only_where_its_condition_holds():
    """``when`` (here: the asymmetric cosine's alpha only with ``similarity =
    "asymmetric"``): trials drawing another similarity leave alpha at its base value, and
    the starting point leaves it out when the base similarity is another one."""
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import search, starting_point

    data = generate(n_users=200, n_items=150, n_interactions=4000, seed=5)
    split = random_split(data, 0.2, seed=0)
    space = {"similarity": {"type": "categorical", "choices": ["cosine", "asymmetric"]},
             "asymmetric_alpha": {"type": "float", "low": 1.0, "high": 2.0,
                                  "when": {"similarity": ["asymmetric"]}}}
    _, _, trials = search("item_knn", split.train, split.test, space,
                          base_params={"asymmetric_alpha": 0.25}, trials=12, seed=1)
    drawn = [t["params"] for t in trials]
    assert {p["similarity"] for p in drawn} == {"cosine", "asymmetric"}
    for params in drawn:
        if params["similarity"] == "asymmetric":
            assert 1.0 <= params["asymmetric_alpha"] <= 2.0
        else:
            assert params["asymmetric_alpha"] == 0.25
    assert starting_point("item_knn", space, {}) == {"similarity": "cosine"}
    assert starting_point("item_knn", space, {"similarity": "asymmetric",
                                              "asymmetric_alpha": 1.5}) == {
        "similarity": "asymmetric", "asymmetric_alpha": 1.5}
