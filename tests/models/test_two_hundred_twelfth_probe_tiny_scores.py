"""Scores far below 1 must keep their order in float32 (RP3beta with large alpha and beta,
EASE with a huge regularization, iALS with a huge regularization)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.registry import create_model


def _walk_pairs() -> tuple[list[int], list[int]]:
    """Items 0 (A), 1 (C), 2 (B). 99 users hold {A, B}, 100 users {A, C}, user 199 only A.

    With alpha = beta = 10, W[A, j] = d_j * (1/200)^10 * (1/2)^10 / d_j^10, so
    W[A, B] / W[A, C] = (100 / 99)^9 = 1.0946700817686623 (about 1e-44 each: float32
    subnormals, which both rounded to 1e-44 and tied, C first by index)."""
    users: list[int] = []
    items: list[int] = []
    for user in range(99):
        users += [user, user]
        items += [0, 2]
    for user in range(99, 199):
        users += [user, user]
        items += [0, 1]
    users.append(199)
    items.append(0)
    return users, items


def _walk_data() -> Interactions:
    users, items = _walk_pairs()
    return Interactions.from_arrays(np.array(users), np.array(items))


def test_rp3beta_keeps_the_order_of_weights_below_float32s_normal_range() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = create_model("rp3beta", alpha=10, beta=10, normalize=False).fit(_walk_data())
    ids, scores = model.recommend([199], k=2)
    assert ids.tolist() == [[2, 1]]
    assert scores[0, 0] / scores[0, 1] == pytest.approx((100 / 99) ** 9, rel=1e-5)
    pair = model.score([199, 199], [2, 1])
    assert pair[0] / pair[1] == pytest.approx((100 / 99) ** 9, rel=1e-5)
    neighbours, _ = model.similar_items([0], k=2)
    assert neighbours.tolist() == [[2, 1]]
    # the weights are scaled by one power of two only: the largest lies in [0.5, 1)
    assert 0.5 <= model.similarity_.data.max() < 1.0


def test_rp3beta_default_weights_are_not_rescaled() -> None:
    model = create_model("rp3beta", normalize=False).fit(_walk_data())
    # W[A, B] = 99 * (1/200) * (1/2) / 99**0.6 with alpha = 1, beta = 0.6: as the formula
    expected = 99 * (1 / 200) * (1 / 2) / 99 ** 0.6
    assert model.similarity_[0, 2] == pytest.approx(expected, rel=1e-6)


def test_rp3beta_weights_wider_than_float32_are_named() -> None:
    users, items = _walk_pairs()
    # user 200 alone holds {D, E}: W[D, E] = 1^10 * (1/2)^10 / 1^10, about 1e-3, next to
    # W[A, B] of 1e-44: 41 orders of magnitude, more than float32's 2**125 (4e37)
    wide = Interactions.from_arrays(np.array(users + [200, 200]), np.array(items + [3, 4]))
    with pytest.warns(RuntimeWarning, match=r"rp3beta: with alpha=10 and beta=10 the walk "
                                            r"weights span .* lower alpha or beta") as caught:
        create_model("rp3beta", alpha=10, beta=10, normalize=False).fit(wide)
    assert caught[0].filename == __file__


def _links() -> Interactions:
    """Items 0, 1, 2: three users hold {0, 1}, two users {0, 2}, user 5 only item 0, so
    the co-occurrence counts of item 0 are 3 (item 1) and 2 (item 2)."""
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
    items = np.array([0, 1, 0, 1, 0, 1, 0, 2, 0, 2, 0])
    return Interactions.from_arrays(users, items)


def test_ease_with_a_regularization_past_float32s_inverse_is_refused() -> None:
    # P_01 is about 3 / (3e22)^2 = 3.3e-45: a float32 subnormal of 2 bits (P_02 the same
    # 2.2e-45 rounds to 1.4e-45 or 2.8e-45), so the weights' order was rounding's
    with pytest.raises(RecstackError, match=r"^ease: regularization=3e\+22 outweighs the "
                                            r"item co-occurrence counts \(at most 3\) .* "
                                            r"smallest normal number .* lower the "
                                            r"regularization .* or use dtype='float64'$"):
        create_model("ease", regularization=3e22).fit(_links())


def test_ease_in_float64_at_that_regularization_ranks_by_co_occurrence() -> None:
    # with lambda far above every count, B_ij -> G_ij / lambda: user 5 (item 0) gets
    # 3e-22 / 3 = 1e-22 for item 1 and 2 / 3e22 for item 2
    model = create_model("ease", regularization=3e22, dtype="float64").fit(_links())
    items, scores = model.recommend([5], k=2)
    assert items.tolist() == [[1, 2]]
    assert scores[0] == pytest.approx([3 / 3e22, 2 / 3e22], rel=1e-5)


def test_ease_with_a_large_workable_regularization_still_fits() -> None:
    model = create_model("ease", regularization=1e15).fit(_links())
    items, scores = model.recommend([5], k=2)
    assert items.tolist() == [[1, 2]]
    assert scores[0] == pytest.approx([3 / 1e15, 2 / 1e15], rel=1e-4)


def test_factors_too_small_for_float32_scores_are_refused() -> None:
    # ALS with regularization 1e10 over 15 sweeps: vectors near 1e-23, each product near
    # 1e-46, below float32's smallest normal 1.2e-38: every score was 0 and every list the
    # catalog by index
    model = create_model("als", factors=4, iterations=15, regularization=1e10)
    with pytest.raises(RecstackError, match=r"^als: training learned nothing usable: the "
                                            r"learned vectors reach only .* below float32's "
                                            r"smallest normal number .* regularization="
                                            r"10000000000\.0"):
        model.fit(_valued(1.0))
    assert not model.is_fitted


@pytest.mark.parametrize(("params", "advice"), [
    ({"regularization": 1e10}, "lower the regularization"),
    # the setting at fault alone is named, with the range it trains in
    ({"init_stddev": 1e-30}, r"with init_stddev=1e-30, beyond the range it trains in "
                             r"\(1e-06 to 10\); raise the init stddev to at least 1e-06"),
])
def test_ials_whose_factors_are_rounding_noise_is_refused(params: dict[str, float],
                                                          advice: str) -> None:
    # two sweeps at regularization 1e10: the exact factors are near 1e-35, the fitted ones
    # were rounding noise near 1e-15 (15% of the scores exactly 0); the objective is the
    # all-zero factors' 60 (one per recorded pair) to 12 digits
    model = create_model("ials", factors=4, iterations=2, **params)
    with pytest.raises(RecstackError, match=r"^ials: training learned nothing: the fitted "
                                            r"factors change the objective by less than 1e-12 "
                                            r"of its value at all-zero factors \(60, one per "
                                            r"recorded pair\).* " + advice):
        model.fit(_valued(1.0))
    assert not model.is_fitted


def test_factor_model_with_a_usual_scale_still_fits() -> None:
    model = create_model("ials", factors=4, iterations=2).fit(_links())
    assert np.abs(model.score_users(np.arange(6))).max() > 1e-3


def _valued(scale: float) -> Interactions:
    """20 users x 8 items with values in [1, 5) times ``scale``."""
    rng = np.random.default_rng(3)
    users, items = [], []
    for user in range(20):
        chosen = rng.choice(8, size=3, replace=False)
        users += [user] * 3
        items += chosen.tolist()
    values = rng.uniform(1.0, 5.0, len(users)) * scale
    return Interactions.from_arrays(np.array(users), np.array(items), values)


@pytest.mark.parametrize("name", ["item_knn", "user_knn", "ease"])
def test_values_too_small_to_multiply_in_float32_are_refused(name: str) -> None:
    # values near 1e-25: products near 1e-50 were 0 in float32, so every similarity and
    # score was 0 and every list the catalog in index order
    with pytest.raises(RecstackError, match=rf"^{name}: the interactions hold values only "
                                            r"up to 4\.\d+e-25; this model \(binary=False\) "
                                            r"multiplies the interaction values .* rescale "
                                            r"the values .* or use binary=True$"):
        create_model(name, binary=False).fit(_valued(1e-25))


@pytest.mark.parametrize("name", ["item_knn", "ease", "rp3beta", "content"])
def test_models_that_do_not_multiply_tiny_values_keep_their_ranking(name: str) -> None:
    # rp3beta and content normalise the values away (each user's row over its sum, a
    # profile's direction); item_knn and ease with binary=True read the 0/1 pattern
    params: dict[str, object] = {"binary": False}
    if name == "item_knn" or name == "ease":
        params = {"binary": True}  # the values are ignored: the 0/1 pattern is used
    if name == "content":
        params = {"binary": False, "interaction_weight": 1.0}
    scaled = create_model(name, **params).fit(_valued(1e-30)).score_users(np.arange(20))
    plain = create_model(name, **params).fit(_valued(1.0)).score_users(np.arange(20))
    assert (np.argsort(-scaled, axis=1, kind="stable")[:, :3]
            == np.argsort(-plain, axis=1, kind="stable")[:, :3]).all()


def test_als_takes_tiny_values_as_confidence_one() -> None:
    # confidences 1 + alpha * r: values near 1e-30 are confidence 1, as a value of 0 is
    tiny = create_model("als", factors=4, iterations=3).fit(_valued(1e-30))
    zero = create_model("als", factors=4, iterations=3).fit(_valued(0.0))
    np.testing.assert_allclose(tiny.score_users(np.arange(20)),
                               zero.score_users(np.arange(20)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("regularization", [1e16, 1e18])
def test_als_whose_solver_never_left_its_random_start_is_refused(regularization: float) -> None:
    # the conjugate-gradient sums of regularization x factors overflowed float32: the
    # solver made no step and the uniform [0, 0.01) start was served as the model
    model = create_model("als", factors=4, iterations=3, regularization=regularization)
    with pytest.raises(RecstackError, match=r"^als: training left the factors at their "
                                            r"random start: .* made no step in 3 "
                                            r"iteration\(s\) with regularization=1e\+1[68] "
                                            r".* lower the regularization"):
        model.fit(_valued(1.0))
    assert not model.is_fitted


def test_als_with_a_usual_regularization_moves_from_its_start() -> None:
    model = create_model("als", factors=4, iterations=3, seed=5).fit(_valued(1.0))
    start = np.random.default_rng(5).random((20, 4), dtype=np.float32) * 0.01
    assert not np.array_equal(model.user_factors_, start)


def test_bpr_whose_steps_never_moved_its_start_is_refused() -> None:
    # learning_rate 1e-30: each step is below float32's resolution of the start's values
    # (about 0.1), so the random start was served as the model
    model = create_model("bpr", factors=4, epochs=3, learning_rate=1e-30)
    with pytest.raises(RecstackError, match=r"^bpr: training left the factors at their "
                                            r"start: 3 epoch\(s\) of steps with "
                                            r"learning_rate=1e-30 changed no factor .* raise "
                                            r"the learning rate"):
        model.fit(_valued(1.0))
    assert not model.is_fitted


def test_bpr_with_a_small_but_working_learning_rate_fits() -> None:
    model = create_model("bpr", factors=4, epochs=3, learning_rate=1e-6).fit(_valued(1.0))
    assert np.isfinite(model.user_factors_).all()


def _rated() -> Interactions:
    rng = np.random.default_rng(4)
    users = np.repeat(np.arange(20), 3)
    items = np.concatenate([rng.choice(8, size=3, replace=False) for _ in range(20)])
    times = np.tile(np.arange(3), 20)
    return Interactions.from_arrays(users, items, rng.integers(1, 6, 60).astype(float),
                                    times, rating_range=(1, 5))


@pytest.mark.parametrize("name", ["mf", "lightgcn"])
def test_torch_training_that_never_moved_its_start_is_refused(name: str) -> None:
    # learning_rate 1e-30: Adam's steps (about the learning rate) are below float32's
    # resolution of the weights (a zero-started bias moves to 1e-30, no more)
    params = {"learning_rate": 1e-30, "epochs": 2, "batch_size": 32, "device": "cpu"}
    params |= {"factors": 4} if name == "mf" else {"dim": 4, "layers": 1}
    data = _rated() if name == "mf" else _rated().implicit()
    model = create_model(name, **params)
    with pytest.raises(RecstackError, match=rf"^{name}: training left the weights at their "
                                            r"start: 2 epoch\(s\) of optimizer steps changed "
                                            r"no weight .* raise the learning rate"):
        model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize("name", ["mf", "lightgcn"])
def test_torch_training_with_a_small_working_learning_rate_fits(name: str) -> None:
    params = {"learning_rate": 1e-5, "epochs": 2, "batch_size": 32, "device": "cpu"}
    params |= {"factors": 4} if name == "mf" else {"dim": 4, "layers": 1}
    data = _rated() if name == "mf" else _rated().implicit()
    assert create_model(name, **params).fit(data).is_fitted
