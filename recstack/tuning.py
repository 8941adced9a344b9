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

The metric is any per-user metric of the evaluator: a ranking metric at a cut-off
(``recall@20``; ``ndcg`` alone means ``ndcg@10``) or ``auc``, which has none. A cut-off
larger than the catalog is refused once the data are read, before any trial is fitted, by
``recstack tune`` and under the graph-CF protocol alike (:func:`check_metric_cutoff`).

Some parameters have a range that depends on the data (GF-CF's and BSPM's SVD rank ``k``
must be below ``min(n_users, n_items)``): a default search space is clipped to what the
data allow before the search (refused when nothing of it is left), a ``[tune.space]``
reaching beyond it is refused, naming the limit. A trial whose model refuses the drawn
values ends the search with one error naming them; one whose fit ran but could not train
with them (diverged, collapsed, learned nothing) counts as failed, and the search goes on.

Under the graph-CF protocol (``[data] split`` names a folder of ``train.txt``,
``valid.txt``, ``test.txt``), the validation part is ``valid.txt`` and the training part
``train.txt``; ``recstack evaluate`` then tunes every model with a search space
(:func:`tune_models`) before refitting it on train plus valid, and ``recstack tune`` writes
one model's best parameters.
"""

from __future__ import annotations

import dataclasses
import decimal
import fractions
import json
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recstack.config import (
    Experiment,
    ModelSpec,
    require_experiment,
    timestamp_parameters,
    unknown_setting_hint,
)
from recstack.data import splits
from recstack.data.interactions import Interactions, check_flag
from recstack.errors import ConfigError, RecstackError, TrainingFailedError, counted
from recstack.errors import shown as shown_value
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import (
    experiment_inputs,
    load_split,
    make_split,
    named_step,
    prepare_data,
    refuse_output_over_inputs,
)
from recstack.models.base import _plain
from recstack.models.registry import create_model, model_class
from recstack.progress import Progress, resolve
from recstack.specs import (
    SEED_MAX,
    arguments_named,
    did_you_mean,
    finite_or_infinite,
    toml_shown,
    whole_exact_as_int,
)


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
    #: ``(what, path)`` of every file and folder the experiment reads (its own file, its
    #: data: :func:`recstack.experiment.experiment_inputs`), which the tuned experiment may
    #: not be written over
    inputs: list[tuple[str, Path]] = field(default_factory=list)

    def write_experiment(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """The experiment with the tuned model's parameters replaced by the best ones; its
        relative data paths are rewritten to hold from the new file's folder. ``path`` may
        not be a file the experiment reads (its own file, its data), as ``recstack tune
        --out`` refuses it. ``overwrite=False``: a file at ``path`` (another run wrote it
        while the search ran) is kept and the write refused."""
        from recstack.atomic import checked_output, write_text
        from recstack.config import dump_toml

        # as `recstack tune --out` checks it: a number was a TypeError from pathlib, and
        # 'x.txt' or 'out/' took the TOML without a word; a folder, a dangling link (it was
        # replaced by the file) or a pipe (it waited for a reader) is refused there too
        path = checked_output(path, "write_experiment(path)", suffixes=(".toml",),
                              writes="TOML")
        # the CLI refused the experiment file as --out, but from Python the search's own
        # experiment file was replaced by the tuned one, its original parameters lost
        refuse_output_over_inputs(path, self.inputs, "the tuned experiment", choose="path")
        raw = self.tuned_experiment
        if self.base_folder is not None:
            raw = _rebase_data_paths(raw, self.base_folder, Path(path).absolute().parent)
        return write_text(path, dump_toml(raw), overwrite=overwrite)


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

    require_experiment(experiment, "tune_models")
    table = experiment.tune
    if table is None:
        return {}
    check_metric_cutoff(experiment, train)
    if validation is None:
        inner = _validation_split(experiment, train, table.validation_fraction)
        train, validation = inner.train, inner.test
    seed = experiment.seed % 2**32 if table.seed is None else table.seed
    where = f"{experiment.where}[tune] "
    tuned = {}
    for spec in experiment.models:
        if table.model is not None and table.model not in (spec.label, spec.type):
            continue
        space = table.space if table.space is not None else tunable_space(
            spec.type, timestamps=train.timestamp is not None)
        if not space:
            continue
        started = time.perf_counter()
        with _prefixed(where):
            space = fit_space_to_data(spec.type, space, train, default=table.space is None,
                                      label=spec.label, base_params=spec.params)
            best, value, trials = search(
                spec.type, train, validation, space, base_params=spec.params,
                metric=table.metric, trials=table.trials, seed=seed, label=spec.label,
                progress=progress, default_space=table.space is None,
                relevance_threshold=experiment.evaluation.relevance_threshold,
                graded=experiment.evaluation.graded)
        tuned[spec.label] = TunedModel(best, value, table.metric, trials,
                                       time.perf_counter() - started)
    return tuned


@arguments_named
def tune(experiment: Experiment, *, progress: Progress | None = None) -> TuningResult:
    """Search the ``[tune]`` model's hyperparameters (see the module docstring)."""
    from recstack.config import check_models_fold_in

    require_experiment(experiment, "tune")
    settings = _tune_settings(experiment)
    spec = settings["spec"]
    if experiment.split is not None:
        # a users split carves held-out validation users (data that came split are carved
        # at random, with no held-out users)
        check_models_fold_in(experiment, (spec,))
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
        with named_step(f"{experiment.where}[data] "):
            train = load_split(experiment, progress).train
    else:
        with named_step(experiment.where):
            data, _ = prepare_data(experiment, progress)
        with named_step(f"{experiment.where}[split] "):
            train = make_split(experiment, data).train
    check_metric_cutoff(experiment, train)
    where = f"{experiment.where}[tune] "
    if not experiment.data.is_graph_cf:
        inner = _validation_split(experiment, train, settings["validation_fraction"])
    evaluator_settings = {"relevance_threshold": experiment.evaluation.relevance_threshold,
                          "graded": experiment.evaluation.graded}
    default = settings["default_space"]
    space = settings["space"]
    if default and inner.train.timestamp is None:
        # the default space of a file's model was taken before the data were read, with
        # its time parameters (most_popular's half_life_days): on data without timestamps
        # every trial failed, and the error said to narrow the space
        space = _space_without_time(spec, space, where)
    with _prefixed(where):
        space = fit_space_to_data(spec.type, space, inner.train, default=default,
                                  label=spec.label, base_params=spec.params)
    try:
        best, value, trials = search(spec.type, inner.train, inner.test, space,
                                     base_params=spec.params, metric=settings["metric"],
                                     trials=settings["trials"], seed=settings["seed"],
                                     label=spec.label, fold_in=inner.fold_in,
                                     progress=progress, default_space=default,
                                     **evaluator_settings)
    except RecstackError as error:
        if not getattr(error, "model_error", False):
            with _prefixed(where):
                raise
        # the configured model fails alike whatever is drawn: its own error, naming its
        # [[models]] entry as `recstack evaluate` and `recstack fit` do
        from recstack.experiment import model_step

        with model_step(experiment, spec.label):
            raise type(error)(error.model_error) from None  # type: ignore[attr-defined]
    tuned = _replace_model_params(experiment.raw, spec.label, best)
    return TuningResult(spec.label, settings["metric"], best, value, trials, tuned,
                        experiment.base_folder, experiment_inputs(experiment))


@arguments_named
def search(model_type: str, train: Interactions, validation: Interactions,
           space: dict[str, dict[str, Any]], *, base_params: dict[str, Any] | None = None,
           metric: str = "ndcg@10", trials: int = 20, seed: int = 0, label: str | None = None,
           fold_in: Interactions | None = None, progress: Progress | None = None,
           timeout: float | None = None, default_space: bool | None = None,
           **evaluator_settings: Any
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
    so a search never ends below the configuration it starts from on validation. A value
    of ``base_params`` the space leaves out is still used as is in that first trial (not
    drawn), where the model and the data accept it. In a conditional space, the next
    trials try each branch once from the starting point (:func:`branch_starts`); they
    count in ``trials``.

    A trial whose model refuses its parameters (a :class:`~recstack.errors.RecstackError`
    from the fit or the evaluation) ends the search with one error naming the trial's
    values and where they came from (``default_space``: whether ``space`` is the model's
    default search space or an experiment's ``[tune.space]``; None: neither). A trial whose
    fit ran but could not train (:class:`~recstack.errors.TrainingFailedError`: diverged,
    collapsed, learned nothing) counts as failed and the search goes on; an
    :class:`UntrainedTrialsWarning` says how many there were, and when every trial failed
    so, the first is raised as above."""
    import time

    try:
        import optuna
    except ImportError:
        raise RecstackError('tuning needs optuna: pip install "recstack[tune]"') from None
    # numpy numbers (a range from an array, a grid) and tuples of choices, as the model's
    # constructor takes them: the checks below refused np.int64(2) < np.int64(8) as "needs
    # whole numbers low < high" and a tuple of choices as "needs a non-empty 'choices'"
    space, base_params = plain_space(space), _plain_params(base_params)
    # a whole Decimal or Fraction is the count or seed it names, and an exact timeout the
    # float it names, as a model's settings and the data settings read them (trials=
    # Decimal(20) and seed=Decimal(3) were refused as "expected a whole number")
    # (a fraction is left as given, for the check to refuse as written)
    trials, seed = whole_exact_as_int(trials), whole_exact_as_int(seed)
    timeout = _plain_exact(timeout)
    if default_space is not None:
        # "no" was a KeyError when a trial failed (the message looks its wording up by the
        # flag), and 1 passed for True
        default_space = check_flag(default_space, "search: default_space (or None)")
    check_search_arguments(model_type, space, base_params, metric=metric, trials=trials,
                           seed=seed, timeout=timeout)
    check_search_data(train, validation, fold_in, label=label,
                      evaluator_settings=evaluator_settings)
    _refuse_time_dimensions(model_type, space, train, default_space)
    name, k, key = metric_column(metric)
    if key != name and k > train.n_items:
        # as check_metric_cutoff refuses it for `recstack tune`: every list would hold the
        # whole catalog, and the search maximised a number named for a longer list
        alone = f" ({name} alone means {name}@{k})" if "@" not in metric else ""
        raise ConfigError(f"metric = {metric!r}{alone}: K = {k} is larger than the catalog "
                          f"({counted(train.n_items, 'item')} in train); use K <= {train.n_items}, "
                          f"e.g. metric = '{name}@{train.n_items}'")
    evaluator = Evaluator(metrics=(name,), ks=(k,), **evaluator_settings)
    _check_validation_relevance(evaluator, validation)
    base = dict(base_params or {})
    defaults = _defaults(model_class(model_type).params)
    history: list[dict[str, Any]] = []
    start = starting_point(model_type, space, base)
    starts = [start, *branch_starts(model_type, space, base, start)] if start else []
    kept = _kept_outside_space(model_type, space, base, start, train)
    failure: list[RecstackError] = []
    untrained: list[RecstackError] = []  # the errors of trials whose fit failed
    untrained_in_full: list[Callable[[int], RecstackError]] = []  # the first, in full
    untrained_drawn: dict[str, RecstackError] = {}  # configurations whose fit failed
    seen: dict[str, float] = {}  # each configuration tried (as JSON) -> its value
    warned = _TrialWarnings()

    def objective(trial: optuna.Trial) -> float:
        params = dict(base)
        for param, description in space.items():
            if trial.number == 0 and param in kept:
                continue  # the configured value, which the space cannot draw
            if applies(description, defaults | params):
                params[param] = _suggest(trial, param, description)
        # a finite space (a categorical, a short int range) gives the sampler nothing new
        # to draw after a while, and it draws a configuration again: that one is not fitted
        # a second time (a model that is not bit-for-bit reproducible, on a GPU, could
        # then win the search by its noise), its value is the one it had
        drawn = json.dumps(params, sort_keys=True, default=repr)
        if drawn in seen:
            history.append({"number": trial.number, "params": params, "value": seen[drawn]}
                           | ({"failed": str(untrained_drawn[drawn])}
                              if drawn in untrained_drawn else {}))
            if drawn in untrained_drawn:
                untrained.append(untrained_drawn[drawn])
            return seen[drawn] if not math.isnan(seen[drawn]) else -math.inf
        try:
            with warned.trial():
                model = create_model(model_type, **params).fit(train)
                if fold_in is None:
                    result = evaluator.evaluate(model, train, validation,
                                                name=label or model_type)
                else:
                    result = evaluator.evaluate_fold_in(model, train, fold_in, validation,
                                                        name=label or model_type)
        except TrainingFailedError as error:
            if _interruption_of(error) is not None:
                raise
            # values drawn where the model cannot train (iALS's default space holds
            # regularisations that zero every factor on a large catalog) ended the whole
            # search; a failed trial is the worst value the search can see
            if not untrained:
                # told as any failed trial is (its values, where they came from) if every
                # trial fails, which only the end of the search knows
                def in_full(tried: int, error: RecstackError = error, trial: Any = trial,
                            params: dict[str, Any] = params) -> RecstackError:
                    alike = (_fails_alike(error, model_type, label, base, params, train)
                             if trial.params else None)
                    if alike is not None:
                        return alike
                    own = _trial_error(error, trial, trials, model_type, label, params,
                                       starts, kept, default_space)
                    name = label or model_type
                    # "trial 1 of 50 failed" hid that no other trial trained either
                    return type(own)(str(own).replace(
                        f"{name}: ", f"{name}: none of the {counted(tried, 'trial')} of the "
                        "search could train; the first, ", 1))

                untrained_in_full.append(in_full)
            untrained.append(error)
            untrained_drawn[drawn] = error
            seen[drawn] = math.nan
            history.append({"number": trial.number, "params": params, "value": math.nan,
                            "failed": str(error)})
            return -math.inf
        except RecstackError as error:
            if _interruption_of(error) is not None:
                # raised while a Ctrl-C unwound the trial: the interruption, not a failure
                # of the trial's values (interruptible takes it from here)
                raise
            # optuna would log the failure with its traceback before passing it on; the
            # user can act on one line naming the values that failed and where they came from
            own = (_fails_alike(error, model_type, label, base, params, train)
                   if trial.params else None)
            failure.append(own or _trial_error(error, trial, trials, model_type, label,
                                               params, starts, kept, default_space))
            trial.study.stop()
            raise optuna.TrialPruned() from None
        value = result.means()[key]
        seen[drawn] = value
        history.append({"number": trial.number, "params": params, "value": value})
        return value if not math.isnan(value) else -math.inf

    interrupted: list[KeyboardInterrupt] = []

    def interruptible(trial: optuna.Trial) -> float:
        try:
            return objective(trial)
        except BaseException as error:
            interruption = _interruption_of(error)
            if interruption is None:
                raise
            # optuna logs an objective's KeyboardInterrupt as a failed trial, with its
            # traceback, before passing it on: `recstack tune` showed that screen above its
            # one "interrupted" line. The trial ends as pruned (optuna logs that below
            # WARNING), the study stops, and the interruption itself is raised once
            # optuna has let go of the trial
            interrupted.append(interruption)
            trial.study.stop()
            raise optuna.TrialPruned() from None

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    for first in starts:
        study.enqueue_trial(first)
    with resolve(progress).task(f"Tuning {label or model_type}", total=trials) as task, \
            _interruptions_unmasked():
        def advance(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            if failure or interrupted:
                return
            task.report(best=study.best_value)
            task.advance()

        # optuna checks the timeout before the first trial as well: a timeout shorter than
        # the time to start one (1e-9) completed none, and best_params was optuna's
        # ValueError "No trials are completed yet"; the first trial always runs
        started = time.perf_counter()
        study.optimize(interruptible, n_trials=1, callbacks=[advance])
        left = None if timeout is None else timeout - (time.perf_counter() - started)
        if trials > 1 and not failure and not interrupted and (left is None or left > 0):
            study.optimize(interruptible, n_trials=trials - 1, timeout=left,
                           callbacks=[advance])
        if interrupted:
            # (inside the task: its bar or log line is closed as an interrupted one)
            raise interrupted[0]
    warned.summarise(len(study.trials))
    if failure:
        raise failure[0]
    if untrained and len(untrained) == len(study.trials):
        raise untrained_in_full[0](len(study.trials))
    if untrained:
        _say_untrained(untrained, len(study.trials), label or model_type)
    # a dimension left out of the best trial (the configured value kept as is, a condition
    # that did not hold) keeps its base value
    return base | study.best_params, study.best_value, history


# --------------------------------------------------------------------------- helpers
class UntrainedTrialsWarning(UserWarning):
    """Some trials of a search drew values its model could not train with (see
    :class:`~recstack.errors.TrainingFailedError`); they count as failed."""


def _say_untrained(untrained: list[RecstackError], trials: int, name: str) -> None:
    """Warn once how many trials could not train, with the first one's reason."""
    import warnings

    text = str(untrained[0])
    if len(untrained) > 1:
        warnings.warn(f"{name}: {len(untrained):,} of the {counted(trials, 'trial')} of the "
                      "search could not train and count as failed; the first: "
                      f"{text.removeprefix(f'{name}: ')}", UntrainedTrialsWarning, stacklevel=4)
    else:
        warnings.warn(f"{name}: 1 of the {counted(trials, 'trial')} of the search could not "
                      f"train and counts as failed: {text.removeprefix(f'{name}: ')}",
                      UntrainedTrialsWarning, stacklevel=4)


def _interruption_of(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C (or the CLI's SIGTERM/SIGHUP, a :class:`KeyboardInterrupt` too) that
    ``error`` is, or that it was raised while unwinding: code that cleans up in a
    ``finally`` can fail there because the interruption cut its work short, and its
    error hides the interruption."""
    if isinstance(error, KeyboardInterrupt):
        return error
    if isinstance(error.__context__, KeyboardInterrupt):
        return error.__context__
    return None


@contextmanager
def _interruptions_unmasked() -> Iterator[None]:
    """Raise the interruption that an error of the block hides. An interruption while
    optuna records a trial's result reached its ``finally`` before a variable it reads was
    set, and came out as ``UnboundLocalError: cannot access local variable
    'updated_state'``: a crash report for a Ctrl-C."""
    try:
        yield
    except Exception as error:
        interruption = _interruption_of(error)
        if interruption is None:
            raise
        raise interruption from None


class _TrialWarnings:
    """The warnings the trials of a search raise, each distinct one (its class and text)
    shown once, when a trial first raises it, and counted: ``recstack tune`` repeated the
    same warning (``als: factors=41 is more than both the users and the items``, of a
    configured value every trial keeps) once per trial, a screen of one line. At the end
    (:meth:`summarise`), one more warning says how many trials raised each one raised by
    more than one. The caller's filters still apply: an ignored warning is not shown nor
    counted, and one turned into an error is raised as before."""

    def __init__(self) -> None:
        # (class, text) -> [trials that raised it, the first raised]
        self.raised: dict[tuple[type[Warning], str], list[Any]] = {}

    @contextmanager
    def trial(self) -> Iterator[None]:
        import warnings

        records: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                records = caught
                yield
        finally:  # (also of a trial whose model refused its values)
            self._show(records)

    def _show(self, records: list[Any]) -> None:
        import warnings

        said: set[tuple[type[Warning], str]] = set()
        for record in records:
            key = (record.category, str(record.message))
            if key in said:
                continue  # (once a trial: a trial's own repeats are Python's to judge)
            said.add(key)
            if key in self.raised:
                self.raised[key][0] += 1
                continue
            self.raised[key] = [1, record]
            warnings.warn_explicit(record.message, record.category, record.filename,
                                   record.lineno, source=record.source)

    def summarise(self, trials: int) -> None:
        """One warning per distinct warning more than one trial raised, with their count."""
        import warnings

        for (category, text), (count, record) in self.raised.items():
            if count > 1:
                # (on one line, as the command line shows a warning)
                first = "; ".join(part.strip() for part in text.splitlines() if part.strip())
                if len(first) > 60:  # its start names it: it was shown whole before
                    first = first[:60].rsplit(" ", 1)[0] + "..."
                warnings.warn_explicit(
                    f"the warning {first!r} was raised by {count} of the "
                    f"{counted(trials, 'trial')} of the search (shown once, at the first)",
                    category, record.filename, record.lineno)


def check_search_arguments(model_type: str, space: Any, base_params: Any, *, metric: Any,
                           trials: Any, seed: Any, timeout: Any) -> None:
    """The arguments of :func:`search`, as an experiment's ``[tune]`` table is checked
    (:mod:`recstack.config`): optuna raised its own ValueError (no trial completed, a range
    with low > high, a seed beyond 32 bits), ran a fractional count of trials rounded up,
    ignored a NaN timeout, and maximised a metric the evaluator computes for the whole list
    (``coverage@10``) instead of per user. A ``base_params`` value the space does not
    always draw is checked against the model's declaration: every trial used it, and the
    first trial's error blamed the values it drew."""
    from recstack.config import TIMEOUT_MAX, TRIALS_MAX, check_space, check_tune_metric
    from recstack.specs import SEED_RULE

    check_tune_metric(metric)
    if (isinstance(trials, bool) or not isinstance(trials, int | np.integer)
            or not 1 <= trials <= TRIALS_MAX):
        raise ConfigError(f"trials = {shown_value(trials)}: expected a whole number of trials in "
                          f"[1, {TRIALS_MAX}]")
    if (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
            or not 0 <= seed <= SEED_MAX):
        raise ConfigError(f"seed = {shown_value(seed)}: expected {SEED_RULE}")
    if timeout is not None and (isinstance(timeout, bool)
                                or not isinstance(timeout, int | float | np.number)
                                or not math.isfinite(timeout)
                                or not 0 < timeout <= TIMEOUT_MAX):
        # optuna starts no trial under a timeout of 0, and never stops under a NaN one
        raise ConfigError(f"timeout = {shown_value(timeout)}: expected a positive number of "
                          f"seconds <= {TIMEOUT_MAX} (30 days), or None for no limit")
    cls = model_class(model_type)
    if not isinstance(space, dict) or not space:
        raise ConfigError(f"space = {space!r}: expected a non-empty dict of dimensions, e.g. "
                          "{'factors': {'type': 'int', 'low': 16, 'high': 128}}; a model's "
                          "default is recstack.config.tunable_space(model_type)")
    check_space("", space, model_type, dimension_key="space[{!r}]")
    if base_params is not None:
        if not isinstance(base_params, dict):
            raise ConfigError(f"base_params = {base_params!r}: expected a dict of "
                              f"{model_type}'s parameters")
        for param in base_params:
            if param not in cls.params:
                raise ConfigError(f"base_params: {model_type} has no parameter {param!r}"
                                  f"{unknown_setting_hint(cls, param, cls.params)}; its "
                                  "parameters: "
                                  f"{', '.join(sorted(cls.params))}")
        for param, value in base_params.items():
            # a value of a dimension the space draws in every trial is searched instead when
            # the model refuses it; any other is used as it is by every trial, and each
            # trial failed, its error blaming the values drawn ("narrow the ranges")
            if param in space and "when" not in space[param]:
                continue
            try:
                cls.params[param].check(model_type, param, value)
            except ConfigError as error:
                reason = ("the space draws it only where its 'when' holds" if param in space
                          else "it is not a dimension of space")
                raise ConfigError(f"base_params[{param!r}] = {shown_value(value)}: "
                                  f"{_without_model(str(error), model_type)}; every trial "
                                  f"would use it as it is ({reason}) and fail: give a value "
                                  "the model accepts") from None


def check_search_data(train: Any, validation: Any, fold_in: Any, *, label: Any,
                      evaluator_settings: dict[str, Any]) -> None:
    """The data, label and evaluator settings of :func:`search`, before the first trial: a
    DataFrame given as ``train`` failed with an AttributeError, and a ``validation`` or
    ``fold_in`` of the wrong kind or of another split, or a ``label`` that is no text,
    failed inside the first trial, whose error then blamed the values it drew ("narrow the
    ranges in the search space"); a misspelt evaluator setting was a TypeError of
    ``Evaluator.__init__``, and ``metrics`` or ``ks`` one of "multiple values"."""
    from recstack.data.interactions import require_interactions

    require_interactions(train, "search(train=...)")
    require_interactions(validation, "search(validation=...)")
    if fold_in is not None:
        require_interactions(fold_in, "search(fold_in=...)")
    for name, part in (("train", train), ("validation", validation)):
        if len(part) == 0:
            # an empty validation part was refused as "none of its 0 rows has" a relevant
            # value, "set graded = false"; an empty train part failed in the first trial
            raise RecstackError(f"search({name}=...): has no rows; give the {name} part of a "
                                "split that holds some (e.g. split.train and split.test of "
                                "random_split)")
    for name, part in (("validation", validation), ("fold_in", fold_in)):
        if part is not None and (part.users != train.users or part.items != train.items):
            raise RecstackError(f"search: train and {name} do not share their user and item "
                                "id maps; give the parts of one split (e.g. "
                                "split.train and split.test of random_split)")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise ConfigError(f"search(label=...) takes the model's label as non-empty text (or "
                          f"None for the model type), got {type(label).__name__} {label!r:.60}")
    settable = [f.name for f in dataclasses.fields(Evaluator)
                if f.name not in ("metrics", "ks")]
    for key in evaluator_settings:
        if key in ("metrics", "ks"):
            raise ConfigError(f"search({key}=...): the search computes one metric, named "
                              "with its cut-off by metric (e.g. metric='ndcg@10'); drop "
                              f"{key}")
        if key not in settable:
            raise ConfigError(f"search({key}=...): not an argument of search nor a setting "
                              f"of the Evaluator{did_you_mean(key, settable)}; the "
                              f"Evaluator's settings: {', '.join(settable)}")


def _space_without_time(spec: ModelSpec, space: dict[str, dict[str, Any]], where: str
                        ) -> dict[str, dict[str, Any]]:
    """A model's default search space for training data without timestamps: its dimensions
    over parameters that need them left out, and refused when nothing is left."""
    timed = timestamp_parameters(spec.type, space)
    kept = {name: description for name, description in space.items() if name not in timed}
    if not kept:
        raise ConfigError(f"{where}{spec.label}: {spec.type}'s default search space "
                          f"holds only {', '.join(timed)}, which needs timestamps, and these "
                          "data have none: there is nothing to tune; read the data with a "
                          "timestamp column, or tune another model")
    return kept


def _refuse_time_dimensions(model_type: str, space: dict[str, dict[str, Any]],
                            train: Interactions, default_space: bool | None) -> None:
    """A dimension over a parameter that needs timestamps, on training data without them:
    every trial that drew a value failed alike, and the first one's error said to narrow
    the ranges, which cannot help."""
    if train.timestamp is not None:
        return
    for name in timestamp_parameters(model_type, space):
        dimension = f"space.{name}" if default_space is False else f"space[{name!r}]"
        raise ConfigError(f"{dimension}: {model_type}'s {name} needs timestamps, and the "
                          f"training data have none; leave {name} out of the space (or read "
                          "the data with a timestamp column)")


def _without_model(message: str, model_type: str) -> str:
    prefix = f"{model_type}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def plain_space(space: Any) -> Any:
    """``space`` with numpy numbers as the Python numbers they equal and tuples or arrays of
    choices (and of ``when`` values) as lists, as an experiment file gives them; anything
    that is not a dict of dimensions is returned as it is, for the checks to name."""
    if not isinstance(space, dict):
        return space
    return {name: _plain_dimension(description) for name, description in space.items()}


def _plain_dimension(description: Any) -> Any:
    if not isinstance(description, dict):
        return description
    plain = {}
    for key, value in description.items():
        if key == "when" and isinstance(value, dict):
            value = {name: _plain_list(values) for name, values in value.items()}
        elif key == "choices":
            value = _plain_list(value)
        plain[key] = _plain_exact(value)
    return plain


def _plain_list(values: Any) -> Any:
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.tolist()
    return ([_plain_exact(value) for value in values] if isinstance(values, tuple | list)
            else values)


def _plain_exact(value: Any) -> Any:
    """:func:`~recstack.models.base._plain`, and an exact number (``Decimal``,
    ``Fraction``) as the int it names when whole, else the float, as a model reads its
    settings and a member's table (``low=Decimal("0.1")`` was refused as "needs numbers
    low < high", ``step=Decimal(2)`` as "expected a positive whole number"); one that names
    no finite float (``Decimal("NaN")``) stays as given, for the checks to refuse as
    written."""
    value = _plain(value)
    if not isinstance(value, decimal.Decimal | fractions.Fraction):
        return value
    whole = whole_exact_as_int(value)
    if isinstance(whole, int):
        return whole
    number = finite_or_infinite(value)
    return number if math.isfinite(number) else value


def _plain_params(params: Any) -> Any:
    if not isinstance(params, dict):
        return params
    return {name: _plain(value) for name, value in params.items()}


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
    return {"spec": spec, "space": space, "default_space": table.space is None,
            "metric": table.metric, "trials": table.trials,
            "validation_fraction": table.validation_fraction,
            # optuna's sampler takes a 32-bit seed; the experiment's may be wider
            "seed": experiment.seed % 2**32 if table.seed is None else table.seed}


def metric_column(metric: str) -> tuple[str, int, str]:
    """A ``[tune] metric`` as the evaluator's metric name, the cut-off it needs and the
    column of :meth:`EvaluationResult.means` holding it: ``ndcg`` means ``ndcg@10``; a
    metric over the whole catalog (``auc``) has no cut-off in its column name."""
    from recstack.evaluation.evaluator import FULL_SCORE_METRICS

    name, at, k = metric.partition("@")
    if name in FULL_SCORE_METRICS:
        if at:
            raise ConfigError(f"metric = {metric!r}: {name} is computed over the whole "
                              f"catalog, without a cut-off; write metric = \"{name}\"")
        return name, 10, name  # the evaluator needs some K; the column does not carry it
    cutoff = int(k) if k else 10
    return name, cutoff, f"{name}@{cutoff}"


def data_limits(model_type: str, train: Interactions) -> dict[str, tuple[int, str]]:
    """Parameters whose valid values depend on the data: name -> (the exclusive upper
    bound on ``train``, the bound in words), as the model declares them
    (:meth:`~recstack.models.base.Recommender.data_limits`)."""
    return model_class(model_type).data_limits(train.n_users, train.n_items)


def fit_space_to_data(model_type: str, space: dict[str, dict[str, Any]], train: Interactions,
                      *, default: bool, label: str | None = None,
                      base_params: dict[str, Any] | None = None
                      ) -> dict[str, dict[str, Any]]:
    """``space`` with its dimensions kept to what ``train`` allows (:func:`data_limits`).

    A default space is clipped, since its ranges were written for data of any size; a given
    one (``default`` false) is refused where it reaches beyond the limit, since the user
    chose its range. A default range wholly beyond the limit is refused too."""
    name = label or model_type
    base = base_params or {}
    fitted = dict(space)
    for param, (limit, words) in data_limits(model_type, train).items():
        description = space.get(param)
        if description is None:
            continue
        if description["type"] == "categorical":
            allowed = [c for c in description["choices"]
                       if not isinstance(c, int | float) or c < limit]
            beyond = [c for c in description["choices"] if c not in allowed]
            if not beyond:
                continue
            if not default or not allowed:
                raise ConfigError(_beyond_message(name, param, default,
                                                  f"choices {description['choices']}", words,
                                                  limit, base.get(param)))
            fitted[param] = description | {"choices": allowed}
            continue
        low, high = description["low"], description["high"]
        if high < limit:
            continue
        if not default or low >= limit:
            ends = f"{param} = {shown_value(low)}..{shown_value(high)}"
            raise ConfigError(_beyond_message(name, param, default, ends, words, limit,
                                              base.get(param)))
        top = limit - 1 if description["type"] == "int" else float(limit - 1)
        step = description.get("step")
        if step is not None:
            top = low + (top - low) // step * step
        fitted[param] = description | {"high": top}
    return fitted


def _beyond_message(name: str, param: str, default: bool, what: str, words: str, limit: int,
                    configured: Any) -> str:
    if default:
        # a configured value the data allow is a natural bottom for the range to suggest
        low = configured if isinstance(configured, int) and 1 <= configured < limit else 1
        return (f"{name}: the default search space has {what}, all of it beyond what this "
                f"data allows ({words}); search {param} below {limit} with [tune] model = "
                f"\"{name}\" and a [tune.space] table (e.g. {param} = {{ type = \"int\", "
                f"low = {low}, high = {limit - 1} }}, with the other dimensions to search)")
    return (f"space.{param}: {what} reaches beyond what this data allows ({words}); keep "
            f"{param} below {limit}")


def _kept_outside_space(model_type: str, space: dict[str, dict[str, Any]],
                        base: dict[str, Any], start: dict[str, Any], train: Interactions
                        ) -> set[str]:
    """The configured values the starting trial uses as they are: those the space cannot
    draw, where the model and the data accept them (a value they refuse is searched)."""
    declared = model_class(model_type).params
    limits = data_limits(model_type, train)
    kept = set()
    for name in space:
        if name not in base or name in start or name not in declared:
            continue
        value = base[name]
        try:
            declared[name].check(model_type, name, value)
        except ConfigError:
            continue
        if name in limits and isinstance(value, int | float) and value >= limits[name][0]:
            continue
        kept.add(name)
    return kept


def _trial_error(error: RecstackError, trial: Any, trials: int, model_type: str,
                 label: str | None, params: dict[str, Any], starts: list[dict[str, Any]],
                 kept: set[str], default_space: bool | None) -> RecstackError:
    """The one-line error ending a search whose trial failed: the trial's values, whether
    they were configured or drawn (and from which space), and how to narrow the space."""
    name = label or model_type
    # a starting trial's values are configured where they are the starting point's (a
    # branch's own choice counts as drawn from the space)
    configured = ({p for p, v in starts[trial.number].items() if starts[0].get(p) == v}
                  if trial.number < len(starts) else set())
    if trial.number == 0:
        configured |= kept
    drawn = {p: v for p, v in trial.params.items() if p not in configured}
    given = {p: v for p, v in params.items() if p in configured}
    origin = {True: f"{model_type}'s default search space", False: "[tune.space]",
              None: "the search space"}[default_space]
    parts = []
    if given:
        parts.append(f"{_listed(given)} from the starting configuration (its [[models]] "
                     "values, else the model's defaults)")
    if drawn:
        parts.append(f"{_listed(drawn)} drawn from {origin}")
    if drawn and default_space:
        hint = (f"narrow the space with [tune] model = \"{name}\" and a [tune.space] table "
                "(type, low, high or choices per dimension)")
    elif drawn:
        hint = f"narrow the ranges in {origin}"
    else:
        hint = f"change these values in {name}'s [[models]] table"
    message = str(error)
    if message.startswith(f"{model_type}: "):
        message = message[len(model_type) + 2:]
    values = " and ".join(parts) or "the configured values"
    # (a failed training keeps its class: a caller may tell it from a refusal)
    kind = type(error) if type(error) in (ConfigError, TrainingFailedError) else RecstackError
    return kind(f"{name}: trial {trial.number + 1} of {trials} failed with {values}: "
                f"{message}; {hint}")


def _fails_alike(error: RecstackError, model_type: str, label: str | None,
                 base: dict[str, Any], params: dict[str, Any], train: Interactions
                 ) -> RecstackError | None:
    """``error`` as the model's own when the configured values alone (``base``, without
    anything drawn) fail fitting with the same message: a misspelt feature column, a check
    of the data, fails every trial alike, and "narrow the ranges" sent the user to the
    search space. None when they fit, fail otherwise, or are the trial's own values."""
    if params == base:
        return None
    try:
        create_model(model_type, **base).fit(train)
    except RecstackError as again:
        if str(again) != str(error):
            return None
    except Exception:  # noqa: BLE001 - a diagnostic fit: the trial's own error stands
        return None
    else:
        return None
    message = _without_model(str(error), model_type)
    kind = type(error) if type(error) in (ConfigError, TrainingFailedError) else RecstackError
    own = kind(f"{label or model_type}: {message} (with its configured values, whatever "
               "the search draws)")
    own.model_error = message  # type: ignore[attr-defined]
    return own


def _listed(params: dict[str, Any]) -> str:
    return ", ".join(f"{name} = {shown_value(value)}" for name, value in params.items())


def _check_validation_relevance(evaluator: Evaluator, validation: Interactions) -> None:
    """Refuse, before any trial is fitted, a validation part in which no user has a relevant
    item: every trial would fail on it alike, and the error would blame the first trial's
    values (and say to change the model's parameters)."""
    if evaluator.relevance(validation).nnz:
        return
    values = np.asarray(validation.value, dtype=np.float64)
    largest = f" (the largest is {values.max():g})" if len(values) else ""
    if evaluator.relevance_threshold is not None:
        reason = (f"[evaluation] relevance_threshold = "
                  f"{shown_value(evaluator.relevance_threshold)} is "
                  f"above every value of its {counted(len(values), 'row')}{largest}; lower it, or "
                  "leave it out to count every row as relevant")
    else:
        reason = (f"with [evaluation] graded = true only values > 0 are relevant, and none of "
                  f"its {counted(len(values), 'row')} has one{largest}; set graded = false")
    raise ConfigError(f"no user of the validation part has a relevant item: {reason}")


def check_metric_cutoff(experiment: Experiment, train: Interactions) -> None:
    """Refuse a ``[tune] metric`` cut-off beyond the catalog of ``train``: every list would
    hold every item, and the evaluator would quietly score a shorter list than the one
    named. The one check of ``recstack tune`` and of the graph-CF protocol's searches
    (:func:`tune_models`), made once the data are read and before any trial is fitted (the
    catalog is not known when the file is read)."""
    if experiment.tune is None:
        return
    metric = experiment.tune.metric
    name, k, key = metric_column(metric)
    if key != name and k > train.n_items:
        table = experiment.raw.get("tune")
        # under the graph-CF protocol the default is recall@20, which a file need not say
        default = " (the default)" if isinstance(table, dict) and "metric" not in table else ""
        raise ConfigError(f"{experiment.where}[tune] metric = {toml_shown(metric)}{default}: "
                          f"K = {k} is "
                          f"larger than the catalog ({counted(train.n_items, 'item')} in "
                          f"the training "
                          f"part); use K <= {train.n_items}, e.g. metric = "
                          f"\"{name}@{train.n_items}\"")


@contextmanager
def _prefixed(where: str) -> Iterator[None]:
    """Name the file and the [tune] table in a search's errors (the search knows neither)."""
    try:
        yield
    except RecstackError as error:
        if type(error) not in (RecstackError, ConfigError, TrainingFailedError) \
                or str(error).startswith(where):
            raise
        raise type(error)(where + str(error)) from None


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


def branch_starts(model_type: str, space: dict[str, dict[str, Any]],
                  base_params: dict[str, Any], start: dict[str, Any]) -> list[dict[str, Any]]:
    """The starting point moved to each other choice of every categorical dimension that
    another dimension's ``when`` names (a branch of a conditional space), one at a time:
    :func:`starting_point` with that choice set, so the dimensions the branch opens start
    from ``base_params`` or the model's defaults too.

    TPE models a dimension only from the trials that drew it, so a branch that the random
    first trials miss (a similarity measure whose own parameter is then never drawn) would
    never be explored."""
    conditioning = {name for description in space.values()
                    for name in description.get("when", {})}
    starts: list[dict[str, Any]] = []
    for name in space:
        if name not in conditioning or name not in start:
            continue
        for choice in space[name]["choices"]:
            if not (choice == start[name] and type(choice) is type(start[name])):
                starts.append(starting_point(model_type, space, base_params | {name: choice}))
    return starts


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
    from recstack.config import fraction_shapes_validation

    # not the test split's own draw; wrapped, since the widest seed (SEED_MAX) has no next
    seed = (experiment.seed + 1) % (SEED_MAX + 1)
    method = experiment.split or splits.RandomSplit(fraction, seed)
    try:
        return method.for_validation(fraction, seed).apply(train)[0]
    except RecstackError as error:
        # the split speaks of its own settings ("test_fraction"), which the user did not
        # write: name the [tune] setting that made this split, and what to change
        if fraction_shapes_validation(experiment.split):
            cause = (f"[tune] validation_fraction = {shown_value(fraction)} (the share of the "
                     f"training "
                     f"part held out to validate on)")
            remedy = ("a validation_fraction that leaves rows in both parts, e.g. 0.2 (the "
                      "default)")
        else:
            cause = "[tune] (the validation part is carved out as [split] says)"
            remedy = "other [split] settings, or more data"
        raise type(error)(f"{experiment.where}{cause}: carving the validation part out of "
                          f"the training part ({counted(len(train), 'row')}) failed: {error}; "
                          f"use {remedy}") from None


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
