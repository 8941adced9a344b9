"""Interaction data: the `Interactions` object, loaders, the synthetic generator, filters
and splits (each in its own module)."""

from recstack.data.idmap import IdMap, UntrimmedIdWarning
from recstack.data.interactions import (
    EmptyTimeRangeWarning,
    InexactValueWarning,
    Interactions,
    LookalikeIdWarning,
    MergedTimesWarning,
    MisreadTextWarning,
    MissingValueIdWarning,
    ThresholdKeepsEveryRowWarning,
)

__all__ = ["EmptyTimeRangeWarning", "IdMap", "InexactValueWarning", "Interactions",
           "LookalikeIdWarning", "MergedTimesWarning", "MisreadTextWarning",
           "MissingValueIdWarning",
           "ThresholdKeepsEveryRowWarning", "UntrimmedIdWarning"]
