"""Keeping items without training rows out of a two-stage model's candidates and a
re-ranked model's lists cost more than the scores they were kept out of:

* a re-ranked model copied its whole score batch (``pool = raw.copy()``) to mask them;
* a two-stage model built a sparse exclusion holding every such item for every user
  asked for (rows x untrained items entries, at several bytes each, beyond the batch).

Now the re-ranked batch is masked in place (only those columns set aside and put back)
and the two-stage generators' batches are masked column-wise as they are scored; the
exclusion holds only the seen items. The results stay those of the definition (tested in
the earlier probes of untrained items); here: the memory, and that the raw scores below
the lists are the wrapped model's own.
"""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.pipeline import two_stage as two_stage_module
from recstack.pipeline.rerank.model import Reranked

COLD = 0  # the item with no training row


def _train(n_users, per_user, n_items, seed=0):
    rng = np.random.default_rng(seed)
    rows = [(user, int(item), 100 * position + user) for user in range(n_users)
            for position, item in enumerate(rng.choice(np.arange(1, n_items), size=per_user,
                                                       replace=False))]
    rows.append((0, COLD, 99_999))  # in the vocabulary; left out of the training rows
    frame = pd.DataFrame(rows, columns=["user", "item", "timestamp"])
    full = Interactions.from_frame(frame, user_col="user", item_col="item",
                                   timestamp_col="timestamp")
    return full.select(np.asarray(frame["item"] != COLD))


@pytest.fixture(scope="module")
def wide():
    return _train(n_users=300, per_user=20, n_items=6000)


def _peak(call):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_reranked_batch_is_not_copied_to_keep_untrained_items_out(wide, monkeypatch):
    model = create_model("reranked", model={"type": "most_popular"},
                         chain=[{"type": "popularity_penalty", "strength": 1.0}],
                         n_candidates=50).fit(wide)
    assert model._items_unknown_to_model() is not None  # the fixture's cold item
    users = np.arange(200)
    model._batch(users)  # warm: lazily built statistics are not the batch's cost
    with_mask = _peak(lambda: model._batch(users))
    monkeypatch.setattr(Reranked, "_items_unknown_to_model", lambda self: None)
    model._batch(users)
    without = _peak(lambda: model._batch(users))
    batch_bytes = len(users) * wide.n_items * 8  # the float64 score batch
    assert with_mask - without < batch_bytes / 4


def test_the_raw_scores_below_the_lists_keep_the_wrapped_models_values():
    train = _train(n_users=40, per_user=5, n_items=16)
    model = create_model("reranked", model={"type": "ease", "regularization": 10.0},
                         chain=[{"type": "popularity_penalty", "strength": 1.0}],
                         n_candidates=16).fit(train)
    cold = int(train.items.to_index([COLD])[0])
    users = np.arange(5)
    items, _, raw = model._batch(users)
    assert cold not in items.tolist()
    wrapped = model.model_.score_users(users).astype(np.float64)
    seen = train.to_csr()[users].toarray() > 0
    expected = np.where(seen, -np.inf, wrapped)
    np.testing.assert_array_equal(raw[:, cold], expected[:, cold])
    np.testing.assert_array_equal(raw, expected)


def test_two_stage_excludes_only_the_seen_items_and_masks_untrained_columns(monkeypatch):
    train = _train(n_users=40, per_user=5, n_items=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("two_stage",
                             generators=({"type": "ease", "regularization": 10.0},),
                             ranker={"type": "logistic"}, n_candidates=16).fit(train)
    calls = []
    real = two_stage_module.generate_candidates

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(two_stage_module, "generate_candidates", recording)
    cold = int(train.items.to_index([COLD])[0])
    seen = train.to_csr()
    candidates = model.candidates(np.arange(train.n_users))
    history = np.zeros((1, len(model.items_)))
    history[0, [1, 2]] = 1.0
    model.score_histories(history)
    assert len(calls) == 2
    for kwargs in calls:
        mask = kwargs["exclude_items"]
        # the one untrained item, as a column mask
        assert mask.dtype == bool and np.flatnonzero(mask).tolist() == [cold]
    # the exclusion: the seen items alone (no entry per user for the untrained item)
    assert calls[0]["exclude"].nnz == seen.nnz
    assert calls[1]["exclude"].nnz == 2
    assert cold not in candidates.items.tolist()


def test_candidates_mask_the_items_given_in_every_batch():
    from recstack.pipeline.candidates import generate_candidates

    train = _train(n_users=40, per_user=5, n_items=16)
    model = create_model("ease", regularization=10.0).fit(train)
    mask = np.zeros(train.n_items, bool)
    mask[[3, 7]] = True
    masked = generate_candidates([model], np.arange(40), 16, exclude_items=mask,
                                 batch_size=7)
    plain = generate_candidates([model], np.arange(40), 16, batch_size=7)
    assert not set(masked.items.tolist()) & {3, 7}
    keep = ~np.isin(plain.items, [3, 7])
    np.testing.assert_array_equal(masked.users, plain.users[keep])
    np.testing.assert_array_equal(masked.items, plain.items[keep])


@pytest.mark.parametrize("mask", [np.zeros(5, bool), np.zeros(16), [0, 1] * 8,
                                  np.zeros((1, 16), bool)],
                         ids=["short", "floats", "ints", "2-d"])
def test_an_item_mask_of_another_shape_or_kind_is_refused(mask):
    from recstack.errors import ConfigError
    from recstack.pipeline.candidates import generate_candidates

    train = _train(n_users=40, per_user=5, n_items=16)
    model = create_model("ease", regularization=10.0).fit(train)
    with pytest.raises(ConfigError, match=r"^candidates: exclude_items must be a true/false "
                                          r"mask of the 16 items \(shape \(16,\)\), got "):
        generate_candidates([model], np.arange(4), 5, exclude_items=mask)
