"""Names of metrics, so that code can look a metric function up by a string.

The :class:`~recstack.evaluation.evaluator.Evaluator` and an experiment file's
``[evaluation] metrics`` take their own, shorter list (the ranking names, ``auc``, and
``coverage``, ``gini``, ``novelty``, ``diversity``, ``popularity`` for the beyond-accuracy
ones: ``catalog_coverage``, ``gini_index``, ``novelty``, ``intra_list_diversity`` and
``average_popularity`` here, the Gini index, as coverage, one value per model at each K,
lower better); the other metrics here (``global_auc``, ``log_loss``, ``group_auc``,
``brier_score``, ...) are called on predictions, scores or event logs in Python.

Each :class:`MetricSpec` says which function computes the metric, which calling convention it
follows (its ``kind``), whether higher is better and whether it yields one value per user.
The kinds and their conventions:

``"ranking"``
    Per-user values at a cut-off ``k`` from the top-K lists; computed together by
    :func:`recstack.metrics.ranking_metrics` (which takes these names) or one at a time by
    ``function(grades, n_relevant, k)`` (nDCG: ``function(grades, ideal, k)``).
``"scores"``
    From full score rows: ``function(scores, positives, exclude)``.
``"beyond_accuracy"``
    From the top-K lists and item statistics; see each function.
``"classification"``
    ``function(y_true, y_prob_or_score) -> float``; ``group_auc`` also takes each sample's
    group (user id): ``function(y_true, y_score, groups)``.
``"regression"``
    ``function(y_true, y_pred) -> float``.
``"online"``
    ``function(events) -> pandas.Series`` indexed by variant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any, Literal

from recstack.metrics import beyond_accuracy, classification, online, ranking, regression
from recstack.metrics._validation import MetricInputError, shown_given
from recstack.specs import arguments_named, closest, did_you_mean

__all__ = ["METRICS", "MetricKind", "MetricSpec", "get_metric", "metric_names"]

MetricKind = Literal[
    "ranking", "scores", "beyond_accuracy", "classification", "regression", "online"
]


@dataclass(frozen=True)
class MetricSpec:
    """What an experiment needs to know to compute and report one named metric.

    ``higher_is_better`` is ``None`` for a metric with a target value rather than a direction
    (the calibration ratio is best at 1).
    """

    name: str
    function: Callable[..., Any]
    kind: MetricKind
    higher_is_better: bool | None
    per_user: bool


def _spec(
    name: str,
    function: Callable[..., Any],
    kind: MetricKind,
    *,
    higher: bool | None,
    per_user: bool,
) -> tuple[str, MetricSpec]:
    return name, MetricSpec(name, function, kind, higher, per_user)


METRICS: Mapping[str, MetricSpec] = MappingProxyType(
    dict(
        [
            # Ranking at K (per user); names are those ranking_metrics accepts.
            _spec("precision", ranking.precision_at_k, "ranking", higher=True, per_user=True),
            _spec("recall", ranking.recall_at_k, "ranking", higher=True, per_user=True),
            _spec(
                "recall_capped", ranking.recall_capped_at_k, "ranking", higher=True, per_user=True
            ),
            _spec("hit_rate", ranking.hit_rate_at_k, "ranking", higher=True, per_user=True),
            _spec("f1", ranking.f1_at_k, "ranking", higher=True, per_user=True),
            _spec("mrr", ranking.reciprocal_rank_at_k, "ranking", higher=True, per_user=True),
            _spec("map", ranking.average_precision_at_k, "ranking", higher=True, per_user=True),
            _spec("ndcg", ranking.ndcg_at_k, "ranking", higher=True, per_user=True),
            _spec(
                "ndcg_linear",
                partial(ranking.ndcg_at_k, gain="linear"),
                "ranking",
                higher=True,
                per_user=True,
            ),
            # From full score rows.
            _spec("auc", ranking.auc_per_user, "scores", higher=True, per_user=True),
            _spec("global_auc", ranking.global_auc, "scores", higher=True, per_user=False),
            # Beyond accuracy.
            _spec(
                "catalog_coverage",
                beyond_accuracy.catalog_coverage,
                "beyond_accuracy",
                higher=True,
                per_user=False,
            ),
            _spec(
                "gini_index",
                beyond_accuracy.gini_index,
                "beyond_accuracy",
                higher=False,
                per_user=False,
            ),
            _spec(
                "novelty", beyond_accuracy.novelty, "beyond_accuracy", higher=True, per_user=True
            ),
            _spec(
                "intra_list_diversity",
                beyond_accuracy.intra_list_diversity,
                "beyond_accuracy",
                higher=True,
                per_user=True,
            ),
            _spec(
                "average_popularity",
                beyond_accuracy.average_popularity,
                "beyond_accuracy",
                higher=False,
                per_user=True,
            ),
            # Binary predictions.
            _spec(
                "log_loss", classification.log_loss, "classification", higher=False, per_user=False
            ),
            _spec(
                "normalized_cross_entropy",
                classification.normalized_cross_entropy,
                "classification",
                higher=False,
                per_user=False,
            ),
            _spec(
                "relative_information_gain",
                classification.relative_information_gain,
                "classification",
                higher=True,
                per_user=False,
            ),
            _spec(
                "roc_auc", classification.roc_auc, "classification", higher=True, per_user=False
            ),
            _spec(
                "group_auc",
                classification.group_auc,
                "classification",
                higher=True,
                per_user=False,
            ),
            _spec(
                "brier_score",
                classification.brier_score,
                "classification",
                higher=False,
                per_user=False,
            ),
            _spec(
                "precision_at_threshold",
                classification.precision_at_threshold,
                "classification",
                higher=True,
                per_user=False,
            ),
            _spec(
                "recall_at_threshold",
                classification.recall_at_threshold,
                "classification",
                higher=True,
                per_user=False,
            ),
            _spec(
                "f1_at_threshold",
                classification.f1_at_threshold,
                "classification",
                higher=True,
                per_user=False,
            ),
            _spec(
                "calibration_ratio",
                classification.calibration_ratio,
                "classification",
                higher=None,
                per_user=False,
            ),
            _spec(
                "expected_calibration_error",
                classification.expected_calibration_error,
                "classification",
                higher=False,
                per_user=False,
            ),
            # Real-valued predictions.
            _spec("mse", regression.mse, "regression", higher=False, per_user=False),
            _spec("rmse", regression.rmse, "regression", higher=False, per_user=False),
            _spec("mae", regression.mae, "regression", higher=False, per_user=False),
            _spec("huber", regression.huber_loss, "regression", higher=False, per_user=False),
            _spec(
                "quantile_loss",
                regression.quantile_loss,
                "regression",
                higher=False,
                per_user=False,
            ),
            _spec("mape", regression.mape, "regression", higher=False, per_user=False),
            _spec("smape", regression.smape, "regression", higher=False, per_user=False),
            _spec("msle", regression.msle, "regression", higher=False, per_user=False),
            # Online, per variant.
            _spec("ctr", online.click_through_rate, "online", higher=True, per_user=False),
            _spec("conversion_rate", online.conversion_rate, "online", higher=True, per_user=False),
            _spec("bounce_rate", online.bounce_rate, "online", higher=False, per_user=False),
            _spec("roi", online.return_on_investment, "online", higher=True, per_user=False),
            _spec("engagement", online.engagement, "online", higher=True, per_user=False),
        ]
    )
)


@arguments_named
def metric_names(kind: MetricKind | None = None) -> tuple[str, ...]:
    """Registered metric names, all or of one ``kind``, in registration order."""
    kinds = {spec.kind for spec in METRICS.values()}
    if kind is not None and (not isinstance(kind, str) or kind not in kinds):
        # the one suggestion wording (specs.did_you_mean): a letter of another script is
        # named, where "did you mean 'ranking'?" alone showed no difference
        hint = did_you_mean(kind, sorted(kinds))
        raise MetricInputError(f"unknown metric kind {shown_given(kind)}{hint}; kinds: "
                               f"{sorted(kinds)}")
    return tuple(name for name, spec in METRICS.items() if kind is None or spec.kind == kind)


@arguments_named
def get_metric(name: str) -> MetricSpec:
    """Look a metric up by name.

    Raises
    ------
    MetricInputError
        If no metric has that name; the message suggests close names and lists all.
    """
    try:
        return METRICS[name]
    except (KeyError, TypeError):
        # the nearest name by the rule of every other name check (specs.closest): a
        # difference of case ('NDCG') or spaces (' ndcg') came with no suggestion here
        # and the one suggestion wording (specs.did_you_mean), as metric_names' kinds: "Did
        # you mean" was a sentence of its own here, and a look-alike letter of another
        # script went unnamed
        base, at, _ = name.partition("@") if isinstance(name, str) else (name, "", "")
        hint = did_you_mean(base, METRICS)
        if at and closest(base, METRICS):
            hint += "; the cut-off is an argument (k), not part of the name"
        raise MetricInputError(
            f"unknown metric {shown_given(name)}{hint}; known metrics: {', '.join(METRICS)}"
        ) from None
