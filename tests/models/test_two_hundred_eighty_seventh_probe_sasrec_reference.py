"""SASRec against Kang & McAuley's definition, written out in plain numpy.

The reference below is the self-attentive block as the paper and the pmixer port
(``norm_first=True``) define it, independent of recstack's torch code: the item embedding
scaled by sqrt(d) plus a learned positional embedding, padding zeroed, causal attention
over positions that hold an item (key-padding mask), LayerNorm before each sub-layer, the
residuals around them, a final LayerNorm, and the score h_L . E_i. The training loss is the
binary cross-entropy over sampled negatives with padded target positions left out. The
trained network's own weights are read back and pushed through the numpy formulas; recstack
must give the same states, scores and loss.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch",
                            reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models.sasrec import SASRec, next_item_loss  # noqa: E402

SETTINGS = {"max_length": 6, "hidden": 8, "blocks": 2, "heads": 2, "dropout": 0.2,
            "epochs": 2, "batch_size": 8, "learning_rate": 0.01, "validation": False,
            "loss": "bce", "device": "cpu", "seed": 3}


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    users, items, times = [], [], []
    for user in range(12):
        length = int(rng.integers(2, 9))  # some shorter than max_length: padding is read
        users += [user] * length
        items += rng.integers(0, 10, length).tolist()
        times += list(range(length))
    data = Interactions.from_arrays(np.array(users), np.array(items), None, np.array(times))
    return SASRec(**SETTINGS).fit(data)


def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def reference_states(weights, sequence, heads):
    """h_t for every position of one left-padded sequence (network indices, 0 = padding)."""
    w = {name: value.astype(np.float64) for name, value in weights.items()}
    embeddings, positions = w["item_embeddings.weight"], w["position_embeddings.weight"]
    length, d = len(sequence), embeddings.shape[1]
    real = sequence != 0
    x = (np.sqrt(d) * embeddings[sequence] + positions[-length:]) * real[:, None]
    t = np.arange(length)
    # position t reads positions tau <= t that hold an item, and itself
    allowed = (t[None, :] <= t[:, None]) & (real[None, :] | np.eye(length, dtype=bool))
    blocks = 1 + max(int(name.split(".")[1]) for name in w if name.startswith("blocks."))
    for b in range(blocks):
        p = f"blocks.{b}."
        y = layer_norm(x, w[p + "attention_norm.weight"], w[p + "attention_norm.bias"])
        qkv = y @ w[p + "attention.in_projection.weight"].T + w[p + "attention.in_projection.bias"]
        q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
        size = d // heads
        out = np.zeros((length, d))
        for h in range(heads):
            cols = slice(h * size, (h + 1) * size)
            logits = q[:, cols] @ k[:, cols].T / np.sqrt(size)
            logits = np.where(allowed, logits, -np.inf)
            attention = np.exp(logits - logits.max(1, keepdims=True))
            attention /= attention.sum(1, keepdims=True)
            out[:, cols] = attention @ v[:, cols]
        x = x + out @ w[p + "attention.out_projection.weight"].T \
            + w[p + "attention.out_projection.bias"]
        y = layer_norm(x, w[p + "feedforward_norm.weight"], w[p + "feedforward_norm.bias"])
        inner = np.maximum(y @ w[p + "feedforward.0.weight"].T + w[p + "feedforward.0.bias"], 0)
        x = x + inner @ w[p + "feedforward.3.weight"].T + w[p + "feedforward.3.bias"]
    return layer_norm(x, w["final_norm.weight"], w["final_norm.bias"])


def softplus(z):
    return np.logaddexp(0.0, z)


def test_user_states_and_scores_match_the_paper_block_written_in_numpy(fitted):
    heads = SETTINGS["heads"]
    items = fitted.network_["item_embeddings.weight"][1:].astype(np.float64)
    for user, sequence in enumerate(fitted.sequences_.astype(np.int64)):
        state = reference_states(fitted.network_, sequence, heads)[-1]
        np.testing.assert_allclose(fitted.user_states_[user], state, rtol=0, atol=1e-6)
        np.testing.assert_allclose(fitted.score_users(np.array([user]))[0], state @ items.T,
                                   rtol=0, atol=1e-6)


def test_a_short_sequence_reads_only_its_items_not_the_padding(fitted):
    # two items in a network of sequence_length_ positions: four padded ones on the left
    scores = fitted.score_sequences([[3, 7]])[0]
    width = fitted.sequence_length_
    padded = np.zeros(width, np.int64)
    padded[-2:] = [4, 8]  # network indices are item indices + 1
    state = reference_states(fitted.network_, padded, SETTINGS["heads"])[-1]
    items = fitted.network_["item_embeddings.weight"][1:].astype(np.float64)
    np.testing.assert_allclose(scores, state @ items.T, rtol=0, atol=1e-6)


def test_the_bce_loss_is_the_papers_with_padded_targets_left_out(fitted):
    network = fitted._network(torch)
    width = fitted.sequence_length_
    inputs = np.zeros((2, width), np.int64)
    targets = np.zeros((2, width), np.int64)
    inputs[0, -3:], targets[0, -3:] = [1, 2, 3], [2, 3, 4]
    inputs[1, -2:], targets[1, -2:] = [5, 6], [6, 7]
    negatives = np.zeros((2, width, 1), np.int64)
    negatives[0, -3:, 0], negatives[1, -2:, 0] = [9, 8, 7], [1, 10]
    with torch.no_grad():
        got = float(next_item_loss(torch, network, torch.as_tensor(inputs),
                                   torch.as_tensor(targets), torch.as_tensor(negatives)))
    embeddings = fitted.network_["item_embeddings.weight"].astype(np.float64)
    terms = []
    for row in range(2):
        states = reference_states(fitted.network_, inputs[row], SETTINGS["heads"])
        for t in np.flatnonzero(targets[row]):
            positive = states[t] @ embeddings[targets[row, t]]
            negative = states[t] @ embeddings[negatives[row, t, 0]]
            terms.append(softplus(-positive) + softplus(negative))
    assert len(terms) == 5  # the padded positions are not examples
    assert got == pytest.approx(np.mean(terms), abs=1e-6)


def test_a_users_first_item_behind_padding_is_no_target(fitted):
    # windows as fit builds them: width L + 1, left-padded; inputs window[:-1], targets
    # window[1:]. The user's first item is the target of a padded input position, which
    # the original code (its sampler sets pos[idx] only where seq[idx] holds an item)
    # never trains on.
    network = fitted._network(torch)
    width = fitted.sequence_length_
    window = np.zeros(width + 1, np.int64)
    window[-4:] = [1, 2, 3, 4]
    inputs, targets = window[None, :-1], window[None, 1:]
    with torch.no_grad():
        got = float(next_item_loss(torch, network, torch.as_tensor(inputs),
                                   torch.as_tensor(targets), None))
    embeddings = fitted.network_["item_embeddings.weight"].astype(np.float64)
    states = reference_states(fitted.network_, inputs[0], SETTINGS["heads"])
    terms = []
    for t in np.flatnonzero(inputs[0]):
        logits = states[t] @ embeddings[1:].T
        terms.append(np.logaddexp.reduce(logits) - logits[targets[0, t] - 1])
    assert len(terms) == 3  # items 2, 3 and 4 are predicted; item 1 is not
    assert got == pytest.approx(np.mean(terms), abs=1e-5)
