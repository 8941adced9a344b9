"""Seventh bad-input probe, a saved model whose ``model.json`` an editor saved with a UTF-8
byte-order mark: it was called corrupted ("Unexpected UTF-8 BOM"), although the mark is no
part of the JSON."""

from __future__ import annotations

import codecs

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.persistence import load_model


def test_model_json_with_a_byte_order_mark_loads_the_same_model(tmp_path):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 20, 150), rng.integers(0, 12, 150))
    model = create_model("ease", regularization=10.0).fit(data)
    model.save(tmp_path / "m")
    meta = tmp_path / "m" / "model.json"
    meta.write_bytes(codecs.BOM_UTF8 + meta.read_bytes())
    loaded = load_model(tmp_path / "m")
    users = np.arange(len(model.users_))
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))
