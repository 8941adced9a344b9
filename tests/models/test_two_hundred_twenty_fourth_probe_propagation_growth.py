"""LightGCN training that diverges because its propagation weights blow the embeddings up
is refused naming those weights, not the learning rate.

With ``alpha + beta < 1`` every layer multiplies the embeddings by up to the largest
singular value of :math:`D_u^{-s/2} A D_i^{-s/2}` (:math:`s = \\alpha + \\beta`): ``alpha=-1``
diverged in its first epoch even at ``learning_rate=1e-7``, and the refusal said "lower the
learning rate (learning_rate=1e-07; default 0.001)", a change that could never help."""

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.lightgcn import largest_row_sum, propagation_gain  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402


def small_data():
    return generate(n_users=60, n_items=40, n_interactions=1000, seed=0)


def _star(n_items: int) -> sp.csr_matrix:
    """One user with every one of ``n_items`` items: d_u = n, every d_i = 1."""
    return sp.csr_matrix(np.ones((1, n_items), np.float32))


@pytest.mark.parametrize(("exponents", "expected"), [
    # S = 9^(-s/2) [1 ... 1] (9 ones): its singular value is 9^(-s/2) x 3 = 3^(1 - s)
    (1.0, 1.0), (0.0, 3.0), (-1.0, 9.0), (2.0, 1 / 3),
])
def test_the_gain_of_a_star_is_worked_by_hand(exponents, expected):
    assert propagation_gain(_star(9), exponents) == pytest.approx(expected, rel=1e-9)


def test_the_gain_of_the_symmetric_normalisation_is_one_and_matches_an_svd():
    positives = small_data().to_csr()
    assert propagation_gain(positives, 1.0) == pytest.approx(1.0, rel=1e-6)
    binary = (positives > 0).astype(np.float64).toarray()
    for exponents in (0.5, -0.5):
        scaled = (binary.sum(1) ** (-exponents / 2))[:, None] * binary \
            * (binary.sum(0) ** (-exponents / 2))[None, :]
        largest = np.linalg.svd(scaled, compute_uv=False)[0]
        assert propagation_gain(positives, exponents) == pytest.approx(largest, rel=1e-6)


def test_the_largest_row_sum_of_a_star_is_worked_by_hand():
    # user row: d_u^-alpha x sum_i d_i^-beta; item row: d_i^-alpha x d_u^-beta
    assert largest_row_sum(_star(9), -1.0, -1.0) == pytest.approx(81.0)  # 9 x 9 ones
    assert largest_row_sum(_star(9), 0.5, 0.5) == pytest.approx(3.0)     # 9^-1/2 x 9


def test_a_blow_up_by_the_weights_names_them_not_the_learning_rate():
    data = small_data()
    with pytest.raises(RecstackError) as caught:
        create_model("lightgcn", alpha=-1.0, learning_rate=1e-7, epochs=2, dim=16).fit(data)
    message = str(caught.value)
    gain = propagation_gain(data.to_csr(), -0.5)
    assert gain > 10
    assert message.startswith("lightgcn: training diverged in epoch 1: ")
    assert ("the propagation blows the embeddings up: with alpha=-1.0, beta=0.5: alpha + "
            f"beta = -0.5, below 1, a layer multiplies them up to {gain:.3g}-fold on this "
            f"graph, {gain ** 3:.3g}-fold over the 3 layers") in message
    assert "whatever the learning rate; use alpha + beta >= 1" in message
    assert "fewer layers, normalize_layers=True" in message
    assert message.endswith("; else lower the learning rate (learning_rate=1e-07; default "
                            "0.001)")


def test_many_layers_of_unnormalised_weights_are_named_too():
    with pytest.raises(RecstackError, match=r"alpha \+ beta = 0, below 1, .*over the 16 "
                                            r"layers.*fewer layers"):
        create_model("lightgcn", alpha=0, beta=0, layers=16, epochs=2, dim=16).fit(small_data())


def test_normalised_layers_are_measured_by_their_row_sums():
    data = small_data()
    with pytest.raises(RecstackError) as caught:
        create_model("lightgcn_pp", alpha=-1.0, beta=-1.0, learning_rate=1e-7,
                     epochs=2, dim=16).fit(data)
    message = str(caught.value)
    largest = largest_row_sum(data.to_csr(), -1.0, -1.0)
    assert (f"a layer gives a node's embedding a size up to {largest:.3g} on this graph "
            "from neighbours of size 1") in message
    assert "normalize_layers=True" not in message  # it is already on


def test_a_huge_learning_rate_on_the_default_weights_still_names_the_learning_rate():
    with pytest.raises(RecstackError) as caught:
        create_model("lightgcn", learning_rate=1e8, epochs=3, dim=16).fit(small_data())
    assert "propagation" not in str(caught.value)
    assert str(caught.value).endswith("; lower the learning rate "
                                      "(learning_rate=100000000.0; default 0.001)")
