"""SASRec: sequences, masking, learning a sequential pattern, determinism, checkpoints and
the empty-history fallback (the conformance suite covers the rest of the contract)."""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch",
                            reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.data.splits import leave_last_out  # noqa: E402
from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.evaluation.evaluator import Evaluator  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from recstack.models.sasrec import (  # noqa: E402
    EMPTY_HISTORY,
    PopularityFallbackWarning,
    SASRec,
    left_padded_sequences,
    next_item_loss,
)

TINY = {"max_length": 8, "hidden": 16, "blocks": 1, "heads": 2, "dropout": 0.1, "epochs": 3,
        "batch_size": 16, "learning_rate": 0.01, "validation": False, "device": "cpu"}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # networks this small run fastest on one thread, and a busy machine makes OpenMP
    # threads wait on each other at every operation
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def successor_data(n_users=150, n_items=30, seed=0, min_length=8, max_length=16):
    """Every user watches consecutive items, i then i + 1 (mod n_items), from a random
    start, so the next item is fully determined by the last one; rows are shuffled, so only
    the timestamps tell the order."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n_items, n_users)
    lengths = rng.integers(min_length, max_length + 1, n_users)
    users = np.repeat(np.arange(n_users), lengths)
    position = np.arange(len(users)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    items = (starts[users] + position) % n_items
    times = 1_000_000 + 3600 * position + users
    shuffled = rng.permutation(len(users))
    return Interactions.from_arrays(users[shuffled], items[shuffled], None, times[shuffled])


@pytest.fixture(scope="module")
def data():
    return successor_data()


@pytest.fixture(scope="module")
def fitted(data):
    return SASRec(**TINY).fit(data)


def in_time_order(data, user):
    rows = np.flatnonzero(data.user_index == user)
    return data.item_index[rows[np.argsort(data.timestamp[rows], kind="stable")]]


# ---------------------------------------------------------------------------- sequences
def test_left_padded_sequences_right_aligns_the_most_recent_items():
    items = np.array([7, 8, 1, 2, 3, 4, 5])
    padded = left_padded_sequences(items, np.array([0, 2, 5]), width=3)
    np.testing.assert_array_equal(padded, [[0, 0, 0], [0, 7, 8], [3, 4, 5]])


def test_left_padding_puts_the_most_recent_item_last(data, fitted):
    width = TINY["max_length"]
    for user in range(data.n_users):
        expected = in_time_order(data, user)[-width:] + 1  # network indices are 1-based
        row = fitted.sequences_[user]
        np.testing.assert_array_equal(row[width - len(expected):], expected)
        assert not row[:width - len(expected)].any()
    assert fitted.sequences_.shape == (data.n_users, width)


def test_truncation_from_the_left_is_the_same_in_training_and_inference(data):
    """Dropping every item older than a user's last max_length + 1 changes nothing: not the
    trained network (training reads the last L inputs and their next items), not the
    inference sequence (the last L items)."""
    width = TINY["max_length"]
    ordered = data.sort_by_user_time()
    lengths = ordered.user_counts()
    from_end = np.repeat(np.cumsum(lengths), lengths) - 1 - np.arange(len(ordered))
    assert (lengths > width + 1).any()
    truncated = ordered.select(from_end <= width)  # keeps the last width + 1 per user
    assert truncated.items == data.items and len(truncated) < len(data)

    params = TINY | {"loss": "softmax"}
    full_model = SASRec(**params).fit(data)
    truncated_model = SASRec(**params).fit(truncated)
    np.testing.assert_array_equal(full_model.sequences_, truncated_model.sequences_)
    for name, value in full_model.network_.items():
        np.testing.assert_array_equal(value, truncated_model.network_[name], err_msg=name)
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(full_model.score_users(users),
                                  truncated_model.score_users(users))

    long_user = int(np.flatnonzero(lengths > width)[0])
    history = in_time_order(data, long_user)
    np.testing.assert_allclose(full_model.score_sequences([history]),
                               full_model.score_sequences([history[-width:]]))
    np.testing.assert_allclose(full_model.score_sequences([history]),
                               full_model.score_users([long_user]), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------- the network
@pytest.mark.parametrize("loss", ["softmax", "bce"])
def test_padding_vector_stays_zero_and_gets_no_gradient(data, loss):
    # negatives only with bce: the softmax reads none (and refuses one given)
    model = SASRec(**TINY | {"loss": loss} | ({"negatives": 3} if loss == "bce" else {})).fit(data)
    np.testing.assert_array_equal(model.network_["item_embeddings.weight"][0], 0.0)

    network = model._network(torch).train()
    sequences = torch.as_tensor(model.sequences_, dtype=torch.long)
    negatives = None if loss == "softmax" else torch.randint(
        1, data.n_items + 1, (*sequences[:, 1:].shape, 3))
    next_item_loss(torch, network, sequences[:, :-1], sequences[:, 1:], negatives).backward()
    gradient = network.item_embeddings.weight.grad
    assert network.item_embeddings.padding_idx == 0
    assert torch.all(gradient[0] == 0)
    assert torch.count_nonzero(gradient[1:]) > 0


def test_causal_mask_output_at_t_ignores_later_items(fitted):
    network = fitted._network(torch)
    width, t = TINY["max_length"], 4
    first = torch.tensor([[3, 4, 5, 6, 7, 8, 9, 10]])
    second = first.clone()
    second[0, t + 1:] = torch.tensor([20, 2, 29])
    assert first.shape[1] == width
    with torch.no_grad():
        a, b = network(first), network(second)
    torch.testing.assert_close(a[:, :t + 1], b[:, :t + 1], rtol=0, atol=1e-6)
    assert not torch.allclose(a[:, t + 1:], b[:, t + 1:], atol=1e-3)


def test_a_sequential_pattern_is_learned(data):
    """The next item is always the last one + 1: SASRec ranks it at the top, popularity
    cannot (items are about equally popular)."""
    split = leave_last_out(data, 1)
    evaluator = Evaluator(metrics=("hit_rate", "ndcg"), ks=(10,))
    model = SASRec(**TINY | {"hidden": 32, "epochs": 25, "batch_size": 32}).fit(split.train)
    learned = evaluator.evaluate(model, split.train, split.test).means()
    popular = evaluator.evaluate(create_model("most_popular").fit(split.train), split.train,
                                 split.test).means()
    # popularity hits about half the time: 10 of the ~17 items each user has not seen
    assert learned["hit_rate@10"] > 0.9
    assert learned["hit_rate@10"] > popular["hit_rate@10"] + 0.4
    assert learned["ndcg@10"] > popular["ndcg@10"] + 0.5


# ---------------------------------------------------------------------------- determinism
def test_the_same_seed_gives_the_same_model_another_seed_another(data):
    params = TINY | {"loss": "bce", "negatives": 2, "validation": True}
    first = SASRec(**params, seed=3).fit(data)
    again = SASRec(**params, seed=3).fit(data)
    other = SASRec(**params, seed=4).fit(data)
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(first.score_users(users), again.score_users(users))
    assert not np.allclose(first.score_users(users), other.score_users(users))
    assert first.history_.epochs == again.history_.epochs


def test_save_and_load_give_identical_scores(fitted, data, tmp_path):
    fitted.save(tmp_path / "sasrec")
    loaded = load_model(tmp_path / "sasrec")
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), fitted.score_users(users))
    sequences = [in_time_order(data, 0), np.array([5, 6, 7])]
    np.testing.assert_array_equal(loaded.score_sequences(sequences),
                                  fitted.score_sequences(sequences))


def test_a_generous_max_length_is_clipped_to_the_longest_history(data, tmp_path):
    """max_length=10**9 asked for a (10**9, hidden) position table and failed with 'not
    enough memory'; positions beyond the longest history would only ever read padding."""
    longest = int(data.user_counts().max())
    model = SASRec(**TINY | {"max_length": 10**9, "epochs": 1}).fit(data)
    assert model.sequence_length_ == longest and model.sequences_.shape[1] == longest
    assert model.get_params()["max_length"] == 10**9  # the configuration keeps what was asked
    assert model.score_sequences([np.arange(40) % data.n_items]).shape == (1, data.n_items)
    loaded = load_model(model.save(tmp_path / "generous"))
    assert loaded.sequence_length_ == longest
    # a warm start reads as many positions as the network it starts from
    assert SASRec(**TINY | {"max_length": 10**9, "epochs": 1}).fit_from(
        model, data).sequence_length_ == longest
    assert SASRec(**TINY).fit(data).sequence_length_ == TINY["max_length"]  # not clipped


# ---------------------------------------------------------------------------- checkpoints
def test_an_interrupted_fit_resumes_from_its_checkpoint(data, tmp_path):
    params = TINY | {"validation": True, "patience": 10}
    folder = str(tmp_path / "checkpoint")
    SASRec(**params | {"epochs": 2, "checkpoint_dir": folder}).fit(data)
    resumed = SASRec(**params | {"epochs": 4, "checkpoint_dir": folder}).fit(data)
    straight = SASRec(**params | {"epochs": 4}).fit(data)
    assert len(resumed.history_.epochs) == 4
    assert resumed.history_.epochs == straight.history_.epochs
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(resumed.score_users(users), straight.score_users(users))


def test_a_checkpoint_of_another_configuration_is_refused(data, tmp_path):
    folder = str(tmp_path / "checkpoint")
    SASRec(**TINY | {"epochs": 1, "checkpoint_dir": folder}).fit(data)
    with pytest.raises(RecstackError, match=r"another model configuration.*hidden"):
        SASRec(**TINY | {"hidden": 8, "checkpoint_dir": folder}).fit(data)
    other_data = successor_data(seed=1)
    with pytest.raises(RecstackError, match=r"another model configuration.*training_sequences"):
        SASRec(**TINY | {"checkpoint_dir": folder}).fit(other_data)


# ---------------------------------------------------------------------------- new users
def test_an_empty_history_falls_back_to_popularity_with_a_visible_reason(fitted, data):
    with pytest.warns(PopularityFallbackWarning, match=r"1 of 2 sequence.*rows \[0\]"):
        scores = fitted.score_sequences([[], [3, 4, 5]])
    np.testing.assert_array_equal(scores[0], data.item_counts().astype(np.float32))

    external = data.items.to_external(np.array([3, 4, 5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fitted.recommend_sequences([[], external], k=5)
    assert result.fallback_reason == (EMPTY_HISTORY, None)
    counts = data.item_counts()
    np.testing.assert_array_equal(result.scores[0], np.sort(counts)[::-1][:5])
    np.testing.assert_array_equal(counts[data.items.to_index(result.item_ids[0])],
                                  result.scores[0])
    assert not set(result.item_ids[1]) & set(external)  # seen items excluded
    np.testing.assert_array_equal(result.scores[1],
                                  np.sort(scores[1][np.setdiff1d(np.arange(30), [3, 4, 5])])
                                  [::-1][:5])


def test_a_user_without_training_rows_is_scored_by_popularity(data):
    without_user_0 = data.select(data.user_index != 0)  # user 0 stays in the vocabulary
    model = SASRec(**TINY | {"epochs": 1}).fit(without_user_0)
    assert not model.sequences_[0].any()
    np.testing.assert_array_equal(model.score_users([0])[0], model.popularity_)
    assert not np.array_equal(model.score_users([1])[0], model.popularity_)


def test_score_histories_is_refused_with_the_alternative(fitted):
    import scipy.sparse as sp

    with pytest.raises(RecstackError, match="score_sequences"):
        fitted.score_histories(sp.csr_matrix((1, 30)))


def test_bad_sequences_and_parameters_are_refused(fitted, data, tmp_path):
    with pytest.raises(RecstackError, match=r"item indices in \[0, 30\)"):
        fitted.score_sequences([[0, 30]])
    with pytest.raises(ConfigError, match="multiple of heads"):
        SASRec(hidden=10, heads=3).fit(data)
    # a pathlib.Path is a path as text is (hundred fiftieth probe); a number is not
    with pytest.raises(ConfigError, match="checkpoint_dir must be str"):
        SASRec(checkpoint_dir=5).fit(data)
    with pytest.raises(ConfigError, match="device"):
        SASRec(device="gpu").fit(data)


def test_a_huge_number_of_blocks_is_refused_by_name_not_built():
    """blocks=2**62 passed validation, then a Python loop built blocks until killed."""
    with pytest.raises(ConfigError, match=r"^sasrec: blocks must be <= 64, got 46116860"):
        create_model("sasrec", blocks=2**62).validate_params()


@pytest.mark.parametrize(("sequences", "says"), [
    ([3, 5], r"sequence 0 must be a flat list of items .*got 3; pass \[\[...\], ...\]"),
    ([[[0, 1]]], r"sequence 0 must be a flat list of items"),
    ([[0], [[1], [2, 3]]], r"sequence 1 must be a flat list of items"),
    (None, r"sequences must be a list with one list of items per user, got None"),
    ("abc", r"sequences must be a list with one list of items per user, got 'abc'"),
])
def test_sequences_of_the_wrong_shape_are_refused_not_reinterpreted(fitted, sequences, says):
    """[3, 5] was read as two users of one item each, [[[0, 1]]] was flattened, None was a
    TypeError."""
    for method in (fitted.score_sequences, fitted.recommend_sequences):
        with pytest.raises(RecstackError, match=rf"^sasrec: {says}"):
            method(sequences)


def test_an_unknown_item_in_a_sequence_names_the_sequence(fitted):
    known = fitted.items_.to_external(np.arange(3)).tolist()
    with pytest.raises(RecstackError, match=r"^sasrec: sequence 1 holds 1 item id\(s\) the "
                                            r"model does not know: 99999 at position 3 "):
        fitted.recommend_sequences([known, [*known, 99999]], k=3)
