"""Ninety-fourth bad-input probe, a saved model's model.json edited by hand (checksums
recomputed). A blend given fixed weights saves them twice, as the hyperparameter
``params.weights`` and normalised in the ``weights`` array: an edit of model.json's
weights loaded a blend ranking by the array while model.json said otherwise. A
disagreement is refused naming both; a model name in another case or with a typo is
refused with the registered name to write."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import edit_meta

MEMBERS = [{"type": "most_popular"}, {"type": "item_knn"}]


@pytest.fixture(scope="module")
def train() -> Interactions:
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile(np.arange(2), 6)) % 6
    return Interactions.from_arrays(users, items)


def test_fixed_weights_edited_in_model_json_are_refused(train, tmp_path):
    folder = create_model("blend", members=MEMBERS, weights=[1.0, 3.0]).fit(train).save(
        tmp_path / "model")
    edit_meta(folder, lambda meta: meta["params"].__setitem__("weights", [3.0, 1.0]))
    # 1 and 3 normalised are 0.25 and 0.75; 3 and 1 are 0.75 and 0.25
    with pytest.raises(RecstackError, match=r"the saved weights \[0\.25, 0\.75\] disagree "
                                            r"with model\.json's params\.weights \[3\.0, 1\.0\] "
                                            r"\(normalised: \[0\.75, 0\.25\]\)"):
        load_model(folder)


def test_weights_added_to_a_learned_blend_are_refused(train, tmp_path):
    model = create_model("blend", members=MEMBERS, rounds=1).fit(train)
    folder = model.save(tmp_path / "model")
    # weights that do not match the learned ones (those are [w, 1 - w] with a grid ratio)
    wanted = [1.0, 1.0] if not np.allclose(model.weights_, 0.5) else [1.0, 3.0]
    edit_meta(folder, lambda meta: meta["params"].__setitem__("weights", wanted))
    with pytest.raises(RecstackError, match=r"disagree with model\.json's params\.weights"):
        load_model(folder)


def test_weights_written_out_alike_load(train, tmp_path):
    folder = create_model("blend", members=MEMBERS, weights=[1.0, 3.0]).fit(train).save(
        tmp_path / "model")
    # the same ratio, scaled: normalised, the same weights
    edit_meta(folder, lambda meta: meta["params"].__setitem__("weights", [2.0, 6.0]))
    np.testing.assert_allclose(load_model(folder).weights_, [0.25, 0.75])


@pytest.mark.parametrize(("written", "meant"), [("EASE", "ease"), ("item-knn", "item_knn"),
                                                ("eas", "ease")])
def test_a_misspelt_model_name_says_the_registered_one(train, tmp_path, written, meant):
    folder = create_model(meant).fit(train).save(tmp_path / "model")
    edit_meta(folder, lambda meta: meta.__setitem__("model", written))
    with pytest.raises(RecstackError, match=rf"model\.json: unknown model '{written}' "
                                            rf"\(did you mean '{meant}'\?\)"):
        load_model(folder)


@pytest.mark.parametrize("name", ["item_knn", "user_knn", "rp3beta"])
def test_fewer_neighbours_in_model_json_than_the_arrays_hold_are_refused(train, tmp_path,
                                                                          name):
    model = create_model(name, neighbors=2).fit(train)
    folder = model.save(tmp_path / "model")
    # user u has items u and u+1 (mod 6): item i co-occurs with i-1 and i+1, user u shares
    # an item with u-1 and u+1, so each row keeps 2 similarities
    held = int(np.diff(model.similarity_.indptr).max())
    assert held == 2
    edit_meta(folder, lambda meta: meta["params"].__setitem__("neighbors", 1))
    with pytest.raises(RecstackError, match=rf"array 'similarity' of model '{name}' holds "
                                            rf"{held} values in row \d+, but the "
                                            r"hyperparameters in model\.json keep at most "
                                            r"neighbors = 1 a row"):
        load_model(folder)


def test_more_neighbours_in_model_json_load(train, tmp_path):
    # a bound, not a count: rows may hold fewer (an item with few co-occurring items)
    folder = create_model("item_knn", neighbors=2).fit(train).save(tmp_path / "model")
    edit_meta(folder, lambda meta: meta["params"].__setitem__("neighbors", 3))
    assert load_model(folder).neighbors == 3


def test_a_blend_members_neighbours_are_checked_too(train, tmp_path):
    folder = create_model("blend", members=[{"type": "most_popular"},
                                            {"type": "item_knn", "neighbors": 2}],
                          weights=[1.0, 1.0]).fit(train).save(tmp_path / "model")
    edit_meta(folder, lambda meta: meta["params"]["members"][1].__setitem__("neighbors", 1))
    with pytest.raises(RecstackError, match=r"array 'similarity' of members\[1\] \(item_knn\) "
                                            r"of model 'blend' .* keep at most 1 a row"):
        load_model(folder)
