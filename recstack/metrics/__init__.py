"""Evaluation metrics as pure, vectorised numpy functions.

Modules, one job each:

* :mod:`~recstack.metrics.ranking` -- top-K ranking metrics per user (precision, recall,
  capped recall, hit rate, F1, MRR, MAP, nDCG) and AUC from full score rows;
  :func:`ranking_metrics` computes many of them at many cut-offs in one pass.
* :mod:`~recstack.metrics.beyond_accuracy` -- catalog coverage, Gini index, novelty, intra-list
  diversity, average popularity.
* :mod:`~recstack.metrics.classification` -- log loss, normalised cross-entropy, ROC AUC,
  group AUC, Brier score, threshold metrics, calibration.
* :mod:`~recstack.metrics.regression` -- RMSE, MAE, Huber, pinball, MAPE, SMAPE, MSLE.
* :mod:`~recstack.metrics.online` -- A/B metrics from an event log and significance tests.
* :mod:`~recstack.metrics.registry` -- metric names for experiment files.

Shared conventions: bad arguments raise :class:`MetricInputError` (a ``ValueError``) naming the
argument; an empty sample raises too; a value that is undefined for the data (0/0) is ``NaN``.
Per-user metrics mark excluded users (e.g. without relevant items) with ``NaN``, and
:func:`mean_over_users` averages the others and counts them.
"""

from recstack.metrics._validation import MetricInputError
from recstack.metrics.beyond_accuracy import (
    average_popularity,
    catalog_coverage,
    gini_index,
    intra_list_diversity,
    item_user_counts,
    novelty,
)
from recstack.metrics.classification import (
    OneClassWarning,
    ReliabilityCurve,
    ThresholdScores,
    brier_score,
    calibration_ratio,
    expected_calibration_error,
    f1_at_threshold,
    group_auc,
    log_loss,
    normalized_cross_entropy,
    one_class_said_once,
    precision_at_threshold,
    precision_recall_f1,
    recall_at_threshold,
    relative_information_gain,
    reliability_curve,
    roc_auc,
)
from recstack.metrics.online import (
    SignificanceResult,
    compare_variants,
    online_metrics,
    session_table,
    two_proportion_ztest,
    validate_events,
    welch_ttest,
)
from recstack.metrics.ranking import (
    RANKING_METRICS,
    UserAverage,
    auc_per_user,
    average_precision_at_k,
    dcg_at_k,
    f1_at_k,
    global_auc,
    hit_rate_at_k,
    ideal_dcg_at_k,
    ideal_grades,
    mean_over_users,
    n_relevant,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    recall_capped_at_k,
    reciprocal_rank_at_k,
    relevance_at_ranks,
)
from recstack.metrics.registry import METRICS, MetricSpec, get_metric, metric_names
from recstack.metrics.regression import huber_loss, mae, mape, mse, msle, quantile_loss, rmse, smape

__all__ = [
    "METRICS",
    "RANKING_METRICS",
    "MetricInputError",
    "MetricSpec",
    "OneClassWarning",
    "ReliabilityCurve",
    "SignificanceResult",
    "ThresholdScores",
    "UserAverage",
    "auc_per_user",
    "average_popularity",
    "average_precision_at_k",
    "brier_score",
    "calibration_ratio",
    "catalog_coverage",
    "compare_variants",
    "dcg_at_k",
    "expected_calibration_error",
    "f1_at_k",
    "f1_at_threshold",
    "get_metric",
    "gini_index",
    "global_auc",
    "group_auc",
    "hit_rate_at_k",
    "huber_loss",
    "ideal_dcg_at_k",
    "ideal_grades",
    "intra_list_diversity",
    "item_user_counts",
    "log_loss",
    "mae",
    "mape",
    "mean_over_users",
    "metric_names",
    "mse",
    "msle",
    "n_relevant",
    "ndcg_at_k",
    "normalized_cross_entropy",
    "novelty",
    "one_class_said_once",
    "online_metrics",
    "precision_at_k",
    "precision_at_threshold",
    "precision_recall_f1",
    "quantile_loss",
    "ranking_metrics",
    "recall_at_k",
    "recall_at_threshold",
    "recall_capped_at_k",
    "reciprocal_rank_at_k",
    "relative_information_gain",
    "relevance_at_ranks",
    "reliability_curve",
    "rmse",
    "roc_auc",
    "session_table",
    "smape",
    "two_proportion_ztest",
    "validate_events",
    "welch_ttest",
]
