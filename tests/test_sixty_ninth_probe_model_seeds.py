"""Sixty-ninth probe: a model's ``seed`` follows the one seed rule, [0, 2**32 - 1], in an
experiment file, in Python and on the command line.

The file's top seed and the ``[split]`` and ``[tune]`` seeds had the rule, but a seed in a
``[[models]]`` table took 2**32 and anything up to 2**63 - 1 (numba's and numpy's legacy
seeding take 32 bits), a nested model's too, and ``data split --seed`` took 2**32."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.models.registry import create_model

#: the rule, from its definition: 32 bits
WIDEST = 2**32 - 1


def _raw(models):
    return {"data": {"source": "synthetic"}, "split": {"method": "random"}, "models": models}


@pytest.mark.parametrize(("model", "seed", "bound"), [
    ("als", WIDEST + 1, f"must be <= {WIDEST}"),
    ("random", 2**63 - 1, f"must be <= {WIDEST}"),
    ("random", 2**64 - 1, f"must be <= {WIDEST}"),
    ("bpr", -1, "must be >= 0"),
])
def test_a_model_seed_in_a_file_follows_the_one_rule(model, seed, bound):
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw([{"type": model, "seed": seed}]), source="exp.toml")
    message = str(error.value)
    assert message.startswith(f"exp.toml: [[models]] #1 ({model}) seed = {seed}: {bound}; "
                              f"a seed is a whole number in [0, {WIDEST}] (32 bits"), message


@pytest.mark.parametrize("entry", [
    {"type": "blend", "members": [{"type": "random", "seed": WIDEST + 1},
                                  {"type": "most_popular"}]},
    {"type": "reranked", "model": {"type": "random", "seed": WIDEST + 1}},
])
def test_a_nested_model_seed_follows_the_rule_too(entry):
    with pytest.raises(ConfigError, match=rf"random: seed must be <= {WIDEST}, got "
                                          rf"{WIDEST + 1}; a seed is a whole number"):
        parse_experiment(_raw([entry]), source="exp.toml")


@pytest.mark.parametrize("model", ["als", "random", "ials", "ease"])
def test_the_widest_seed_is_taken(model):
    params = {"seed": WIDEST} if model != "ease" else {}
    parse_experiment(_raw([{"type": model, **params}]), source="exp.toml")
    if params:
        create_model(model, **params).validate_params()


@pytest.mark.parametrize(("model", "seed"), [("als", WIDEST + 1), ("random", -3),
                                             ("mf", 2**40)])
def test_a_model_made_in_python_refuses_the_same_seeds(model, seed):
    with pytest.raises(ConfigError, match=rf"^{model}: seed must be (<= {WIDEST}|>= 0), got "
                                          rf"{seed}; a seed is a whole number in \[0, {WIDEST}\]"):
        create_model(model, seed=seed).validate_params()


@pytest.mark.parametrize("seed", [WIDEST + 1, -1])
def test_data_split_seed_follows_the_rule(capsys, tmp_path, seed):
    with pytest.raises(SystemExit) as exit_info:
        main(["data", "split", "synthetic", "--seed", str(seed), "--out", str(tmp_path / "o")])
    assert exit_info.value.code == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    bound = f"<= {WIDEST}" if seed > 0 else ">= 0"
    assert line == (f"recstack data split: error: argument --seed: must be {bound}, got "
                    f"{seed}; a seed is a whole number in [0, {WIDEST}] (32 bits, what every "
                    f"seeded part accepts)")
    assert not (tmp_path / "o").exists()
