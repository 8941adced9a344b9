"""LightGCN++ (Lee et al., RecSys 2024): the propagation weights d_a^-alpha d_b^-beta, the
normalised layers and the gamma pooling against the paper's equations written out densely
in numpy, the gradient through the asymmetric graph against dense autograd, the
registered defaults, and a fit that learns the checkerboard."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch")

from recstack.models import create_model, load_model  # noqa: E402
from recstack.models.lightgcn import LightGCN, normalized_adjacency, propagate  # noqa: E402
from tests.models.test_lightgcn import (  # noqa: E402
    checkerboard,
    dense_bipartite,
    dense_final_embeddings,
)

MATRIX = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0]], np.float32)


def dense_adjacency(matrix: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """The paper's neighbour weights: entry (a, b) of an edge is 1 / (|N_a|^alpha |N_b|^beta)."""
    adjacency, degree = dense_bipartite(matrix)
    weights = np.zeros_like(adjacency)
    for a, b in zip(*np.nonzero(adjacency), strict=True):
        weights[a, b] = 1.0 / (degree[a] ** alpha * degree[b] ** beta)
    return weights


def dense_lightgcn_pp(matrix, user_ego, item_ego, layers, alpha, beta, gamma):
    """The paper's propagation and pooling: e^(k+1) = A~ (e^(k) / ||e^(k)||) row by row (a
    zero row stays zero: the authors' code adds 1e-12 to the norm), and
    e = gamma e^(0) + (1 - gamma) mean_{k=1..K} e^(k)."""
    graph = dense_adjacency(matrix, alpha, beta)
    ego = np.vstack([user_ego, item_ego]).astype(np.float64)
    layer, propagated = ego, []
    for _ in range(layers):
        norms = np.linalg.norm(layer, axis=1, keepdims=True)
        layer = graph @ np.divide(layer, norms, out=np.zeros_like(layer), where=norms > 0)
        propagated.append(layer)
    final = gamma * ego + (1 - gamma) * np.mean(propagated, axis=0)
    return final[:len(user_ego)], final[len(user_ego):]


@pytest.mark.parametrize(("alpha", "beta"), [(0.6, -0.1), (0.5, 0.0), (1.0, 0.0)])
def test_the_graph_weighs_each_edge_by_both_degrees_with_their_exponents(alpha, beta):
    graph = normalized_adjacency(sp.csr_matrix(MATRIX), alpha=alpha, beta=beta)
    np.testing.assert_allclose(graph.to_dense().numpy(), dense_adjacency(MATRIX, alpha, beta),
                               rtol=1e-6)
    # by hand: user 2 (degree 1) and item 0 (degree 2)
    assert graph.to_dense()[2, 3].item() == pytest.approx(1.0 / (1 ** alpha * 2 ** beta))
    assert graph.to_dense()[3, 2].item() == pytest.approx(1.0 / (2 ** alpha * 1 ** beta))


@pytest.mark.parametrize("layers", [1, 3])
def test_normalised_layers_and_gamma_pooling_equal_the_papers_definition(layers):
    rng = np.random.default_rng(0)
    user_ego = rng.standard_normal((3, 5)).astype(np.float32)
    item_ego = rng.standard_normal((4, 5)).astype(np.float32)
    item_ego[3] = 0.0  # item 3 has no user: a zero row, normalised to zero, not NaN
    alpha, beta, gamma = 0.6, -0.1, 0.2
    graph = normalized_adjacency(sp.csr_matrix(MATRIX), alpha=alpha, beta=beta)
    transposed = normalized_adjacency(sp.csr_matrix(MATRIX), alpha=beta, beta=alpha)
    users, items = propagate(graph, torch.as_tensor(user_ego), torch.as_tensor(item_ego),
                             layers, transposed=transposed, normalize_layers=True,
                             gamma=gamma)
    expected_users, expected_items = dense_lightgcn_pp(MATRIX, user_ego, item_ego, layers,
                                                       alpha, beta, gamma)
    np.testing.assert_allclose(users.numpy(), expected_users, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(items.numpy(), expected_items, rtol=1e-5, atol=1e-6)


def test_the_gradient_through_the_asymmetric_graph_is_its_transpose():
    """Against torch's autograd of the dense computation (dense matrices, no custom
    backward)."""
    rng = np.random.default_rng(1)
    matrix = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 1]], np.float32)
    ego = rng.standard_normal((7, 3))
    weights = torch.as_tensor(rng.standard_normal((7, 3)), dtype=torch.float64)
    alpha, beta, gamma = 0.7, -0.2, 0.3

    user_ego = torch.tensor(ego[:3], dtype=torch.float32, requires_grad=True)
    item_ego = torch.tensor(ego[3:], dtype=torch.float32, requires_grad=True)
    graph = normalized_adjacency(sp.csr_matrix(matrix), alpha=alpha, beta=beta)
    transposed = normalized_adjacency(sp.csr_matrix(matrix), alpha=beta, beta=alpha)
    users, items = propagate(graph, user_ego, item_ego, 2, transposed=transposed,
                             normalize_layers=True, gamma=gamma)
    (torch.cat([users, items]).double() * weights).sum().backward()

    dense = torch.as_tensor(dense_adjacency(matrix, alpha, beta))
    reference = torch.tensor(ego, dtype=torch.float64, requires_grad=True)
    layer, propagated = reference, []
    for _ in range(2):
        layer = dense @ (layer / layer.norm(dim=1, keepdim=True))
        propagated.append(layer)
    final = gamma * reference + (1 - gamma) * torch.stack(propagated).mean(dim=0)
    (final * weights).sum().backward()
    np.testing.assert_allclose(user_ego.grad.numpy(), reference.grad[:3].numpy(), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(item_ego.grad.numpy(), reference.grad[3:].numpy(), rtol=1e-4,
                               atol=1e-5)


def test_lightgcn_settings_reduce_to_lightgcn():
    """alpha = beta = 1/2, no normalisation, gamma 1/(K+1): LightGCN's dense formula."""
    rng = np.random.default_rng(2)
    user_ego = rng.standard_normal((3, 4)).astype(np.float32)
    item_ego = rng.standard_normal((4, 4)).astype(np.float32)
    graph = normalized_adjacency(sp.csr_matrix(MATRIX), alpha=0.5, beta=0.5)
    users, items = propagate(graph, torch.as_tensor(user_ego), torch.as_tensor(item_ego), 3,
                             gamma=0.25)
    expected_users, expected_items = dense_final_embeddings(MATRIX, user_ego, item_ego, 3)
    np.testing.assert_allclose(users.numpy(), expected_users, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(items.numpy(), expected_items, rtol=1e-5, atol=1e-6)


def test_the_registered_defaults_are_the_papers():
    model = create_model("lightgcn_pp")
    assert isinstance(model, LightGCN)
    params = model.get_params()
    assert (params["alpha"], params["beta"], params["gamma"]) == (0.6, -0.1, 0.2)
    assert params["normalize_layers"] is True
    assert (params["dim"], params["layers"], params["learning_rate"],
            params["weight_decay"], params["batch_size"]) == (64, 3, 1e-3, 1e-4, 2048)
    plain = create_model("lightgcn").get_params()
    assert (plain["alpha"], plain["beta"], plain["gamma"], plain["normalize_layers"]) == (
        0.5, 0.5, None, False)


def test_it_learns_the_checkerboard_and_saves_its_embeddings(tmp_path):
    data, held = checkerboard()
    model = create_model("lightgcn_pp", dim=16, epochs=40, batch_size=64,
                         learning_rate=0.01, device="cpu", seed=0).fit(data)
    scores = model.score_users(np.arange(data.n_users))
    seen = data.to_csr().toarray() > 0
    top = np.argsort(-np.where(seen, -np.inf, scores), axis=1)[:, :5]
    same_parity = (top % 2) == (np.arange(data.n_users)[:, None] % 2)
    assert same_parity.mean() > 0.9
    loaded = load_model(model.save(tmp_path / "model"))
    assert loaded.get_params() == model.get_params()
    # the same users in the same batch: a product of 3 rows and one of every row may take
    # different BLAS kernels and differ in the last bits, which says nothing of the save
    np.testing.assert_array_equal(loaded.score_users(np.arange(3)), model.score_users(np.arange(3)))
    np.testing.assert_array_equal(loaded.item_embeddings(), model.item_embeddings())
    np.testing.assert_array_equal(loaded.user_embeddings(), model.user_embeddings())


@pytest.mark.parametrize(("name", "value"), [("alpha", 1.5), ("beta", -2), ("gamma", 1.2)])
def test_a_setting_outside_its_range_is_refused_by_name(name, value):
    from recstack.errors import ConfigError

    with pytest.raises(ConfigError, match=rf"^lightgcn_pp: {name} must be"):
        create_model("lightgcn_pp", **{name: value}).fit(checkerboard()[0])
