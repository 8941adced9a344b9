"""Recommenders behind one contract (see :mod:`recstack.models.base`)."""

from recstack.models.base import Recommender
from recstack.models.baselines import MostPopular, RandomRecommender
from recstack.models.persistence import load_model
from recstack.models.registry import available_models, create_model

__all__ = ["MostPopular", "RandomRecommender", "Recommender", "available_models",
           "create_model", "load_model"]
