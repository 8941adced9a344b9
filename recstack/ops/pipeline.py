"""``recstack pipeline run PIPELINE.toml``: from new log partitions to a published model.

One run takes the partitions present when it starts and goes through six steps, each
writing its outputs into its own folder of the run folder, atomically
(:func:`recstack.atomic.atomic_directory`: a step's folder exists complete or not at
all)::

    WORK/runs/RUN/check/      partitions.json (the snapshot), quality.json
    WORK/runs/RUN/drift/      drift.json
    WORK/runs/RUN/train/      model/ (model.save), train.json
    WORK/runs/RUN/evaluate/   evaluation.json, per_user.csv
    WORK/runs/RUN/publish/    publish.json
    WORK/runs/RUN/report/     report.json, report.txt, report.html
    WORK/state.json           the completed runs and the partitions they saw
    WORK/lock                 held while a run is in progress (recstack.ops.lock)

``RUN`` is the newest partition's label and a digest of every partition's fingerprint and
of the file's settings, so new or rewritten partitions (or a changed file) make a new run,
and a rerun of a run that stopped (a crash, a SIGKILL, a failed quality check fixed since)
resumes after its last completed step. A rerun after the run completed does nothing.

The steps:

1. **check**: list the partitions; run the quality checks (:mod:`recstack.ops.quality`)
   on those not seen by the last completed run, and on the sequence (missing periods). A
   failed check writes ``RUN/check.failed.json`` and stops the run (exit non-zero) before
   anything is trained; the check is repeated on the next run.
2. **drift**: the measures of :mod:`recstack.ops.drift` between the partition(s) just
   before the newest (``[drift] reference_partitions``, their rows together, user
   activity counted a partition at a time; all there are, with a warned check, when
   fewer precede the newest) and the newest.
3. **train**: a model as ``[model]`` declares, on the training window
   (:mod:`recstack.ops.retraining`): from scratch, warm-started from the published model
   (``[training] warm_start``), or, for up to ``[training] fold_in_between`` runs after
   a retrain, the published model with the window's new users and items folded in
   (:mod:`recstack.ops.fold_in`); ``train.json`` says which (``strategy``).
4. **evaluate**: the new model and the published one (when there is one) on the newest
   partition; the gate (:mod:`recstack.ops.gate`).
5. **publish**: when the gate passes, into the registry, the run recorded in the
   manifest's evaluation so that a publish interrupted before its step folder was written
   is found again, not repeated.
6. **report**: text, JSON and an HTML page
   (:mod:`recstack.analysis.pipeline_report`), then the state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recstack.atomic import (
    atomic_directory,
    broken_link,
    describe_path,
    folder_problem,
    recover,
    special_file_problem,
    write_text,
)
from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, DataFormatError, RecstackError, counted
from recstack.ops.lock import pipeline_lock
from recstack.ops.pipeline_config import Pipeline, load_pipeline
from recstack.ops.quality import (
    FAILED,
    PASSED,
    WARNED,
    CheckResult,
    QualityFailure,
    check_clock,
    check_partition,
    summary,
)
from recstack.progress import Progress, require_reporter, resolve
from recstack.specs import arguments_named
from recstack.strict_json import plain_value

__all__ = ["RunOutcome", "run_pipeline", "STEPS"]

STEPS = ("check", "drift", "train", "evaluate", "publish", "report")
STATE = "state.json"
RUNS = "runs"


@dataclass
class RunOutcome:
    """What :func:`run_pipeline` did: the run, whether it did anything, the steps it ran
    now (the others were done before), and the report (None when nothing was done)."""

    run: str
    folder: Path
    ran: list[str]
    up_to_date: bool
    report: dict[str, Any] | None

    @property
    def published(self) -> bool:
        return bool(self.report and self.report["publish"]["published"])


@arguments_named
def run_pipeline(pipeline: str | Path | Pipeline, *, now: int | None = None,
                 progress: Progress | None = None,
                 on_step: Callable[[str], None] | None = None) -> RunOutcome:
    """Run (or resume) the pipeline of a pipeline file; see the module docstring.

    Parameters
    ----------
    pipeline
        The pipeline file, or one already loaded.
    now
        The clock of the future-timestamp check (Unix seconds; default: the current time).
    progress
        Progress reporter (None: silent).
    on_step
        Called with each step's name once its outputs are committed.

    Raises
    ------
    PipelineBusy
        Another run of this pipeline is in progress.
    QualityFailure
        A quality check failed (the reasons are in the message and ``check.failed.json``).
    """
    now = check_clock(now, "run_pipeline")  # a whole Decimal is the int it names
    # refused before anything runs: a bad on_step failed only after the first step had
    # committed its outputs, a bad progress once the first step began
    if not isinstance(pipeline, Pipeline | str | os.PathLike):
        hint = (" (a parsed file goes through recstack.ops.pipeline_config.parse_pipeline "
                "first)" if isinstance(pipeline, dict) else "")
        raise ConfigError(f"run_pipeline: pipeline must be a pipeline file's path or a "
                          f"loaded Pipeline, got {type(pipeline).__name__}{hint}")
    require_reporter(progress, "run_pipeline")
    if on_step is not None and not callable(on_step):
        raise ConfigError(f"run_pipeline: on_step must be a function called with each "
                          f"step's name, or None, got {type(on_step).__name__} {on_step!r:.60}")
    spec = pipeline if isinstance(pipeline, Pipeline) else load_pipeline(pipeline)
    _refuse_work_in_place_of_a_file(spec)
    with pipeline_lock(spec.work, spec.name):
        return _Run(spec, now, resolve(progress), on_step).go()


def _refuse_work_in_place_of_a_file(spec: Pipeline) -> None:
    """Refuse a work folder that is, or lies under, something other than a folder (a file,
    a link that leads nowhere, a named pipe), in the lock's words (:mod:`recstack.ops.lock`),
    which it checks before the lock is taken, led by the pipeline file and its ``work`` key:
    the lock's refusal alone ("pipeline 'NAME': its work folder ... is (or lies under) a
    file") named neither, so a user could not tell which file or setting to change."""
    written = spec.raw.get("work")
    key = (f"work = {written!r}" if isinstance(written, str)
           else f"work (left out: {spec.name}.pipeline beside the file)")
    for place in (spec.work, *spec.work.parents):
        if not os.path.lexists(place):
            continue  # made by the lock, with the folders above it
        if broken_link(place) is None and place.is_dir():
            return
        where = f"{spec.source_file}: {key}: pipeline {spec.name!r}: its work folder"
        if broken_link(place) is not None or not place.is_file():
            # a link leading nowhere, a named pipe: said as what it is, not as "a file"
            at = "is" if place == spec.work else f"lies under {place}, which is"
            what = "link" if broken_link(place) is not None else "pipe, socket or device"
            raise ConfigError(f"{where} {spec.work} {at} {describe_path(place)}; remove the "
                              f"{what} or set another `work` folder in the pipeline file")
        blocking = "" if place == spec.work else f" ({place} is {describe_path(place)})"
        raise ConfigError(f"{where} {spec.work} is (or lies under) a file{blocking}; remove "
                          "the file or set another `work` folder in the pipeline file")


class _Run:
    def __init__(self, spec: Pipeline, now: int | None, progress: Progress,
                 on_step: Callable[[str], None] | None) -> None:
        self.spec = spec
        self.now = now
        self.progress = progress
        self.on_step = on_step or (lambda step: None)
        self.root = spec.path(spec.data.partitions)
        self.ran: list[str] = []
        self._data: tuple[Any, np.ndarray] | None = None

    # ------------------------------------------------------------------ driver
    def go(self) -> RunOutcome:
        from recstack.ops.partitions import list_partitions

        work = self.spec.work
        root = self._registry_root()
        if "://" not in root and (broken_link(Path(root)) is not None or (
                os.path.lexists(root) and not Path(root).is_dir())):
            # found before anything runs, not when the first model is published (a link
            # that led nowhere, or looped, was found only then)
            raise ConfigError(f"{self.spec.source_file}: [registry] root = {root}: is "
                              f"{describe_path(Path(root))}; the registry is a folder "
                              "(created at the first publish)")
        if "://" not in root:
            _refuse_unusable_registry(Path(root), self.spec.source_file)
        else:
            self._reach_registry(root)
        recover(work / STATE)
        state = self._state()
        runs = work / RUNS
        problem = folder_problem(runs) if os.path.lexists(runs) else None
        if problem is not None:
            # a file in its place was read as each run's "damaged, not readable JSON
            # ([Errno 20] Not a directory)"
            raise RecstackError(f"{runs}: {problem}; it is the folder of the pipeline's runs: "
                                f"restore it, or remove it and {work / STATE} to start over")
        from recstack.experiment import named_step

        # the folder's own words ("PATH: no such partitioned data folder") did not say which
        # file and key named it
        with named_step(f"{self.spec.source_file}: [data] partitions = "
                        f"{self.spec.data.partitions!r}: "):
            partitions = list_partitions(self.root)
        if not partitions:
            # named with the file and key, as the folder's other refusals above are
            raise QualityFailure(f"{self.spec.source_file}: [data] partitions = "
                                 f"{self.spec.data.partitions!r}: {self.root} holds no "
                                 "partitions to run on (expected folders such as "
                                 "year=2024/month=03 holding Parquet files: at least 2, one "
                                 "to train on and the newest to evaluate on)")
        # the partitions and the file's settings: new data or a changed file is a new run
        digest = hashlib.sha256(("".join(
            f"{p.folder}:{p.fingerprint};" for p in partitions)
            + json.dumps(self.spec.raw, sort_keys=True, default=str)).encode()
        ).hexdigest()[:10]
        self.run_id = f"{partitions[-1].label}-{digest}"
        self.folder = work / RUNS / self.run_id
        for step in STEPS:
            recover(self.folder / step)
        if self.run_id in state["completed"]:
            report = _read_json(
                self.folder / "report" / "report.json",
                f"the run is recorded as complete in {work / STATE}: restore the file, or "
                f"remove {self.folder} and the run's name from that list to run it again")
            return RunOutcome(self.run_id, self.folder, [], True, report)
        _refuse_newest_gone(self.root, partitions, state, work / STATE)
        if not self._done("check"):
            self._check(partitions, state)
        self.snapshot = self._snapshot()
        if not self._done("evaluate"):
            self._check_gate_cutoff()
        for step, action in (("drift", self._drift), ("train", self._train),
                             ("evaluate", self._evaluate), ("publish", self._publish),
                             ("report", self._report)):
            if not self._done(step):
                with self.progress.task(f"{self.spec.name}: {step}"):
                    action()
        report = self._read("report", "report.json")
        self._finish(state)
        return RunOutcome(self.run_id, self.folder, self.ran, False, report)

    def _reach_registry(self, root: str) -> None:
        """Read a registry URL's current version before anything runs: a protocol fsspec
        does not know, or storage that cannot be reached, was found at the evaluate step,
        after the checks and the training, in words naming neither the pipeline file nor
        its key."""
        from recstack.serving.registry import ModelRegistry

        try:
            ModelRegistry(root).current(self.spec.registry_name)
        except RecstackError as error:
            message = f"{self.spec.source_file}: [registry] root = {root!r}: {error}"
            try:
                named = type(error)(message)
            except TypeError:  # an error class that takes more than its message
                named = RecstackError(message)
            raise named from None

    def _check_gate_cutoff(self) -> None:
        """Refuse, before the drift step and any training, a gate K larger than the
        catalog: every list held every item, both models scored alike (recall 1.0 for
        everyone) and the gate published whatever was trained, as experiments refuse such
        a K (:func:`recstack.experiment.check_cutoffs`)."""
        gate = self.spec.gate
        data, _ = self._interactions()
        if gate.k > data.n_items:
            raise ConfigError(f"{self.spec.source_file}: [evaluation] metric = "
                              f"{gate.metric!r}: K = {gate.k} is larger than the catalog "
                              f"({counted(data.n_items, 'item')} in the partitions), so every list "
                              "would hold every item and the gate could not tell the new "
                              f"model from the published one; use K <= {data.n_items}")

    def _done(self, step: str) -> bool:
        return (self.folder / step).is_dir()

    def _read(self, step: str, name: str) -> dict[str, Any]:
        """A JSON file (an object) that an earlier step of this run committed, its fields
        checked as the later steps and the report read them."""
        from recstack.analysis.pipeline_report import check_step_output

        path, remedy = self.folder / step / name, f"remove the folder {self.folder / step} "\
            "to redo that step"
        payload = _read_json(path, remedy)
        check_step_output(path, step, payload, remedy)
        return payload

    def _snapshot(self) -> list[Any]:
        """The partitions the check step saw (what the other steps read)."""
        from recstack.ops.partitions import Partition

        path = self.folder / "check" / "partitions.json"
        remedy = f"remove the folder {path.parent} to redo the check step"
        raw = _read_json(path, remedy, kind=list)
        if not raw:
            # every later step reads the newest partition: an IndexError deep in a step
            raise RecstackError(f"{path}: damaged: the list of partitions is empty; "
                                f"{remedy}")
        snapshot = []
        for number, entry in enumerate(raw):
            try:
                snapshot.append(Partition.from_dict(entry))
            except (KeyError, TypeError, ValueError) as error:
                raise RecstackError(f"{path}: damaged: partition entry {number}: {error}; "
                                    f"{remedy}") from None
        return snapshot

    def _commit(self, step: str, files: dict[str, Any],
                extra: Callable[[Path], None] | None = None) -> None:
        with atomic_directory(self.folder / step, overwrite=False) as staging:
            for name, payload in files.items():
                text = payload if isinstance(payload, str) else _json_text(payload)
                (staging / name).write_text(text, encoding="utf-8")
            if extra is not None:
                extra(staging)
        self.ran.append(step)
        self.on_step(step)

    def _state(self) -> dict[str, Any]:
        path = self.spec.work / STATE
        remedy = "it records the completed runs: restore it or remove it to start over"
        if os.path.lexists(path) and (broken_link(path) is not None or not path.is_file()):
            # a link that led nowhere or a named pipe was taken for no state (every run
            # forgotten) and replaced by a file at the end; a folder failed only then
            raise RecstackError(f"{path}: is {describe_path(path)}, not the pipeline's state "
                                f"file (JSON); {remedy}")
        if not path.is_file():
            return {"completed": [], "partitions": {}}
        state = _read_json(path, remedy)
        completed, partitions = state.get("completed"), state.get("partitions", {})
        # a fingerprint of another type never matched its partition's: every partition
        # was checked again as new, without a word about the file
        if not (isinstance(completed, list) and all(isinstance(r, str) for r in completed)
                and isinstance(partitions, dict)
                and all(isinstance(f, str) for f in partitions.values())):
            raise RecstackError(f"{path}: damaged: expected \"completed\" (a list of run "
                                "names) and \"partitions\" (label -> fingerprint), the "
                                f"fingerprints as text; {remedy}")
        owner = state.get("pipeline")
        if owner is not None and owner != self.spec.name:
            # two pipelines with one work folder read each other's runs and partitions
            # (which are new, the fold-in schedule) and share one lock
            raise RecstackError(f"{self.spec.source_file}: work = {str(self.spec.work)!r} "
                                f"holds the runs of pipeline {owner!r} ({path}); give "
                                f"pipeline {self.spec.name!r} its own work folder (or, "
                                "if the pipeline was renamed, set \"pipeline\" in that file "
                                "to its new name)")
        return state

    def _finish(self, state: dict[str, Any]) -> None:
        if self.run_id in state["completed"]:
            return
        state["completed"].append(self.run_id)
        state["last"] = self.run_id
        state["pipeline"] = self.spec.name
        state["partitions"] = {p.label: p.fingerprint for p in self.snapshot}
        write_text(self.spec.work / STATE, json.dumps(state, indent=2))

    # ------------------------------------------------------------------ data
    def _catalog(self, which: str) -> pd.DataFrame | None:
        name = getattr(self.spec.data, which)
        if name is None:
            return None
        from recstack.experiment import named_step

        key = "item_id" if which == "items" else "user_id"
        # the reader's words ("PATH: no such [data] items file") did not say which
        # pipeline file named it; named_step keeps a DataFormatError's own words (it
        # names its file), so that one is prefixed here
        where = f"{self.spec.source_file}: [data] {which} = {name!r}: "
        try:
            with named_step(where):
                return read_side_table(self.spec.path(name), what=f"[data] {which} file",
                                       key=key, require_rows=True)
        except DataFormatError as error:
            raise DataFormatError(where + str(error)) from None

    def _interactions(self) -> tuple[Any, np.ndarray]:
        """Every partition of the snapshot as one Interactions, and each row's partition."""
        if self._data is None:
            from recstack.ops.partitions import read_table, to_interactions

            tables = [read_table(self.root, p) for p in self.snapshot]
            items = self._catalog("items")
            data, origin = to_interactions(
                tables, explicit=self.spec.data.rating_range is not None,
                rating_range=self.spec.data.rating_range, item_table=items,
                labels=[p.label for p in self.snapshot])
            self._data = (data, origin)
        return self._data

    def _windows(self) -> tuple[Any, Any, list[int]]:
        from recstack.ops.retraining import training_window

        data, origin = self._interactions()
        positions = training_window(len(self.snapshot), self.spec.training)
        train = data.select(np.flatnonzero(np.isin(origin, positions)))
        holdout = data.select(np.flatnonzero(origin == len(self.snapshot) - 1))
        return train, holdout, positions

    # ------------------------------------------------------------------ steps
    def _check(self, partitions: list[Any], state: dict[str, Any]) -> None:
        from recstack.ops.partitions import (
            check_id_types,
            missing_periods,
            read_schema,
            read_table,
        )

        spec = self.spec
        seen = state.get("partitions", {})
        new = [p for p in partitions if seen.get(p.label) != p.fingerprint]
        items = self._catalog("items")
        users = self._catalog("users")
        catalog_items = None if items is None else items["item_id"].to_numpy()
        catalog_users = None if users is None else users["user_id"].to_numpy()
        results: list[CheckResult] = []
        gaps = missing_periods(partitions)
        status = FAILED if len(gaps) > spec.quality.max_missing_partitions else (
            "warned" if gaps else "passed")
        results.append(CheckResult("missing_partitions", status, len(gaps), 0.0, gaps[:5],
                                   f"{len(gaps)} period(s) without a partition between "
                                   f"{partitions[0].label} and {partitions[-1].label}"))
        if len(partitions) < 2:
            results.append(CheckResult("partitions", FAILED, len(partitions), 0.0, [],
                                       "a run needs at least 2 partitions: one to train on, "
                                       "the newest to evaluate on"))
        else:
            results += [_window_check(partitions, spec), _reference_check(partitions, spec)]
        rows_before = {p.label: [q.rows for q in partitions[:i] if q.rows > 0]
                       for i, p in enumerate(partitions)}
        schemas = {p.label: read_schema(self.root, p) for p in partitions if p not in new}
        for partition in new:
            try:
                table = read_table(self.root, partition)
            except RecstackError as error:
                results.append(CheckResult("readable", FAILED, 1, 0.0, [], str(error),
                                           partition.label))
                continue
            schemas[partition.label] = table.schema
            results += check_partition(
                table, spec.quality, label=partition.label,
                rating_range=spec.data.rating_range,
                explicit=spec.data.rating_range is not None, now=self.now,
                previous_rows=rows_before[partition.label],
                period=(partition.start, partition.end), catalog_items=catalog_items,
                catalog_users=catalog_users)
        known = {label: schema for label, schema in schemas.items() if schema is not None}
        try:
            check_id_types(list(known.values()), list(known))
            results.append(CheckResult("id_types", PASSED, 0, 0.0, [], "user and item ids "
                                       "of one type (integers or text) in every partition"))
        except RecstackError as error:
            results.append(CheckResult("id_types", FAILED, 1, 0.0, [], str(error)))
        report = {"run": self.run_id, "new_partitions": [p.label for p in new],
                  "summary": summary(results), "checks": [r.to_dict() for r in results]}
        failed = [r for r in results if r.status == FAILED]
        if failed:
            write_text(self.folder / "check.failed.json", _json_text(report))
            first = failed[0]
            others = sorted({f"{r.check} ({r.partition})" if r.partition else r.check
                             for r in failed[1:]})
            more = f"; also failed: {', '.join(others)}" if others else ""
            where = f" in partition {first.partition}" if first.partition else ""
            examples = f" (e.g. {first.examples})" if first.examples else ""
            raise QualityFailure(
                f"{spec.source_file}: quality check {first.check!r} failed{where}: "
                f"{first.message}{examples}{more}; nothing was trained (report: "
                f"{self.folder / 'check.failed.json'})")
        self._commit("check", {"partitions.json": [p.to_dict() for p in partitions],
                               "quality.json": report})

    def _drift(self) -> None:
        from recstack.ops.drift import measure_drift

        data, origin = self._interactions()
        newest = len(self.snapshot) - 1
        positions = list(range(max(0, newest - self.spec.drift.reference_partitions), newest))
        reference_rows = np.flatnonzero(np.isin(origin, positions))
        reference = data.select(reference_rows)
        holdout = data.select(np.flatnonzero(origin == newest))
        # each row's partition: user activity is compared a partition at a time, so a
        # reference of several partitions is not a shift of activity by its length alone
        report = measure_drift(reference, holdout, self.spec.drift,
                               reference_partitions=origin[reference_rows])
        payload = report.to_dict() | {
            "reference": [self.snapshot[i].label for i in positions],
            "new": [self.snapshot[-1].label]}
        self._commit("drift", {"drift.json": payload, "drift.txt": report.text() + "\n"})

    def _train(self) -> None:
        from recstack.experiment import named_step
        from recstack.models.registry import model_class
        from recstack.ops.fold_in import fold_in_model, use_fold_in
        from recstack.ops.retraining import fit_candidate

        train, _holdout, positions = self._windows()
        params = dict(self.spec.model.params)
        if "seed" in model_class(self.spec.model.type).params and "seed" not in params:
            params["seed"] = self.spec.seed  # repeatable, so a resumed run equals one run
        training = self.spec.training
        needs_published = training.warm_start or training.fold_in_between > 0
        previous = self._published_model()[1] if needs_published else None
        started = time.perf_counter()
        fold_in = (type(previous) is model_class(self.spec.model.type)
                   and use_fold_in(training.fold_in_between, self._past_strategies(), previous))
        # a model's own error ("features: item_columns names ...") named neither the file
        # nor its table, as an experiment's names its [[models]] entry
        with named_step(f"{self.spec.source_file}: [model] ({self.spec.model.type}): ",
                        model=self.spec.model.type):
            if fold_in:
                model, warm = fold_in_model(previous, train.compact()), False
                strategy = "fold_in"
            else:
                model, warm = fit_candidate(
                    self.spec.model.type, params, train,
                    previous=previous if training.warm_start else None,
                    warm_iterations=training.warm_iterations)
                strategy = "warm_start" if warm else "retrain"
        seconds = time.perf_counter() - started
        meta = {"model": self.spec.model.type, "params": params, "warm_start": warm,
                "strategy": strategy, "window": self.spec.training.window,
                "partitions": [self.snapshot[i].label for i in positions],
                "rows": len(train), "fit_seconds": round(seconds, 3)}
        if training.window == "sliding":
            # the length asked for beside the partitions used: a window the partitions
            # could not fill (a new pipeline's first runs) read as a full one
            meta["window_partitions"] = training.partitions
        self._commit("train", {"train.json": meta},
                     extra=lambda staging: model.save(staging / "model"))

    def _past_strategies(self) -> list[str]:
        """How the completed runs made their models (oldest first): ``retrain``,
        ``warm_start`` or ``fold_in``; for counting the fold-in runs since a retrain."""
        strategies = []
        for run in self._state()["completed"]:
            path = self.spec.work / RUNS / run / "train" / "train.json"
            if path.is_file():
                from recstack.analysis.pipeline_report import check_step_output

                remedy = f"restore it or remove {self.spec.work / STATE} to start over"
                meta = _read_json(path, remedy)
                check_step_output(path, "train", meta, remedy)
                strategies.append(meta.get("strategy", "retrain"))
        return strategies

    def _published_model(self) -> tuple[int | None, Any]:
        """The registry's current version of this pipeline's model and the model (None,
        None before the first publish)."""
        from recstack.serving.registry import CorruptVersionError, ModelRegistry

        registry = ModelRegistry(self._registry_root())
        name = self.spec.registry_name
        versions = registry.versions(name) if name in registry.names() else []
        try:
            version = registry.current(name)
        except CorruptVersionError as error:
            # the registry's remedy is a Python call (set_current); a pipeline user runs
            # files and a command line, and was told neither which pipeline nor the ways out
            left = (f"the complete versions are {', '.join(map(str, versions))}"
                    if versions else "no complete version is left")
            raise RecstackError(f"{self.spec.source_file}: [registry] root = "
                                f"{self._registry_root()}: {error}; {left}: write "
                                f'{{"version": N, "history": []}} into {name}/current.json '
                                "with N one of them, or remove the file to publish the next "
                                "model as the first") from None
        if version is not None and version not in versions:
            # a version folder deleted by hand: with no other version left the run said
            # "no model is published yet: publishing the first" and published over the
            # alias's number; with others, the registry's bare "shop@2 does not exist"
            left = (f"the complete versions left are {', '.join(map(str, versions))}"
                    if versions else "no complete version is left")
            raise RecstackError(f"{self.spec.source_file}: [registry] root = "
                                f"{self._registry_root()}: {name}'s current version "
                                f"{version} ({name}/current.json) has no complete version "
                                f"folder ({left}), so the gate has no published model to "
                                "compare against; restore the version folder, point "
                                f"{name}/current.json at a version left, or remove it to "
                                "publish the next model as the first")
        if version is None:
            return None, None
        return version, registry.load(name, version).model

    def _trained_model(self) -> Any:
        """The model the train step saved, or the loader's refusal (a model folder removed
        or damaged by hand) with the way out: redo the train step."""
        from recstack.models.persistence import load_model

        try:
            return load_model(self.folder / "train" / "model")
        except RecstackError as error:
            raise RecstackError(f"{error}; remove the folder {self.folder / 'train'} (and "
                                "those of the steps after it) to redo the train step"
                                ) from None

    def _evaluate(self) -> None:
        from recstack.ops.gate import decide, holdout_metric

        gate = self.spec.gate
        train, holdout, _ = self._windows()
        candidate = self._trained_model()
        options: dict[str, Any] = {"metric": gate.metric_name, "k": gate.k,
                   "relevance_threshold": gate.relevance_threshold}
        ours = holdout_metric(candidate, train, holdout, **options)
        version, published = self._published_model()
        theirs = None
        if published is not None:
            theirs = holdout_metric(published, train, holdout, **options)
        decision = decide(ours, theirs, metric=gate.metric, margin=gate.margin,
                          min_users=gate.min_users, published_version=version)
        if published is not None and decision.publish:
            unknown = _no_relevant_item_known(holdout, gate, (candidate, published),
                                              self.snapshot[-1].label)
            if unknown:
                decision.publish, decision.reason = False, unknown
        if theirs is None or decision.shared_users < gate.min_users:
            # on the first publish too (nothing to compare with, so min_users was not
            # applied): it showed only when the next run could not compare either model
            note = _unreachable_min_users(holdout, gate, self.snapshot[-1].label,
                                          first=theirs is None)
            decision.reason += note
            if note and theirs is None:
                # the result line of a publish ("published as NAME@1", all --quiet prints)
                # does not carry the reason: said on stderr too
                import warnings

                warnings.warn(f"{self.spec.source_file}:{note[len('; but'):]}",
                              UserWarning, stacklevel=2)
        per_user = pd.DataFrame({"candidate": ours})
        if theirs is not None:
            per_user = per_user.join(theirs.rename("published"), how="outer")
        per_user = per_user.reset_index()
        from recstack.data.files import csv_quoting

        self._commit("evaluate", {"evaluation.json": decision.to_dict() | {
            "window": self.snapshot[-1].label, "evaluated_rows": len(holdout)},
            "per_user.csv": per_user.to_csv(index=False, quoting=csv_quoting(per_user))})

    def _registry_root(self) -> str:
        root = self.spec.registry.root
        return root if "://" in root else str(self.spec.path(root))

    def _publish(self) -> None:
        from recstack.serving.registry import ModelRegistry

        decision = self._read("evaluate", "evaluation.json")
        payload: dict[str, Any] = {"published": False, "version": None,
                                   "reason": decision["reason"]}
        if decision["publish"]:
            registry = ModelRegistry(self._registry_root())
            name = self.spec.registry_name
            version = self._already_published(registry, name)
            if version is None:
                model = self._trained_model()
                train, _, _ = self._windows()
                evaluation = {"pipeline": self.spec.name, "pipeline_run": self.run_id,
                              "gate": decision}
                published = registry.publish(name, model, data=train.compact(),
                                             evaluation=evaluation, keep=self.spec.registry.keep)
                version = published.version
            elif registry.current(name) != version:
                registry.set_current(name, version)
            payload = {"published": True, "version": version, "name": name,
                       "reason": decision["reason"]}
        self._commit("publish", {"publish.json": payload})

    def _already_published(self, registry: Any, name: str) -> int | None:
        """The version a previous, interrupted attempt of this run published, if any."""
        if name not in registry.names():
            return None
        for version in reversed(registry.versions(name)):
            evaluation = registry.manifest(name, version).get("evaluation") or {}
            if evaluation.get("pipeline_run") == self.run_id:
                return int(version)
        return None

    def _report(self) -> None:
        quality = self._read("check", "quality.json")
        drift = self._read("drift", "drift.json")
        train = self._read("train", "train.json")
        evaluation = self._read("evaluate", "evaluation.json")
        publish = self._read("publish", "publish.json")
        report = {"pipeline": self.spec.name, "run": self.run_id,
                  "partitions": [p.label for p in self.snapshot],
                  "quality": quality, "drift": drift, "train": train,
                  "evaluation": evaluation, "publish": publish,
                  "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        from recstack.analysis.pipeline_report import pipeline_report_html

        self._commit("report", {"report.json": report, "report.txt": _text(report),
                                "report.html": pipeline_report_html(report)})


def _unreachable_min_users(holdout: Any, gate: Any, window: str, *,
                           first: bool = False) -> str:
    """The end of the gate's reason when ``min_users`` exceeds the users the evaluation
    window has at all: no model could ever be compared on it, and each run ended "not
    published" (exit status 0) as if the new model were at fault. With ``first`` (nothing
    published yet, so nothing compared), a note that the next run's gate would hold back
    any model on such a window."""
    relevant = (np.ones(len(holdout), bool) if gate.relevance_threshold is None
                else holdout.value >= gate.relevance_threshold)
    users = len(np.unique(holdout.user_index[relevant]))
    if gate.min_users <= users:
        return ""
    if first:
        advice = (f"lower it to at most {users:,}" if users >= 2 else
                  "the gate needs at least 2 for a paired comparison")
        return (f"; but the evaluation window {window} has only {users:,} user(s) with a "
                f"relevant row, fewer than [evaluation] min_users = {gate.min_users}: on "
                "such a window the next run's gate cannot compare any model with this one "
                f"and will not publish; {advice}")
    return (f"; the evaluation window {window} has only {users:,} user(s) with a relevant "
            f"row, so [evaluation] min_users = {gate.min_users} cannot be met by any model: "
            f"lower it to at most {users:,}"
            if users >= 2 else
            f"; the evaluation window {window} has only {users:,} user(s) with a relevant "
            "row, and the gate needs at least 2 for a paired comparison")


def _no_relevant_item_known(holdout: Any, gate: Any, models: tuple[Any, ...],
                            window: str) -> str:
    """The gate's reason for holding a model back when no relevant item of the evaluation
    window is known to either model (a window of new items only): both scored 0 for every
    user, and the gate published "+0.0000 against version N" as if the new model had
    been compared and found as good; empty when some relevant item is known."""
    relevant = (np.ones(len(holdout), bool) if gate.relevance_threshold is None
                else holdout.value >= gate.relevance_threshold)
    items = np.unique(holdout.items.to_external(holdout.item_index[relevant]))
    if not len(items):
        return ""
    known = np.zeros(len(items), bool)
    for model in models:
        known |= model.items_.to_index(items, missing="ignore") >= 0
    if known.any():
        return ""
    return (f"none of the {counted(len(items), 'relevant item')} of the evaluation window "
            f"{window} (e.g. item {items[0]}) is known to either model, so both score 0 "
            f"for every user and the gate cannot tell them apart: not publishing (a later "
            f"run trains on {window} and can be compared on the window after it)")


def _window_check(partitions: list[Any], spec: Pipeline) -> CheckResult:
    """The training window against the partitions there are: a sliding window longer than
    the partitions before the newest trained on fewer of them without a word, the report
    saying "sliding window" as if it had its full length."""
    from recstack.ops.retraining import training_window

    training = spec.training
    positions = training_window(len(partitions), training)
    span = (f"{partitions[positions[0]].label} .. {partitions[positions[-1]].label}"
            if len(positions) > 1 else partitions[positions[0]].label)
    if training.window == "sliding" and training.partitions > len(positions):
        return CheckResult("training_window", WARNED, len(positions), 0.0, [],
                           f"[training] partitions = {training.partitions}: the sliding "
                           f"window asks for {training.partitions} partitions, but only "
                           f"{len(positions)} precede the newest, so the model is trained "
                           f"on {span} ({len(positions)} partition(s)), not "
                           f"{training.partitions}")
    return CheckResult("training_window", PASSED, len(positions), 0.0, [],
                       f"{training.window} window: trained on {span} ({len(positions)} "
                       "partition(s))")


def _reference_check(partitions: list[Any], spec: Pipeline) -> CheckResult:
    """The drift step's reference against the partitions there are: ``[drift]
    reference_partitions`` longer than the partitions before the newest measured drift
    against fewer of them without a word."""
    asked = spec.drift.reference_partitions
    before = len(partitions) - 1
    used = min(asked, before)
    first, last = partitions[before - used].label, partitions[before - 1].label
    span = first if used == 1 else f"{first} .. {last}"
    if asked > before:
        return CheckResult("drift_reference", WARNED, used, 0.0, [],
                           f"[drift] reference_partitions = {asked}: the drift reference asks "
                           f"for {asked} partitions, but only {before} precede the newest, "
                           f"so drift is measured against {span} ({used} partition(s)), "
                           f"not {asked}")
    return CheckResult("drift_reference", PASSED, used, 0.0, [],
                       f"drift reference: {span} ({used} partition(s))")


def _refuse_unusable_registry(root: Path, source_file: str) -> None:
    """Refuse, before the checks and the training, a local registry folder the publish
    step could not write: one that lies under a file (it was the registry's own
    NotADirectoryError at the evaluate step, naming neither the pipeline file nor its
    key) or whose nearest existing folder is read-only (it was refused only at the
    publish step, after the model had been trained and evaluated)."""
    existing = root
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    where = f"{source_file}: [registry] root = {root}"
    if existing != root and not existing.is_dir():
        raise ConfigError(f"{where}: lies under {existing}, which is "
                          f"{describe_path(existing)}, not a folder; the registry is a "
                          "folder (created at the first publish): move the file or set "
                          "another root")
    if existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        what = "the registry folder" if existing == root else \
            f"{existing}, the folder it would be created in,"
        raise ConfigError(f"{where}: {what} is read-only for this user, so a model that "
                          "passes the gate could not be published; make it writable or "
                          "set another root")


def _refuse_newest_gone(root: Path, partitions: list[Any], state: dict[str, Any],
                        state_file: Path) -> None:
    """Refuse a run whose newest partition is older than one the last completed run saw:
    that partition was deleted (or moved) since, and the run evaluated the models on a
    partition the published model had been trained on, so an older model could replace
    it (it published a model trained on less data, by a large margin). Partitions deleted
    at the old end (a retention policy) are not refused."""
    newest = partitions[-1].label
    # labels of one depth compare in time order as text ("2019-04" < "2019-05")
    later = sorted(label for label in state.get("partitions", {})
                   if len(label) == len(newest) and label > newest)
    if later:
        last = state.get("last") or "the last completed run"
        raise RecstackError(f"{root}: the newest partition is {newest}, but {last} ran on "
                            f"later partition(s) gone since: {', '.join(later[:5])}; a "
                            "run evaluates the models on its newest partition, here one "
                            "the published model was trained on; restore the partition "
                            f"folder(s), or remove {state_file} to start the pipeline over")


def _read_json(path: Path, remedy: str, *, kind: type = dict) -> Any:
    """A JSON file the pipeline wrote earlier (its state, a step's output), refused with
    the file, what is wrong and ``remedy`` when it is missing, unreadable or not a ``kind``
    (edited or damaged by hand: the pipeline writes them atomically). A byte-order mark,
    which an editor may add on saving, is read past (it was "damaged, not readable JSON",
    and the state's remedy was to remove the file: every run forgotten)."""
    problem = special_file_problem(path)
    if problem is not None:
        # a named pipe put in a file's place was opened and waited forever for a writer; a
        # link leading nowhere was "missing"
        raise RecstackError(f"{path}: {problem}, not the file the pipeline wrote; {remedy}")
    from recstack.strict_json import refuse_endless_integer, refuse_repeated_keys

    try:
        # a key given twice (an edit that added one beside the old) was read as the last;
        # an integer of thousands of digits was Python's advice to raise its limit
        value = json.loads(path.read_text(encoding="utf-8-sig"),
                           object_pairs_hook=refuse_repeated_keys,
                           parse_int=refuse_endless_integer)
    except FileNotFoundError:
        raise RecstackError(f"{path}: missing; {remedy}") from None
    except IsADirectoryError:
        raise RecstackError(f"{path}: is a folder, not the file the pipeline wrote; "
                            f"{remedy}") from None
    except (OSError, ValueError) as error:
        raise RecstackError(f"{path}: damaged, not readable JSON ({error}); {remedy}"
                            ) from None
    if not isinstance(value, kind):
        raise RecstackError(f"{path}: damaged: expected a JSON "
                            f"{'object' if kind is dict else 'array'}, got "
                            f"{type(value).__name__}; {remedy}")
    return value


def _json_text(payload: Any) -> str:
    """``payload`` as the JSON text of a step's file: a number JSON cannot hold (NaN, an
    infinity, from numpy or Python) is written as null, as the report's readers expect of
    a value that could not be computed (``json.dumps`` wrote ``NaN``, which is not JSON,
    and other tools refused the file)."""
    return json.dumps(_finite(payload), indent=2, default=plain_value, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, np.ndarray):
        return _finite(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _number(value: Any, spec: str = ".4f") -> str:
    return "-" if value is None else format(value, spec)


def _window_shortfall(train: dict[str, Any]) -> str:
    """``", 3 of the 10 partitions of [training] partitions"`` when a sliding window had
    fewer partitions than it asks for (the quality check warned of it), else nothing."""
    asked = train.get("window_partitions")
    used = len(train["partitions"])
    if not isinstance(asked, int) or isinstance(asked, bool) or used >= asked:
        return ""
    return f", {used} of the {asked} partitions of [training] partitions"


def _text(report: dict[str, Any]) -> str:
    """The run report as text (the JSON has everything; this is what a person reads).
    Fields the report's checks leave optional (:mod:`recstack.analysis.pipeline_report`)
    are read with a default, as the page reads them."""
    quality, drift = report["quality"], report["drift"]
    train, evaluation, publish = report["train"], report["evaluation"], report["publish"]
    counts = quality["summary"]
    lines = [f"pipeline {report['pipeline']}  run {report['run']}",
             f"partitions: {report['partitions'][0]} .. {report['partitions'][-1]} "
             f"({len(report['partitions'])}); new: {', '.join(quality['new_partitions'])}",
             "",
             f"quality: {counts['passed']} passed, {counts['warned']} warned, "
             f"{counts['failed']} failed, {counts.get('skipped', 0)} skipped"]
    fields = ("check", "status", "count", "share", "examples", "message", "partition")
    lines += ["  " + CheckResult(**{key: check[key] for key in fields if key in check}).line()
              for check in quality["checks"] if check["status"] == "warned"]
    lines += ["", f"drift: {drift['reference'][0]}..{drift['reference'][-1]} against "
              f"{drift['new'][0]}"]
    for name, value in drift["measures"].items():
        mark = "  <- drift" if name in drift["flagged"] else ""
        lines.append(f"  {name:28s} {_number(value)}{mark}")
    lines += [f"  note: {name}: {why}" for name, why in drift.get("notes", {}).items()]
    strategy = {"retrain": "trained", "warm_start": "warm-started",
                "fold_in": "folded in"}[train.get("strategy", "retrain")]
    lines += ["", f"train: {train['model']} {strategy} on {counted(train['rows'], 'row')} of "
              f"{', '.join(train['partitions'])} ({train['window']} window"
              f"{_window_shortfall(train)}) in {train['fit_seconds']:.1f} s",
              "", f"gate on {evaluation.get('window', '-')} ({evaluation['metric']}, margin "
              f"{evaluation['margin']:g}):",
              f"  new model        {_number(evaluation.get('candidate_mean'))} over "
              f"{counted(evaluation.get('candidate_users', 0), 'user')}"]
    if evaluation.get("published_version") is not None:
        # as the pipeline page marks them: unmarked, [-1.0000, +0.2000] read as a t interval
        # whose lower end happened to be -1
        from recstack.analysis.pipeline_report import gate_cut_ends
        from recstack.evaluation.results import ALIKE_MARK, CUT_MARK

        alike = evaluation.get("ci_alike") is True
        low_cut, high_cut = gate_cut_ends(evaluation)  # none where alike: not cut
        lines += [f"  published v{evaluation['published_version']:<6} "
                  f"{_number(evaluation.get('published_mean'))}",
                  f"  difference       {_number(evaluation.get('difference'), '+.4f')}"
                  f"{ALIKE_MARK * alike} "
                  f"[{_number(evaluation.get('ci_low'), '+.4f')}{CUT_MARK * low_cut}, "
                  f"{_number(evaluation.get('ci_high'), '+.4f')}{CUT_MARK * high_cut}] over "
                  f"{evaluation.get('shared_users', 0):,} shared users; paired t p="
                  f"{_number(evaluation.get('t_p_value'), '.3g')}, Wilcoxon p="
                  f"{_number(evaluation.get('wilcoxon_p_value'), '.3g')}"]
        if low_cut or high_cut:
            lines.append(f"  ({CUT_MARK}: an end cut at the bound of a difference of "
                         f"{evaluation['metric']}; the t interval reached past it)")
        if alike:
            # as the results table explains its mark: [-0.9, +0.9] around +0.0000 read as
            # a t interval of users who disagreed, where every one had the same difference
            lines.append(f"  ({ALIKE_MARK}: every shared user had this one difference, so "
                         "the interval is not a t interval (of zero width) but the one "
                         f"exact within the bounds of a difference of {evaluation['metric']})")
    # the reason on the result line too: `pipeline run --quiet` prints only this line, and
    # a gate that held the model back exits 0 like a publish
    verdict = (f"published as {publish['name']}@{publish['version']}" if publish["published"]
               else f"not published: {publish.get('reason') or evaluation['reason']}")
    lines += [f"  {evaluation['reason']}", "", f"result: {verdict}"]
    return "\n".join(lines) + "\n"
