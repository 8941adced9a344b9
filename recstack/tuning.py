"""Hyperparameter search with optuna on a validation split carved out of the training data.

The test split is never looked at: the experiment's training part is split again, with the
experiment's own split method, into an inner training part and a validation part; each
trial fits on the first and is scored on the second. The best parameters are written back
out as an experiment file, ready for ``recstack evaluate``.

An experiment file opts in with a ``[tune]`` table::

    [tune]
    model = "als"              # the label (or type) of the model to tune
    metric = "ndcg@10"         # any per-user metric the evaluator computes
    trials = 30
    validation_fraction = 0.2  # for random / temporal / user splits of the training part

    [tune.space]               # optional: the model's default search space otherwise
    factors = { type = "int", low = 16, high = 256, log = true }
    regularization = { type = "float", low = 1e-4, high = 1.0, log = true }
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recstack.config import Experiment, ModelSpec
from recstack.data import splits
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import make_split, prepare_data
from recstack.models.registry import create_model, model_class
from recstack.progress import Progress, resolve

TUNE_KEYS = {"model", "metric", "trials", "validation_fraction", "space", "seed"}
SPACE_TYPES = ("int", "float", "categorical")


@dataclass
class TuningResult:
    model_label: str
    metric: str
    best_params: dict[str, Any]
    best_value: float
    trials: list[dict[str, Any]] = field(default_factory=list)
    tuned_experiment: dict[str, Any] = field(default_factory=dict)

    def write_experiment(self, path: str | Path) -> Path:
        """The experiment with the tuned model's parameters replaced by the best ones."""
        from recstack.atomic import write_text
        from recstack.config import dump_toml

        return write_text(path, dump_toml(self.tuned_experiment))


def tune(experiment: Experiment, *, progress: Progress | None = None) -> TuningResult:
    """Search the ``[tune]`` model's hyperparameters (see the module docstring)."""
    settings = _tune_settings(experiment)
    spec = settings["spec"]
    data, _ = prepare_data(experiment, progress)
    train = make_split(experiment, data).train
    inner = _validation_split(experiment, train, settings["validation_fraction"])
    evaluator_settings = {k: experiment.evaluation[k] for k in ("relevance_threshold", "graded")
                          if k in experiment.evaluation}
    best, value, trials = search(spec.type, inner.train, inner.test, settings["space"],
                                 base_params=spec.params, metric=settings["metric"],
                                 trials=settings["trials"], seed=settings["seed"],
                                 label=spec.label, fold_in=inner.fold_in, progress=progress,
                                 **evaluator_settings)
    tuned = _replace_model_params(experiment.raw, spec.label, best)
    return TuningResult(spec.label, settings["metric"], best, value, trials, tuned)


def search(model_type: str, train: Interactions, validation: Interactions,
           space: dict[str, dict[str, Any]], *, base_params: dict[str, Any] | None = None,
           metric: str = "ndcg@10", trials: int = 20, seed: int = 0, label: str | None = None,
           fold_in: Interactions | None = None, progress: Progress | None = None,
           **evaluator_settings: Any) -> tuple[dict[str, Any], float, list[dict[str, Any]]]:
    """Maximise ``metric`` on ``validation`` over ``space`` with optuna's seeded TPE sampler,
    fitting each trial's model on ``train``. Returns the best parameters (``base_params``
    updated), the best value and every trial's parameters and value.

    With ``fold_in`` (a held-out-users split: the validation users' revealed history), each
    trial scores the validation users from that history
    (:meth:`Evaluator.evaluate_fold_in`), since the model never trained on them."""
    try:
        import optuna
    except ImportError:
        raise RecstackError('tuning needs optuna: pip install "recstack[tune]"') from None
    name, _, k = metric.partition("@")
    evaluator = Evaluator(metrics=(name,), ks=(int(k) if k else 10,), **evaluator_settings)
    key = metric if k else f"{name}@10"
    base = dict(base_params or {})
    history: list[dict[str, Any]] = []

    def objective(trial: optuna.Trial) -> float:
        params = base | {p: _suggest(trial, p, d) for p, d in space.items()}
        model = create_model(model_type, **params).fit(train)
        if fold_in is None:
            result = evaluator.evaluate(model, train, validation, name=label or model_type)
        else:
            result = evaluator.evaluate_fold_in(model, train, fold_in, validation,
                                                name=label or model_type)
        value = result.means()[key]
        history.append({"number": trial.number, "params": params, "value": value})
        return value if not math.isnan(value) else -math.inf

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    with resolve(progress).task(f"Tuning {label or model_type}", total=trials) as task:
        def advance(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            task.report(best=study.best_value)
            task.advance()

        study.optimize(objective, n_trials=trials, callbacks=[advance])
    return base | study.best_params, study.best_value, history


# --------------------------------------------------------------------------- helpers
def _tune_settings(experiment: Experiment) -> dict[str, Any]:
    where = f"{experiment.source_file}: [tune] "
    raw = experiment.raw.get("tune")
    if not isinstance(raw, dict):
        raise ConfigError(f"{experiment.source_file}: no [tune] table; add one naming the "
                          "model to tune, e.g. [tune] model = \"als\"")
    unknown = set(raw) - TUNE_KEYS
    if unknown:
        raise ConfigError(f"{where}unknown key(s) {sorted(unknown)}; known keys: "
                          + ", ".join(sorted(TUNE_KEYS)))
    label = raw.get("model")
    matches = [m for m in experiment.models if label in (m.label, m.type)]
    if len(matches) != 1:
        raise ConfigError(f"{where}model: {label!r} names "
                          f"{'no' if not matches else 'more than one'} model; labels: "
                          + ", ".join(m.label for m in experiment.models))
    spec: ModelSpec = matches[0]
    metric = raw.get("metric", "ndcg@10")
    if not isinstance(metric, str) or not re.fullmatch(r"[a-z_]+(@\d+)?", metric):
        raise ConfigError(f"{where}metric: expected a name like 'ndcg@10', got {metric!r}")
    trials = raw.get("trials", 20)
    if not isinstance(trials, int) or isinstance(trials, bool) or trials < 1:
        raise ConfigError(f"{where}trials: expected a positive integer, got {trials!r}")
    fraction = raw.get("validation_fraction", 0.2)
    if not isinstance(fraction, int | float) or not 0 < fraction < 1:
        raise ConfigError(f"{where}validation_fraction: expected a number between 0 and 1, "
                          f"got {fraction!r}")
    space = raw.get("space") or getattr(model_class(spec.type), "search_space", {})
    if not space:
        raise ConfigError(f"{where}space: model {spec.type!r} has no default search space; "
                          "give one, e.g. [tune.space] factors = { type = \"int\", low = 16, "
                          "high = 128 }")
    known = set(model_class(spec.type).params)
    for param, description in space.items():
        if param not in known:
            raise ConfigError(f"{where}space: {spec.type} has no parameter {param!r}; its "
                              f"parameters: {', '.join(sorted(known))}")
        _check_dimension(f"{where}space.{param}: ", description)
    return {"spec": spec, "space": space, "metric": metric, "trials": trials,
            "validation_fraction": float(fraction), "seed": raw.get("seed", experiment.seed)}


def _check_dimension(where: str, description: Any) -> None:
    if not isinstance(description, dict) or description.get("type") not in SPACE_TYPES:
        raise ConfigError(f"{where}expected a table with type = one of {SPACE_TYPES}")
    if description["type"] == "categorical":
        if not isinstance(description.get("choices"), list) or not description["choices"]:
            raise ConfigError(f"{where}a categorical dimension needs a non-empty 'choices'")
        return
    low, high = description.get("low"), description.get("high")
    if not isinstance(low, int | float) or not isinstance(high, int | float) or low >= high:
        raise ConfigError(f"{where}needs numbers low < high, got low={low!r}, high={high!r}")
    if description.get("log") and low <= 0:
        raise ConfigError(f"{where}a log-scale dimension needs low > 0, got {low!r}")


def _suggest(trial: Any, name: str, description: dict[str, Any]) -> Any:
    kind = description["type"]
    if kind == "int":
        return trial.suggest_int(name, int(description["low"]), int(description["high"]),
                                 log=bool(description.get("log", False)))
    if kind == "float":
        return trial.suggest_float(name, float(description["low"]), float(description["high"]),
                                   log=bool(description.get("log", False)))
    return trial.suggest_categorical(name, description["choices"])


def _validation_split(experiment: Experiment, train: Interactions,
                      fraction: float) -> splits.Split:
    """Split the training part again, the way the experiment splits its data."""
    method = experiment.split["method"]
    seed = experiment.seed + 1  # not the test split's own draw
    if method == "temporal":
        return splits.temporal_split(train, test_fraction=fraction)
    if method == "leave_last_out":
        return splits.leave_last_out(train, experiment.split.get("n", 1))
    if method == "users":
        return splits.user_split(train, fraction, seed=seed)
    return splits.random_split(train, fraction, seed=seed)


def _replace_model_params(raw: dict[str, Any], label: str, params: dict[str, Any]
                          ) -> dict[str, Any]:
    tuned = {k: v for k, v in raw.items() if k != "tune"}
    models = []
    for model in raw["models"]:
        if model.get("label", model["type"]) == label or (
                "label" not in model and model["type"] == label):
            keep = {k: v for k, v in model.items() if k in ("type", "label")}
            model = keep | params
        models.append(model)
    tuned["models"] = models
    return tuned
