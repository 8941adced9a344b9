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

A dimension that matters only for some values of a categorical one says so with ``when``;
trials that draw other values leave it at its base value, so the sampler does not spend
trials on it there (optuna's TPE handles such conditional spaces)::

    similarity = { type = "categorical", choices = ["cosine", "asymmetric", "jaccard"] }
    asymmetric_alpha = { type = "float", low = 0.0, high = 2.0,
                         when = { similarity = ["asymmetric"] } }

Under the graph-CF protocol (``[data] split`` names a folder of ``train.txt``,
``valid.txt``, ``test.txt``), the validation part is ``valid.txt`` and the training part
``train.txt``; ``recstack evaluate`` then tunes every model with a search space
(:func:`tune_models`) before refitting it on train plus valid, and ``recstack tune`` writes
one model's best parameters.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recstack.config import Experiment, ModelSpec
from recstack.data import splits
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import load_split, make_split, prepare_data
from recstack.models.registry import create_model, model_class
from recstack.progress import Progress, resolve


@dataclass
class TuningResult:
    model_label: str
    metric: str
    best_params: dict[str, Any]
    best_value: float
    trials: list[dict[str, Any]] = field(default_factory=list)
    tuned_experiment: dict[str, Any] = field(default_factory=dict)

    #: the folder the experiment's relative paths were taken from
    base_folder: Path | None = None

    def write_experiment(self, path: str | Path) -> Path:
        """The experiment with the tuned model's parameters replaced by the best ones; its
        relative data paths are rewritten to hold from the new file's folder."""
        from recstack.atomic import write_text
        from recstack.config import dump_toml

        raw = self.tuned_experiment
        if self.base_folder is not None:
            raw = _rebase_data_paths(raw, self.base_folder, Path(path).absolute().parent)
        return write_text(path, dump_toml(raw))


@dataclass
class TunedModel:
    """One model's search under the graph-CF protocol: the best parameters found on the
    validation part and how they scored there."""

    best_params: dict[str, Any]
    best_value: float
    metric: str
    trials: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"best_params": self.best_params, "validation_value": self.best_value,
                "metric": self.metric, "trials": len(self.trials), "seconds": self.seconds}


def tune_models(experiment: Experiment, train: Interactions, validation: Interactions | None,
                *, progress: Progress | None = None) -> dict[str, TunedModel]:
    """Tune the ``[tune]`` model(s) of a graph-CF experiment on ``validation``, fitting each
    trial on ``train`` only (the test part is not an argument: it cannot be looked at).

    Every model with a search space is tuned when ``[tune]`` names none; each gets the same
    budget (``trials``, the same seeded sampler). Without ``validation`` (a split with no
    ``valid.txt``), a random ``validation_fraction`` of each user's training rows is
    carved out instead. Returns label -> :class:`TunedModel` (models with nothing to tune
    are left out)."""
    import time

    from recstack.config import tunable_space

    table = experiment.tune
    if table is None:
        return {}
    if validation is None:
        inner = _validation_split(experiment, train, table.validation_fraction)
        train, validation = inner.train, inner.test
    seed = experiment.seed % 2**32 if table.seed is None else table.seed
    tuned = {}
    for spec in experiment.models:
        if table.model is not None and table.model not in (spec.label, spec.type):
            continue
        space = table.space if table.space is not None else tunable_space(
            spec.type, timestamps=train.timestamp is not None)
        if not space:
            continue
        started = time.perf_counter()
        best, value, trials = search(
            spec.type, train, validation, space, base_params=spec.params,
            metric=table.metric, trials=table.trials, seed=seed, label=spec.label,
            progress=progress, relevance_threshold=experiment.evaluation.relevance_threshold,
            graded=experiment.evaluation.graded)
        tuned[spec.label] = TunedModel(best, value, table.metric, trials,
                                       time.perf_counter() - started)
    return tuned


def tune(experiment: Experiment, *, progress: Progress | None = None) -> TuningResult:
    """Search the ``[tune]`` model's hyperparameters (see the module docstring)."""
    settings = _tune_settings(experiment)
    spec = settings["spec"]
    if experiment.data.is_graph_cf:
        from recstack.experiment import load_graph_cf

        parts = load_graph_cf(experiment, progress)
        if parts.valid is None:
            inner = _validation_split(experiment, parts.train, settings["validation_fraction"])
        else:
            inner = splits.Split(parts.train, parts.valid, parts.valid.select(
                np.zeros(len(parts.valid), bool)), parts.report)  # type: ignore[arg-type]
        train = parts.train
    elif experiment.data.is_split:
        train = load_split(experiment, progress).train
    else:
        data, _ = prepare_data(experiment, progress)
        train = make_split(experiment, data).train
    k = int(settings["metric"].partition("@")[2] or 10)
    if k > train.n_items:
        raise ConfigError(f"{experiment.where}[tune] metric = {settings['metric']!r}: K = {k} "
                          f"is larger than the catalog ({train.n_items:,} items in the "
                          f"training part); use K <= {train.n_items}")
    if not experiment.data.is_graph_cf:
        inner = _validation_split(experiment, train, settings["validation_fraction"])
    evaluator_settings = {"relevance_threshold": experiment.evaluation.relevance_threshold,
                          "graded": experiment.evaluation.graded}
    best, value, trials = search(spec.type, inner.train, inner.test, settings["space"],
                                 base_params=spec.params, metric=settings["metric"],
                                 trials=settings["trials"], seed=settings["seed"],
                                 label=spec.label, fold_in=inner.fold_in, progress=progress,
                                 **evaluator_settings)
    tuned = _replace_model_params(experiment.raw, spec.label, best)
    return TuningResult(spec.label, settings["metric"], best, value, trials, tuned,
                        experiment.base_folder)


def search(model_type: str, train: Interactions, validation: Interactions,
           space: dict[str, dict[str, Any]], *, base_params: dict[str, Any] | None = None,
           metric: str = "ndcg@10", trials: int = 20, seed: int = 0, label: str | None = None,
           fold_in: Interactions | None = None, progress: Progress | None = None,
           timeout: float | None = None, **evaluator_settings: Any
           ) -> tuple[dict[str, Any], float, list[dict[str, Any]]]:
    """Maximise ``metric`` on ``validation`` over ``space`` with optuna's seeded TPE sampler,
    fitting each trial's model on ``train``. Returns the best parameters (``base_params``
    updated), the best value and every trial's parameters and value.

    With ``fold_in`` (a held-out-users split: the validation users' revealed history), each
    trial scores the validation users from that history
    (:meth:`Evaluator.evaluate_fold_in`), since the model never trained on them.

    With ``timeout`` (seconds), no trial starts after that long; the trials finished count
    (at least one always does).

    The first trial is the starting point: ``base_params`` over the model's defaults, for
    the dimensions of ``space`` where that value lies in the space (:func:`starting_point`),
    so a search never ends below the configuration it starts from on validation."""
    try:
        import optuna
    except ImportError:
        raise RecstackError('tuning needs optuna: pip install "recstack[tune]"') from None
    name, _, k = metric.partition("@")
    evaluator = Evaluator(metrics=(name,), ks=(int(k) if k else 10,), **evaluator_settings)
    key = metric if k else f"{name}@10"
    base = dict(base_params or {})
    defaults = _defaults(model_class(model_type).params)
    history: list[dict[str, Any]] = []

    def objective(trial: optuna.Trial) -> float:
        params = dict(base)
        for param, description in space.items():
            if applies(description, defaults | params):
                params[param] = _suggest(trial, param, description)
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
    start = starting_point(model_type, space, base)
    if start:
        study.enqueue_trial(start)
    with resolve(progress).task(f"Tuning {label or model_type}", total=trials) as task:
        def advance(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            task.report(best=study.best_value)
            task.advance()

        study.optimize(objective, n_trials=trials, timeout=timeout, callbacks=[advance])
    return base | study.best_params, study.best_value, history


# --------------------------------------------------------------------------- helpers
def _tune_settings(experiment: Experiment) -> dict[str, Any]:
    """The ``[tune]`` table, checked when the file was read, with its defaults resolved."""
    from recstack.config import tunable_space

    table = experiment.tune
    if table is None:
        raise ConfigError(f"{experiment.where}no [tune] table; add one naming the model to "
                          "tune, e.g. [tune] model = \"als\"")
    if table.model is None:
        tunable = [m for m in experiment.models
                   if tunable_space(m.type, timestamps=not experiment.data.is_graph_cf)]
        if len(tunable) != 1:
            raise ConfigError(f"{experiment.where}[tune] model: recstack tune writes one "
                              "model's best parameters; name it with model = LABEL (labels: "
                              f"{', '.join(m.label for m in tunable)}); recstack evaluate "
                              "tunes every model under the graph-CF protocol")
        spec: ModelSpec = tunable[0]
    else:
        spec = next(m for m in experiment.models if table.model in (m.label, m.type))
    space = table.space if table.space is not None else tunable_space(
        spec.type, timestamps=not experiment.data.is_graph_cf)
    return {"spec": spec, "space": space, "metric": table.metric, "trials": table.trials,
            "validation_fraction": table.validation_fraction,
            # optuna's sampler takes a 32-bit seed; the experiment's may be wider
            "seed": experiment.seed % 2**32 if table.seed is None else table.seed}


def starting_point(model_type: str, space: dict[str, dict[str, Any]],
                   base_params: dict[str, Any]) -> dict[str, Any]:
    """For each dimension of ``space``, the value the search starts from: the one in
    ``base_params``, else the model's default, kept only where the space holds it (inside
    the range and on the step of a numeric dimension, among the choices of a categorical
    one); dimensions without one are sampled."""
    declared = model_class(model_type).params
    start: dict[str, Any] = {}
    for name, description in space.items():
        if not applies(description, {**_defaults(declared), **base_params, **start}):
            continue
        if name in base_params:
            value = base_params[name]
        elif name in declared:
            value = declared[name].default
        else:
            continue
        if _in_space(value, description):
            start[name] = value
    return start


def applies(description: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether a dimension is searched given the values drawn (or set) so far: always,
    unless its ``when`` table names a parameter whose value is not among those listed."""
    return all(any(params.get(name) == value and type(params.get(name)) is type(value)
                   for value in values)
               for name, values in description.get("when", {}).items())


def _defaults(declared: dict[str, Any]) -> dict[str, Any]:
    from recstack.models.base import REQUIRED

    return {name: param.default for name, param in declared.items()
            if param.default is not REQUIRED}


def _in_space(value: Any, description: dict[str, Any]) -> bool:
    if description["type"] == "categorical":
        return any(value == choice and type(value) is type(choice)
                   for choice in description["choices"])
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    low, high = description["low"], description["high"]
    if description["type"] == "int" and not float(value).is_integer():
        return False
    if not low <= value <= high:
        return False
    step = description.get("step")
    return step is None or math.isclose((value - low) / step, round((value - low) / step))


def _suggest(trial: Any, name: str, description: dict[str, Any]) -> Any:
    kind = description["type"]
    log = bool(description.get("log", False))
    if kind == "int":
        return trial.suggest_int(name, int(description["low"]), int(description["high"]),
                                 step=int(description.get("step", 1)), log=log)
    if kind == "float":
        step = description.get("step")
        return trial.suggest_float(name, float(description["low"]), float(description["high"]),
                                   step=None if step is None else float(step), log=log)
    return trial.suggest_categorical(name, description["choices"])


def _validation_split(experiment: Experiment, train: Interactions,
                      fraction: float) -> splits.Split:
    """Split the training part again, the way the experiment splits its data (data that
    came split are split again at random)."""
    seed = experiment.seed + 1  # not the test split's own draw
    method = experiment.split or splits.RandomSplit(fraction, seed)
    return method.for_validation(fraction, seed).apply(train)[0]


def _rebase_data_paths(raw: dict[str, Any], old: Path, new: Path) -> dict[str, Any]:
    """``raw`` with the relative paths of its [data] table made relative to ``new``."""
    from recstack.config import DATA_KEYS

    data = dict(raw.get("data", {}))
    for key in DATA_KEYS:
        value = data.get(key)
        if isinstance(value, str) and not Path(value).is_absolute() and (old / value).exists():
            data[key] = os.path.relpath(old / value, new)
    return raw | {"data": data}


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
