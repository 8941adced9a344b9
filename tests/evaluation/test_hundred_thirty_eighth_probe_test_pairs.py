"""Hundred-thirty-eighth probe, results of different test sets compared user by user.

``a.compare(c, "ndcg@5")`` with ``c`` evaluated on another split (another seed) paired
each user's values over different test items and reported a significant difference
without a word; ``comparison_table`` set them side by side. The evaluator now records
the relevant test pairs (their count and a digest) in ``meta["test_pairs"]``, and both
refuse results whose test pairs differ, as they refuse other relevance thresholds."""

from __future__ import annotations

import pytest

from recstack.data.splits import random_split
from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import comparison_table
from recstack.models import create_model

DATA = generate(n_users=80, n_items=40, n_interactions=1200, n_genres=5, seed=1)
ONE, OTHER = random_split(DATA, 0.2, seed=0), random_split(DATA, 0.2, seed=1)
EVALUATOR = Evaluator(ks=(5,))


def _result(split, model: str, name: str):
    fitted = create_model(model).fit(split.train)
    return EVALUATOR.evaluate(fitted, split.train, split.test, name=name)


def test_the_key_counts_the_relevant_test_pairs():
    result = _result(ONE, "most_popular", "pop")
    frame = ONE.test.to_frame()
    pairs = len(frame[["user_id", "item_id"]].drop_duplicates())  # every pair is relevant
    assert result.meta["test_pairs"].startswith(f"{pairs} pairs, ")


def test_results_of_one_split_compare():
    popular, rand = _result(ONE, "most_popular", "pop"), _result(ONE, "random", "rand")
    assert popular.meta["test_pairs"] == rand.meta["test_pairs"]
    assert popular.compare(rand, "ndcg@5").n_users > 0
    assert comparison_table([popular, rand]).shape[0] == 2


def test_results_of_two_splits_are_refused_naming_both():
    here, there = _result(ONE, "most_popular", "here"), _result(OTHER, "most_popular", "there")
    assert here.meta["test_pairs"] != there.meta["test_pairs"]
    with pytest.raises(RecstackError, match=r"^compare: here and there were evaluated on "
                                            r"different test pairs \(\d+ pairs, [0-9a-f]{16} "
                                            r"and \d+ pairs, [0-9a-f]{16}: another split"):
        here.compare(there, "ndcg@5")
    with pytest.raises(RecstackError, match=r"^comparison_table: here and there were "
                                            r"evaluated on different test pairs"):
        comparison_table([here, there])
    with pytest.raises(RecstackError, match=r"^diagnose: here and there were evaluated on "
                                            r"different test pairs"):
        diagnose(here, there)
