"""The evaluator stores the mean overlap of its top-K lists, and diagnose reads it when
it is given no lists; a model's own error names the result it was evaluated as."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose, index_list_overlap, mean_list_overlap
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult
from tests.evaluation.scorer import Scorer


def _by_hand(lists: list[list[int]]) -> float:
    sets = [set(x for x in row if x >= 0) for row in lists]
    sets = [s for s in sets if s]
    shares = [len(a & b) / min(len(a), len(b)) for a, b in itertools.combinations(sets, 2)]
    return sum(shares) / len(shares)


def test_index_lists_give_the_overlap_worked_by_hand() -> None:
    # {0,1,2}-{1,2,3}: 2 of 3; {0,1,2}-{4,5} and {1,2,3}-{4,5}: 0 of 2; the empty row is in
    # no pair
    lists = np.array([[0, 1, 2], [1, 2, 3], [4, 5, -1], [-1, -1, -1]])
    assert index_list_overlap(lists) == pytest.approx((2 / 3 + 0 + 0) / 3, rel=1e-15)
    assert np.isnan(index_list_overlap(np.array([[3, 4], [-1, -1]])))


def test_index_lists_agree_with_the_pairs_counted_one_by_one_across_blocks() -> None:
    # 600 users: more than one block of the pairwise sum, every pair counted
    rng = np.random.default_rng(4)
    lists = np.stack([rng.choice(60, 8, replace=False) for _ in range(600)])
    lists[::7, 5:] = -1
    assert index_list_overlap(lists, max_users=600) == pytest.approx(
        _by_hand(lists.tolist()), rel=1e-12)


def test_drawn_users_are_the_ones_mean_list_overlap_draws() -> None:
    rng = np.random.default_rng(5)
    lists = np.stack([rng.choice(40, 5, replace=False) for _ in range(300)])
    lists[:20] = -1
    assert index_list_overlap(lists, max_users=50, seed=3) == pytest.approx(
        mean_list_overlap(lists, max_users=50, seed=3), rel=1e-12)


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(3)
    data = Interactions.from_arrays(rng.integers(0, 20, 400), rng.integers(0, 30, 400),
                                    duplicates="first")
    return random_split(data, 0.2, seed=1)


def test_the_evaluator_stores_the_overlap_of_its_lists(split) -> None:
    n_items = split.train.n_items
    # every user gets the same scores (item 0 best): each list is the first five items
    # the user did not train on
    model = Scorer(lambda users: np.tile(-np.arange(n_items, dtype=float), (len(users), 1)))
    result = Evaluator(ks=[2, 5]).evaluate(model, split.train, split.test)
    seen = split.train.to_csr()
    evaluated = split.train.users.to_index(result.per_user.index.to_numpy())
    lists = [[i for i in range(n_items) if not seen[u, i]][:5] for u in evaluated]
    stored = result.meta["mean_list_overlap"]
    assert stored["k"] == 5
    assert stored["overlap"] == pytest.approx(_by_hand(lists), rel=1e-12)


def _with_overlap(overlap: object, k: object = 10, stored: object = None) -> EvaluationResult:
    frame = pd.DataFrame({"ndcg@10": [0.5, 0.4]},
                         index=pd.Index(["a", "b"], name="user_id"))
    entry = {"k": k, "overlap": overlap} if stored is None else stored
    return EvaluationResult("m", frame, meta={"n_items": 100, "mean_list_overlap": entry})


def test_diagnose_reads_the_stored_overlap_without_lists() -> None:
    found = diagnose(_with_overlap(0.62))
    assert [d.kind for d in found] == ["same lists"] and "0.620" in found[0].message
    assert diagnose(_with_overlap(0.12)) == []
    # fewer than two users had a list: nothing to tell, and the user asked for no check
    assert diagnose(_with_overlap(None)) == []
    assert diagnose(_with_overlap(float("nan"))) == []
    # lists of K holding the whole catalog leave nothing to personalise
    assert diagnose(_with_overlap(0.9, k=100)) == []
    # a result without the entry (built by hand, folds of other overlaps combined)
    frame = pd.DataFrame({"ndcg@10": [0.5, 0.4]}, index=pd.Index(["a", "b"], name="user_id"))
    assert diagnose(EvaluationResult("m", frame, meta={"n_items": 100})) == []


@pytest.mark.parametrize(("overlap", "k", "stored", "field"), [
    (1.7, 10, None, r"\['overlap'\] is 1.7"), ("0.5", 10, None, r"\['overlap'\] is '0.5'"),
    (0.5, 0, None, r"\['k'\] is 0"), (0.5, None, None, r"\['k'\] is None"),
    (None, None, 0.5, r"\['mean_list_overlap'\] is 0.5, but .*'k': K"),
    (None, None, {"overlap": 0.5}, r"\['mean_list_overlap'\] is .*'k': K")])
def test_a_stored_overlap_edited_into_something_else_is_refused(overlap, k, stored,
                                                                field) -> None:
    with pytest.raises(RecstackError, match=field):
        diagnose(_with_overlap(overlap, k, stored))


def test_a_models_error_names_the_result_it_was_evaluated_as(split) -> None:
    def fail(users: np.ndarray) -> np.ndarray:
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory") as raised:
        Evaluator(ks=[5]).evaluate(Scorer(fail), split.train, split.test, name="fold_2_ease")
    assert any("'fold_2_ease'" in note and "score_users" in note
               for note in getattr(raised.value, "__notes__", []))


def test_a_baseline_that_is_not_personalised_is_not_told_it_does_not_personalise(split):
    # most-popular gives everyone one list by design: with the overlap stored for every
    # model, each experiment with that baseline was told to check that it personalises
    from recstack.models import create_model

    popular = create_model("most_popular").fit(split.train)
    assert popular.personalised is False
    result = Evaluator(ks=[5]).evaluate(popular, split.train, split.test)
    assert "mean_list_overlap" not in result.meta
    assert [d for d in diagnose(result) if d.kind == "same lists"] == []
    # the same lists from a model that personalises (the default) are still flagged
    n_items = split.train.n_items
    alike = Scorer(lambda users: np.tile(-np.arange(n_items, dtype=float), (len(users), 1)))
    flagged = diagnose(Evaluator(ks=[5]).evaluate(alike, split.train, split.test))
    assert [d.kind for d in flagged if d.kind == "same lists"] == ["same lists"]
