"""Two-hundred-twenty-fifth bad-input probe: candidates for users a generator knows nothing of.

A generator scores an empty history (or a user without training rows) by a stand-in, item
popularity, with a PopularityFallbackWarning. Those popularity counts became the
candidates' ``score_<generator>`` feature: item-kNN's similarity sums run from 1.5 to 3.4
in the training frame below, the counts to 28, so the ranker clipped them with a
FarFeatureWarning telling the user to "give the feature in the units and transform of the
training frame", which a caller of ``TwoStage.score_histories`` cannot do. The stand-in
still proposes the items (at their popularity ranks), but their score feature is now
missing (NaN), as for an item the generator did not propose; ``n_sources`` counts them as
proposed, by their rank."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import PopularityFallbackWarning
from recstack.pipeline.candidates import generate_candidates, score_candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rankers import FarFeatureWarning
from tests.pipeline.test_two_stage_fold_in import GENERATORS, last_event_together

# 5 users x 6 items: item popularity (training users per item) is 4, 3, 2, 2, 1, 0
USERS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4]
ITEMS = [0, 1, 2, 0, 1, 3, 0, 2, 3, 0, 1]


def _tiny() -> Interactions:
    return Interactions.from_arrays(np.array(USERS), np.array(ITEMS), None,
                                    np.arange(len(USERS)) + 1_000)


def _knn():
    return create_model("item_knn", neighbors=5).fit(_tiny())


def test_an_empty_history_is_proposed_the_popular_items_without_a_score():
    knn = _knn()
    histories = sp.csr_matrix(([1.0], ([1], [0])), shape=(2, len(knn.items_)))  # row 0 empty
    with pytest.warns(PopularityFallbackWarning, match="1 of 2 histories are empty"):
        candidates = generate_candidates([knn], [0, 1], 3, histories=histories)
    empty = candidates.users == 0
    # the stand-in's top 3 by popularity (4, 3, 2 users, the tie 2 = 2 by index): items
    # 0, 1, 2 at ranks 1, 2, 3, proposed with no score
    np.testing.assert_array_equal(candidates.items[empty], [0, 1, 2])
    np.testing.assert_array_equal(candidates.ranks[empty, 0], [1.0, 2.0, 3.0])
    assert np.isnan(candidates.scores[empty, 0]).all()
    # the row with a history keeps the generator's own scores
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        own = knn.score_histories(histories[1])[0]
    kept = candidates.items[~empty]
    np.testing.assert_allclose(candidates.scores[~empty, 0], own[kept], rtol=1e-6)
    assert np.isfinite(candidates.scores[~empty, 0]).all()


def test_a_proposal_without_a_score_still_counts_as_a_source():
    knn = _knn()
    histories = sp.csr_matrix((1, len(knn.items_)))
    with pytest.warns(PopularityFallbackWarning):
        candidates = generate_candidates([knn], [0], 2, histories=histories)
    data = _tiny()
    builder = FeatureBuilder(item_columns=(), user_columns=()).fit(data, ["item_knn"], 2)
    state = builder.statistics(data, cutoff=10**9)
    frame = builder.build(candidates, state)
    names = [f.name for f in frame.schema.numeric]
    np.testing.assert_array_equal(frame.column("n_sources"), [1.0, 1.0])
    assert np.isnan(frame.numeric[:, names.index("score_item_knn")]).all()
    np.testing.assert_array_equal(frame.column("rank_item_knn"), [1.0, 2.0])


def test_a_user_without_training_rows_gets_no_score_from_the_stand_in():
    # user 5 is in the vocabulary without a training row
    data = Interactions.from_arrays(np.array(USERS + [5]), np.array(ITEMS + [5]), None,
                                    np.arange(len(USERS) + 1) + 1_000)
    train = data.select(np.arange(len(USERS)))
    knn = create_model("item_knn", neighbors=5).fit(train)
    assert knn._users_without_history().tolist() == [False] * 5 + [True]
    with pytest.warns(PopularityFallbackWarning, match="1 user"):
        candidates = generate_candidates([knn], [4, 5], 2)
    cold = candidates.users == 5
    np.testing.assert_array_equal(candidates.items[cold], [0, 1])  # popularity 4, 3
    np.testing.assert_array_equal(candidates.ranks[cold, 0], [1.0, 2.0])
    assert np.isnan(candidates.scores[cold, 0]).all()
    assert np.isfinite(candidates.scores[~cold, 0]).all()


def test_a_scorer_gives_no_similarity_for_an_empty_history():
    knn = _knn()
    popular = create_model("most_popular").fit(_tiny())
    histories = sp.csr_matrix(([1.0], ([1], [0])), shape=(2, len(knn.items_)))
    candidates = generate_candidates([popular], [0, 1], 3, histories=histories)
    with pytest.warns(PopularityFallbackWarning):
        scored = score_candidates(candidates, [knn], ["knn"], histories=histories)
    empty = scored.users == 0
    assert np.isnan(scored.similarity[empty, 0]).all()
    assert np.isfinite(scored.similarity[~empty, 0]).all()
    # most_popular's scores are its own (popularity) for every history: kept, 4, 3, 2
    np.testing.assert_array_equal(candidates.scores[candidates.users == 0, 0], [4.0, 3.0, 2.0])


@pytest.mark.parametrize("generators", [GENERATORS, ({"type": "item_knn", "neighbors": 20},),
                                        ({"type": "ease"}, {"type": "most_popular"})])
def test_an_empty_history_is_ranked_without_blaming_the_user(generators):
    pytest.importorskip("sklearn")
    model = create_model("two_stage", generators=generators, ranker={"type": "logistic"},
                         n_candidates=12, window="user", user_labels=4)
    model.fit(last_event_together())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = model.score_histories(sp.csr_matrix((2, 40)))
    kinds = {type(w.message) for w in caught}
    assert FarFeatureWarning not in kinds, [str(w.message) for w in caught]
    assert PopularityFallbackWarning in kinds  # the generator still says what happened
    assert scores.shape == (2, 40) and np.isfinite(scores).all()
    # two empty histories are one user: the same list
    np.testing.assert_array_equal(scores[0], scores[1])
