"""Learned rankers behind one contract (:class:`recstack.pipeline.rankers.base.Ranker`).

======================  =======================================  ==================================
name                    family                                   losses
======================  =======================================  ==================================
``lightgbm``            gradient-boosted trees (LightGBM)        binary, lambdarank
``logistic``            logistic regression (scikit-learn)       bce
``wide_deep``           Wide & Deep (PyTorch)                    bce, focal, bpr, ranknet, hinge,
                                                                 softmax, lambdarank
``dcn_v2``              Deep & Cross v2 (PyTorch)                as wide_deep
``multitask``           shared bottom or MMoE, two heads         as wide_deep (interaction head)
======================  =======================================  ==================================

>>> from recstack.pipeline.rankers import create_ranker, load_ranker
>>> ranker = create_ranker("lightgbm", loss="lambdarank", n_estimators=200)  # doctest: +SKIP
>>> ranker.fit(frame, labels).save("artifacts/ranker")                    # doctest: +SKIP
>>> scores = load_ranker("artifacts/ranker").score(serving_frame)         # doctest: +SKIP
"""

from recstack.pipeline.rankers.base import FarFeatureWarning, Ranker
from recstack.pipeline.rankers.registry import (
    available_rankers,
    create_ranker,
    ranker_class,
    register,
)
from recstack.pipeline.rankers.storage import load_ranker

__all__ = ["FarFeatureWarning", "Ranker", "available_rankers", "create_ranker", "load_ranker",
           "ranker_class", "register"]
