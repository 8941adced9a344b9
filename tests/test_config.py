import copy
from pathlib import Path

import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.data.splits import KFold, RandomSplit
from recstack.errors import ConfigError

BASE = {
    "data": {"source": "synthetic"},
    "split": {"method": "random", "test_fraction": 0.2},
    "models": [{"type": "most_popular"}],
}


def with_(path: str, value):
    """BASE with the value at a dotted path replaced (``split.test_fraction``)."""
    raw = copy.deepcopy(BASE)
    *tables, key = path.split(".")
    table = raw
    for name in tables:
        table = table.setdefault(name, {})
    table[key] = value
    return raw


def test_a_valid_experiment_parses_into_typed_objects_with_defaults():
    experiment = parse_experiment(with_("seed", 7), source="x.toml")
    assert experiment.split == RandomSplit(test_fraction=0.2, seed=7)
    assert experiment.models[0].label == "most_popular" and experiment.name == "x"
    assert experiment.evaluation.ks == (10, 20)
    assert experiment.data.source.kind_name == "synthetic"


def test_kfold_is_spelt_the_same_in_experiment_files():
    experiment = parse_experiment(with_("split", {"method": "kfold", "k": 3}), source="x.toml")
    assert experiment.split == KFold(k=3, stratify="user", seed=0)


# Every message is checked from its start up to the list of known names, which may grow.
MISTAKES = [
    (with_("split.method", "randm"),
     "x.toml: [split] method: 'randm' is not a known split method (did you mean 'random'?)"),
    (with_("split.method", "leave-last"),
     "x.toml: [split] method: 'leave-last' is not a known split method (did you mean "
     "'leave_last_out'?)"),
    (with_("split.tset_fraction", 0.2),
     "x.toml: [split] unknown key 'tset_fraction' for random (did you mean 'test_fraction'?); "
     "known keys: test_fraction, seed"),
    (with_("split.n", 2), "x.toml: [split] unknown key 'n' for random; known keys: "
                          "test_fraction, seed"),
    (with_("split.test_fraction", "big"), 'x.toml: [split] test_fraction = "big": expected a '
                                          "number"),
    (with_("split.test_fraction", 1.5), "x.toml: [split] test_fraction = 1.5: must be in (0, 1)"),
    (with_("split.test_fraction", 0), "x.toml: [split] test_fraction = 0: must be in (0, 1)"),
    (with_("split.seed", -2), "x.toml: [split] seed = -2: must be >= 0"),
    (with_("split.seed", 1.5), "x.toml: [split] seed = 1.5: expected an integer"),
    (with_("split", {"method": "leave_last_out", "n": 0}), "x.toml: [split] n = 0: must be >= 1"),
    (with_("split", {"method": "kfold", "k": 1}), "x.toml: [split] k = 1: must be >= 2"),
    (with_("split", {"method": "temporal", "cutoff": 10, "test_fraction": 0.2}),
     "x.toml: [split] give cutoff or test_fraction, not both"),
    (with_("split", {"method": "temporal", "cutoff": "yesterday"}),
     "x.toml: [split] cutoff: cannot read 'yesterday' as a time"),
    (with_("split", {"test_fraction": 0.2}), "x.toml: [split] missing key 'method' (one of "),
    (with_("data", {"sorce": "synthetic"}),
     "x.toml: [data] unknown key 'sorce' (did you mean 'source'?)"),
    (with_("data.source", "synthetic:n_user=3"),
     "x.toml: [data] source: synthetic: no setting 'n_user' (did you mean 'n_users'?)"),
    (with_("data.source", "synthetic:n_users=0"),
     "x.toml: [data] source: synthetic: n_users must be at least 1, got 0"),
    (with_("data.separator", ";"), "x.toml: [data] separator: loader options apply to CSV, TSV "
                                   "and Parquet files, not to a synthetic source"),
    (with_("data.rating_range", [5, 1]),
     "x.toml: [data] rating_range = [5, 1]: expected [low, high] with low < high"),
    (with_("data.timestamp_unit", "sec"),
     'x.toml: [data] timestamp_unit = "sec": must be one of '),
    (with_("data", {"train": "a.parquet"}),
     "x.toml: [data] missing key 'test': data already split need both train and test"),
    (with_("evaluation", {"ks": [10, 0]}), "x.toml: [evaluation] ks = [10, 0]: must be >= 1"),
    # the cut-off belongs in ks; a difference of case alone is the nearest name
    (with_("evaluation", {"metrics": ["ndcg@20"]}),
     "x.toml: [evaluation] metrics: 'ndcg@20': metrics are named without a cut-off; write "
     "'ndcg' and give the cut-offs in ks (e.g. ks = [20])"),
    (with_("evaluation", {"metrics": ["NDCG"]}),
     "x.toml: [evaluation] metrics: \"NDCG\" is not a known metric (did you mean 'ndcg'?)"),
    (with_("models", [{"type": "Most_Popular"}]),
     "x.toml: [[models]] #1 type: \"Most_Popular\" is not a known model (did you mean "
     "'most_popular'?)"),
    (with_("evaluation", {"ks": []}), "x.toml: [evaluation] ks = []: give at least one cut-off"),
    (with_("evaluation", {"ks": [10, 10]}), "x.toml: [evaluation] ks = [10, 10]: each K once"),
    (with_("evaluation", {"metrics": []}),
     "x.toml: [evaluation] metrics = []: give at least one metric"),
    (with_("evaluation", {"metrics": ["ndgc"]}),
     "x.toml: [evaluation] metrics: \"ndgc\" is not a known metric (did you mean 'ndcg'?)"),
    (with_("evaluation", {"metrcs": ["ndcg"]}),
     "x.toml: [evaluation] unknown key 'metrcs' (did you mean 'metrics'?)"),
    (with_("evaluation", {"n_threads": -1}), "x.toml: [evaluation] n_threads = -1: must be >= 1"),
    (with_("evaluation", {"batch_size": 0}), "x.toml: [evaluation] batch_size = 0: must be >= 1"),
    (with_("evaluation", {"relevance_threshold": float("nan")}),
     "x.toml: [evaluation] relevance_threshold = nan: must be a finite number"),
    (with_("models", [{"type": "als2"}]),
     "x.toml: [[models]] #1 type: \"als2\" is not a known model (did you mean 'als'?)"),
    (with_("models", [{"type": "random"}, {"type": "random"}]),
     "x.toml: [[models]] #2 label: \"random\" is used twice; give each model a label"),
    (with_("models", [{"type": "als", "factor": 3}]),
     "x.toml: [[models]] #1 (als) unknown key 'factor' for als (did you mean 'factors'?)"),
    (with_("models", [{"type": "als", "factors": -3}]),
     "x.toml: [[models]] #1 (als) factors = -3: "),
    (with_("models", [{"type": "random", "seed": -3}]),
     "x.toml: [[models]] #1 (random) seed = -3: "),
    (with_("models", [{"type": "random", "label": "a/b"}]),
     "x.toml: [[models]] #1 label = \"a/b\": a run name is a folder name"),
    (with_("models", []), "x.toml: [[models]]: at least one model is needed"),
    (with_("filters", [{"type": "kcore"}]),
     "x.toml: [[filters]] #1 type: 'kcore' is not a known filter type (did you mean 'k_core'?)"),
    (with_("filters", [{"type": "k_core", "min": 5}]),
     "x.toml: [[filters]] #1 unknown key 'min' for k_core; known keys: user_min, item_min"),
    (with_("filters", [{"type": "k_core", "user_min": 0}]),
     "x.toml: [[filters]] #1 user_min = 0: must be >= 1"),
    (with_("filters", [{"type": "deduplicate", "policy": "median"}]),
     'x.toml: [[filters]] #1 policy = "median": expected one of '),
    (with_("filters", [{"type": "time_window", "start": "2020-02-01", "end": "2020-01-01"}]),
     "x.toml: [[filters]] #1 start (2020-02-01) must come before end (2020-01-01)"),
    (with_("filters", [{"user_min": 2}]), "x.toml: [[filters]] #1 needs a 'type' (one of "),
    (with_("seed", -1), "x.toml: seed = -1: must be >= 0"),
    (with_("sed", 3), "x.toml: unknown key 'sed' (did you mean 'seed'?)"),
    (with_("name", "../elsewhere"), "x.toml: name = \"../elsewhere\": a run name is a folder name "
                                    "inside the results folder"),
    (with_("output", "/tmp/x"), "x.toml: output = \"/tmp/x\": a run name is a folder name"),
    (with_("output", ".."), "x.toml: output = \"..\": a run name is a folder name"),
    ({"data": {"source": "synthetic"}, "models": [{"type": "random"}]},
     "x.toml: missing table [split]"),
    ({"split": {"method": "random"}, "models": [{"type": "random"}]},
     "x.toml: missing table 'data'"),
]


@pytest.mark.parametrize(("raw", "message"), MISTAKES)
def test_mistakes_name_the_file_the_table_and_the_key(raw, message):
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="x.toml")
    assert str(error.value).startswith(message), str(error.value)
    assert "\n" not in str(error.value)


def test_relative_paths_are_taken_from_the_experiment_files_folder(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "log.csv").write_text("user_id,item_id\n1,10\n")
    (folder / "exp.toml").write_text('[data]\nsource = "log.csv"\n[split]\nmethod = "random"\n'
                                     '[[models]]\ntype = "random"\n')
    monkeypatch.chdir(tmp_path)  # not the file's folder
    experiment = load_experiment("project/exp.toml")
    assert Path(experiment.data.source.path) == tmp_path / "project" / "log.csv"


def test_a_missing_data_file_says_where_it_was_looked_for(tmp_path):
    (tmp_path / "exp.toml").write_text('[data]\nsource = "data/log.csv"\n[split]\n'
                                       'method = "random"\n[[models]]\ntype = "random"\n')
    with pytest.raises(ConfigError) as error:
        load_experiment(tmp_path / "exp.toml")
    assert f"(looked at {tmp_path / 'data' / 'log.csv'})" in str(error.value)
    assert str(error.value).startswith(f"{tmp_path / 'exp.toml'}: [data] source: no such file")


def test_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: no such experiment file"):
        load_experiment(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\nsource = 1")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_experiment(bad)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "ok"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"latin.toml:2: not UTF-8 text"):
        load_experiment(latin)
    with pytest.raises(ConfigError, match="is a folder"):
        load_experiment(tmp_path)
    marked = tmp_path / "marked.toml"
    marked.write_bytes(b'\xef\xbb\xbfname = "ok"\n')
    with pytest.raises(ConfigError, match=r"marked.toml:1: starts with a byte-order mark"):
        load_experiment(marked)


def test_the_tune_table_is_checked_with_the_rest():
    raw = with_("tune", {"model": "most_popular", "trials": -1})
    with pytest.raises(ConfigError, match=r"^x.toml: \[tune\] trials = -1: must be >= 1$"):
        parse_experiment(raw, source="x.toml")


def test_the_demo_experiment_is_valid():
    from importlib.resources import files

    experiment = load_experiment(files("recstack") / "experiments" / "demo.toml")
    assert experiment.name == "demo" and len(experiment.models) >= 3


def test_a_split_folder_of_folds_asks_for_one_fold(tmp_path):
    (tmp_path / "cv" / "fold-0").mkdir(parents=True)
    (tmp_path / "cv" / "fold-1").mkdir()
    raw = {"data": {"split": "cv"}, "models": [{"type": "random"}]}
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="x.toml", base=tmp_path)
    assert str(error.value) == ("x.toml: [data] split = \"cv\": holds 2 folds; name one of them, "
                                "e.g. split = \"cv/fold-0\"")
    with pytest.raises(ConfigError, match=r"x.toml: \[data\] split = \"nowhere\": no such folder "
                                          r"\(looked at "):
        parse_experiment({"data": {"split": "nowhere"}, "models": [{"type": "random"}]},
                         source="x.toml", base=tmp_path)


def _tuned(space):
    return with_("tune", {"model": "item_knn", "space": space}) | {
        "models": [{"type": "item_knn"}]}


@pytest.mark.parametrize(("dimension", "message"), [
    # keys of the other type were ignored: the range was searched, the choices never
    ({"type": "int", "low": 5, "high": 50, "choices": [5, 10]},
     "choices: not a key of an int dimension; its keys are type, low, high, log, step, when"),
    ({"type": "float", "low": 5, "high": 50, "choices": [5.0]},
     "choices: not a key of a float dimension; its keys are type, low, high, log, step, when"),
    ({"type": "categorical", "choices": [5, 10], "low": 5, "log": True},
     "low, log: not keys of a categorical dimension; its keys are type, choices, when"),
    ({"type": "categorical", "choices": [5, 10], "step": 5},
     "step: not a key of a categorical dimension; its keys are type, choices, when"),
    ({"type": "int", "low": 5, "high": 50, "hihg": 60},
     "hihg: not a key of an int dimension (did you mean 'high'?); its keys are type, low, "
     "high, log, step, when"),
    # optuna searched 5 alone
    ({"type": "int", "low": 5, "high": 10, "step": 100},
     "step = 100 is larger than high - low = 5: the dimension would hold low = 5 alone; use "
     "a step <= 5"),
    # optuna lowered high to the last step below it: 5 + 2 * 20 = 45, the next one 65
    ({"type": "int", "low": 5, "high": 50, "step": 20},
     "step = 20 does not divide high - low = 45 (low = 5, high = 50): the last value would be "
     "45; use high = 45 or 65"),
    # 3 * 0.3 = 0.9, the next step 1.2
    ({"type": "float", "low": 0.0, "high": 1.0, "step": 0.3},
     "step = 0.3 does not divide high - low = 1 (low = 0.0, high = 1.0): the last value would "
     "be 0.9; use high = 0.9 or 1.2"),
])
def test_a_dimension_takes_only_its_own_keys_and_a_step_that_fits(dimension, message):
    with pytest.raises(ConfigError) as error:
        parse_experiment(_tuned({"neighbors": dimension}), source="x.toml")
    assert str(error.value) == f"x.toml: [tune] space.neighbors: {message}"


@pytest.mark.parametrize(("name", "dimension"), [
    ("neighbors", {"type": "int", "low": 5, "high": 50, "step": 5}),
    ("neighbors", {"type": "int", "low": 5, "high": 50, "step": 45}),  # the two ends
    # 0.6 / 0.2 is 2.9999999999999996 in floats
    ("shrink", {"type": "float", "low": 0.1, "high": 0.7, "step": 0.2}),
])
def test_steps_that_land_on_high_are_taken(name, dimension):
    exp = parse_experiment(_tuned({name: dimension}), source="x.toml")
    assert exp.tune.space == {name: dimension}


def test_a_conditional_dimension_still_parses():
    space = {"similarity": {"type": "categorical", "choices": ["cosine", "asymmetric"],
                            "when": {}}}
    with pytest.raises(ConfigError, match="similarity.when: expected a table"):
        parse_experiment(_tuned(space), source="x.toml")
    space = {"similarity": {"type": "categorical", "choices": ["cosine", "asymmetric"]},
             "asymmetric_alpha": {"type": "float", "low": 0.0, "high": 2.0, "step": 0.5,
                                  "when": {"similarity": ["asymmetric"]}}}
    assert parse_experiment(_tuned(space), source="x.toml").tune.space == space


def test_format_recstack_on_a_graph_cf_folder_says_which_files_it_expects(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    for name in ("train.txt", "valid.txt", "test.txt"):
        (folder / name).write_text("0 1 2\n")
    raw = {"data": {"split": "lists", "format": "recstack"}, "models": [{"type": "random"}]}
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="x.toml", base=tmp_path)
    assert str(error.value) == (
        "x.toml: [data] format = \"recstack\": expects the files `recstack data split` writes "
        "(train.parquet, test.parquet, fold_in.parquet; fold_in optional), but split = \"lists\" "
        "holds train.txt, valid.txt, test.txt, a graph-CF split; drop format (it is detected) "
        "or write format = \"adjacency\"")
    # without format, the folder is read as the graph-CF split it is
    assert parse_experiment(raw | {"data": {"split": "lists"}}, source="x.toml",
                            base=tmp_path).data.is_graph_cf


def test_unquoted_toml_dates_are_read_as_times(tmp_path):
    # cutoff = 2020-01-01 is a TOML date: it was refused as "expected an integer or a string"
    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "temporal"\n'
                    "cutoff = 2020-01-01T06:00:00Z\n[[filters]]\ntype = \"time_window\"\n"
                    'start = 2019-06-01\n[[models]]\ntype = "random"\n')
    experiment = load_experiment(path)
    assert experiment.split.cutoff == "2020-01-01T06:00:00+00:00"
    assert experiment.filters[0].start == "2019-06-01"


def test_a_control_character_in_a_run_name_is_named_as_such():
    with pytest.raises(ConfigError, match=r"name = \"a\\u0000b\": a run name becomes a file or "
                                          "folder name; use no line breaks, tabs or other "
                                          "control characters"):
        parse_experiment(with_("name", "a\0b"), source="x.toml")


@pytest.mark.parametrize(("key", "value", "message"), [
    # a boolean in [data] was refused as "expected object", whatever the key wanted
    ("user_col", True, "x.toml: [data] user_col = true: expected a string"),
    ("separator", False, "x.toml: [data] separator = false: expected a string"),
    ("timestamp_col", True, "x.toml: [data] timestamp_col = true: expected a string"),
])
def test_a_boolean_in_the_data_table_is_refused_saying_what_the_key_takes(key, value,
                                                                          message):
    raw = with_("data", {"source": "x.csv", key: value})
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="x.toml")
    assert str(error.value).startswith(message)
    assert "object" not in str(error.value)
