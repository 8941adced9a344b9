"""Run an experiment: load, filter, split, fit each model, evaluate, compare.

Everything that can be checked without data was checked when the file was read
(:mod:`recstack.config`). Before the first model is fitted, :func:`run_experiment` also
checks the output folder (it must be new, or ``overwrite`` given, and writable) and the
cut-offs against the catalog. Under the graph-CF protocol (``[data] split`` naming a folder
of ``train.txt``, ``valid.txt``, ``test.txt``), each model is first tuned on the validation
file with the training file only (when the file has a ``[tune]`` table), then refit on
training plus validation and evaluated on the test file. Results are written as a whole
folder at the end (:func:`recstack.atomic.atomic_directory`), with the report when
``[report] html`` asks for one: a killed run leaves the old results or none; a report that
fails leaves the new results without one, and says how to draw it.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recstack.atomic import (
    blocking_parent,
    checked_path,
    describe_path,
    file_name_problem,
    output_lock,
    padded_name_problem,
    refuse_non_file,
)
from recstack.config import Experiment, check_models_fold_in, require_experiment
from recstack.data import filters as filter_module
from recstack.data import splits
from recstack.data.adjacency import AdjacencyReport, AdjacencySplits
from recstack.data.filters import FilterStep
from recstack.data.interactions import Interactions, check_flag
from recstack.data.sources import load_source
from recstack.errors import (
    ConfigError,
    DataFormatError,
    EmptyResultError,
    RecstackError,
    TrainingFailedError,
    counted,
    shown,
)
from recstack.evaluation.diagnostics import Diagnostic, diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import (
    ALIKE_MARK,
    CONFIDENCE,
    RESULTS_FORMAT_VERSION,
    EvaluationResult,
    PairedTest,
    holm_adjust,
)
from recstack.models.base import Recommender
from recstack.models.registry import create_model
from recstack.progress import Progress, resolve
from recstack.specs import arguments_named, toml_shown

_log = logging.getLogger(__name__)

#: the file every results folder holds (what `--overwrite` may replace)
RESULTS_FILE = "results.json"


@dataclass
class ExperimentResult:
    """Everything a run produced. With a cross-validation split, each model's result holds
    every user's metrics averaged over the folds that tested the user."""

    experiment: Experiment
    filter_steps: list[FilterStep]
    #: each split's report (the loader's :class:`AdjacencyReport` for a graph-CF split)
    split_reports: list[splits.SplitReport | AdjacencyReport]
    results: list[EvaluationResult]
    fit_seconds: dict[str, float]
    diagnostics: dict[str, list[Diagnostic]]
    significance: dict[str, PairedTest]
    fold_results: dict[str, list[EvaluationResult]] = field(default_factory=dict)
    #: label -> the search on the validation part (graph-CF protocol with ``[tune]``)
    tuning: dict[str, Any] = field(default_factory=dict)
    #: label -> the fitted model (of the first fold), kept when ``[report] save_models``
    models: dict[str, Recommender] = field(default_factory=dict)

    @property
    def split_report(self) -> splits.SplitReport | AdjacencyReport:
        """The (first) split's report."""
        return self.split_reports[0]

    def table(self) -> pd.DataFrame:
        """One row per model: users evaluated, test users without a relevant item, each
        per-user metric's mean with its 95% confidence interval (``METRIC_ci_low``,
        ``METRIC_ci_high``), the catalog-level metrics and the fit time."""
        rows = {}
        for result in self.results:
            row: dict[str, float] = {"users": len(result.per_user),
                                     "no_relevant": result.users_without_relevant}
            for metric, summary in result.summary().items():
                row[metric] = summary.mean
                row[f"{metric}_ci_low"] = summary.ci_low
                row[f"{metric}_ci_high"] = summary.ci_high
            row |= result.aggregate
            row["fit_s"] = self.fit_seconds[result.model]
            rows[result.model] = row
        return pd.DataFrame(rows).T

    def format_table(self) -> str:
        """The comparison table as text: metrics as rows, models as columns, each mean with
        its confidence interval, then the counts of users behind them.

        An interval is shown as ``mean ±half-width`` where it is symmetric, and as ``mean
        [low, high]`` on the row of a metric whose interval was cut at the metric's bounds
        (:attr:`MetricSummary.clipped`) for any model: a cut interval is not symmetric
        about its mean, and one notation per row keeps the models comparable."""
        table = self.table()
        lines: dict[str, dict[str, str]] = {}
        per_user = [c for c in self.results[0].per_user.columns]
        summaries = {result.model: result.summary() for result in self.results}
        # shown as [low, high]: an interval cut at the bounds, or the exact one of values
        # alike, neither symmetric about the mean
        uneven = {metric for metric in per_user
                  if any(summary[metric].clipped or summary[metric].alike
                         for summary in summaries.values() if metric in summary)}
        # every user with one value: the interval is no t interval (it would have zero
        # width) but the one exact within the bounds, or none for a metric without two
        # finite bounds; explained as cut at the bounds, it read as "too skewed"
        alike = {(model, metric) for model, summary in summaries.items()
                 for metric in per_user if metric in summary and summary[metric].alike}
        only_cut = {metric for metric in per_user
                    if any(summary[metric].clipped
                           for summary in summaries.values() if metric in summary)}
        for model, row in table.iterrows():
            column = {}
            for metric in per_user:
                low, high = row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
                mark = ALIKE_MARK if (model, metric) in alike else ""
                if math.isnan(low):
                    interval = ""
                elif metric in uneven:
                    # "0.0312 ±0.0478" read as reaching down to -0.0166, a recall no
                    # model can have: the interval was cut at 0
                    interval = f" [{low:.4f}, {high:.4f}]"
                else:
                    interval = f" ±{(high - low) / 2:.4f}"
                column[metric] = f"{row[metric]:.4f}{mark}{interval}"
            for metric in self.results[0].aggregate:
                column[metric] = f"{row[metric]:.4f}"
            column["users evaluated"] = f"{int(row['users']):,}"
            column["no relevant item"] = f"{int(row['no_relevant']):,}"
            column["fit seconds"] = f"{row['fit_s']:.1f}"
            lines[str(model)] = column
        frame = pd.DataFrame(lines)
        threshold = self.experiment.evaluation.relevance_threshold
        relevant = ("rows" if threshold is None else f"rows with value >= {threshold:g}")
        folds = len(self.split_reports)
        note = (f"metrics: mean ± half-width of the {CONFIDENCE:.0%} confidence interval "
                f"(Student t over the users evaluated)")
        if only_cut:
            note += (f"; mean [low, high] on the rows of {', '.join(sorted(only_cut))}: the "
                     "interval's ends, cut at the metric's bounds for at least one model "
                     "(too few users, or too skewed values, for a symmetric interval)")
        if uneven - only_cut:
            note += (f"; mean [low, high] on the rows of "
                     f"{', '.join(sorted(uneven - only_cut))}: the interval's ends")
        if alike:
            note += (f"\n{ALIKE_MARK}: every user evaluated had this one value, so the "
                     "interval is not a t interval (of zero width) but the one exact within "
                     "the metric's bounds, or none for a metric without two finite bounds "
                     f"(on {', '.join(sorted({metric for _, metric in alike}))})")
        note += (f"\nusers evaluated: test users with a relevant item (relevant: test "
                 f"{relevant}); no relevant item: test users without one, not counted")
        if folds > 1:
            note += (f"; {folds}-fold cross-validation: each user's values averaged over "
                     "the folds that tested them, users without a relevant item summed "
                     "over folds")
        protocol = self.results[0].meta.get("protocol")
        if self.experiment.evaluation.sampled and protocol:
            # a sampled metric is not the full-catalog one of the same name
            note += f"\nprotocol: {protocol}"
        if self.significance:
            test = next(iter(self.significance.values()))
            compared = len(self.significance)
            # each model against one baseline is a family of tests: unadjusted, one of
            # several "significant at 5%" was often chance
            note += (f"\nsignificance: paired t-test of each model against the baseline "
                     f"on {test.metric}; p-values Holm-adjusted over the "
                     f"{counted(compared, 'comparison')} made"
                     if compared > 1 else
                     f"\nsignificance: paired t-test against the baseline on {test.metric} "
                     "(one comparison made: no adjustment)")
        with pd.option_context("display.width", 250, "display.max_columns", 50,
                               "display.max_colwidth", 40):
            return frame.to_string() + "\n" + note

    def write(self, out: str | Path, *, overwrite: bool = False,
              progress: Progress | None = None) -> Path:
        """results.json (everything), summary.csv (the table), one per-user CSV per model
        and, when ``[report] html``, the report (report.html), written as one folder that
        replaces ``out`` only when complete. A report that fails does not cost the results
        (a run may have taken hours; the report can be drawn again from them): the folder
        is written without report.html, then the error says so and how to draw it."""
        from recstack.atomic import atomic_directory, naming_failed_write

        overwrite = check_flag(overwrite, "ExperimentResult.write: overwrite")
        checked_path(out, "ExperimentResult.write: out")
        refuse_padded_folder(out, "ExperimentResult.write: out")
        payload: dict[str, Any] = {
            # what a reader checks first: a newer format is refused, not misread
            "format_version": RESULTS_FORMAT_VERSION,
            "experiment": self.experiment.raw,
            "filters": [str(s) for s in self.filter_steps],
            "split": [report.to_dict() for report in self.split_reports]
                     if len(self.split_reports) > 1 else self.split_report.to_dict(),
            "models": [r.to_dict() | {"fit_seconds": self.fit_seconds[r.model],
                                      "users_evaluated": len(r.per_user)}
                       for r in self.results],
            "diagnostics": {m: [str(d) for d in ds] for m, ds in self.diagnostics.items()},
            "significance": {m: str(t) for m, t in self.significance.items()},
        }
        if self.tuning:
            payload["tuning"] = {label: tuned.to_dict() for label, tuned in self.tuning.items()}
        if self.fold_results:
            payload["folds"] = {m: [r.to_dict() for r in rs]
                                for m, rs in self.fold_results.items()}
        payload["environment"] = environment()
        if self.experiment.base_folder is not None:
            payload["base_folder"] = str(self.experiment.base_folder)
        with output_lock(out, "--out", wait=True):
            # again at the end, under the lock: a folder of other files (a split, a synthetic
            # dataset) written there by a writer without the lock while the run worked was
            # replaced by the results
            check_output(out, overwrite=True)
            with atomic_directory(out, overwrite=overwrite) as staging:
                from recstack.data.files import csv_quoting

                # each file named in a refusal that names none (a full disk), as
                # results/NAME/summary.csv: only the folder was named
                with naming_failed_write(staging / RESULTS_FILE):
                    (staging / RESULTS_FILE).write_text(
                        json.dumps(payload, indent=2, default=str), encoding="utf-8")
                with naming_failed_write(staging / "summary.csv"):
                    (staging / "summary.csv").write_text(
                        self.table().to_csv(index_label="model",
                                            quoting=csv_quoting(self.table())),
                        encoding="utf-8")
                for result in self.results:
                    per_user = staging / f"per_user_{result.model}.csv"
                    with naming_failed_write(per_user):
                        result.to_csv(per_user, per_user=True)
                for label, model in self.models.items():
                    model.save(staging / "models" / label)
                failure = (_write_report_into(self.experiment, staging, Path(out), progress)
                           if self.experiment.report.html else None)
        if failure is not None:
            raise RecstackError(failure)
        return Path(out)


def environment() -> dict[str, Any]:
    """Where a run happened: Python, the main libraries' versions, the machine and the
    time (recorded in results.json and shown by the report)."""
    import platform
    from datetime import UTC, datetime
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("recstack", "numpy", "scipy", "pandas", "pyarrow", "implicit", "torch",
                 "lightgbm", "scikit-learn", "numba"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "packages": packages,
            "time": datetime.now(UTC).isoformat(timespec="seconds")}


def build_models(experiment: Experiment, tuned: dict[str, dict[str, Any]] | None = None
                 ) -> list[tuple[str, Recommender]]:
    """Create every model (their parameters were checked when the file was read); a model
    in ``tuned`` (label -> parameters) takes those parameters instead."""
    models = []
    for number, spec in enumerate(experiment.models, start=1):
        try:
            model = create_model(spec.type, **(tuned or {}).get(spec.label, spec.params))
            model.validate_params()
        except ConfigError as error:
            raise ConfigError(f"{experiment.where}[[models]] #{number} "
                              f"({spec.label}): {error}") from None
        models.append((spec.label, model))
    return models


def require_libraries(experiment: Experiment, *, tuning: bool = False,
                      labels: set[str] | None = None) -> None:
    """Refuse, before the data is read, a run whose models (those of ``labels`` only, when
    given) need an optional library that is not installed, naming the install command;
    ``tuning``: the run searches hyperparameters, which needs optuna."""
    from recstack.models.registry import OPTUNA, require_fit_libraries

    if tuning and not OPTUNA.installed():
        raise RecstackError(f"{experiment.where}[tune]: tuning needs optuna, which is not "
                            f"installed; install it with: {OPTUNA.install_command()}")
    for number, spec in enumerate(experiment.models, start=1):
        if labels is None or spec.label in labels:
            require_fit_libraries(spec.type, spec.params,
                                  f"{experiment.where}[[models]] #{number} ({spec.label}): ")


def prepare_data(experiment: Experiment, progress: Progress | None = None
                 ) -> tuple[Interactions, list[FilterStep]]:
    """The experiment's source, loaded and filtered (for data to be split)."""
    require_experiment(experiment, "prepare_data")
    if experiment.data.source is None:
        raise RecstackError(f"{experiment.where}[data] is already split; use load_split")
    with _naming_data_path(experiment, "source"):
        data = load_source(experiment.data.source, options=experiment.data.options,
                           progress=progress)
    return filter_module.apply_filters(data, list(experiment.filters))


@contextmanager
def _naming_data_path(experiment: Experiment, key: str) -> Iterator[None]:
    """Name the file and ``[data] key`` in a refusal of the path the key gives as a whole
    (not of a line in it): ``source = "."`` for a folder holding a ``ratings.csv`` is read
    as a MovieLens release, and was refused as "/data: movies.csv is missing (expected the
    files of MovieLens LATEST ...)" naming neither the experiment nor the setting that chose
    the folder. A refusal of a line or a column of the data is the data's, and names it."""
    try:
        yield
    except DataFormatError as error:
        written = experiment.raw.get("data", {}).get(key) if isinstance(
            experiment.raw.get("data"), dict) else None
        if (error.line is not None or error.column is not None or error.file is None
                or not isinstance(written, str) or experiment.base_folder is None):
            raise
        named = Path(written).expanduser()
        named = named if named.is_absolute() else experiment.base_folder / named
        if os.path.abspath(error.file) != os.path.abspath(named):
            raise
        named_error = DataFormatError(
            f"{experiment.where}[data] {key} = {toml_shown(written)}: {error}")
        # the place stays the data's, for tools that read it
        named_error.file, named_error.expected = error.file, error.expected
        named_error.detail = error.detail
        raise named_error from None


def make_split(experiment: Experiment, data: Interactions) -> splits.Split:
    """The experiment's split of ``data`` (the first fold of a cross-validation, which a
    note says: ``fit --on train`` published fold 1 of k without a word)."""
    parts = make_splits(experiment, data)
    if len(parts) > 1:
        first = parts[0]
        _log.info("%s[split] %s gives %d folds; using fold 1 (its training part: %s of the "
                  "%s rows); `recstack evaluate` scores every fold, and `recstack data split "
                  "--method kfold` writes each as a folder for [data] split = \"...\"",
                  experiment.where, first.report.method, len(parts), f"{len(first.train):,}",
                  f"{len(data):,}")
    return parts[0]


def make_splits(experiment: Experiment, data: Interactions) -> list[splits.Split]:
    """Every split the experiment evaluates on: one, or one per fold."""
    require_experiment(experiment, "make_splits")
    if experiment.split is None:
        raise RecstackError(f"{experiment.where}[data] is already split; use load_split")
    return experiment.split.apply(data)


def load_split(experiment: Experiment, progress: Progress | None = None) -> splits.Split:
    """The parts of data already split (``[data] train/test`` or ``split = folder``), read
    into one shared vocabulary; test rows no model can rank are set apart and counted.

    For a graph-CF split, the training part is train plus valid (the protocol's refit) and
    nothing is set apart: the cold and repeated test rows stay in the test part, as the
    protocol's recall counts them, and are counted in the loader's report (the split's
    ``report``, an :class:`~recstack.data.adjacency.AdjacencyReport`)."""
    require_experiment(experiment, "load_split")
    if experiment.data.is_graph_cf:
        return graph_cf_split(load_graph_cf(experiment, progress))
    if experiment.data.ncf is not None:
        return ncf_split(experiment.data.ncf.load())
    parts = {}
    for name, spec in experiment.data.parts.items():
        with _naming_data_path(experiment, name):
            parts[name] = load_source(spec, options=experiment.data.options,
                                      progress=progress)
    return combine_parts(parts)


def load_graph_cf(experiment: Experiment, progress: Progress | None = None
                  ) -> AdjacencySplits:
    """The train, valid and test files of a graph-CF experiment, sharing one vocabulary."""
    if experiment.data.adjacency is None:
        raise RecstackError(f"{experiment.where}[data] is not a graph-CF split folder")
    return experiment.data.adjacency.load_parts()


def graph_cf_split(parts: AdjacencySplits) -> splits.Split:
    """The protocol's final step as a split: fit on train plus valid, test on the test file
    (every row kept; the report is the loader's)."""
    test = parts.test
    return splits.Split(train=parts.refit_train(), test=test,
                        set_apart=test.select(np.zeros(len(test), bool)),
                        report=parts.report)  # type: ignore[arg-type]


def ncf_split(files: Any) -> splits.Split:
    """The NCF repository's split files (:func:`recstack.data.ncf_files.load_ncf_files`'s
    result) as a split: fit on the train file, test on the test file, every row kept (the
    files share one vocabulary; their negatives are the sampled protocol's)."""
    test = files.test
    report = splits.SplitReport(
        method="NCF files", params={"train": files.files["train"], "test": files.files["test"],
                                    "negative": files.files["negative"]},
        train_rows=len(files.train), test_rows=len(test), fold_in_rows=0,
        test_users=int(np.count_nonzero(test.user_counts())))
    return splits.Split(train=files.train, test=test,
                        set_apart=test.select(np.zeros(len(test), bool)), report=report)


def _check_sampled(experiment: Experiment, split: splits.Split, negatives: Any,
                   fold: str) -> None:
    """Before any model is fitted, what ``evaluate_sampled`` would refuse after the first
    fit: a fold-in part, a K not below the candidates, a user with too few items to sample
    from."""
    from recstack.evaluation.sampled import sample_negatives

    evaluation = experiment.evaluation
    where = f"{experiment.where}[evaluation] protocol = \"sampled\": {fold}"
    if split.fold_in is not None:
        raise ConfigError(f"{where}the split has a fold-in part (held-out users), which the "
                          "sampled protocol does not take; use a split that tests the "
                          "training users (random, temporal, leave_last_out), or protocol = "
                          "\"full\"")
    if negatives is not None:
        shortest = min(len(items) for items in negatives.values())
        largest = max(evaluation.ks)
        if largest > shortest:
            raise ConfigError(
                f"{experiment.where}[evaluation] ks = {list(evaluation.ks)}: K = {largest} "
                f"is not below the {shortest + 1:,} candidates of the NCF files (the "
                f"held-out item and {counted(shortest, 'negative')}), so every user would "
                f"hit; use K <= {shortest:,}")
        return
    count = evaluation.negatives_count
    if count >= split.train.n_items:
        raise ConfigError(f"{experiment.where}[evaluation] n_negatives = {count:,}"
                          f"{'' if evaluation.n_negatives is not None else ' (the default)'}"
                          f": the catalog has {counted(split.train.n_items, 'item')}; "
                          "sample fewer negatives than items")
    largest = max(evaluation.ks)
    if largest > count:
        raise ConfigError(
            f"{experiment.where}[evaluation] ks = {list(evaluation.ks)}: K = {largest} is "
            f"not below the {count + 1:,} candidates (the held-out item and n_negatives = "
            f"{count:,}), so every user would hit; use K <= {count:,}")
    with named_step(f"{experiment.where}[evaluation] {fold}"):
        sample_negatives(split.train, split.test, count, seed=experiment.seed,
                         relevance_threshold=evaluation.relevance_threshold)


def combine_parts(parts: dict[str, Interactions]) -> splits.Split:
    """``train``, ``test`` and optionally ``fold_in`` interactions with separate id maps,
    joined into one split over one vocabulary."""
    names = list(parts)
    _check_id_kinds(parts)
    frames = [parts[name].to_frame() for name in names]
    has_time = all(parts[name].timestamp is not None for name in names)
    joined = pd.concat(frames, ignore_index=True)
    part_of_row = np.repeat(np.arange(len(names)), [len(f) for f in frames])
    ranges = {parts[n].rating_range for n in names} - {None}
    if len(ranges) > 1:
        # one scale must hold for the joined data: clipping, rating metrics and explicit
        # labels all read it, and no scale was kept when the parts disagreed
        declared = {name: parts[name].rating_range for name in names}
        shown = ", ".join(f"{name} {scale[0]:g}..{scale[1]:g}"
                          for name, scale in declared.items() if scale is not None)
        raise RecstackError(f"the parts declare different rating ranges ({shown}); a split "
                            "has one rating scale: read every part with the same "
                            "rating_range, or rescale one part's ratings")
    contexts = {name: tuple(getattr(parts[name].context, "columns", ())) for name in names}
    if len(set(contexts.values())) > 1:
        # the joined rows hold one set of context columns (the parts' context was
        # dropped without a word before, and a context-aware model saw none)
        shown = ", ".join(f"{name} {', '.join(map(str, columns)) if columns else 'none'}"
                          for name, columns in contexts.items())
        raise RecstackError(f"the parts carry different context columns ({shown}); a split "
                            "has one set: read every part with the same context columns")
    context_cols = list(contexts[names[0]])
    # the parts' item and user tables (titles, genres...) were dropped without a word, so
    # content models and reports of the joined split saw none
    data = Interactions.from_arrays(
        joined["user_id"].to_numpy(), joined["item_id"].to_numpy(),
        joined["value"].to_numpy(), joined["timestamp"].to_numpy() if has_time else None,
        rating_range=ranges.pop() if ranges else None,
        item_table=_joined_table(parts, "item"), user_table=_joined_table(parts, "user"),
        context=joined[context_cols].reset_index(drop=True) if context_cols else None)
    is_test = part_of_row == names.index("test")
    fold_in = part_of_row == names.index("fold_in") if "fold_in" in parts else None
    return splits.given_split(data, is_test, fold_in_mask=fold_in)


def _joined_table(parts: dict[str, Interactions], role: str) -> pd.DataFrame | None:
    """The parts' ``role`` (``"item"``/``"user"``) tables as one table keyed by id: each id
    described once (a part without a table, or without a row for the id, adds nothing);
    refused where the parts describe an id differently, or by different columns, naming the
    parts, the id and the column."""
    tables = {name: table for name, data in parts.items()
              if (table := getattr(data, f"{role}_table")) is not None}
    if not tables:
        return None
    key = f"{role}_id"
    columns = {name: [str(c) for c in table.columns[1:]] for name, table in tables.items()}
    if len({tuple(sorted(cols)) for cols in columns.values()}) > 1:
        listed = "; ".join(f"{name}: {', '.join(cols) if cols else 'none'}"
                           for name, cols in columns.items())
        raise RecstackError(f"the parts' {role} tables have different columns ({listed}); a "
                            f"split has one {role} table: read every part with the same "
                            f"{role} table, or with none beside one part's")
    rows, part_of_row = [], []
    for name, table in tables.items():
        rest = table.iloc[:, 1:]
        # an id of the part the table has no row for is all missing: it describes nothing
        described = (~rest.isna().all(axis=1)).to_numpy() if len(rest.columns) else \
            np.ones(len(table), bool)
        rows.append(table[described].rename(columns={table.columns[0]: key}))
        part_of_row += [name] * int(described.sum())
    stacked = pd.concat(rows, ignore_index=True)
    repeated = stacked[key].duplicated(keep=False).to_numpy()
    if repeated.any():
        _refuse_different_rows(stacked[repeated].reset_index(drop=True),
                               np.array(part_of_row, dtype=object)[repeated], key, role)
    return stacked.drop_duplicates(key).reset_index(drop=True)


def _refuse_different_rows(rows: pd.DataFrame, parts: np.ndarray, key: str, role: str
                           ) -> None:
    """Refuse the first id that two parts' tables (``rows``: those of ids in more than one
    part, from the parts named by ``parts``) describe differently, naming the id, column
    and parts."""
    firsts = ~rows[key].duplicated().to_numpy()
    first = rows[firsts].set_index(key)
    position = first.index.get_indexer(rows[key])
    for column in rows.columns:
        if column == key:
            continue
        earlier = first[column].to_numpy(dtype=object)[position]
        later = rows[column].to_numpy(dtype=object)
        for row, (was, now) in enumerate(zip(earlier, later, strict=True)):
            if _same_cell(was, now):
                continue
            part, other = parts[firsts][position[row]], parts[row]
            raise RecstackError(
                f"the parts' {role} tables disagree: {role} {shown(rows[key].iloc[row])} "
                f"has {column} {shown(was)} in {part} but {shown(now)} in {other}; a split "
                f"has one {role} table: read every part with the same {role} table, or "
                "with none beside one part's")


def _same_cell(left: Any, right: Any) -> bool:
    """Whether two cells of a side table hold the same value (both missing counts as the
    same; lists and arrays compared element by element)."""
    missing = [pd.api.types.is_scalar(v) and bool(pd.isna(v)) for v in (left, right)]
    if any(missing):
        return all(missing)
    if pd.api.types.is_scalar(left) and pd.api.types.is_scalar(right):
        return bool(left == right)
    try:
        return bool(np.array_equal(np.asarray(left, dtype=object),
                                   np.asarray(right, dtype=object)))
    except (TypeError, ValueError):
        return False


def _check_id_kinds(parts: dict[str, Interactions]) -> None:
    """Refuse parts whose ids of one kind are numbers in one part and text in another:
    joined, the number 1 and the text '1' would be two users, and every test row of a user
    would silently look like one never seen in training."""
    for role in ("users", "items"):
        kinds = {name: "numbers" if getattr(data, role).external_ids.dtype.kind in "iuf"
                 else "text" for name, data in parts.items() if len(data)}
        if len(set(kinds.values())) > 1:
            shown = ", ".join(f"{name} as {kind}" for name, kind in kinds.items())
            raise RecstackError(
                f"the {role[:-1]} ids are stored as numbers in one part and as text in "
                f"another ({shown}); joined, the number 1 and the text '1' would be two "
                f"different {role}: rewrite one part with its ids as numbers, or all as text")


@contextmanager
def named_step(where: str, model: str | None = None) -> Iterator[None]:
    """Prefix a user's-mistake error raised while the data are loaded, split, fitted or
    evaluated with the part of the experiment file it comes from (the step itself knows
    only its own settings). ``model``, the name ``where`` already gives in brackets, is
    dropped from the front of the model's own message (``(two_stage): two_stage:
    features: ...`` said it twice)."""
    try:
        yield
    except RecstackError as error:
        message = str(error)
        if message.startswith(where.strip()) or type(error) not in _PLAIN_ERRORS:
            raise
        if model is not None:
            message = message.removeprefix(f"{model}: ")
        raise type(error)(where + message) from None
    except MemoryError as error:
        # the command line says "out of memory": of which of the experiment's models, or
        # of its data, was not said, and an experiment runs several
        detail = str(error)
        raise MemoryError(where.strip().rstrip(":") + (f": {detail}" if detail else "")
                          ) from None
    except Exception as error:
        # a failure that is no user's mistake (a library's, a device's) keeps its type and
        # traceback, with a note of the model or step it happened in
        error.add_note(f"recstack: while running {where.strip().rstrip(':')}")
        raise


def model_step(experiment: Experiment, label: str) -> Any:
    """:func:`named_step` for fitting model ``label``: its errors name the file and the
    ``[[models]]`` entry (``FILE: [[models]] #2 (label): ...``), not only the model's own
    part (``features: ...``). Shared by evaluations and ``recstack fit``."""
    labels = [spec.label for spec in experiment.models]
    number = labels.index(label) + 1 if label in labels else "?"
    return named_step(f"{experiment.where}[[models]] #{number} ({label}): ", model=label)


#: error classes built from one message (others, e.g. DataFormatError, name their own file
#: and keep their type)
_PLAIN_ERRORS = (RecstackError, ConfigError, EmptyResultError, TrainingFailedError)


def check_output(out: str | Path, *, overwrite: bool,
                 experiment: Experiment | None = None) -> Path:
    """Refuse an existing ``out`` without ``overwrite``, and an ``out`` that is, or is a
    folder holding, the ``experiment``'s file or its data (``overwrite`` would replace them
    by the results), and an ``out`` whose name starts or ends with a space (the rule of
    ``--out``, :func:`refuse_padded_folder`); check that a folder can be written there,
    before any work is done."""
    # an empty path was the working folder ("results already exist"), a number a TypeError
    given = out
    out = checked_path(out, "out")
    refuse_padded_folder(given, "out")
    # overwrite="no" (true to Python) replaced earlier results; None read as False
    overwrite = check_flag(overwrite, "check_output: overwrite")
    if experiment is not None:
        refuse_output_over_inputs(out, experiment_inputs(experiment), "the results")
    if os.path.lexists(out) and (out.is_symlink() or not out.is_dir()):
        # refused here, before the work, as the atomic write would refuse it after it
        raise RecstackError(f"{out}: is {describe_path(out)}, but the results are a folder; "
                            "choose another --out")
    if out.is_dir() and not (out / RESULTS_FILE).is_file():
        # overwrite replaces earlier results, never a folder of other files: `recstack demo
        # --out DIR` (which always overwrites) and `evaluate --overwrite` deleted them;
        # said before the check of overwrite: without it, such a folder was told "results
        # already exist; pass --overwrite", which was then refused here
        held = sorted(entry.name for entry in out.iterdir())
        if held:
            shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5
                                           else "")
            raise RecstackError(f"{out}: is a folder of other files ({shown}), not earlier "
                                f"results (no {RESULTS_FILE}), which writing the results "
                                "there would delete; choose another --out, or an empty or "
                                "new folder")
    if overwrite and (out / RESULTS_FILE).is_file():
        refuse_replacing_a_registry(out)
    if out.exists() and not overwrite:
        if out.is_dir() and not any(out.iterdir()):
            # "results already exist" of a folder made beforehand (mkdir) with nothing in it
            raise RecstackError(f"{out}: is an existing folder (empty); pass --overwrite "
                                "(overwrite=True) to write the results there, or choose a "
                                "new --out / name")
        raise RecstackError(f"{out}: results already exist; pass --overwrite (overwrite=True)"
                            " to replace them, or choose another --out / name")
    _check_parent_writable(out, "the results")
    return out


def refuse_replacing_a_registry(out: Path) -> None:
    """Refuse to replace results folder ``out`` while it holds a model registry (``fit
    --registry`` into it, before this check existed): the results are replaced as a whole
    folder, and the registry's published models went with them without a word."""
    from recstack.serving.registry import CURRENT, MANIFEST

    for folder, subfolders, files in os.walk(out):
        here = Path(folder)
        # NAME/current.json beside NAME/versions/, or a version's manifest without one
        published = (CURRENT in files and "versions" in subfolders) or (
            MANIFEST in files and here.parent.name == "versions")
        if published:
            name_folder = here if CURRENT in files else here.parent.parent
            raise RecstackError(f"{out}: holds the model registry {name_folder.parent} "
                                f"(model {name_folder.name!r}, published by `recstack fit "
                                "--registry`); writing the results there replaces the whole "
                                "folder and would delete the registry with it; move the "
                                "registry out of the results folder, or write the results "
                                "to another folder")


def refuse_padded_folder(out: str | Path, what: str) -> None:
    """Refuse a results folder ``out`` whose name, as given, starts or ends with a space
    (any blank): ``check_output(out="res ")`` made a folder ``res␣`` beside ``res``, where
    ``--out 'res '`` and an experiment file's ``output = "res "`` are refused. The one rule
    of :func:`recstack.atomic.padded_name_problem`; ``what`` starts the message."""
    text = os.fsdecode(os.fspath(out))
    problem = padded_name_problem(text, "folder")
    if problem is not None:
        raise RecstackError(f"{what}: {text!r} {problem}")


def experiment_inputs(experiment: Experiment) -> list[tuple[str, Path]]:
    """``(what, path)`` of every file or folder ``experiment`` reads: its own file, the
    source or split parts, a split folder (a fetched dataset is read from the cache)."""
    data = experiment.data
    specs = [("the data source", data.source)] if data.source is not None else []
    specs += [(f"the {name} part", spec) for name, spec in data.parts.items()]
    if data.adjacency is not None:
        specs.append(("the split folder", data.adjacency))
    inputs: list[tuple[str, Path]] = []
    for what, spec in specs:
        path = getattr(spec, "path", None)  # sources read from a file or folder have one
        if isinstance(path, str):
            inputs.append((what, Path(path)))
    if data.split_folder is not None:
        inputs.append(("the split folder", data.split_folder))
    if experiment.source_file is not None:
        inputs.append(("the experiment file", Path(experiment.source_file)))
    base = experiment.base_folder or Path.cwd()
    return [(what, path if path.is_absolute() else base / path) for what, path in inputs]


def refuse_output_over_inputs(out: str | Path, inputs: Sequence[tuple[str, Path]],
                              written: str, *, choose: str = "--out") -> None:
    """Refuse an output that is one of ``inputs`` (``(what, path)``) or holds one: replacing
    it with ``overwrite`` would delete the data being read; and an output inside a
    partitioned Parquet folder among them, which is read with every file under it: the next
    read would fail on the output (or take it for data). Other folders read only their own
    files, and may hold outputs. Paths are compared after following links, so another
    spelling of the same folder is caught. ``choose`` names where the output was given
    (``--out``, or ``path`` for a Python call), for the advice."""
    from recstack.data.partitioned import is_partitioned

    out_path = os.path.realpath(Path(out).expanduser())
    for what, path in inputs:
        real = os.path.realpath(path.expanduser())
        if not os.path.exists(real):
            continue
        if real == out_path or real.startswith(out_path.rstrip(os.sep) + os.sep):
            relation = "is" if real == out_path else "is a folder holding"
            raise RecstackError(f"{out}: {relation} {what} {path}, which writing "
                                f"{written} there would replace; choose another {choose}")
        if (out_path.startswith(real.rstrip(os.sep) + os.sep) and os.path.isdir(real)
                and is_partitioned(real)):
            raise RecstackError(f"{out}: lies inside {what} {path}, a partitioned Parquet "
                                f"folder, which is read with every file under it: {written} "
                                "written there would be read as data (and fail); choose "
                                f"{'an' if choose.startswith('-') else 'a'} {choose} outside "
                                "it")


def check_output_file(out: str | Path, *, overwrite: bool, reads: Path | None = None,
                      example: str = "output.csv") -> Path:
    """Refuse, before any work is done, a file output that is a folder, that already exists
    (without ``overwrite``), that is the file the command ``reads``, or whose folder cannot
    be made or written; and a name the command line's ``--out`` refuses as typed
    (:func:`recstack.atomic.file_name_problem`): one ending in a dot or a space
    (``a.csv.``, which some file systems silently write as ``a.csv``) or starting with a
    space, one ending in ``/`` or ``/.``, ``.``, ``~``, or only an extension. ``example``
    is the file name a refusal suggests."""
    given = out
    out = checked_path(out, "out")
    # judged as given, as the command line judges the text typed: Path("a/") is Path("a")
    text = os.fsdecode(os.fspath(given))
    problem = file_name_problem(text, example)
    if problem is not None:
        raise RecstackError(f"out: {text!r} {problem}")
    overwrite = check_flag(overwrite, "check_output_file: overwrite")
    refuse_non_file_output(out, "--out")
    if reads is not None and out.exists() and out.resolve() == Path(reads).resolve():
        raise RecstackError(f"{out}: is the file this command reads; choose another --out")
    if out.exists() and not overwrite:
        raise RecstackError(f"{out}: already exists; pass --overwrite to replace it, or "
                            "choose another --out")
    _check_parent_writable(out, "it", choose="; choose another --out")
    return out


def refuse_non_file_output(out: Path, option: str) -> None:
    """Refuse, by what it is, a file output ``out`` that is not a regular file nor nothing:
    a folder, a symbolic link that leads nowhere (the atomic write replaced the link itself
    by the file: `tune --out` to a dangling link), one that loops, a pipe, socket or device
    (a named pipe was "already exists; pass --overwrite", and --overwrite replaced it), a
    name too long for the file system (the operating system's OSError came out), in the
    words of every writer (:func:`recstack.atomic.refuse_non_file`). ``option`` names where
    the path was given (``--out``, ``write_experiment(path)``)."""
    refuse_non_file(out, choose=option,
                    folder_advice=f" for {option} (one inside the folder, or elsewhere)")


def _check_parent_writable(out: Path, what: str, *, choose: str = "") -> None:
    """Check that ``out``'s folder can be made (where it is missing) and written in; a
    refusal names the absolute folder too (a relative ``results/demo`` did not say where).
    Nothing is made: the folders were created here, before the work, and a command that
    then failed (a missing column, an unknown model) left them behind, empty. ``choose``
    ends the message ("; choose another --out": the file's refusal named no option)."""
    where = out if out.is_absolute() else f"{out} (in {os.path.abspath(out.parent)})"
    problem = folder_write_problem(out.parent)
    if problem is not None:
        raise RecstackError(f"{where}: cannot write {what} there: {problem}{choose}") from None


def folder_write_problem(folder: Path) -> str | None:
    """None when files can be written in ``folder``, or in it once it is made (the
    nearest folder above it that exists is tried); else why not: the first part of the
    path that is not a folder, or the operating system's reason ("Read-only file
    system"). Nothing is left on disk: the probe is a folder made and removed at once in
    the nearest existing one (the operating system is the only judge: root passes
    ``os.access`` on a read-only disk)."""
    try:
        existing = next((p for p in (folder, *folder.absolute().parents)
                         if os.path.lexists(p)), None)
    except OSError:  # a name the system cannot look up (too long)
        existing = None
    if existing is None:
        return None
    if not existing.is_dir():
        return blocking_parent(folder / "x")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".recstack-probe-", dir=existing))
    except OSError as error:
        if error.errno == errno.ELOOP:
            return blocking_parent(folder / "x")
        return str(error.strerror or error)
    return None


def check_cutoffs(experiment: Experiment, data: Interactions) -> None:
    """Refuse a K larger than the catalog: every list would hold all items."""
    largest = max(experiment.evaluation.ks)
    if largest > data.n_items:
        raise ConfigError(f"{experiment.where}[evaluation] ks = "
                          f"{list(experiment.evaluation.ks)}: K = {largest} is larger than "
                          f"the catalog ({counted(data.n_items, 'item')} after loading "
                          f"and filtering); "
                          f"use K <= {data.n_items}")


def check_report_settings(experiment: Experiment, data: Interactions) -> None:
    """Refuse, once the data are loaded and before any model is fitted, a ``[report]
    colour_by`` that names no item-table column: found by the report, it failed the run
    after every model was fitted and evaluated."""
    settings = experiment.report
    if not settings.html or settings.projection == "none" or settings.colour_by is None:
        return
    from recstack.analysis.report import check_colour_by
    from recstack.errors import UnknownColumnError
    from recstack.specs import did_you_mean

    try:
        check_colour_by(settings.colour_by, data.item_table)
    except UnknownColumnError as error:
        columns = error.available[1:]  # after "popularity"
        there = ("the item table has: " + ", ".join(map(repr, columns)) if columns
                 else "the data have no item table")
        raise ConfigError(f"{experiment.where}[report] colour_by = "
                          f"{toml_shown(settings.colour_by)}: expected \"popularity\" or a "
                          "column of the item table"
                          f"{did_you_mean(settings.colour_by, error.available)}; {there}"
                          ) from None


def diversity_features(experiment: Experiment, data: Interactions) -> Any:
    """The item vectors of ``[evaluation] metrics = ["diversity"]``: the genre multi-hot
    of the item table's ``genres`` column (as the report's genre diversity reads it), or
    None when the metric is not asked for. Data without genres are refused once they are
    loaded, before any model is fitted: the evaluator was built without item vectors, so
    every run that asked for diversity failed after fitting its first model."""
    if "diversity" not in experiment.evaluation.metrics:
        return None
    table = data.item_table
    if table is None or "genres" not in table.columns:
        there = ("the data have no item table" if table is None else "the item table has no "
                 "'genres' column (it has: " + ", ".join(map(repr, table.columns)) + ")")
        raise ConfigError(f"{experiment.where}[evaluation] metrics: 'diversity' is the "
                          "intra-list diversity of the items' genre vectors, read from the "
                          f"item table's 'genres' column, but {there}; drop 'diversity', "
                          "or read data with an item table holding genres (a MovieLens "
                          "release, synthetic, or a `recstack data synth` folder)")
    from recstack.analysis.neighbours import label_matrix

    with named_step(f"{experiment.where}[evaluation] diversity: "):
        return label_matrix(table["genres"].tolist())[0]


@arguments_named
def run_experiment(experiment: Experiment, *, out: str | Path | None = None,
                   overwrite: bool = False, progress: Progress | None = None,
                   baseline: str | None = None) -> ExperimentResult:
    """Fit and evaluate every model on the split (each fold of a cross-validation).

    Parameters
    ----------
    experiment
        A validated experiment (:func:`recstack.config.load_experiment`).
    out
        Results folder, checked before any data is loaded and written when all is done;
        None: nothing is written (call :meth:`ExperimentResult.write`).
    overwrite
        Whether an existing ``out`` may be replaced.
    progress
        Progress reporter (None: silent).
    baseline
        The label diagnostics and paired significance tests compare with (default: the
        first model).
    """
    require_experiment(experiment, "run_experiment")
    # overwrite="no" is true to Python: it replaced earlier results without a word
    overwrite = check_flag(overwrite, "run_experiment: overwrite")
    _check_baseline(experiment, baseline)
    if experiment.tune is not None and not experiment.data.is_graph_cf:
        # read and checked, then silently left out: the models ran with their [[models]]
        # parameters, which a user who wrote [tune] took for the tuned ones
        _log.info("%s[tune] is not used by an evaluation: the models run with their "
                  "[[models]] parameters; `recstack tune %s` searches them and writes the "
                  "tuned experiment to evaluate", experiment.where,
                  experiment.source_file or "EXPERIMENT")
    if out is None:
        return _fit_and_evaluate(experiment, None, overwrite, progress, baseline)
    check_output(out, overwrite=overwrite, experiment=experiment)
    # held from the start: two runs into one folder (cron and CI starting the same
    # experiment) each did all the work, then the last replaced the other's results, or
    # failed at the end with "already exists"; the second now fails at once, naming the first
    with output_lock(out, "--out"):
        return _fit_and_evaluate(experiment, Path(out), overwrite, progress, baseline)


def _fit_and_evaluate(experiment: Experiment, out: Path | None, overwrite: bool,
                      progress: Progress | None, baseline: str | None) -> ExperimentResult:
    build_models(experiment)  # fail before loading data
    require_libraries(experiment)
    check_models_fold_in(experiment)
    tuning: dict[str, Any] = {}
    steps: list[FilterStep] = []
    negatives: Any = None  # the NCF files' negatives by user
    if experiment.data.is_graph_cf:
        with named_step(f"{experiment.where}[data] "):
            parts = load_graph_cf(experiment, progress)
        check_cutoffs(experiment, parts.train)
        check_report_settings(experiment, parts.train)
        item_features = diversity_features(experiment, parts.train)
        if experiment.tune is not None:
            from recstack.tuning import tune_models

            # the test part is not handed over: the search cannot look at it
            with named_step(f"{experiment.where}[tune] "):
                tuning = tune_models(experiment, parts.train, parts.valid, progress=progress)
        split_list = [graph_cf_split(parts)]
    elif experiment.data.ncf is not None:
        with named_step(f"{experiment.where}[data] "):
            files = experiment.data.ncf.load()
            split_list = [ncf_split(files)]
            negatives = files.negatives
        check_cutoffs(experiment, split_list[0].train)
        check_report_settings(experiment, split_list[0].train)
        item_features = diversity_features(experiment, split_list[0].train)
    elif experiment.data.is_split:
        with named_step(f"{experiment.where}[data] "):
            split_list = [load_split(experiment, progress)]
        check_cutoffs(experiment, split_list[0].train)
        check_report_settings(experiment, split_list[0].train)
        item_features = diversity_features(experiment, split_list[0].train)
    else:
        with named_step(f"{experiment.where}"):
            data, steps = prepare_data(experiment, progress)
        check_cutoffs(experiment, data)
        check_report_settings(experiment, data)
        item_features = diversity_features(experiment, data)
        with named_step(f"{experiment.where}[split] "):
            split_list = make_splits(experiment, data)
    evaluation = experiment.evaluation
    evaluator = Evaluator(metrics=evaluation.metrics, ks=evaluation.ks,
                          relevance_threshold=evaluation.relevance_threshold,
                          graded=evaluation.graded, batch_size=evaluation.batch_size,
                          n_threads=evaluation.n_threads, item_features=item_features)
    for number, split in enumerate(split_list, start=1):
        # found before any fit: it was "[evaluation] (FIRST MODEL): no test user has a
        # relevant item" once the first model had been fitted (on each fold of a k-fold)
        if not evaluator.relevance(split.test).nnz:
            fold = f"fold {number} of {len(split_list)}: " if len(split_list) > 1 else ""
            with named_step(f"{experiment.where}[evaluation] {fold}"):
                evaluator.refuse_without_relevant(split.test)
        if evaluation.sampled:
            fold = f"fold {number} of {len(split_list)}: " if len(split_list) > 1 else ""
            _check_sampled(experiment, split, negatives, fold)

    per_fold: dict[str, list[EvaluationResult]] = {m.label: [] for m in experiment.models}
    fit_seconds = dict.fromkeys(per_fold, 0.0)
    kept: dict[str, Recommender] = {}
    with resolve(progress).task("Models", total=len(per_fold) * len(split_list)) as task:
        for split in split_list:
            tuned_params = {label: tuned.best_params for label, tuned in tuning.items()}
            for label, model in build_models(experiment, tuned_params):
                task.report(model=label)
                started = time.perf_counter()
                with model_step(experiment, label):
                    model.fit(split.train, progress=progress)
                fit_seconds[label] += time.perf_counter() - started
                with named_step(f"{experiment.where}[evaluation] ({label}): ", model=label):
                    if evaluation.sampled:
                        result = _evaluate_sampled(experiment, model, split, negatives,
                                                   label, progress)
                    elif split.fold_in is not None:
                        result = evaluator.evaluate_fold_in(model, split.train, split.fold_in,
                                                            split.test, name=label,
                                                            progress=progress)
                    else:
                        result = evaluator.evaluate(model, split.train, split.test,
                                                    name=label, progress=progress)
                per_fold[label].append(result)
                if experiment.report.save_models and out is not None:
                    kept.setdefault(label, model)
                task.advance()
    results = [folds[0] if len(folds) == 1 else _combine_folds(label, folds)
               for label, folds in per_fold.items()]

    reference = next((r for r in results if r.model == baseline), results[0])
    diagnostics = {r.model: _diagnosed(r, None if r is reference else reference,
                                       per_fold[r.model]) for r in results}
    headline = _headline_metric(evaluator)
    significance = _significance(results, reference, headline)
    outcome = ExperimentResult(experiment, steps, [s.report for s in split_list], results,
                               fit_seconds, diagnostics, significance,
                               per_fold if len(split_list) > 1 else {}, tuning, kept)
    if out is not None:
        if not overwrite and os.path.lexists(out):
            # found under this run's lock, so written by a program that takes none; it was
            # "already exists", of a folder that was not there when the run started
            raise RecstackError(f"{out}: appeared meanwhile: another program wrote it while "
                                "this run was working (there was none when it started); it "
                                "is kept as written: pass --overwrite to replace it, or "
                                "choose another --out")
        outcome.write(out, overwrite=overwrite, progress=progress)
    return outcome


def _evaluate_sampled(experiment: Experiment, model: Any, split: splits.Split,
                      negatives: Any, label: str, progress: Progress | None
                      ) -> EvaluationResult:
    """``[evaluation] protocol = "sampled"``: HR and NDCG of ``model`` with each held-out
    item ranked among the given negatives (NCF files) or ``n_negatives`` sampled with the
    experiment's seed."""
    from recstack.evaluation.sampled import DEFAULT_NEGATIVES, evaluate_sampled

    evaluation = experiment.evaluation
    return evaluate_sampled(
        model, split.train, split.test, ks=evaluation.ks,
        n_negatives=DEFAULT_NEGATIVES if negatives is not None else evaluation.negatives_count,
        seed=experiment.seed, negatives=negatives,
        relevance_threshold=evaluation.relevance_threshold, name=label,
        batch_size=evaluation.batch_size, progress=progress)


def _significance(results: list[EvaluationResult], reference: EvaluationResult,
                  headline: str) -> dict[str, PairedTest]:
    """Each model's paired test against ``reference`` on ``headline``, its p-value
    Holm-adjusted over the tests made (:func:`holm_adjust`). A pair with fewer
    than 2 users to pair (a test part where one user has a relevant item) has no test: it
    is left out with a note, where the refusal of the test ended the run with every model
    fitted and evaluated, and nothing written."""
    tests = {}
    for result in results:
        if result is reference or headline not in result.per_user.columns:
            continue
        shared = result.per_user[headline].dropna().index.intersection(
            reference.per_user[headline].dropna().index)
        if len(shared) < 2:
            _log.info("no significance test of %s against %s: %s has a value for %d "
                      "shared user(s), and a paired test needs at least 2", result.model,
                      reference.model, headline, len(shared))
            continue
        tests[result.model] = result.compare(reference, headline)
    # every model against one baseline is a family of tests: at 5% each, one of four
    # models no better than the baseline was called significant one run in five
    if len(tests) < 2:
        return tests  # a test made alone: nothing to adjust over
    adjusted = holm_adjust(np.array([test.t_p_value for test in tests.values()]))
    return {model: test.with_holm(p_value, len(tests))
            for (model, test), p_value in zip(tests.items(), adjusted, strict=True)}


def _check_baseline(experiment: Experiment, baseline: Any) -> None:
    """A ``baseline`` naming no model was ignored once every model was fitted: the
    diagnostics and significance tests compared with the first model instead, silently."""
    if baseline is None:
        return
    from recstack.specs import did_you_mean

    labels = [model.label for model in experiment.models]
    if not isinstance(baseline, str) or baseline not in labels:
        raise ConfigError(f"{experiment.where}baseline = {baseline!r} names no model"
                          f"{did_you_mean(baseline, labels)}; the labels are: "
                          f"{', '.join(labels)}")


@arguments_named
def write_experiment_report(experiment: Experiment, out: str | Path,
                            progress: Progress | None = None) -> Path:
    """The ``[report]`` of an experiment, written into its results folder ``out``."""
    from recstack.analysis.report import write_report

    settings = experiment.report
    return write_report(out, refit=settings.refit,
                        projection=None if settings.projection == "none"
                        else settings.projection,
                        max_points=settings.max_points, colour_by=settings.colour_by,
                        experiment_base=experiment.base_folder, progress=progress)


def _write_report_into(experiment: Experiment, staging: Path, out: Path,
                       progress: Progress | None) -> str | None:
    """The ``[report]`` written into ``staging``, the new results folder before it replaces
    ``out``; on failure, nothing of the report is left there and what to say is returned."""
    from recstack.analysis.report import write_report

    settings = experiment.report
    try:
        with _data_warnings_not_repeated():
            write_report(staging, refit=settings.refit,
                         projection=None if settings.projection == "none"
                         else settings.projection,
                         max_points=settings.max_points, colour_by=settings.colour_by,
                         experiment_base=experiment.base_folder, progress=progress,
                         shown_as=out)
    except (RecstackError, OSError) as error:
        (staging / "report.html").unlink(missing_ok=True)  # a page beside no results summary
        reason = str(error) if isinstance(error, RecstackError) else (
            error.strerror or str(error))
        return (f"{experiment.where}[report] html = true: the results are written to {out} "
                f"but the report failed: {reason}; fix that and draw it with "
                f"`recstack report {out}` (or set [report] html = false)")
    return None


@contextmanager
def _data_warnings_not_repeated() -> Iterator[None]:
    """Silence, in the block, the warnings of the data's loading and splitting (those whose
    classes live in :mod:`recstack.data`): the report loads and splits the data again, and
    each such warning (a leave-last-out split's tied times, an inexact value) had been
    printed by this run moments before, so it was printed twice. Other warnings keep
    Python's rules (shown once per place, filters by module)."""
    with warnings.catch_warnings():
        for category in _subclasses(Warning):
            if category.__module__.startswith("recstack.data."):
                warnings.filterwarnings("ignore", category=category)
        yield


def _subclasses(cls: type) -> set[type]:
    """Every class derived from ``cls``, at any depth, among those defined so far."""
    found: set[type] = set()
    pending: list[type] = [cls]
    while pending:
        sub: type
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                pending.append(sub)
    return found


def _diagnosed(result: EvaluationResult, reference: EvaluationResult | None,
               folds: list[EvaluationResult]) -> list[Diagnostic]:
    """:func:`diagnose` of a result; for folds combined, its per-user check (nDCG falling
    as K grows for a user whose relevant items fit in the shorter list) runs on each fold.
    That check reads a user's count of relevant items from precision and recall at one K,
    which values averaged over folds holding other counts no longer give: MovieLens
    latest-small in 3 folds flagged healthy item-kNN and ALS users ("0.4842 to 0.4788"):
    nDCG fell in a fold where they held more relevant items than K, as it may."""
    found = diagnose(result, reference)
    if len(folds) < 2:
        return found
    # the empty and short lists too: each fold counts its own users, and folds combined
    # keep no counts that differ from fold to fold, so a model emptying lists was unsaid
    per_fold = ("suspicious", "empty lists", "short lists")
    found = [d for d in found if d.kind not in per_fold]
    for number, fold in enumerate(folds, 1):
        found += [Diagnostic(d.kind, f"fold {number} of {len(folds)}: {d.message}")
                  for d in diagnose(fold) if d.kind in per_fold]
    return found


def _combine_folds(label: str, folds: list[EvaluationResult]) -> EvaluationResult:
    """One result from a cross-validation's folds: each user's values averaged over the
    folds that tested the user, catalog metrics averaged over folds, users without a
    relevant item summed."""
    per_user = pd.concat([f.per_user for f in folds])
    per_user = per_user.groupby(level=0, sort=True).mean()
    aggregate = {name: float(np.mean([f.aggregate[name] for f in folds]))
                 for name in folds[0].aggregate}
    # the settings every fold shares (relevance threshold, graded, catalog...): kept, so
    # that compare() and comparison_table() can refuse results of other settings, as they
    # do for one split (the result held only the number of folds)
    shared = {key: value for key, value in folds[0].meta.items()
              if all(key in f.meta and _same_value(f.meta[key], value) for f in folds[1:])}
    return EvaluationResult(label, per_user, aggregate,
                            sum(f.users_without_relevant for f in folds),
                            shared | {"folds": len(folds)})


def _same_value(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays compare element-wise
        return False


def _headline_metric(evaluator: Evaluator) -> str:
    for metric in ("ndcg", "recall", "map", "precision", "hit_rate", "mrr", "auc"):
        if metric in evaluator.metrics:
            return metric if metric == "auc" else f"{metric}@{min(evaluator.ks)}"
    return ""
