"""ALS: agreement with the implicit library, exact fold-in, similar items, bad input."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model
from recstack.models.als import ALS
from recstack.models.base import PopularityFallbackWarning

implicit_als = pytest.importorskip("implicit.cpu.als")


def checkerboard(n_users: int = 60, n_items: int = 40, per_user: int = 10, *,
                 seed: int = 0, graded: bool = False) -> Interactions:
    """Even users pick even items and odd users odd items (ratings 1-5 when ``graded``)."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    for user in range(n_users):
        chosen = rng.choice(np.arange(user % 2, n_items, 2), size=per_user, replace=False)
        users += [user] * per_user
        items += chosen.tolist()
    values = rng.integers(1, 6, len(users)).astype(float) if graded else None
    return Interactions.from_arrays(np.array(users), np.array(items), values)


@pytest.fixture(scope="module")
def binary() -> Interactions:
    return checkerboard()


@pytest.fixture(scope="module")
def graded() -> Interactions:
    return checkerboard(seed=1, graded=True)


def dense_fold_in(item_factors, regularization, alpha, history_row):
    """The ALS user step straight from Hu, Koren & Volinsky (2008), eq. 4, with dense
    n_items x n_items matrices: x = (Y^T C Y + lambda I)^-1 Y^T C p."""
    y = item_factors.astype(np.float64)
    recorded = np.zeros(len(y), bool)
    values = np.zeros(len(y))
    recorded[history_row.indices] = True
    values[history_row.indices] = history_row.data
    confidence = np.diag(np.where(recorded, 1.0 + alpha * values, 1.0))
    preference = recorded.astype(np.float64)
    lhs = y.T @ confidence @ y + regularization * np.eye(y.shape[1])
    return np.linalg.solve(lhs, y.T @ confidence @ preference)


def test_factors_equal_implicit_with_alpha_shifted_by_one(binary):
    # on binary data our confidence 1 + alpha * 1 is implicit's alpha' * 1 with alpha' = 1 + alpha
    ours = ALS(factors=8, regularization=0.1, alpha=3.0, iterations=10, seed=3,
               num_threads=1).fit(binary)
    reference = implicit_als.AlternatingLeastSquares(
        factors=8, regularization=0.1, alpha=4.0, iterations=10, random_state=3, num_threads=1,
        use_cg=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # implicit's BLAS advice
        reference.fit(binary.to_csr(), show_progress=False)
    np.testing.assert_allclose(ours.user_factors_, reference.user_factors, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours.item_factors_, reference.item_factors, rtol=1e-4, atol=1e-6)
    users = np.arange(binary.n_users)
    np.testing.assert_allclose(ours.score_users(users),
                               reference.user_factors @ reference.item_factors.T,
                               rtol=1e-4, atol=1e-5)


def test_same_seed_same_factors_other_seed_other_factors(graded):
    first = ALS(factors=8, iterations=5, seed=1, num_threads=1).fit(graded)
    again = ALS(factors=8, iterations=5, seed=1, num_threads=1).fit(graded)
    other = ALS(factors=8, iterations=5, seed=2, num_threads=1).fit(graded)
    np.testing.assert_array_equal(first.item_factors_, again.item_factors_)
    assert not np.allclose(first.item_factors_, other.item_factors_)
    assert first.user_factors_.dtype == first.item_factors_.dtype == np.float32


def test_fold_in_equals_a_dense_solve_of_the_normal_equations(graded):
    model = ALS(factors=6, regularization=0.5, alpha=2.0, iterations=5, num_threads=1).fit(graded)
    rng = np.random.default_rng(0)
    histories = sp.random(7, graded.n_items, density=0.2, random_state=1, format="csr",
                          data_rvs=lambda n: rng.integers(1, 6, n).astype(float))
    histories = sp.vstack([histories, sp.csr_matrix((1, graded.n_items))]).tocsr()  # + empty
    folded = model.fold_in(histories)
    expected = np.array([dense_fold_in(model.item_factors_, 0.5, 2.0, histories[r])
                         for r in range(histories.shape[0])])
    assert folded.shape == (8, 6) and folded.dtype == np.float32
    np.testing.assert_allclose(folded, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(folded[-1], 0.0)  # no history: no evidence, zero factors
    # the empty row's scores are item popularity (its zero factors score every item 0)
    with pytest.warns(PopularityFallbackWarning, match="1 of 8 histories are empty"):
        scores = model.score_histories(histories)
    np.testing.assert_allclose(scores[:-1], folded[:-1] @ model.item_factors_.T, rtol=1e-6)
    np.testing.assert_array_equal(scores[-1], (graded.to_csr() != 0).sum(axis=0).A1)


def test_fold_in_agrees_with_implicit_recalculate_user(graded):
    model = ALS(factors=8, regularization=0.2, alpha=1.5, iterations=5, num_threads=1).fit(graded)
    rows = graded.to_csr()[:12]
    reference = implicit_als.AlternatingLeastSquares(factors=8, regularization=0.2, alpha=1.0)
    reference.item_factors = model.item_factors_.copy()
    confidence = rows.copy()
    confidence.data = (1.0 + 1.5 * confidence.data).astype(np.float32)
    expected = reference.recalculate_user(np.arange(12), confidence)
    np.testing.assert_allclose(model.fold_in(rows), expected, rtol=1e-3, atol=1e-4)


def test_fold_in_of_a_training_user_is_close_to_the_converged_factors(graded):
    # training solves users by a few warm-started CG steps; at convergence these agree
    model = ALS(factors=4, regularization=1.0, alpha=1.0, iterations=60, num_threads=1).fit(graded)
    folded = model.fold_in(graded.to_csr())
    trained = model.user_factors_
    relative = np.linalg.norm(folded - trained, axis=1) / np.linalg.norm(trained, axis=1)
    assert np.median(relative) < 1e-3 and relative.max() < 2e-2


def test_new_users_are_refused_by_recommend_and_served_by_fold_in():
    data = checkerboard(n_users=120, seed=2)
    split = user_split(data, 0.25, fold_in_fraction=0.6, seed=0)
    model = ALS(factors=8, regularization=0.1, iterations=10, num_threads=1).fit(split.train)
    with pytest.raises(RecstackError, match="not seen in training"):
        model.recommend(["no-such-user"], k=3)
    evaluator = Evaluator(metrics=("ndcg",), ks=(5,))
    folded = evaluator.evaluate_fold_in(model, split.train, split.fold_in, split.test).means()
    popular = evaluator.evaluate_fold_in(create_model("most_popular").fit(split.train),
                                         split.train, split.fold_in, split.test).means()
    assert folded["ndcg@5"] > popular["ndcg@5"] + 0.05


def test_checkerboard_recommendations_keep_to_the_users_parity(binary):
    model = ALS(factors=2, regularization=0.1, alpha=5.0, iterations=15, num_threads=1).fit(binary)
    items, _ = model.recommend(binary.users.external_ids, k=5)
    parity = binary.users.external_ids[:, None] % 2
    assert np.mean(items % 2 == parity) > 0.98


def test_similar_items_is_the_cosine_of_item_factors_without_the_item_itself(binary):
    # weakly regularised: on 600 rows the default lambda shrinks all items to nearly one
    # direction, where float32 cosines cannot order them
    model = ALS(factors=8, iterations=5, regularization=0.01, num_threads=1).fit(binary)
    query = binary.items.external_ids[[0, 3, 7]]
    items, similarity = model.similar_items(query, k=4)
    factors = model.item_factors_.astype(np.float64)
    unit = factors / np.linalg.norm(factors, axis=1, keepdims=True)
    for row, item in enumerate(query):
        index = binary.items.to_index([item])[0]
        cosine = unit @ unit[index]
        cosine[index] = -np.inf
        expected = np.argsort(-cosine, kind="stable")[:4]
        assert items[row].tolist() == binary.items.to_external(expected).tolist()
        np.testing.assert_allclose(similarity[row], cosine[expected], rtol=1e-5)
    # asking for more neighbours than there are other items pads with -inf / -1
    items, similarity = model.similar_items(query[:1], k=binary.n_items + 2)
    assert items.shape == (1, binary.n_items + 2)
    assert np.isneginf(similarity[0, -3:]).all() and (items[0, -3:] == -1).all()
    assert query[0] not in items[0]
    with pytest.raises(RecstackError, match=r"^als: items: 1 id\(s\) the model was not "
                                            r"trained on, e.g. \['no-such-item'\]"):
        model.similar_items(["no-such-item"])


@pytest.mark.parametrize(("param", "value"), [
    ("factors", 0), ("regularization", -0.1), ("regularization", float("nan")),
    ("alpha", -1.0), ("iterations", 0), ("num_threads", -1), ("factors", 2.5),
])
def test_out_of_range_hyperparameters_are_refused_naming_them(binary, param, value):
    with pytest.raises(ConfigError, match=param):
        ALS(**{param: value}).fit(binary)


def test_negative_values_are_refused(binary):
    negative = binary.with_values(-np.ones(len(binary)))
    with pytest.raises(RecstackError, match="must be >= 0"):
        ALS(iterations=1, num_threads=1).fit(negative)


def test_histories_of_the_wrong_width_are_refused_and_dense_ones_accepted(binary):
    model = ALS(factors=4, iterations=2, num_threads=1).fit(binary)
    with pytest.raises(RecstackError, match="columns"):
        model.fold_in(sp.csr_matrix((1, binary.n_items + 1)))
    history = sp.random(3, binary.n_items, density=0.3, format="csr", random_state=0)
    np.testing.assert_array_equal(model.fold_in(history.toarray()), model.fold_in(history))


def test_histories_with_nan_are_refused_not_folded_into_nan_factors(binary):
    model = ALS(factors=4, iterations=2, num_threads=1).fit(binary)
    history = sp.csr_matrix(([np.nan], ([0], [1])), shape=(1, binary.n_items))
    with pytest.raises(RecstackError, match=r"als: histories hold 1 value\(s\) .*NaN.*\(0, 1\)"):
        model.fold_in(history)


def test_blas_is_single_threaded_while_fitting_and_nobody_warns(binary, monkeypatch):
    import implicit.utils
    import threadpoolctl

    monkeypatch.setattr(implicit.utils, "_checked_blas_config", False)  # let it check again
    blas_threads, advances = [], []

    class Recorder:
        def task(self, description, total=None):
            from contextlib import nullcontext

            class Task:
                def advance(self, n=1):
                    advances.append(n)
                    blas_threads.extend(api["num_threads"] for api in
                                        threadpoolctl.threadpool_info()
                                        if api["user_api"] == "blas")

                def report(self, **values):
                    pass

            return nullcontext(Task())

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ALS(factors=4, iterations=3, num_threads=1).fit(binary, progress=Recorder())
    assert [str(w.message) for w in caught] == []
    assert len(advances) == 3 and set(blas_threads) == {1}


def test_missing_implicit_names_the_install_command(binary, monkeypatch):
    monkeypatch.setitem(sys.modules, "implicit.cpu.als", None)
    with pytest.raises(RecstackError, match=r'pip install "recstack\[als\]"'):
        ALS(iterations=1, num_threads=1).fit(binary)


@pytest.mark.realdata
def test_the_defaults_beat_implicits_defaults_on_movielens_100k():
    """The accuracy benchmark's protocol (80/20 per-user random holdout, every rating a
    positive, full catalog): the defaults reach nDCG@10 0.453, where implicit's defaults
    (regularization 0.01, alpha 1) reach 0.358 and ALS tuned with 10 trials 0.454."""
    import os
    from pathlib import Path

    from recstack.data.movielens import load_movielens
    from recstack.data.splits import random_split

    root = os.environ.get("RECSTACK_DATASETS")
    if not root or not (Path(root) / "ml-100k").is_dir():
        pytest.skip("RECSTACK_DATASETS does not name a folder holding ml-100k/")
    data = load_movielens(Path(root) / "ml-100k").implicit().compact()
    split = random_split(data, 0.2, seed=0)
    evaluator = Evaluator(metrics=("ndcg",), ks=(10,))

    def ndcg(**params):
        model = ALS(num_threads=1, **params).fit(split.train)
        return evaluator.evaluate(model, split.train, split.test).means()["ndcg@10"]

    new, old = ndcg(), ndcg(regularization=0.01, alpha=1.0)
    assert new > 0.44 and old < 0.37, (new, old)


def test_a_warm_start_continues_the_fit_it_starts_from():
    """Three sweeps, then three more from those factors, is six sweeps: the solver's state
    is its factors, so a warm start on the same data continues the same fit."""
    from recstack.data.synthetic import generate

    data = generate(n_users=150, n_items=120, n_interactions=3000, seed=4)
    params = {"factors": 8, "regularization": 0.1, "alpha": 2.0, "seed": 1, "num_threads": 1}
    straight = ALS(iterations=6, **params).fit(data)
    first = ALS(iterations=3, **params).fit(data)
    warm = ALS(iterations=3, **params).fit_from(first, data)
    np.testing.assert_allclose(warm.user_factors_, straight.user_factors_, rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(warm.item_factors_, straight.item_factors_, rtol=1e-4,
                               atol=1e-6)
    # and it is not what three sweeps from scratch give
    assert not np.allclose(ALS(iterations=3, **params).fit(data).user_factors_,
                           warm.user_factors_, atol=1e-3)


def test_a_warm_start_matches_users_and_items_by_id():
    """On new data, known users and items start from their previous factors (by external
    id, whatever their new index), new ones from a fresh start; factors must agree."""
    old = Interactions.from_frame(pd.DataFrame({"user": ["a", "b", "c"],
                                                "item": ["x", "y", "x"]}),
                                  user_col="user", item_col="item")
    new = Interactions.from_frame(pd.DataFrame({"user": ["d", "c", "a"],
                                                "item": ["z", "x", "y"]}),
                                  user_col="user", item_col="item")
    previous = ALS(factors=4, iterations=2, seed=0).fit(old)
    model = ALS(factors=4, iterations=1, seed=0)
    model._warm_start_from = previous
    model._prepare_warm_start(new)
    users, items = model._warm_start
    for user in ("a", "c"):
        row = new.users.to_index([user])[0]
        np.testing.assert_array_equal(users[row],
                                      previous.user_factors_[previous.users_.to_index([user])[0]])
    assert np.all((users[new.users.to_index(["d"])[0]] >= 0)
                  & (users[new.users.to_index(["d"])[0]] < 0.01))
    np.testing.assert_array_equal(items[new.items.to_index(["x"])[0]],
                                  previous.item_factors_[previous.items_.to_index(["x"])[0]])
    with pytest.raises(ConfigError, match="same factors"):
        ALS(factors=8, iterations=1).fit_from(previous, new)
