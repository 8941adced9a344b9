"""Hundred-eighty-third probe, what ``load_model`` says of a ``model.json`` of another
format version, and the save-time refusal of text ids ending with NUL.

A version above the current one named the versions as "reads versions 2 to 2" and not
which recstack saved the model (what to upgrade to); a version below 1 (no recstack
wrote one: damage, not age) was "no longer read ... fit and save the model again".
The NUL check of ``save_model`` is still reachable: the data layer refuses such ids when
data are built, but ``IdMap.restore`` keeps ids as given, so a model trained on a map set
by hand holds one, and its saved id list would drop the NUL."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack import __version__
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import FORMAT_VERSION
from tests.models.tampering import edit_meta


@pytest.fixture
def saved(tmp_path):
    data = Interactions.from_arrays(["u0", "u0", "u1"], ["i0", "i1", "i1"])
    folder = tmp_path / "model"
    create_model("most_popular").fit(data).save(folder)
    return folder


def _set(field, value):
    def edit(meta):
        meta[field] = value
    return edit


def test_a_newer_version_names_the_recstack_that_saved_it(saved):
    newer = FORMAT_VERSION + 1

    def edit(meta):
        meta["format_version"] = newer
        meta["recstack_version"] = "9.4.1"

    edit_meta(saved, edit)
    with pytest.raises(RecstackError) as raised:
        load_model(saved)
    assert str(raised.value) == (
        f"{saved / 'model.json'}: model format version {newer}, saved by recstack 9.4.1; "
        f"this recstack ({__version__}) reads version {FORMAT_VERSION} only: upgrade "
        "recstack (to 9.4.1 or later) to load it")


def test_a_newer_version_under_this_recstack_number_says_only_upgrade(saved):
    edit_meta(saved, _set("format_version", 10**30))
    with pytest.raises(RecstackError) as raised:
        load_model(saved)
    assert str(raised.value) == (
        f"{saved / 'model.json'}: model format version 1{'0' * 30}; this recstack "
        f"({__version__}) reads version {FORMAT_VERSION} only: upgrade recstack to load it")


@pytest.mark.parametrize("version", [0, -1, -(10**20)])
def test_a_version_below_one_is_damage(saved, version):
    edit_meta(saved, _set("format_version", version))
    with pytest.raises(RecstackError, match=r"model\.json: format_version must be a positive "
                                            r"integer \(the model format's version\), "
                                            rf"found {version}; the metadata is corrupted$"):
        load_model(saved)


def test_the_current_version_still_loads(saved):
    assert load_model(saved).name == "most_popular"


@pytest.mark.parametrize("ids", [["a\x00", "a", "b"], ["a", "b\x00", "c"]])
def test_a_hand_built_vocabulary_with_a_trailing_nul_is_not_saved(tmp_path, ids):
    users = IdMap.restore(np.array(ids, dtype=object))
    data = Interactions(user_index=np.array([0, 1, 2, 0], np.int32),
                        item_index=np.array([0, 1, 1, 1], np.int32),
                        value=np.ones(4, np.float32), timestamp=None, users=users,
                        items=IdMap(["i0", "i1"]))
    model = create_model("most_popular").fit(data)
    bad = next(i for i in ids if i.endswith("\x00"))
    position = ids.index(bad)
    with pytest.raises(RecstackError, match=(
            re.escape(f"(not saved): most_popular: user id {bad!r} (position {position}) "
                      "ends with a NUL character") + r".* \(it would load as "
            + re.escape(repr(bad[:-1])) + r"\)")):
        model.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()
