"""Recommenders behind one contract (see :mod:`recstack.models.base`)."""

from recstack.models.base import MissingMethodError, PopularityFallbackWarning, Recommender
from recstack.models.baselines import MostPopular, RandomRecommender
from recstack.models.persistence import load_model
from recstack.models.registry import available_models, create_model
from recstack.models.text_features import UndescribedItemWarning, UnknownGenreWarning

__all__ = ["MissingMethodError", "MostPopular", "PopularityFallbackWarning", "RandomRecommender",
           "Recommender", "UndescribedItemWarning", "UnknownGenreWarning", "available_models",
           "create_model", "load_model"]
