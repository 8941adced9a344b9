"""Warm starts (``fit_from``) of BPR and the torch models: known ids start from the
previous vectors, new ids from a fresh fit's, and a mismatched architecture is refused.

"No training" is obtained by replacing the epoch loop with one that runs no epoch, so the
fitted parameters are exactly the starting ones."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.training import TrainingHistory
from recstack.models.warm_start import copy_known_rows, iteration_param, known_rows

from .quick_params import quick_params


@pytest.fixture(scope="module")
def windows():
    """Two overlapping windows of the synthetic data, each compacted: users 10-59 and
    items 5-44 are in both, at other indices (ids equal indices before compaction)."""
    from recstack.data.synthetic import generate

    data = generate(n_users=80, n_items=60, n_interactions=2400, seed=2)
    user, item = data.users.to_external(data.user_index), data.items.to_external(
        data.item_index)
    old = data.select(np.flatnonzero((user < 60) & (item < 45))).compact()
    new = data.select(np.flatnonzero((user >= 10) & (item >= 5))).compact()
    return old, new


def _no_epochs(monkeypatch):
    """Every training loop returns at once: a fit keeps its starting parameters."""
    from recstack.models import bpr, mf
    from recstack.models.torch_training import TorchTrainer

    def run_epochs(*args, **kwargs):
        return TrainingHistory()

    monkeypatch.setattr(bpr, "run_epochs", run_epochs)
    monkeypatch.setattr(mf, "run_epochs", run_epochs)
    monkeypatch.setattr(TorchTrainer, "fit", lambda self, *a, **k: TrainingHistory())


def _rows(ids, external):
    return ids.to_index(np.asarray(external))


# model -> (extra params, [(attribute, "users" | "items" | None, leading rows to skip)])
CASES = {
    "bpr": ({}, [("user_factors_", "users", 0), ("item_factors_", "items", 0),
                 ("item_bias_", "items", 0)]),
    "mf": ({}, [("user_factors_", "users", 0), ("item_factors_", "items", 0),
                ("user_bias_", "users", 0), ("item_bias_", "items", 0)]),
    "neural_mf": ({}, [("user_embeddings_", "users", 0), ("item_embeddings_", "items", 0),
                       ("output_weight_", None, 0)]),
    "lightgcn": ({}, [("user_ego_", "users", 0), ("item_ego_", "items", 0)]),
    "sasrec": ({}, [("item_embeddings_", "items", 0)]),
    # without id embeddings (never kept, so never carried over) the item vectors are the
    # towers' alone, which the warm start copies
    "two_tower": ({"id_dropout": 1.0}, [("item_embeddings_", "items", 0)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_warm_start_begins_at_the_previous_vectors_and_new_ids_at_fresh_ones(
        name, windows, monkeypatch):
    old, new = windows
    extra, attributes = CASES[name]
    params = quick_params(name) | extra
    previous = create_model(name, **params).fit(old)
    _no_epochs(monkeypatch)
    warm = create_model(name, **params).fit_from(previous, new)
    fresh = create_model(name, **params).fit(new)
    tolerance = 1e-6 if name == "two_tower" else 0.0
    if name == "two_tower":
        for before, after in zip(previous.item_layers_ + previous.user_layers_,
                                 warm.item_layers_ + warm.user_layers_, strict=True):
            np.testing.assert_array_equal(after, before)

    for attribute, kind, _ in attributes:
        before, after, start = (getattr(previous, attribute), getattr(warm, attribute),
                                getattr(fresh, attribute))
        if kind is None:  # weights of no id: copied whole
            np.testing.assert_array_equal(after, before)
            continue
        ids_new = getattr(new, kind)
        ids_old = getattr(old, kind)
        shared = np.intersect1d(ids_new.external_ids, ids_old.external_ids)
        unseen = np.setdiff1d(ids_new.external_ids, ids_old.external_ids)
        assert len(shared) > 20 and len(unseen) > 3
        # known ids: the previous model's rows, wherever they sit now (two_tower's are
        # computed from the copied towers, so equal up to float32 rounding)
        np.testing.assert_allclose(after[_rows(ids_new, shared)],
                                   before[_rows(ids_old, shared)], rtol=0, atol=tolerance,
                                   err_msg=attribute)
        # new ids: what a fresh fit starts from; the two-tower model has no vectors per
        # id, so a new item's vector is the copied towers' reading of its content
        expected = (previous.embed_items(new.item_table.iloc[_rows(ids_new, unseen)])
                    if name == "two_tower" else start[_rows(ids_new, unseen)])
        np.testing.assert_allclose(after[_rows(ids_new, unseen)], expected, rtol=0,
                                   atol=tolerance, err_msg=attribute)
        # and the warm start is not simply the fresh start
        assert not np.allclose(after[_rows(ids_new, shared)],
                               start[_rows(ids_new, shared)], rtol=0, atol=1e-3)


def test_the_networks_other_weights_come_from_the_previous_model(windows, monkeypatch):
    old, new = windows
    params = quick_params("sasrec")
    previous = create_model("sasrec", **params).fit(old)
    _no_epochs(monkeypatch)
    warm = create_model("sasrec", **params).fit_from(previous, new)
    for name, value in previous.network_.items():
        if name != "item_embeddings.weight":
            np.testing.assert_array_equal(warm.network_[name], value, err_msg=name)
    # the padding row too
    np.testing.assert_array_equal(warm.network_["item_embeddings.weight"][0],
                                  previous.network_["item_embeddings.weight"][0])

    params = quick_params("neural_mf")
    previous = create_model("neural_mf", **params).fit(old)
    warm = create_model("neural_mf", **params).fit_from(previous, new)
    for before, after in zip(previous.hidden_weights_, warm.hidden_weights_, strict=True):
        np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize(("name", "change"), [
    ("bpr", {"factors": 6}), ("mf", {"factors": 6}), ("neural_mf", {"layers": (8,)}),
    ("lightgcn", {"dim": 8}), ("sasrec", {"hidden": 8}), ("two_tower", {"dim": 4})])
def test_a_warm_start_from_another_architecture_is_refused(name, change, windows,
                                                           monkeypatch):
    old, new = windows
    _no_epochs(monkeypatch)
    previous = create_model(name, **quick_params(name)).fit(old)
    parameter = next(iter(change))
    with pytest.raises(ConfigError, match=f"same {parameter}"):
        create_model(name, **(quick_params(name) | change)).fit_from(previous, new)


def test_a_warm_start_from_another_kind_of_model_is_refused(windows, monkeypatch):
    old, new = windows
    _no_epochs(monkeypatch)
    previous = create_model("mf", **quick_params("mf")).fit(old)
    with pytest.raises(ConfigError, match="previous bpr model"):
        create_model("bpr", **quick_params("bpr")).fit_from(previous, new)
    with pytest.raises(ConfigError, match="the previous model to warm-start from is not "
                                          "fitted"):
        create_model("bpr", **quick_params("bpr")).fit_from(create_model("bpr"), new)


def test_bpr_warm_started_for_a_few_epochs_beats_as_many_epochs_from_scratch(windows):
    """The point of a warm start: on the next window, 3 epochs from the previous factors
    rank the training pairs better (sampled AUC) than 3 epochs from random ones."""
    old, new = windows
    params = {"factors": 8, "learning_rate": 0.05, "seed": 0}
    previous = create_model("bpr", epochs=60, **params).fit(old)
    warm = create_model("bpr", epochs=3, **params).fit_from(previous, new)
    fresh = create_model("bpr", epochs=3, **params).fit(new)
    assert warm.history_.epochs[-1]["auc"] > fresh.history_.epochs[-1]["auc"] + 0.05


def test_known_rows_match_by_external_id():
    from recstack.data.idmap import IdMap

    new, old = IdMap(["c", "a", "z", "b"]), IdMap(["a", "b", "c", "d"])
    new_index, old_index = known_rows(new, old)
    assert new_index.tolist() == [0, 1, 3] and old_index.tolist() == [2, 0, 1]
    fresh = np.full((4, 2), -1.0)
    old_values = np.arange(8.0).reshape(4, 2)
    copy_known_rows(fresh, new, old, old_values)
    assert fresh.tolist() == [[4, 5], [0, 1], [-1, -1], [2, 3]]


def test_the_iteration_parameter_is_read_from_the_declarations():
    from recstack.models.registry import model_class

    assert iteration_param(model_class("als")) == "iterations"
    for name in ("bpr", "mf", "neural_mf", "lightgcn", "sasrec", "two_tower"):
        assert iteration_param(model_class(name)) == "epochs"
    assert iteration_param(model_class("ease")) is None


def test_fit_candidate_gives_a_warm_bpr_the_warm_epochs(windows):
    from recstack.ops.retraining import fit_candidate

    old, new = windows
    params = {"factors": 8, "epochs": 30}
    previous = create_model("bpr", **params).fit(old)
    model, warm = fit_candidate("bpr", params, new, previous=previous, warm_iterations=2)
    assert warm and model.epochs == 2 and len(model.history_.epochs) <= 2
    _, warm = fit_candidate("bpr", {"factors": 4, "epochs": 2}, new, previous=previous)
    assert not warm  # another architecture: trained from scratch


def test_ids_of_another_type_than_the_previous_models_are_refused():
    """A model trained on text ids ("5") warm-started on integer ids (5) matched nothing
    and silently started from scratch."""
    from recstack.data.idmap import IdMap

    previous, new = IdMap(np.array(["a5", "a7"])), IdMap(np.array([5, 7, 9]))
    with pytest.raises(ConfigError, match=r"^warm start: the previous model's ids are text "
                                          r"\(e.g. \['a5', 'a7'\]\) and these are numbers"):
        known_rows(new, previous)
    # "5" and 5 are one id under the loaders' id rule (a CSV file reads "5" as 5), so a
    # model trained on text ids that spell integers carries over to integer ids and back
    for old, fresh in ((IdMap(np.array(["5", "7"])), IdMap(np.array([5, 7, 9]))),
                       (IdMap(np.array([5, 7])), IdMap(np.array(["5", "7", "9"])))):
        assert [rows.tolist() for rows in known_rows(fresh, old)] == [[0, 1], [0, 1]]
    # ids of one type that merely share nothing are new data, not a mistake
    assert known_rows(IdMap(np.array([8, 9])), IdMap(np.array([5, 7])))[0].tolist() == []
