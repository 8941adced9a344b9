"""A two-stage model's ranker declaration is checked when the model is declared: an
unknown ranker type (or a setting the ranker refuses) used to pass the experiment file's
validation and fail only at fit, after the models before it had been fitted."""

from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.models.registry import create_model


def test_an_unknown_ranker_type_is_refused_at_declaration_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"unknown ranker 'lgbm' \(did you mean 'lightgbm'"):
        create_model("two_stage", generators=[{"type": "most_popular"}],
                     ranker={"type": "lgbm"}).validate_params()


def test_a_ranker_setting_out_of_its_range_is_refused_at_declaration():
    with pytest.raises(ConfigError, match=r"ranker \(lightgbm\)"):
        create_model("two_stage", generators=[{"type": "most_popular"}],
                     ranker={"type": "lightgbm", "n_estimators": -1}).validate_params()


def test_a_known_ranker_is_accepted():
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "logistic"})
    model.validate_params()
    assert model.ranker == {"type": "logistic"}


def test_an_experiment_file_naming_an_unknown_ranker_is_refused_when_loaded(tmp_path: Path):
    from recstack.config import load_experiment

    path = tmp_path / "experiment.toml"
    path.write_text("""
[data]
source = "synthetic"

[split]
method = "random"

[[models]]
type = "most_popular"

[[models]]
type = "two_stage"
generators = [{type = "most_popular"}]
ranker = {type = "lgbm"}
""", encoding="utf-8")
    with pytest.raises(ConfigError, match="lgbm"):
        load_experiment(path)
