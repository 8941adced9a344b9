"""The pipeline file (``PIPELINE.toml``), validated as a whole before any data is read.

Example::

    name = "daily-als"            # the registry name and the pipeline's identity
    seed = 0
    work = "pipeline-work"        # run folders, the state and the lock (default: beside
                                  # the file, in NAME.pipeline/)

    [data]
    partitions = "logs"           # a time-partitioned Parquet folder (year=/month=/day=)
    rating_range = [1.0, 5.0]     # explicit ratings; leave out for implicit events
    items = "items.parquet"       # optional catalog (item_id, genres...): unknown-id
                                  # checks and the genre mix

    [quality]                     # see recstack.ops.quality
    timestamp_floor = "2000-01-01"
    volume_warn = 2.0
    [quality.duplicates]
    warn = 0.0
    fail = 0.01

    [drift]                       # see recstack.ops.drift
    psi_warn = 0.2

    [training]
    window = "sliding"            # or "expanding": every partition before the evaluation one
    partitions = 3                # a sliding window's length, in partitions
    warm_start = true             # start from the published model's factors (fit_from)
    warm_iterations = 3           # ... with this many iterations (epochs)
    fold_in_between = 2           # two runs fold new users and items in, the third retrains

    [model]                       # one model, as a [[models]] entry of an experiment file
    type = "als"
    factors = 64

    [evaluation]
    metric = "ndcg@10"            # the gate's metric
    margin = 0.01                 # refuse a model worse than the published one by more
    relevance_threshold = 4.0

    [registry]
    root = "registry"

Every mistake is reported with the file, the table and the key, as for experiment files;
the model table is checked by :mod:`recstack.config`'s own model parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recstack.config import (
    ModelSpec,
    _check_run_name,
    _check_table,
    _parse_models,
    check_seed,
    dated_lines,
    parse_metric_name,
    python_values,
    read_toml,
    refuse_misplaced_top_level_keys,
    refuse_other_file_kind,
    shown_value,
)
from recstack.errors import ConfigError
from recstack.metrics.ranking import RANKING_METRICS
from recstack.ops.drift import DriftSpec
from recstack.ops.fold_in import FOLD_IN_MODELS
from recstack.ops.quality import QualitySpec
from recstack.specs import (
    Spec,
    arguments_named,
    build_spec,
    home_problem,
    mistyped_url,
    option,
)

__all__ = ["DataOptions", "GateSpec", "Pipeline", "RegistryOptions", "TrainingSpec",
           "load_pipeline", "parse_pipeline"]

TOP_LEVEL = {"name": str, "seed": int, "work": str, "data": dict, "quality": dict,
             "drift": dict, "training": dict, "model": dict, "evaluation": dict,
             "registry": dict}


@dataclass(frozen=True)
class DataOptions(Spec):
    """The ``[data]`` table."""

    partitions: str = option(doc="the time-partitioned Parquet folder the logs arrive in")
    rating_range: tuple[float, float] | None = option(
        None, "(low, high) of explicit ratings; leave out for implicit events")
    items: str | None = option(None, "item table (Parquet or CSV with item_id): the catalog "
                               "for the unknown-item check, genres for the genre mix")
    users: str | None = option(None, "user table (Parquet or CSV with user_id): the known "
                               "users for the unknown-user check")

    def check(self) -> None:
        for key in ("partitions", "items", "users"):
            _check_path_text(key, getattr(self, key))
        if self.rating_range is not None and not self.rating_range[0] < self.rating_range[1]:
            raise ConfigError(f"rating_range = {list(self.rating_range)}: low must be below "
                              "high")


#: how the training window is cut: every earlier partition, or the last few
WINDOWS = ("expanding", "sliding")


@dataclass(frozen=True)
class TrainingSpec(Spec):
    """The ``[training]`` table: which partitions a model is trained on."""

    window: str = option("expanding", "'expanding': every partition before the evaluation "
                         "one; 'sliding': the last `partitions` of them", choices=WINDOWS)
    partitions: int = option(3, "length of a sliding window, in partitions", low=1)
    warm_start: bool = option(False, "start from the published model's vectors (models "
                              "with fit_from: als, bpr, mf, neural_mf, lightgcn, lightgcn_pp, "
                              "sasrec, two_tower) when it has the same type and architecture; "
                              "otherwise train from scratch")
    warm_iterations: int | None = option(None, "iterations (ALS) or epochs (the others) "
                                         "of a warm start (default: the model's own)",
                                         low=1)
    fold_in_between: int = option(0, "runs after a full retrain that fold the window's new "
                                  "users and items into the published model instead of "
                                  "training (als, ials; see recstack.ops.fold_in); 0: "
                                  "train every run; with a sliding window, less than "
                                  "partitions", low=0)


@dataclass(frozen=True)
class GateSpec(Spec):
    """The ``[evaluation]`` table: the metric and margin of the publishing gate."""

    metric: str = option("ndcg@10", "the per-user metric the gate compares, NAME@K")
    margin: float = option(0.0, "publish unless the new model's mean is below the "
                           "published one's by more than this (absolute)", low=0.0)
    relevance_threshold: float | None = option(None, "evaluation rows with value >= this "
                                               "are relevant (all rows when left out)")
    min_users: int = option(10, "fewest evaluated users both models share for a "
                            "comparison; with fewer the gate refuses", low=2)

    def check(self) -> None:
        # K in ASCII digits: str.isdigit() let '²' through to int(), a ValueError traceback
        parse_metric_name(self.metric, RANKING_METRICS, kind="a ranking metric",
                          k_required=True,
                          expected=f"expected NAME@K with NAME one of "
                                   f"{', '.join(RANKING_METRICS)}, e.g. 'ndcg@10'")
        if self.margin > 1:
            # every gate metric lies in [0, 1]: a margin meant as a percentage (5 for five
            # points) let every model through, however much worse, without a word
            raise ConfigError(f"margin = {self.margin:g}: above 1, but {self.metric} lies in "
                              "[0, 1], so no model could ever be held back; the margin is "
                              "an absolute difference of the metric, not a percentage "
                              "(e.g. 0.05 for five points; 1 publishes every model)")

    @property
    def metric_name(self) -> str:
        return self.metric.partition("@")[0]

    @property
    def k(self) -> int:
        return int(self.metric.partition("@")[2])


#: keys of an experiment file's [evaluation] table (or a cut-off's usual names) that the
#: gate writes inside ``metric`` as NAME@K: they were "unknown key 'ks'", without a word of
#: where the cut-off goes
_CUT_OFF_KEYS = ("k", "ks", "cutoff", "cutoffs", "cut_off", "top_k", "topk")


def _refuse_experiment_evaluation(table: Any, where: str) -> None:
    """Refuse, saying how the gate's one ``metric = "NAME@K"`` is written, a cut-off given
    as a key of its own and several metrics given as an experiment's list."""
    if not isinstance(table, dict):
        return  # the table's own check names what it should be
    example = 'metric = "ndcg@10"'
    for key in table:
        if key in _CUT_OFF_KEYS:
            raise ConfigError(f"{where}{key} = {shown_value(table[key])}: the gate compares "
                              f"one metric at one cut-off, written together as NAME@K in "
                              f"metric (e.g. {example}); remove {key}")
    for key in ("metric", "metrics"):
        value = table.get(key)
        if isinstance(value, list):
            # an experiment's list of metrics: "expected a string", or "unknown key"
            raise ConfigError(f"{where}{key} = {shown_value(value)}: the gate compares one "
                              f"metric, written as NAME@K (e.g. {example}), not a list")


@dataclass(frozen=True)
class RegistryOptions(Spec):
    """The ``[registry]`` table."""

    root: str = option(doc="the model registry's folder (or fsspec URL)")
    name: str | None = option(None, "the model's name in it (default: the pipeline name)")
    keep: int | None = option(None, "prune to the newest `keep` versions after a publish",
                              low=1)

    def check(self) -> None:
        _check_path_text("root", self.root)
        problem = mistyped_url(self.root)
        if problem is not None:
            raise ConfigError(f"root = {shown_value(self.root)}: {problem}")


@dataclass(frozen=True)
class Pipeline:
    """A whole pipeline file, validated."""

    name: str
    seed: int
    work: Path
    data: DataOptions
    quality: QualitySpec
    drift: DriftSpec
    training: TrainingSpec
    model: ModelSpec
    gate: GateSpec
    registry: RegistryOptions
    base: Path
    source_file: str
    raw: dict[str, Any]

    def path(self, text: str) -> Path:
        """A path of the file, relative ones taken from the file's folder (:func:`_file_path`:
        ``~`` is the home folder)."""
        return _file_path(self.base, text)

    @property
    def registry_name(self) -> str:
        return self.name if self.registry.name is None else self.registry.name


def _file_path(base: Path, text: str) -> Path:
    """A path written in a pipeline file: ``~`` (``~user``) is a home folder, as on the
    command line and in an experiment file (``"~/logs"`` was the folder ``~/logs`` under
    the file's folder), and a relative path is taken from ``base``, the file's folder."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


def _check_path_text(key: str, value: str | None) -> None:
    """A path setting must name something: a blank one would be the pipeline file's own
    folder (scanned as partitions, or filled with runs, a lock and a registry); a ``~``
    must name a home folder (:func:`~recstack.specs.home_problem`)."""
    if value is not None and not value.strip():
        raise ConfigError(f"{key} = {shown_value(value)}: expected a path (relative ones are taken "
                          "from the pipeline file's folder), not an empty string")
    if value is not None and "\0" in value:
        raise ConfigError(f"{key} = {shown_value(value)}: a path cannot hold a NUL character")
    homeless = home_problem(value) if value is not None and "://" not in value else None
    if homeless is not None:
        raise ConfigError(f"{key} = {shown_value(value)} {homeless}")


def _check_training_schedule(training: TrainingSpec, table: dict[str, Any], model_type: str,
                             where: str) -> None:
    """Settings of ``[training]`` that the chosen schedule would ignore without a word."""
    from recstack.models.registry import model_class
    from recstack.models.warm_start import WarmStartMixin

    if "partitions" in table and training.window != "sliding":
        raise ConfigError(f"{where}partitions = {training.partitions}: the length of a "
                          f"sliding window, but window = {shown_value(training.window)} "
                          "trains on every earlier partition; set window = \"sliding\" or "
                          "remove partitions")
    if training.warm_iterations is not None and not training.warm_start:
        raise ConfigError(f"{where}warm_iterations = {training.warm_iterations}: counts the "
                          "iterations of a warm start, but warm_start is false; set "
                          "warm_start = true or remove warm_iterations")
    if training.warm_start and not issubclass(model_class(model_type), WarmStartMixin):
        from recstack.models.registry import available_models

        able = [name for name in available_models()
                if issubclass(model_class(name), WarmStartMixin)]
        raise ConfigError(f"{where}warm_start = true: [model] type = {shown_value(model_type)} "
                          "cannot start from the published one's vectors (every run would "
                          f"train from scratch); warm starts need one of {', '.join(able)}; "
                          "remove warm_start or change [model] type")
    if training.warm_start and training.warm_iterations is not None:
        from recstack.models.warm_start import iteration_param

        # it replaces the model's own count: one past the model's bound (10**30) was
        # refused only at the first warm start, a run later, naming the model's parameter
        counted = iteration_param(model_class(model_type))
        if counted is not None:
            try:
                model_class(model_type).params[counted].check(model_type, counted,
                                                              training.warm_iterations)
            except ConfigError as error:
                raise ConfigError(f"{where}warm_iterations = {training.warm_iterations}: it "
                                  f"sets the {model_type} model's {counted} for a warm start, "
                                  f"and {error}") from None


def _check_threshold_reachable(gate: GateSpec, data: DataOptions, file: str) -> None:
    """A ``relevance_threshold`` that no value of the data can reach left every user of the
    evaluation window without a relevant item: each run ended "not published" with exit
    status 0, blaming the users, and the first model was never published."""
    threshold = gate.relevance_threshold
    if threshold is None:
        return
    where = f"{file}[evaluation] relevance_threshold = {threshold}"
    if data.rating_range is None:
        # implicit events are read as 1.0 each: a threshold keeps all of them or none
        raise ConfigError(f"{where}: [data] declares no rating_range, so every event is an "
                          "implicit positive (value 1.0) and relevant; remove "
                          "relevance_threshold, or add rating_range = [low, high] for "
                          "explicit ratings")
    low, high = data.rating_range
    if threshold > high:
        raise ConfigError(f"{where}: above the highest rating of [data] rating_range = "
                          f"[{low}, {high}], so no rating would be relevant and the gate "
                          f"could compare no user; use a threshold <= {high}")
    if 0 < threshold < low:
        # every rating reaches it, as if none were set: a share meant as "the top fifth"
        # (0.8 on a 1-5 scale) made every row relevant without a word; 0 (or less) stays
        # the plain way of saying "every rating is relevant"
        raise ConfigError(f"{where}: below the lowest rating of [data] rating_range = "
                          f"[{low}, {high}], so every rating would be relevant, as without "
                          "a threshold; the threshold is a rating on that scale, not a "
                          f"share (e.g. 4.0 keeps ratings of 4 and above); use a value in "
                          f"[{low}, {high}], or remove relevance_threshold")


def _refuse_unnameable_paths(base: Path, file: str,
                             paths: list[tuple[str, str | None]]) -> None:
    """Refuse a path setting the file system cannot name (a part longer than 255 bytes,
    the whole longer than 4,095): the file was accepted, and the run stopped at its first
    look at the path with the system's OSError (File name too long), or a refusal naming
    no setting."""
    from recstack.atomic import name_too_long, shortened

    for key, text in paths:
        if text is None:
            continue
        too_long = name_too_long(_file_path(base, text))
        if too_long is not None:
            raise ConfigError(f"{file}{key} = {shortened(text)}: is {too_long}; check the "
                              "path (relative ones are taken from the pipeline file's "
                              "folder)")


def _refuse_inside_partitions(partitions: Path, outputs: list[tuple[str, str, Path | None]],
                              file: str) -> None:
    """Refuse a folder the pipeline writes (its work folder, a local registry) that is, or
    lies inside, the partitions folder: the first run wrote its runs there, and the next
    one stopped at them ("folder 'runs/...' is not a time partition")."""
    import os

    inside = os.path.realpath(partitions.expanduser())
    for key, written, path in outputs:
        if path is None:
            continue
        real = os.path.realpath(path.expanduser())
        if real == inside or real.startswith(inside.rstrip(os.sep) + os.sep):
            relation = "is" if real == inside else "lies inside"
            raise ConfigError(f"{file}{key} = {shown_value(written)}: {relation} the partitions "
                              f"folder {partitions} ([data] partitions), which every run reads as "
                              "log partitions; put the pipeline's own files elsewhere")


def _refuse_nested_outputs(work: Path, work_text: str, registry: Path | None,
                           registry_text: str, file: str) -> None:
    """Refuse a work folder that is, holds or lies inside a local registry folder: the
    registry read the runs folder as a model name ("runs" in its names) and pruning or
    deleting a model removed runs, the lock or the state, and the work folder's runs were
    copied with each ``registry`` folder a user moved."""
    import os

    if registry is None:
        return
    work_real = os.path.realpath(work.expanduser())
    registry_real = os.path.realpath(registry.expanduser())
    if work_real == registry_real:
        relation = "is the same folder as"
    elif work_real.startswith(registry_real.rstrip(os.sep) + os.sep):
        relation = "lies inside"
    elif registry_real.startswith(work_real.rstrip(os.sep) + os.sep):
        relation = "holds"
    else:
        return
    raise ConfigError(f"{file}work = {shown_value(work_text)} ({work}) {relation} [registry] "
                      f"root = {shown_value(registry_text)} ({registry}); the work folder (runs, "
                      "state, lock) and the model registry must be separate folders, neither "
                      "inside the other")


def _refuse_version_word_name(name: str, registry: RegistryOptions,
                              registry_path: Path | None, file: str) -> None:
    """Refuse a registry name that reads as a version alias (``latest``: the registry
    refuses it at publish) before the checks and the training, unless a local registry
    already holds a model of that name (a pipeline published before the rule keeps
    running). A registry URL is left to the publish step: listing it here would reach
    the storage while reading the file."""
    from recstack.serving.registry import version_word_problem

    published = name if registry.name is None else registry.name
    problem = version_word_problem(published)
    if problem is None or registry_path is None or (registry_path / published).is_dir():
        return
    key = "name" if registry.name is None else "[registry] name"
    remedy = ("set [registry] name = \"...\" (the model's name in the registry) or "
              "rename the pipeline" if registry.name is None else "choose another")
    raise ConfigError(f"{file}{key} = {shown_value(published)}: the model is published under this "
                      f"name, and {problem}; {remedy}")


#: the tables of a pipeline file that take a seed of their own, and what it seeds
_SEEDED_TABLES = {"[model]": "the model's, for the models with a seed"}


@arguments_named
def load_pipeline(path: str | Path) -> Pipeline:
    """Read and validate a pipeline file; relative paths are taken from its folder."""
    import os

    if not isinstance(path, str | os.PathLike):  # Path(5) was a TypeError from pathlib
        raise ConfigError(f"load_pipeline: path must be the pipeline file's path, got "
                          f"{type(path).__name__} {path!r:.60}")
    path = Path(path)
    raw = read_toml(path, "pipeline")
    with dated_lines(path):  # the line of a date where text goes
        return parse_pipeline(raw, source=str(path), base=path.parent.absolute())


@arguments_named
def parse_pipeline(raw: dict[str, Any], *, source: str = "<pipeline>",
                   base: str | Path | None = None) -> Pipeline:
    """Validate a parsed pipeline file (see the module docstring)."""
    file = f"{source}: "
    raw = python_values(raw, file)
    from recstack.config import TOP_LEVEL as EXPERIMENT_TOP_LEVEL

    refuse_other_file_kind(raw, file, TOP_LEVEL, EXPERIMENT_TOP_LEVEL,
                           own=("model", "registry"), kind="an experiment file",
                           command="recstack evaluate FILE")
    refuse_misplaced_top_level_keys(raw, TOP_LEVEL, file,
                                    accepted={"registry": ("name",), "model": ("model",)},
                                    seeded=_SEEDED_TABLES)
    _check_table(raw, TOP_LEVEL, file, required=("data", "model", "registry"))
    name = raw.get("name", Path(source).stem)
    # the results folder and --out are an experiment's: a pipeline's name is its work
    # folder's (NAME.pipeline, unless work = ...) and its registry model's
    _check_run_name(name, f"{file}name = {shown_value(name)}", what="a pipeline name",
                    folder="the name of its work folder (NAME.pipeline) and registry model",
                    elsewhere="; set work = \"...\" to put the work folder elsewhere")
    from recstack.serving.registry import check_name

    seed = raw.get("seed", 0)
    # one rule for seeds, as an experiment file's (recstack.specs.SEED_MAX): this one took
    # up to 2**63 - 1, past what a two-tower model or a Spark split accepts
    check_seed(seed, f"{file}seed")
    base_folder = Path(base) if base is not None else Path.cwd()
    data = build_spec(DataOptions, raw["data"], f"{file}[data] ")
    quality = QualitySpec.from_table(raw.get("quality", {}), file)
    drift = build_spec(DriftSpec, raw.get("drift", {}), f"{file}[drift] ")
    training = build_spec(TrainingSpec, raw.get("training", {}), f"{file}[training] ")
    model_table = dict(raw["model"])
    if "label" in model_table:
        raise ConfigError(f"{file}[model] label: a pipeline has one model, named by the "
                          "pipeline's name (or [registry] name); remove label")
    try:
        # no label: the pipeline's name (or [registry] name) names its one model
        model = _parse_models([model_table], file, entry_keys=("type",))[0]
    except ConfigError as error:
        # the experiment parser speaks of [[models]] entries; a pipeline has one [model]
        message = str(error).replace("[[models]] #1 ", "[model] ")
        raise ConfigError(message) from None
    from recstack.models.registry import model_class

    if data.rating_range is None and getattr(model_class(model.type), "predicts_ratings",
                                             False):
        # found here, not after the checks and the drift step, when training refuses it
        raise ConfigError(f"{file}[model] type = {shown_value(model.type)} predicts explicit "
                          "ratings, but [data] declares no rating_range (the events are "
                          "implicit); add rating_range = [low, high] or use an implicit-feedback "
                          "model")
    _check_training_schedule(training, raw.get("training", {}), model.type,
                             f"{file}[training] ")
    if training.window == "sliding" and training.fold_in_between >= training.partitions:
        # past that many runs a fold-in's window shares no partition with the data the
        # published model was trained on: its vectors describe events no longer used
        raise ConfigError(f"{file}[training] fold_in_between = {training.fold_in_between}: "
                          f"with a sliding window of partitions = {training.partitions}, "
                          f"fold-in runs {training.partitions} and later would fold into a "
                          "model trained on none of the window's partitions; use at most "
                          f"{training.partitions - 1} (or a longer window)")
    if training.fold_in_between and model.type not in FOLD_IN_MODELS:
        raise ConfigError(f"{file}[training] fold_in_between = {training.fold_in_between}: "
                          f"folding in new users and items needs a model type among "
                          f"{', '.join(FOLD_IN_MODELS)}, not {shown_value(model.type)}; use 0 "
                          f"(train every run) or warm_start")
    _refuse_experiment_evaluation(raw.get("evaluation", {}), f"{file}[evaluation] ")
    gate = build_spec(GateSpec, raw.get("evaluation", {}), f"{file}[evaluation] ")
    _check_threshold_reachable(gate, data, file)
    registry = build_spec(RegistryOptions, raw["registry"], f"{file}[registry] ")
    try:
        # name = "" published under the pipeline's name without a word
        check_name(name if registry.name is None else registry.name)
    except ConfigError as error:
        raise ConfigError(f"{file}[registry] name: {error}") from None
    work_text = raw.get("work", f"{name}.pipeline")
    try:
        _check_path_text("work", work_text)
    except ConfigError as error:
        raise ConfigError(f"{file}{error}") from None
    work = _file_path(base_folder, work_text)
    registry_path = (None if "://" in registry.root
                     else _file_path(base_folder, registry.root))
    _refuse_unnameable_paths(base_folder, file, [
        ("work", work_text), ("[data] partitions", data.partitions),
        ("[data] items", data.items), ("[data] users", data.users),
        ("[registry] root", None if registry_path is None else registry.root)])
    _refuse_inside_partitions(_file_path(base_folder, data.partitions),
                              [("work", work_text, work),
                               ("[registry] root", registry.root, registry_path)], file)
    _refuse_nested_outputs(work, work_text, registry_path, registry.root, file)
    _refuse_version_word_name(name, registry, registry_path, file)
    return Pipeline(name, seed, work, data, quality, drift, training, model, gate, registry,
                    base_folder, source, raw)
