"""Evaluation: the full-catalog :class:`~recstack.evaluation.evaluator.Evaluator` (the
default) and the sampled-negatives protocol of NCF and SASRec
(:func:`~recstack.evaluation.sampled.evaluate_sampled`).

The names below are loaded on first use, so that importing a submodule (``results``)
does not import the evaluator with it."""

from __future__ import annotations

import importlib
from typing import Any

_SAMPLED = ("DEFAULT_NEGATIVES", "NegativesWarning", "evaluate_sampled", "expected_hit_ndcg",
            "sample_negatives")

__all__ = list(_SAMPLED)


def __getattr__(name: str) -> Any:
    if name in _SAMPLED:
        return getattr(importlib.import_module("recstack.evaluation.sampled"), name)
    raise AttributeError(f"module 'recstack.evaluation' has no attribute {name!r}")
