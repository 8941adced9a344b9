"""Eighty-seventh bad-input probe, search spaces: a categorical dimension of one choice ran
every trial on the same value without a word, and a range written high to low was refused
without saying the ends were swapped. Checked where every space is checked, so that the
experiment file and ``recstack.tuning.search`` say the same. Each test failed before its
fix."""

from __future__ import annotations

import pytest

pytest.importorskip("optuna")

from recstack.config import load_experiment  # noqa: E402
from recstack.data.splits import random_split  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.tuning import search  # noqa: E402

HEAD = ('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n[[models]]\n'
        'type = "item_knn"\n[tune]\nmodel = "item_knn"\ntrials = 3\n')


def _refusal(tmp_path, dimension):
    path = tmp_path / "t.toml"
    path.write_text(HEAD + dimension)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    return str(caught.value)


def test_a_categorical_of_one_choice_is_refused(tmp_path):
    message = _refusal(tmp_path, '[tune.space.similarity]\ntype = "categorical"\n'
                                 'choices = ["cosine"]\n')
    assert message.endswith("t.toml: [tune] space.similarity: choices = [\"cosine\"]: one "
                            "choice searches nothing (every trial would draw \"cosine\"); list "
                            "two choices or more, or set the value in the model's params and "
                            "leave it out of the space")


def test_two_choices_are_searched(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(HEAD + '[tune.space.similarity]\ntype = "categorical"\n'
                           'choices = ["cosine", "jaccard"]\n')
    assert load_experiment(path).tune is not None


@pytest.mark.parametrize("kind, low, high", [("int", 50, 5), ("float", 9.5, 0.5)])
def test_a_range_written_high_to_low_says_to_swap_the_ends(tmp_path, kind, low, high):
    name = "neighbors" if kind == "int" else "shrink"
    message = _refusal(tmp_path, f'[tune.space.{name}]\ntype = "{kind}"\nlow = {low}\n'
                                 f'high = {high}\n')
    assert message.endswith(f"low < high, got low={low!r}, high={high!r}; swap them: low = "
                            f"{high!r}, high = {low!r}")


def test_a_range_of_one_value_says_to_set_the_parameter(tmp_path):
    message = _refusal(tmp_path, '[tune.space.shrink]\ntype = "float"\nlow = 1.0\n'
                                 'high = 1.0\n')
    assert message.endswith("needs numbers low < high, got low=1.0, high=1.0; a range of "
                            "one value searches nothing: set shrink in the model's params "
                            "instead")


def test_search_from_python_refuses_one_choice_too():
    data = generate(n_users=60, n_items=40, n_interactions=800, seed=0)
    split = random_split(data, 0.2, seed=0)
    with pytest.raises(ConfigError, match=r"space\['similarity'\]: choices = \[\"cosine\"\]: "
                                          r"one choice searches nothing"):
        search("item_knn", split.train, split.test,
               {"similarity": {"type": "categorical", "choices": ["cosine"]}}, trials=2)
