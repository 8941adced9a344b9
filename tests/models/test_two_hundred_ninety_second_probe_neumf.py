"""NeuMF (He et al. 2017): its forward pass is the paper's equations, its negatives are
never a user's positives, and it learns the checkerboard."""

import numpy as np
import pytest

pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.data.splits import random_split  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.evaluation.evaluator import Evaluator  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from recstack.models.factors import uniform_negatives as sample_negatives  # noqa: E402
from recstack.models.neumf import training_instances  # noqa: E402

TINY = {"factors": 4, "layers": (8, 6, 4), "reg_layers": (0.0, 0.0, 0.0), "epochs": 2,
        "batch_size": 32, "learning_rate": 0.01, "device": "cpu"}


def checkerboard() -> Interactions:
    """test_conformance's checkerboard: even users like even items, odd users odd items,
    Zipf-skewed within each half; values vary (they are ignored: implicit data)."""
    rng = np.random.default_rng(0)
    n_users, n_items = 60, 40
    users, items = [], []
    for parity in (0, 1):
        group_items = np.arange(parity, n_items, 2)
        weights = 1.0 / np.arange(1, len(group_items) + 1)
        for u in np.arange(parity, n_users, 2):
            chosen = rng.choice(group_items, size=12, replace=False, p=weights / weights.sum())
            users += [u] * len(chosen)
            items += chosen.tolist()
    ratings = rng.integers(3, 6, len(users)).astype(float)
    return Interactions.from_arrays(np.array(users), np.array(items), ratings,
                                    rating_range=(1.0, 5.0))


def test_scores_are_the_papers_equations_on_the_models_own_weights():
    data = checkerboard()
    model = create_model("neumf", **TINY).fit(data)
    users = np.arange(data.n_users)
    # eq. 9-12 written out plainly, one pair at a time, in float64
    expected = np.empty((data.n_users, data.n_items))
    h_gmf, h_mlp = model.output_weight_[:4], model.output_weight_[4:]
    for u in users:
        for i in range(data.n_items):
            phi_gmf = model.gmf_user_[u].astype(float) * model.gmf_item_[i]
            z = np.concatenate([model.mlp_user_[u], model.mlp_item_[i]]).astype(float)
            for weight, bias in zip(model.hidden_weights_, model.hidden_biases_, strict=True):
                z = np.maximum(weight @ z + bias, 0.0)
            expected[u, i] = h_gmf @ phi_gmf + h_mlp @ z + float(model.output_bias_)
    scores = model.score_users(users)
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-6)
    # the probabilities, sigmoid of the logits, as the torch module computes them
    import torch

    from recstack.models.neumf import _neumf_module

    module = _neumf_module(torch)(data.n_users, data.n_items, 4, [8, 6, 4],
                                  torch.Generator().manual_seed(0))
    with torch.no_grad():
        module.gmf_user.weight.copy_(torch.as_tensor(model.gmf_user_))
        module.gmf_item.weight.copy_(torch.as_tensor(model.gmf_item_))
        module.mlp_user.weight.copy_(torch.as_tensor(model.mlp_user_))
        module.mlp_item.weight.copy_(torch.as_tensor(model.mlp_item_))
        for layer, weight, bias in zip(module.hidden, model.hidden_weights_,
                                       model.hidden_biases_, strict=True):
            layer.weight.copy_(torch.as_tensor(weight))
            layer.bias.copy_(torch.as_tensor(bias))
        module.output.weight.copy_(torch.as_tensor(model.output_weight_[None, :]))
        module.output.bias.copy_(torch.as_tensor(model.output_bias_.reshape(1)))
        pair_users = torch.as_tensor(np.repeat(users, data.n_items))
        pair_items = torch.as_tensor(np.tile(np.arange(data.n_items), data.n_users))
        probability = torch.sigmoid(module(pair_users, pair_items)).numpy()
    np.testing.assert_allclose(probability.reshape(expected.shape),
                               1 / (1 + np.exp(-expected)), rtol=0, atol=1e-6)
    # pairs agree with full rows
    np.testing.assert_allclose(model._score_pairs(np.array([3, 7]), np.array([5, 2])),
                               expected[[3, 7], [5, 2]], rtol=0, atol=1e-6)


def test_the_negative_sampler_never_draws_a_positive_and_draws_negatives_per_positive():
    # user 0 has items {0, 2}; user 1 has {1}; user 2 every item but 3; 5 items
    indptr = np.array([0, 2, 3, 7])
    indices = np.array([0, 2, 1, 0, 1, 2, 4])
    pair_users = np.repeat(np.arange(3), np.diff(indptr))
    rng = np.random.default_rng(0)
    users, items, labels = training_instances(pair_users, indices, indptr, indices, 5, 4, rng)
    assert len(users) == 7 * (1 + 4)
    assert (labels[:7] == 1).all() and (labels[7:] == 0).all()
    np.testing.assert_array_equal(items[:7], indices)
    negatives = {0: set(), 1: set(), 2: set()}
    for u, i in zip(users[7:], items[7:], strict=True):
        negatives[int(u)].add(int(i))
    assert np.bincount(users[7:], minlength=3).tolist() == [8, 4, 16]
    assert negatives[0] <= {1, 3, 4} and negatives[1] <= {0, 2, 3, 4}
    assert negatives[2] == {3}  # the only item left
    # uniform over the items left: 30,000 draws for user 0 split about evenly over 1, 3, 4
    draws = sample_negatives(np.zeros(30_000, np.int64), indptr, indices, 5, rng)
    counts = np.bincount(draws, minlength=5)
    assert counts[0] == counts[2] == 0
    assert np.all(np.abs(counts[[1, 3, 4]] / 30_000 - 1 / 3) < 0.02)


def test_a_user_with_every_item_keeps_positives_without_negatives():
    indptr = np.array([0, 3, 4])
    indices = np.array([0, 1, 2, 1])
    pair_users = np.array([0, 0, 0, 1])
    users, items, labels = training_instances(pair_users, indices, indptr, indices, 3, 2,
                                              np.random.default_rng(1))
    assert labels.sum() == 4 and (users[labels == 0] == 1).all()
    assert set(items[labels == 0].tolist()) <= {0, 2} and (labels == 0).sum() == 2


def test_neumf_beats_most_popular_on_the_checkerboard():
    split = random_split(checkerboard(), 0.25, seed=0)
    evaluator = Evaluator(metrics=("recall",), ks=(5,))
    params = {"factors": 8, "layers": (16, 8), "reg_layers": (0.0, 0.0), "epochs": 10,
              "batch_size": 128, "learning_rate": 0.01, "device": "cpu"}
    neumf = evaluator.evaluate(create_model("neumf", **params).fit(split.train), split.train,
                               split.test).means()["recall@5"]
    popular = evaluator.evaluate(create_model("most_popular").fit(split.train), split.train,
                                 split.test).means()["recall@5"]
    assert neumf > popular + 0.15


def test_the_seed_makes_the_fit_repeatable_and_values_are_ignored(tmp_path):
    data = checkerboard()
    first = create_model("neumf", **TINY).fit(data)
    again = create_model("neumf", **TINY).fit(data.with_values(np.ones(len(data))))
    np.testing.assert_array_equal(first.score_users(np.arange(5)),
                                  again.score_users(np.arange(5)))
    other = create_model("neumf", **TINY, seed=1).fit(data)
    assert not np.array_equal(first.score_users(np.arange(5)), other.score_users(np.arange(5)))
    first.save(tmp_path / "m")
    np.testing.assert_array_equal(load_model(tmp_path / "m").score_users(np.arange(60)),
                                  first.score_users(np.arange(60)))


def test_defaults_are_the_papers():
    params = create_model("neumf").get_params()
    assert params["factors"] == 8 and params["layers"] == [64, 32, 16, 8]
    assert params["negatives"] == 4 and params["learning_rate"] == 0.001
    assert params["batch_size"] == 256 and params["epochs"] == 20
    assert params["reg_mf"] == 0 and params["reg_layers"] == [0, 0, 0, 0]


@pytest.mark.parametrize(("params", "message"), [
    ({"layers": (7, 4), "reg_layers": (0, 0)}, r"^neumf: layers\[0\]=7 must be even"),
    ({"layers": ()}, r"^neumf: layers must hold at least one width"),
    ({"layers": (16, 8)}, r"^neumf: reg_layers has 4 value\(s\) and layers 2"),
    ({"reg_layers": (0, -1.0, 0, 0)}, r"^neumf: reg_layers\[1\] must be >= 0"),
    ({"negatives": 0}, r"^neumf: negatives must be"),
])
def test_inconsistent_settings_are_refused_by_name(params, message):
    with pytest.raises(ConfigError, match=message):
        create_model("neumf", **params).validate_params()


def test_pretrained_neumf_starts_halfway_between_gmf_and_mlp():
    """eq. 13 with alpha 0.5: the output layer is the two towers' output layers side by
    side, halved, so NeuMF's first logit is the mean of GMF's and the MLP's."""
    import torch

    from recstack.models.neumf import _neumf_module

    build = _neumf_module(torch)
    gmf = build(5, 6, 3, [4, 2], torch.Generator().manual_seed(1), towers=("gmf",))
    mlp = build(5, 6, 3, [4, 2], torch.Generator().manual_seed(2), towers=("mlp",))
    with torch.no_grad():  # non-zero biases, so that their halving is checked too
        gmf.output.bias.fill_(0.3)
        mlp.output.bias.fill_(-0.1)
        for module in (gmf, mlp):  # embeddings large enough for the towers to matter
            for parameter in module.parameters():
                parameter.mul_(50.0 if parameter.dim() == 2 and parameter.shape[0] in (5, 6)
                               else 1.0)
    neumf = build(5, 6, 3, [4, 2], torch.Generator().manual_seed(0))
    neumf.load_pretrained(gmf, mlp, 0.5)
    users = torch.arange(5).repeat_interleave(6)
    items = torch.arange(6).repeat(5)
    with torch.no_grad():
        expected = 0.5 * gmf(users, items) + 0.5 * mlp(users, items)
        np.testing.assert_allclose(neumf(users, items).numpy(), expected.numpy(), atol=1e-6)
        assert float(expected.std()) > 1e-3


def test_pretraining_fits_both_towers_then_neumf():
    split = random_split(checkerboard(), 0.25, seed=0)
    params = {"factors": 8, "layers": (16, 8), "reg_layers": (0.0, 0.0), "epochs": 8,
              "batch_size": 128, "learning_rate": 0.01, "device": "cpu"}
    model = create_model("neumf", pretrain=True, **params).fit(split.train)
    assert len(model.gmf_history_.epochs) == len(model.mlp_history_.epochs) == 8
    assert len(model.history_.epochs) == 8
    evaluator = Evaluator(metrics=("recall",), ks=(5,))
    neumf = evaluator.evaluate(model, split.train, split.test).means()["recall@5"]
    popular = evaluator.evaluate(create_model("most_popular").fit(split.train), split.train,
                                 split.test).means()["recall@5"]
    assert neumf > popular + 0.15
    # a refit without pre-training leaves no pre-training history behind
    model.pretrain = False
    model.fit(split.train)
    assert not hasattr(model, "gmf_history_") and not hasattr(model, "mlp_history_")
