"""Hundred-fifth bad-input probe: the leads of the last round, each checked and pinned.

- A ranker's or re-ranker's hyperparameters are compared with those of fit in the one
  canonical form the models use: a list set where fit saw a tuple of the same values
  (``step.items = [1, 2]`` after ``items=(1, 2)``) was refused as "changed"; and a list
  changed in place after fit changed the ranker's record of fit too, so it went unnoticed.
- ``Reranker.load_state`` with an array missing raised a bare ``KeyError``.
- ``item_vectors`` given to a re-ranker that does not read them (``mmr`` with
  ``features = "column"``) were ignored without a word: now a warning; ``Reranked`` hands
  them only to the steps that read them, so it stays quiet.
- ``BayesianLogisticRegression`` fitted on a DataFrame and asked about an array (or the
  reverse) reads the columns by position: as scikit-learn does, with a warning.
- An off-policy ``n_bootstrap`` or ``seed`` given with ``interval="normal"`` is unused:
  warned of (numpy numbers are still accepted)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.off_policy import direct_method, estimate_all, ips
from recstack.pipeline.rerank import MMR, BlockList, Reranked
from recstack.pipeline.rerank.base import RerankContext


def _train() -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12, 13],
                          "genres": [["x"], ["x"], ["y"], ["x", "y"]]})
    return Interactions.from_arrays(["a", "a", "b", "c", "c"], [10, 11, 12, 13, 10],
                                    item_table=table)


# --------------------------------------------------------------------------- canonical form
@pytest.mark.parametrize(("at_fit", "now"), [
    ({"items": (10, 11)}, {"items": [10, 11]}),
    ({"items": [10, 11]}, {"items": (10, 11)}),
    ({"items": (np.int64(10),)}, {"items": [10]}),
    ({"per_user": ({"user": "a", "items": (12,)},)},
     {"per_user": [{"user": "a", "items": [12]}]}),
])
def test_the_same_block_list_written_another_way_is_not_a_change(at_fit, now):
    train = _train()
    step = BlockList(**at_fit).fit(train)
    for name, value in now.items():
        setattr(step, name, value)
    items, _ = step.rerank(np.array([0]), np.array([[0, 1, 2, 3]]),
                           np.array([[4.0, 3.0, 2.0, 1.0]]), RerankContext(seen=train.to_csr()))
    assert items.shape == (1, 4)


def test_a_block_list_changed_still_is_a_change():
    train = _train()
    step = BlockList(items=(10, 11)).fit(train)
    step.items = [10, 12]
    with pytest.raises(ConfigError, match=r"items=\(10, 11\) at fit, now \[10, 12\]"):
        step.rerank(np.array([0]), np.array([[0, 1]]), np.array([[2.0, 1.0]]),
                    RerankContext(seen=train.to_csr()))


def _ranker_data():
    from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

    schema = FeatureSchema((Feature("signal", "numeric"),
                            Feature("genre", "categorical", cardinality=3)))
    rng = np.random.default_rng(0)
    n = 60
    signal = rng.random(n)
    groups = np.repeat(np.arange(10), 6)
    frame = FeatureFrame(schema, signal[:, None], rng.integers(0, 3, (n, 1)), groups,
                         np.arange(n), groups)
    return frame, (signal > 0.5).astype(np.float64)


def test_a_ranker_list_changed_in_place_after_fit_is_refused(tmp_path):
    pytest.importorskip("torch")
    from recstack.pipeline.rankers import create_ranker

    frame, labels = _ranker_data()
    ranker = create_ranker("wide_deep", epochs=1, hidden=[4], device="cpu").fit(frame, labels)
    ranker.hidden.append(8)  # the record of fit was this very list: it changed with it
    with pytest.raises(RecstackError, match=r"hidden=\[4\] at fit, now \(4, 8\)"):
        ranker.score(frame)
    ranker.hidden = (4,)  # the value of fit as a tuple
    assert len(ranker.score(frame)) == len(frame)


# --------------------------------------------------------------------------- load_state
def test_load_state_without_an_array_names_it():
    with pytest.raises(RecstackError, match="mmr.load_state: the arrays lack 'vectors'"):
        MMR().load_state({}, 4)
    with pytest.raises(RecstackError, match="block_list.load_state: the arrays lack "
                                            "'per_user_data', 'per_user_indices'"):
        BlockList().load_state({"blocked": np.zeros(4, bool)}, 4)
    with pytest.raises(RecstackError, match="must be a dict of arrays"):
        MMR().load_state([np.zeros((4, 2), np.float32)], 4)


def test_load_state_with_its_arrays_restores():
    restored = MMR()
    restored.load_state({"vectors": np.eye(4, dtype=np.float32)}, 4)
    assert restored.is_fitted


# --------------------------------------------------------------------------- item vectors
def test_item_vectors_mmr_does_not_read_are_warned_of():
    train = _train()
    with pytest.warns(UserWarning, match="mmr: item_vectors given to fit\\(\\) are unused: "
                                         "features = 'column' reads the item-table column "
                                         "'genres'"):
        step = MMR(features="column").fit(train, item_vectors=np.eye(4))
    # the genres, not the vectors: 10 and 11 share "x" (cosine 1)
    assert float(step.vectors_[0] @ step.vectors_[1]) == pytest.approx(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MMR(features="model").fit(train, item_vectors=np.eye(4))
        MMR(features="column").fit(train)


def test_item_vectors_given_to_a_filter_are_warned_of():
    with pytest.warns(UserWarning, match="block_list: item_vectors given to fit\\(\\) are "
                                         "unused: block_list does not read item vectors"):
        BlockList(items=[10]).fit(_train(), item_vectors=np.eye(4))


def test_a_reranked_model_hands_vectors_only_to_the_steps_that_read_them():
    rng = np.random.default_rng(3)
    users = rng.integers(0, 30, 400)
    items = rng.integers(0, 40, 400)
    table = pd.DataFrame({"item_id": np.arange(40),
                          "genres": [["x"] if i % 2 else ["y", "z"] for i in range(40)]})
    data = Interactions.from_arrays(users, items, item_table=table, duplicates="first")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Reranked(model={"type": "als", "factors": 4, "iterations": 2},
                 chain=[{"type": "mmr", "features": "column"}, {"type": "seen"}],
                 n_candidates=10).fit(data)


# --------------------------------------------------------------------------- bayesian names
def _xy():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    return X, (X["a"] > 0).astype(int).to_numpy()


def test_an_array_after_a_fit_on_a_frame_is_warned_of():
    X, y = _xy()
    model = BayesianLogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="X for predicting has no column names, but fit was "
                                         "given a DataFrame with columns 'a', 'b'"):
        by_position = model.predict_proba(X.to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        by_name = model.predict_proba(X[["b", "a"]])  # read by name: quiet
    np.testing.assert_allclose(by_position, by_name)
    with pytest.warns(UserWarning, match="X for partial_fit has no column names"):
        model.partial_fit(X.to_numpy(), y)


def test_a_frame_after_a_fit_on_an_array_is_warned_of():
    X, y = _xy()
    model = BayesianLogisticRegression().fit(X.to_numpy(), y)
    with pytest.warns(UserWarning, match=r"X for predicting has column names \('b', 'a'\), "
                                         "but fit was given an array without names"):
        model.predict_proba(X[["b", "a"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict_proba(X.to_numpy())


# --------------------------------------------------------------------------- off-policy
def _log():
    rng = np.random.default_rng(0)
    actions = rng.integers(0, 3, 50)
    target = np.full((50, 3), 1 / 3)
    return rng.random(50), actions, np.full(50, 1 / 3), target


@pytest.mark.parametrize(("options", "said"), [
    ({"n_bootstrap": 500}, "ips: n_bootstrap=500 is unused"),
    ({"seed": 7}, "ips: seed=7 is unused"),
    ({"n_bootstrap": np.int64(40), "seed": np.int64(1)}, "n_bootstrap=.*40.* and seed=.*1.* "
                                                         "are unused"),
])
def test_bootstrap_options_with_the_normal_interval_are_warned_of(options, said):
    with pytest.warns(UserWarning, match=said + ".*interval='bootstrap'"):
        estimate = ips(*_log(), **options)
    assert estimate.interval == "normal"


def test_bootstrap_options_are_quiet_where_they_are_read_or_left_out():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ips(*_log())
        ips(*_log(), interval="bootstrap", n_bootstrap=np.int64(100), seed=np.int64(3))
        direct_method(_log()[3], np.zeros((50, 3)), n_bootstrap=2000, seed=0)
    with pytest.warns(UserWarning, match="seed=5 is unused") as caught:
        estimate_all(*_log(), seed=5)
    assert {str(w.message).split(":")[0] for w in caught} == {"ips", "snips"}
