"""The report's lists (segments, beyond accuracy) of a held-out-users split are scored from
the users' fold-in history, as the evaluator scores them: with score_users the held-out
users, who have no training rows, got each model's popularity fallback, with a
PopularityFallbackWarning per model on a healthy run."""

from __future__ import annotations

import warnings

import numpy as np

from recstack.analysis.report import _Context, _lists
from recstack.data.splits import user_split
from recstack.data.synthetic import generate
from recstack.models import create_model


def test_held_out_users_lists_are_the_models_fold_in_lists() -> None:
    data = generate(n_users=300, n_items=120, n_interactions=6000, seed=1)
    split = user_split(data, 0.2, fold_in_fraction=0.8, seed=0)
    model = create_model("item_knn").fit(split.train)
    context = _Context(split.train, split.test, None, {"item_knn": model}, {},
                       fold_in=split.fold_in)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the popularity fallback warned here
        lists = _lists(context, 0, [])
    assert lists is not None
    # the expected lists worked apart: the fold-in scores, fold-in items masked, sorted
    # by score with ties to the lower index
    history = split.fold_in.to_csr()
    scores = np.array(model.score_histories(history[lists.users]), dtype=float)
    scores[history[lists.users].toarray() > 0] = -np.inf
    expected = np.lexsort((np.tile(np.arange(scores.shape[1]), (len(scores), 1)), -scores),
                          axis=1)[:, :10]
    assert np.array_equal(lists.tops["item_knn"], expected)
    # and they are not everyone's one popularity list
    assert len({tuple(row) for row in lists.tops["item_knn"].tolist()}) > 1


def test_held_out_users_activity_is_their_fold_in_rows(tmp_path) -> None:
    from recstack.config import parse_experiment
    from recstack.experiment import run_experiment

    experiment = parse_experiment({
        "name": "held_out", "seed": 0,
        "data": {"source": "synthetic:n_users=300,n_items=120,n_interactions=6000,seed=1"},
        "split": {"method": "users", "test_users": 0.3},
        "evaluation": {"metrics": ["ndcg"], "ks": [10]},
        "report": {"html": True, "projection": "none"},
        "models": [{"type": "most_popular"}, {"type": "item_knn"}]}, base=tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_experiment(experiment, out=tmp_path / "out")
    assert not [w for w in caught if "no training interactions" in str(w.message)]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    # by training rows every held-out user had 0: one bucket "0–0 rows"
    assert "ndcg@10 by user activity (fold-in rows per user" in page
    assert "0–0 rows" not in page
