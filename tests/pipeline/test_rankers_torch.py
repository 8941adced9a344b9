"""The PyTorch rankers: every loss trains each network, the inputs are standardised with
training statistics, the cross layer is eq. 1 of DCN v2, the wide part crosses pairs, the
multitask heads, and early stopping on validation."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.errors import RecstackError  # noqa: E402
from recstack.pipeline.rankers import create_ranker  # noqa: E402
from recstack.pipeline.rankers.base import grouped_ndcg  # noqa: E402
from recstack.pipeline.rankers.losses import LOSSES  # noqa: E402
from tests.pipeline.test_rankers import labels_for, make, synthetic_frame  # noqa: E402

NETWORKS = ("wide_deep", "dcn_v2", "multitask")


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("name", NETWORKS)
def test_every_loss_trains_every_network(name, loss):
    frame, labels, _ = synthetic_frame(n_groups=80, seed=0)
    test, _, relevance = synthetic_frame(n_groups=80, seed=1)
    scores = make(name, loss=loss, epochs=3).fit(frame, labels_for(name, labels)).score(test)
    chance = grouped_ndcg(np.random.default_rng(0).random(len(test)), relevance, test.groups)
    assert grouped_ndcg(scores, relevance, test.groups) > chance + 0.15


def test_numeric_inputs_are_standardised_with_training_statistics():
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("dcn_v2").fit(frame, labels)
    noise = frame.numeric[:, 1].astype(np.float64)
    present = noise[~np.isnan(noise)]
    mean = present.sum() / len(present)
    filled = np.where(np.isnan(noise), mean, noise)
    std = np.sqrt(((filled - mean) ** 2).sum() / len(filled))
    np.testing.assert_allclose(ranker.means_[1], mean, rtol=1e-5)
    np.testing.assert_allclose(ranker.scales_[1], std, rtol=1e-5)
    standard = ranker._standardise(frame.numeric)
    np.testing.assert_allclose(standard[np.isnan(noise), 1], 0.0, atol=1e-6)


def test_cross_layer_is_eq_1_of_dcn_v2():
    """x1 = x0 * (W x0 + b) + x0 and x2 = x0 * (W' x1 + b') + x1, by numpy."""
    frame, labels, _ = synthetic_frame(n_groups=10)
    ranker = make("dcn_v2", cross_layers=2).fit(frame, labels)
    module = ranker.module_
    rows = frame.take(np.arange(4))
    numeric = torch.as_tensor(ranker._standardise(rows.numeric))
    categorical = torch.as_tensor(rows.categorical.astype(np.int64))
    x0 = np.hstack([numeric.numpy()] + [module.tables[j].weight.detach().numpy()[
        rows.categorical[:, j]] for j in range(2)])
    x = x0
    for layer in module.cross:
        w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        x = x0 * (x @ w.T + b) + x
    hidden = np.maximum(x @ module.deep[0].weight.detach().numpy().T
                        + module.deep[0].bias.detach().numpy(), 0)
    expected = hidden @ module.output.weight.detach().numpy().T[:, 0] \
        + module.output.bias.detach().numpy()[0]
    with torch.no_grad():
        np.testing.assert_allclose(module(numeric, categorical).numpy(), expected, rtol=1e-4,
                                   atol=1e-5)


def test_wide_part_has_one_weight_table_per_categorical_pair():
    frame, labels, _ = synthetic_frame(n_groups=10)
    module = make("wide_deep", cross_buckets=4).fit(frame, labels).module_
    # genre x device: 5 * 3 = 15 combinations hashed into 4 buckets
    assert [t.num_embeddings for t in module.wide_crosses] == [4]
    module = make("wide_deep").fit(frame, labels).module_
    assert [t.num_embeddings for t in module.wide_crosses] == [15]


def test_wide_cross_learns_a_pure_interaction():
    """Relevance only when genre == 1 and device == 2: a logistic model over the single
    levels cannot express it; the crossed pair can. Deep part switched off by a tiny MLP
    with no signal (hidden=(1,)) so the wide cross must carry it."""
    rng = np.random.default_rng(0)
    frame, _, _ = synthetic_frame(n_groups=100)
    genre, device = frame.categorical[:, 0], frame.categorical[:, 1]
    labels = ((genre == 1) & (device == 2)).astype(float)
    labels = np.where(rng.random(len(labels)) < 0.05, 1 - labels, labels)
    ranker = make("wide_deep", hidden=(1,), epochs=15, learning_rate=0.05).fit(frame, labels)
    crossed = ranker.module_.wide_crosses[0].weight.detach().numpy()[:, 0]
    # the (1, 2) cell's weight is the largest of the 15
    assert int(np.argmax(crossed)) == 1 * 3 + 2


def test_multitask_learns_both_heads_and_documents_its_labels():
    frame, labels, relevance = synthetic_frame(n_groups=100)
    rng = np.random.default_rng(1)
    ratings = np.where(rng.random(len(labels)) < 0.5, 1 + 4 * relevance, np.nan)
    ranker = make("multitask", epochs=8).fit(frame, np.column_stack([labels, ratings]))
    predicted = ranker.predict_ratings(frame)
    assert np.corrcoef(predicted, 1 + 4 * relevance)[0, 1] > 0.8
    assert 1 < predicted.mean() < 5
    with pytest.raises(RecstackError, match=r"expected shape \(1000, 2\) \(column 0: "
                       "interaction 0/1, column 1: rating, NaN where none\\)"):
        make("multitask").fit(frame, labels)
    with pytest.raises(RecstackError, match="ratings\\) are all NaN"):
        make("multitask").fit(frame, np.column_stack([labels, np.full(len(labels), np.nan)]))


def test_validation_early_stops_and_keeps_the_best_epoch():
    frame, labels, _ = synthetic_frame(n_groups=60)
    valid, valid_labels, _ = synthetic_frame(n_groups=30, seed=5)
    ranker = make("dcn_v2", epochs=30, patience=2, learning_rate=0.05)
    ranker.fit(frame, labels, validation=(valid, valid_labels))
    history = ranker.history_
    scores = [e["val"] for e in history.epochs]
    assert history.stopped_early and len(scores) < 30
    assert len(scores) - 1 - history.best_epoch == 2  # stopped `patience` epochs later
    # the parameters kept are the best epoch's, not the last one's
    final = grouped_ndcg(ranker.score(valid), valid_labels, valid.groups)
    assert final == pytest.approx(max(scores), abs=1e-6)
    assert max(scores) > scores[-1]


def test_sample_weights_change_the_fit():
    frame, labels, _ = synthetic_frame(n_groups=30)
    weights = np.where(frame.categorical[:, 0] == 3, 10.0, 1.0)
    plain = make("wide_deep").fit(frame, labels).score(frame)
    weighted = make("wide_deep").fit(frame, labels, sample_weight=weights).score(frame)
    assert not np.allclose(plain, weighted)


def test_an_unavailable_device_is_refused():
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    frame, labels, _ = synthetic_frame(n_groups=5)
    with pytest.raises(RecstackError, match="CUDA is not available"):
        create_ranker("dcn_v2", device="cuda").fit(frame, labels)
