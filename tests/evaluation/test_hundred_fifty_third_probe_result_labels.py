"""evaluate(name=...) labels the result (the row of comparison_table, the name in its
files): name='' fell back to the model's name without a word, ' pop ' made a row printed
as 'pop' beside another 'pop', and a line break split the table's line."""

from __future__ import annotations

import warnings

import pytest

from recstack.data.splits import user_split
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import comparison_table
from recstack.models.baselines import MostPopular


@pytest.fixture(scope="module")
def fitted(split):
    return MostPopular().fit(split.train)


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_label_is_refused_naming_the_default(split, fitted, name):
    with pytest.raises(ConfigError, match=r"is empty; give the result's label, e\.g\. "
                                          r"name='most_popular_2', or leave name out to "
                                          r"label it 'most_popular'"):
        Evaluator(ks=[5]).evaluate(fitted, split.train, split.test, name=name)


@pytest.mark.parametrize("name", ["a\nb", "pop\t2", "x\r"])
def test_a_label_with_control_characters_is_refused(split, fitted, name):
    with pytest.raises(ConfigError, match="holds a line break, tab or other control character"):
        Evaluator(ks=[5]).evaluate(fitted, split.train, split.test, name=name)


@pytest.mark.parametrize("name", [" pop", "pop ", " pop "])
def test_a_label_with_spaces_at_either_end_is_refused_with_the_trimmed_one(split, fitted, name):
    with pytest.raises(ConfigError, match=r"starts or ends with a space.*name='pop'$"):
        Evaluator(ks=[5]).evaluate(fitted, split.train, split.test, name=name)


def test_fold_in_labels_follow_the_same_rule(split):
    import numpy as np

    from recstack.data.interactions import Interactions
    rng = np.random.default_rng(5)
    data = Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 20, 600),
                                    duplicates="first")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = user_split(data, 0.3, seed=2)
    from recstack.models.ease import EASE
    model = EASE().fit(parts.train)
    with pytest.raises(ConfigError, match="starts or ends with a space"):
        Evaluator(ks=[5]).evaluate_fold_in(model, parts.train, parts.fold_in, parts.test,
                                           name="ease ")


def test_plain_labels_and_the_default_still_label_the_rows(split, fitted):
    evaluator = Evaluator(ks=[5])
    default = evaluator.evaluate(fitted, split.train, split.test)
    named = evaluator.evaluate(fitted, split.train, split.test, name="pop 2")
    assert default.model == "most_popular" and named.model == "pop 2"
    assert list(comparison_table([default, named]).index) == ["most_popular", "pop 2"]
