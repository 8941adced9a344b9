"""Nearline fold-in: the item step against hand-written least squares, a folded model
that knows and scores the new users and items, and the pipeline's fold_in_between."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.ops.fold_in import fold_in_items, fold_in_model, use_fold_in

ALS = {"factors": 6, "regularization": 2.0, "alpha": 3.0, "iterations": 4,
       "num_threads": 1, "seed": 0}


@pytest.fixture(scope="module")
def windows():
    from recstack.data.synthetic import generate

    data = generate(n_users=90, n_items=70, n_interactions=2500, seed=5).implicit()
    user = data.users.to_external(data.user_index)
    item = data.items.to_external(data.item_index)
    old = data.select(np.flatnonzero((user < 70) & (item < 55))).compact()
    new = data.select(np.flatnonzero(user >= 5)).compact()
    return old, new


def test_item_fold_in_is_the_least_squares_item_step():
    r"""(X^T C_i X + lambda I) y_i = X^T C_i p_i, C_i = 1 + alpha r on the item's events,
    solved here with numpy one item at a time."""
    rng = np.random.default_rng(0)
    model = create_model("als", **ALS)
    users = rng.normal(size=(12, 6)).astype(np.float32)
    columns = sp.random(4, 12, density=0.4, random_state=1, format="csr",
                        data_rvs=lambda n: rng.integers(1, 4, n).astype(float))
    columns = columns.astype(np.float32)
    got = fold_in_items(model, columns, users)
    x = users.astype(np.float64)
    dense = columns.toarray()
    for i in range(4):
        confidence = 1.0 + ALS["alpha"] * dense[i]  # 1 off the events
        preference = (dense[i] > 0).astype(float)
        lhs = x.T @ (confidence[:, None] * x) + ALS["regularization"] * np.eye(6)
        rhs = x.T @ (confidence * preference)
        np.testing.assert_allclose(got[i], np.linalg.solve(lhs, rhs), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("columns", "users", "says"), [
    (np.ones((2, 12)), np.full((12, 6), np.nan), r"user_factors must be a finite \(n_users, "
                                                 r"6\) matrix .*NaN or infinite"),
    (np.ones((2, 12)), np.ones(12), r"user_factors must be .*got shape \(12,\)"),
    (np.ones((2, 12)), np.ones((12, 5)), r"got shape \(12, 5\)"),
    (np.full((2, 12), np.nan), np.ones((12, 6)), r"als: histories hold 24 value\(s\) .*: "
                                                 r"NaN \(a missing value\) at \(row, "
                                                 r"column\) \(0, 0\)"),
    (np.array([["a"] * 12]), np.ones((12, 6)), r"als: histories must hold numbers"),
    (np.ones((2, 11)), np.ones((12, 6)), r"als: histories have 11 columns"),
])
def test_item_fold_in_refuses_malformed_inputs_by_name(columns, users, says):
    """Before: NaN user factors gave NaN item factors, a 1-D one an IndexError, text a
    scipy ValueError."""
    with pytest.raises(RecstackError, match=says):
        fold_in_items(create_model("als", **ALS), columns, users)


def test_a_folded_model_knows_and_scores_the_new_users_and_items(windows):
    old, new = windows
    previous = create_model("als", **ALS).fit(old)
    folded = fold_in_model(previous, new)
    assert folded.users_ == new.users and folded.items_ == new.items
    assert folded.get_params() == previous.get_params()

    # known ids keep their trained factors
    shared_items = np.intersect1d(new.items.external_ids, old.items.external_ids)
    np.testing.assert_array_equal(
        folded.item_factors_[new.items.to_index(shared_items)],
        previous.item_factors_[old.items.to_index(shared_items)])
    shared_users = np.intersect1d(new.users.external_ids, old.users.external_ids)
    np.testing.assert_array_equal(
        folded.user_factors_[new.users.to_index(shared_users)],
        previous.user_factors_[old.users.to_index(shared_users)])

    new_users = np.setdiff1d(new.users.external_ids, old.users.external_ids)
    new_items = np.setdiff1d(new.items.external_ids, old.items.external_ids)
    assert len(new_users) >= 10 and len(new_items) >= 10
    # the old model refuses them; the folded one recommends to them and scores them
    with pytest.raises(Exception, match="not seen in training"):
        previous.recommend(new_users[:3])
    items, scores = folded.recommend(new_users, k=5)
    assert np.isfinite(scores).all()
    pairs = folded.score(np.repeat(new_users[:3], 3), np.tile(new_items[:3], 3))
    assert np.isfinite(pairs).all() and np.abs(pairs).max() > 0

    # a new user's factors are the exact user step over all their events (the final step)
    expected = previous.__class__(**ALS)
    expected.item_factors_, expected.seen_ = folded.item_factors_, folded.seen_
    expected.items_, expected.users_ = folded.items_, folded.users_
    rows = new.users.to_index(new_users)
    np.testing.assert_allclose(folded.user_factors_[rows],
                               expected.fold_in(folded.seen_[rows]), rtol=1e-5, atol=1e-6)

    # a new item's factors fit its users: its observed users rank it above the average
    item = new.items.to_index(new_items[:1])[0]
    watched = folded.seen_[:, item].nonzero()[0]
    scores = folded.user_factors_ @ folded.item_factors_[item]
    assert scores[watched].mean() > scores.mean()


def test_a_folded_model_saves_and_loads(windows, tmp_path):
    from recstack.models.persistence import load_model

    old, new = windows
    folded = fold_in_model(create_model("als", **ALS).fit(old), new)
    loaded = load_model(folded.save(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.score_users(np.arange(5)),
                                  folded.score_users(np.arange(5)))


def test_fold_in_needs_an_exact_factor_model(windows):
    old, new = windows
    with pytest.raises(ConfigError, match="als, ials"):
        fold_in_model(create_model("bpr", factors=4, epochs=2).fit(old), new)


def test_fold_in_runs_between_retrains():
    als = create_model("als")
    als.seen_ = sp.csr_matrix((1, 1))  # stands for a published model
    assert not use_fold_in(0, [], als)  # off
    assert not use_fold_in(2, [], None)  # nothing published yet
    assert use_fold_in(2, ["retrain"], als)
    assert use_fold_in(2, ["retrain", "fold_in"], als)
    assert not use_fold_in(2, ["retrain", "fold_in", "fold_in"], als)
    assert use_fold_in(2, ["fold_in", "fold_in", "warm_start"], als)
    assert not use_fold_in(2, ["retrain"], create_model("ease"))


def test_a_pipeline_folds_in_between_retrains(tmp_path):
    from recstack.models.persistence import load_model
    from recstack.ops.pipeline import run_pipeline
    from recstack.serving.registry import ModelRegistry

    from .scenario import add_month, make_data, next_month, write_pipeline

    folder = make_data(tmp_path)
    model = 'type = "als"\nfactors = 8\niterations = 6\nregularization = 5.0'
    path = write_pipeline(folder, model=model, training="fold_in_between = 1")
    first = run_pipeline(path)
    assert first.report["train"]["strategy"] == "retrain"
    add_month(folder, "2019-05", next_month(folder))
    second = run_pipeline(path)
    assert second.report["train"]["strategy"] == "fold_in"
    assert "folded in" in (second.folder / "report" / "report.txt").read_text()
    registry = ModelRegistry(folder / "registry")
    published = registry.load("shop", 1).model
    candidate = load_model(second.folder / "train" / "model")
    # the 2019-04 users (evaluated on by the first run, trained on now) are folded in
    newcomers = np.setdiff1d(candidate.users_.external_ids, published.users_.external_ids)
    assert len(newcomers) > 20
    assert np.isfinite(candidate.recommend(newcomers[:5], k=3)[1]).all()
    assert second.published and registry.versions("shop") == [1, 2]
    assert registry.load("shop", 2).model.users_ == candidate.users_


def test_fold_in_between_needs_a_foldable_model():
    from recstack.ops.pipeline_config import parse_pipeline

    raw = {"data": {"partitions": "logs"}, "registry": {"root": "r"},
           "model": {"type": "ease"}, "training": {"fold_in_between": 2}}
    with pytest.raises(ConfigError, match=r'\[training\] fold_in_between = 2: .* not "ease"'):
        parse_pipeline(raw, source="p.toml")
    raw["model"] = {"type": "als"}
    assert parse_pipeline(raw, source="p.toml").training.fold_in_between == 2
