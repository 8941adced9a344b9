"""Evaluation: the full-catalog :class:`~recstack.evaluation.evaluator.Evaluator` (the
default) with its results (:class:`~recstack.evaluation.results.EvaluationResult`,
:func:`~recstack.evaluation.results.comparison_table`) and diagnostics
(:func:`~recstack.evaluation.diagnostics.diagnose`), and the sampled-negatives protocol of
NCF and SASRec (:func:`~recstack.evaluation.sampled.evaluate_sampled`).

The names below are loaded on first use, so that importing a submodule (``results``)
does not import the evaluator with it."""

from __future__ import annotations

import importlib
from typing import Any

_SAMPLED = ("DEFAULT_NEGATIVES", "NegativesWarning", "evaluate_sampled", "expected_hit_ndcg",
            "sample_negatives")
# the names this docstring promised: `from recstack.evaluation import Evaluator` was an
# ImportError, where the sampled protocol's names were importable from here
_MODULE_OF = {
    **dict.fromkeys(_SAMPLED, "recstack.evaluation.sampled"),
    "Evaluator": "recstack.evaluation.evaluator",
    "EvaluationResult": "recstack.evaluation.results",
    "MetricSummary": "recstack.evaluation.results",
    "PairedTest": "recstack.evaluation.results",
    "comparison_table": "recstack.evaluation.results",
    "diagnose": "recstack.evaluation.diagnostics",
    "mean_list_overlap": "recstack.evaluation.diagnostics",
}

__all__ = list(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        return getattr(importlib.import_module(_MODULE_OF[name]), name)
    from recstack.specs import did_you_mean

    raise AttributeError(f"module 'recstack.evaluation' has no attribute {name!r}"
                         + did_you_mean(name, __all__))


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
