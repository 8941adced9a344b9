"""Sixth bad-input probe, tuning: [tune] settings that were ignored without a word, and
searches whose error blamed the wrong setting. Each test failed before its fix."""

from __future__ import annotations

import re

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError, RecstackError
from recstack.tuning import tune

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=2"


def experiment(split=None, evaluation=None, **tune_table):
    return parse_experiment({
        "seed": 3,
        "data": {"source": SMALL},
        "split": split or {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]} | (evaluation or {}),
        "models": [{"type": "most_popular", "label": "pop"}],
        "tune": {"model": "pop", "trials": 2} | tune_table,
    }, source="t.toml")


def test_a_validation_fraction_the_split_method_ignores_is_refused():
    # leave_last_out carves the validation part as each user's latest rows whatever the
    # share: validation_fraction = 0.3 was accepted and changed nothing
    with pytest.raises(ConfigError, match=r"^t.toml: \[tune\] validation_fraction = 0.3: the "
                                          r"leave_last_out split carves the validation part "
                                          r".*remove validation_fraction"):
        experiment(split={"method": "leave_last_out"}, validation_fraction=0.3)
    # without the key the split is fine, and a split with a share takes it
    assert experiment(split={"method": "leave_last_out"}).tune.validation_fraction == 0.2
    assert experiment(validation_fraction=0.3).tune.validation_fraction == 0.3
    assert experiment(split={"method": "kfold", "k": 3},
                      validation_fraction=0.3).tune.validation_fraction == 0.3


def _graph_cf_folder(folder, *, valid: bool):
    folder.mkdir()
    (folder / "train.txt").write_text("0 0 1 2\n1 1 2 3\n2 0 3\n")
    (folder / "test.txt").write_text("0 3\n1 0\n2 1\n")
    if valid:
        (folder / "valid.txt").write_text("0 4\n1 4\n2 4\n")
    return folder


def test_a_validation_fraction_beside_a_valid_file_is_refused(tmp_path):
    # the graph-CF protocol validates on valid.txt: the share was ignored without a word
    def parse(folder):
        return parse_experiment({"data": {"split": str(folder)},
                                 "models": [{"type": "ease"}],
                                 "tune": {"trials": 2, "validation_fraction": 0.1}},
                                source="g.toml")

    with pytest.raises(ConfigError, match=r"^g.toml: \[tune\] validation_fraction = 0.1: the "
                                          r"split folder holds valid.txt, which is the "
                                          r"validation part"):
        parse(_graph_cf_folder(tmp_path / "with", valid=True))
    # without valid.txt the share is what carves the validation part out of train.txt
    assert parse(_graph_cf_folder(tmp_path / "without", valid=False)
                 ).tune.validation_fraction == 0.1


def test_a_validation_part_that_cannot_be_carved_names_the_tune_setting():
    # it said "random split left no test rows ({'test_fraction': 1e-05, ...})": a key the
    # user never wrote, without the file or the [tune] table
    with pytest.raises(RecstackError) as error:
        tune(experiment(validation_fraction=1e-5))
    message = str(error.value)
    assert message.startswith("t.toml: [tune] validation_fraction = 1e-05 (the share of the "
                              "training part held out to validate on): carving the "
                              "validation part out of the training part")
    assert "left no test rows" in message and message.endswith("e.g. 0.2 (the default)")


def test_a_validation_part_without_relevant_items_blames_the_threshold_not_the_trial():
    # it said "trial 1 of 2 failed with half_life_days = ... : no test user has a relevant
    # item; change these values in pop's [[models]] table": the model's values were fine
    with pytest.raises(ConfigError) as error:
        tune(experiment(evaluation={"relevance_threshold": 100.0}))
    message = str(error.value)
    # the synthetic ratings are 1..5 stars (the generator's scale)
    assert re.fullmatch(r"t.toml: \[tune\] no user of the validation part has a relevant "
                        r"item: \[evaluation\] relevance_threshold = 100.0 is above every "
                        r"value of its [0-9,]+ rows \(the largest is 5\); lower it, or leave "
                        r"it out to count every row as relevant", message), message
    assert "trial" not in message
    # a threshold some validation values reach still tunes
    assert len(tune(experiment(evaluation={"relevance_threshold": 4.0})).trials) == 2
