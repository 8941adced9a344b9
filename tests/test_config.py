import pytest

from recstack.config import load_experiment, parse_experiment
from recstack.errors import ConfigError
from recstack.experiment import build_models

BASE = {
    "data": {"source": "synthetic"},
    "split": {"method": "random", "test_fraction": 0.2},
    "models": [{"type": "most_popular"}],
}


def with_(**changes):
    raw = {k: (dict(v) if isinstance(v, dict) else list(v)) for k, v in BASE.items()}
    for path, value in changes.items():
        section, _, key = path.partition("__")
        if key:
            raw[section][key] = value
        else:
            raw[section] = value
    return raw


def test_a_valid_experiment_parses_with_defaults():
    experiment = parse_experiment(with_(seed=7), source="x.toml")
    assert experiment.split == {"method": "random", "test_fraction": 0.2, "seed": 7}
    assert experiment.models[0].label == "most_popular" and experiment.name == "x"


@pytest.mark.parametrize(("raw", "message"), [
    (with_(split__method="randm"), "x.toml: [split] method: 'randm' is not one of"),
    (with_(split__tset_fraction=0.2), "x.toml: [split] unknown key 'tset_fraction'"),
    (with_(split__n=2), "unknown key 'n' for a random split"),
    (with_(split__test_fraction="big"), "[split] test_fraction: expected float"),
    (with_(data={"sorce": "synthetic"}), "[data] missing key 'source'"),
    (with_(evaluation={"ks": [10, 0]}), "[evaluation] ks: expected a list of positive"),
    (with_(models=[{"type": "als2"}]), "[[models]] #1 type: unknown model 'als2'"),
    (with_(models=[{"type": "random"}, {"type": "random"}]), "label: 'random' is used twice"),
    (with_(filters=[{"type": "kcore"}]), "[[filters]] #1 type: 'kcore' is not one of"),
    (with_(filters=[{"type": "k_core", "min": 5}]), "[[filters]] #1 unknown key 'min'"),
    ({"data": {"source": "s"}, "models": []}, "missing key 'split'"),
])
def test_mistakes_point_at_the_key(raw, message):
    with pytest.raises(ConfigError) as error:
        parse_experiment(raw, source="x.toml")
    assert message in str(error.value)


def test_model_parameters_are_checked_before_any_data_is_loaded():
    experiment = parse_experiment(with_(models=[{"type": "random", "seed": -3}]), source="x.toml")
    with pytest.raises(ConfigError, match=r"x.toml: \[\[models\]\] #1 \(random\): .*seed"):
        build_models(experiment)


def test_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such experiment file"):
        load_experiment(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\nsource = 1")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_experiment(bad)
