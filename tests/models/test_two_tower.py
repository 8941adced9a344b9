"""Two-tower model: the corrected loss, items nobody has seen, exported embeddings,
determinism, persistence, checkpoints and the fallback for users without history."""

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch",
                            reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402
from recstack.models import two_tower as two_tower_module  # noqa: E402
from recstack.models.two_tower import (  # noqa: E402
    TwoTower,
    recent_item_window,
    sampled_softmax_loss,
)

FAST = {"dim": 16, "hidden": 32, "epochs": 4, "batch_size": 256, "learning_rate": 0.005,
        "text_dim": 16, "device": "cpu"}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # the test machines are shared: one thread is faster than two fighting for cores
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def synthetic() -> Interactions:
    """Genre-driven synthetic data with titles, genre lists and descriptions."""
    return generate(n_users=600, n_items=400, n_interactions=20_000, seed=0).implicit()


@pytest.fixture(scope="module")
def small(synthetic) -> Interactions:
    """The rows of the first users, for quick fits (compacted: every user has rows)."""
    return synthetic.select(slice(0, 3000)).compact()


#: users whose every row is left out of training (they stay in the vocabulary)
LOST_USERS = np.array([597, 598, 599])


@pytest.fixture(scope="module")
def cold_split(synthetic):
    """15% of the items held out entirely: none of their rows is in training, but they stay
    in the catalog (the item table and vocabulary are shared). Three users have no
    training rows at all."""
    rng = np.random.default_rng(1)
    interacted = np.flatnonzero(synthetic.item_counts() > 0)
    cold = np.sort(rng.choice(interacted, size=len(interacted) * 15 // 100, replace=False))
    is_cold_row = np.isin(synthetic.item_index, cold)
    is_lost_row = np.isin(synthetic.user_index, LOST_USERS)
    return (synthetic.select(~is_cold_row & ~is_lost_row),
            synthetic.select(is_cold_row & ~is_lost_row), cold)


@pytest.fixture(scope="module")
def cold_model(cold_split):
    train, _, _ = cold_split
    return TwoTower(**FAST | {"epochs": 8}).fit(train)


# ---------------------------------------------------------------------------- the loss
def test_the_loss_subtracts_log_q_from_the_in_batch_logits():
    users = torch.tensor([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    items = torch.tensor([[0.8, 0.6], [1.0, 0.0], [0.0, 1.0]])
    item_index = torch.tensor([4, 1, 4])          # rows 0 and 2 share item 4
    log_q = torch.log(torch.tensor([0.1, 0.05, 0.1, 0.1, 0.65]))
    tau = 0.5

    def by_hand(correct: bool) -> float:
        u, v = users.numpy().astype(np.float64), items.numpy().astype(np.float64)
        logits = u @ v.T / tau
        if correct:
            logits -= log_q.numpy()[item_index.numpy()][None, :]
        total = 0.0
        for b in range(3):
            # the same item in another column is not a negative
            others = [k for k in range(3) if k == b or item_index[k] != item_index[b]]
            total -= logits[b, b] - np.log(np.exp(logits[b, others]).sum())
        return total / 3

    corrected = float(sampled_softmax_loss(users, items, item_index, log_q, tau))
    plain = float(sampled_softmax_loss(users, items, item_index, None, tau))
    assert corrected == pytest.approx(by_hand(True), rel=1e-6)
    assert plain == pytest.approx(by_hand(False), rel=1e-6)
    assert abs(corrected - plain) > 0.1


def test_training_hands_the_loss_log_item_shares(small, monkeypatch):
    seen: list[torch.Tensor | None] = []
    original = two_tower_module.sampled_softmax_loss

    def spy(user_vectors, item_vectors, item_index, log_q, temperature):
        seen.append(log_q)
        return original(user_vectors, item_vectors, item_index, log_q, temperature)

    monkeypatch.setattr(two_tower_module, "sampled_softmax_loss", spy)
    TwoTower(**FAST | {"epochs": 1}).fit(small)
    counts = small.item_counts()
    used = counts > 0
    np.testing.assert_allclose(seen[0].numpy()[used], np.log(counts[used] / len(small)),
                               rtol=1e-5)
    seen.clear()
    TwoTower(**FAST | {"epochs": 1, "logq_correction": False}).fit(small)
    assert seen and all(log_q is None for log_q in seen)


# ---------------------------------------------------------------------------- histories
def test_recent_items_are_the_latest_by_time_oldest_first():
    # user a: items 0..4 at times 5,1,4,2,3 -> by time 1,3,4,2,0; user b: one item
    data = Interactions.from_arrays(["a"] * 5 + ["b"], [0, 1, 2, 3, 4, 9],
                                    timestamps=[5, 1, 4, 2, 3, 7])
    window = recent_item_window(data, 3)
    a, b = data.users.to_index(["a", "b"])
    assert data.items.to_external(window[a]).tolist() == [4, 2, 0]
    assert window[b, :2].tolist() == [-1, -1]
    assert data.items.to_external(window[b, 2:]).tolist() == [9]


def test_an_examples_history_never_holds_its_own_target():
    class OneHot:
        """Item vectors are one-hot item ids, the user vector is the history mean: the
        user vectors then show which items made each history."""

        def item_vectors(self, items, keep):
            return torch.eye(10)[items]

        def user_vectors(self, users, history_mean, keep):
            return history_mean

    window = torch.tensor([[3, 5, 7], [-1, -1, 2]])   # user 0: 3 oldest, 7 latest
    users, items = torch.tensor([0, 0, 1, 0]), torch.tensor([5, 8, 2, 7])
    keep = torch.ones(10)
    histories, positives = two_tower_module._batch_vectors(
        torch, OneHot(), window, users, items, keep[:4], keep)
    expected = np.zeros((4, 10), np.float32)
    expected[0, [3, 7]] = 0.5      # target 5 left out
    expected[1, [5, 7]] = 0.5      # target not in the window: the oldest (3) left out
    # user 1's only item is the target: an empty history
    expected[3, [3, 5]] = 0.5
    np.testing.assert_allclose(histories.numpy(), expected)
    np.testing.assert_array_equal(positives.numpy(), np.eye(10)[items.numpy()])


# ---------------------------------------------------------------------------- cold items
def test_items_without_interactions_are_ranked_well_from_content_alone(cold_split,
                                                                       cold_model):
    """For the users who had the held-out items, rank only the held-out items: their
    content-only embeddings must put each user's own held-out items far above the rest."""
    train, held_out, cold = cold_split
    model = cold_model
    assert (model.item_counts_[cold] == 0).all()
    users = np.unique(held_out.user_index)
    users = users[~model.users_without_history_[users]]
    scores = model.score_users(users)[:, cold]
    truth = sp.csr_matrix((np.ones(len(held_out)), (held_out.user_index, held_out.item_index)),
                          shape=held_out.shape)[users][:, cold].toarray() > 0
    aucs = []
    for row, positives in zip(scores, truth, strict=True):
        if 0 < positives.sum() < len(cold):
            pos, neg = row[positives], row[~positives]
            aucs.append((pos[:, None] > neg[None, :]).mean()
                        + 0.5 * (pos[:, None] == neg[None, :]).mean())
    assert len(aucs) > 100
    # A random ranking has AUC 0.5 in expectation; content alone must do far better. (This
    # gives 0.73; the TF-IDF content model 0.70; ranking by the held-out items' true
    # popularity, which no content can see, 0.79.)
    assert np.mean(aucs) > 0.65, np.mean(aucs)

    # the same ranking with random item vectors in place of the cold items' embeddings
    # (what untrained id embeddings would give) stays near chance: the signal is content
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((len(cold), model.dim)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    random_scores = model.user_embeddings()[users] @ noise.T
    random_aucs = [(r[p][:, None] > r[~p][None, :]).mean()
                   for r, p in zip(random_scores, truth, strict=True)
                   if 0 < p.sum() < len(cold)]
    assert abs(np.mean(random_aucs) - 0.5) < 0.05


def test_a_cold_items_embedding_is_its_content_embedding(cold_split, cold_model):
    train, _, cold = cold_split
    rows = train.item_table.iloc[cold]
    np.testing.assert_allclose(cold_model.embed_items(rows),
                               cold_model.item_embeddings()[cold], rtol=1e-5, atol=1e-6)
    warm = np.flatnonzero(cold_model.item_counts_ > 0)[:20]
    # a warm item's embedding has its trained id embedding on top of its content
    assert not np.allclose(cold_model.embed_items(train.item_table.iloc[warm]),
                           cold_model.item_embeddings()[warm], atol=1e-3)
    new_item = train.item_table.iloc[cold[:2]]
    users = train.users.external_ids[:3]
    np.testing.assert_allclose(cold_model.score_new_items(users, new_item),
                               cold_model.score_users(np.arange(3))[:, cold[:2]],
                               rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- embeddings
def test_exported_embeddings_reproduce_the_scores(cold_split, cold_model):
    train, _, _ = cold_split
    users = np.flatnonzero(~cold_model.users_without_history_)
    user_vectors, item_vectors = cold_model.user_embeddings(), cold_model.item_embeddings()
    assert user_vectors.dtype == item_vectors.dtype == np.float32
    assert item_vectors.shape == (train.n_items, cold_model.dim)
    np.testing.assert_allclose(np.linalg.norm(item_vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(user_vectors[users] @ item_vectors.T,
                               cold_model.score_users(users), rtol=1e-5, atol=1e-6)
    # copies: changing them does not change the model
    item_vectors[:] = 0
    assert np.abs(cold_model.item_embeddings()).sum() > 0


def test_users_without_training_rows_get_popularity(cold_split, cold_model):
    train, _, _ = cold_split
    lost = np.flatnonzero(cold_model.users_without_history_)
    assert lost.tolist() == LOST_USERS.tolist()
    assert (cold_model.user_embeddings()[lost] == 0).all()
    counts = train.item_counts()
    np.testing.assert_allclose(cold_model.score_users(lost[:2]),
                               np.tile(counts / counts.max(), (2, 1)), rtol=1e-6)


# ---------------------------------------------------------------------------- new users
def test_empty_histories_fall_back_to_popularity_with_a_warning(cold_split, cold_model):
    train, _, _ = cold_split
    seen = train.to_csr()
    lengths = np.diff(seen.indptr)
    user = int(np.flatnonzero((lengths >= 10) & (lengths <= 40))[0])
    histories = sp.vstack([seen[user], sp.csr_matrix((1, train.n_items)), seen[1]]).tocsr()
    before = histories.copy()
    with pytest.warns(UserWarning, match="1 of 3 histories are empty.*popularity"):
        scores = cold_model.score_histories(histories)
    counts = train.item_counts()
    np.testing.assert_allclose(scores[1], counts / counts.max(), rtol=1e-6)
    assert (histories != before).nnz == 0          # the caller's matrix is untouched
    # a non-empty history gets the user tower, which puts the history's own items (and
    # so items like them) well above the rest
    own = np.zeros(train.n_items, bool)
    own[seen[user].indices] = True
    assert (scores[0][own][:, None] > scores[0][~own][None, :]).mean() > 0.75
    assert scores.dtype == np.float32 and scores.shape == (3, train.n_items)


# ---------------------------------------------------------------------------- determinism
def test_same_seed_same_model_other_seed_differs(small):
    first = TwoTower(**FAST | {"epochs": 2}).fit(small)
    again = TwoTower(**FAST | {"epochs": 2}).fit(small)
    other = TwoTower(**FAST | {"epochs": 2, "seed": 1}).fit(small)
    users = np.arange(small.n_users)
    np.testing.assert_array_equal(first.score_users(users), again.score_users(users))
    assert not np.allclose(first.score_users(users), other.score_users(users), atol=1e-4)


def test_save_load_gives_identical_scores_and_new_item_embeddings(cold_split, cold_model,
                                                                  tmp_path):
    train, _, cold = cold_split
    cold_model.save(tmp_path / "tt")
    loaded = load_model(tmp_path / "tt")
    users = np.arange(train.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), cold_model.score_users(users))
    rows = train.item_table.iloc[cold[:5]]
    np.testing.assert_array_equal(loaded.embed_items(rows), cold_model.embed_items(rows))
    histories = train.to_csr()[:4]
    np.testing.assert_array_equal(loaded.score_histories(histories),
                                  cold_model.score_histories(histories))


def test_checkpoints_resume_and_refuse_another_configuration(synthetic, small, tmp_path):
    straight = TwoTower(**FAST | {"epochs": 3}).fit(small)
    folder = str(tmp_path / "ck")
    TwoTower(**FAST | {"epochs": 2, "checkpoint_dir": folder}).fit(small)
    resumed = TwoTower(**FAST | {"epochs": 3, "checkpoint_dir": folder}).fit(small)
    assert len(resumed.history_.epochs) == 3
    users = np.arange(small.n_users)
    np.testing.assert_array_equal(resumed.score_users(users), straight.score_users(users))
    with pytest.raises(RecstackError, match="another model configuration.*temperature"):
        TwoTower(**FAST | {"epochs": 3, "temperature": 0.1, "checkpoint_dir": folder}
                 ).fit(small)
    with pytest.raises(RecstackError, match="another model configuration.*data"):
        TwoTower(**FAST | {"epochs": 3, "checkpoint_dir": folder}).fit(
            synthetic.select(slice(0, 2000)).compact())


# ---------------------------------------------------------------------------- options
def test_validation_rows_drive_early_stopping(small):
    model = TwoTower(**FAST | {"epochs": 3, "validation_fraction": 0.2, "patience": 1}
                     ).fit(small)
    history = model.history_
    assert all("val" in numbers for numbers in history.epochs)
    assert history.best_score == max(numbers["val"] for numbers in history.epochs)
    # the validation rows are not trained on: fewer rows count towards popularity
    assert model.item_counts_.sum() == len(small) - round(0.2 * len(small))


def test_user_features_are_one_hot_columns_of_the_user_table(small):
    model = TwoTower(**FAST | {"epochs": 1, "user_features": ("favourite_genre",)}).fit(small)
    n_genres = small.user_table["favourite_genre"].nunique()
    assert model.user_layers_[0].shape[1] == model.dim + n_genres
    # new users have no features: their tower sees zeros, as with a dropped user in training
    assert np.isfinite(model.score_histories(small.to_csr()[:2])).all()
    with pytest.raises(ConfigError, match="no column.*'age'"):
        TwoTower(**FAST | {"user_features": ("age",)}).fit(small)


def test_bad_parameters_are_refused_by_name(small):
    for bad, match in (({"device": "gpu"}, "device"), ({"id_dropout": 1.5}, "id_dropout"),
                       ({"temperature": 0}, "temperature"), ({"user_features": (3,)},
                                                             "user_features")):
        with pytest.raises(ConfigError, match=match):
            create_model("two_tower", **bad).fit(small)


def test_a_user_feature_named_twice_is_refused():
    """('age', 'age') encoded the same column twice into the user tower."""
    from recstack.errors import ConfigError
    from recstack.models import create_model

    with pytest.raises(ConfigError, match=r"^two_tower: user_features must name each element "
                                          r"once, got \['age', 'gender', 'age'\] \(repeated: "
                                          r"'age'\)"):
        create_model("two_tower", user_features=("age", "gender", "age")).validate_params()
