"""Where a model's warnings point. Fixed stack levels pointed them at recstack's own lines
whenever the warning was one call deeper than its author counted: "recstack/models/
base.py:775: RuntimeWarning: als: factors=8 is more than both ..." (the line of ``fit``
that calls ``_fit``), the same through ``fit_from`` or a blend fitting its members, and the
thread-count warning at the line of ALS that checks it. Each now points at the user's own
call, as the data layer's warnings do (``caller_stacklevel``), however deep the call."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model

pytest.importorskip("implicit", reason="implicit is not installed: recstack[als]")


def _data():
    # 5 users x 4 items, every pair once: factors = 8 is more than both
    return Interactions.from_arrays(np.repeat(np.arange(5), 4), np.tile(np.arange(4), 5))


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


def _places(caught, text):
    return [(w.filename, w.lineno) for w in caught if text in str(w.message)]


def test_excess_factors_point_at_the_fit_call():
    caught = _caught(lambda: create_model("als", factors=8, iterations=1).fit(_data()))
    places = _places(caught, "factors=8 is more than both")
    assert places and {filename for filename, _ in places} == {__file__}, places


def test_excess_factors_of_a_warm_start_point_at_fit_from():
    previous = create_model("als", factors=8, iterations=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous.fit(_data())
    caught = _caught(lambda: create_model("als", factors=8, iterations=1).fit_from(
        previous, _data()))
    places = _places(caught, "factors=8 is more than both")
    assert places and {filename for filename, _ in places} == {__file__}, places


def test_a_blend_members_warning_points_at_the_blends_fit():
    blend = create_model("blend", members=[{"type": "als", "factors": 8, "iterations": 1},
                                           {"type": "item_knn"}], rounds=1)
    places = _places(_caught(lambda: blend.fit(_data())), "factors=8 is more than both")
    assert places and {filename for filename, _ in places} == {__file__}, places


def test_too_many_threads_point_at_the_fit_call():
    model = create_model("als", factors=2, iterations=1, num_threads=4096)
    places = _places(_caught(lambda: model.fit(_data())), "num_threads=4096 is more threads")
    assert places and {filename for filename, _ in places} == {__file__}, places
