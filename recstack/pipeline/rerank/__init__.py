"""Re-rankers: the last stage of a recommender, applied in a chain to any model's lists
(filters, boosts, diversity, popularity debiasing, Steck's calibrated recommendations,
exposure fairness), and :class:`Reranked`, a model followed by a chain, itself a model.

See :mod:`recstack.pipeline.rerank.base` for the contract every re-ranker follows.
"""

from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    StepWithoutEffectWarning,
    available_rerankers,
    create_reranker,
    reranker_class,
    run_chain,
)
from recstack.pipeline.rerank.boosts import ColumnBoost, FreshnessBoost
from recstack.pipeline.rerank.calibrated import CalibratedRerank
from recstack.pipeline.rerank.debias import LongTailShare, PopularityPenalty
from recstack.pipeline.rerank.diversity import MMR
from recstack.pipeline.rerank.fairness import ExposureFairness
from recstack.pipeline.rerank.filters import BlockList, ItemPredicate, SeenFilter, UnknownIdsWarning
from recstack.pipeline.rerank.model import Reranked

__all__ = ["MMR", "BlockList", "CalibratedRerank", "ColumnBoost", "ExposureFairness",
           "FreshnessBoost", "ItemPredicate", "LongTailShare", "PopularityPenalty",
           "Reranked", "RerankContext", "Reranker", "SeenFilter", "StepWithoutEffectWarning",
           "UnknownIdsWarning",
           "available_rerankers", "create_reranker", "reranker_class", "run_chain"]
