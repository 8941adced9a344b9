"""GF-CF and BSPM against dense computations of the papers' definitions, written here from the
formulas (degrees, normalisation, SVD, ODE steps) without the module's helpers; their
parameter checks, memory guard, fold-in and persistence."""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.models import graph_filters as graph_filters_module
from recstack.models.graph_filters import graph_filter_memory_bytes, uses_dense_filter

SQRT2 = np.sqrt(2.0)


def interactions_of(matrix: np.ndarray) -> Interactions:
    users, items = np.nonzero(matrix)
    return Interactions.from_arrays(users, items, matrix[users, items])


def scores_in_matrix_order(model, matrix: np.ndarray) -> np.ndarray:
    """All users' scores, rows and columns in the order of ``matrix`` (external ids are the
    matrix's row and column numbers)."""
    users = model.users_.to_index(np.arange(matrix.shape[0]))
    items = model.items_.to_index(np.arange(matrix.shape[1]))
    return model.score_users(users)[:, items]


def filters_by_definition(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The linear filter R~ᵀR~ and the ideal filter D_I^-1/2 V_k V_kᵀ D_I^1/2 (Shen et al.,
    eqs. 6-7), dense, from a full numpy SVD."""
    binary = (matrix != 0).astype(np.float64)
    user_degree, item_degree = binary.sum(axis=1), binary.sum(axis=0)
    normalized = binary / np.sqrt(user_degree)[:, None] / np.sqrt(item_degree)[None, :]
    _, singular_values, vt = np.linalg.svd(normalized)
    # the top-k subspace is well defined only with a gap after the k-th singular value
    assert singular_values[k - 1] - singular_values[k] > 1e-3
    top = vt[:k].T
    ideal = np.diag(item_degree ** -0.5) @ top @ top.T @ np.diag(item_degree ** 0.5)
    return normalized.T @ normalized, ideal


@pytest.fixture(scope="module")
def small() -> np.ndarray:
    """4 users x 5 items, every user and item with at least one interaction; values other
    than 1 check that the filters see only the 0/1 pattern."""
    return np.array([[1, 1, 0, 0, 2],
                     [0, 1, 1, 0, 0],
                     [3, 0, 1, 1, 0],
                     [0, 0, 0, 1, 1]], dtype=np.float64)


@pytest.fixture(scope="module")
def medium() -> np.ndarray:
    rng = np.random.default_rng(3)
    matrix = (rng.random((40, 30)) < 0.2).astype(np.float64)
    matrix[np.arange(40), np.arange(40) % 30] = 1.0  # every user and item has a row
    return matrix


# --------------------------------------------------------------------------- GF-CF
def test_gf_cf_linear_filter_worked_by_hand():
    """R = [[1,1,0],[0,1,1]]: user degrees 2, 2; item degrees 1, 2, 1, so
    R~ = [[1/√2, 1/2, 0], [0, 1/2, 1/√2]] and R~ᵀR~ = [[1/2, √2/4, 0], [√2/4, 1/2, √2/4],
    [0, √2/4, 1/2]]; user 0's scores r_0 R~ᵀR~ are [1/2 + √2/4, √2/4 + 1/2, √2/4]."""
    matrix = np.array([[1, 1, 0], [0, 1, 1]], dtype=np.float64)
    model = create_model("gf_cf", alpha=0.0).fit(interactions_of(matrix))
    scores = scores_in_matrix_order(model, matrix)
    np.testing.assert_allclose(scores[0], [0.5 + SQRT2 / 4, SQRT2 / 4 + 0.5, SQRT2 / 4],
                               rtol=1e-6)
    np.testing.assert_allclose(scores[1], [SQRT2 / 4, SQRT2 / 4 + 0.5, 0.5 + SQRT2 / 4],
                               rtol=1e-6)


def test_gf_cf_equals_the_dense_definition(small):
    alpha, k = 0.3, 2
    linear, ideal = filters_by_definition(small, k)
    expected = (small != 0) @ (linear + alpha * ideal)
    model = create_model("gf_cf", alpha=alpha, k=k).fit(interactions_of(small))
    np.testing.assert_allclose(scores_in_matrix_order(model, small), expected, rtol=1e-5,
                               atol=1e-6)


def test_ideal_filter_agrees_with_a_dense_svd(medium):
    """The difference of alpha=1 and alpha=0 scores on one-item histories is the ideal
    filter itself, row by row."""
    k = 6
    _, ideal = filters_by_definition(medium, k)
    data = interactions_of(medium)
    with_ideal = create_model("gf_cf", alpha=1.0, k=k).fit(data)
    without = create_model("gf_cf", alpha=0.0, k=k).fit(data)
    items = with_ideal.items_.to_index(np.arange(medium.shape[1]))
    n = medium.shape[1]
    # row j: a history holding only the matrix's item j, in the model's item order
    history = sp.csr_matrix((np.ones(n), (np.arange(n), items)), shape=(n, n))
    difference = with_ideal.score_histories(history) - without.score_histories(history)
    np.testing.assert_allclose(difference[:, items], ideal, atol=2e-5)


def test_sparse_factor_path_equals_the_dense_filter(medium, monkeypatch):
    data = interactions_of(medium)
    dense = create_model("gf_cf", alpha=0.5, k=5).fit(data)
    assert dense.graph_.dense_filter is not None
    monkeypatch.setattr(graph_filters_module, "DENSE_FILTER_BYTES", 0)
    factored = create_model("gf_cf", alpha=0.5, k=5).fit(data)
    assert factored.graph_.dense_filter is None  # nothing n_items x n_items was built
    users = np.arange(data.n_users)
    np.testing.assert_allclose(factored.score_users(users), dense.score_users(users),
                               rtol=1e-5, atol=1e-6)
    monkeypatch.undo()
    bspm_dense_scores = create_model("bspm", k=5).fit(data).score_users(users)
    monkeypatch.setattr(graph_filters_module, "DENSE_FILTER_BYTES", 0)
    np.testing.assert_allclose(create_model("bspm", k=5).fit(data).score_users(users),
                               bspm_dense_scores, rtol=1e-4, atol=1e-5)


def test_an_item_without_interactions_gets_finite_scores():
    matrix = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 0]], dtype=np.float64)
    users, items = np.nonzero(matrix)
    data = Interactions.from_arrays(np.r_[users, 0], np.r_[items, 2], np.ones(5))
    data = data.select(np.r_[np.ones(4, bool), False])  # item 2 in the vocabulary, unseen
    model = create_model("gf_cf", alpha=0.3, k=1).fit(data)
    scores = model.score_users(np.arange(3))
    assert np.isfinite(scores).all()
    assert np.all(scores[:, model.items_.to_index([2])[0]] == 0)


def test_fold_in_scores_a_history_like_a_training_user(medium):
    data = interactions_of(medium)
    for name in ("gf_cf", "bspm"):
        model = create_model(name, k=4).fit(data)
        np.testing.assert_allclose(model.score_histories(model.seen_[:7]),
                                   model.score_users(np.arange(7)), rtol=1e-6)
        # values count as 1 only: a history with other values scores the same
        doubled = model.seen_[:7] * 3.0
        np.testing.assert_allclose(model.score_histories(doubled),
                                   model.score_users(np.arange(7)), rtol=1e-6)


# --------------------------------------------------------------------------- BSPM
def bspm_params(**changes):
    params = dict(k=2, beta=0.0, merge="early", blur_time=1.0, blur_steps=1,
                  blur_solver="euler", ideal_time=1.0, ideal_steps=1, ideal_solver="euler",
                  sharpen_time=1.0, sharpen_steps=0, sharpen_solver="euler",
                  average_time_points=False)
    params.update(changes)
    return params


def bspm_scores(matrix, **changes):
    model = create_model("bspm", **bspm_params(**changes)).fit(interactions_of(matrix))
    return scores_in_matrix_order(model, matrix)


def test_bspm_one_euler_blurring_step_without_sharpening(small):
    """One Euler step of ds/dt = s P - s over time T: s = r + T (r P - r)."""
    linear, _ = filters_by_definition(small, 2)
    r = (small != 0).astype(np.float64)
    for blur_time in (1.0, 0.4):
        expected = r + blur_time * (r @ linear - r)
        np.testing.assert_allclose(bspm_scores(small, blur_time=blur_time), expected,
                                   rtol=1e-5, atol=1e-6)


def test_bspm_hand_worked_blurring():
    """On R = [[1,1,0],[0,1,1]] (the GF-CF hand example), half a unit of blurring gives
    user 0 r/2 + r P/2 = [1/2 + 1/4 + √2/8, 1/2 + √2/8 + 1/4, √2/8]."""
    matrix = np.array([[1, 1, 0], [0, 1, 1]], dtype=np.float64)
    model = create_model("bspm", **bspm_params(k=1, blur_time=0.5)).fit(
        interactions_of(matrix))
    np.testing.assert_allclose(scores_in_matrix_order(model, matrix)[0],
                               [0.75 + SQRT2 / 8, 0.75 + SQRT2 / 8, SQRT2 / 8], rtol=1e-6)


def test_bspm_early_and_late_merge_follow_their_definitions(small):
    """With one Euler step each: blurred b = r P, ideal i = r Ideal; early merge sharpens
    b + beta i, late merge sharpens b and adds beta i: (b + βi)(I - hP) vs b(I - hP) + βi."""
    linear, ideal = filters_by_definition(small, 2)
    r = (small != 0).astype(np.float64)
    beta, h = 0.4, 0.7
    blurred, ideal_part = r @ linear, r @ ideal
    sharpen = np.eye(len(linear)) - h * linear
    early = bspm_scores(small, beta=beta, sharpen_steps=1, sharpen_time=h, merge="early")
    late = bspm_scores(small, beta=beta, sharpen_steps=1, sharpen_time=h, merge="late")
    np.testing.assert_allclose(early, (blurred + beta * ideal_part) @ sharpen, rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(late, blurred @ sharpen + beta * ideal_part, rtol=1e-5,
                               atol=1e-5)
    assert np.abs(early - late).max() > 1e-2
    # without sharpening both merges add the ideal part to the blurred state
    np.testing.assert_allclose(bspm_scores(small, beta=beta, merge="early"),
                               bspm_scores(small, beta=beta, merge="late"), rtol=1e-6)


@pytest.mark.parametrize(("solver", "order"), [("euler", 1), ("midpoint", 2), ("rk4", 4)])
def test_bspm_sharpening_solvers_are_taylor_polynomials(small, solver, order):
    """On the linear process ds/dt = -s P, a step h of an order-p Runge-Kutta method
    multiplies by sum_{j<=p} (-hP)^j / j!; K steps apply it K times."""
    linear, _ = filters_by_definition(small, 2)
    r = (small != 0).astype(np.float64)
    time, steps = 2.5, 2
    h = time / steps
    step = sum(np.linalg.matrix_power(-h * linear, j) / np.prod(np.arange(1, j + 1))
               for j in range(order + 1))
    expected = (r @ linear) @ np.linalg.matrix_power(step, steps)
    scores = bspm_scores(small, sharpen_steps=steps, sharpen_time=time,
                         sharpen_solver=solver)
    np.testing.assert_allclose(scores, expected, rtol=1e-4, atol=1e-5)


def test_bspm_ideal_process_steps(small):
    """Two Euler steps of ds/dt = s Ideal - s over time 1: r (I/2 + Ideal/2)²."""
    linear, ideal = filters_by_definition(small, 2)
    r = (small != 0).astype(np.float64)
    half = 0.5 * np.eye(len(ideal)) + 0.5 * ideal
    expected = r @ linear + 0.3 * r @ half @ half
    np.testing.assert_allclose(bspm_scores(small, beta=0.3, ideal_steps=2), expected,
                               rtol=1e-5, atol=1e-5)


def test_bspm_average_of_time_points(small):
    """Blurring in 2 Euler steps (b1, b2), sharpening in 1 (s1): the mean of b1, b2, s1
    (the authors' t_point_combination; with early merge the ideal part is inside s1)."""
    linear, ideal = filters_by_definition(small, 2)
    r = (small != 0).astype(np.float64)
    half = 0.5 * np.eye(len(linear)) + 0.5 * linear
    b1, b2 = r @ half, r @ half @ half
    s1 = (b2 + 0.2 * r @ ideal) @ (np.eye(len(linear)) - 1.5 * linear)
    scores = bspm_scores(small, beta=0.2, blur_steps=2, sharpen_steps=1, sharpen_time=1.5,
                         average_time_points=True)
    np.testing.assert_allclose(scores, (b1 + b2 + s1) / 3, rtol=1e-5, atol=1e-5)


def test_bspm_defaults_are_the_published_gowalla_settings():
    params = create_model("bspm").get_params()
    assert params["k"] == 448 and params["beta"] == 0.2 and params["merge"] == "early"
    assert (params["sharpen_solver"], params["sharpen_steps"], params["sharpen_time"]) == (
        "rk4", 1, 2.5)
    assert create_model("gf_cf").get_params() == {"alpha": 0.3, "k": 256}


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("name", "params", "message"), [
    ("gf_cf", {"alpha": -0.1}, r"^gf_cf: alpha must be >= 0"),
    ("gf_cf", {"k": 0}, r"^gf_cf: k must be >= 1"),
    ("gf_cf", {"k": 4}, r"^gf_cf: k must be < min\(n_users, n_items\) = 4"),
    ("bspm", {"k": 4}, r"^bspm: k must be < min\(n_users, n_items\) = 4"),
    ("bspm", {"k": 2, "sharpen_solver": "dopri5"}, r"^bspm: sharpen_solver must be one of"),
    ("bspm", {"k": 2, "blur_time": 0.0}, r"^bspm: blur_time must be > 0"),
    ("bspm", {"k": 2, "sharpen_steps": -1}, r"^bspm: sharpen_steps must be >= 0"),
    ("bspm", {"k": 2, "ideal_steps": 0}, r"^bspm: ideal_steps must be >= 1"),
    ("bspm", {"k": 2, "merge": "middle"}, r"^bspm: merge must be one of"),
    # a step count with no end stalled scoring silently
    ("bspm", {"k": 2, "blur_steps": 10**12}, r"^bspm: blur_steps must be <= 10000"),
    ("bspm", {"k": 2, "sharpen_steps": 10_001}, r"^bspm: sharpen_steps must be <= 10000"),
])
def test_parameters_out_of_range_are_refused_at_fit_by_name(small, name, params, message):
    model = create_model(name, **params)
    with pytest.raises(ConfigError, match=message):
        model.fit(interactions_of(small))
    assert not model.is_fitted


def test_scores_that_overflow_are_refused_naming_the_settings(small):
    # one RK4 sharpening step is a degree-4 polynomial in its time: (1e12)^4 overflows.
    # Refused at fit, naming the one setting (it used to fit and be refused at scoring,
    # listing all four; see test_two_hundred_thirty_first_probe_bspm_growth.py)
    params = bspm_params(sharpen_time=1e12, sharpen_steps=1, sharpen_solver="rk4")
    model = create_model("bspm", **params)
    with pytest.raises(ConfigError, match=r"^bspm: sharpen_time=1000000000000\.0 carries "
                                          r"the scores past float32's largest number"):
        model.fit(interactions_of(small))
    assert not model.is_fitted


def test_without_the_ideal_filter_no_rank_limit_applies(small):
    # alpha = 0 computes no SVD, so k is not held to the data's size
    model = create_model("gf_cf", alpha=0.0, k=4).fit(interactions_of(small))
    assert model.basis_.shape == (0, 5)


def test_memory_refusal_names_the_bytes(small, monkeypatch):
    data = interactions_of(small)
    # without the dense filter, which is left out when it would not fit (see
    # test_two_hundred_twenty_eighth_probe_graph_filter_memory.py)
    needed = graph_filter_memory_bytes(4, 5, int((small != 0).sum()), 2, dense=False)
    monkeypatch.setattr(graph_filters_module, "available_memory_bytes",
                        lambda: (needed - 1, "available (test)"))
    for name in ("gf_cf", "bspm"):
        model = create_model(name, k=2)
        with pytest.raises(RecstackError, match=rf"^{name}: .*{needed:,} bytes.*available"):
            model.fit(data)
        assert not model.is_fitted
    monkeypatch.setattr(graph_filters_module, "available_memory_bytes",
                        lambda: (needed, "available (test)"))
    create_model("gf_cf", k=2).fit(data)


def test_gowalla_sized_data_scores_through_the_sparse_factors():
    """About 30,000 users x 40,000 items x 1M interactions: the dense filter (6.4 GB) is
    never built, and fitting is estimated well under 10 GiB."""
    assert not uses_dense_filter(40_981, 1_027_370)
    assert graph_filter_memory_bytes(29_858, 40_981, 1_027_370, 448) < 2 * 2**30
    assert uses_dense_filter(3_628, 671_630)


# --------------------------------------------------------------------------- persistence
@pytest.mark.parametrize(("name", "params"), [
    ("gf_cf", {"alpha": 0.7, "k": 3}),
    ("gf_cf", {"alpha": 0.0, "k": 3}),
    ("bspm", {"k": 3, "merge": "late", "sharpen_steps": 2, "average_time_points": True}),
    ("bspm", {"k": 3, "beta": 0.0}),
])
def test_save_load_round_trip(medium, tmp_path, name, params):
    model = create_model(name, **params).fit(interactions_of(medium))
    model.save(tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert loaded.get_params() == model.get_params()
    users = np.arange(medium.shape[0])
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))


def test_a_basis_of_the_wrong_rank_is_refused(medium, tmp_path):
    """Saving checks what loading checks: singular vectors that do not match k are refused
    (the persistence layer runs the model's _check_state before writing)."""
    model = create_model("gf_cf", alpha=0.7, k=3).fit(interactions_of(medium))
    model.basis_ = model.basis_[:2]
    with pytest.raises(RecstackError, match="basis has 2 singular vectors"):
        model.save(tmp_path / "model")

def test_both_svd_routes_agree_with_a_dense_svd(medium, monkeypatch):
    """The eigendecomposition route (small catalogs) and the ARPACK route (large ones) give
    the same ideal filter, the dense numpy SVD's."""
    k = 6
    _, ideal = filters_by_definition(medium, k)
    data = interactions_of(medium)
    n = medium.shape[1]
    for eigh_limit in (graph_filters_module.SVD_BY_EIGH_MAX_ITEMS, 0):
        monkeypatch.setattr(graph_filters_module, "SVD_BY_EIGH_MAX_ITEMS", eigh_limit)
        model = create_model("gf_cf", alpha=1.0, k=k).fit(data)
        items = model.items_.to_index(np.arange(n))
        basis = model.basis_.astype(np.float64)[:, items]  # V_kᵀ in matrix item order
        degree = (medium != 0).sum(axis=0)
        rebuilt = np.diag(degree ** -0.5) @ basis.T @ basis @ np.diag(degree ** 0.5)
        np.testing.assert_allclose(rebuilt, ideal, atol=2e-5)
