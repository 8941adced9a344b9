"""Sixty-second probe: one rule for every seed of an experiment and of the command line.

A seed is a whole number in [0, 2**32 - 1]: numpy's generators, optuna's sampler, torch and
every model (the two-tower model's seed is 32 bits) accept it. The file's top seed took any
size (2**70) and a ``[split]`` seed too, while ``[tune] seed`` stopped at 32 bits."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError

#: the rule, from its definition: 32 bits
WIDEST = 2**32 - 1


def _raw(seed=None, split_seed=None, tune_seed=None):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "als"}]}
    if seed is not None:
        raw["seed"] = seed
    if split_seed is not None:
        raw["split"]["seed"] = split_seed
    if tune_seed is not None:
        raw["tune"] = {"model": "als", "seed": tune_seed}
    return raw


@pytest.mark.parametrize("seed", [WIDEST + 1, 2**63 - 1, 2**70])
def test_the_top_seed_past_32_bits_is_refused_naming_the_range(seed):
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw(seed=seed), source="exp.toml")
    message = str(error.value)
    assert message.startswith(f"exp.toml: seed = {seed}: must be <= {WIDEST}; a seed is a "
                              f"whole number in [0, {WIDEST}] (32 bits"), message
    assert "\n" not in message


@pytest.mark.parametrize("seed", [WIDEST + 1, 2**70])
def test_a_split_seed_past_32_bits_is_refused_naming_the_table(seed):
    with pytest.raises(ConfigError, match=rf"^exp\.toml: \[split\] seed = {seed}: must be "
                                          rf"<= {WIDEST}; a seed is a whole number"):
        parse_experiment(_raw(split_seed=seed), source="exp.toml")


def test_the_tune_seed_follows_the_same_rule():
    with pytest.raises(ConfigError, match=rf"\[tune\] seed = {WIDEST + 1}: must be in "
                                          rf"\[0, {WIDEST}\]"):
        parse_experiment(_raw(tune_seed=WIDEST + 1), source="exp.toml")


def test_the_widest_seed_is_taken_everywhere_and_reaches_the_split():
    experiment = parse_experiment(_raw(seed=WIDEST, tune_seed=WIDEST), source="exp.toml")
    assert experiment.seed == WIDEST
    assert experiment.split.seed == WIDEST
    assert experiment.tune.seed == WIDEST
    assert parse_experiment(_raw(split_seed=WIDEST), source="exp.toml").split.seed == WIDEST
    assert parse_experiment(_raw(seed=0), source="exp.toml").seed == 0


def test_a_negative_top_seed_keeps_its_words():
    with pytest.raises(ConfigError, match=r"^exp\.toml: seed = -1: must be >= 0; a seed is"):
        parse_experiment(_raw(seed=-1), source="exp.toml")


@pytest.mark.parametrize("seed", [str(WIDEST + 1), "99999999999999999999", "-1"])
def test_data_synth_seed_follows_the_rule(tmp_path, capsys, seed):
    with pytest.raises(SystemExit) as stop:
        main(["data", "synth", "--seed", seed, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    bound = f"<= {WIDEST}" if int(seed) > 0 else ">= 0"
    assert err.strip().splitlines()[-1].endswith(
        f"argument --seed: must be {bound}, got {seed}; a seed is a whole number in "
        f"[0, {WIDEST}] (32 bits, what every seeded part accepts)"), err
    assert not (tmp_path / "out").exists()


def test_search_names_the_same_rule():
    import numpy as np

    from recstack.config import tunable_space
    from recstack.tuning import check_search_arguments

    with pytest.raises(ConfigError, match=rf"seed = {WIDEST + 1}: expected a whole number "
                                          rf"in \[0, {WIDEST}\]"):
        check_search_arguments("als", tunable_space("als"), {}, metric="ndcg@10", trials=1,
                               seed=WIDEST + 1, timeout=None)
    check_search_arguments("als", tunable_space("als"), {}, metric="ndcg@10", trials=1, seed=WIDEST,
                           timeout=None)
    assert np.random.default_rng(WIDEST) is not None  # the widest seed numpy takes too
