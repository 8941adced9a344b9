"""``generate_candidates`` called on its own left users without any candidate out of its
result without a word (the two-stage model warns); it now warns the same way. The PyTorch
rankers trained without naming themselves or their learning rate to the shared trainer, so
a diverged loss was told as "training diverged ...; lower the learning rate", naming
neither, and a finite loss beyond any learning scale ran on to the last epoch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import sparse

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.candidates import generate_candidates
from recstack.pipeline.rankers import create_ranker
from tests.pipeline.test_candidates import FixedScores
from tests.pipeline.test_rankers import synthetic_frame


@pytest.fixture(scope="module")
def generator():
    """Users a, b, c and items x, y, z: a saw all three, b saw x, c saw y."""
    data = Interactions.from_arrays(np.array(["a", "a", "a", "b", "c"]),
                                    np.array(["x", "y", "z", "x", "y"]))
    # b and c: no finite score on any item they have not seen
    scores = np.array([[1, 2, 3], [1, -np.inf, -np.inf], [-np.inf, -np.inf, -np.inf]],
                      np.float32)
    return FixedScores(scores).fit(data)


def test_users_without_any_candidate_are_named_with_the_reason(generator):
    with pytest.warns(UserWarning) as caught:
        candidates = generate_candidates([generator], np.array([0, 1, 2]), 2)
    assert [str(w.message) for w in caught] == [
        "candidates: 3 of the 3 users asked for got no candidate ('a', 'b', 'c'): 1 of them "
        "interacted with every item the generators can propose (3), all left out by "
        "exclude; 2 of them got no item from any generator (no finite score among their "
        "unexcluded items); the result holds no row of theirs"]
    assert caught[0].filename == __file__  # the caller's line
    assert len(candidates) == 0


def test_only_the_users_without_candidates_are_counted(generator):
    # without exclude, b keeps x (score 1) and a keeps all: only c has none
    nothing = sparse.csr_matrix((3, 3))
    with pytest.warns(UserWarning, match=r"^candidates: 1 of the 2 users asked for got no "
                      r"candidate \('c'\): each got no item from any generator"):
        candidates = generate_candidates([generator], np.array([1, 2]), 2, exclude=nothing)
    assert candidates.users.tolist() == [1] and candidates.items.tolist() == [0]


def test_more_than_three_users_are_counted_beyond_the_three_named():
    users = np.array(["u1", "u2", "u3", "u4", "u5"])
    data = Interactions.from_arrays(users, np.array(["x"] * 5))
    # one item, seen by every user
    with pytest.warns(UserWarning, match=r"^candidates: 5 of the 5 users asked for got no "
                      r"candidate \('u1', 'u2', 'u3' and 2 more\): each interacted with "
                      r"every item the generators can propose \(1\)"):
        generate_candidates([FixedScores(np.ones((5, 1))).fit(data)], np.arange(5), 1)


def test_new_users_of_histories_are_named_by_their_rows(generator):
    histories = sparse.csr_matrix(np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]))
    generator.score_histories = lambda rows: np.array([[1.0, 2.0, 3.0]] * rows.shape[0],
                                                       np.float32)
    try:
        with pytest.warns(UserWarning, match=r"^candidates: 1 of the 2 new users asked for "
                          r"got no candidate \(history rows 0\): each interacted with every"):
            candidates = generate_candidates([generator], np.array([0, 1]), 2,
                                             histories=histories)
    finally:
        del generator.score_histories
    assert candidates.users.tolist() == [1, 1]


def test_every_user_with_candidates_gives_no_warning(generator):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        candidates = generate_candidates([generator], np.array([0, 1]), 1,
                                         exclude=sparse.csr_matrix((3, 3)))
    assert candidates.users.tolist() == [0, 1]


# ---------------------------------------------------------------------- PyTorch rankers
def labels_for(name, labels):
    if name != "multitask":
        return labels
    return np.column_stack([labels, np.where(np.arange(len(labels)) % 2 == 0,
                                             1 + 4 * labels, np.nan)])


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2", "multitask"])
def test_a_diverged_ranker_is_named_with_its_learning_rate(name):
    pytest.importorskip("torch")
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = create_ranker(name, epochs=3, learning_rate=1e30, hidden=(8,), device="cpu")
    with pytest.raises(RecstackError, match=rf"^{name}: training diverged in epoch \d: its "
                       r"mean training loss is .*; lower the learning rate "
                       r"\(learning_rate=1e\+30; default 0\.01\)$"):
        ranker.fit(frame, labels_for(name, labels))
    assert not ranker.is_fitted


def test_a_finite_loss_beyond_any_learning_is_stopped():
    pytest.importorskip("torch")
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = create_ranker("wide_deep", epochs=3, learning_rate=1e10, hidden=(8,),
                           device="cpu")
    with pytest.raises(RecstackError, match=r"^wide_deep: training diverged in epoch 2: its "
                       r"mean training loss is [0-9.e+]+, beyond 10,000, the most a training "
                       r"that learns reaches; lower the learning rate"):
        ranker.fit(frame, labels)


def test_the_loss_bound_follows_what_scales_each_loss():
    assert create_ranker("wide_deep")._max_loss(10, None) == 1e4
    assert create_ranker("wide_deep", loss="hinge", margin=50.0)._max_loss(10, None) == 5e5
    # lambdarank sums a group's pairs: a quarter of 40 rows squared; weights scale pairs
    assert create_ranker("wide_deep", loss="lambdarank")._max_loss(40, 3.0) == 1e4 * 400 * 3
    assert create_ranker("wide_deep", loss="bce")._max_loss(40, 3.0) == 1e4  # normalised
    assert create_ranker("multitask", rating_weight=2.0)._max_loss(10, None) == 3e4


def test_torch_rankers_give_probabilities_under_their_log_losses():
    pytest.importorskip("torch")
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = create_ranker("wide_deep", epochs=2, hidden=(8,), device="cpu").fit(frame, labels)
    logits = ranker.score(frame).astype(np.float64)
    np.testing.assert_allclose(ranker.predict_proba(frame), 1 / (1 + np.exp(-logits)),
                               rtol=1e-6)
    pairwise = create_ranker("wide_deep", loss="bpr", epochs=1, hidden=(8,), device="cpu")
    pairwise.fit(frame, labels)
    with pytest.raises(RecstackError, match=r"^wide_deep\.predict_proba: the scores of loss "
                       r"'bpr' .* under loss 'bce' or 'focal'"):
        pairwise.predict_proba(frame)
