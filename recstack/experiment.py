"""Run an experiment: load, filter, split, fit each model, evaluate, compare."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recstack.atomic import write_text
from recstack.config import Experiment
from recstack.data import filters as filter_module
from recstack.data import splits
from recstack.data.filters import FilterStep
from recstack.data.interactions import Interactions
from recstack.data.sources import ColumnMapping, load_source
from recstack.errors import ConfigError
from recstack.evaluation.diagnostics import Diagnostic, diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult, PairedTest, comparison_table
from recstack.models.base import Recommender
from recstack.models.registry import create_model
from recstack.progress import Progress


@dataclass
class ExperimentResult:
    experiment: Experiment
    filter_steps: list[FilterStep]
    split_report: splits.SplitReport
    results: list[EvaluationResult]
    fit_seconds: dict[str, float]
    diagnostics: dict[str, list[Diagnostic]]
    significance: dict[str, PairedTest]

    def table(self) -> pd.DataFrame:
        table = comparison_table(self.results)
        table["fit_s"] = pd.Series(self.fit_seconds)
        return table

    def write(self, out: str | Path) -> Path:
        """results.json (everything), summary.csv (the table) and one per-user CSV per model."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        payload = {
            "experiment": self.experiment.raw,
            "filters": [str(s) for s in self.filter_steps],
            "split": self.split_report.to_dict(),
            "models": [r.to_dict() | {"fit_seconds": self.fit_seconds[r.model]}
                       for r in self.results],
            "diagnostics": {m: [str(d) for d in ds] for m, ds in self.diagnostics.items()},
            "significance": {m: str(t) for m, t in self.significance.items()},
        }
        write_text(out / "results.json", json.dumps(payload, indent=2, default=str))
        write_text(out / "summary.csv", self.table().to_csv(index_label="model"))
        for result in self.results:
            result.to_csv(out / f"per_user_{result.model}.csv", per_user=True)
        return out


def build_models(experiment: Experiment) -> list[tuple[str, Recommender]]:
    """Create and validate every model before any data is loaded, so a typo in a model's
    parameters fails in a second, pointing at the model in the file."""
    models = []
    for number, spec in enumerate(experiment.models, start=1):
        try:
            model = create_model(spec.type, **spec.params)
            model.validate_params()
        except ConfigError as error:
            raise ConfigError(f"{experiment.source_file}: [[models]] #{number} "
                              f"({spec.label}): {error}") from None
        models.append((spec.label, model))
    return models


def prepare_data(experiment: Experiment, progress: Progress | None = None
                 ) -> tuple[Interactions, list[FilterStep]]:
    data_spec = experiment.data
    rating_range = data_spec.get("rating_range")
    columns = ColumnMapping(
        user=data_spec.get("user_col", "user_id"), item=data_spec.get("item_col", "item_id"),
        value=data_spec.get("value_col"), timestamp=data_spec.get("timestamp_col"),
        rating_range=tuple(rating_range) if rating_range else None)
    data = load_source(data_spec["source"], columns=columns, progress=progress)
    return filter_module.apply_filters(data, [_make_filter(f) for f in experiment.filters])


def make_split(experiment: Experiment, data: Interactions) -> splits.Split:
    params = dict(experiment.split)
    method = params.pop("method")
    if method == "random":
        return splits.random_split(data, **params)
    if method == "temporal":
        return splits.temporal_split(data, **params)
    if method == "leave_last_out":
        return splits.leave_last_out(data, **params)
    return splits.user_split(data, **params)


def run_experiment(experiment: Experiment, *, progress: Progress | None = None,
                   baseline: str | None = None) -> ExperimentResult:
    """Fit and evaluate every model on one split. Diagnostics and paired significance tests
    compare each model with ``baseline`` (default: the first model)."""
    models = build_models(experiment)
    data, steps = prepare_data(experiment, progress)
    split = make_split(experiment, data)
    evaluation = dict(experiment.evaluation)
    evaluator = Evaluator(**evaluation)

    results: list[EvaluationResult] = []
    fit_seconds: dict[str, float] = {}
    for label, model in models:
        started = time.perf_counter()
        model.fit(split.train, progress=progress)
        fit_seconds[label] = time.perf_counter() - started
        if split.fold_in is not None:
            result = evaluator.evaluate_fold_in(model, split.train, split.fold_in, split.test,
                                                name=label, progress=progress)
        else:
            result = evaluator.evaluate(model, split.train, split.test, name=label,
                                        progress=progress)
        results.append(result)

    reference = next((r for r in results if r.model == baseline), results[0])
    diagnostics = {r.model: diagnose(r, None if r is reference else reference) for r in results}
    headline = _headline_metric(evaluator)
    significance = {r.model: r.compare(reference, headline) for r in results
                    if r is not reference and headline in r.per_user.columns}
    return ExperimentResult(experiment, steps, split.report, results, fit_seconds,
                            diagnostics, significance)


def _headline_metric(evaluator: Evaluator) -> str:
    for metric in ("ndcg", "recall", "map", "precision", "hit_rate", "mrr", "auc"):
        if metric in evaluator.metrics:
            return metric if metric == "auc" else f"{metric}@{min(evaluator.ks)}"
    return ""


def _make_filter(spec: dict[str, Any]) -> filter_module.Filter:
    params = {k: v for k, v in spec.items() if k != "type"}
    return {
        "k_core": filter_module.KCore,
        "min_value": filter_module.MinValue,
        "time_window": filter_module.TimeWindow,
        "deduplicate": filter_module.Deduplicate,
    }[spec["type"]](**params)
