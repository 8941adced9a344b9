"""Experiment files (TOML) validated as a whole into typed objects, before any data is read.

Every mistake is reported with the file, the table and the key that hold it, and a "did you
mean" for a near-miss name, e.g. ``demo.toml: [split] test_fraction = 1.5: must be in
(0, 1)`` or ``demo.toml: [split] method: 'randm' is not a known split method (did you mean
'random'?)``. Split methods, filters and data sources are the specs registered in
:mod:`recstack.data.splits`, :mod:`recstack.data.filters` and :mod:`recstack.data.sources`;
models are those of :mod:`recstack.models.registry`, their hyperparameters checked by the
model's own declaration.

Example::

    name = "synthetic-baselines"    # results go to results/NAME (a name, not a path)
    seed = 0

    [data]
    source = "synthetic"            # a path, a fetched dataset name, or synthetic[:opts]
    # or data already split:  train = "split/train.parquet"  test = "split/test.parquet"
    # or a folder written by `recstack data split`:  split = "split"
    # or a graph-CF split folder (train.txt, valid.txt, test.txt), detected from its files
    # (or format = "adjacency"): the graph-CF protocol, see below
    # or the NCF repository's files: split = "ncf/ml-1m" (ml-1m.train.rating,
    # .test.rating, .test.negative; detected, or format = "ncf"), negatives included
    # loader options: user_col, item_col, value_col, timestamp_col, separator, encoding,
    # column_names, timestamp_format, timestamp_unit, rating_range
    # value_col = false: the log has no value column, every row is an implicit positive
    # (1.0) even where a column is named like one (rating, count...)

    [[filters]]
    type = "k_core"                 # k_core | min_value | time_window | deduplicate
    user_min = 5
    item_min = 5

    [split]
    method = "random"               # random | temporal | leave_last_out | users | kfold
    test_fraction = 0.2

    [evaluation]
    metrics = ["ndcg", "recall", "precision", "map", "coverage"]
    ks = [10, 20]
    # protocol = "sampled": each held-out item ranked among n_negatives = 100 items
    # (NCF's and SASRec's protocol; the NCF files' own negatives when [data] holds them),
    # metrics hit_rate and ndcg only

    [[models]]
    type = "most_popular"

    [[models]]
    type = "random"
    seed = 1

Relative paths are taken from the experiment file's folder.

The graph-CF protocol (LightGCN, GF-CF, BSPM and their successors; He et al., SIGIR 2020,
section 4.1) is one ``[data]`` line::

    [data]
    split = "lightgcn-splits/ml-1m"   # train.txt, valid.txt, test.txt (adjacency lists)

    [tune]                            # optional: tune every model on valid.txt first
    trials = 20                       # each model's own budget and default search space
    # metric = "recall@20"            # the default under this protocol

    [[models]]
    type = "ease"

Each model with a search space is tuned on ``valid.txt`` with ``train.txt`` as its only
training data (``[tune] model = LABEL`` tunes only that one, ``[tune.space]`` its space);
then every model is refit on train plus valid and evaluated on ``test.txt``, ranking the
full catalog with the train and valid items masked. The metrics default to ``recall`` and
``ndcg`` at K = 20: with binary relevance these are the protocol's recall@20 (hits over all
of the user's test items) and nDCG@20 (ideal over min(test items, 20)). The three files
are read together (one vocabulary), but the search is handed the training and validation
parts only; the test file's cold items and repeated pairs stay in the denominators and are
counted in the loader's report. Without ``valid.txt`` the models
fit on ``train.txt`` and ``[tune]`` carves its validation part out of it at random.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import math
import operator
import os
import re
import stat
import sys
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recstack.atomic import broken_link, checked_path, describe_path, special_file_problem
from recstack.data.filters import FILTERS, FilterSpec
from recstack.data.sources import (
    AdjacencyFolder,
    LoaderOptions,
    SourceSpec,
    check_options_apply,
    is_adjacency_folder,
    loader_options,
    resolve_source,
)
from recstack.data.splits import SPLITS, SplitSpec
from recstack.errors import ConfigError, digit_count, shown_as_written
from recstack.errors import shown as python_shown
from recstack.evaluation.sampled import DEFAULT_NEGATIVES, SAMPLED_METRICS
from recstack.specs import (
    BATCH_SIZE_MAX,
    CUTOFF_RULE,
    K_MAX,
    MAX_THREADS,
    SEED_MAX,
    SEED_RULE,
    Option,
    Spec,
    UnquotedDateError,
    arguments_named,
    build_spec,
    cutoffs_problem,
    cutoffs_text,
    date_as_text_hint,
    did_you_mean,
    endless_integer_problem,
    fields_of,
    finite_or_infinite,
    home_problem,
    number_from_text,
    number_spelling_hint,
    option,
    refuse_case_twins,
    spelling_said,
    table_hint,
    toml_number_text,
)

# every value shown here was read from a settings file (TOML, JSON): a TOML date, time or
# moment is written as the file writes it (it was "source = datetime.date(2020, 1, 1)"),
# and so is text (it was "ks = ['4']", a spelling the file refuses)
from recstack.specs import toml_shown as shown_value

if TYPE_CHECKING:
    from recstack.spark.session import SparkSettings

#: parts of a folder written by ``recstack data split``
SPLIT_PARTS = ("train", "test", "fold_in")
#: keys of the [data] table besides the loader options (those naming data)
DATA_KEYS = ("source", "split") + SPLIT_PARTS
#: ``[data] format``: the layout of a ``split`` folder (default: detected from its files)
SPLIT_FORMATS = ("recstack", "adjacency", "ncf")
#: ``[evaluation] protocol``: rank the full catalog, or each held-out item among sampled
#: (or given) negatives (:mod:`recstack.evaluation.sampled`)
PROTOCOLS = ("full", "sampled")
#: the evaluation of the graph-CF protocol unless ``[evaluation]`` says otherwise
PROTOCOL_METRICS = ("recall", "ndcg")
PROTOCOL_KS = (20,)
PROTOCOL_TUNE_METRIC = "recall@20"
TOP_LEVEL = {"name": str, "seed": int, "output": str, "data": dict, "filters": list,
             "split": dict, "evaluation": dict, "models": list, "tune": dict,
             "report": dict, "spark": dict}
#: the results folder, relative to the working directory, that run names live in
RESULTS_FOLDER = Path("results")
#: the longest run name or model label: file systems take 255 bytes per name, and
#: results add suffixes and temporary prefixes to it
MAX_NAME_BYTES = 200
#: sane upper bounds of the run-size settings: a value past them (``trials = 2**70``) is
#: a typo that would run for ever or ask for more memory than any machine has, refused
#: when the file is read, naming the field
TRIALS_MAX = 100_000
MAX_POINTS_MAX = 1_000_000
#: a search's ``timeout`` at most (30 days, in seconds)
TIMEOUT_MAX = 30 * 24 * 3600
#: the most negatives per user of the sampled protocol (its default, ``DEFAULT_NEGATIVES``,
#: and its metrics, ``SAMPLED_METRICS``, are those of :mod:`recstack.evaluation.sampled`)
SAMPLED_NEGATIVES_MAX = 1_000_000


def _known_metrics() -> tuple[str, ...]:
    from recstack.evaluation.evaluator import FULL_SCORE_METRICS, LIST_METRICS
    from recstack.metrics.ranking import RANKING_METRICS

    return tuple(RANKING_METRICS) + tuple(FULL_SCORE_METRICS) + tuple(LIST_METRICS)


def _metric_hint(name: str, known: Sequence[str]) -> str:
    """The evaluator's hint for an unknown metric ``name``
    (:func:`recstack.evaluation.evaluator.metric_name_hint`): a :mod:`recstack.metrics`
    function's name (``gini_index``) is pointed to the evaluator's (``gini``), else the
    nearest of ``known``, as the Evaluator itself says it."""
    from recstack.evaluation.evaluator import metric_name_hint

    return metric_name_hint(name, known)


def _default_metrics() -> tuple[str, ...]:
    from recstack.evaluation.evaluator import DEFAULT_METRICS

    return tuple(DEFAULT_METRICS)


def _ks_example(cutoff: str) -> str:
    """The ``ks`` to write for a metric named with the cut-off ``cutoff`` (``ndcg@20``:
    ``ks = [20]``): the one it names when that is a cut-off ks takes, written as TOML
    writes it, else ``[10]`` with why the one named is none. It echoed any text after the
    '@', suggesting ``ks = [0]`` (refused next), ``ks = [010]`` (not TOML) for
    ``ndcg@0``/``ndcg@010``."""
    if cutoff.isascii() and cutoff.isdigit() and 1 <= int(cutoff) <= K_MAX:
        return f"(e.g. ks = [{int(cutoff)}])"
    named = f"{cutoff[:20]!r}{'...' if len(cutoff) > 20 else ''}" if cutoff else "nothing"
    return (f"(e.g. ks = [10]; the cut-off after '@' is {named}, which ks do not take: "
            f"ks are {CUTOFF_RULE})")


def _check_run_size(name: str, value: int | None, most: int) -> None:
    """Refuse a run-size setting past its sane upper bound (the lower one is declared
    with the field): ``trials = 2**70`` was accepted and ran for ever."""
    if value is not None and value > most:
        raise ConfigError(f"{name} = {value}: must be <= {most} (a run-size setting "
                          "this large would run for ever or exhaust memory)")


@dataclass(frozen=True)
class EvaluationSpec(Spec):
    """The ``[evaluation]`` table: what the evaluator computes and with what resources."""

    metrics: tuple[str, ...] = option(_default_metrics(), "metric names, computed at each K")
    ks: tuple[int, ...] = option((10, 20), "cut-offs K of the ranked lists", low=1)
    relevance_threshold: float | None = option(None, "test rows with value >= this are "
                                               "relevant (default: every row)")
    graded: bool = option(False, "use test values as relevance grades (graded nDCG)")
    n_threads: int | None = option(None, "threads for the top-K selection (default: every "
                                   "core)", low=1)
    batch_size: int | None = option(None, "users scored at once (default: what fits in "
                                    "512 MiB)", low=1)
    protocol: str = option("full", "full: rank the whole catalog; sampled: rank each "
                           "held-out item among n_negatives items (NCF, SASRec)",
                           choices=PROTOCOLS)
    n_negatives: int | None = option(None, "negatives per user under protocol = "
                                     f"\"sampled\" (default {DEFAULT_NEGATIVES})", low=1)

    @property
    def sampled(self) -> bool:
        """Whether the models are evaluated by the sampled-negatives protocol."""
        return self.protocol == "sampled"

    @property
    def negatives_count(self) -> int:
        """The negatives sampled per user under the sampled protocol (default
        :data:`~recstack.evaluation.sampled.DEFAULT_NEGATIVES`)."""
        return self.n_negatives if self.n_negatives is not None else DEFAULT_NEGATIVES

    def check(self) -> None:
        _check_run_size("n_threads", self.n_threads, MAX_THREADS)
        _check_run_size("batch_size", self.batch_size, BATCH_SIZE_MAX)
        self._check_protocol()
        if not self.metrics:
            raise ConfigError("metrics = []: give at least one metric, e.g. [\"ndcg\"]; "
                              "known: " + ", ".join(_known_metrics()))
        repeated = sorted({m for m in self.metrics if self.metrics.count(m) > 1})
        if repeated:
            raise ConfigError(f"metrics = {shown_value(list(self.metrics))}"
                              f": each metric once (repeated: "
                              f"{', '.join(repeated)})")
        known = _known_metrics()
        for metric in self.metrics:
            name, at, cutoff = metric.partition("@")
            if at and name in known:
                raise ConfigError(f"metrics: {metric!r}: metrics are named without a cut-off; "
                                  f"write {name!r} and give the cut-offs in ks "
                                  f"{_ks_example(cutoff)}")
            if metric not in known:
                # the evaluator's own hint: a recstack.metrics function's name
                # ("gini_index") is pointed to the evaluator's ("gini"), which
                # did_you_mean found too far apart to suggest
                hint = _metric_hint(name if at else metric, known)
                if at:
                    cutoffs = "the cut-offs go in ks, not in the names)"
                    hint = (f" ({cutoffs}" if not hint else
                            f"{hint[:-1]} {cutoffs.capitalize()}" if hint.endswith("?)")
                            else f"{hint[:-1]}; {cutoffs}")
                raise ConfigError(f"metrics: {shown_value(metric)} is not a known metric{hint}; "
                                  f"known: {', '.join(known)}")
        if not self.ks:
            raise ConfigError("ks = []: give at least one cut-off, e.g. [10]")
        problem = cutoffs_problem(self.ks)
        if problem:
            raise ConfigError(f"ks = {cutoffs_text(self.ks)}: {problem}")
        if len(set(self.ks)) != len(self.ks):
            raise ConfigError(f"ks = {shown_value(list(self.ks))}: each K once")
        if self.sampled and self.n_negatives is not None and max(self.ks) > self.n_negatives:
            raise ConfigError(
                f"ks = {list(self.ks)}: K = {max(self.ks)} is not below the "
                f"{self.n_negatives + 1:,} candidates of protocol = \"sampled\" (the "
                f"held-out item and n_negatives = {self.n_negatives:,}), so every user "
                f"would hit; use K <= {self.n_negatives:,} or raise n_negatives")

    def _check_protocol(self) -> None:
        if self.sampled:
            if self.n_negatives is not None:
                _check_run_size("n_negatives", self.n_negatives, SAMPLED_NEGATIVES_MAX)
            other = [m for m in self.metrics if m not in SAMPLED_METRICS]
            if other:
                raise ConfigError(
                    f"metrics = {shown_value(list(self.metrics))}: protocol = \"sampled\" "
                    f"computes {' and '.join(SAMPLED_METRICS)} only, not "
                    f"{', '.join(map(shown_value, other))}"
                    f"; write metrics = [\"hit_rate\", \"ndcg\"] (or protocol = \"full\" "
                    "for the other metrics)")
            if self.graded:
                raise ConfigError("graded = true: protocol = \"sampled\" ranks one held-out "
                                  "item at a time (binary relevance); drop graded")
            if self.n_threads is not None:
                raise ConfigError("n_threads: sets the threads of the full protocol's top-K "
                                  "selection, which protocol = \"sampled\" does not run; "
                                  "drop it")
        elif self.n_negatives is not None:
            raise ConfigError(f"n_negatives = {self.n_negatives}: applies to protocol = "
                              f"\"sampled\" only, and the protocol is "
                              f"{shown_value(self.protocol)}; "
                              "write protocol = \"sampled\" or drop n_negatives")


@dataclass(frozen=True)
class TuneSpec(Spec):
    """The ``[tune]`` table of :mod:`recstack.tuning`."""

    model: str | None = option(None, "label (or type) of the model to tune; under the "
                               "graph-CF protocol, default: every model with a search space")
    metric: str = option("ndcg@10", "the per-user metric maximised, e.g. ndcg@10")
    trials: int = option(20, "models fitted in the search", low=1)
    validation_fraction: float = option(0.2, "share carved out of the training part to "
                                        "validate on", low=0.0, high=1.0, open_low=True,
                                        open_high=True)
    space: dict[str, Any] | None = option(None, "search space: name = { type, low, high"
                                          "[, log] } or { type = \"categorical\", choices }; "
                                          "default: the model's own")
    seed: int | None = option(None, "seed of the sampler (default: the experiment's)", low=0,
                              high=SEED_MAX)

    def check(self) -> None:
        if self.model is None and self.space is not None:
            raise ConfigError("space: a search space is one model's; name it with model = "
                              "LABEL")
        _check_run_size("trials", self.trials, TRIALS_MAX)
        check_tune_metric(self.metric)


def check_tune_metric(metric: Any) -> None:
    """The metric a search maximises: a per-user metric of the evaluator, ``NAME@K`` for a
    ranking metric (``NAME`` alone: K = 10) or ``NAME`` for one over the whole catalog
    (``auc``). Shared by ``[tune] metric`` and :func:`recstack.tuning.search`."""
    from recstack.evaluation.evaluator import FULL_SCORE_METRICS
    from recstack.metrics.ranking import RANKING_METRICS

    per_user = tuple(RANKING_METRICS) + tuple(FULL_SCORE_METRICS)
    name, k = parse_metric_name(metric, per_user, expected="expected a name like 'ndcg@10'",
                                kind="a per-user metric")
    if k is not None and name in FULL_SCORE_METRICS:
        # the evaluator names these columns without a K: they rank the whole catalog
        raise ConfigError(f"metric = {shown_value(metric)}: {name} is computed over the whole "
                          f"catalog, without a cut-off; write metric = \"{name}\"")


#: a metric's cut-off K as written after '@': a whole number >= 1 in ASCII digits
_CUTOFF_TEXT = re.compile(r"[1-9][0-9]*", re.ASCII)


def parse_metric_name(metric: Any, known: Sequence[str], *, expected: str, kind: str,
                      k_required: bool = False) -> tuple[str, int | None]:
    """``NAME@K`` (or ``NAME`` alone, unless ``k_required``) -> ``(NAME, K or None)``,
    ``NAME`` one of ``known`` and K a whole number from 1 to :data:`K_MAX` in the digits
    0-9; else a ConfigError that starts ``metric = ...: `` (``expected`` says the form,
    ``kind`` what NAME names). The one reading of a metric name for ``[tune] metric`` and
    a pipeline's gate (``ndcg@0`` was "expected a name like 'ndcg@10'" in one and "K a
    whole number >= 1" in the other)."""
    if not isinstance(metric, str):
        raise ConfigError(f"metric = {shown_value(metric)}: {expected}")
    name, at, k = metric.partition("@")
    plain = metric.strip().lower()
    if plain != metric and re.fullmatch(r"[a-z_]+(@[1-9][0-9]*)?", plain, re.ASCII):
        raise ConfigError(f"metric = {shown_value(metric)}: {expected}"
                          f" (did you mean {shown_value(plain)}? names "
                          "are lower case, without spaces)")
    if not re.fullmatch(r"[a-z_]+", name, re.ASCII):
        # 'ndсg@10' with a Cyrillic с was told the form alone, of a name that prints alike
        raise ConfigError(f"metric = {shown_value(metric)}: {expected}{_metric_hint(name, known)}")
    if name not in known:
        raise ConfigError(f"metric = {shown_value(metric)}: {shown_value(name)} is not {kind}"
                          f"{_metric_hint(name, known)}; known: {', '.join(known)}")
    if not at:
        if k_required:
            raise ConfigError(f"metric = {shown_value(metric)}"
                              f": {expected}; the cut-off K is missing "
                              f"(e.g. \"{name}@10\")")
        return name, None
    if not _CUTOFF_TEXT.fullmatch(k):
        raise ConfigError(f"metric = {shown_value(metric)}"
                          f": {expected}, with K a whole number >= 1 in "
                          f"the digits 0-9 (got K = {shown_value(k)})")
    if int(k) > K_MAX:
        raise ConfigError(f"metric = {shown_value(metric)}: K = {k} is above {K_MAX}, the largest "
                          f"cut-off (ks are {CUTOFF_RULE})")
    return name, int(k)


@dataclass(frozen=True)
class ReportSpec(Spec):
    """The ``[report]`` table: the HTML report written at the end of ``recstack evaluate``
    (:func:`recstack.analysis.report.write_report`)."""

    html: bool = option(False, "write RESULTS/report.html when the evaluation is done")
    save_models: bool = option(False, "save every fitted model under RESULTS/models/LABEL "
                               "(the report then loads them instead of refitting)")
    refit: str = option("all", "models the report refits when they were not saved",
                        choices=("all", "embeddings", "none"))
    projection: str = option("tsne", "the 2-D map of the embeddings",
                             choices=("tsne", "umap", "none"))
    max_points: int = option(2000, "points per 2-D map at most (a seeded subsample)", low=5)
    colour_by: str | None = option(None, "what colours the maps: 'popularity' or an "
                                   "item-table column (default: genre, else popularity)")

    def check(self) -> None:
        _check_run_size("max_points", self.max_points, MAX_POINTS_MAX)
        if self.colour_by is not None and not self.colour_by.strip():
            raise ConfigError(f"colour_by = {shown_value(self.colour_by)}: expected "
                              "\"popularity\" or an item-table column; leave it out for the "
                              "default (genre, else popularity)")


def _check_report_applies(report: ReportSpec, file: str) -> None:
    """Refuse the page's settings of ``[report]`` without ``html = true``: they shape the
    page it writes, and without it they were read and ignored (``recstack report`` takes
    its own flags, not the file's table). Checked for a file about to run
    (:func:`load_experiment`), not when a results folder's experiment is read back."""
    if report.html:
        return
    import dataclasses

    defaults = {spec_field.name: spec_field.default
                for spec_field in dataclasses.fields(ReportSpec)}
    shaping = [f"{name} = {_toml_text(getattr(report, name))}"
               for name in ("refit", "projection", "max_points", "colour_by")
               if getattr(report, name) != defaults[name]]
    if shaping:
        many = len(shaping) > 1
        raise ConfigError(f"{file}[report] {', '.join(shaping)}: {'shape' if many else 'shapes'}"
                          " the HTML report, which is written only with html = true; add "
                          f"html = true, or give {'them' if many else 'it'} to `recstack "
                          "report RESULTS` later (--refit, --projection, --max-points, "
                          "--colour-by)")


def _toml_text(value: Any) -> str:
    """A setting's value as a TOML file writes it."""
    return f'"{value}"' if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class ModelSpec:
    """One ``[[models]]`` entry: the registry type, its label in results, its parameters."""

    type: str
    label: str
    params: dict[str, Any]


@dataclass(frozen=True)
class NCFSplit:
    """The NCF split files a ``[data] split`` names: the folder, the data set's name in it
    (its files ``<name>.train.rating``, ``.test.rating``, ``.test.negative``) and the
    value as written, for messages."""

    folder: str
    name: str
    written: str

    def load(self) -> Any:
        """The files read by :func:`recstack.data.ncf_files.load_ncf_files`."""
        from recstack.data.ncf_files import load_ncf_files

        return load_ncf_files(self.folder, self.name)


@dataclass(frozen=True)
class DataSpec:
    """The ``[data]`` table: one source to filter and split, or parts already split."""

    source: SourceSpec | None
    parts: dict[str, SourceSpec]
    options: LoaderOptions
    #: the folder a ``split = "..."`` named, for messages
    split_folder: Path | None = None
    #: a graph-CF split folder (``split = FOLDER`` with train.txt, test.txt): the protocol
    adjacency: AdjacencyFolder | None = None
    #: the NCF repository's split files (``split = FOLDER`` with ``format = "ncf"`` or
    #: ``<name>.train.rating``, ``.test.rating``, ``.test.negative``), negatives included
    ncf: NCFSplit | None = None

    @property
    def is_split(self) -> bool:
        return bool(self.parts) or self.adjacency is not None or self.ncf is not None

    @property
    def is_graph_cf(self) -> bool:
        """Whether the experiment runs the graph-CF protocol (see the module docstring)."""
        return self.adjacency is not None


@dataclass(frozen=True)
class Experiment:
    """A whole experiment file, validated (see the module docstring)."""

    name: str
    seed: int
    data: DataSpec
    filters: tuple[FilterSpec, ...]
    split: SplitSpec | None
    evaluation: EvaluationSpec
    models: tuple[ModelSpec, ...]
    tune: TuneSpec | None = None
    report: ReportSpec = ReportSpec()
    #: the ``[spark]`` table, for :func:`recstack.spark.session.spark_session` (the
    #: one-machine commands do not read it); None without one
    spark: SparkSettings | None = None
    source_file: str | None = None
    output: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the folder relative paths in the file are taken from
    base_folder: Path | None = None

    @property
    def where(self) -> str:
        """The file, as messages start."""
        return f"{self.source_file or '<experiment>'}: "

    def result_folder(self, results: str | Path = RESULTS_FOLDER) -> Path:
        """Where the results go: ``results/<output or name>``."""
        return Path(results) / (self.output or self.name)


def require_experiment(experiment: Any, call: str) -> Experiment:
    """``experiment`` when it is an :class:`Experiment`; a path to its file (the usual slip:
    ``run_experiment("exp.toml")``), a parsed dict or anything else is refused naming
    ``call`` and how to read one, where it failed with "'str' object has no attribute
    'models'"."""
    if isinstance(experiment, Experiment):
        return experiment
    shown = repr(experiment)
    got = f"{type(experiment).__name__} {shown if len(shown) <= 60 else shown[:57] + '...'}"
    if isinstance(experiment, str | os.PathLike):
        got = f"the path {str(experiment)!r}"
        how = f"read the file first: {call}(load_experiment({str(experiment)!r}))"
    elif isinstance(experiment, dict):
        how = f"validate the dict first: {call}(parse_experiment(table))"
    else:
        how = f"read one first: {call}(load_experiment(path))"
    raise ConfigError(f"{call} takes an Experiment (from recstack.config.load_experiment), "
                      f"got {got}; {how}")


@arguments_named
def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; relative paths in it are taken from its folder.

    Raises
    ------
    ConfigError
        Anything wrong in the file, naming the file, the table and the key.
    """
    # a number or None was a TypeError of Path(); '~/exp.toml' was looked for under './~'
    path = checked_path(path, "load_experiment(path)")
    raw = read_toml(path, "experiment")
    with dated_lines(path):
        experiment = parse_experiment(raw, source=str(path), base=path.parent.absolute())
    _check_report_applies(experiment.report, experiment.where)
    return experiment


@arguments_named
def parse_experiment(raw: dict[str, Any], *, source: str = "<experiment>",
                     base: str | Path | None = None) -> Experiment:
    """Validate a parsed experiment (a dict as TOML gives it) into an :class:`Experiment`.

    Parameters
    ----------
    raw
        The parsed file.
    source
        The file's name, for messages.
    base
        The folder relative paths are taken from (default: the working directory).
    """
    if not isinstance(source, str | os.PathLike):
        raise ConfigError(f"parse_experiment(source=...) takes the file's name for messages "
                          f"(text), got {type(source).__name__} {source!r:.60}")
    if base is not None:
        base = checked_path(base, "parse_experiment(base=...)")
        if base.exists() and not base.is_dir():
            # relative paths were looked for under the file, as if it were a folder
            raise ConfigError(f"parse_experiment(base=...): {base} is {describe_path(base)}, "
                              "not a folder; give the folder relative paths are taken from "
                              f"(the experiment file's folder: {base.parent})")
    file = f"{source}: "
    raw = python_values(raw, file)
    from recstack.ops.pipeline_config import TOP_LEVEL as PIPELINE_TOP_LEVEL

    refuse_other_file_kind(raw, file, TOP_LEVEL, PIPELINE_TOP_LEVEL, own=("models",),
                           kind="a pipeline file", command="recstack pipeline run FILE")
    refuse_misplaced_top_level_keys(raw, TOP_LEVEL, file,
                                    accepted={"data": ("split",), "models": ("model",)},
                                    seeded=_SEEDED_TABLES, top_seed=_TOP_SEED)
    _check_table(raw, TOP_LEVEL, file, required=("data", "models"))
    seed = raw.get("seed", 0)
    check_seed(seed, f"{file}seed")
    name = raw.get("name", Path(source).stem)
    # a name taken from the file's own name was said as "name = ' x'", a line the file
    # does not hold
    _check_run_name(name, f"{file}name = {shown_value(name)}" if "name" in raw else
                    f"{file}the run name {name!r} (the file's name without its extension, "
                    "as the file sets no name =)")
    output = raw.get("output")
    if output is not None:
        _check_run_name(output, f"{file}output = {shown_value(output)}")
    base_folder = Path(base) if base is not None else Path.cwd()

    data = _parse_data(raw["data"], f"{file}[data] ", base_folder)
    filters = _parse_filters(raw.get("filters", []), file, data)
    split = _parse_split(raw.get("split"), file, data, seed)
    evaluation_table = raw.get("evaluation", {})
    sampled = isinstance(evaluation_table, dict) and evaluation_table.get("protocol") == "sampled"
    if data.is_graph_cf and isinstance(evaluation_table, dict):
        # under the sampled protocol its own metrics (recall is not one of them)
        evaluation_table = {"metrics": list(SAMPLED_METRICS if sampled else PROTOCOL_METRICS),
                            "ks": list(PROTOCOL_KS)} | evaluation_table
    if data.ncf is not None and sampled and "n_negatives" in evaluation_table:
        raise ConfigError(f"{file}[evaluation] n_negatives = "
                          f"{shown_value(evaluation_table['n_negatives'])}: the NCF files of "
                          f"[data] split = {shown_value(data.ncf.written)} give each test user's "
                          f"negatives (its .test.negative file), and those are ranked; drop "
                          "n_negatives")
    if sampled:
        evaluation_table = {"metrics": list(SAMPLED_METRICS)} | evaluation_table
    _refuse_unwritable_ks(evaluation_table, f"{file}[evaluation] ")
    evaluation = build_spec(EvaluationSpec, evaluation_table, f"{file}[evaluation] ")
    models = _parse_models(raw["models"], file)
    tune = _parse_tune(raw.get("tune"), file, models, graph_cf=data.is_graph_cf)
    if tune is not None:
        _check_validation_fraction_applies(raw["tune"], split, data, f"{file}[tune] ")
    report = build_spec(ReportSpec, raw.get("report", {}), f"{file}[report] ")
    spark = None
    if "spark" in raw:
        # checked when the file is read, as the other tables are, not when a session starts
        from recstack.spark.session import settings_from_table

        spark = settings_from_table(raw["spark"], f"{file}[spark]")
    return Experiment(name=name, seed=seed, data=data, filters=filters, split=split,
                      evaluation=evaluation, models=models, tune=tune, report=report,
                      spark=spark, source_file=source,
                      output=output, raw=raw, base_folder=base_folder)


def python_values(raw: Any, file: str) -> Any:
    """A settings table given from Python (``parse_experiment(raw)``, ``parse_pipeline``)
    as TOML would give it, checked and copied: numpy numbers as the Python numbers they
    equal (a float32 as the number it shows: ``np.float32(0.1)`` is 0.1), numpy arrays
    and tuples as lists, at any depth; numpy dates stay as they are (a time setting reads
    them). ``seed = np.int64(3)`` was refused as "seed = 3: expected an integer", and a
    model's ``factors = np.int64(4)`` as "factors must be int, got 4", though the models
    take numpy numbers; a key that is not text (``{None: 1}``) was an AttributeError.
    Anything else is left as it is, for the checks of its key to judge; ``raw`` itself is
    not changed. ``file``: the ``"NAME: "`` that starts a message."""
    if not isinstance(raw, dict):
        return raw  # the caller's refusal ("expected a table") says what it is
    return _python_value(raw, file, ())


def _python_value(value: Any, file: str, path: tuple[str | int, ...]) -> Any:
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise ConfigError(f"{file}{_table_path(path)}key {python_shown(key)} "
                                  f"({type(key).__name__}): a key is text, a name as TOML "
                                  f"writes it (e.g. {str(key)!r})")
        return {key: _python_value(item, file, (*path, key)) for key, item in value.items()}
    if isinstance(value, np.ndarray) and value.dtype.kind not in "mM":
        value = value[()] if value.ndim == 0 else list(value)
    if isinstance(value, list | tuple):
        return [_python_value(item, file, (*path, number))
                for number, item in enumerate(value)]
    if isinstance(value, np.datetime64 | np.timedelta64):
        return value
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return float(str(value))
    if isinstance(value, np.generic):
        return value.item()
    return value


def _table_path(path: tuple[str | int, ...]) -> str:
    """Where a key lies, as messages name it: ``[split] ``, ``[tune] space.factors ``,
    ``[[models]] #2 `` (nothing at the top level)."""
    if not path:
        return ""
    head, rest = f"[{path[0]}] ", list(path[1:])
    if rest and isinstance(rest[0], int):
        head, rest = f"[[{path[0]}]] #{rest[0] + 1} ", rest[1:]
    inner = ".".join(f"#{part + 1}" if isinstance(part, int) else part for part in rest)
    return head + (f"{inner} " if inner else "")


def dump_toml(raw: dict[str, Any]) -> str:
    """An experiment (as parsed TOML) written back as TOML text. A setting given as None
    from Python (``[tune] seed``, ``[evaluation] relevance_threshold``: the default) is
    left out, as the file says its default: TOML has no None, and ``recstack tune``'s
    tuned experiment failed to be written after the whole search ("Object of type
    'NoneType' is not TOML serializable")."""
    import tomli_w

    return tomli_w.dumps(_toml_ready(_without_none(python_values(raw, "")), (), False))


def _toml_ready(value: Any, path: tuple[str | int, ...], in_table: bool) -> Any:
    """``value`` as tomli_w writes it: a numpy moment as the date or date-time it names
    (naive, as recstack reads a naive time: UTC), in an array or a list alike; a
    ConfigError naming the key for what TOML has no form for (no time, a duration, bytes,
    a complex number, a set, any other object). ``in_table``: whether the top-level key
    holds a table or an array of tables (``[split] cutoff``), not a value (``seed``).
    tomli_w's own refusal was a TypeError naming no key ("Object of type 'datetime64' is
    not TOML serializable"), and pandas' NaT was written as ``NaT``, which no TOML reader
    reads back."""
    from recstack.data.dates import is_nat

    if isinstance(value, np.ndarray):  # python_values keeps arrays of moments as they are
        value = list(value)
    if not path and isinstance(value, dict):
        return {key: _toml_ready(item, (key,), isinstance(item, dict) or (
            isinstance(item, list) and bool(item) and all(isinstance(x, dict) for x in item)))
            for key, item in value.items()}
    if isinstance(value, dict):
        return {key: _toml_ready(item, (*path, key), in_table) for key, item in value.items()}
    if isinstance(value, list):
        return [_toml_ready(item, (*path, number), in_table)
                for number, item in enumerate(value)]
    where = _table_path(path).strip() if in_table else ".".join(
        f"#{part + 1}" if isinstance(part, int) else part for part in path)
    if is_nat(value):  # numpy's and pandas' (pandas' passes for a datetime)
        raise ConfigError(f"dump_toml: {where} = NaT: TOML has no missing time; give a time "
                          "(e.g. 2020-01-31T12:00:00) or leave the key out (None)")
    if isinstance(value, np.datetime64):
        value = _numpy_moment(value, where)
    if isinstance(value, np.timedelta64 | timedelta):  # pandas' Timedelta too
        raise ConfigError(f"dump_toml: {where} = {python_shown(value)}: TOML has no "
                          "duration; give the number the setting takes (e.g. whole seconds)")
    # what tomli_w writes (a datetime includes pandas' Timestamp)
    if not isinstance(value, str | bool | int | float | Decimal | date | time | datetime):
        raise ConfigError(
            f"dump_toml: {where} = {' '.join(python_shown(value).split()):.60}: TOML has no "
            f"form for {type(value).__name__}; give text, a number, a boolean, a date or "
            "time, a list or a table")
    return value


#: numpy's calendar units, whose moments are whole days: written as TOML dates
_DAY_UNITS = ("Y", "M", "W", "D")


def _numpy_moment(moment: np.datetime64, where: str) -> date | datetime:
    """A numpy moment as the ``date`` (a calendar unit) or naive ``datetime`` it names; a
    ConfigError where TOML's years (0001 to 9999, Python's too) cannot hold it. A moment
    finer than microseconds keeps its nanoseconds (a pandas Timestamp, which tomli_w writes
    in full), which tomllib truncates to microseconds on reading; recstack reads times to
    the second."""
    import pandas as pd

    unit, _ = np.datetime_data(moment.dtype)
    if unit in ("ps", "fs", "as"):
        # in days, their counts overflowed numpy's conversion; no reader keeps their digits
        moment = moment.astype("datetime64[ns]")
        unit = "ns"
    day = moment.astype("datetime64[D]")
    if not np.datetime64("0001-01-01") <= day <= np.datetime64("9999-12-31"):
        raise ConfigError(f"dump_toml: {where} = {python_shown(moment)}: a TOML date has a "
                          "year from 0001 to 9999; give a time within them")
    if unit in _DAY_UNITS:
        whole_day: date = day.item()
        return whole_day
    micro = moment.astype("datetime64[us]")
    if unit == "ns" and micro != moment:
        return pd.Timestamp(moment)
    written: datetime = micro.item()
    return written


def _without_none(value: Any) -> Any:
    """``value`` without the keys, at any depth, whose value is None."""
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


#: what the seed at the top of an experiment file seeds: not the models (a model's seed
#: is its own parameter, default 0), which "the default of every seeded part" implied
_TOP_SEED = ("the default of the split's and the search's seeds, not the models'")

#: the tables of an experiment file that take a seed of their own, and what it seeds
_SEEDED_TABLES = {"[split]": "the split's, for the random methods",
                  "[tune]": "the search's sampler",
                  "[[models]]": "that model's, for the models with a seed"}

#: the tables a file of each kind cannot be without, for the refusal of an empty file
_REQUIRED_TABLES = {"experiment": "[data] (e.g. source = \"synthetic\") and one [[models]] "
                                  "(e.g. type = \"most_popular\")",
                    "pipeline": "[data], [model] and [registry]"}


@contextlib.contextmanager
def dated_lines(path: Path) -> Iterator[None]:
    """Name the line of the TOML date a refusal inside is about: a date written unquoted
    where text goes (``partitions = 1979-05-27``, a name, a path) is refused by the spec
    that reads it, which knows the key but not the line; its ``path: `` becomes
    ``path:LINE: ``."""
    try:
        yield
    except UnquotedDateError as error:
        key = error.key
        message = str(error)
        if not message.startswith(f"{path}: "):
            raise
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            raise error from None
        line = _date_line(text, key)
        if line is None:
            raise
        raise ConfigError(f"{path}:{line}: {message[len(str(path)) + 2:]}") from None


#: a TOML date, date-time or time of day written unquoted, after a key's '=' (or '[')
_TOML_DATE_START = (r"\s*=\s*(?:\[[^\]]*?)?(?<![\w.:+-])"
                    r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2})")


def _date_line(text: str, key: str) -> int | None:
    """The number of the first line of ``text`` where ``key`` (bare, or the last part of
    a dotted key) is given an unquoted TOML date or time, else None."""
    found = re.compile(r"(?:^|[\s.{,])" + re.escape(key) + _TOML_DATE_START, re.ASCII)
    for number, line in enumerate(text.split("\n"), 1):
        code = _TOML_QUOTED.sub(lambda m: " " * len(m.group()), line)
        if found.search(code):
            return number
    return None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed TOML file at ``path`` (an experiment or a pipeline file: ``what``), or a
    :class:`ConfigError` naming the file and, where it has one, the line: missing, a folder,
    unreadable, not UTF-8, starting with a byte-order mark, or not TOML."""
    try:
        _check_toml_file(path, what)
        data = path.read_bytes()
    except FileNotFoundError:
        # '-' is a common spelling of standard input, which is not read
        stdin = ("; '-' does not read standard input here: save the text to a .toml file "
                 "and give its path") if str(path) == "-" else ""
        raise ConfigError(f"{path}: no such {what} file (looked at {path.absolute()}){stdin}"
                          ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; give the {what}'s .toml file") from None
    except PermissionError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror} (the file's permissions do "
                          "not let this user read it)") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    other = _other_file_format(data)
    if other is not None:
        # a Parquet or gzip file named in place of the TOML file was "not UTF-8 text (byte
        # 7); save the file as UTF-8", which no such file can be
        raise ConfigError(f"{path}: is {other}, not a TOML {what} file; give the {what}'s "
                          ".toml file (key = value lines and [table] headers)")
    encoded = _other_text_encoding(data)
    if encoded is not None:
        # it was "not UTF-8 text (byte 0)", or, without a byte-order mark, a TOML error at
        # the NUL after the first letter: "retype that part of the line"
        raise ConfigError(f"{path}:1: {encoded}, not UTF-8 text; save the file as UTF-8 (the "
                          f"{what} file is read as UTF-8)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}:{text_line(data, error.start)}: not UTF-8 text (byte "
                          f"{error.start}); save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        # TOML forbids it, and tomllib's "Invalid statement (at line 1, column 1)" hides why
        raise ConfigError(f"{path}:1: starts with a byte-order mark (BOM), which TOML does "
                          "not allow; save the file as UTF-8 without BOM")
    try:
        raw = tomllib.loads(text, parse_float=_read_float)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}{_toml_error_detail(text, error)}"
                          ) from None
    except ValueError as error:
        # an integer of more than 4,300 digits: tomllib's int() raised Python's own
        # "Exceeds the limit" ValueError, a traceback naming no file, line or key
        raise ConfigError(_endless_integer_detail(path, text, error)) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively: a few thousand deep
        # were a RecursionError traceback
        line = _deep_line(text)
        raise ConfigError(f"{path}:{line}: not valid TOML: arrays or inline tables nested "
                          f"too deeply (more than {MAX_NESTING} within one another, from line "
                          f"{line}); no experiment or pipeline setting nests like this"
                          ) from None
    if _holds_endless_integer(raw):
        # factors = 0xfff... (4,200 hex digits): read, but every message that wrote the
        # value was itself Python's "Exceeds the limit" ValueError
        raise ConfigError(_endless_integer_detail(path, text, None))
    if not raw:
        # it was "missing table 'data'", as if one table only were left out
        content = "only comments" if text.strip() else "nothing"
        raise ConfigError(f"{path}: the {what} file is empty (it holds {content}); write "
                          f"its tables, at least {_REQUIRED_TABLES.get(what, 'its tables')}")
    return raw


class _WrittenFloat(float):
    """A float of the file whose value is not what was written (``1e400``, read as
    infinity), keeping the text (``typed_text``, as the command line's numbers do) so that
    a refusal shows ``1e400``, a number the file holds, not ``inf``, which it does not."""

    typed_text: str


def _read_float(text: str) -> float:
    """tomllib's reading of a float, keeping the written text of one that overflowed."""
    value = float(text)
    if math.isinf(value) and "inf" not in text:
        written = _WrittenFloat(value)
        written.typed_text = text
        return written
    return value


def _refuse_unwritable_ks(table: Any, where: str) -> None:
    """Refuse ``ks`` written as text of numbers (``ks = "5"``, ``ks = "5, 10"``) suggesting
    the list, and a cut-off too large to read (``ks = [1e400]``) as written: the generic
    refusal said only "expected a list of integers", and of ``1e400`` showed ``[inf]``."""
    if not isinstance(table, dict) or "ks" not in table:
        return
    ks = table["ks"]
    if isinstance(ks, str):
        numbers = re.fullmatch(r"\s*\[?\s*([0-9]+(?:\s*[,;\s]\s*[0-9]+)*)\s*\]?\s*", ks)
        if numbers is not None:
            listed = ", ".join(str(int(n)) for n in re.split(r"[,;\s]+", numbers.group(1)))
            raise ConfigError(f"{where}ks = {_toml_value(ks)}: expected a list of integers, "
                              f"got text; write the cut-offs as a list without quotes: "
                              f"ks = [{listed}]")
        return
    if isinstance(ks, list) and any(isinstance(k, _WrittenFloat) for k in ks):
        written = ", ".join(k.typed_text if isinstance(k, _WrittenFloat) else _toml_value(k)
                            for k in ks)
        first = next(k for k in ks if isinstance(k, _WrittenFloat))
        raise ConfigError(f"{where}ks = [{written}]: {first.typed_text} is beyond the range "
                          f"of numbers (it reads as {'-' if first < 0 else ''}infinity), so no "
                          f"cut-off; ks are "
                          f"{CUTOFF_RULE}, e.g. ks = [10, 20]")


#: a TOML decimal integer (``+12``, ``1_000``) that no letter, digit or point touches
_TOML_INTEGER = re.compile(r"(?<![\w.:+-])[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|"
                           r"[0-9](?:_?[0-9])*)(?![\w.:-])", re.ASCII)
#: a quoted TOML string (basic or literal) or a comment, on one line
_TOML_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"|\'[^\']*\'|#.*')
#: a key and its '=' (bare, quoted or dotted), the last before a value
_TOML_KEY = re.compile(r'((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
                       r'(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\'))*)\s*=')


#: the byte-order marks of text in UTF-32 and UTF-16 (UTF-32 first: its little-endian
#: mark begins with UTF-16's)
_WIDE_TEXT_MARKS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


#: the first bytes of the binary formats a TOML file's path may name by mistake
_OTHER_FILE_FORMATS = ((b"PAR1", "a Parquet file"), (b"\x1f\x8b", "a gzip-compressed file"),
                       (b"BZh", "a bzip2-compressed file"),
                       (b"\xfd7zXZ\x00", "an xz-compressed file"),
                       (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
                       (b"PK\x03\x04", "a zip file (or an Excel/Office document)"),
                       (b"SQLite format 3\x00", "an SQLite database"),
                       (b"\x93NUMPY", "a NumPy .npy array"), (b"ARROW1", "an Arrow file"),
                       (b"\x89HDF", "an HDF5 file"), (b"%PDF-", "a PDF document"),
                       (b"\x7fELF", "a program (an ELF binary)"))


def _other_file_format(data: bytes) -> str | None:
    """The name of the binary format ``data`` begins as (a Parquet file, a gzip file), or
    None. bzip2's 'BZh' counts only with its block size (1-9) and the magic of a first
    block or of the end after it: a TOML file may begin with those letters."""
    for magic, name in _OTHER_FILE_FORMATS:
        if not data.startswith(magic):
            continue
        if magic != b"BZh" or (len(data) >= 10 and data[3] in b"123456789"
                               and data[4:10] in (b"1AY&SY", b"\x17rE8P\x90")):
            return name
    return None


def _other_text_encoding(data: bytes) -> str | None:
    """What ``data`` is when it is text in UTF-16 or UTF-32 (with its byte-order mark, or
    UTF-16 without one: every other byte of its first 4 KiB 0), as the middle of a message;
    else None. The rule of the data readers (:func:`recstack.data.files.check_content`)."""
    for mark, name in _WIDE_TEXT_MARKS:
        if data.startswith(mark):
            return f"is {name} text (it starts with a {name} byte-order mark)"
    head = data[:4096]
    if b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other in ((odd, even), (even, odd)):
        if zeros.count(0) > 0.9 * len(zeros) and other.count(0) < 0.1 * len(other):
            return "looks like UTF-16 text without a byte-order mark (every other byte is 0)"
    return None


def _endless_integer_detail(path: Path, text: str, error: ValueError | None) -> str:
    """The message for the integer of thousands of digits tomllib could not read (written
    in decimal), or read but no message could write (in hex, octal or binary: ``error``
    None): the file, the line and the key that hold it, and its length
    (:func:`endless_integer_problem`). Strings and comments are blanked before the search:
    digits in quotes are text."""
    lines = text.split("\n")
    table = ""
    keys: list[str] = []
    for number, line in enumerate(lines, 1):
        code = _TOML_QUOTED.sub(lambda m: " " * len(m.group()), line)
        header = _TOML_HEADER.fullmatch(code.strip())
        if header:
            table = f"{header[1]}{header[2].strip()}{']' * len(header[1])}"
            continue
        for found in _TOML_INTEGER.finditer(code):
            problem = _endless_toml_integer(found.group())
            if problem is None:
                continue
            # the last key written before it, on its line (an inline table) or above
            keys += [".".join(_toml_key_path(written.group(1)))
                     for written in _TOML_KEY.finditer(line[:found.start()])]
            key = keys[-1] if keys else "a value"
            within = f" (in {table})" if table else ""
            return (f"{path}:{number}: {key}{within} = {problem}; no setting takes a "
                    "number this long")
        for key_found in _TOML_KEY.finditer(code):
            keys.append(".".join(_toml_key_path(key_found.group(1))))
    return f"{path}: not valid TOML: {error}"


def _endless_toml_integer(token: str) -> str | None:
    """:func:`endless_integer_problem` of a TOML integer, decimal or (``0x``, ``0o``,
    ``0b``) in a base Python reads without a length limit, but cannot write in decimal."""
    digits = token.lstrip("+-").replace("_", "")
    if digits[:2] not in ("0x", "0o", "0b"):
        return endless_integer_problem(digits)
    if len(digits) <= 20:
        return None
    base = {"0x": "hexadecimal", "0o": "octal", "0b": "binary"}[digits[:2]]
    return _endless_value_problem(int(digits, 0), f" (written in {base})")


def _endless_value_problem(value: Any, written: str = "") -> str | None:
    """Why ``value``, an integer too long for Python to write in decimal, is refused, else
    None."""
    limit = sys.get_int_max_str_digits()
    if (not isinstance(value, int) or isinstance(value, bool) or limit <= 0
            or value.bit_length() < limit * 3.3):
        return None
    count = digit_count(value)
    if count <= limit:
        return None
    return (f"a {count:,}-digit integer{written} is too long to be a number here (at most "
            f"{limit:,} digits)")


def _holds_endless_integer(value: Any) -> bool:
    """Whether parsed TOML ``value`` holds, at any depth, an integer too long to write."""
    if isinstance(value, dict):
        return any(_holds_endless_integer(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_endless_integer(item) for item in value)
    return _endless_value_problem(value) is not None


#: the largest experiment or pipeline file read: a few kilobytes of settings is what one
#: holds, and a larger file is a data file given in its place (read whole before)
MAX_TOML_BYTES = 10 * 1024 * 1024


def _check_toml_file(path: Path, what: str) -> None:
    """Refuse, before it is opened, a ``path`` that is not a regular file of at most
    :data:`MAX_TOML_BYTES`: a named pipe (reading it waited forever for a writer), a
    socket or device, a symbolic link that loops or leads nowhere, or a file far too large
    to be settings. A missing file and a folder raise the OSError the caller words."""
    problem = special_file_problem(path)
    if problem is not None:
        # the shared words of recstack.atomic, raised as the settings files' ConfigError
        stdin = "" if broken_link(path) else (" (a file on disk: standard input and pipes "
                                              "are not read)")
        raise ConfigError(f"{path}: {problem}; give the {what}'s .toml file{stdin}")
    status = path.stat()
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if status.st_size > MAX_TOML_BYTES:
        article = "an" if what[:1] in "aeiou" else "a"
        raise ConfigError(f"{path}: is {status.st_size / 2**20:.1f} MiB, but {article} {what} file "
                          f"holds a few kilobytes of settings (at most "
                          f"{MAX_TOML_BYTES // 2**20} MiB are read); is this a data file? "
                          "Name data in the file's [data] source")


def _toml_error_detail(text: str, error: tomllib.TOMLDecodeError) -> str:
    """The line tomllib's error points at, and the character there when it is one a user
    cannot see or tell apart: tomllib says "Invalid statement (at line 1, column 1)" for a
    zero-width space, a Cyrillic 'а' in a key, a NUL byte or a bare carriage return."""
    place = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    if place is None:
        if str(error).endswith("(at end of document)"):
            # a string, array or table left open: tomllib names no line at all
            return _unclosed_detail(text)
        return ""
    number, column = int(place[1]), int(place[2])
    lines = text.split("\n")  # tomllib counts lines by '\n' alone
    if not 1 <= number <= len(lines):
        return ""
    line = lines[number - 1]
    shown = line if len(line) <= 80 else line[:77] + "..."
    detail = f"; line {number} reads {shown!r}"
    if str(error).startswith(("Cannot overwrite a value", "Cannot declare",
                              "Cannot mutate immutable namespace")):
        # tomllib's words for a key or a table given twice, or added to once written whole
        return detail + _toml_redefinition_hint(lines, number)
    if str(error).startswith(("Unclosed array", "Unclosed inline table")):
        # tomllib points at the line after the missing ']' or '}': say where it opened
        opened = _unclosed_detail("\n".join(lines[:number - 1]))
        if opened:
            return detail + opened
    char = line[column - 1] if 1 <= column <= len(line) else ""
    if char == "\r":
        detail += (f", and column {column} holds a carriage return without a line feed (old "
                   "Mac line endings); save the file with LF or CRLF line endings")
    elif char and (not char.isascii() or not char.isprintable()):
        import unicodedata

        name = unicodedata.name(char, "a control character")
        if unicodedata.category(char) == "Cc":
            # TOML refuses a control character (all but the tab) inside strings too: "takes
            # only inside quoted strings" was said of one inside a quoted string
            detail += (f", and column {column} holds {char!r} (U+{ord(char):04X} {name}), "
                       f"which TOML takes nowhere, not even inside a quoted string; remove "
                       f"it, or inside \"...\" write it as the escape \\u{ord(char):04X}")
        else:
            detail += (f", and column {column} holds {char!r} (U+{ord(char):04X} {name}), "
                       "which TOML takes only inside quoted strings; retype that part of "
                       "the line")
    else:
        detail += _toml_syntax_hint(str(error), line, text)
    return detail


_TOML_HEADER = re.compile(r"(\[\[?)\s*([^\[\]]+?)\s*\]\]?")


def _toml_key_path(text: str) -> tuple[str, ...]:
    """A dotted TOML key (``data . "loader"``) as its parts."""
    return tuple(part.strip().strip("\"'") for part in text.split("."))


#: an experiment file's lists of tables, whose entries a user may head [name] each
_LISTS_OF_TABLES = {("models",), ("filters",)}


def _toml_redefinition_hint(lines: list[str], number: int) -> str:
    """What tomllib's "Cannot declare ('data', 'loader') twice", "Cannot overwrite a value"
    and "Cannot mutate immutable namespace" mean for line ``number``: where the key or
    table was first written, how (a [table] header, a [[list]] entry, an inline table
    {...}, dotted keys or a value) and what to write instead."""
    line = lines[number - 1].split("#")[0].strip()
    header = _TOML_HEADER.fullmatch(line)
    current: tuple[str, ...] = ()
    #: the line (from 1) of the [[list]] header whose entry holds the key line, and the
    #: entry's number: the same key in an earlier entry is no clash
    entry_at, entry_number = 0, 0
    if header:
        path = _toml_key_path(header[2])
        written = f"{header[1]}{header[2]}{']' * len(header[1])}"
        name = ".".join(path)
    else:
        # a key = value line: its table is the last header above it
        entries_seen: dict[tuple[str, ...], int] = {}
        for at, above in enumerate(lines[:number - 1], 1):
            found = _TOML_HEADER.fullmatch(above.split("#")[0].strip())
            if found:
                current = _toml_key_path(found[2])
                entry_at = at if found[1] == "[[" else 0
                if entry_at:
                    entries_seen[current] = entries_seen.get(current, 0) + 1
                    entry_number = entries_seen[current]
        key_path = _toml_key_path(line.partition("=")[0])
        path = current + key_path
        written = line.partition("=")[0].strip()
        # a key given twice in the second [[filters]] entry was named filters.user_min,
        # and the first entry's line was blamed for it
        name = (f"[[{'.'.join(current)}]] #{entry_number} {'.'.join(key_path)}" if entry_at
                else ".".join(path))
    table: tuple[str, ...] = ()
    for at, above in enumerate(lines[:number - 1], 1):
        if at < entry_at:
            continue
        text = above.split("#")[0].strip()
        found = _TOML_HEADER.fullmatch(text)
        if found:
            table = _toml_key_path(found[2])
            if table == path:
                shown = f"{found[1]}{found[2]}{']' * len(found[1])}"
                if found[1] == "[[" and header and header[1] == "[":
                    return (f", but {name} is a list of tables, started on line {at} with "
                            f"{shown}; begin each entry with {shown}, never {written}")
                if found[1] == "[" and header and header[1] == "[[":
                    return (f", but line {at} already wrote {name} as one table {shown}; "
                            f"for a list of entries begin each one with {written}, the "
                            f"first included")
                # [models] twice, for two models: the file wants a list, [[models]]
                entries = (f" ({name} of an experiment file is a list of tables: begin "
                           f"each entry with [[{name}]], two pairs of brackets)"
                           if header and header[1] == "[" == found[1]
                           and path in _LISTS_OF_TABLES else "")
                return (f", but line {at} already declared the table {shown}; write each "
                        f"table's header once, with all its keys under it{entries}")
            continue
        key, equals, value = text.partition("=")
        if not equals or not key.strip():
            continue
        defined = table + _toml_key_path(key)
        if defined[:len(path)] != path and path[:len(defined)] != defined:
            continue
        shown = text if len(text) <= 60 else text[:57] + "..."
        if len(defined) < len(path) or (len(defined) == len(path)
                                        and value.strip().startswith("{")):
            whole = ".".join(defined)
            return (f", but line {at} ({shown!r}) wrote {whole} whole as an inline table "
                    f"{{...}}, which nothing after it may add to; put every key of {whole} "
                    f"in that {{...}}, or write it as a [{whole}] section of key = value "
                    f"lines (with {written} after it)"
                    if len(defined) < len(path) and header else
                    f", but line {at} ({shown!r}) wrote {whole} whole as an inline table "
                    f"{{...}}, which nothing after it may add to; put {written} in that "
                    f"{{...}}, or write it as a [{whole}] section of key = value lines"
                    if len(defined) < len(path) else
                    f", but line {at} ({shown!r}) wrote {whole} whole as an inline table "
                    f"{{...}}, which nothing after it may add to; put every key of {whole} "
                    f"in that {{...}}, or write it as a [{whole}] section instead")
        if len(defined) > len(path):
            return (f", but line {at} ({shown!r}) already set keys of {name} as dotted keys; "
                    f"give the keys of {name} in one place, under [{'.'.join(path)}] or as "
                    f"{path[-1]}.KEY = ... lines")
        return (f", but line {at} ({shown!r}) already set {name}; give each key once"
                if not header else
                f", but line {at} ({shown!r}) already set {name} as a value; a key is "
                f"either a value or a table, not both")
    return ", setting a key or a table already set above; give each key and table once"


#: values that other formats write and TOML spells otherwise
_TOML_SPELLINGS = {"True": "true", "False": "false", "TRUE": "true", "FALSE": "false",
                   "yes": "true", "no": "false", "Yes": "true", "No": "false",
                   "NaN": "nan", "Inf": "inf", "Infinity": "inf", "-Infinity": "-inf"}


def _toml_syntax_hint(message: str, line: str, text: str) -> str:
    """What a user most likely meant where tomllib's words do not say it: a JSON or YAML
    file given as the TOML one, a text value left unquoted, Python's or YAML's booleans, a
    Windows path's backslashes in a "..." string (each starts an escape: "Invalid hex
    value" for C:\\Users)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[{", '["')):  # never the start of a TOML file
        return (", which looks like JSON; this file must be TOML (key = value lines and "
                "[table] headers, as in recstack/experiments/demo.toml)")
    if re.fullmatch(r"\s*[A-Za-z_][\w-]*:(\s.*)?", line):
        return (", which looks like YAML (key: value); this file must be TOML, with "
                "key = value lines and [table] headers (as in recstack/experiments/demo.toml)")
    if message.startswith("Invalid initial character for a key part") and (
            re.search(r",\s*}", line) or line.count("{") > line.count("}")):
        # Python's and JSON's habits: TOML 1.0 inline tables are one line, no last comma
        return (", inside an inline table { ... }, which TOML keeps on one line without a "
                "comma after its last value; remove that comma, join the lines, or write "
                "the entry as its own [table] or [[table]] section")
    key, equals, value = line.partition("=")
    value = value.split("#")[0].strip()
    if message.startswith(("Unescaped '\\'", "Invalid hex value", "Invalid escape")) \
            and "\\" in line:
        return (", where a backslash starts an escape sequence inside \"...\"; write a path "
                "with '/' (C:/data/file.csv) or in single quotes ('C:\\data\\file.csv'), or "
                "double each backslash")
    if message.startswith("Escaped character is not a Unicode scalar value"):
        return (", where an escape \\uD800 to \\uDFFF (half of a UTF-16 surrogate pair) is no "
                "character; write the character itself, or its code point as \\UXXXXXXXX")
    if equals and re.fullmatch(r"[-+]?\d+(\.\d+)?", value) and re.match(r"[-+]?0\d", value):
        plain = re.sub(r"^([-+]?)0+(?=[0-9])", r"\1", value)
        return f"; TOML writes numbers without leading zeros: {key.strip()} = {plain}"
    if equals and re.match(r"\d{1,4}-\d{1,2}-\d{1,2}([T ]|$)", value) and message.startswith(
            ("Invalid date", "Expected newline or end of document", "Invalid value")):
        # tomllib reads 2020-13-45 as far as it can and then sees "more after a statement"
        return (f"; {value} is not a date and time TOML reads: write YYYY-MM-DD with a month "
                "1-12 and a day that month has, and a time (after T) as HH:MM:SS from "
                "00:00:00 to 23:59:59, e.g. 2020-01-31T12:00:00 (or quote it as text)")
    if message.startswith("Expected newline or end of document") and equals and re.fullmatch(
            r"[-+]?\.?\d[^\"'\[{=]*", value):
        # tomllib read the number at the start of 7d, 7 days or 1,000 and stopped there,
        # saying only that more followed it
        return (f"; {value} is neither a number nor quoted text: write a number in digits "
                f"alone (as 7, 0.5 or 1e-3), or quote text: {key.strip()} = \"{value}\"")
    if message.startswith("Invalid value") and equals and value:
        if value in _TOML_SPELLINGS:
            return (f"; TOML writes this value as {_TOML_SPELLINGS[value]} (lower case), "
                    f"e.g. {key.strip()} = {_TOML_SPELLINGS[value]}")
        if value == "None":
            return (f"; TOML has no None or null: leave {key.strip()} out for its default")
        if re.fullmatch(r"[-+]?\.\d+", value):
            return f"; TOML needs a digit before the point: {value.replace('.', '0.', 1)}"
        if re.fullmatch(r"[^\"'\[{]+", value):
            return (f"; text is quoted in TOML: {key.strip()} = \"{value}\"")
    return ""


def _unclosed_detail(text: str) -> str:
    """Where the string, array or inline table that reached the end of the file was opened;
    "" when none is found."""
    opened: list[tuple[int, str]] = []  # (line, bracket) of each open array or table
    cut_string = 0  # the first line a one-line string ran off the end of
    open_string = 0  # the line of a string still open at the end of the text
    for event, line, bracket in _toml_structure(text):
        if event == "open":
            opened.append((line, bracket))
        elif event == "close" and opened:
            opened.pop()
        elif event == "cut":
            cut_string = cut_string or line
        elif event == "end":
            open_string = line
    if cut_string or open_string:
        number, what = cut_string or open_string, "a string"
    elif opened:
        number, bracket = opened[-1]
        what = "an array ('[')" if bracket == "[" else "an inline table ('{')"
    else:
        return ""
    shown = text.split("\n")[number - 1]
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return (f"; {what} opened on line {number} is not closed (line {number} reads "
            f"{shown!r}); close it")


#: nesting of arrays and inline tables that :func:`_deep_line` reports
MAX_NESTING = 100


def _deep_line(text: str) -> int:
    """The 1-based line where arrays and inline tables first nest more than
    :data:`MAX_NESTING` deep; 1 when none does."""
    depth = 0
    for event, line, _bracket in _toml_structure(text):
        depth += {"open": 1, "close": -1}.get(event, 0)
        if depth > MAX_NESTING:
            return line
    return 1


def _toml_structure(text: str) -> Iterator[tuple[str, int, str]]:
    """The brackets of TOML ``text`` outside strings and comments, in order, as
    ``("open" | "close", line, bracket)``; ``("cut", line, "")`` where a one-line string
    runs into the end of its line; last ``("end", line, "")`` with the line of a string
    still open at the end of the text, or 0. A scan, not a parser: it serves the messages
    about a file tomllib refused, where no parse exists."""
    line, quote, quote_line, position = 1, "", 0, 0
    while position < len(text):
        char = text[position]
        if char == "\n":
            if quote in ('"', "'"):  # a one-line string does not go on
                yield "cut", line, ""
                quote = ""
            line += 1
        elif quote:
            if char == "\\" and quote in ('"', '"""'):
                position += 1
            elif text.startswith(quote, position):
                position += len(quote) - 1
                quote = ""
        elif char == "#":
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, position) else char
            quote_line = line
            position += len(quote) - 1
        elif char in "[{":
            yield "open", line, char
        elif char in "]}":
            yield "close", line, char
        position += 1
    yield "end", quote_line if quote else 0, ""


def text_line(data: bytes, offset: int) -> int:
    """The 1-based line number of byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1


# --------------------------------------------------------------------------- the tables
@dataclass(frozen=True)
class WithoutValueColumn(LoaderOptions):
    """The loader options of a log with no value column (``[data] value_col = false``):
    every row is an implicit positive (1.0), even where a column is named like one
    (``rating``, ``count``...). :meth:`given` hands the loaders ``value_col=None``, which
    is how :func:`~recstack.data.files.load_table` spells it."""

    def given(self) -> dict[str, Any]:
        return super().given() | {"value_col": None}


def without_value_column(options: LoaderOptions, said: str, range_key: str
                         ) -> WithoutValueColumn:
    """``options`` for a log read without a value column; ``said`` is how the user asked
    for it (``value_col = false``, ``--no-value-col``) and ``range_key`` how they spell the
    rating range (a format string), which has nothing left to check and is refused."""
    if options.rating_range is not None:
        given = range_key.format(list(options.rating_range))
        raise ConfigError(f"{said}: the log has no values, so {given} has nothing to check; "
                          "drop it, or name the value column")
    return WithoutValueColumn(**options.params())


def _parse_data(table: Any, where: str, base: Path) -> DataSpec:
    option_keys = list(fields_of(LoaderOptions))
    _check_table(table, {k: object for k in (*DATA_KEYS, "format", *option_keys)}, where)
    values = {k: v for k, v in table.items() if k in option_keys}
    without_values = _without_value_column(values, where)
    options = loader_options(values, where)
    if without_values:
        options = without_value_column(options, f"{where}value_col = false",
                                       "rating_range = {}")
    layout = table.get("format")
    if layout is not None:
        if layout not in SPLIT_FORMATS:
            raise ConfigError(f"{where}format = {shown_value(layout)}: expected one of "
                              f"{', '.join(map(repr, SPLIT_FORMATS))}"
                              f"{did_you_mean(layout, SPLIT_FORMATS)}")
        if "split" not in table:
            raise ConfigError(f"{where}format = {shown_value(layout)}: says how a split folder "
                              f"is laid out; give the folder as split = \"...\"")
    given = [k for k in DATA_KEYS if k in table]
    for key in given:
        if not isinstance(table[key], str):
            quote = date_as_text_hint(table[key], str, key)
            message = (f"{where}{key} = {shown_value(table[key])}: expected a string"
                       f"{', a path or a source name' if quote else ''}"
                       f"{quote or ' (a path or a source name)'}")
            raise UnquotedDateError(message, key) if quote else ConfigError(message)
    if "source" in table:
        if len(given) > 1:
            raise ConfigError(f"{where}give source (data to split) or train and test (data "
                              f"already split), not both; found {', '.join(given)}")
        spec = resolve_source(table["source"], base=base, where=f"{where}source: ")
        check_options_apply(spec, options, where)
        return DataSpec(spec, {}, options)
    if "split" in table:
        if len(given) > 1:
            raise ConfigError(f"{where}split names a folder with the parts; drop "
                              f"{', '.join(k for k in given if k != 'split')}")
        homeless = home_problem(table["split"])
        if homeless is not None:
            raise ConfigError(f"{where}split = {shown_value(table['split'])} {homeless}")
        folder = Path(table["split"]).expanduser()
        folder = folder if folder.is_absolute() else base / folder
        if layout == "adjacency" or (layout is None and is_adjacency_folder(folder)):
            return _adjacency_folder(folder, where, table["split"], options)
        if layout == "ncf" or (layout is None and (
                _ncf_data_set(folder) is not None
                or (not os.path.lexists(folder) and _ncf_names(folder.parent)))):
            return _ncf_folder(folder, where, table["split"], options)
        return DataSpec(None, _split_folder(folder, where, table["split"], layout), options,
                        folder)
    if "train" in table or "test" in table:
        missing = [k for k in ("train", "test") if k not in table]
        if missing:
            raise ConfigError(f"{where}missing key {missing[0]!r}: data already split need "
                              "both train and test")
        parts = {k: resolve_source(table[k], base=base, where=f"{where}{k}: ")
                 for k in SPLIT_PARTS if k in table}
        for key, spec in parts.items():
            try:
                check_options_apply(spec, options, where)
            except ConfigError as error:
                # of two or three parts, which one is not a file the options apply to
                raise ConfigError(f"{error}, which {key} = {shown_value(table[key])} "
                                  "names") from None
        return DataSpec(None, parts, options)
    raise ConfigError(f"{where}missing key 'source' (or train and test, or split)")


def _without_value_column(values: dict[str, Any], where: str) -> bool:
    """Whether ``value_col = false`` says the log has no value column (it is then taken out
    of ``values``); any other value that is not a column name is refused here, where the
    message can say what it may be."""
    value = values.get("value_col")
    if value is False:
        del values["value_col"]
        return True
    if value is not None and not isinstance(value, str):
        shown = "true" if value is True else shown_as_written(value)
        quote = date_as_text_hint(value, str, "value_col")
        message = (f"{where}value_col = {shown}: expected a column name (a string), or false "
                   f"for a log without values (every row an implicit positive, 1.0){quote}")
        raise UnquotedDateError(message, "value_col") if quote else ConfigError(message)
    return False


def _adjacency_folder(folder: Path, where: str, written: str, options: LoaderOptions
                      ) -> DataSpec:
    """The ``[data]`` of the graph-CF protocol; its files are checked for presence here and
    read (and their lines checked) when the experiment runs."""
    from recstack.data.adjacency import FILE_NAMES

    _require_folder(folder, where, written)
    missing = [FILE_NAMES[p] for p in ("train", "test") if not (folder / FILE_NAMES[p]).is_file()]
    if missing:
        raise ConfigError(f"{where}split = {shown_value(written)}: no {' or '.join(missing)} in "
                          f"{folder.resolve()}; a graph-CF split holds train.txt, test.txt "
                          "and optionally valid.txt")
    given = options.given()
    if given:
        raise ConfigError(f"{where}{', '.join(given)}: loader options apply to CSV, TSV and "
                          "Parquet files, not to a graph-CF split (user item item ... lines)")
    return DataSpec(None, {}, options, folder, adjacency=AdjacencyFolder(str(folder)))


_NCF_SUFFIXES = (".train.rating", ".test.rating", ".test.negative")


def _ncf_data_set(path: Path) -> tuple[Path, str | None] | None:
    """Where the NCF files of ``split = path`` are: a folder holding ``*.train.rating``
    (the data set's name None: the one it holds), or ``FOLDER/NAME`` naming a data set of
    ``FOLDER`` (``ncf/ml-1m``: ``ncf/ml-1m.train.rating``...); None when neither."""
    with contextlib.suppress(OSError):
        if path.is_dir():
            if any(child.name.endswith(_NCF_SUFFIXES[0]) for child in path.iterdir()):
                return path, None
            return None
        if path.parent.is_dir() and any(
                os.path.lexists(path.parent / f"{path.name}{suffix}")
                for suffix in _NCF_SUFFIXES):
            return path.parent, path.name
    return None


def _ncf_names(folder: Path) -> list[str]:
    """The NCF data sets ``folder`` holds (the names of its ``*.train.rating`` files)."""
    try:
        return sorted({child.name[:-len(_NCF_SUFFIXES[0])] for child in folder.iterdir()
                       if child.name.endswith(_NCF_SUFFIXES[0])})
    except OSError:
        return []


def _ncf_folder(folder: Path, where: str, written: str, options: LoaderOptions
                ) -> DataSpec:
    """The ``[data]`` of NCF split files: the files are found here (each one present,
    the data set named when the folder holds several) and read when the experiment runs."""
    said = f"{where}split = {shown_value(written)}"
    found = _ncf_data_set(folder)
    if found is None:
        if folder.is_file():
            raise ConfigError(f"{said}: {folder.resolve()} is a file; split names the folder "
                              "holding the NCF files (or FOLDER/NAME for the data set NAME: "
                              "NAME.train.rating, NAME.test.rating, NAME.test.negative)")
        if folder.is_dir():
            held = sorted(child.name for child in folder.iterdir())
            raise ConfigError(f"{said}: format = \"ncf\", but {folder.resolve()} holds no "
                              f"*.train.rating file (it holds: "
                              f"{', '.join(held[:8]) or 'nothing'}); expected the NCF "
                              "repository's NAME.train.rating, NAME.test.rating and "
                              "NAME.test.negative")
        names = _ncf_names(folder.parent)
        if names:
            raise ConfigError(f"{said}: no NCF data set {folder.name!r} in "
                              f"{folder.parent.resolve()} (no {folder.name}"
                              f"{_NCF_SUFFIXES[0]}){did_you_mean(folder.name, names)}; it "
                              f"holds {', '.join(names)}")
        _require_folder(folder, where, written)
        raise ConfigError(f"{said}: no NCF split files there")  # _require_folder raised
    base, name = found
    if name is None:
        names = _ncf_names(base)
        if len(names) > 1:
            raise ConfigError(f"{said}: the folder holds {len(names)} NCF data sets "
                              f"({', '.join(names)}); name one as split = "
                              f"\"{Path(written) / names[0]}\"")
        name = names[0]
    missing = [f"{name}{suffix}" for suffix in _NCF_SUFFIXES
               if not (base / f"{name}{suffix}").is_file()]
    if missing:
        raise ConfigError(f"{said}: no {' or '.join(missing)} in {base.resolve()}; NCF split "
                          f"files are {name}.train.rating, {name}.test.rating and "
                          f"{name}.test.negative")
    given = options.given()
    if given:
        raise ConfigError(f"{where}{', '.join(given)}: loader options apply to CSV, TSV and "
                          "Parquet files, not to NCF split files (tab-separated lines)")
    return DataSpec(None, {}, options, base, ncf=NCFSplit(str(base), name, written))


def _require_folder(folder: Path, where: str, written: str) -> None:
    if folder.is_file():
        raise ConfigError(f"{where}split = {shown_value(written)}: {folder.resolve()} is a "
                          "file; split names a folder (of train.txt, test.txt for a graph-CF "
                          "split, or written by `recstack data split`)")
    if not folder.is_dir():
        from recstack.data.files import near_miss

        folds = sorted(int(p.name[5:]) for p in folder.parent.glob("fold-*")
                       if p.is_dir() and re.fullmatch(r"fold-[0-9]+", p.name))
        if folds and re.fullmatch(r"fold-.*", folder.name):
            # 'kfold/fold-3' of three folds was "did you mean 'kfold/fold-2'?", without
            # saying that the folds are numbered from 0
            raise ConfigError(
                f"{where}split = {shown_value(written)}: no such fold; {folder.parent} holds "
                f"{len(folds)} folds written by `recstack data split --method kfold`, "
                f"fold-{folds[0]} to fold-{folds[-1]} (numbered from 0); name one of them, "
                f"e.g. split = \"{Path(written).parent / f'fold-{folds[0]}'}\"")
        from recstack.data.sources import relative_to_the_file

        # the file's folder the path was read from: folder less the path as written
        base = (folder.parents[len(Path(written).parts) - 1]
                if not Path(written).expanduser().is_absolute() and Path(written).parts
                and ".." not in Path(written).parts else None)
        raise ConfigError(f"{where}split = {shown_value(written)}: no such folder (looked at "
                          f"{folder.resolve()}){near_miss(folder, written)}"
                          f"{relative_to_the_file(written, base)}")


def _split_folder(folder: Path, where: str, written: str, layout: str | None = None
                  ) -> dict[str, SourceSpec]:
    from recstack.data.adjacency import FILE_NAMES

    _require_folder(folder, where, written)
    if not (folder / "train.parquet").exists():
        folds = sorted(p.name for p in folder.glob("fold-*") if p.is_dir())
        if folds:
            raise ConfigError(f"{where}split = {shown_value(written)}: holds {len(folds)} "
                              "folds; name one of them, e.g. split = "
                              f"\"{Path(written) / folds[0]}\"")
        lists = [name for name in FILE_NAMES.values() if (folder / name).is_file()]
        if layout == "recstack" and is_adjacency_folder(folder):
            files = ", ".join(f"{part}.parquet" for part in SPLIT_PARTS)
            raise ConfigError(f"{where}format = \"recstack\": expects the files `recstack data "
                              f"split` writes ({files}; fold_in optional), but split = "
                              f"{shown_value(written)} holds {', '.join(lists)}, a graph-CF "
                              "split; drop "
                              "format (it is detected) or write format = \"adjacency\"")
        if lists and layout != "recstack":
            missing = [name for name in ("train.txt", "test.txt") if name not in lists]
            raise ConfigError(f"{where}split = {shown_value(written)}: holds {', '.join(lists)} "
                              f"but no {' or '.join(missing)}; a graph-CF split needs "
                              "train.txt and test.txt (valid.txt is optional)")
        raise ConfigError(f"{where}split = {shown_value(written)}: no train.parquet in "
                          f"{folder.resolve()}; expected a folder written by "
                          "`recstack data split`")
    parts = {}
    for part in SPLIT_PARTS:
        path = folder / f"{part}.parquet"
        if not path.exists() and part != "fold_in":
            # train.parquet is there (checked above): the folder lost a part
            raise ConfigError(f"{where}split = {shown_value(written)}: no {path.name} in "
                              f"{folder.resolve()} beside train.parquet; expected a folder "
                              "written by `recstack data split`")
        if path.exists():
            parts[part] = resolve_source(str(path), where=f"{where}split = "
                                                          f"{shown_value(written)}: ")
    return parts


def _parse_filters(table: Any, file: str, data: DataSpec) -> tuple[FilterSpec, ...]:
    if not isinstance(table, list):
        raise ConfigError(f"{file}filters: expected [[filters]] tables")
    if table and data.is_split:
        raise ConfigError(f"{file}[[filters]]: the data come already split, and filters "
                          "apply before splitting; filter when you split (recstack data "
                          "split --filter ...) or give a source to split here")
    filters = []
    for number, entry in enumerate(table, start=1):
        where = f"{file}[[filters]] #{number} "
        refuse_untyped_entry(entry, where, FILTERS.names())
        spec_class = FILTERS.get(entry["type"], f"{where}type: ")
        refuse_case_twins(entry, ["type"], where)  # as [split] says of Method beside method
        _refuse_misspelt_entry_key(entry, spec_class, "type", where)
        filters.append(build_spec(spec_class, _without(entry, "type"), where))
    return tuple(filters)


def _parse_split(table: Any, file: str, data: DataSpec, seed: int) -> SplitSpec | None:
    where = f"{file}[split] "
    if data.is_split:
        if table is not None:
            raise ConfigError(f"{where}the [data] are already split (train and test); remove "
                              "the [split] table")
        return None
    if table is None:
        raise ConfigError(f"{file}missing table [split] (e.g. [split] method = \"random\"; "
                          f"methods: {', '.join(SPLITS.names())})")
    refuse_case_twins(table, ["method"], where)
    if "method" not in table:
        # Method = "random" was told only "missing key 'method'"
        near = did_you_mean(next((key for key in table if did_you_mean(key, ["method"])), ""),
                            ["method"])
        found = f"; found {', '.join(map(repr, table))}{near}" if near else ""
        raise ConfigError(f"{where}missing key 'method' (one of {', '.join(SPLITS.names())})"
                          f"{found}")
    spec_class = SPLITS.get(table["method"], f"{where}method: ")
    _refuse_misspelt_entry_key(table, spec_class, "method", where)
    values = _without(table, "method")
    if "seed" in fields_of(spec_class):
        given = values.setdefault("seed", seed)
        if isinstance(given, int) and not isinstance(given, bool):
            # the split methods take any seed >= 0; the file's seeds follow one rule
            check_seed(given, f"{where}seed")
    return build_spec(spec_class, values, where)


def _refuse_misspelt_entry_key(table: dict[str, Any], spec_class: Any, entry_key: str,
                               where: str) -> None:
    """Refuse a key of a ``[[filters]]`` entry or of ``[split]`` that is a near miss of the
    key naming the kind (``tpye`` or ``Type`` beside ``type``, ``mtehod`` beside
    ``method``) with that key suggested, as a model's entry does: the spec's own check
    knows only the kind's options, and said "unknown key 'tpye' for k_core; known keys:
    user_min, item_min" without a word of ``type``."""
    declared = fields_of(spec_class)
    for key in table:
        if (not isinstance(key, str) or key == entry_key or key in declared
                or did_you_mean(key, declared)):
            continue  # (a key of another type is the spec's own check's to name)
        near = did_you_mean(key, [entry_key])
        if near:
            raise ConfigError(f"{where}unknown key {key!r} for {spec_class.kind_name}{near}; "
                              f"known keys: {', '.join(declared) or '(none)'} (besides "
                              f"{entry_key})")


def check_seed(seed: int, where: str) -> None:
    """Refuse a seed (already known to be a whole number) outside ``[0, SEED_MAX]``: the
    file's top seed took any size (``2**70``) while ``[tune] seed`` stopped at 32 bits, and
    a seed past what a part accepts failed only when that part ran."""
    if not 0 <= seed <= SEED_MAX:
        bound = "must be >= 0" if seed < 0 else f"must be <= {SEED_MAX}"
        # the one wording of the one rule (recstack.specs.SEED_RULE), as --seed says it
        raise ConfigError(f"{where} = {seed}: {bound}; a seed is {SEED_RULE}")


def refuse_untyped_entry(entry: Any, where: str, known: Sequence[str]) -> None:
    """Refuse an entry of ``[[models]]`` or ``[[filters]]`` without a ``type``, saying what
    was written: a near-miss key ('Type', 'typ'), or a bare name where the table belongs
    (``filters = ["k_core"]``), with the table to write."""
    if isinstance(entry, dict) and "type" in entry:
        kind = entry["type"]
        if not isinstance(kind, str):
            # type = 3 or type = ["als"] was "3 is not a known model": the type's type is
            # checked before its value, as for every other key
            raise ConfigError(f"{where}type = {shown_value(kind)}: expected a string, the name "
                              f"in quotes (e.g. type = \"{known[0]}\"; one of {', '.join(known)})")
        return
    if isinstance(entry, dict):
        # a near-miss key was left out of the message, which then read as if the entry
        # had no type at all
        near = did_you_mean(next((key for key in entry if did_you_mean(key, ["type"])), ""),
                            ["type"])
        written = f"; found {', '.join(map(repr, entry))}{near}" if near else ""
    else:
        written = f"; got {entry!r}{table_hint(entry)}"
    raise ConfigError(f"{where}needs a 'type' (one of {', '.join(known)}){written}")


def _parse_models(table: Any, file: str, *, entry_keys: tuple[str, ...] = ("type", "label")
                  ) -> tuple[ModelSpec, ...]:
    """The ``[[models]]`` entries; ``entry_keys``: the keys besides the model's parameters
    (a pipeline's one ``[model]`` has no label), suggested for near misses."""
    from recstack.models.registry import available_models, model_class

    if not table:
        raise ConfigError(f"{file}[[models]]: at least one model is needed")
    models: list[ModelSpec] = []
    labels: set[str] = set()
    known = available_models()
    for number, entry in enumerate(table, start=1):
        where = f"{file}[[models]] #{number} "
        refuse_case_twins(entry, entry_keys, where)
        refuse_untyped_entry(entry, where, known)
        kind = entry["type"]
        if kind not in known:
            raise ConfigError(f"{where}type: {shown_value(kind)} is not a known model"
                              f"{did_you_mean(kind, known)}; known: {', '.join(known)}")
        label = entry.get("label", kind)
        if not isinstance(label, str) or not label:
            quote = date_as_text_hint(label, str, "label")
            message = f"{where}label = {shown_value(label)}: expected a non-empty string{quote}"
            raise UnquotedDateError(message, "label") if quote else ConfigError(message)
        _check_run_name(label, f"{where}label = {shown_value(label)}")
        if label in labels:
            raise ConfigError(f"{where}label: {shown_value(label)}"
                              f" is used twice; give each model a "
                              "label of its own")
        same = next((other for other in labels if _file_name_key(other) == _file_name_key(
            label)), None)
        if same is not None:
            # the results name files by label (models/LABEL, per_user_LABEL.csv): on a
            # case-insensitive file system one model's files replaced the other's, and so
            # on one that ignores how an accent is encoded (macOS: 'café' composed or as
            # 'e' + U+0301), where the two labels even print alike
            if not _same_text(same, label):
                encoded = "" if _other_case(same, label) else (
                    " (and in how its accented letters are encoded)")
                raise ConfigError(f"{where}label: {shown_value(label)}"
                                  f" differs only in case{encoded} "
                                  f"from {shown_value(same)}, already a label; the results "
                                  "name files by "
                                  "label, which a case-insensitive file system (macOS, "
                                  "Windows) takes for one file; choose labels that differ "
                                  "in more than case")
            raise ConfigError(f"{where}label: {shown_value(label)}"
                              f" differs from {shown_value(same)}, "
                              "already a "
                              "label, only in how its accented letters are encoded "
                              f"({ascii(label)} beside {ascii(same)}: composed or decomposed "
                              "Unicode), so the two print alike; the results name files by "
                              "label, which macOS takes for one file; choose labels that "
                              "differ in their letters")
        labels.add(label)
        params = _without(entry, "type", "label")
        _check_model_params(model_class(kind), kind, params, f"{where}({label}) ",
                            entry_keys=entry_keys)
        models.append(ModelSpec(kind, label, params))
    return tuple(models)


def _file_name_key(name: str) -> str:
    """``name`` as file systems that ignore case and Unicode form (macOS, Windows) compare
    it: two names with one key name one file there."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _other_case(first: str, second: str) -> bool:
    """Whether ``first`` and ``second`` differ only in case (each in its own Unicode form)."""
    return first.casefold() == second.casefold()


def _same_text(first: str, second: str) -> bool:
    """Whether ``first`` and ``second`` are one text in two Unicode forms (composed 'é' and
    'e' + U+0301), which print alike."""
    return unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second)


def unknown_setting_hint(cls: Any, key: str, names: Iterable[str]) -> str:
    """The hint after a model's unknown setting ``key``: the nearest of ``names`` (the
    model's own, ``" (did you mean 'factors'?)"``) and, where ``key`` is another model's
    setting (``factors`` given to ease), whose it is, as the model's constructor says."""
    from recstack.models.base import setting_of_another_model

    near = did_you_mean(key, list(names))
    other = setting_of_another_model(cls, key)
    if not other:
        return near
    return f"{near} (if not, it is {other})" if near else f" ({other})"


def _check_model_params(cls: Any, kind: str, params: dict[str, Any], where: str, *,
                        entry_keys: tuple[str, ...] = ("type", "label")) -> None:
    """Each parameter against the model's declaration (so the message names the key), then
    the model as a whole (checks across parameters)."""
    from recstack.models.registry import create_model

    declared = cls.params
    refuse_case_twins(params, declared, f"{where}", key_text=str)
    for key, value in params.items():
        if key not in declared:
            # 'lable' or 'Label' is a misspelt entry key, not a parameter: suggest it too
            near = unknown_setting_hint(cls, key, [*declared, *entry_keys])
            raise ConfigError(f"{where}unknown key {key!r} for {kind}{near}; its parameters: "
                              f"{', '.join(declared) or '(none)'} (besides "
                              f"{' and '.join(entry_keys)})")
        if key == "seed" and isinstance(value, int) and not isinstance(value, bool):
            check_seed(value, f"{where}seed")  # the file's seeds follow one rule
        try:
            declared[key].check(kind, key, value)
        except ConfigError as error:
            hint = _param_spelling_hint(declared[key], value, key, kind, key)
            # a TOML date as the file writes it, here and in the model's own words (it was
            # "factors = datetime.date(1979, 5, 27): ..., got datetime.date(1979, 5, 27)")
            # true/false and tables as the file writes them too (it was "binary = 1: ...,
            # got 1" but "factors = True: ..., got True" and "factors = {'a': 1}")
            written = shown_value(value)
            said = _strip(str(error), kind).replace(python_shown(value), written)
            raise ConfigError(f"{where}{key} = {written}: {said}{hint}") from None
    try:
        create_model(kind, **params).validate_params()
    except (ConfigError, TypeError, ValueError) as error:
        raise ConfigError(f"{where}{_strip(str(error), kind)}") from None


def _parse_tune(table: Any, file: str, models: tuple[ModelSpec, ...], *,
                graph_cf: bool = False) -> TuneSpec | None:
    if table is None:
        return None
    where = f"{file}[tune] "
    if graph_cf and isinstance(table, dict):
        table = {"metric": PROTOCOL_TUNE_METRIC} | table
    _refuse_tune_keys_in_space(table, where, models)
    spec = build_spec(TuneSpec, table, where)
    if spec.model is None:
        if not graph_cf:
            labels = [m.label for m in models]
            raise ConfigError(f"{where}missing key 'model' (the label of the model to tune; "
                              f"labels: {', '.join(labels)})")
        for model in models:
            space = tunable_space(model.type, timestamps=False)
            for param, description in space.items():
                from recstack.models.registry import model_class

                check_dimension(f"{where}({model.label}) space.{param}: ", description,
                                declared=model_class(model.type).params[param],
                                model=model.type, name=param)
            check_conditions(f"{where}({model.label}) ", space)
        return spec
    matches = [m for m in models if spec.model in (m.label, m.type)]
    if len(matches) != 1:
        labels = [m.label for m in models]
        raise ConfigError(f"{where}model: {spec.model!r} names "
                          f"{'no' if not matches else 'more than one'} model"
                          f"{did_you_mean(spec.model, labels) if not matches else ''}; "
                          f"labels: {', '.join(labels)}")
    from recstack.models.registry import model_class

    model = matches[0]
    cls = model_class(model.type)
    space = spec.space if spec.space is not None else tunable_space(
        model.type, timestamps=not graph_cf)
    if spec.space is not None and not spec.space:
        # it said the model had no default space, of a model that has one
        raise ConfigError(f"{where}space: [tune.space] is empty; give at least one "
                          f"dimension over {model.type}'s parameters ("
                          f"{', '.join(sorted(cls.params)) or 'none'}), e.g. NAME = {{ type = "
                          "\"int\", low = 16, high = 128 }, or leave the table out to search "
                          "the model's default space")
    if not space:
        raise ConfigError(f"{where}space: model {model.type!r} has no default search space"
                          f"{' for data without timestamps' if graph_cf else ''}; "
                          "give one over its parameters ("
                          f"{', '.join(sorted(cls.params)) or 'none'}) in [tune.space], e.g. "
                          "NAME = { type = \"int\", low = 16, high = 128 }")
    check_space(where, space, model.type)
    return spec


def _refuse_tune_keys_in_space(table: Any, where: str, models: tuple[ModelSpec, ...]) -> None:
    """Refuse a ``[tune]`` setting that TOML read into ``[tune.space]``: every key written
    below a table's header belongs to that table, so ``trials = 50`` added at the end of a
    file whose last header is ``[tune.space]`` was "als has no parameter 'trials'", and a
    ``model`` there was "a search space is one model's; name it with model = LABEL" of a
    file that names it. A key the tuned model (or, without ``model``, any model) takes is
    its parameter, not a misplaced setting: ``validation_fraction`` of bpr, ``seed`` of a
    seeded model, ``metric`` of a blend are left to the space's own checks."""
    space = table.get("space") if isinstance(table, dict) else None
    if not isinstance(space, dict):
        return
    from recstack.models.registry import MODELS

    named = table.get("model")
    tuned = [m for m in models if m.label == named] or list(models)
    known = set(MODELS.names())  # an unknown type was refused with the models already
    parameters = {param for m in tuned if m.type in known for param in MODELS.get(m.type).params}
    settings = [key for key, value in space.items()
                if key in fields_of(TuneSpec) and key != "space" and key not in parameters
                and not isinstance(value, dict)]
    if settings:
        moved = ", ".join(f"{key} = {_toml_value(space[key])}" for key in settings)
        raise ConfigError(f"{where}space: {moved} is a setting of [tune], not a dimension of "
                          "the search space: every key below the [tune.space] header belongs "
                          "to that table, so write it above the header, right after [tune]")


def check_space(where: str, space: dict[str, Any], model_type: str, *,
                dimension_key: str = "space.{}") -> None:
    """Every dimension of ``space`` names a parameter of ``model_type`` and is valid for
    its declared type, and every ``when`` condition names a dimension of the space. A
    dimension is shown as ``dimension_key`` formatted with its name (``space.factors`` in
    a file, ``space['factors']`` for the Python call)."""
    from recstack.models.registry import model_class

    cls = model_class(model_type)
    for param, description in space.items():
        if param not in cls.params:
            raise ConfigError(f"{where}space: {model_type} has no parameter {param!r}"
                              f"{unknown_setting_hint(cls, param, cls.params)}; its parameters: "
                              f"{', '.join(sorted(cls.params))}")
        if param in NOT_TUNABLE:
            # the search drew it like a hyperparameter and kept the value that scored best
            # on validation: a lucky seed, or a thread count or device that changes nothing
            # the model learns, reported as the tuned configuration
            raise ConfigError(f"{where}{dimension_key.format(param)}: {param!r} is not a "
                              f"hyperparameter to tune: {NOT_TUNABLE[param]}; remove it from "
                              "the space and set it with the model's other settings")
        check_dimension(f"{where}{dimension_key.format(param)}: ", description,
                        declared=cls.params[param], model=model_type, name=param)
    check_conditions(where, space, dimension_key=dimension_key)


def check_models_fold_in(experiment: Experiment, models: tuple[ModelSpec, ...] | None = None
                         ) -> None:
    """Refuse, before any model is fitted, a model of ``models`` (default: every one) that
    the experiment cannot evaluate: the ``users`` split, and data split with a ``fold_in``
    part, score held-out users from their revealed history (``score_histories``), which
    some models cannot do. Found only when that model was evaluated, after the models
    before it were fitted; under ``[tune]`` its first trial failed and the error blamed the
    trial's values. (``recstack fit`` evaluates nothing and does not call this.)"""
    if experiment.split is not None and experiment.split.kind_name == "users":
        held_out = "the users split ([split] method = \"users\")"
    elif "fold_in" in experiment.data.parts:
        held_out = "the [data] fold_in part (held-out users, as the users split writes it)"
    else:
        return
    from recstack.models.registry import available_models, model_class

    def folds_in(kind: str) -> bool:
        return callable(getattr(model_class(kind), "score_histories", None))

    for number, model in enumerate(experiment.models, start=1):
        if models is not None and model not in models:
            continue
        if not folds_in(model.type):
            able = [kind for kind in available_models() if folds_in(kind)]
            raise ConfigError(
                f"{experiment.where}[[models]] #{number} ({model.label}) type = "
                f"{model.type!r}: with {held_out}, held-out users are evaluated from their "
                f"revealed history, and a {model.type} model cannot score users it was not "
                "trained on; use a split that keeps every user in training (random, temporal, "
                f"leave_last_out, kfold) or a model that folds in new users: {', '.join(able)}")


def fraction_shapes_validation(split: SplitSpec | None) -> bool:
    """Whether ``[tune] validation_fraction`` changes the validation part carved out of the
    training part: data that came split are carved at random (it does), and a split method
    whose validation split takes no share (``leave_last_out``: each user's latest rows)
    does not."""
    if split is None:
        return True
    return split.for_validation(0.1, 0) != split.for_validation(0.2, 0)


def _check_validation_fraction_applies(table: dict[str, Any], split: SplitSpec | None,
                                       data: DataSpec, where: str) -> None:
    """Refuse a ``validation_fraction`` the search would ignore without a word."""
    if "validation_fraction" not in table:
        return
    given = f"{where}validation_fraction = {shown_value(table['validation_fraction'])}: "
    if data.adjacency is not None:
        from recstack.data.adjacency import FILE_NAMES

        valid = Path(data.adjacency.path) / FILE_NAMES["valid"]
        if valid.is_file():
            raise ConfigError(f"{given}the split folder holds {valid.name}, which is the "
                              "validation part, so no share of train.txt is carved out; "
                              "remove validation_fraction (it applies to a split without "
                              f"{valid.name})")
        return
    if not fraction_shapes_validation(split):
        method = next((name for name in SPLITS.names() if type(split) is SPLITS.get(name)),
                      type(split).__name__)
        raise ConfigError(f"{given}the {method} split carves the validation part out of the "
                          "training part as it splits the data ([split] settings), without "
                          "a share, so this would be ignored; remove validation_fraction, or "
                          "use a split method with a share (random, temporal, users)")


def tunable_space(model_type: str, *, timestamps: bool = True) -> dict[str, dict[str, Any]]:
    """The default search space of a model type (empty when it has nothing to tune); without
    ``timestamps``, the parameters declared ``needs_timestamps`` are left out."""
    from recstack.models.registry import model_class

    space = dict(getattr(model_class(model_type), "search_space", {}) or {})
    timed = set(() if timestamps else timestamp_parameters(model_type, space))
    return {name: dimension for name, dimension in space.items() if name not in timed}


def timestamp_parameters(model_type: str, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that are parameters of ``model_type`` declared
    ``needs_timestamps`` (a half-life in days: training data without times cannot fit it)."""
    from recstack.models.registry import model_class

    declared = model_class(model_type).params
    return [name for name in names if getattr(declared.get(name), "needs_timestamps", False)]


#: model settings a search space may not name as a dimension, and why: they are not
#: hyperparameters (what the model learns does not depend on them in a way validation can
#: choose from)
NOT_TUNABLE = {
    "seed": "it only picks the random draw, and the seed that scores best on validation is "
            "luck that does not carry over to new data",
    "num_threads": "it says how many threads a fit uses, not what the model learns",
    "device": "it says where the model runs, not what it learns",
    "checkpoint_dir": "it is the folder checkpoints are written to, not a setting of the "
                      "model",
}
SPACE_TYPES = ("int", "float", "categorical")
#: the keys each type of search-space dimension takes
DIMENSION_KEYS = {"int": ("type", "low", "high", "log", "step", "when"),
                  "float": ("type", "low", "high", "log", "step", "when"),
                  "categorical": ("type", "choices", "when")}


def check_dimension(where: str, description: Any, *, declared: Any = None, model: str = "",
                    name: str = "") -> None:
    """One dimension of a search space: a table with a type and a range or choices. With
    the parameter's declaration (``declared``, a :class:`~recstack.models.base.Param`),
    the range's ends and each choice must also be values the model accepts."""
    if isinstance(description, dict) and "type" in description \
            and description["type"] not in SPACE_TYPES:
        kind = description["type"]
        hint = did_you_mean(kind, SPACE_TYPES) if isinstance(kind, str) else ""
        # any other value as the file writes it: `type = false` was said as "type = False"
        # and `type = ["int"]` as "type = ['int']", Python's spellings, not TOML's
        shown = repr(kind) if isinstance(kind, str) else shown_value(kind)
        raise ConfigError(f"{where}type = {shown}: must be one of "
                          f"{', '.join(map(repr, SPACE_TYPES))}{hint}")
    if not isinstance(description, dict) or description.get("type") not in SPACE_TYPES:
        raise ConfigError(f"{where}{_dimension_shape_problem(description)}")
    kind = description["type"]
    allowed = DIMENSION_KEYS[kind]
    stray = [key for key in description if key not in allowed]
    if stray:
        # optuna ignores them: choices given with a range (or the reverse) are not searched
        near = did_you_mean(stray[0], allowed) if len(stray) == 1 else ""
        article = "an" if kind == "int" else "a"
        # a seed here was read as a key of the dimension, with no word of where it goes
        seed = ("; the search's seed goes in [tune] (seed = N), or at the top of the file"
                if "seed" in stray else "")
        raise ConfigError(f"{where}{', '.join(stray)}: not {'keys' if len(stray) > 1 else 'a key'}"
                          f" of {article} {kind} dimension{near}; its keys are "
                          f"{', '.join(allowed)}{seed}")
    if kind == "categorical":
        choices = description.get("choices")
        if not isinstance(choices, list) or not choices:
            given = "" if choices is None else f", got choices = {shown_value(choices)}"
            raise ConfigError(f"{where}a categorical dimension needs a non-empty 'choices' "
                              f"list (e.g. choices = [\"a\", \"b\"]){given}")
        seen: set[tuple[type, Any]] = set()
        for choice in choices:
            # optuna stores choices as plain values: no lists or tables
            if choice is not None and not isinstance(choice, str | int | float | bool):
                raise ConfigError(f"{where}choices: {shown_value(choice)} is not a plain value (a "
                                  "string, a number or true/false)")
            _check_value(where, declared, model, name, choice, "choice")
            # a choice listed twice is drawn twice as often, and its branch tried twice
            # (1 and 1.0 are one number to the model, drawn twice as often: by value; true
            # and 1 are not, by kind)
            key = (bool if isinstance(choice, bool) else
                   float if isinstance(choice, int | float) else type(choice), choice)
            if key in seen:
                same = next(c for c in choices if (bool if isinstance(c, bool) else float if
                                                   isinstance(c, int | float) else type(c),
                                                   c) == key)
                alike = (f" ({shown_value(same)} and {shown_value(choice)} are one number)"
                         if repr(same) != repr(choice) else "")
                raise ConfigError(f"{where}choices = {shown_value(choices)}: "
                                  f"{shown_value(choice)} is listed twice{alike}; give each "
                                  "choice once")
            seen.add(key)
        if len(choices) == 1:
            # every trial drew the one value: a search of nothing, run `trials` times over
            raise ConfigError(f"{where}choices = {shown_value(choices)}: one choice searches "
                              f"nothing (every trial would draw {shown_value(choices[0])}); "
                              "list two choices or more, or set the value in the model's "
                              "params and leave it out of the space")
        return
    low, high = description.get("low"), description.get("high")
    whole = description["type"] == "int"
    kinds: Any = int if whole else int | float
    numbers = all(isinstance(x, kinds) and not isinstance(x, bool) for x in (low, high))
    if numbers and not all(math.isfinite(finite_or_infinite(x)) for x in (low, high)):
        # an integer past the float range (TOML reads any number of digits) made
        # math.isfinite raise OverflowError
        raise ConfigError(f"{where}low={shown_value(low)}, high={shown_value(high)}: each end "
                          f"must be a finite "
                          "number within the float range (about 1.8e308)")
    if not numbers or low >= high:  # type: ignore[operator]
        wanted = "whole numbers" if whole else "numbers"
        swap = (_swap_hint(where, description, declared, model, name)
                if numbers and low > high else  # type: ignore[operator]
                f"; a range of one value searches nothing: set {name or 'the parameter'} "
                "in the model's params instead" if numbers else "")
        spelt = "" if numbers else next(
            (hint for end, value in (("low", low), ("high", high))
             if (hint := number_spelling_hint(value, kinds, end))), "")
        # an end left out was shown as Python's None ("got low=8, high=None"), a value no
        # TOML file can hold: it is named as missing
        got = ", ".join(f"{end}={shown_value(value)}" if end in description else f"no {end}"
                        for end, value in (("low", low), ("high", high)))
        raise ConfigError(f"{where}needs {wanted} low < high, got {got}{swap}{spelt}")
    if not math.isfinite(float(high) - float(low)):  # type: ignore[arg-type]
        raise ConfigError(f"{where}low={shown_value(low)} to high={shown_value(high)} is wider "
                          f"than a float can "
                          "hold; narrow it")
    log = description.get("log", False)
    if not isinstance(log, bool):
        raise ConfigError(f"{where}log = {shown_value(log)}: expected true or false"
                          f"{number_spelling_hint(log, bool, 'log')}")
    if log and low <= 0:  # type: ignore[operator]
        raise ConfigError(f"{where}a log-scale dimension needs low > 0, got {shown_value(low)}")
    if "step" in description:
        step = description["step"]
        if isinstance(step, bool) or not isinstance(step, kinds) or not step > 0:
            raise ConfigError(f"{where}step = {shown_value(step)}: expected a positive "
                              f"{'whole number' if whole else 'number'}"
                              f"{spelling_said(step, int if whole else float, _POSITIVE, 'step')}")
        if log:
            raise ConfigError(f"{where}give step or log = true, not both")
        _check_step(where, low, high, step, whole=whole)  # type: ignore[arg-type]
    # a float dimension draws floats: check the ends as floats (an int parameter refuses)
    as_drawn = int if whole else float
    _check_value(where, declared, model, name, as_drawn(low), "low")  # type: ignore[arg-type]
    _check_value(where, declared, model, name, as_drawn(high), "high")  # type: ignore[arg-type]


def _swap_hint(where: str, description: dict[str, Any], declared: Any, model: str,
               name: str) -> str:
    """The fix for a range written high to low: swap the ends where the swapped range is
    one the dimension takes, else the range that is valid. It said "swap them" of every
    such range, suggesting ``low = -0.01`` for a regularization that must be >= 0 and a
    log-scale range starting at 0, each refused once the user had swapped them."""
    low, high = description.get("low"), description.get("high")
    swapped = {**description, "low": high, "high": low}
    try:
        check_dimension(where, swapped, declared=declared, model=model, name=name)
    except ConfigError as error:
        refusal = str(error).removeprefix(where)
    else:
        return f"; swap them: low = {shown_value(high)}, high = {shown_value(low)}"
    takes = []
    # the valid range said only where the swapped one broke a bound (a refused step or
    # log = "yes" has nothing to do with the setting's range)
    bound = refusal.lstrip().startswith(("low =", "high =")) or "log-scale" in refusal
    if declared is not None and bound:
        takes.append(f"{name or 'the parameter'} takes "
                     f"{declared.describe().removesuffix(', or None')}")
    if swapped.get("log") is True and "log-scale" in refusal:
        takes.append("a log-scale range needs low > 0 (log = true)")
    valid = f"; give low < high where {' and '.join(takes)}" if takes else ""
    return f"; swapped, the range is refused too ({refusal}){valid}"


def _dimension_shape_problem(description: Any) -> str:
    """What is wrong with a search-space dimension that is not a table with a type, and the
    table to write instead: a list of values is a categorical dimension's choices, a range
    without a type an int or a float one (it said "expected a table with type = one of
    ('int', 'float', 'categorical')", Python's tuple, of each)."""
    types = ", ".join(f'"{kind}"' for kind in SPACE_TYPES)
    if isinstance(description, dict):
        ends = [description.get(key) for key in ("low", "high")]
        kind = ("int" if all(isinstance(x, int) and not isinstance(x, bool) for x in ends)
                else "float")
        example = (f'{{ type = "{kind}", low = {_toml_value(ends[0])}, high = '
                   f'{_toml_value(ends[1])} }}' if "low" in description and "high" in
                   description else '{ type = "int", low = 8, high = 64 }')
        return (f"missing key 'type' (one of {types}); write e.g. {example}"
                if "type" not in description else
                f"type = {_toml_value(description['type'])}: expected one of {types}")
    if isinstance(description, list):
        choices = ", ".join(_toml_value(choice) for choice in description[:5])
        more = ", ..." if len(description) > 5 else ""
        return (f"got the list [{choices}{more}], but a dimension is a table; to search "
                f"these values write {{ type = \"categorical\", choices = [{choices}{more}] }}")
    return (f"got {_toml_value(description)}, but a dimension is a table of what to search, e.g. "
            '{ type = "int", low = 8, high = 64 } or { type = "categorical", choices = '
            "[8, 16] }; to fix the value, set it in the model's params and leave it out of "
            "the space")


def _as_toml(value: Any) -> str:
    """A value read from a TOML file as the file writes it, for a message: ``true``, an
    inline table ``{ a = 1 }``, a date unquoted (:func:`shown_as_written`), inside lists
    and tables too; text and numbers as :func:`shown_as_written` writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is dict and len(value) <= 20:
        items = ", ".join(f"{_toml_key(key)} = {_as_toml(item)}" for key, item in value.items())
        return f"{{ {items} }}" if items else "{}"
    if type(value) is list and len(value) <= 20 and any(
            isinstance(item, bool | dict | list) for item in value):
        return f"[{', '.join(_as_toml(item) for item in value)}]"
    return shown_as_written(value)


def _toml_key(key: Any) -> str:
    """A table key as TOML writes it: bare when it may be, else quoted."""
    text = str(key)
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else _toml_value(text)


def _toml_value(value: Any) -> str:
    """``value`` as a TOML file writes it, for an example to copy ("a", true, 0.5)."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


#: the rule of a dimension's step, for the spelling hint of a refused one: step = "-4" was
#: told to write step = -4, refused next
_POSITIVE = Option("", low=0, open_low=True)


def _check_step(where: str, low: float, high: float, step: float, *, whole: bool) -> None:
    """A step must leave more than ``low`` in the range and land on ``high``: optuna would
    otherwise search ``low`` alone, or quietly lower ``high`` to the last step below it."""
    width = high - low
    if step > width:
        raise ConfigError(f"{where}step = {shown_value(step)} is larger than high - low = "
                          f"{_plain(width)}: the dimension would hold low = {shown_value(low)} "
                          f"alone; use "
                          f"a step <= {_plain(width)}")
    steps = width / step
    if whole:
        fits = width % step == 0
    else:
        fits = math.isclose(steps, round(steps), rel_tol=1e-9, abs_tol=1e-9)
    if not fits:
        below = low + math.floor(steps) * step
        raise ConfigError(f"{where}step = {shown_value(step)} does not divide high - low = "
                          f"{_plain(width)} (low = {shown_value(low)}, high = "
                          f"{shown_value(high)}): the last value "
                          f"would be {_plain(below)}; use high = {_plain(below)} or "
                          f"{_plain(below + step)}")


def _plain(number: float) -> str:
    """A step's multiple as the user would write it (0.9, not 0.8999999999999999)."""
    return f"{number:.12g}" if isinstance(number, float) else str(number)


def check_conditions(where: str, space: dict[str, Any], *,
                     dimension_key: str = "space.{}") -> None:
    """The ``when`` tables of a search space's dimensions: ``when = { similarity =
    ["asymmetric"] }`` searches a dimension only in trials where every named dimension drew
    one of the listed values (elsewhere the parameter keeps its base value). Each named
    dimension must be a categorical one listed before it, and each value one of its
    choices, so that the condition can hold and is known when the dimension is drawn. A
    dimension is shown as in :func:`check_space` (``space['factors'].when`` for the Python
    call, which named it ``space.factors.when`` while its other messages said
    ``space['factors']``)."""
    names = list(space)
    for position, (param, description) in enumerate(space.items()):
        if not isinstance(description, dict) or "when" not in description:
            continue
        here = f"{where}{dimension_key.format(param)}.when: "
        conditions = description["when"]
        if not isinstance(conditions, dict) or not conditions:
            raise ConfigError(f"{here}expected a table naming earlier categorical dimensions "
                              "and the values they must take, e.g. when = { similarity = "
                              "[\"asymmetric\"] }")
        for other, values in conditions.items():
            if other not in names[:position]:
                listed = ", ".join(names[:position]) or "none"
                raise ConfigError(f"{here}{other!r} is not a dimension listed before "
                                  f"{param!r} (those are: {listed})")
            choices = space[other].get("choices") if space[other].get(
                "type") == "categorical" else None
            if choices is None:
                raise ConfigError(f"{here}{other!r} is not a categorical dimension; a "
                                  "condition can only name one")
            if not isinstance(values, list) or not values:
                raise ConfigError(f"{here}{other} = {shown_value(values)}: expected a non-empty "
                                  f"list of its choices ({choices})")
            for value in values:
                if not any(value == c and type(value) is type(c) for c in choices):
                    raise ConfigError(f"{here}{other} = {shown_value(value)} is not one of its "
                                      f"choices "
                                      f"{choices}")


def _check_value(where: str, declared: Any, model: str, name: str, value: Any,
                 key: str) -> None:
    """``value`` (an end of a range, or a choice) against the parameter's declaration."""
    if declared is None:
        return
    try:
        declared.check(model, name, value)
    except ConfigError as error:
        hint = _param_spelling_hint(declared, value, "" if key == "choice" else key, model,
                                    name)
        raise ConfigError(f"{where}{key} = {shown_value(value)}: {_strip(str(error), model)}{hint}"
                          ) from None


def _param_spelling_hint(declared: Any, value: Any, key: str, model: str, name: str
                         ) -> str:
    """:func:`~recstack.specs.number_spelling_hint` for a model parameter's value (a
    :class:`~recstack.models.base.Param` declares the kinds it takes: ``factors = "8"``,
    ``factors = 8.0``); a quoted number the parameter refuses unquoted too
    (``regularization = "inf"``) is told so, not told to drop the quotes."""
    kinds = declared.kind if isinstance(declared.kind, tuple) else (declared.kind,)
    hint = number_spelling_hint(value, functools.reduce(operator.or_, kinds), key)
    if not hint.startswith(" (a number in quotes is text: "):
        return hint
    for cast in (int, float):
        try:
            number = number_from_text(value, cast)
        except ValueError:
            continue
        try:
            declared.check(model, name, number)
        except ConfigError as error:
            said = f"{key} = " if key else ""
            return (f" (a number in quotes is text, and {said}"
                    f"{toml_number_text(value, number)} unquoted is refused too: "
                    f"{_strip(str(error), model)})")
        return hint
    return hint


# --------------------------------------------------------------------------- helpers
def _check_table(table: Any, allowed: dict[str, type], where: str, *,
                 required: tuple[str, ...] = ()) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}expected a table, got {type(table).__name__}")
    refuse_case_twins(table, allowed, where)
    for key, value in table.items():
        if key in allowed and allowed[key] in (dict, list):
            _refuse_brackets(key, value, allowed[key], where)
        if key not in allowed:
            raise ConfigError(f"{where}unknown key {key!r}{did_you_mean(key, allowed)}; "
                              f"known keys: {', '.join(allowed)}"
                              f"{_quoted_dotted_key_hint(key, allowed)}")
        expected = allowed[key]
        if expected is object:
            continue  # any value here; the table's own checks say what it should be
        wrong = (isinstance(value, bool) and expected is not bool) or not isinstance(
            value, expected)
        if wrong:
            # (a TOML date as the file writes it: it was "seed = datetime.date(2020, 1, 1)")
            shown = shown_value(value)
            # `data = ["synthetic"]` said "expected a table" without a word of how one is
            # written: a header line and key = value lines under it (at the top level)
            header = (f" (a [{key}] header line with key = value lines under it)"
                      if expected is dict and not where.rstrip().endswith("]") else "")
            quote = date_as_text_hint(value, expected, key)
            message = (f"{where}{key} = {shown}: expected "
                       f"{_type_words.get(expected, expected.__name__)}{header}"
                       f"{quote or number_spelling_hint(value, expected, key)}")
            raise UnquotedDateError(message, key) if quote else ConfigError(message)
    for key in required:
        if key not in table:
            raise ConfigError(f"{where}missing {'table' if allowed[key] in (dict, list) else 'key'}"
                              f" {key!r}")


_type_words = {str: "a string", int: "an integer", dict: "a table", list: "an array of tables"}


def _quoted_dotted_key_hint(key: str, allowed: dict[str, type]) -> str:
    """What a quoted key holding a dot (``"data.source" = ...``) is to TOML: one key of that
    whole name, not ``source`` in the table ``[data]``, which it was refused without a word
    on (the dot looked like the table's)."""
    table, dot, rest = key.partition(".")
    if not dot or not rest or allowed.get(table.strip()) is not dict:
        return ""
    table = table.strip()
    return (f". A quoted key is one key of the whole text, dot included: to set {rest!r} "
            f"of the table [{table}], write the key without quotes ({table}.{rest} = ...) or "
            f"under a [{table}] header")


def _refuse_brackets(key: str, value: Any, expected: type, where: str) -> None:
    """A table written with the other header: ``[[model]]`` for the one ``[model]`` of a
    pipeline file, ``[models]`` for the ``[[models]]`` entries of an experiment file. It
    was "model = [{...}]: expected a table" (the parsed value, not what was written)."""
    if expected is dict and isinstance(value, list) and value \
            and all(isinstance(entry, dict) for entry in value):
        raise ConfigError(f"{where}[[{key}]]: {key} is one table, written [{key}] (one pair "
                          f"of brackets), not [[{key}]] (an array of tables)")
    if expected is list and isinstance(value, dict):
        raise ConfigError(f"{where}[{key}]: {key} is an array of tables: write each entry "
                          f"under its own [[{key}]] header (two pairs of brackets), not "
                          f"[{key}]")


def refuse_other_file_kind(raw: Any, file: str, top_level: dict[str, type],
                           other_top_level: dict[str, type], *, own: tuple[str, ...],
                           kind: str, command: str) -> None:
    """Refuse a file of the other kind (a pipeline file given to ``recstack evaluate``, an
    experiment file to ``recstack pipeline run``) by what it is: it was "unknown key
    'training'" (or 'split') with this kind's keys, as if one key were misspelt. Said
    when the file has none of this kind's own tables (``own``) and two or more of the
    other kind's."""
    if not isinstance(raw, dict) or any(key in raw for key in own):
        return
    theirs = [key for key in raw if key in other_top_level and key not in top_level]
    if len(theirs) < 2:
        return
    tables = ", ".join(f"[[{key}]]" if other_top_level[key] is list else f"[{key}]"
                       for key in theirs)
    raise ConfigError(f"{file}this is {kind} (it has {tables}), not the kind of file this "
                      f"command reads; run it with `{command}`")


def refuse_misplaced_top_level_keys(raw: Any, top_level: Any, file: str, *,
                                    accepted: dict[str, tuple[str, ...]] | None = None,
                                    seeded: dict[str, str] | None = None,
                                    top_seed: str = "the default of every seeded part") -> None:
    """Refuse a top-level key (``name``, ``models = [...]``) written below a table header:
    TOML reads every key after ``[evaluation]`` into that table, so ``models = [...]`` at
    the end of a file was "missing table 'models'" and ``name`` an unknown key of the last
    model. ``accepted``: keys a table takes under a top-level name (``[data] split``).
    ``seed`` is left to each table's own check: most tables take a seed of their own; with
    ``seeded`` (table -> what its seed seeds), a seed below any other table's header is
    refused naming the places a seed goes (it was "unknown key 'seed'" with that table's
    keys, none of them a seed); ``top_seed`` says what a seed at the top of the file seeds.
    A table this file does not have (``[dtaa]``, ``[[mdoels]]``) is left to the check of
    the top-level keys, which names it with the table meant: what it holds was told to move
    above the first header (``[dtaa] split``) or that it takes no seed (``[[mdoels]]``), as
    if its name were right."""
    if not isinstance(raw, dict):
        return
    accepted = accepted or {}
    for table, value in raw.items():
        if table not in top_level:
            continue
        if isinstance(value, dict):
            entries = [(f"[{table}]", value)]
        elif isinstance(value, list):
            entries = [(f"[[{table}]] #{number}", entry)
                       for number, entry in enumerate(value, 1) if isinstance(entry, dict)]
        else:
            continue
        for where, entry in entries:
            if seeded is not None:
                _refuse_nested_seed(entry, table, where, where.split(" ")[0] in seeded,
                                    file, seeded, top_seed)
            for key, held in entry.items():
                if key == "seed" and seeded is not None and where.split(" ")[0] not in seeded:
                    raise ConfigError(f"{file}{where} seed = {shown_value(held)}: "
                                      f"{where.split(' ')[0]} "
                                      "takes no seed; write it at the top of the file, above "
                                      f"the first [table] header ({top_seed}), or in "
                                      f"{_seed_places(seeded)}")
                if key not in top_level or key == "seed" or key in accepted.get(table, ()):
                    continue
                shown = repr(held) if len(repr(held)) <= 60 else repr(held)[:57] + "..."
                label = (" (a model's own name is its label = \"...\")"
                         if table == "models" and key == "name" else "")
                raise ConfigError(f"{file}{where} {key} = {shown}: {key!r} is a top-level "
                                  f"key, but written below the {where.split(' ')[0]} header, "
                                  "TOML reads it into that table; move it above the first "
                                  f"[table] header{label}")


def _seed_places(seeded: dict[str, str]) -> str:
    named = [f"{name} ({what})" for name, what in seeded.items()]
    return " or ".join([", ".join(named[:-1]), *named[-1:]] if named[1:] else named)


def _refuse_nested_seed(entry: dict[str, Any], path: str, where: str, seeded_table: bool,
                        file: str, seeded: dict[str, str], top_seed: str) -> None:
    """Refuse ``seed`` in a table nested below a top-level one (``[quality.duplicates]
    seed = 1``, ``[models.params] seed = 1``): it was "unknown key 'seed'" (or an unknown
    key naming the nested table) with keys none of which is a seed. A nested table with a
    ``type`` below a seeded table is an inner model or step (``model = {type = "ease",
    seed = 1}`` of a re-ranked model) whose own declaration says whether it takes a seed."""
    for key, held in entry.items():
        tables = ([(f"[{path}.{key}]", held)] if isinstance(held, dict) else
                  [(f"{path}.{key}[{number}]", item) for number, item in enumerate(held, 1)
                   if isinstance(item, dict)] if isinstance(held, list) else [])
        for name, nested in tables:
            inner_spec = seeded_table and "type" in nested
            if "seed" in nested and not isinstance(nested["seed"], dict) and not inner_spec:
                shown = name if name.startswith("[") else f"{name} (an inline table)"
                inside = "" if where == f"[{path}]" else f" of {where}"
                raise ConfigError(
                    f"{file}{shown}{inside} seed = {shown_value(nested['seed'])}: a nested "
                    f"table takes "
                    "no seed; write it at the top of the file, above the first [table] header "
                    f"({top_seed}), or in {_seed_places(seeded)}")
            _refuse_nested_seed(nested, f"{path}.{key}", where, seeded_table, file, seeded,
                                top_seed)


def _check_run_name(name: Any, where: str, *, what: str = "a run name",
                    folder: str = "a folder name inside the results folder",
                    elsewhere: str = "; use --out on the command line to write elsewhere"
                    ) -> None:
    """A run name becomes a folder under the results folder: never a path out of it.
    ``what``, ``folder`` and ``elsewhere`` say it for other names that become folders (a
    pipeline's name: its work folder NAME.pipeline)."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: expected a non-empty name")
    if ("/" in name or "\\" in name or name in (".", "..")
            or Path(name).is_absolute()):
        raise ConfigError(f"{where}: {what} is {folder}, without '/', '\\' or '..'"
                          f"{elsewhere}")
    if not name.isprintable():
        raise ConfigError(f"{where}: {what} becomes a file or folder name; use no line "
                          "breaks, tabs or other control characters")
    if name != name.strip():
        # 'als ' made results/als␣ and per_user_als␣.csv, and `fit --model als` found no
        # such label
        raise ConfigError(f"{where}: starts or ends with a space; {what} becomes a file "
                          f"or folder name, written without them: {shown_value(name.strip())}")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        # found only when the results are written, after every model was fitted
        raise ConfigError(f"{where}: {len(name.encode('utf-8'))} bytes long; {what} "
                          f"becomes a file or folder name, at most {MAX_NAME_BYTES} bytes")


def _strip(message: str, model: str) -> str:
    prefix = f"{model}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _without(spec: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k not in keys}
