"""Ninety-eighth bad-input probe, what a model hands the evaluator back, by shape and type.

Scores of the wrong shape were "returned scores of shape (20, 33), expected (20, 30)": the
numbers, not which side was wrong nor why (a model fitted on another catalog, one that
adds columns, users and items swapped). Folding in, every message named ``score_users``
though ``score_histories`` had returned the scores, a ``score_histories`` that is no method
failed with Python's "'int' object is not callable", and a torch bfloat16 tensor with
torch's "Got unsupported ScalarType BFloat16". Each is now said with the model, the method
and the remedy. Scores of any real dtype rank as their float64 values do."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer

EVALUATOR = Evaluator(metrics=["ndcg", "recall"], ks=[5])


def _scores(users, n_items):
    """A fixed score per (user, item), distinct within a row."""
    return ((np.asarray(users)[:, None] * 7 + np.arange(n_items)[None, :] * 3) % 31
            ).astype(np.float64)


@pytest.mark.parametrize(("reshape", "said"), [
    (lambda s: np.hstack([s, s[:, :3]]), "33 columns for the 30 items of train's vocabulary"),
    (lambda s: s[:, :-1], "29 columns for the 30 items of train's vocabulary"),
    (lambda s: s[:-1], "rows for the"),
    (lambda s: s.T, "users and items are swapped; return the transpose (scores.T)"),
    (lambda s: s[0], "a 2-d array, one row per user asked for and one column per catalog item"),
    (lambda s: s[None], "a 2-d array, one row per user asked for"),
], ids=["more columns", "fewer columns", "fewer rows", "transposed", "1-d", "3-d"])
def test_a_wrong_shape_says_which_side_and_why(split, reshape, said):
    n = split.train.n_items
    assert n == 30
    model = Scorer(lambda u: reshape(_scores(u, n)))
    with pytest.raises(RecstackError, match=r"^scorer\.score_users returned scores of shape "
                                            r"\(.*\), expected \(\d+, 30\): .*"
                                            + re.escape(said)):
        EVALUATOR.evaluate(model, split.train, split.test)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int64, np.int16, np.uint8,
                                   np.longdouble])
def test_every_real_dtype_ranks_as_its_values(split, dtype):
    n = split.train.n_items
    # scores 0..30, exact in every dtype above: one ranking, so one set of metrics
    as_float = EVALUATOR.evaluate(Scorer(lambda u: _scores(u, n)), split.train, split.test)
    other = EVALUATOR.evaluate(Scorer(lambda u: _scores(u, n).astype(dtype)), split.train,
                               split.test)
    assert other.per_user.equals(as_float.per_user)


class _FoldIn:
    name = "folder"

    def __init__(self, make):
        self.make = make

    def score_users(self, users):  # pragma: no cover - not called when folding in
        raise AssertionError("fold-in scores come from score_histories")

    def score_histories(self, histories):
        return self.make(histories)


@pytest.fixture(scope="module")
def held_out():
    rng = np.random.default_rng(5)
    data = Interactions.from_arrays(rng.integers(0, 40, 600), rng.integers(0, 30, 600),
                                    duplicates="first")
    return user_split(data, 0.3, seed=2)


def test_fold_in_messages_name_score_histories(held_out):
    s = held_out
    n = s.train.n_items
    with pytest.raises(RecstackError, match=r"^folder\.score_histories returned scores of "
                                            rf"shape \(\d+, {n + 2}\)"):
        EVALUATOR.evaluate_fold_in(
            _FoldIn(lambda h: np.zeros((h.shape[0], h.shape[1] + 2))), s.train, s.fold_in,
            s.test)
    with pytest.raises(RecstackError, match=r"^folder returned None where scores belong; "
                                            r"score_histories must return"):
        EVALUATOR.evaluate_fold_in(_FoldIn(lambda h: None), s.train, s.fold_in, s.test)
    with pytest.raises(RecstackError, match=r"true/false values where scores belong; "
                                            r"score_histories must give"):
        EVALUATOR.evaluate_fold_in(_FoldIn(lambda h: np.ones(h.shape, bool)), s.train,
                                   s.fold_in, s.test)


def test_a_score_histories_that_is_no_method_is_named(held_out):
    s = held_out
    model = _FoldIn(None)
    model.score_histories = 3
    with pytest.raises(RecstackError, match=re.escape(
            "model: folder's score_histories is not a method (it is of type int); "
            "evaluate_fold_in calls model.score_histories(histories)")):
        EVALUATOR.evaluate_fold_in(model, s.train, s.fold_in, s.test)


def test_fold_in_scores_of_another_dtype_rank_as_their_values(held_out):
    s = held_out

    def scores(h):
        return _scores(np.arange(h.shape[0]), h.shape[1])

    as_float = EVALUATOR.evaluate_fold_in(_FoldIn(scores), s.train, s.fold_in, s.test)
    as_half = EVALUATOR.evaluate_fold_in(_FoldIn(lambda h: scores(h).astype(np.float16)),
                                         s.train, s.fold_in, s.test)
    assert as_half.per_user.equals(as_float.per_user)


def test_a_bfloat16_tensor_is_refused_with_the_conversion(split):
    torch = pytest.importorskip("torch")
    n = split.train.n_items
    model = Scorer(lambda u: torch.tensor(_scores(u, n)).bfloat16())
    with pytest.raises(RecstackError, match=re.escape(
            "scorer returned scores as a torch.bfloat16 tensor, which numpy cannot read; "
            "score_users must give real numbers: convert them first, e.g. scores.float()")):
        EVALUATOR.evaluate(model, split.train, split.test)
    # float16 and float32 tensors are read as they are
    as_tensor = EVALUATOR.evaluate(Scorer(lambda u: torch.tensor(_scores(u, n)).half()),
                                   split.train, split.test)
    as_array = EVALUATOR.evaluate(Scorer(lambda u: _scores(u, n)), split.train, split.test)
    assert as_tensor.per_user.equals(as_array.per_user)
