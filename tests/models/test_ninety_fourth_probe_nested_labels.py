"""Ninety-fourth bad-input probe: a two-stage model's generators and a re-ranked model's
wrapped model, hand-edited in model.json (checksums recomputed) to keep fewer neighbours
than their saved similarities hold, are refused; the array is named by the model it
belongs to (``generators[1] (item_knn)``), as a blend's members' arrays are, not only by
its saved name (``'g1__similarity'``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from tests.models.tampering import edit_meta


@pytest.fixture(scope="module")
def train() -> Interactions:
    # 12 users x 10 items, user u has items u, u+1, u+2 (mod 10), one a day
    users = np.repeat(np.arange(12), 3)
    items = (users + np.tile(np.arange(3), 12)) % 10
    frame = pd.DataFrame({"user_id": users, "item_id": items,
                          "timestamp": np.arange(len(users), dtype=float)})
    return Interactions.from_frame(frame, timestamp_col="timestamp")


def test_a_two_stage_generators_neighbours(train, tmp_path):
    model = create_model("two_stage", generators=[{"type": "most_popular"},
                                                  {"type": "item_knn", "neighbors": 3}],
                         ranker={"type": "logistic"}, n_candidates=5).fit(train)
    folder = model.save(tmp_path / "model")
    edit_meta(folder, lambda meta: meta["params"]["generators"][1].__setitem__("neighbors", 1))
    with pytest.raises(RecstackError, match=r"array 'similarity' of generators\[1\] \(item_knn\) "
                                            r"of model 'two_stage' \(saved as 'g1__similarity'\) "
                                            r"holds \d+ values in row \d+, but the "
                                            r"hyperparameters in model\.json keep at most 1 a row"):
        load_model(folder)


def test_a_reranked_models_wrapped_neighbours(train, tmp_path):
    model = create_model("reranked", model={"type": "item_knn", "neighbors": 3},
                         chain=[{"type": "popularity_penalty", "strength": 0.5}],
                         n_candidates=5).fit(train)
    folder = model.save(tmp_path / "model")
    edit_meta(folder, lambda meta: meta["params"]["model"].__setitem__("neighbors", 1))
    with pytest.raises(RecstackError, match=r"array 'similarity' of the wrapped model "
                                            r"\(item_knn\) of model 'reranked' \(saved as "
                                            r"'m__similarity'\) holds"):
        load_model(folder)


def test_a_two_stage_models_changed_generator_is_refused(train, tmp_path):
    model = create_model("two_stage", generators=[{"type": "most_popular"},
                                                  {"type": "item_knn", "neighbors": 3}],
                         ranker={"type": "logistic"}, n_candidates=5).fit(train)
    model.generators[1]["neighbors"] = 1  # the fitted generator keeps 3: ignored before
    with pytest.raises(ConfigError, match=r"two_stage: generators=.* at fit, now .*"
                                          r"'neighbors': 1"):
        model.recommend([0], 2)
    with pytest.raises(ConfigError, match=r"two_stage: generators="):
        model.save(tmp_path / "model")
