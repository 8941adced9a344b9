"""One self-contained ``report.html`` per experiment: tables, curves, significance,
segments, beyond-accuracy, diagnostics, calibration, embeddings, and what produced it.

:func:`write_report` reads a results folder (:mod:`recstack.analysis.results_folder`:
``results.json`` and the per-user files; ``summary.csv`` is a table written for people and
not read back, so a missing or edited one changes nothing in the report), builds the
sections (:func:`build_report`) and renders one HTML file with every script and datum
inlined: it opens without a network. Charts are interactive (Plotly, the ``insight``
extra, with plotly.js inlined) or, without Plotly, static matplotlib PNGs.

Where the fitted models come from
---------------------------------
The segments by item popularity, the average popularity and diversity of the lists, and
the embedding plots need the fitted models and the training data. The results folder holds
neither (only metrics), so the report rebuilds them: it reads the experiment stored in
``results.json``, loads and splits the data exactly as ``recstack evaluate`` did (the same
seed gives the same split), and takes each model from ``RESULTS_DIR/models/<label>/`` when
the evaluate step saved it there, else refits it with the stored hyperparameters
(``refit="all"``; ``"embeddings"`` refits only models with embeddings, ``"none"`` none). A
model with a seed refits to the same model. When the data cannot be loaded (moved files),
or the split and relevant test pairs made again are not those results.json records (the
experiment in it edited, or the data changed since), those sections say why and the rest
of the report is written from the results alone.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import math
import os
import platform
import re
import sys
import time
import warnings
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.analysis._checks import (
    count_array,
    html_target,
    refuse_typed_page_name,
    refuse_unnameable_page,
    whole_number,
)
from recstack.analysis.charts import Chart, Heatmap, Series, plotly_available
from recstack.analysis.projections import check_map_options
from recstack.analysis.results_folder import SPLIT_IDENTITY, ResultsFolder, read_results
from recstack.atomic import blocking_parent, checked_path, folder_problem, write_text
from recstack.data.interactions import caller_stacklevel
from recstack.errors import RecstackError, UnknownColumnError, counted
from recstack.evaluation.results import (
    CONFIDENCE,
    CUT_MARK,
    EvaluationResult,
    MetricSummary,
    cut_ends,
    holm_adjust,
    metric_bounds,
    p_value_relation,
)
from recstack.metrics._validation import as_float_array, refuse_reordered_rows
from recstack.progress import Progress, require_reporter, resolve
from recstack.specs import arguments_named

REFIT_CHOICES = ("all", "embeddings", "none")
#: test users the list-based sections look at, at most (a seeded subset above it)
MAX_SEGMENT_USERS = 20_000
#: items listed in the neighbour tables of each model
NEIGHBOUR_QUERIES = 3
#: neighbours listed for each of those items (fewer when the catalog is smaller)
NEIGHBOUR_COUNT = 5
#: packages whose versions the environment section lists
_PACKAGES = ("recstack", "numpy", "scipy", "pandas", "pyarrow", "numba", "implicit",
             "torch", "scikit-learn", "plotly", "openTSNE", "umap-learn", "matplotlib")
SECTIONS = (("comparison", "Comparison"), ("curves", "Metric vs K"),
            ("significance", "Significance"), ("segments", "Segments"),
            ("beyond-accuracy", "Beyond accuracy"), ("diagnostics", "Diagnostics"),
            ("calibration", "Calibration"), ("embeddings", "Embeddings"),
            ("environment", "Experiment and environment"))


@dataclass
class Section:
    """A part of the report: trusted HTML snippets (already escaped) and charts."""

    id: str
    title: str
    blocks: list[str | Chart] = field(default_factory=list)

    def text(self, words: str) -> None:
        """A paragraph of plain ``words``; a label in it marked with :func:`_isolated` is
        shown isolated (``<bdi>``)."""
        self.blocks.append(f"<p>{_words_html(words)}</p>")


@dataclass
class Report:
    title: str
    sections: list[Section]
    notes: list[str]
    #: the user's part at the end of ``title`` (the experiment's name), shown isolated in
    #: the heading (:func:`_bidi`)
    subject: str = ""


@dataclass
class _Context:
    """What the data-dependent sections need: the split and the fitted models."""

    train: Any
    test: Any
    relevance_threshold: float | None
    models: dict[str, Any]
    how: dict[str, str]
    #: models refit="embeddings" left unfitted because they have no vectors: the
    #: embedding section says "no embeddings" of them, not "not refitted"
    without_vectors: set[str] = field(default_factory=set)
    #: the held-out users' revealed rows of a held-out-users split (None for the others):
    #: the models score those users from them, as the evaluator did
    fold_in: Any = None


# --------------------------------------------------------------------------- entry point
@arguments_named
def write_report(results_dir: str | Path, out: str | Path | None = None, *,
                 refit: str = "all", projection: str | None = "tsne",
                 max_points: int = 2000, interactive: bool | None = None,
                 colour_by: str | None = None, experiment_base: str | Path | None = None,
                 n_threads: int = 1, progress: Progress | None = None,
                 shown_as: str | Path | None = None, overwrite: bool = True) -> Path:
    """Write the HTML report of a results folder; returns its path.

    Parameters
    ----------
    results_dir
        A folder written by ``recstack evaluate --out``.
    out
        The file to write (default ``RESULTS_DIR/report.html``).
    refit
        Which models to refit when the folder holds no saved model: "all" (every section
        filled), "embeddings" (only models with embeddings; no per-item-popularity
        segments) or "none" (sections that need models say so).
    projection
        "tsne", "umap" or None (no 2-D maps).
    max_points
        Points per 2-D map at most (a seeded random subset above it, said in the report).
    interactive
        Plotly (True), static PNGs (False), or Plotly when installed (None).
    colour_by
        What colours the maps: "popularity" or an item-table column (default: the first
        genre where the item table has ``genres``, else popularity).
    experiment_base
        Folder that relative data paths of the experiment are relative to (default: the
        ``base_folder`` results.json records, else the current folder).
    shown_as
        The folder the page names when ``results_dir`` is a staging copy of it
        (:func:`recstack.experiment.run_experiment` writes the report into the new results
        folder before putting it in place; default: ``results_dir``).
    overwrite
        Whether a page another program wrote at ``out`` while this one was built may be
        replaced; False keeps it and refuses the write (the final rename checks).
    """
    from recstack.specs import did_you_mean

    # a name in another case or spelling ('All', 't-SNE') was refused without the fix
    if refit not in REFIT_CHOICES:
        raise RecstackError(f"refit must be one of {REFIT_CHOICES}, got {refit!r}"
                            f"{did_you_mean(refit, REFIT_CHOICES)}")
    if projection not in (None, "tsne", "umap"):
        near = (" (did you mean None?)" if isinstance(projection, str)
                and projection.strip().lower() in ("none", "")
                else did_you_mean(projection, ("tsne", "umap")))
        raise RecstackError(f"projection must be 'tsne', 'umap' or None, got "
                            f"{projection!r}{near}")
    if interactive is not None and not isinstance(interactive, bool):
        raise RecstackError(f"interactive must be True, False or None, got {interactive!r}")
    _check_caller_options(experiment_base, progress, "write_report")
    # a number or None was a TypeError from pathlib once the options had been read
    results_dir = checked_path(results_dir, "write_report(results_dir)")
    _refuse_option_as_out(out)
    given = out
    out = None if out is None else checked_path(out, "write_report(out)")
    if interactive is None:
        interactive = plotly_available()
    elif interactive and not plotly_available():
        raise RecstackError('interactive charts need plotly: pip install "recstack[insight]"'
                            ' (or pass interactive=False / --static for PNG charts)')
    shown = None if shown_as is None else checked_path(shown_as, "write_report(shown_as)")
    folder = read_results(results_dir)
    folder.shown_as = shown
    target = Path(out) if out is not None else folder.path / "report.html"
    if given is not None:
        # as typed, before what is there: "~" was "/root: is a folder", where --out says it
        # names a home folder
        refuse_typed_page_name(given, "write_report(out)")
    refuse_unnameable_page(target, "write_report(out)")
    if target.is_dir():  # said now, not after minutes of refitting
        raise RecstackError(f"{target}: is a folder; give the report's file name (e.g. "
                            f"{target / 'report.html'})")
    _refuse_target_over_inputs(target, folder, experiment_base)
    if given is not None:  # after the checks above, which say more of a file it reads
        html_target(given, "write_report(out)")
    if any(os.path.lexists(p) and not p.is_dir() for p in target.parents):
        # said now: the write found it after minutes of refitting, and the page was lost
        raise RecstackError(f"{target}: cannot write here: {blocking_parent(target)}")
    started = time.perf_counter()
    report = build_report(folder, refit=refit, projection=projection, max_points=max_points,
                          colour_by=colour_by, experiment_base=experiment_base,
                          n_threads=n_threads, progress=progress)
    page = render_html(report, interactive=interactive,
                       seconds=time.perf_counter() - started)
    write_text(target, page, overwrite=overwrite)
    return target


#: the values of write_report's options, which the second positional argument (``out``)
#: is not: ``write_report(folder, "all")`` wrote the page to a file named ``all``
_OPTION_VALUES = {**{value: "refit" for value in REFIT_CHOICES},
                  "tsne": "projection", "umap": "projection", "none": "refit or projection",
                  "popularity": "colour_by"}


def _refuse_option_as_out(out: Any) -> None:
    """Refuse an ``out`` that is an option's value without an extension, given in the place
    of the file name."""
    if isinstance(out, str) and out.strip().lower() in _OPTION_VALUES:
        option = _OPTION_VALUES[out.strip().lower()]
        name = option.split(" or ")[0]
        raise RecstackError(f"write_report(out) = {out!r}: the second argument is the page's "
                            f"file, but {out!r} is a value of {option}; pass it by name "
                            f"(write_report(folder, {name}={out.strip().lower()!r})), or name "
                            f"the file with its extension ({out.strip()}.html)")


def _check_caller_options(experiment_base: Any, progress: Any, call: str) -> None:
    """Refuse, before the folder is read, an ``experiment_base`` that is not an existing
    folder (a number was a TypeError from os.path; a misspelt folder made every data
    section say the data could not be loaded, blaming the data) and a ``progress`` that is
    no reporter (an AttributeError on ``.task`` once the work had begun)."""
    require_reporter(progress, call)
    if experiment_base is None:
        return
    if not isinstance(experiment_base, str | os.PathLike) or not str(experiment_base).strip():
        raise RecstackError(f"{call}: experiment_base must be the folder the experiment's "
                            f"relative data paths are taken from (a path), or None, got "
                            f"{experiment_base!r}")
    state = folder_problem(Path(experiment_base))
    if state is not None:
        raise RecstackError(f"{call}: experiment_base = {str(experiment_base)!r}: {state}; "
                            "give the folder the experiment file was in (its relative data "
                            "paths are taken from there), or leave it out to use the "
                            "base_folder results.json records")


def _refuse_target_over_inputs(target: Path, folder: ResultsFolder,
                               experiment_base: str | Path | None) -> None:
    """Refuse a report file that would replace what the report reads: a file of the
    results folder other than an HTML page (``results.json``, the per-user CSV files, a
    saved model), or the experiment's data. ``--overwrite`` replaced them by the page,
    leaving a results folder no report could read again."""
    real = os.path.realpath(target)
    root = os.path.realpath(folder.path)
    if os.path.lexists(target) and real.startswith(root.rstrip(os.sep) + os.sep) \
            and not real.lower().endswith((".html", ".htm")):
        raise RecstackError(f"{target}: is {os.path.relpath(real, root)} of the results "
                            f"folder {folder.path}, which the report reads; writing the page "
                            "there would replace it; choose another --out (e.g. "
                            f"{folder.path / 'report.html'})")
    models = os.path.realpath(folder.path / "models")
    if real.startswith(models.rstrip(os.sep) + os.sep):
        # the page among a saved model's files: saving the model again refused the folder
        raise RecstackError(f"{target}: lies inside {folder.path / 'models'}, the saved "
                            "models the report reads; choose another --out (e.g. "
                            f"{folder.path / 'report.html'})")
    from recstack.config import parse_experiment
    from recstack.experiment import experiment_inputs, refuse_output_over_inputs

    base = experiment_base or folder.payload.get("base_folder") or Path.cwd()
    try:
        experiment = parse_experiment(folder.experiment_raw, source=str(folder.path /
                                                                         "results.json"),
                                      base=Path(base))
    except (RecstackError, TypeError):  # the report says why it cannot reload the data
        return
    refuse_output_over_inputs(target, experiment_inputs(experiment), "the report")


def build_report(folder: ResultsFolder, *, refit: str = "all", projection: str | None = "tsne",
                 max_points: int = 2000, colour_by: str | None = None,
                 experiment_base: str | Path | None = None, n_threads: int = 1,
                 progress: Progress | None = None) -> Report:
    """The report's sections, before rendering."""
    if refit not in REFIT_CHOICES:
        raise RecstackError(f"refit must be one of {REFIT_CHOICES}, got {refit!r}")
    _check_caller_options(experiment_base, progress, "build_report")
    # checked before the (slow) rebuild, not when the first map is drawn
    max_points, n_threads, _ = check_map_options(max_points=max_points, n_threads=n_threads)
    if colour_by is not None and not isinstance(colour_by, str):
        raise RecstackError(f"colour_by must be 'popularity' or an item-table column name, "
                            f"got {colour_by!r}")
    if colour_by is not None and projection is None:
        # the colouring is of the maps only: without a projection it was dropped silently
        warnings.warn(f"colour_by = {colour_by!r} is ignored: it colours the embedding maps, "
                      "and projection=None draws none; set projection='tsne' (or 'umap') "
                      "or leave colour_by out", UserWarning, stacklevel=caller_stacklevel())
    raw = folder.experiment_raw
    seed = int(raw.get("seed", 0))
    # an interval of results.json that the page does not show is said on the page too,
    # not on the console alone (read_results warns of it)
    notes: list[str] = list(folder.interval_notes)
    context, why_not = _rebuild(folder, refit, experiment_base, progress,
                                colour_by=colour_by if projection is not None else None)
    if context is None:
        notes.append(f"Sections that need the data or the fitted models are incomplete: "
                     f"{why_not}")
    headline = _headline(folder.results, folder.shown)
    lists = _lists(context, seed, notes) if context is not None else None
    steps: list[tuple[str, Callable[[], Section]]] = [
        ("comparison", lambda: _comparison(folder)),
        ("curves", lambda: _curves(folder)),
        ("significance", lambda: _significance(folder, headline)),
        ("segments", lambda: _segments(folder, context, why_not, headline, lists)),
        ("beyond-accuracy", lambda: _beyond_accuracy(folder, context, lists)),
        ("diagnostics", lambda: _diagnostics(folder)),
        ("calibration", lambda: _calibration(folder)),
        ("embeddings", lambda: _embeddings(folder, context, why_not, projection, max_points,
                                           colour_by, seed, n_threads, notes)),
        ("environment", lambda: _environment(folder, context)),
    ]
    sections = []
    with resolve(progress).task("Report", total=len(steps)) as task:
        for name, step in steps:
            task.report(section=name)
            sections.append(step())
            task.advance()
    name = raw.get("name", folder.shown.name)
    return Report(f"recstack report: {name}", sections, notes, subject=str(name))


# --------------------------------------------------------------------------- rebuilding
def _rebuild(folder: ResultsFolder, refit: str, base: str | Path | None,
             progress: Progress | None, *, colour_by: str | None = None
             ) -> tuple[_Context | None, str]:
    """The split and models behind the results (see the module docstring), or None and
    why not. ``colour_by`` (the maps' colouring) is checked against the item table once the
    data are loaded, before any model is refitted."""
    from recstack.config import parse_experiment
    from recstack.experiment import build_models, load_split, make_splits, prepare_data
    from recstack.models.persistence import load_model

    if base is None:
        # where the experiment file was (when results.json records it), else here
        base = folder.payload.get("base_folder") or Path.cwd()
        if not isinstance(base, str | Path):  # read_results refuses it; a payload built by hand
            raise RecstackError(f"{folder.shown / 'results.json'}: 'base_folder' is "
                                f"{base!r}; expected the experiment file's folder or null")
    try:
        experiment = parse_experiment(folder.experiment_raw,
                                      source=str(folder.shown / "results.json"),
                                      base=Path(base))
        if experiment.data.is_split or experiment.data.is_graph_cf:
            split = load_split(experiment, progress)
            parts: tuple[Any, ...] = (split.train, split.test, getattr(split, "fold_in", None))
            made = [split]
        else:
            data, _ = prepare_data(experiment, progress)
            made = make_splits(experiment, data)
            split = made[0]
            parts = (data,)  # every fold's users, not the first split's alone
    except RecstackError as error:
        return None, f"the experiment's data could not be loaded again ({error})"
    folder.refuse_users_outside(*parts)
    other_split = (_other_split(folder, [getattr(part, "report", None) for part in made])
                   or _other_test_pairs(folder, experiment, split.test))
    if other_split is not None:
        warnings.warn(f"write_report: {other_split}; the sections that need the data or the "
                      "fitted models are left incomplete", UserWarning,
                      stacklevel=caller_stacklevel())
        return None, other_split
    check_colour_by(colour_by, split.train.item_table)
    models: dict[str, Any] = {}
    how: dict[str, str] = {}
    without_vectors: set[str] = set()
    built = dict(build_models(experiment))
    # the report is of the models the folder holds results for: a results.json edited by
    # hand (an entry removed, a label renamed) no longer lists every model of its
    # experiment, and the lists of a model without results were a KeyError in the
    # beyond-accuracy table
    for label in folder.labels:
        if label not in built:
            how[label] = (f"not refitted: the experiment in results.json has no model "
                          f"labelled {label!r} (its models: {', '.join(built)})")
            continue
        model = built[label]
        saved = folder.saved_model(label)
        damaged = ""
        if saved is not None:
            shown_at = folder.shown / saved.relative_to(folder.path)
            try:
                models[label] = _saved_model_of(load_model(saved), model, saved)
            except RecstackError as error:
                # a saved model missing a file (or damaged) failed the whole report, whose
                # other sections need only results.json: it is treated as not saved, and
                # the page and the console say so
                damaged = f"the saved model in {shown_at} could not be loaded ({error}); "
                instead = ("refitted" if refit == "all" or (refit == "embeddings"
                                                            and _has_vectors(model))
                           else f"left out (refit={refit!r})")
                warnings.warn(f"write_report: {label}: {damaged}it is {instead} for the "
                              "report; save it again, or delete that folder", UserWarning,
                              stacklevel=caller_stacklevel())
            else:
                how[label] = f"loaded from {shown_at}"
                continue
        if refit == "none" or (refit == "embeddings" and not _has_vectors(model)):
            how[label] = damaged + "not refitted (refit=" + refit + ")"
            if refit == "embeddings":
                without_vectors.add(label)
            continue
        models[label] = model.fit(split.train, progress=progress)
        how[label] = damaged + "refitted on the same split with the stored hyperparameters"
    return _Context(split.train, split.test, experiment.evaluation.relevance_threshold,
                    models, how, without_vectors, getattr(split, "fold_in", None)), ""


def _other_split(folder: ResultsFolder, reports: list[Any]) -> str | None:
    """How the split made again from the experiment of results.json differs from the one
    the results were measured on (``split`` of results.json: its method, parameters and
    rows in each part, each fold's); None where they agree or results.json does not say.

    A split setting edited in results.json (``test_fraction`` 0.2 made 0.5), an experiment
    seed edited, or a data file changed since the evaluation gave the report another split:
    the segments, the recall by item popularity and the lists of the beyond-accuracy table
    were computed on other test users and items, and the page said the models were
    "refitted on the same split", silently."""
    recorded = folder.payload.get("split")
    if recorded is None or any(report is None for report in reports):
        return None
    where = f"{folder.shown / 'results.json'}"
    folds = recorded if isinstance(recorded, list) else [recorded]
    if len(folds) != len(reports):
        return (f"the experiment in {where} now makes {counted(len(reports), 'split')}, "
                f"where its 'split' records the {counted(len(folds), 'split')} the results "
                "were measured on: the experiment was edited since `recstack evaluate` "
                "(restore it, or rerun `recstack evaluate`)")
    for number, (fold, report) in enumerate(zip(folds, reports, strict=True), start=1):
        if not isinstance(fold, dict):
            continue
        # as results.json holds it (tuples as lists, other values as text)
        made = json.loads(json.dumps(report.to_dict(), default=str))
        for key in SPLIT_IDENTITY:
            if key in fold and key in made and fold[key] != made[key]:
                field_name = f"split{f'[{number}]' if isinstance(recorded, list) else ''}"
                return (f"the split made again from the experiment in {where} is not the "
                        f"one the results were measured on: {field_name}.{key} is "
                        f"{json.dumps(fold[key])} there, {json.dumps(made[key])} now; the "
                        "experiment (its [data], filters, [split] or seed), its data or the "
                        "recstack that splits it changed since `recstack evaluate`: restore "
                        "them, or rerun `recstack evaluate`")
    return None


def _other_test_pairs(folder: ResultsFolder, experiment: Any, test: Any) -> str | None:
    """How the relevant test pairs of the split made again (by the experiment's
    [evaluation] settings: its relevance threshold, graded or not) differ from those each
    result was measured on (``meta.test_pairs`` of results.json: their count and digest);
    None where they agree or results.json does not say (folds combined keep none). A
    ``relevance_threshold`` edited in results.json changed which test items the recall by
    item popularity counted relevant, silently."""
    from recstack.evaluation.evaluator import Evaluator, test_pairs_key

    recorded = [(number, entry["meta"]["test_pairs"])
                for number, entry in enumerate(folder.payload["models"], start=1)
                if isinstance(entry.get("meta"), dict)
                and isinstance(entry["meta"].get("test_pairs"), str)]
    if not recorded:
        return None
    evaluation = experiment.evaluation
    try:
        with warnings.catch_warnings():
            # the evaluation warned of its threshold already, where it applied
            warnings.simplefilter("ignore")
            evaluator = Evaluator(metrics=evaluation.metrics, ks=evaluation.ks,
                                  relevance_threshold=evaluation.relevance_threshold,
                                  # a sampled evaluation's relevant pairs are ungraded
                                  graded=evaluation.graded and not evaluation.sampled)
            now = test_pairs_key(evaluator.relevance(test))
    except RecstackError:
        return None
    for number, key in recorded:
        if key != now:
            return (f"the relevant test pairs made again from the experiment in "
                    f"{folder.shown / 'results.json'} are not those the results were "
                    f"measured on: models[{number}].meta.test_pairs is {json.dumps(key)} "
                    f"there, {json.dumps(now)} now; the experiment (its [evaluation] "
                    "relevance_threshold or graded, [data], [split] or seed), its data or "
                    "the recstack that splits it changed since `recstack evaluate`: restore "
                    "them, or rerun `recstack evaluate`")
    return None


def _saved_model_of(loaded: Any, configured: Any, saved: Path) -> Any:
    """``loaded`` when it is a model of ``configured``'s type: a folder under models/ holding
    another model (copied from another label or run) was presented as the label's model,
    its lists and embeddings under that label's name."""
    saved_type, wanted_type = type(loaded).name, type(configured).name
    if saved_type != wanted_type:
        raise RecstackError(f"{saved / 'model.json'}: holds a {saved_type!r} model, but "
                            f"the experiment's model labelled {saved.name!r} is of type "
                            f"{wanted_type!r}: the folder of another model")
    return loaded


def _has_vectors(model: Any) -> bool:
    from recstack.models.base import Recommender

    return any(getattr(type(model), hook) is not getattr(Recommender, hook)
               for hook in ("_item_embeddings", "_public_item_embeddings"))


# --------------------------------------------------------------------------- helpers
def _split_metric(name: str) -> tuple[str, int | None]:
    base, _, k = name.partition("@")
    return (base, int(k)) if k.isdigit() else (name, None)


def _metric_names(results: list[EvaluationResult], *, aggregate: bool = False) -> list[str]:
    """Every model's per-user metrics (or aggregate ones), in the order they first appear:
    the first model's alone left out a metric only a later model has, and a metric the
    first has and a later one lacks failed the report with a KeyError."""
    names: dict[str, None] = {}
    for result in results:
        names.update(dict.fromkeys(result.aggregate if aggregate
                                   else result.per_user.columns))
    return list(names)


def _lacking(results: list[EvaluationResult]) -> str:
    """Which models lack which of the others' metrics, for a caption (empty when every
    model has every metric): a results folder of models evaluated apart, or merged."""
    every = _metric_names(results) + _metric_names(results, aggregate=True)
    parts = []
    for result in results:
        held = set(result.per_user.columns) | set(result.aggregate)
        absent = [m for m in every if m not in held]
        if absent:
            shown = ", ".join(absent[:6]) + (", ..." if len(absent) > 6 else "")
            parts.append(f"{_isolated(result.model)} has no {shown}")
    return "; ".join(parts)


def _headline(results: list[EvaluationResult], where: Path | None = None) -> str:
    """The metric of the significance and segment sections: the first of ndcg, recall, ...
    (at the smallest K) among the per-user metrics every model has."""
    first = list(results[0].per_user.columns)
    shared = [c for c in first if all(c in r.per_user.columns for r in results[1:])]
    if not any(len(r.per_user.columns) for r in results):
        # an experiment of aggregate metrics alone (coverage, novelty): "evaluate them in
        # one experiment with the same metrics" sent the user to do what they had done
        metrics = ", ".join(_metric_names(results, aggregate=True)) or "none"
        raise RecstackError(f"{where or 'the results'}: the results hold aggregate metrics "
                            f"alone ({metrics}), and the report compares models user by "
                            "user; add a per-user metric (ndcg, recall, precision...) to "
                            "[evaluation] metrics and rerun `recstack evaluate`")
    if not shared:
        held = "; ".join(f"{r.model}: {', '.join(map(str, r.per_user.columns))}"
                         for r in results)
        raise RecstackError(f"{where or 'the results'}: the models share no per-user metric "
                            f"({held}), so none can be compared; evaluate them in one "
                            "experiment (`recstack evaluate`) with the same metrics")
    columns = pd.Index(shared)
    for base in ("ndcg", "recall", "map", "precision", "hit_rate", "mrr", "auc"):
        with_k = sorted((k, c) for c in columns
                        for b, k in [_split_metric(c)] if b == base and k is not None)
        if with_k:
            return with_k[0][1]
        if base in columns:
            return base
    return str(columns[0])


def _fmt(value: float, digits: int = 4) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


#: the marks of a label isolated in plain text (FIRST STRONG ISOLATE ... POP DIRECTIONAL
#: ISOLATE, the bidi algorithm's own form of ``<bdi>``)
_ISOLATE, _POP = "\u2068", "\u2069"
_ISOLATED = re.compile(f"{_ISOLATE}([^{_ISOLATE}{_POP}]*){_POP}")


#: the bidirectional classes of a character that can reorder the text around it: a
#: right-to-left letter or digit, or an explicit embedding, override or isolate
_REORDERING = frozenset({"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI",
                         "FSI", "PDI"})


def _needs_isolation(text: str) -> bool:
    """Whether ``text`` holds a character that takes the text around it into another
    direction (a label all left-to-right, as most are, is written as it was)."""
    import unicodedata

    return not text.isascii() and any(unicodedata.bidirectional(c) in _REORDERING
                                      for c in text)


def _isolated(text: Any) -> str:
    """``text`` (a label of the user's) marked as isolated inside a sentence of the
    report's (a paragraph or a note): shown in a ``<bdi>`` (:func:`_bidi`) where it holds
    right-to-left text."""
    text = str(text)
    return f"{_ISOLATE}{text}{_POP}" if _needs_isolation(text) else text


def _words_html(words: str) -> str:
    """Plain ``words`` as HTML: escaped, each label marked by :func:`_isolated` in a
    ``<bdi>``."""
    return _ISOLATED.sub(r"<bdi>\1</bdi>", html.escape(words))


def _bidi(text: Any) -> str:
    """Text of the user's (a model label, an item title, a genre) as HTML, escaped and
    isolated in a ``<bdi>`` (its direction from its own first letter, as ``dir="auto"``):
    a label in a right-to-left script (``نموذج 2``) otherwise took the number after it
    into its direction, and in a sentence the punctuation beside it, so that the cell or
    line read in another order than it was written. Text all left-to-right, as most
    labels are, needs no isolation and is written escaped alone."""
    text = str(text)
    return f"<bdi>{html.escape(text)}</bdi>" if _needs_isolation(text) else html.escape(text)


def _table(header: list[str], rows: list[list[str]], *, caption: str = "") -> str:
    """An HTML table from cells that are already escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    # every cell at least a number wide, and the table scrolls rather than squeezes: a
    # 200-byte model label, which breaks anywhere, took the row's width and left the
    # numbers beside it broken one digit a line
    return (f'<div class="wide"><table>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def recall_by_bucket(relevant: sp.csr_matrix, tops: dict[str, np.ndarray],
                     bucket_of_item: np.ndarray, n_buckets: int
                     ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    r"""Pooled recall of the relevant (user, item) pairs of each item bucket:

    .. math:: R_b = \frac{|\{(u, i) : i \in \mathrm{rel}(u) \cap L_u, b(i) = b\}|}
              {|\{(u, i) : i \in \mathrm{rel}(u), b(i) = b\}|}

    ``relevant`` is users x items (1 = relevant), ``tops[model]`` the users' lists (item
    indices, ``-1`` for an empty slot). Returns the relevant pairs per bucket and each
    model's :math:`R_b` (NaN for a bucket without relevant pairs). Any value above 0 in
    ``relevant`` marks a relevant pair; a stored 0 does not."""
    n_buckets = whole_number(n_buckets, "recall_by_bucket: n_buckets")
    relevant = _relevant_matrix(relevant)
    n_users, n_items = relevant.shape
    bucket_of_item = _index_array(bucket_of_item, "recall_by_bucket: bucket_of_item", 1,
                                  0, n_buckets, f"buckets 0 to {n_buckets - 1} (n_buckets="
                                  f"{n_buckets})")
    if len(bucket_of_item) != n_items:
        raise RecstackError(f"recall_by_bucket: bucket_of_item has {len(bucket_of_item):,} "
                            f"values for the {counted(n_items, 'item')} of relevant (its "
                            "columns); give one bucket per item")
    if not isinstance(tops, Mapping):
        raise RecstackError("recall_by_bucket: tops must map each model's label to its lists "
                            f"(a dict), got {type(tops).__name__}")
    checked = {}
    for label, top in tops.items():
        name = f"recall_by_bucket: tops[{label!r}]"
        top = _index_array(top, name, 2, -1, n_items,
                           f"item indices 0 to {n_items - 1}, or -1 for an empty slot")
        if top.shape[0] != n_users:
            raise RecstackError(f"{name} has {counted(top.shape[0], 'list')} for the "
                                f"{counted(n_users, 'user')} of relevant (its rows); give "
                                "one list per user, in relevant's row order")
        checked[label] = top
    tops = checked
    relevant_per_bucket = np.bincount(bucket_of_item[relevant.indices], minlength=n_buckets)
    recall = {}
    for label, top in tops.items():
        rows = np.repeat(np.arange(top.shape[0]), top.shape[1])
        filled = top.ravel() >= 0
        listed = sp.csr_matrix((np.ones(int(filled.sum())), (rows[filled], top.ravel()[filled])),
                               shape=relevant.shape)
        hits = relevant.multiply(listed).tocsr()
        hits.eliminate_zeros()
        hits_per_bucket = np.bincount(bucket_of_item[hits.indices], minlength=n_buckets)
        with np.errstate(invalid="ignore", divide="ignore"):
            recall[label] = hits_per_bucket / relevant_per_bucket
    return relevant_per_bucket, recall


_LOWER_IS_BETTER = ("popularity", "gini", "rmse", "mae", "mse", "log_loss")


#: relative difference under which two models' values tie for best (a value computed in
#: another order of summation differs in its last bits, not in what it says)
_TIE = 1e-12
#: tied models named in a "best" cell before "and N more"
_TIED_NAMED = 5


def _best(values: dict[str, float], metric: str) -> list[str]:
    """Every model with the best value of ``metric`` (the lowest where lower is better),
    in the order given; empty when no value is a number. Models that tie are all best:
    the first of them alone was bold, or named "best", as if it had won."""
    finite = {m: float(v) for m, v in values.items() if v is not None and not math.isnan(v)}
    if not finite:
        return []
    lower = any(word in metric for word in _LOWER_IS_BETTER)
    top = (min if lower else max)(finite.values())
    return [m for m, v in finite.items()
            if v == top or math.isclose(v, top, rel_tol=_TIE, abs_tol=0.0)]


def _best_cell(leaders: list[str], every: int) -> str:
    """The "best" cell of a table (HTML): the one model, or the models that tie, with
    ``all N tie`` where every one of several models does, and at most
    :data:`_TIED_NAMED` names."""
    if not leaders:
        return "–"
    if len(leaders) == 1:
        return _bidi(leaders[0])
    if len(leaders) == every:
        return f"all {every:,} tie"
    named = ", ".join(_bidi(m) for m in leaders[:_TIED_NAMED])
    more = len(leaders) - _TIED_NAMED
    return f"tie: {named}" + (f" and {more:,} more" if more > 0 else "")


# --------------------------------------------------------------------------- sections
def _comparison(folder: ResultsFolder) -> Section:
    section = Section("comparison", "Comparison")
    results = folder.results
    per_user = _metric_names(results)
    aggregate = [m for m in _metric_names(results, aggregate=True) if m not in per_user]
    summaries = {r.model: r.summary() for r in results}
    rows = []
    cut_any = False
    no_value: list[str] = []
    alike: list[str] = []
    one_user: list[str] = []
    for metric in per_user + aggregate:
        values = {r.model: (summaries[r.model][metric].mean if metric in summaries[r.model]
                            else r.aggregate.get(metric, math.nan)) for r in results}
        best = _best(values, metric)
        cells = [html.escape(metric)]
        for r in results:
            value = values[r.model]
            text = _fmt(value)
            if metric in summaries[r.model]:
                s = summaries[r.model][metric]
                if s.alike:
                    alike.append(f"{_isolated(r.model)} ({metric})")
                if not math.isnan(s.ci_low):
                    low_cut, high_cut = _cut_ends(s)
                    cut_any |= low_cut or high_cut
                    text += (f" <small>[{_fmt(s.ci_low)}{CUT_MARK if low_cut else ''}, "
                             f"{_fmt(s.ci_high)}{CUT_MARK if high_cut else ''}]</small>")
                elif math.isnan(s.mean):
                    no_value.append(f"{_isolated(r.model)} ({metric})")
                elif s.n_users == 1:
                    one_user.append(f"{_isolated(r.model)} ({metric})")
            cells.append(f"<b>{text}</b>" if r.model in best else text)
        rows.append(cells)
    rows.append(["users evaluated"] + [f"{len(r.per_user):,}" for r in results])
    rows.append(["fit seconds"] + [_fmt(folder.fit_seconds.get(r.model, math.nan), 1)
                                   for r in results])
    lacking = _lacking(results)
    section.blocks.append(_table(["metric"] + [_bidi(r.model) for r in results], rows,
                                 caption=f"Mean over users [{CONFIDENCE:.0%} confidence "
                                         "interval, Student t]; best of each row in bold "
                                         "(each model that ties for it)."))
    if cut_any:
        # a cut interval is short of symmetric about the mean; unmarked, [0.0000, 0.8968]
        # read as a t interval whose lower end happened to be 0
        section.text(f"An end marked {CUT_MARK} is cut at the metric's bound (the t "
                     "interval reached past the values the metric can take: too few users, "
                     "or values too skewed, for a symmetric interval).")
    if alike:
        # the t interval of identical values has zero width: shown as [0.0000, 0.0000] it
        # claimed the mean known exactly
        shown_alike = ", ".join(alike[:6]) + (f" and {len(alike) - 6:,} more"
                                              if len(alike) > 6 else "")
        section.text(f"Every user has the same value: {shown_alike}. The t interval of "
                     "identical values has zero width, so the interval shown is the one "
                     "exact for any values within the metric's bounds (none for a metric "
                     "without bounds).")
    if no_value:
        # every user's value NaN gave the dash of a metric never evaluated, unexplained
        shown = ", ".join(no_value[:6]) + (f" and {len(no_value) - 6:,} more"
                                           if len(no_value) > 6 else "")
        section.text(f"No value (–, no user had one): {shown}.")
    if one_user:
        # a mean without its interval, unexplained, read as one known exactly
        shown = ", ".join(one_user[:6]) + (f" and {len(one_user) - 6:,} more"
                                           if len(one_user) > 6 else "")
        section.text(f"No interval (one user had a value, too few for a t interval): "
                     f"{shown}.")
    if lacking:
        # a dash alone read as a value that could not be computed, not as no evaluation
        section.text(f"Not evaluated (–): {lacking}; the curves draw each model's own Ks, "
                     "and the significance and segments use metrics every model has.")
    return section


def _cut_ends(summary: MetricSummary) -> tuple[bool, bool]:
    """Whether the lower and the upper end of ``summary``'s interval were cut at the
    metric's bounds (an interval of identical values is exact within them, not cut)."""
    return cut_ends(summary.ci_low, summary.ci_high, summary.clipped,
                    metric_bounds(summary.metric))


#: the ratio of the largest K to the smallest from which the curves' K axis is logarithmic
LOG_K_SPAN = 50


def _curves(folder: ResultsFolder) -> Section:
    section = Section("curves", "Metric vs K")
    by_base: dict[str, list[tuple[int, str]]] = {}
    for column in _metric_names(folder.results):
        base, k = _split_metric(column)
        if k is not None:
            by_base.setdefault(base, []).append((k, column))
    curves = {base: sorted(entries) for base, entries in by_base.items() if len(entries) > 1}
    if not curves:
        section.text("The experiment evaluated a single cut-off K, so there are no curves; "
                     "list several in [evaluation] ks to see them.")
        return section
    section.text(f"Mean of each metric at every evaluated K, with its {CONFIDENCE:.0%} "
                 "confidence band (Student t over users).")
    cut: list[str] = []
    for base, entries in curves.items():
        series = []
        for result in folder.results:
            summary = result.summary()
            # a model evaluated at fewer Ks (or without this metric) draws the Ks it has
            held = [(k, c) for k, c in entries if c in summary]
            if not held:
                continue
            s = [summary[c] for _, c in held]
            cut.extend(f"{_isolated(result.model)} ({x.metric})" for x in s
                       if any(_cut_ends(x)))
            series.append(Series(result.model, np.array([k for k, _ in held]),
                                 np.array([x.mean for x in s]),
                                 mode="lines+markers", low=np.array([x.ci_low for x in s]),
                                 high=np.array([x.ci_high for x in s])))
        ks = [k for k, _ in entries]
        # Ks 1, 5, 10, 20 and 1000 on a linear axis drew the first four in its first
        # 2%, one on another, hiding how the metric changed between them
        section.blocks.append(Chart(title=f"{base} vs K", x_label="K", y_label=base,
                                    series=series, half=True,
                                    log_x=max(ks) >= LOG_K_SPAN * min(ks)))
    if cut:
        # the band is drawn to the cut ends, so it is lopsided about the curve there
        shown = ", ".join(cut[:6]) + (f" and {len(cut) - 6:,} more" if len(cut) > 6 else "")
        section.text(f"Bands cut at the metric's bound (drawn to the cut end, not "
                     f"symmetric about the mean): {shown}.")
    return section


def _significance(folder: ResultsFolder, headline: str) -> Section:
    section = Section("significance", "Significance")
    results = folder.results
    n = len(results)
    if n < 2:
        section.text("One model only: nothing to compare.")
        return section
    diff = np.full((n, n), np.nan)
    p = np.full((n, n), np.nan)
    skipped: list[str] = []
    for i in range(n):
        for j in range(i + 1, n):
            try:
                test = results[i].compare(results[j], headline)
            except RecstackError as error:
                # e.g. per-user files without 2 users in common: the pair's row was left
                # out of the table without a word
                skipped.append(f"{_isolated(results[i].model)} vs "
                               f"{_isolated(results[j].model)}: {error}")
                continue
            diff[i, j], diff[j, i] = test.mean_difference, -test.mean_difference
            p[i, j] = p[j, i] = test.t_p_value
    upper = np.triu_indices(n, 1)
    tested = int(np.isfinite(p[upper]).sum())
    if tested == 0:
        # an empty matrix and an empty table were drawn under a sentence counting the
        # pairs that were not tested
        section.text(f"No pair of models could be compared in {headline}.")
        for note in skipped:
            section.text(f"Not compared: {note}")
        return section
    adjusted_upper = holm_adjust(p[upper])
    adjusted = np.full((n, n), np.nan)
    adjusted[upper] = adjusted_upper
    adjusted.T[upper] = adjusted_upper
    alpha = 1 - CONFIDENCE
    text = [["" if i == j else f"{diff[i, j]:+.4f}{'*' if adjusted[i, j] < alpha else ''}"
             for j in range(n)] for i in range(n)]
    labels = [r.model for r in results]
    section.text(f"Row model minus column model in {headline}, on the users both were "
                 f"evaluated on (paired t-test); * marks a difference significant at "
                 f"{alpha:.0%} after Holm's correction for the "
                 f"{counted(tested, 'pair')} tested.")
    as_evaluated = len(folder.payload.get("significance") or {})
    if as_evaluated and as_evaluated != tested:
        # the Diagnostics section quotes `recstack evaluate`'s tests, Holm-adjusted over
        # its own smaller family: unexplained, one pair read significant there and not
        # here (30 models: 29 comparisons against the baseline, 435 pairs here)
        section.text(f"The p-values here are adjusted over all {counted(tested, 'pair')}; "
                     "`recstack evaluate` tested each model against the baseline alone, "
                     f"adjusting over its {counted(as_evaluated, 'comparison')} (quoted "
                     "under Diagnostics), so a pair significant there may not be here.")
    section.blocks.append(Chart(title=f"Paired differences in {headline}",
                                heatmap=Heatmap(diff, labels, labels, text,
                                                colour_label="difference")))
    rows = [[_bidi(labels[i]), _bidi(labels[j]), _fmt(diff[i, j]),
             p_value_relation(p[i, j]).lstrip("="),
             p_value_relation(adjusted[i, j]).lstrip("="),
             "yes" if adjusted[i, j] < alpha else "no"]
            for i, j in zip(*upper, strict=True) if not math.isnan(diff[i, j])]
    section.blocks.append(_table(["model A", "model B", "A − B", "paired t p",
                                  "Holm-adjusted p", "significant"], rows))
    for note in skipped:
        section.text(f"Not compared: {note}")
    return section


def _needs_context(section: Section, context: _Context | None, why_not: str) -> bool:
    if context is None:
        section.text(f"Not available: {why_not}.")
        return False
    return True


def _activity_buckets(counts: np.ndarray, n_buckets: int = 4) -> tuple[np.ndarray, list[str]]:
    """Quantile buckets of training rows per user, labelled by their count ranges."""
    edges = np.unique(np.quantile(counts, np.linspace(0, 1, n_buckets + 1)))
    if len(edges) == 1:  # every user has as many rows: one bucket
        edges = np.repeat(edges, 2)
    bucket = np.clip(np.searchsorted(edges, counts, side="right") - 1, 0, len(edges) - 2)
    labels = []
    for b in range(len(edges) - 1):
        members = counts[bucket == b]
        labels.append(f"{int(members.min())}–{int(members.max())} rows" if len(members)
                      else "empty")
    return bucket, labels


def _segments(folder: ResultsFolder, context: _Context | None, why_not: str, headline: str,
              lists: _Lists | None) -> Section:
    section = Section("segments", "Segments")
    if not _needs_context(section, context, why_not):
        return section
    assert context is not None
    train = context.train
    # held-out users have no training rows: their activity is their fold-in history, what
    # the models scored them from (by training rows, every one fell in one "0–0" bucket)
    history, rows_kind = ((train, "training") if context.fold_in is None
                          else (context.fold_in, "fold-in"))
    # by user activity: the per-user values already written, grouped by their rows,
    # matched by the ids' text, as the per-user files write them ('0007' is not user 7)
    counts = pd.Series(history.user_counts(), index=[
        str(user) for user in train.users.to_external(np.arange(train.n_users))])
    models = [r.model for r in folder.results]
    # each model's values are matched by its own users: models evaluated on other users (a
    # per-user file of another test set, ids written as 7 in one and '7' in another) were
    # matched against the first model's users, and showed "–" where they had values
    own = [result.per_user.index.map(str) for result in folder.results]
    everyone = pd.Index([], dtype=object).append(own).unique() if own else pd.Index([])
    activity = counts.reindex(everyone).to_numpy(np.float64)
    known = ~np.isnan(activity)
    if len(everyone) == 0:
        # it said "none of the evaluated users has a training row ... (the data changed
        # since `recstack evaluate`?)", blaming the data when no user was evaluated at all
        section.text(f"{headline} by user activity: not available, as no user was "
                     "evaluated (every model's per-user file holds no row: the test set "
                     "held no user the evaluation could score).")
        users_bucket = None
    elif not known.any():
        section.text(f"{headline} by user activity: not available, as none of the evaluated "
                     f"users has a {rows_kind} row in the data loaded for the report (the "
                     "data changed since `recstack evaluate`?).")
        users_bucket = None
    else:
        bucket, labels = _activity_buckets(activity[known].astype(np.int64))
        users_bucket = pd.Series(bucket, index=everyone[known])
    rows, series = [], []
    if users_bucket is not None:
        means = np.full((len(models), len(labels)), np.nan)
        for m, result in enumerate(folder.results):
            of_user = users_bucket.reindex(own[m]).to_numpy(np.float64)
            values = result.per_user[headline].to_numpy(np.float64)
            for b in range(len(labels)):
                means[m, b] = MetricSummary.from_values(headline, values[of_user == b]).mean
            series.append(Series(result.model, labels, means[m], mode="bar"))
        for b, label in enumerate(labels):
            # the first of models that tie was named the winner
            winners = _best(dict(zip(models, means[:, b].tolist(), strict=True)), headline)
            rows.append([html.escape(label), f"{int((bucket == b).sum()):,}"]
                        + [_fmt(v) for v in means[:, b]] + [_best_cell(winners, len(models))])
    if users_bucket is not None:
        section.text(f"{headline} by user activity ({rows_kind} rows per user, in "
                     "quartiles of the users any model was evaluated on; each model's mean "
                     "over its own users in the bucket): where each model wins.")
        section.blocks.append(Chart(title=f"{headline} by user activity",
                                    x_label=f"{rows_kind} rows", y_label=headline,
                                    series=series))
        section.blocks.append(_table(["user activity", "users"] + [_bidi(m) for m in models]
                                     + ["best"], rows))
    if lists is None:
        section.text("Segments by item popularity need the fitted models: none was saved "
                     "or refitted (refit='all' refits them).")
        return section
    k, users, relevant, tops = lists.k, lists.users, lists.relevant, lists.tops
    item_counts = train.item_counts()
    bucket_of_item, item_labels = popularity_buckets(item_counts)
    relevant_per_bucket, recall = recall_by_bucket(relevant, tops, bucket_of_item,
                                                   len(item_labels))
    section.text(f"Recall@{k} of the relevant test items in each item-popularity bucket "
                 "(items ordered by training rows, each bucket a third of the training "
                 "rows): whether a model finds the long tail or only the head. Pooled over "
                 f"{counted(len(users), 'test user')}.")
    section.blocks.append(Chart(title=f"recall@{k} by item popularity",
                                x_label="item popularity", y_label=f"recall@{k}",
                                series=[Series(label, item_labels, values, mode="bar")
                                        for label, values in recall.items()]))
    rows = []
    for b, label in enumerate(item_labels):
        values = {m: recall[m][b] for m in recall}
        best = _best(values, "recall")
        rows.append([html.escape(label), f"{int(relevant_per_bucket[b]):,}"]
                    + [_fmt(values[m]) for m in recall] + [_best_cell(best, len(recall))])
    section.blocks.append(_table(["item popularity", "relevant test pairs"]
                                 + [_bidi(m) for m in recall] + ["best"], rows))
    return section


def _relevant_matrix(values: Any) -> sp.csr_matrix:
    """``recall_by_bucket``'s users x items matrix of relevant pairs (finite values >= 0,
    sparse or dense) as CSR without stored zeros: a stored 0 was counted as a relevant pair
    in every bucket total, and a NaN or a negative value as one too."""
    name = "recall_by_bucket: relevant"
    if sp.issparse(values):
        matrix = sp.csr_matrix(values, dtype=np.float64, copy=True)
        if matrix.ndim != 2:
            raise RecstackError(f"{name} must be a users x items matrix, got shape "
                                f"{matrix.shape}")
        as_float_array(matrix.data, f"{name} (its stored values)", ndim=1, non_negative=True)
    else:
        matrix = sp.csr_matrix(as_float_array(values, name, ndim=2, non_negative=True))
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def _index_array(values: Any, name: str, ndim: int, low: int, high: int,
                 right: str) -> np.ndarray:
    """``values`` as an int64 array of ``ndim`` dimensions, each a whole number in
    ``[low, high)`` (``right`` says which, in words). True/false, text, NaN and fractions
    are refused: numpy cut 1.5 to item 1, skipped -2 as an empty slot, and failed on a
    list, an index past the catalog or a float bucket with words of its own."""
    array = np.asarray(values) if isinstance(values, np.ndarray | list | tuple) else values
    if getattr(array, "dtype", None) is not None and array.dtype.kind == "b":
        raise RecstackError(f"{name} must be whole numbers ({right}), got true/false values")
    numbers = as_float_array(values, name, ndim=ndim)
    bad = (numbers != np.round(numbers)) | (numbers < low) | (numbers >= high)
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        at = position[0] if ndim == 1 else position
        raise RecstackError(f"{name} must hold {right}; position {at} holds "
                            f"{_index_text(float(numbers[position]))}")
    return numbers.astype(np.int64)


def _index_text(value: float) -> str:
    """``7`` for 7.0 (a whole value within a float's exact integers), else ``1.5``."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def popularity_buckets(item_counts: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Head, middle and tail: items by training rows, most popular first; an item is in
    the head while the rows of the items before it are under a third of the total, in the
    middle while under two thirds, else in the tail. Items of equal counts share the
    bucket of the first of them (as users of equal activity share a quartile): ranked by
    index among themselves, a catalog of equal popularity was cut into a "head", "middle"
    and "tail" that differed in nothing but their ids.

    ``item_counts`` is one count >= 0 per item, read by position."""
    # checked: a negative count put the item in the tail and took its rows off the others'
    # thirds, NaN or inf put every item in the head, all without a word; a list, text,
    # true/false or a 2-D table failed with numpy's or pandas' words
    refuse_reordered_rows(item_counts, "popularity_buckets: item_counts", RecstackError)
    item_counts = count_array(item_counts, "popularity_buckets: item_counts")
    order = np.argsort(-item_counts, kind="stable")
    sorted_counts = item_counts[order]
    before = (np.cumsum(sorted_counts) - sorted_counts) / max(sorted_counts.sum(), 1.0)
    # the position of the first item of each item's count (the counts run high to low)
    before = before[np.searchsorted(-sorted_counts, -sorted_counts, side="left")]
    bucket_sorted = (before >= 1 / 3).astype(np.int64) + (before >= 2 / 3)
    bucket = np.empty_like(bucket_sorted)
    bucket[order] = bucket_sorted
    names = ("head", "middle", "tail")
    labels = [f"{names[b]} ({counted(int((bucket == b).sum()), 'item')})" for b in range(3)]
    return bucket, labels


@dataclass
class _Lists:
    """Top-``k`` lists (item indices) of each model at hand for ``users``, and the users'
    relevant test items (rows: ``users``)."""

    k: int
    users: np.ndarray
    relevant: sp.csr_matrix
    tops: dict[str, np.ndarray]


def _lists(context: _Context, seed: int, notes: list[str]) -> _Lists | None:
    """Top-K lists of every available model for the test users with a relevant item
    (seen items excluded, as the evaluator does)."""
    from recstack.topk import top_k_batched

    if not context.models:
        return None
    test = context.test
    keep = (np.ones(len(test), bool) if context.relevance_threshold is None
            else test.value >= context.relevance_threshold)
    relevant = sp.csr_matrix((np.ones(int(keep.sum()), np.float32),
                              (test.user_index[keep], test.item_index[keep])),
                             shape=(test.n_users, test.n_items))
    relevant.sum_duplicates()
    relevant.data[:] = 1.0
    users = np.flatnonzero(np.diff(relevant.indptr) > 0)
    if len(users) > MAX_SEGMENT_USERS:
        users = np.sort(np.random.default_rng(seed).choice(users, MAX_SEGMENT_USERS,
                                                           replace=False))
        notes.append(f"Lists for segments and beyond-accuracy: {MAX_SEGMENT_USERS:,} test "
                     f"users drawn at random with seed {seed}.")
    k = 10
    # held-out users have no training rows: scored by score_users they got each model's
    # popularity fallback (a warning per model said so), and the segments and
    # beyond-accuracy rows described those lists, not the ones the evaluator scored from
    # their fold-in history
    history = (context.train if context.fold_in is None else context.fold_in).to_csr()
    tops = {}
    for label, model in context.models.items():
        score = (model.score_users if context.fold_in is None else
                 functools.partial(_scored_from_history, model, history))
        top, scores = top_k_batched(score, users, k, exclude=history,
                                    n_items=context.train.n_items)
        top = np.array(top, dtype=np.int64)
        # an item scored -inf is no recommendation, as the evaluator reads it: a model
        # whose lists were all empty was credited with the seen and -inf items top_k
        # filled them with, and won the long-tail recall it had scored 0 on
        top[np.isneginf(scores)] = -1
        tops[label] = top
    return _Lists(k, users, relevant[users], tops)


def _scored_from_history(model: Any, history: sp.csr_matrix, users: np.ndarray) -> Any:
    return model.score_histories(history[users])


def _genres(context: _Context) -> list[Any] | None:
    table = context.train.item_table
    if table is None or "genres" not in table.columns:
        return None
    return table["genres"].tolist()


def _beyond_accuracy(folder: ResultsFolder, context: _Context | None,
                     lists: _Lists | None) -> Section:
    from recstack.analysis.neighbours import label_matrix
    from recstack.metrics.beyond_accuracy import average_popularity, intra_list_diversity

    section = Section("beyond-accuracy", "Beyond accuracy")
    wanted = ("coverage", "novelty", "diversity", "popularity", "serendipity", "gini")
    columns = {name for r in folder.results
               for name in list(r.per_user.columns) + list(r.aggregate)
               if any(w in _split_metric(name)[0] for w in wanted)}
    table: dict[str, dict[str, float]] = {}
    for r in folder.results:
        means = r.means()
        table[r.model] = {c: means.get(c, math.nan) for c in sorted(columns)}
    if lists is not None and context is not None:
        k, tops = lists.k, lists.tops
        counts = context.train.item_counts()
        genres = _genres(context)
        features = label_matrix(genres)[0] if genres is not None else None
        if features is not None and not features.count_nonzero():
            features = None  # no item has a genre: intra_list_diversity refuses them
        for label, top in tops.items():
            table[label][f"average popularity@{k} (training rows)"] = _mean_of_lists(
                average_popularity(top, counts))
            if features is not None:
                table[label][f"genre diversity@{k}"] = _mean_of_lists(
                    intra_list_diversity(top, features))
    # by name, then by K as a number: as text, coverage@10 came before coverage@5
    metrics = sorted({m for row in table.values() for m in row},
                     key=lambda m: (_split_metric(m)[0], _split_metric(m)[1] or 0, m))
    if not metrics:
        section.text("No beyond-accuracy metric was evaluated and no model is at hand to "
                     "compute them (add coverage and novelty to [evaluation] metrics).")
        return section
    section.text("Coverage (share of the catalog recommended), novelty (mean self-information "
                 "of recommended items), average popularity of the lists and their genre "
                 "diversity (mean pairwise cosine distance of the genre vectors, Ziegler "
                 "et al. 2005); the last two from the lists of the fitted models. The Gini "
                 "index of how often each catalog item is recommended, where evaluated: 0 "
                 "when every item is recommended equally often, 1 when one item takes every "
                 "slot (lower is better).")
    rows = []
    no_value: list[str] = []
    for metric in metrics:
        values = {m: table[m].get(metric, math.nan) for m in table}
        best = _best(values, metric)
        no_value.extend(f"{_isolated(m)} ({metric})" for m, v in values.items()
                        if math.isnan(v))
        rows.append([html.escape(metric)] + [f"<b>{_fmt(v)}</b>" if m in best else _fmt(v)
                                             for m, v in values.items()])
    section.blocks.append(_table(["metric"] + [_bidi(m) for m in table], rows,
                                 caption="Best of each row in bold (lowest average "
                                         "popularity, highest otherwise; each model that "
                                         "ties for it)."))
    if no_value:
        # a dash unexplained beside numbers: a model whose lists were all empty has no
        # popularity, diversity or novelty to show, and one not evaluated on it none either
        shown = ", ".join(no_value[:6]) + (f" and {len(no_value) - 6:,} more"
                                           if len(no_value) > 6 else "")
        section.text(f"No value (–): {shown}: not evaluated, or every list of the model "
                     "was empty (an empty list has no popularity, diversity or novelty).")
    accuracy = _headline(folder.results, folder.shown)
    novelty = next((m for m in metrics if m.startswith("novelty")), None)
    if novelty is not None:
        series = [Series(r.model, [table[r.model][novelty]], [r.means()[accuracy]],
                         mode="markers", text=[r.model]) for r in folder.results]
        section.blocks.append(Chart(title=f"{accuracy} against {novelty}", x_label=novelty,
                                    y_label=accuracy, series=series))
    return section


def _mean_of_lists(values: np.ndarray) -> float:
    """The mean over the lists that have a value (NaN for an empty list); NaN, without
    numpy's "Mean of empty slice" warning on the console, when no list has one."""
    values = np.asarray(values, dtype=np.float64)
    held = values[~np.isnan(values)]
    return float(held.mean()) if held.size else math.nan


def _diagnostics(folder: ResultsFolder) -> Section:
    section = Section("diagnostics", "Diagnostics")
    found = {m: d for m, d in folder.diagnostics.items() if d}
    if not found:
        section.text("The evaluator raised no diagnostic for any model.")
    for model, items in found.items():
        section.blocks.append(f"<h3>{_bidi(model)}</h3><ul>"
                              + "".join(f"<li>{html.escape(str(d))}</li>" for d in items)
                              + "</ul>")
    significance = folder.payload.get("significance") or {}
    if significance:
        # named as another family of tests than the Significance section's every pair
        section.blocks.append("<h3>Against the baseline (as evaluated: Holm-adjusted over "
                              f"the {counted(len(significance), 'comparison')} made)</h3><ul>"
                              + "".join(f"<li>{_bidi(m)}: {html.escape(str(t))}</li>"
                                        for m, t in significance.items()) + "</ul>")
    return section


def _calibration(folder: ResultsFolder) -> Section:
    section = Section("calibration", "Calibration")
    if not folder.calibration:
        section.text("No probabilities were evaluated in this experiment, so there is no "
                     "calibration curve (the evaluate step writes calibration_<model>.csv "
                     "when it evaluates predicted probabilities).")
        return section
    series = [Series("perfectly calibrated", [0.0, 1.0], [0.0, 1.0])]
    for label, table in folder.calibration.items():
        series.append(Series(label, table["mean_predicted"].to_numpy(),
                             table["observed_rate"].to_numpy(), mode="lines+markers",
                             text=[f"{int(c):,} predictions" for c in table["count"]]))
    section.text("Observed rate of positives against the mean predicted probability, per "
                 "bin: a calibrated model lies on the diagonal.")
    section.blocks.append(Chart(title="Calibration (reliability) curves",
                                x_label="mean predicted probability",
                                y_label="observed positive rate", series=series))
    return section


def _item_titles(train: Any) -> np.ndarray:
    """Each item's title as the report shows it: the item table's ``title``, and the
    item's id where the title is missing or blank (as the service's page shows an item
    without a title), so that no ``nan`` or ``None`` stands for an item. Bytes titles (a
    Parquet binary column) are UTF-8 text, as everywhere (not UTF-8: refused naming the
    row, where pandas raised its UnicodeDecodeError)."""
    from recstack.analysis import _checks as checks

    ids = [str(i) for i in train.items.to_external(np.arange(train.n_items)).tolist()]
    table = train.item_table
    if table is None or "title" not in table.columns:
        return np.asarray(ids, dtype=object)
    where = "the item table's title column"
    given = checks.printable_titles(
        checks.decoded_text(table["title"].to_numpy(dtype=object), where), where)
    # astype(str) wrote a missing title as "nan" (or "None", "<NA>")
    return np.asarray([item if checks.is_missing(title) or not str(title).strip()
                       else str(title) for title, item in zip(given.tolist(), ids, strict=True)],
                      dtype=object)


def _embeddings(folder: ResultsFolder, context: _Context | None, why_not: str,
                projection: str | None, max_points: int, colour_by: str | None, seed: int,
                n_threads: int, notes: list[str]) -> Section:
    from recstack.analysis import _checks as checks
    from recstack.analysis.embeddings import embedding_health, pca_analysis
    from recstack.analysis.neighbours import nearest_neighbours, neighbourhood_coherence
    from recstack.analysis.projections import project

    section = Section("embeddings", "Embeddings")
    if not _needs_context(section, context, why_not):
        return section
    assert context is not None
    train = context.train
    with_vectors = {label: m for label, m in context.models.items() if _has_vectors(m)}
    without = [label for label in folder.labels if label not in with_vectors]
    # a model left unfitted for having no vectors has no embeddings, whatever refit was
    unavailable = [label for label in without if label not in context.models
                   and label not in context.without_vectors]
    if without:
        section.text("No embedding section for: " + ", ".join(
            f"{_isolated(label)} ({'not refitted' if label in unavailable else 'no embeddings'})"
            for label in without) + ".")
    if not with_vectors:
        section.text("No model of this experiment represents items as vectors.")
        return section
    counts = train.item_counts()
    table = train.item_table
    titles = _item_titles(train)
    genres = _genres(context)
    # only the maps are coloured: without them a colour_by has nothing to check or colour
    colour, colour_label = (_colouring(colour_by, table, genres, counts)
                            if projection is not None else (None, ""))
    for label, model in with_vectors.items():
        section.blocks.append(f"<h3>{_bidi(label)}</h3>")
        vectors = model.item_embeddings()
        if vectors.shape[0] != len(counts):
            section.blocks.append(f"<p>{_bidi(label)}: {vectors.shape[0]:,} item vectors "
                                  f"for {len(counts):,} items of the split; skipped.</p>")
            continue
        # a model whose vectors diverged (NaN, inf, huge) or collapsed is what this section
        # is for: it says so there, and the rest of the report is still written (one such
        # model made the whole report fail, without naming the model)
        try:
            checks.vectors(vectors, f"{label}: item embeddings")
        except RecstackError as error:
            section.text(f"No embedding analysis: {error}.")
            continue
        # an item without training rows has no learned vector (BPR, LightGCN and SASRec keep
        # its random start, ALS and iALS a zero): among the others it was listed as a
        # nearest neighbour with a cosine of chance, counted in the genre coherence and
        # mapped, without a word. The models that place items by content keep them.
        learned = (np.ones(len(counts), bool) if getattr(model, "places_items_by_content",
                                                         False) else counts > 0)
        # the health check too reads the learned vectors only: with every vector, the zero
        # ones of the items a temporal split sees first in its test part were "Problems:
        # 9 dead item vector(s)" of a healthy ALS, which the line below explains as the
        # split's doing; a learned item with a zero vector is still found
        trained = np.flatnonzero(learned) if learned.sum() >= 2 else np.arange(len(counts))
        health = embedding_health(vectors[trained], counts[trained], model=label)
        health = dataclasses.replace(health, dead=trained[health.dead],
                                     duplicate_groups=[trained[group] for group
                                                       in health.duplicate_groups])
        section.text("Health: " + health.reading())
        if not learned.all():
            left_out = np.flatnonzero(~learned)
            section.text(
                f"{len(left_out):,} item(s) without training rows (e.g. "
                f"{', '.join(str(t) for t in titles[left_out[:3]])}) are left out of the "
                "PCA, the map, the coherence and the neighbours below, and of the health "
                "check above: the model learned nothing about them, so their vectors are "
                "its random start (or zero).")
        if learned.sum() < 2:
            section.text("No further embedding analysis: fewer than two items have training "
                         "rows.")
            continue
        kept = np.flatnonzero(learned)
        vectors, item_counts, item_titles = vectors[kept], counts[kept], titles[kept]
        item_genres = None if genres is None else [genres[i] for i in kept]
        item_colour = None if colour is None else np.asarray(colour)[kept]
        try:
            pca = pca_analysis(vectors, item_counts, model=label)
        except RecstackError as error:
            section.text(f"No PCA: {error}.")
        else:
            section.text(pca.reading())
            scree = pca.chart()
            scree.note = ""  # the reading is already above the chart
            section.blocks.append(scree)
        try:
            # users without training rows learned nothing either (their vectors are the
            # random start or zero)
            user_vectors, user_counts = model.user_embeddings(), train.user_counts()
            if len(user_vectors) == len(user_counts):
                trained_users = np.flatnonzero(user_counts > 0)
                user_vectors = user_vectors[trained_users]
                user_counts = user_counts[trained_users]
            users = pca_analysis(user_vectors, user_counts, kind="user", model=label)
            section.text("Users: " + users.reading())
        except RecstackError:
            pass
        if projection is not None:
            try:
                mapped = project(vectors, projection, max_points=max_points, seed=seed,
                                 n_threads=n_threads, model=label)
            except RecstackError as error:  # the extra is missing: the rest still stands
                section.text(f"No {projection} map: {error}")
                mapped = None
            if mapped is not None and mapped.subsampled:
                notes.append(f"{_isolated(label)}: the {projection} map shows "
                             f"{len(mapped.rows):,} of "
                             f"{mapped.n_rows:,} items (seed {seed}) to keep the file small "
                             "and the report fast.")
            if mapped is not None:
                section.blocks.append(mapped.chart(item_colour, colour_label=colour_label,
                                                   titles=item_titles))
        if item_genres is not None:
            try:
                coherence, ties = _with_tie_notes(neighbourhood_coherence, vectors,
                                                  item_genres, k=10, seed=seed, model=label)
                section.text("Neighbourhood coherence: " + coherence.reading())
                for note in ties:
                    section.text(note)
            except RecstackError as error:
                section.text(f"Neighbourhood coherence not computed: {error}")
        queries = np.argsort(-item_counts, kind="stable")[:NEIGHBOUR_QUERIES]
        # a catalog of five items or fewer has fewer other items than the table's five
        # neighbours: asking for five failed the whole report ("k must be between 1 and 3")
        n_neighbours = min(NEIGHBOUR_COUNT, vectors.shape[0] - 1)
        try:
            # a list ending inside a tie is said under the table, not on the console
            table_n, ties = _with_tie_notes(nearest_neighbours, vectors, queries,
                                            n_neighbours, titles=item_titles, model=label)
        except RecstackError as error:  # collapsed vectors: no neighbour is nearer
            section.text(f"No nearest neighbours: {error}.")
            continue
        frame = table_n.to_frame()
        rows = [[_bidi(r.query), str(r.rank), _bidi(r.neighbour),
                 f"{r.cosine:.3f}"] for r in frame.itertuples()]
        section.blocks.append(_table(["item", "rank", "nearest by cosine", "cosine"], rows,
                                     caption="Nearest neighbours of the most popular items."))
        for note in ties:
            section.text(note)
    return section


def check_colour_by(colour_by: str | None, table: pd.DataFrame | None) -> None:
    """Refuse a ``colour_by`` that is neither "popularity" nor a column of the item table
    (``table``, None without one), naming the columns there are."""
    if colour_by is None or colour_by == "popularity":
        return
    if table is None or colour_by not in table.columns:
        raise _unknown_colour_column(colour_by, table)


def _with_tie_notes(analysis: Callable[..., Any], *args: Any, **kwargs: Any
                    ) -> tuple[Any, list[str]]:
    """``analysis(*args, **kwargs)`` (a neighbour analysis) and the warnings it gave of
    lists ending inside a tie, as sentences for the page; other warnings pass on."""
    prefix = f"{analysis.__name__}: "
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = analysis(*args, **kwargs)
    notes = []
    for warning in caught:
        text = str(warning.message)
        if text.startswith(prefix) and "ends inside a tie" in text:
            text = text.removeprefix(prefix)
            notes.append(text[:1].upper() + text[1:] + ".")
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    return result, notes


def _plain(value: Any) -> Any:
    """A table cell as the user wrote it: ``10``, not numpy's ``np.int64(10)``."""
    return value.item() if isinstance(value, np.generic) else value


def _unknown_colour_column(colour_by: str, table: pd.DataFrame | None) -> UnknownColumnError:
    """The error for a ``colour_by`` naming no column, with the nearest name when one is
    close (a column in another case, a letter off): the list of columns alone left the
    user to spot that 'Genres' is 'genres'."""
    from recstack.specs import did_you_mean

    available = ["popularity"] + ([] if table is None else list(table.columns))
    error = UnknownColumnError(colour_by, available, role="colouring the embedding maps")
    hint = did_you_mean(colour_by, [c for c in available if isinstance(c, str)])
    if hint:
        error.args = (f"{error.args[0]}{hint}",)
    return error


def _colouring(colour_by: str | None, table: pd.DataFrame | None, genres: list[Any] | None,
               counts: np.ndarray) -> tuple[Any, str]:
    """What colours the maps: popularity, the first genre (the default with genres) or an
    item-table column (its first element for list columns)."""
    from recstack.analysis import _checks as checks
    from recstack.analysis.embeddings import log_popularity

    if colour_by is None:
        if genres is None:
            return log_popularity(counts), "log(1 + training rows)"
        # the first genre as the coherence reads genres (analysis.neighbours.label_matrix):
        # trimmed, missing entries skipped (a list [None, 'Drama'] was coloured 'None')
        first = [checks.first_label(g.split("|") if isinstance(g, str) else g)
                 for g in genres]
        return np.asarray(first, dtype=object), "first genre"
    if colour_by == "popularity":
        return log_popularity(counts), "log(1 + training rows)"
    if table is None or colour_by not in table.columns:
        raise _unknown_colour_column(colour_by, table)
    values = table[colour_by]
    if values.map(lambda v: isinstance(v, list | tuple | np.ndarray)).any():
        # a list column with missing cells (NaN where an item has no tags) failed here
        # with "object of type 'float' has no len()"
        values = values.map(checks.first_label)
    unlabelled = values.map(lambda v: not isinstance(v, Hashable)).to_numpy(dtype=bool)
    if unlabelled.any():
        # a column of tables or sets (JSON metadata) failed the map's legend with
        # "unhashable type: 'dict'", after the maps were computed
        row = int(unlabelled.argmax())
        raise RecstackError(f"colour_by {colour_by!r}: the item table's column holds a "
                            f"{type(values.iloc[row]).__name__} at row {row + 1} (item "
                            f"{_plain(table.iloc[row, 0])!r}); give a column of labels or numbers "
                            "(a list column is coloured by its first label)")
    if pd.api.types.is_float_dtype(values):
        # ±inf has no place on a colour scale: the map failed to draw (matplotlib) or drew
        # the points uncoloured (plotly); refused here, before any map is computed
        infinite = np.isinf(values.to_numpy(dtype=np.float64))
        if infinite.any():
            row = int(infinite.argmax())
            raise RecstackError(f"colour_by {colour_by!r}: the item table's column holds "
                                f"{float(values.iloc[row])!r} at row {row + 1} (item "
                                f"{_plain(table.iloc[row, 0])!r}); give finite numbers (missing "
                                "values are fine) or colour by another column")
    return values.to_numpy(), colour_by


def _versions() -> dict[str, str]:
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _environment(folder: ResultsFolder, context: _Context | None) -> Section:
    from recstack.config import dump_toml

    section = Section("environment", "Experiment and environment")
    raw = folder.experiment_raw
    section.text(f"Seed {raw.get('seed', 0)}; results folder {folder.shown.resolve()}.")
    try:
        toml = dump_toml(raw)
    except Exception:  # noqa: BLE001 (a value TOML cannot hold: show it as JSON instead)
        import json

        toml = json.dumps(raw, indent=2, default=str)
    section.blocks.append("<h3>Experiment file</h3><pre>" + html.escape(toml) + "</pre>")
    split = folder.payload.get("split")
    if split:
        import json

        section.blocks.append("<h3>Split</h3><pre>" + html.escape(json.dumps(split, indent=2))
                              + "</pre>")
    stored = folder.payload.get("environment")
    if stored:
        import json

        section.blocks.append("<h3>Where the experiment ran</h3><pre>"
                              + html.escape(json.dumps(stored, indent=2)) + "</pre>")
    else:
        section.text("results.json does not record where the experiment ran; below is where "
                     "this report was written.")
    machine = {"python": sys.version.split()[0], "platform": platform.platform(),
               "processor": platform.processor() or platform.machine(),
               "cpus": os.cpu_count(), "written": datetime.now(UTC).isoformat(timespec="seconds")}
    rows = [[html.escape(k), html.escape(str(v))] for k, v in machine.items()]
    rows += [[html.escape(k), html.escape(v)] for k, v in _versions().items()]
    section.blocks.append(_table(["", "version / value"], rows,
                                 caption="Where this report was written."))
    if context is not None and context.how:
        section.blocks.append(_table(["model", "fitted model for this report"],
                                     [[_bidi(k), html.escape(v)]
                                      for k, v in context.how.items()]))
    return section


# --------------------------------------------------------------------------- rendering
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222}
header{background:#0b3d62;color:#fff;padding:16px 28px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.85}
nav{position:sticky;top:0;background:#f4f6f8;padding:8px 28px;border-bottom:1px solid #ddd;
z-index:10} nav a{margin-right:14px;color:#0b3d62;text-decoration:none;font-size:14px}
main{padding:0 28px 40px;max-width:1200px} section{margin-top:28px}
h2{border-bottom:2px solid #0b3d62;padding-bottom:4px} table{border-collapse:collapse;
margin:10px 0;font-size:13px} th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
th,td{min-width:5.5em} .wide{overflow-x:auto}
th,td,caption,li,p,h1,h2,h3{overflow-wrap:anywhere} caption{caption-side:bottom;font-size:12px;
color:#555;text-align:left;padding-top:4px} pre{background:#f6f8fa;padding:10px;
overflow:auto;font-size:12px} .note{font-size:12px;color:#555;margin-top:-4px}
.chart{margin:12px 0;overflow-x:auto} .half{display:inline-block;width:49%;vertical-align:top}
.notes{background:#fff8e1;border-left:4px solid #e69f00;
padding:8px 12px;margin-top:16px} img{max-width:100%}
"""


def render_html(report: Report, *, interactive: bool, seconds: float = 0.0) -> str:
    """The page: every script, style and chart inlined."""
    from recstack.analysis.charts import (
        matplotlib_available,
        plotly_div,
        plotly_script,
        png_data_uri,
    )

    static_charts = interactive or matplotlib_available()
    parts: list[str] = []
    number = 0
    for section in report.sections:
        parts.append(f'<section id="{section.id}"><h2>{html.escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, str):
                parts.append(block)
                continue
            number += 1
            if interactive:
                body = plotly_div(block, f"chart-{number}")
            elif not static_charts:
                body = (f"<p><i>Chart “{html.escape(block.title)}” not drawn: charts need "
                        'plotly or matplotlib: pip install "recstack[insight]"</i></p>')
            else:
                body = (f'<img alt="{html.escape(block.title)}" '
                        f'src="{png_data_uri(block)}">')
            parts.append(f'<div class="chart{" half" if block.half else ""}">{body}</div>')
            if block.note:
                parts.append(f'<p class="note">{_words_html(block.note)}</p>')
        parts.append("</section>")
    nav = "".join(f'<a href="#{s.id}">{html.escape(s.title)}</a>' for s in report.sections)
    notes = ""
    if report.notes:
        notes = ('<div class="notes" id="notes"><b>Notes</b><ul>'
                 + "".join(f"<li>{_words_html(n)}</li>" for n in report.notes)
                 + "</ul></div>")
    script = (f'<script type="text/javascript">{plotly_script()}</script>' if interactive
              else "")
    subject = report.subject
    heading = (html.escape(report.title[:-len(subject)]) + _bidi(subject)
               if subject and report.title.endswith(subject) else html.escape(report.title))
    kind = ("interactive (Plotly)" if interactive else "static (matplotlib)"
            if static_charts else 'none (pip install "recstack[insight]" to draw them)')
    return _utf8_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(report.title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style>{script}</head><body>"
        f"<header><h1>{heading}</h1><p>Charts: {kind}; built in "
        f"{seconds:.1f} s; opens without a network.</p></header>"
        f"<nav>{nav}</nav><main>{notes}{''.join(parts)}</main></body></html>\n"
    )


#: a lone UTF-16 surrogate: no character, and no text a UTF-8 file can hold
_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_text(page: str) -> str:
    """``page`` as text a UTF-8 file holds. A path holding bytes that are not UTF-8 (a
    folder named in Latin-1, ``caf\\xe9``: Python gives such a byte as a surrogate,
    U+DC80 to U+DCFF) is shown with U+FFFD for each such byte, as a file manager shows it;
    any other lone surrogate (a report built from Python text) as its escape ``\\ud800``.
    The page failed to be written with a ``UnicodeEncodeError`` after all its work."""
    if _SURROGATE.search(page) is None:
        return page
    return _SURROGATE.sub(lambda half: "\ufffd" if 0xDC80 <= ord(half.group()) <= 0xDCFF
                          else f"\\u{ord(half.group()):04x}", page)
