"""Fifth probe: experiment-file mistakes that were taken without a word or shown in
Python's spelling rather than TOML's."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError

BASE = {"data": {"source": "synthetic"}, "split": {"method": "random"},
        "models": [{"type": "item_knn"}]}


def parse(**changes):
    return parse_experiment(BASE | changes, source="x.toml")


@pytest.mark.parametrize("choices, repeated", [
    (["cosine", "cosine"], "'cosine'"),
    (["cosine", "jaccard", "cosine"], "'cosine'"),
])
def test_a_categorical_choice_listed_twice_is_refused(choices, repeated):
    # optuna drew it twice as often (and the conditional branches tried it twice)
    space = {"similarity": {"type": "categorical", "choices": choices}}
    with pytest.raises(ConfigError, match=rf"^x.toml: \[tune\] space.similarity: choices = "
                                          rf".*: {repeated} is listed twice; give each "
                                          rf"choice once"):
        parse(tune={"model": "item_knn", "space": space})


def test_distinct_choices_of_different_types_are_not_repeats():
    space = {"neighbors": {"type": "categorical", "choices": [10, 20]},
             "normalize": {"type": "categorical", "choices": [True, False]}}
    spec = parse(tune={"model": "item_knn", "space": space}).tune
    assert spec is not None and spec.space == space


@pytest.mark.parametrize("key, value, shown", [
    ("seed", True, "seed = true"), ("seed", False, "seed = false"),
    ("name", True, "name = true"),
])
def test_true_and_false_are_shown_as_toml_writes_them(key, value, shown):
    with pytest.raises(ConfigError, match=rf"^x.toml: {shown}: expected"):
        parse(**{key: value})
