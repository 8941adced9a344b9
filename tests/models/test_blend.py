"""The learned blend: weights from a validation split of train only, members declared and
checked like models, saved inside the blend's artifact."""

import tomllib

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model, load_model

EASE = {"type": "ease", "regularization": 10.0}


def checkerboard(n_users=80, n_items=40, per_user=10, seed=0) -> Interactions:
    """Even users pick even items, odd users odd items, uniformly within their half."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    for user in range(n_users):
        half = np.arange(user % 2, n_items, 2)
        chosen = rng.choice(half, per_user, replace=False)
        users += [user] * per_user
        items += chosen.tolist()
    return Interactions.from_arrays(np.array(users), np.array(items))


def test_a_blend_of_one_model_ranks_as_that_model():
    data = checkerboard()
    alone = create_model("ease", regularization=10.0).fit(data)
    blend = create_model("blend", members=[EASE]).fit(data)
    users = data.users.external_ids[:30]
    np.testing.assert_array_equal(blend.recommend(users, k=10)[0],
                                  alone.recommend(users, k=10)[0])
    assert blend.weights_.tolist() == [1.0]


def test_a_good_and_a_random_model_put_nearly_all_weight_on_the_good_one():
    data = checkerboard()
    blend = create_model("blend", members=[EASE, {"type": "random", "seed": 1}]).fit(data)
    assert blend.weights_[0] >= 0.9
    assert blend.weights_.sum() == pytest.approx(1.0)
    # either way the blend still ranks the user's own half first
    scores = blend.score_users(np.arange(10))
    parity = data.items.to_external(np.arange(data.n_items)) % 2
    users_parity = data.users.to_external(np.arange(10)) % 2
    for row in range(10):
        top = np.argsort(-scores[row])[:15]
        assert (parity[top] == users_parity[row]).mean() > 0.8


def test_weights_come_from_train_only_never_from_the_test_split():
    """Train carries the checkerboard (item co-occurrence wins on any split of it); the
    test split is the globally popular items instead, where popularity wins. A blend that
    looked at the test split would favour most_popular; this one sees only train."""
    rng = np.random.default_rng(0)
    train = checkerboard(n_users=80, n_items=40, per_user=8)
    popular = np.array([0, 1, 2, 3])  # the test items: the same four items for everyone
    test_users = np.repeat(np.arange(80), 2)
    test_items = np.concatenate([rng.choice(popular, 2, replace=False) for _ in range(80)])
    all_rows = Interactions.from_arrays(
        np.concatenate([train.users.to_external(train.user_index), test_users]),
        np.concatenate([train.items.to_external(train.item_index), test_items]))
    in_train = np.zeros(len(all_rows), bool)
    in_train[:len(train)] = True
    # drop test pairs already in train, so they are really held out
    pair = all_rows.user_index.astype(np.int64) * all_rows.n_items + all_rows.item_index
    train_pairs = set(pair[in_train].tolist())
    in_test = ~in_train & ~np.isin(pair, list(train_pairs))
    train_part, test_part = all_rows.select(in_train), all_rows.select(in_test)

    members = [{"type": "item_knn", "neighbors": 10}, {"type": "most_popular"}]
    blend = create_model("blend", members=members, rounds=2).fit(train_part)
    assert blend.weights_[0] > blend.weights_[1]
    # on the test split most_popular is the better model: weights tuned there would differ
    evaluator = Evaluator(metrics=("ndcg",), ks=(5,))
    knn = create_model("item_knn", neighbors=10).fit(train_part)
    popularity = create_model("most_popular").fit(train_part)
    assert (evaluator.evaluate(popularity, train_part, test_part).means()["ndcg@5"]
            > evaluator.evaluate(knn, train_part, test_part).means()["ndcg@5"])


def _checkerboard_and_popular_holdout() -> tuple[Interactions, Interactions]:
    """Train carries the checkerboard; the held-out rows are the same four items for
    everyone (where popularity wins), none of them already in the user's train."""
    rng = np.random.default_rng(0)
    train = checkerboard(n_users=80, n_items=40, per_user=8)
    test_users = np.repeat(np.arange(80), 2)
    test_items = np.concatenate([rng.choice(4, 2, replace=False) for _ in range(80)])
    all_rows = Interactions.from_arrays(
        np.concatenate([train.users.to_external(train.user_index), test_users]),
        np.concatenate([train.items.to_external(train.item_index), test_items]))
    in_train = np.arange(len(all_rows)) < len(train)
    pair = all_rows.user_index.astype(np.int64) * all_rows.n_items + all_rows.item_index
    in_test = ~in_train & ~np.isin(pair, pair[in_train])
    return all_rows.select(in_train), all_rows.select(in_test)


def test_given_validation_rows_choose_the_weights_and_the_members_are_not_refit():
    """With fit(train, validation=rows) the weights follow those rows (popularity wins
    there, co-occurrence wins on any share of train), and the members are the ones fitted
    on all of train: the graph-CF protocol tunes a blend on valid.txt this way."""
    train_part, held_part = _checkerboard_and_popular_holdout()
    members = [{"type": "item_knn", "neighbors": 10}, {"type": "most_popular"}]
    carved = create_model("blend", members=members, rounds=2).fit(train_part)
    given = create_model("blend", members=members, rounds=2).fit(train_part,
                                                                  validation=held_part)
    assert carved.weights_[0] > carved.weights_[1]
    assert given.weights_[1] > given.weights_[0]
    # the reported validation nDCG@20 is the chosen weights' on the given rows, by hand
    evaluator = Evaluator(metrics=("ndcg",), ks=(20,))
    fixed = create_model("blend", members=members, weights=given.weights_.tolist())
    expected = evaluator.evaluate(fixed.fit(train_part), train_part, held_part)
    assert given.validation_score_ == pytest.approx(expected.means()["ndcg@20"], abs=1e-6)
    knn = create_model("item_knn", neighbors=10).fit(train_part)
    users = np.arange(train_part.n_users)
    np.testing.assert_array_equal(given.members_[0].score_users(users),
                                  knn.score_users(users))


def test_validation_rows_from_another_split_are_refused():
    train_part, _ = _checkerboard_and_popular_holdout()
    other = checkerboard(n_users=10, n_items=12, per_user=3)
    with pytest.raises(RecstackError, match="same split"):
        create_model("blend", members=[EASE]).fit(train_part, validation=other)


def test_the_validation_split_is_a_seeded_per_user_hold_out_of_train():
    data = checkerboard(per_user=10)
    blend = create_model("blend", members=[EASE], validation_fraction=0.3, seed=4)
    fitting, validation = blend._hold_out(data)
    assert len(fitting) + len(validation) == len(data)
    held = np.bincount(validation.user_index, minlength=data.n_users)
    assert np.all(held == 3)  # 30% of each user's ten items
    again = create_model("blend", members=[EASE], validation_fraction=0.3, seed=4)
    np.testing.assert_array_equal(again._hold_out(data)[1].item_index, validation.item_index)
    other = create_model("blend", members=[EASE], validation_fraction=0.3, seed=5)
    assert not np.array_equal(other._hold_out(data)[1].item_index, validation.item_index)


def test_fixed_weights_skip_the_search():
    data = checkerboard()
    blend = create_model("blend", members=[EASE, {"type": "most_popular"}],
                         weights=[3, 1]).fit(data)
    np.testing.assert_allclose(blend.weights_, [0.75, 0.25])


def test_members_with_the_same_symbol_save_and_load(tmp_path):
    """Two iALS members of different sizes: each one's 'factors' is its own on load."""
    data = checkerboard()
    members = [{"type": "ials", "factors": 4, "iterations": 2},
               {"type": "ials", "factors": 6, "iterations": 2}]
    blend = create_model("blend", members=members, weights=[1, 1]).fit(data)
    blend.save(tmp_path / "blend")
    loaded = load_model(tmp_path / "blend")
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), blend.score_users(users))
    np.testing.assert_array_equal(loaded.score_histories(data.to_csr()[:5]),
                                  blend.score_histories(data.to_csr()[:5]))


def test_the_toml_form_is_checked_member_by_member():
    table = tomllib.loads("""
        type = "blend"
        members = [{type = "ease", regularization = 500.0}, {type = "rp3beta", beta = 0.6}]
    """)
    del table["type"]
    create_model("blend", **table).validate_params()
    with pytest.raises(ConfigError, match=r"^blend: members\[1\] \(rp3beta\): .*did you "
                                          r"mean 'beta'"):
        create_model("blend", members=[EASE, {"type": "rp3beta", "betta": 1}]).validate_params()
    with pytest.raises(ConfigError, match=r"^blend: members\[0\] \(eas\): unknown model "
                                          r"'eas' \(did you mean 'ease'"):
        create_model("blend", members=[{"type": "eas"}]).validate_params()
    with pytest.raises(ConfigError, match=r"^blend: members\[0\] \(ease\): ease: "
                                          r"regularization must be > 0"):
        create_model("blend", members=[{"type": "ease", "regularization": -1.0}]).fit(
            checkerboard())
    with pytest.raises(ConfigError, match=r"^blend: members\[0\] needs a 'type'"):
        create_model("blend", members=[{"regularization": 1.0}]).validate_params()
    with pytest.raises(ConfigError, match="^blend: a blend cannot be a member|members"
                                          r"\[0\]: a blend cannot"):
        create_model("blend", members=[{"type": "blend"}]).validate_params()
    with pytest.raises(ConfigError, match="^blend: weights has 1 value for 2 members;"):
        create_model("blend", members=[EASE, EASE], weights=[1.0]).validate_params()


def test_the_weights_can_maximise_validation_recall():
    """metric="recall": the reported validation score is the chosen weights' recall@2 on
    the given rows (by the evaluator), and the choice follows those rows as with nDCG (at
    2 of 40 items; at 20 both members find most held-out items)."""
    train_part, held_part = _checkerboard_and_popular_holdout()
    members = [{"type": "item_knn", "neighbors": 10}, {"type": "most_popular"}]
    given = create_model("blend", members=members, rounds=2, metric="recall",
                         metric_k=2).fit(
        train_part, validation=held_part)
    assert given.weights_[1] > given.weights_[0]
    fixed = create_model("blend", members=members, weights=given.weights_.tolist())
    expected = Evaluator(metrics=("recall",), ks=(2,)).evaluate(
        fixed.fit(train_part), train_part, held_part)
    assert given.validation_score_ == pytest.approx(expected.means()["recall@2"], abs=1e-6)
    with pytest.raises(ConfigError, match=r"metric must be one of \('ndcg', 'recall'\)"):
        create_model("blend", members=members, metric="map").fit(train_part)
