"""The refusal of negative history values says how to keep only the interactions in the
terms of the input given, and that remedy, applied, gives the lists meant. It said "set
the others to 0" for every input: for a sparse matrix given to a model that counts a
stored 0 as an interaction (ALS, confidence 1; the models with ``binary=True`` that count
every recorded pair) the 0 written in place of -1 still counted, so the remedy changed the
lists it was meant to fix."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

#: models (with these settings) that count a 0 stored in a sparse history as an interaction
COUNT_STORED_ZEROS = [("als", {}), ("item_knn", {"binary": True}),
                      ("rp3beta", {"binary": True}), ("ease", {"binary": True})]
#: models that refuse negative history values and read a stored 0 as no interaction
IGNORE_STORED_ZEROS = [("ials", {}), ("user_knn", {"binary": True}),
                       ("content", {"binary": False})]


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(11)
    users = np.repeat(np.arange(30), 6)
    items = rng.integers(0, 15, len(users))
    return Interactions.from_arrays(users, items, np.ones(len(users)), np.arange(len(users)),
                                    duplicates="last")


def _fit(name, extra, train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model(name, **{**quick_params(name), **extra}).fit(train)


def _negative_history(n_items):
    """One user who liked items 1 and 2 and disliked item 4 (-1)."""
    return sp.csr_matrix((np.array([1.0, 1.0, -1.0]), np.array([1, 2, 4]),
                          np.array([0, 3])), shape=(1, n_items))


def _liked(n_items):
    """What the user meant as interactions: items 1 and 2 only (by definition)."""
    row = np.zeros((1, n_items))
    row[0, [1, 2]] = 1.0
    return row


@pytest.mark.parametrize(("name", "extra"), COUNT_STORED_ZEROS)
def test_sparse_remedy_for_models_counting_stored_zeros_drops_the_entries(train, name, extra):
    model = _fit(name, extra, train)
    n_items = len(model.items_)
    histories = _negative_history(n_items)
    with pytest.raises(RecstackError) as refused:
        model.score_histories(histories)
    message = str(refused.value)
    assert "set the others to 0" not in message
    assert "setting them to 0 is not enough, since this model counts a stored 0 as an " \
           "interaction" in message
    # the remedy as the message writes it
    assert "histories.data[histories.data < 0] = 0 and then histories.eliminate_zeros()" \
        in message
    histories.data[histories.data < 0] = 0
    only_zeroed = model.score_histories(histories.copy())
    histories.eliminate_zeros()
    expected = model.score_histories(_liked(n_items))
    np.testing.assert_allclose(model.score_histories(histories), expected, rtol=1e-5,
                               atol=1e-6)
    # and why "set them to 0" was wrong here: the stored 0 still counts
    assert not np.allclose(only_zeroed, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "extra"), IGNORE_STORED_ZEROS)
def test_sparse_remedy_for_the_other_models_sets_them_to_0(train, name, extra):
    model = _fit(name, extra, train)
    n_items = len(model.items_)
    histories = _negative_history(n_items)
    with pytest.raises(RecstackError, match=r"set those entries to 0 \(histories\.data\["
                                            r"histories\.data < 0\] = 0; a stored 0 is no "
                                            r"interaction to this model\)"):
        model.score_histories(histories)
    histories.data[histories.data < 0] = 0
    np.testing.assert_allclose(model.score_histories(histories),
                               model.score_histories(_liked(n_items)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "extra"), COUNT_STORED_ZEROS[:1] + IGNORE_STORED_ZEROS[:1])
def test_dense_and_pandas_remedies_are_written_for_them(train, name, extra):
    model = _fit(name, extra, train)
    n_items = len(model.items_)
    dense = _negative_history(n_items).toarray()
    with pytest.raises(RecstackError, match=r"set those values to 0 \(histories = "
                                            r"np\.clip\(histories, 0, None\)\)$"):
        model.score_histories(dense)
    expected = model.score_histories(_liked(n_items))
    np.testing.assert_allclose(model.score_histories(np.clip(dense, 0, None)), expected,
                               rtol=1e-5, atol=1e-6)
    frame = pd.DataFrame(dense)
    with pytest.raises(RecstackError, match=r"set those values to 0 \(histories\.clip\("
                                            r"lower=0\)\)$"):
        model.score_histories(frame)
    np.testing.assert_allclose(model.score_histories(frame.clip(lower=0)), expected,
                               rtol=1e-5, atol=1e-6)
    # a list of rows takes the array remedy
    with pytest.raises(RecstackError, match=r"np\.clip\(histories, 0, None\)"):
        model.score_histories(dense.tolist())


def test_als_fold_in_gives_the_same_remedy(train):
    model = _fit("als", {}, train)
    with pytest.raises(RecstackError, match=r"this model counts a stored 0 as an interaction"):
        model.fold_in(_negative_history(len(model.items_)))


def test_the_row_built_from_a_set_of_ids_uses_the_callers_name(train):
    # the hint wrote list(items), a name the caller never had; the rest of the message
    # calls the argument histories
    model = _fit("item_knn", {}, train)
    histories = {model.items_.external_ids[1], model.items_.external_ids[2]}
    with pytest.raises(RecstackError) as refused:
        model.score_histories(histories)
    message = str(refused.value)
    code = message[message.index("row = np.zeros"):]
    assert code == ("row = np.zeros(len(model.items_)); "
                    "row[model.items_.to_index(list(histories))] = 1")
    namespace = {"np": np, "model": model, "histories": histories}
    exec(code.replace("; ", "\n"), namespace)  # the remedy as written runs
    np.testing.assert_allclose(model.score_histories(namespace["row"]),
                               model.score_histories(_liked(len(model.items_))), rtol=1e-6)


@pytest.mark.parametrize("kind", ["dense", "frame", "sparse"])
def test_a_blend_gives_the_remedy_for_the_input_given_and_all_its_members(train, kind):
    # the blend handed its members a sparse copy: a dense row was told to edit a sparse
    # matrix; and ials (which ignores a stored 0) said "set them to 0" where the ALS member
    # then counted that 0 as an interaction
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blend = create_model("blend", members=({"type": "ials", "factors": 4},
                                               {"type": "als", "factors": 4,
                                                "iterations": 2}),
                             rounds=1).fit(train)
    histories = _negative_history(len(blend.items_))
    given = {"dense": histories.toarray(), "frame": pd.DataFrame(histories.toarray()),
             "sparse": histories}[kind]
    with pytest.raises(RecstackError) as refused:
        blend.score_histories(given)
    message = str(refused.value)
    assert message.startswith("blend: members[0] (ials): ials: histories hold 1 negative")
    expected = {"dense": "set those values to 0 (histories = np.clip(histories, 0, None))",
                "frame": "set those values to 0 (histories.clip(lower=0))",
                "sparse": "drop those entries from the sparse matrix"}[kind]
    assert expected in message


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_a_two_stage_model_refuses_negative_values_as_values(train, kind):
    # the generators saw the model's sparse copy, and their refusal was said as "cannot
    # score the histories ... declare it without als", where the values were the matter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_stage", generators=(
            {"type": "als", "factors": 4, "iterations": 2}, {"type": "ials", "factors": 4}),
            ranker={"type": "logistic"}, n_candidates=10).fit(train)
    histories = _negative_history(len(model.items_))
    given = histories.toarray() if kind == "dense" else histories
    with pytest.raises(RecstackError) as refused:
        model.score_histories(given)
    message = str(refused.value)
    assert message.startswith("two_stage: score_histories: generators[0] (als): als: "
                              "histories hold 1 negative value(s)")
    assert "declare it without" not in message
    assert ("histories = np.clip(histories, 0, None)" if kind == "dense"
            else "drop those entries from the sparse matrix") in message
