"""Twenty-fourth bad-input probe, ``recstack.tuning.search`` from Python with a metric whose
cut-off is beyond the catalog (``ndcg@1000`` on 8 items): ``recstack tune`` refuses it once
the data are read (:func:`recstack.tuning.check_metric_cutoff`), but the Python call
searched on, maximising a number named for a list longer than the catalog."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError
from recstack.tuning import search

pytest.importorskip("optuna")

SPACE = {"neighbors": {"type": "int", "low": 2, "high": 4}}


@pytest.fixture(scope="module")
def split():
    users = [u for u in range(12) for _ in range(4)]
    items = [(u + i) % 8 for u in range(12) for i in range(4)]
    return random_split(Interactions.from_frame(
        pd.DataFrame({"user_id": users, "item_id": items})), 0.25, seed=0)


@pytest.mark.parametrize(("metric", "message"), [
    ("ndcg@1000", r"^metric = 'ndcg@1000': K = 1000 is larger than the catalog \(8 items in "
                  r"train\); use K <= 8, e.g. metric = 'ndcg@8'$"),
    # the name alone means K = 10, which this catalog cannot fill either
    ("recall", r"^metric = 'recall' \(recall alone means recall@10\): K = 10 is larger than "
               r"the catalog \(8 items in train\)"),
])
def test_a_cut_off_beyond_the_catalog_is_refused_before_any_trial(split, metric, message):
    with pytest.raises(ConfigError, match=message):
        search("item_knn", split.train, split.test, SPACE, trials=1, metric=metric)


def test_a_cut_off_the_catalog_holds_and_auc_still_search(split):
    for metric in ("recall@8", "auc"):
        _, value, trials = search("item_knn", split.train, split.test, SPACE, trials=1,
                                  metric=metric)
        assert len(trials) == 1 and 0 <= value <= 1
