import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
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
    ({"metric": "ndcg at 10"}, 't.toml: [tune] metric = "ndcg at 10": expected a name like '
                               "'ndcg@10'"),
    ({"metric": "ndgc@10"}, 't.toml: [tune] metric = "ndgc@10": "ndgc" is not a per-user '
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



def test_each_branch_of_a_conditional_space_is_tried_once_from_the_starting_point():
    """After the starting point, one trial per other choice of each categorical dimension
    that a ``when`` names, the dimensions the branch opens at their base or default values
    (item-kNN's asymmetric_alpha defaults to 0.5) and those it closes left out; then the
    sampler draws. A space without ``when`` has no such trials."""
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate
    from recstack.tuning import branch_starts, search

    data = generate(n_users=200, n_items=150, n_interactions=4000, seed=5)
    split = random_split(data, 0.2, seed=0)
    space = {"similarity": {"type": "categorical",
                            "choices": ["cosine", "asymmetric", "jaccard"]},
             "normalize": {"type": "categorical", "choices": [True, False],
                           "when": {"similarity": ["cosine", "asymmetric"]}},
             "asymmetric_alpha": {"type": "float", "low": 0.0, "high": 2.0,
                                  "when": {"similarity": ["asymmetric"], "normalize": [True]}},
             "neighbors": {"type": "int", "low": 5, "high": 100}}
    _, _, trials = search("item_knn", split.train, split.test, space,
                          base_params={"neighbors": 40}, trials=5, seed=1)
    assert [t["params"] for t in trials[:4]] == [
        {"neighbors": 40, "similarity": "cosine", "normalize": True},
        {"neighbors": 40, "similarity": "asymmetric", "normalize": True,
         "asymmetric_alpha": 0.5},
        {"neighbors": 40, "similarity": "jaccard"},
        {"neighbors": 40, "similarity": "cosine", "normalize": False},
    ]
    assert len(trials) == 5
    plain = {"neighbors": space["neighbors"],
             "similarity": {"type": "categorical", "choices": ["cosine", "jaccard"]}}
    assert branch_starts("item_knn", plain, {}, {"neighbors": 100,
                                                 "similarity": "cosine"}) == []

# --------------------------------------------------------------------------- metrics without K
def write_adjacency(folder, n_users, n_items):
    """A graph-CF split where user u holds items 3u .. 3u+11 (mod n_items): 8 in train.txt,
    2 in valid.txt, 2 in test.txt, so every user and every item occurs and the vocabulary is
    exactly n_users x n_items."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = {"train": [], "valid": [], "test": []}
    for user in range(n_users):
        items = [(3 * user + j) % n_items for j in range(12)]
        for part, chosen in (("train", items[:8]), ("valid", items[8:10]),
                             ("test", items[10:])):
            parts[part].append(" ".join(map(str, [user, *chosen])))
    for part, lines in parts.items():
        (folder / f"{part}.txt").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize(("metric", "column"), [
    ("ndcg", "ndcg@10"), ("recall@5", "recall@5"), ("auc", "auc")])
def test_the_tuned_metric_is_read_from_the_column_the_evaluator_writes(metric, column):
    from recstack.data.synthetic import generate
    from recstack.evaluation.evaluator import FULL_SCORE_METRICS, Evaluator
    from recstack.metrics.ranking import RANKING_METRICS
    from recstack.models import create_model
    from recstack.tuning import metric_column

    assert metric_column(metric)[2] == column
    # every per-user metric [tune] takes: its column must be among those the evaluator writes
    data = generate(n_users=40, n_items=30, n_interactions=600, seed=0)
    model = create_model("most_popular").fit(data)
    for name in RANKING_METRICS + FULL_SCORE_METRICS:
        name, k, key = metric_column(name)
        means = Evaluator(metrics=(name,), ks=(k,)).evaluate(model, data, data).means()
        assert list(means) == [key]


def test_auc_can_be_tuned_on_and_takes_no_cutoff(tmp_path, capsys):
    split = write_adjacency(tmp_path / "base", 30, 40)
    path = tmp_path / "auc.toml"
    path.write_text(f'name = "auc"\n[data]\nsplit = "{split}"\n[tune]\ntrials = 2\n'
                    'metric = "auc"\n[[models]]\ntype = "rp3beta"\n')
    assert main(["tune", str(path), "--out", str(tmp_path / "auc.tuned.toml")]) == 0
    assert "best auc on the validation split" in capsys.readouterr().out
    assert main(["evaluate", str(path), "--out", str(tmp_path / "results")]) == 0
    assert "rp3beta: tuned on validation, auc = " in capsys.readouterr().out
    with pytest.raises(ConfigError) as error:
        experiment(metric="auc@10")
    assert str(error.value) == ('t.toml: [tune] metric = "auc@10": auc is computed over the '
                                "whole catalog, without a cut-off; write metric = \"auc\"")


# --------------------------------------------------------------------------- data-bound ranges
def test_a_default_range_is_clipped_to_what_the_data_allow():
    """GF-CF's SVD rank k must be below min(n_users, n_items); its default range is
    32..512 (log scale)."""
    from recstack.data.synthetic import generate
    from recstack.tuning import fit_space_to_data

    # 100 users x 60 items: k < 60
    data = generate(n_users=100, n_items=60, n_interactions=3000, seed=0)
    assert (data.n_users, data.n_items) == (100, 60)
    default = {"k": {"type": "int", "low": 32, "high": 512, "log": True}}
    assert fit_space_to_data("gf_cf", default, data, default=True) == {
        "k": {"type": "int", "low": 32, "high": 59, "log": True}}
    # on a step: 32 + 3 * 8 = 56 is the last step below 60
    stepped = {"k": {"type": "int", "low": 32, "high": 512, "step": 8}}
    assert fit_space_to_data("bspm", stepped, data, default=True)["k"]["high"] == 56
    choices = {"k": {"type": "categorical", "choices": [16, 32, 64, 128]}}
    assert fit_space_to_data("gf_cf", choices, data, default=True)["k"]["choices"] == [16, 32]
    # a range the user wrote is theirs to change
    with pytest.raises(ConfigError) as error:
        fit_space_to_data("gf_cf", {"k": {"type": "int", "low": 20, "high": 80}}, data,
                          default=False)
    assert str(error.value) == ("space.k: k = 20..80 reaches beyond what this data allows "
                                "(k < min(n_users, n_items) = 60); keep k below 60")
    # other models and other dimensions are left alone
    assert fit_space_to_data("als", default | {"alpha": {"type": "float", "low": 0.0,
                                                         "high": 1.0}}, data, default=True
                             )["k"]["high"] == 512


@pytest.mark.parametrize("model", ["gf_cf", "bspm"])
def test_a_default_range_the_data_rule_out_is_one_cli_line(tmp_path, capfd, model):
    # 30 users x 40 items: k < 30, below all of the default range 32..512
    split = write_adjacency(tmp_path / "base", 30, 40)
    path = tmp_path / "g.toml"
    path.write_text(f'name = "g"\n[data]\nsplit = "{split}"\n[tune]\ntrials = 1\n'
                    f'[[models]]\ntype = "{model}"\nk = 8\n')
    says = (f"{path}: [tune] {model}: the default search space has k = 32..512, all of it "
            "beyond what this data allows (k < min(n_users, n_items) = 30); search k below 30 "
            f"with [tune] model = \"{model}\" and a [tune.space] table (e.g. k = {{ type = "
            "\"int\", low = 8, high = 29 }, with the other dimensions to search)")
    for command in (["evaluate", str(path), "--out", str(tmp_path / "r")],
                    ["tune", str(path), "--out", str(tmp_path / "t.toml")]):
        assert main(command) == 2
        err = capfd.readouterr().err
        assert err.strip().splitlines() == [f"recstack: error: {says}"]


def test_a_configured_value_outside_the_default_range_starts_the_search(tmp_path):
    """k = 8 lies below GF-CF's default range (32..512, clipped to 32..59 on 100 users x 60
    items): the first trial fits k = 8 as configured, the others draw from the range."""
    from recstack.config import load_experiment
    from recstack.experiment import load_graph_cf
    from recstack.tuning import tune_models

    split = write_adjacency(tmp_path / "mid", 100, 60)
    path = tmp_path / "g.toml"
    path.write_text(f'[data]\nsplit = "{split}"\n[tune]\ntrials = 4\n'
                    '[[models]]\ntype = "gf_cf"\nk = 8\n')
    exp = load_experiment(path)
    parts = load_graph_cf(exp, None)
    tuned = tune_models(exp, parts.train, parts.valid)["gf_cf"]
    first, *others = [trial["params"] for trial in tuned.trials]
    assert first == {"k": 8, "alpha": 0.3}  # alpha's default lies in its range 0..1
    assert all(32 <= params["k"] <= 59 for params in others) and len(others) == 3
    best = max(tuned.trials, key=lambda trial: trial["value"])
    assert tuned.best_params == best["params"]


# --------------------------------------------------------------------------- failing trials
def test_a_failing_trial_ends_the_search_with_one_error_naming_its_values(tmp_path, capfd):
    from recstack.data.interactions import Interactions
    from recstack.errors import RecstackError
    from recstack.tuning import search

    # 30 users x 40 items, 4 training items each: gf_cf's k must be < 30
    users = np.repeat(np.arange(30), 4)
    items = (users * 3 + np.tile(np.arange(4), 30)) % 40
    train = Interactions.from_arrays(users, items)
    assert train.shape == (30, 40)
    space = {"k": {"type": "int", "low": 31, "high": 40}}
    with pytest.raises(RecstackError) as error:
        search("gf_cf", train, train, space, base_params={"k": 8}, trials=5, seed=0,
               default_space=False)
    # the first trial fits the configured k = 8 (the space cannot draw it); the second
    # draws k from 31..40, all refused
    assert re.fullmatch(
        r"gf_cf: trial 2 of 5 failed with k = (3[1-9]|40) drawn from \[tune\.space\]: k must "
        r"be < min\(n_users, n_items\) = 30 for this data \(.*\), got \1; narrow the ranges "
        r"in \[tune\.space\]", str(error.value))
    with pytest.raises(ConfigError, match=r"^gf_cf: trial 1 of 5 failed with k = 35 from the "
                                          r"starting configuration .* got 35; change these "
                                          r"values in gf_cf's \[\[models\]\] table$"):
        search("gf_cf", train, train, space, base_params={"k": 35}, trials=5, seed=0)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Trial" not in err  # optuna's own report


def test_a_failing_trial_is_one_cli_line_saying_the_default_space_drew_it(tmp_path, capfd,
                                                                         monkeypatch):
    """A limit the search does not know of before it starts (here: forgotten) is found by
    the trial that breaks it."""
    from recstack import tuning

    monkeypatch.setattr(tuning, "data_limits", lambda model_type, train: {})
    split = write_adjacency(tmp_path / "base", 30, 40)
    path = tmp_path / "g.toml"
    path.write_text(f'[data]\nsplit = "{split}"\n[tune]\ntrials = 3\n'
                    '[[models]]\ntype = "gf_cf"\nk = 8\n')
    for command in (["evaluate", str(path), "--out", str(tmp_path / "r")],
                    ["tune", str(path), "--out", str(tmp_path / "t.toml")]):
        assert main(command) == 2
        lines = capfd.readouterr().err.strip().splitlines()
        assert len(lines) == 1, lines
        # trial 1 fits the configured k = 8; trial 2 draws k from 32..512 (all >= 30)
        assert re.fullmatch(
            r"recstack: error: .*g\.toml: \[tune\] gf_cf: trial 2 of 3 failed with alpha = "
            r"[0-9.e-]+, k = \d+ drawn from gf_cf's default search space: k must be < "
            r"min\(n_users, n_items\) = 30 .*; narrow the space with \[tune\] model = "
            r"\"gf_cf\" and a \[tune\.space\] table \(type, low, high or choices per "
            r"dimension\)", lines[0])


def test_a_data_mistake_met_while_tuning_names_the_experiment_file():
    # as recstack evaluate does: the step that failed is named with the file it comes from
    raw = {"data": {"source": SMALL}, "filters": [{"type": "k_core", "user_min": 10_000}],
           "split": {"method": "random"}, "models": [{"type": "most_popular"}],
           "tune": {"model": "most_popular", "trials": 1}}
    with pytest.raises(RecstackError, match=r"^t\.toml: filter step 1 of 1, k_core"):
        tune(parse_experiment(raw, source="t.toml"))


def test_a_metric_cutoff_beyond_the_catalog_is_refused_naming_the_field():
    # SMALL has 200 items; the training part of its split can hold no more
    with pytest.raises(ConfigError) as error:
        tune(experiment(metric="ndcg@500"))
    found = re.fullmatch(r"t\.toml: \[tune\] metric = \"ndcg@500\": K = 500 is larger than "
                         r"the catalog \((\d+) items in the training part\); use K <= \1, "
                         r"e\.g\. metric = \"ndcg@\1\"",
                         str(error.value))
    assert found is not None and int(found[1]) <= 200
