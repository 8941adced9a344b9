"""Eighteenth bad-input probe, a saved blend whose learned weights were edited (checksums
recomputed): the weights were checked one by one (float32, each in [0, 1]), so weights of
0 loaded, every blended score was 0 and every list was the catalog in index order. Fit
normalises them to sum to 1; a loaded blend whose weights do not is refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import ARRAYS, META

MEMBERS = ({"type": "most_popular"}, {"type": "item_knn"})


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    # 6 users x 6 items: user u has items u and u+1 (mod 6)
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile(np.arange(2), 6)) % 6
    model = create_model("blend", members=MEMBERS, weights=[1.0, 3.0])
    model.fit(Interactions.from_arrays(users, items))
    return model.save(tmp_path_factory.mktemp("blend") / "model")


def _with_weights(saved: Path, folder: Path, weights: list[float],
                  json_weights: list[float] | None = None) -> Path:
    folder.mkdir()
    with np.load(saved / ARRAYS) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["weights"] = np.asarray(weights, np.float32)
    np.savez(folder / ARRAYS, **arrays)
    meta = json.loads((saved / META).read_text())
    if json_weights is not None:  # model.json's params.weights must agree with the array
        meta["params"]["weights"] = json_weights
    meta["sha256"][ARRAYS] = hashlib.sha256((folder / ARRAYS).read_bytes()).hexdigest()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["sha256"][META] = hashlib.sha256(text.encode("ascii")).hexdigest()
    (folder / META).write_text(json.dumps(meta))
    return folder


@pytest.mark.parametrize(("weights", "total"), [([0.0, 0.0], "0"), ([0.5, 1.0], "1.5"),
                                                ([0.25, 0.25], "0.5")])
def test_weights_that_do_not_sum_to_one_are_refused(saved, tmp_path, weights, total):
    folder = _with_weights(saved, tmp_path / "edited", weights)
    with pytest.raises(RecstackError, match=rf"arrays\.npz: weights sum to {total}, "
                                            r"expected 1"):
        load_model(folder)


def test_the_saved_weights_still_load(saved, tmp_path):
    # 1 and 3, normalised: 0.25 and 0.75
    np.testing.assert_allclose(load_model(saved).weights_, [0.25, 0.75])
    folder = _with_weights(saved, tmp_path / "edited", [0.75, 0.25], [3.0, 1.0])
    np.testing.assert_allclose(load_model(folder).weights_, [0.75, 0.25])
