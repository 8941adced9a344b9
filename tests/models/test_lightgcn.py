"""LightGCN: the propagation against the dense formula, layers=0 against an independent
MF-BPR loop, the loss and its gradient on hand-made numbers, the sampler, seeding, the
checkerboard, memory refusal and inference without torch."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models import lightgcn as lightgcn_module  # noqa: E402
from recstack.models import load_model  # noqa: E402
from recstack.models.lightgcn import (  # noqa: E402
    LightGCN,
    bpr_loss,
    lightgcn_memory_bytes,
    normalized_adjacency,
    propagate,
    sample_triples,
)

QUICK = {"dim": 8, "epochs": 3, "batch_size": 16, "learning_rate": 0.01, "device": "cpu"}


def dense_bipartite(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = [[0, R], [R^T, 0]] for the binary pattern R of ``matrix``, and its degrees."""
    binary = (np.asarray(matrix) > 0).astype(np.float64)
    n_users, n_items = binary.shape
    adjacency = np.zeros((n_users + n_items, n_users + n_items))
    adjacency[:n_users, n_users:] = binary
    adjacency[n_users:, :n_users] = binary.T
    return adjacency, adjacency.sum(axis=1)


def dense_final_embeddings(matrix: np.ndarray, user_ego: np.ndarray, item_ego: np.ndarray,
                           layers: int) -> tuple[np.ndarray, np.ndarray]:
    """The paper's formula written out densely: A = [[0, R], [R^T, 0]], D its degrees,
    A~ = D^-1/2 A D^-1/2 (0 for degree 0), final = mean of A~^k E0, k = 0..K."""
    adjacency, degree = dense_bipartite(matrix)
    n_users = np.asarray(matrix).shape[0]
    scale = np.where(degree > 0, 1.0 / np.sqrt(np.where(degree > 0, degree, 1.0)), 0.0)
    normalized = scale[:, None] * adjacency * scale[None, :]
    layer = np.vstack([user_ego, item_ego]).astype(np.float64)
    total = layer.copy()
    for _ in range(layers):
        layer = normalized @ layer
        total += layer
    final = total / (layers + 1)
    return final[:n_users], final[n_users:]


def small_data(seed: int = 0, n_users: int = 20, n_items: int = 15, per_user: int = 4
               ) -> Interactions:
    rng = np.random.default_rng(seed)
    users = np.repeat(np.arange(n_users), per_user)
    items = np.concatenate([rng.choice(n_items, per_user, replace=False)
                            for _ in range(n_users)])
    return Interactions.from_arrays(users, items)


def checkerboard(n_users: int = 40, n_items: int = 30) -> tuple[Interactions, np.ndarray]:
    """Even users like even items, odd users odd items; every user's same-parity items are
    split into training rows and a held-out set."""
    rng = np.random.default_rng(1)
    users, items, held = [], [], np.zeros((n_users, n_items), bool)
    for user in range(n_users):
        liked = rng.permutation(np.arange(user % 2, n_items, 2))
        users += [user] * 10
        items += liked[:10].tolist()
        held[user, liked[10:]] = True
    return Interactions.from_arrays(np.array(users), np.array(items)), held


# ---------------------------------------------------------------------------- propagation
def test_graph_and_propagation_equal_the_dense_formula():
    # user 2 has one item; item 3 has no user (an empty row of the graph)
    matrix = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0]], np.float32)
    rng = np.random.default_rng(0)
    user_ego = rng.standard_normal((3, 5)).astype(np.float32)
    item_ego = rng.standard_normal((4, 5)).astype(np.float32)
    graph = normalized_adjacency(sp.csr_matrix(matrix))
    # degrees: users 2, 2, 1; items 2, 2, 1, 0 -> entry (user 0, item 0) is 1/sqrt(2*2)
    dense = graph.to_dense().numpy()
    assert dense[0, 3] == pytest.approx(0.5) and dense[2, 3] == pytest.approx(1 / np.sqrt(2))
    assert dense[1, 5] == pytest.approx(1 / np.sqrt(2)) and not dense[:, 6].any()
    for layers in (0, 1, 3):
        users, items = propagate(graph, torch.as_tensor(user_ego), torch.as_tensor(item_ego),
                                 layers)
        expected_users, expected_items = dense_final_embeddings(matrix, user_ego, item_ego,
                                                                layers)
        np.testing.assert_allclose(users.numpy(), expected_users, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(items.numpy(), expected_items, rtol=1e-5, atol=1e-6)


def test_propagation_gradient_is_the_transposed_dense_operator():
    """d sum(W * final) / d E0 = M^T W, with M = mean_k A~^k written out densely."""
    matrix = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 1]], np.float32)
    rng = np.random.default_rng(1)
    user_ego = torch.tensor(rng.standard_normal((3, 2)), dtype=torch.float32,
                            requires_grad=True)
    item_ego = torch.tensor(rng.standard_normal((4, 2)), dtype=torch.float32,
                            requires_grad=True)
    weights = rng.standard_normal((7, 2))
    users, items = propagate(normalized_adjacency(sp.csr_matrix(matrix)), user_ego, item_ego,
                             2)
    (torch.cat([users, items]) * torch.as_tensor(weights, dtype=torch.float32)).sum().backward()
    # M^T W: the dense formula applied to the columns of identity gives M itself
    operator_users, operator_items = dense_final_embeddings(matrix, np.eye(7)[:3],
                                                            np.eye(7)[3:], 2)
    operator = np.vstack([operator_users, operator_items])
    expected = operator.T @ weights
    np.testing.assert_allclose(user_ego.grad.numpy(), expected[:3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(item_ego.grad.numpy(), expected[3:], rtol=1e-5, atol=1e-6)


def test_fitted_embeddings_are_the_propagated_ego_embeddings():
    data = small_data()
    model = LightGCN(layers=2, **QUICK).fit(data)
    expected_users, expected_items = dense_final_embeddings(
        data.to_csr().toarray(), model.user_ego_, model.item_ego_, 2)
    np.testing.assert_allclose(model.user_embeddings(), expected_users, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.item_embeddings(), expected_items, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.score_users(np.arange(5)),
                               expected_users[:5] @ expected_items.T, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------- training
def test_zero_layers_is_matrix_factorisation_trained_with_bpr():
    """With layers=0 the final embeddings are the layer-0 ones and LightGCN is MF-BPR: an
    independent loop (init N(0, 0.1^2) users then items, Adam, softplus loss, L2 on the
    batch / 2B) over the same triples ends at the same embeddings."""
    data = small_data(seed=2)
    params = dict(dim=6, epochs=3, batch_size=10, learning_rate=0.05, weight_decay=0.01,
                  seed=7, device="cpu")
    model = LightGCN(layers=0, **params).fit(data)

    generator = torch.Generator().manual_seed(7)
    users_w = torch.empty(data.n_users, 6).normal_(0.0, 0.1, generator=generator)
    items_w = torch.empty(data.n_items, 6).normal_(0.0, 0.1, generator=generator)
    users_w.requires_grad_(True)
    items_w.requires_grad_(True)
    optimizer = torch.optim.Adam([users_w, items_w], lr=0.05)
    csr = data.to_csr()
    csr.sort_indices()
    for epoch in range(3):
        rng = np.random.default_rng(np.random.SeedSequence([7, epoch]))
        u, i, j = (torch.as_tensor(a) for a in sample_triples(
            csr.indptr.astype(np.int64), csr.indices, data.n_items, rng))
        for start in range(0, len(u), 10):
            bu, bi, bj = u[start:start + 10], i[start:start + 10], j[start:start + 10]
            pu, qi, qj = users_w[bu], items_w[bi], items_w[bj]
            difference = (pu * qi).sum(1) - (pu * qj).sum(1)
            loss = (torch.log1p(torch.exp(-difference)).mean()
                    + 0.01 * ((pu ** 2).sum() + (qi ** 2).sum() + (qj ** 2).sum())
                    / (2 * len(bu)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    np.testing.assert_allclose(model.user_embeddings(), users_w.detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model.item_embeddings(), items_w.detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(model.user_embeddings(), model.user_ego_)


def test_loss_value_and_gradient_on_a_hand_made_case():
    user = torch.tensor([[1.0, 2.0]], requires_grad=True)
    positive = torch.tensor([[0.5, 0.0]], requires_grad=True)
    negative = torch.tensor([[0.0, 0.5]], requires_grad=True)
    ego = [torch.tensor([[3.0, 0.0]], requires_grad=True) for _ in range(3)]
    loss = bpr_loss(user, positive, negative, *ego, weight_decay=0.1)
    # x_ui - x_uj = 0.5 - 1.0 = -0.5: softplus(0.5); L2: 0.1 * (9 + 9 + 9) / 2
    assert loss.item() == pytest.approx(np.log1p(np.exp(0.5)) + 1.35, rel=1e-6)
    loss.backward()
    weight = 1.0 / (1.0 + np.exp(-0.5))  # sigmoid(0.5), the share of the step
    np.testing.assert_allclose(user.grad.numpy(), [[-0.5 * weight, 0.5 * weight]], rtol=1e-6)
    np.testing.assert_allclose(positive.grad.numpy(), [[-weight, -2 * weight]], rtol=1e-6)
    np.testing.assert_allclose(negative.grad.numpy(), [[weight, 2 * weight]], rtol=1e-6)
    np.testing.assert_allclose(ego[0].grad.numpy(), [[0.3, 0.0]], rtol=1e-6)
    # a step against the gradient ranks the positive higher and the negative lower
    step = 0.1
    better_positive = (positive - step * positive.grad) @ user.detach().T
    better_negative = (negative - step * negative.grad) @ user.detach().T
    assert better_positive.item() > 0.5 and better_negative.item() < 1.0


def test_sampler_draws_valid_uniform_triples():
    # user 0 has one item, user 1 none, user 2 three, user 3 every item: 9 pairs
    matrix = sp.csr_matrix(np.array([[1, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 1, 1, 1, 0],
                                     [1, 1, 1, 1, 1]], np.float32))
    indptr, indices = matrix.indptr.astype(np.int64), matrix.indices
    rng = np.random.default_rng(0)
    users, positives, negatives = sample_triples(indptr, indices, 5, rng)
    dense = matrix.toarray() > 0
    assert dense[users, positives].all() and not dense[users, negatives].any()
    assert set(users.tolist()) <= {0, 2}  # user 1 has no item, user 3 has every item
    draws = [sample_triples(indptr, indices, 5, np.random.default_rng(s)) for s in range(400)]
    users = np.concatenate([d[0] for d in draws])
    positives = np.concatenate([d[1] for d in draws])
    negatives = np.concatenate([d[2] for d in draws])
    # 9 draws of a user uniform over all 4 users, those of users 1 and 3 dropped: 4.5 kept
    assert len(users) / 400 == pytest.approx(4.5, abs=0.25)
    # ... half of them user 0 (drawing by pairs would give a quarter)
    assert (users == 0).mean() == pytest.approx(0.5, abs=0.04)
    # user 2's positive is uniform over its items, user 0's negative over items 1-4
    counts = np.bincount(positives[users == 2], minlength=5)[1:4]
    assert counts.min() > 0.85 * counts.mean()
    counts = np.bincount(negatives[users == 0], minlength=5)[1:]
    assert counts.min() > 0.85 * counts.mean()
    users, positives, _ = sample_triples(indptr, indices, 5, rng, by="positives")
    assert sorted(zip(users.tolist(), positives.tolist(), strict=True)) == \
        [(0, 0), (2, 1), (2, 2), (2, 3)]


def test_seeded_runs_are_identical_and_seeds_matter():
    data = small_data(seed=3)
    first = LightGCN(seed=5, **QUICK).fit(data).user_embeddings()
    again = LightGCN(seed=5, **QUICK).fit(data).user_embeddings()
    other = LightGCN(seed=6, **QUICK).fit(data).user_embeddings()
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_learns_the_checkerboard():
    data, held = checkerboard()
    model = LightGCN(dim=16, layers=2, epochs=40, batch_size=64, learning_rate=0.02,
                     device="cpu").fit(data)
    scores = model.score_users(np.arange(data.n_users))
    user_ids = data.users.to_external(np.arange(data.n_users))
    item_ids = data.items.to_external(np.arange(data.n_items))
    same_parity = (user_ids[:, None] % 2) == (item_ids[None, :] % 2)
    held = held[np.ix_(user_ids, item_ids)]
    # every held-out liked item outscores every item of the other parity, for most users
    wins = [scores[u, held[u]].min() > scores[u, ~same_parity[u]].max()
            for u in range(data.n_users)]
    assert np.mean(wins) > 0.9


def test_validation_early_stopping_and_best_epoch():
    data, _ = checkerboard()
    model = LightGCN(dim=8, layers=2, epochs=30, batch_size=64, learning_rate=0.02,
                     patience=3, validation_fraction=0.2, device="cpu").fit(data)
    history = model.history_
    assert all("val" in numbers for numbers in history.epochs)
    assert history.best_epoch is not None
    assert history.best_score == max(numbers["val"] for numbers in history.epochs)
    if history.stopped_early:
        assert len(history.epochs) - 1 - history.best_epoch >= 3


def test_explicit_validation_rows_are_used():
    data, _ = checkerboard()
    from recstack.data.splits import random_split

    split = random_split(data, 0.2, seed=0)
    model = LightGCN(dim=8, epochs=2, batch_size=64, device="cpu")
    model.fit(split.train, validation=split.test)
    assert all("val" in numbers for numbers in model.history_.epochs)
    other = Interactions.from_arrays(np.array([0]), np.array([0]))
    with pytest.raises(RecstackError, match="same split"):
        model.fit(split.train, validation=other)


def test_users_without_training_rows_get_zero_embeddings_and_are_refused():
    data = small_data()
    train = data.select(data.user_index != 3)  # user 3 stays in the vocabulary
    model = LightGCN(**QUICK).fit(train)
    assert not model.user_embeddings()[3].any()
    assert model.user_embeddings()[2].any()
    with pytest.raises(RecstackError, match="no training interactions"):
        model.recommend([data.users.to_external([3])[0]], k=3)


# ---------------------------------------------------------------------------- refusals
def test_parameters_out_of_range_are_refused_at_fit_by_name():
    data = small_data()
    for params, name in (({"layers": -1}, "layers"), ({"sampling": "items"}, "sampling"),
                         ({"learning_rate": 0.0}, "learning_rate"),
                         ({"weight_decay": -1e-4}, "weight_decay")):
        with pytest.raises(ConfigError, match=rf"^lightgcn: {name} must be"):
            LightGCN(**params).fit(data)


def test_training_that_would_not_fit_in_memory_is_refused(monkeypatch):
    data = small_data()
    needed = lightgcn_memory_bytes(data.n_users, data.n_items, len(data), 8, 3, 16)
    monkeypatch.setattr(lightgcn_module, "available_memory_bytes",
                        lambda: (needed - 1, "available (MemAvailable)"))
    with pytest.raises(RecstackError, match=rf"needs about .*\({needed:,} bytes\)"):
        LightGCN(**QUICK).fit(data)
    monkeypatch.setattr(lightgcn_module, "available_memory_bytes",
                        lambda: (needed, "available (MemAvailable)"))
    LightGCN(**QUICK).fit(data)


def test_memory_estimate_grows_with_the_graph_the_layers_and_the_batch():
    base = lightgcn_memory_bytes(1000, 2000, 50_000, 64, 3, 2048)
    assert lightgcn_memory_bytes(1000, 2000, 50_000, 64, 4, 2048) - base == 2 * 3000 * 64 * 4
    assert lightgcn_memory_bytes(1000, 2000, 60_000, 64, 3, 2048) - base == 10_000 * 128
    assert lightgcn_memory_bytes(1000, 2000, 50_000, 64, 3, 4096) - base == 2048 * 64 * 68
    # a batch larger than an epoch holds no more than the epoch
    assert lightgcn_memory_bytes(1000, 2000, 50_000, 64, 3, 10**9) == \
        lightgcn_memory_bytes(1000, 2000, 50_000, 64, 3, 50_000)


def test_without_torch_training_names_the_install_and_a_saved_model_still_scores(
        tmp_path, monkeypatch):
    data = small_data()
    model = LightGCN(**QUICK).fit(data)
    model.save(tmp_path / "model")
    expected = model.score_users(np.arange(data.n_users))
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails
    with pytest.raises(RecstackError, match=r'pip install "recstack\[torch\]"'):
        LightGCN(**QUICK).fit(data)
    loaded = load_model(tmp_path / "model")
    np.testing.assert_array_equal(loaded.score_users(np.arange(data.n_users)), expected)
    np.testing.assert_array_equal(loaded.item_embeddings(), model.item_embeddings())


def test_a_checkpointed_run_resumes_to_the_same_embeddings(tmp_path):
    data = small_data(seed=4)
    params = {**QUICK, "checkpoint_dir": str(tmp_path / "checkpoint")}
    LightGCN(**(params | {"epochs": 2})).fit(data)
    resumed = LightGCN(**(params | {"epochs": 4})).fit(data)
    straight = LightGCN(**(QUICK | {"epochs": 4})).fit(data)
    np.testing.assert_array_equal(resumed.user_embeddings(), straight.user_embeddings())
    assert len(resumed.history_.epochs) == 4
