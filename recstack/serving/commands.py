"""What ``recstack fit`` and ``recstack recommend`` do, as library functions.

:func:`fit_and_publish` fits one model of an experiment file on all of its data (or on its
training split) and publishes it to a :class:`~recstack.serving.registry.ModelRegistry`.
:func:`open_artifact` opens a saved model folder or a registry reference (``name`` or
``name@version``), and :func:`recommendation_batches` / :func:`write_recommendations` turn
top-K lists into a long table (``user_id, rank, item_id, score``), a bounded number of
users at a time, so that lists for every user never sit in memory at once.
:func:`request_context_from_text` reads the ``--context KEY=VALUE`` pairs of a model that
takes a request context.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pandas as pd

from recstack.atomic import special_file_problem
from recstack.errors import ConfigError, RecstackError, shown
from recstack.progress import Progress, resolve
from recstack.serving._arguments import as_whole
from recstack.specs import arguments_named

if TYPE_CHECKING:
    from recstack.config import Experiment
    from recstack.data.interactions import Interactions
    from recstack.models.base import Recommender
    from recstack.serving.registry import ModelRegistry, ModelVersion

__all__ = ["TRAINING_CHOICES", "fit_and_publish", "fit_model", "open_artifact",
           "recommendation_batches", "request_context_from_text", "training_data",
           "write_recommendations"]

#: what ``fit`` trains on: every interaction the experiment reads, or its training split
TRAINING_CHOICES = ("all", "train")
RECOMMENDATION_COLUMNS = ("user_id", "rank", "item_id", "score")
#: users per batch at most, whatever the catalog, so each written chunk stays small
_MAX_USERS_PER_BATCH = 10_000


@arguments_named
def training_data(experiment: Experiment, *, on: str = "all",
                  progress: Progress | None = None) -> Interactions:
    """The interactions a published model is fitted on.

    ``on="all"``: everything the experiment reads, after its filters (a source is not
    split; data already split is joined back: train, test and fold-in parts, or a
    graph-CF folder's train, valid and test files, each pair once). ``on="train"``: the
    training part the experiment's evaluation fits on (the first fold of a
    cross-validation), to publish exactly the evaluated model.
    """
    from recstack.data.adjacency import union
    from recstack.data.interactions import concat
    from recstack.experiment import load_graph_cf, load_split, make_split, prepare_data

    if on not in TRAINING_CHOICES:
        raise ConfigError(f"on must be one of {TRAINING_CHOICES}, got {on!r}")
    where = experiment.where
    if experiment.data.is_graph_cf:
        parts = load_graph_cf(experiment, progress)
        return parts.refit_train() if on == "train" else union(parts.refit_train(), parts.test)
    if experiment.data.is_split:
        split = load_split(experiment, progress)
        if on == "train":
            return split.train
        pieces = [split.train, split.test, split.set_apart, split.fold_in]
        return concat([p for p in pieces if p is not None and len(p)])
    data, _steps = prepare_data(experiment, progress)
    if len(data) == 0:
        raise RecstackError(f"{where}the filters left no interactions to fit on")
    return make_split(experiment, data).train if on == "train" else data


@arguments_named
def fit_model(experiment: Experiment, label: str, *, on: str = "all",
              progress: Progress | None = None) -> tuple[Recommender, Interactions]:
    """The model labelled ``label`` in ``experiment`` (its file's hyperparameters), fitted on
    :func:`training_data`; returns the model and the data."""
    from recstack.experiment import build_models, model_step

    labels = [spec.label for spec in experiment.models]
    if label not in labels:
        from recstack.specs import did_you_mean

        raise ConfigError(f"{experiment.where}no model labelled {label!r}"
                          f"{did_you_mean(label, labels)}; the models are: "
                          f"{', '.join(labels)}")
    model = dict(build_models(experiment))[label]
    data = training_data(experiment, on=on, progress=progress)
    with resolve(progress).task(f"Fitting {label} on {len(data):,} interactions"), \
            model_step(experiment, label):
        model.fit(data, progress=progress)
    return model, data


@arguments_named
def evaluation_of(results: str | Path, label: str) -> dict[str, Any]:
    """The entry of model ``label`` in an experiment's ``results.json`` (what
    ``recstack evaluate`` wrote), to record in the registry manifest."""
    path = Path(results)
    if path.is_dir():
        path = path / "results.json"
    odd = special_file_problem(path)
    if odd is not None:
        # a named pipe waited forever for a writer
        raise RecstackError(f"{path}: {odd}; give an evaluation's results.json (recstack "
                            "evaluate writes results/NAME/results.json) or its folder")
    if path.is_file():
        # worded as `recstack report` words the same damaged results.json: an empty file,
        # another format, NUL bytes, bytes that are not UTF-8 (Python's "'utf-8' codec
        # can't decode byte 0xe9 in position 3" inside "not valid JSON (...)")
        from recstack.analysis.results_folder import damaged_text_problem

        damage = damaged_text_problem(path, "JSON", "rerun `recstack evaluate`")
        if damage is not None:
            raise RecstackError(damage)
    try:
        # utf-8-sig: a results.json saved again by an editor may begin with a byte-order
        # mark ("not valid JSON (Unexpected UTF-8 BOM)")
        from recstack.strict_json import (
            empty_file_problem,
            refuse_endless_integer,
            refuse_repeated_keys,
        )

        # parse_int: Python's "Exceeds the limit (4300 digits)" advised raising its limit
        payload = json.loads(path.read_text(encoding="utf-8-sig"),
                             object_pairs_hook=refuse_repeated_keys,
                             parse_int=refuse_endless_integer)
    except FileNotFoundError:
        raise RecstackError(f"{path}: no such results file (recstack evaluate writes "
                            "results/NAME/results.json)") from None
    except IsADirectoryError:
        # one wording with every other reader ("is a folder, not a file")
        raise RecstackError(f"{path}: is a folder, not a file; give an evaluation's "
                            "results.json (recstack evaluate writes "
                            "results/NAME/results.json)") from None
    except json.JSONDecodeError as error:
        empty = empty_file_problem(path, error, "rerun `recstack evaluate`")
        if empty is not None:
            raise RecstackError(empty) from None
        raise RecstackError(f"{path}:{error.lineno}: not valid JSON ({error.msg}); the file "
                            "is damaged: rerun `recstack evaluate`") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise RecstackError(f"{path}: not valid JSON ({error}); the file is damaged: rerun "
                            "`recstack evaluate`") from None
    # another JSON value (a list, a model's entry alone) was "no results for model 'als'
    # (it has: none)", as if the evaluation had left the model out; worded as the report
    if not isinstance(payload, dict):
        raise RecstackError(f"{path}: expected a JSON object (results of `recstack "
                            f"evaluate`), got a {type(payload).__name__}")
    if "models" not in payload:
        raise RecstackError(f"{path}: missing 'models', so this is not the results.json of "
                            "`recstack evaluate`")
    if not isinstance(payload["models"], list):
        raise RecstackError(f"{path}: 'models' must be a non-empty list of model results")
    models = payload.get("models")
    # labels are text: an entry whose "model" is a list or a table was a TypeError
    entries = {m.get("model"): m for m in (models if isinstance(models, list) else [])
               if isinstance(m, dict) and isinstance(m.get("model"), str)}
    if label not in entries:
        raise RecstackError(f"{path}: no results for model {label!r} (it has: "
                            f"{', '.join(map(str, entries)) or 'none'})")
    # a hand-edited value (a precision of 1.5, a negative novelty, a mean of Infinity) was
    # recorded in the manifest as the model's evaluation: refused as the report refuses it
    from recstack.analysis.results_folder import check_model_entry

    number = next(position for position, entry in enumerate(models or [], start=1)
                  if entry is entries[label])
    check_model_entry(path, entries[label], number)
    return entries[label]


@arguments_named
def fit_and_publish(experiment_file: str | Path, label: str, registry: ModelRegistry, *,
                    name: str | None = None, on: str = "all",
                    results: str | Path | None = None, index: str | None = "auto",
                    keep: int | None = None, progress: Progress | None = None
                    ) -> ModelVersion:
    """Fit model ``label`` of ``experiment_file`` (:func:`fit_model`) and publish it to
    ``registry`` as ``name`` (default: the label), with the data's fingerprint, the
    evaluation in ``results`` (a ``results.json`` or its folder) when given, and an item
    index (see :meth:`ModelRegistry.publish`). Everything that can be checked before
    fitting is: the file, the label, the name, the results file."""
    from recstack.config import load_experiment
    from recstack.serving.registry import check_name

    experiment = load_experiment(experiment_file)
    name = check_name(name if name is not None else label)
    evaluation = evaluation_of(results, label) if results is not None else None
    if on not in TRAINING_CHOICES:
        raise ConfigError(f"on must be one of {TRAINING_CHOICES}, got {on!r}")
    model, data = fit_model(experiment, label, on=on, progress=progress)
    if evaluation is not None:
        evaluation = {"trained_on": on, "results": evaluation}
    return registry.publish(name, model, data=data, evaluation=evaluation, index=index,
                            keep=keep)


@arguments_named
def open_artifact(artifact: str | Path, registry: ModelRegistry | None = None
                  ) -> tuple[Recommender, str]:
    """A model from a saved folder (``model.save``) or, with ``registry``, from a
    reference ``name`` / ``name@version``; returns it and a description for messages."""
    from recstack.models.persistence import load_model

    path = Path(artifact)
    odd = special_file_problem(path, "folder") if registry is None else None
    if odd is not None:
        # a link that loops read as "no such saved model folder", a named pipe as a file
        raise RecstackError(f"{artifact}: {odd}; give a saved model folder (model.json and "
                            "arrays.npz), or a registry name with --registry DIR")
    if registry is None and not path.exists() and "/" not in str(artifact):
        raise RecstackError(f"{artifact}: no such saved model folder; to use a registry "
                            f"name, add --registry DIR (registry=...)")
    if registry is not None and (path / "model.json").is_file():
        _refuse_folder_named_like_a_registry_model(str(artifact), registry)
    if (path / "model.json").is_file() or registry is None:
        return load_model(path), str(path)
    loaded = registry.load(str(artifact))
    return loaded.model, f"{registry.root}: {loaded.reference}"


def _refuse_folder_named_like_a_registry_model(artifact: str, registry: ModelRegistry
                                               ) -> None:
    """A bare ``name`` (or ``name@N``) given with a registry that is also a saved model
    folder here: which one was meant cannot be told, and taking the folder silently gave
    lists from another model than the registry's. ``./name`` names the folder."""
    from recstack.serving.registry import parse_reference

    if "/" in artifact or "\\" in artifact:
        return  # written as a path: the folder is meant
    try:
        name, version = parse_reference(artifact)
        versions = registry.versions(name)
    except RecstackError:
        return  # not a registry reference: the folder is meant
    if not versions or (version is not None and version not in versions):
        return
    current = registry.current(name) or versions[-1]
    registry_way = (f"{name}@{current} (its current version) for the registry's"
                    if version is None else "run from another folder for the registry's")
    raise RecstackError(
        f"{artifact}: is both a saved model folder here and a model of the registry "
        f"{registry.root} (versions: {versions}); write ./{artifact} for the folder, or "
        f"{registry_way}")


def model_user_ids(model: Recommender, given: list[str]) -> np.ndarray:
    """User ids typed on a command line, in the type of the model's ids (integers where
    the model's are), by the one id rule of every reader (:mod:`recstack.data.idmap`):
    trimmed, and an integer only when spelt plainly. Python's ``int`` would also read
    ``"007"``, ``"+7"``, ``"1_0"`` and ``"٣"`` as other users, and raise on ``"³"``."""
    from recstack.data.idmap import plain_integers, trim_text_ids

    known = model.users_.external_ids
    trimmed = trim_text_ids(list(given))
    blank = [text for text, kept in zip(given, trimmed, strict=True) if not kept]
    if blank:
        # was "user ' ' not seen in training", as if it were an id
        raise ConfigError(f"--users: {blank[0]!r} is an empty id (only whitespace); give "
                          "the user ids, separated by spaces")
    if np.asarray(known).dtype.kind in "iu":
        values, plain = plain_integers(trimmed)
        if not plain.all():
            bad = given[int(np.flatnonzero(~plain)[0])]
            raise RecstackError(f"{model.name}: user {bad!r} not seen in training (this "
                                "model's user ids are integers, written plainly: 7, not 007 "
                                "or +7)")
        return values
    # trimmed as well: " u1" was looked up as given, and not found
    return np.asarray(trimmed, dtype=object)


def request_context_from_text(model: Recommender, pairs: Sequence[str],
                              timestamp: float | None = None) -> dict[str, Any] | None:
    """The request context typed on a command line (``KEY=VALUE`` pairs and a Unix
    ``timestamp``) as ``model`` takes it: a number for each of its numeric context
    columns, the text for the others, ``timestamp`` for its time features. None when
    neither is given: the context is then unknown, as in an offline evaluation.

    Raises
    ------
    ConfigError
        The model takes no context (only a two-stage model with context features does);
        a pair without ``=``, a key given twice or not among the model's context columns,
        a number column given text, or a timestamp for a model without time features.
    """
    if not pairs and timestamp is None:
        return None
    builder = getattr(model, "builder_", None)
    columns = {c.column: c.role for c in builder.context_} if builder is not None else {}
    timed = bool(builder is not None and builder.context_time)
    if not columns and not timed:
        raise ConfigError(f"--context/--timestamp: {model.name} uses no request context "
                          "(a two_stage model with features.context_columns or "
                          "context_time does); leave them out")
    context: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise ConfigError(f"--context {pair!r}: write KEY=VALUE, e.g. "
                              f"{next(iter(columns), 'device')}=...")
        if key not in columns:
            raise ConfigError(f"--context {key!r} is not a context column of {model.name}; "
                              f"its context columns: {', '.join(sorted(columns)) or 'none'}"
                              + ("; give the time with --timestamp" if timed else ""))
        if key in context:
            raise ConfigError(f"--context {key!r} is given twice; give each column once")
        if columns[key] == "numeric":
            from recstack.specs import NUMBER_TEXT_RULE, number_from_text

            # the one rule of numbers typed on a command line: Python's float() also read
            # '1_0' as 10, ' 5' as 5 and the Arabic-Indic '\u0663' as 3, so a mistyped
            # value ranked the lists in another context without a word
            try:
                number = number_from_text(value, float)
            except ValueError:
                number = math.nan
                try:
                    float(value)
                except ValueError:
                    pass
                else:
                    raise ConfigError(f"--context {key}={value!r}: {model.name} takes a "
                                      f"number for {key!r}, written in {NUMBER_TEXT_RULE}"
                                      ) from None
            if not math.isfinite(number):
                raise ConfigError(f"--context {key}={value!r}: {model.name} takes a finite "
                                  f"number for {key!r}")
            from recstack.serving.two_stage import context_number_problem

            if problem := context_number_problem(key, number, model.name):
                raise ConfigError(f"--context {key}={value!r}: {problem}")
            context[key] = number
        else:
            context[key] = value
    if timestamp is not None:
        if not timed:
            raise ConfigError(f"--timestamp: {model.name} has no time features "
                              "(features.context_time); leave it out")
        from recstack.metrics.online import _UNIX_TIMES_FROM
        from recstack.pipeline.features import CONTEXT_TIME

        # the HTTP service's bound for a request's time: 0 (a placeholder for a missing
        # time) ranked with the hour and weekday of 1 January 1970
        if float(timestamp) < _UNIX_TIMES_FROM:
            raise ConfigError(f"--timestamp {timestamp:g}: the request's time is Unix seconds "
                              f"from {_UNIX_TIMES_FROM} (1973-03-03) on; an earlier time is a "
                              "placeholder (0, 1) for a missing time, or seconds from a "
                              "start: leave --timestamp out for the clock's time")
        context[CONTEXT_TIME] = float(timestamp)
    return context


@arguments_named
def recommendation_batches(model: Recommender, users: Any | None, k: int, *,
                           exclude_seen: bool = True, batch_size: int | None = None,
                           progress: Progress | None = None,
                           context: dict[str, Any] | None = None) -> Iterator[pd.DataFrame]:
    """Top-``k`` lists as long tables (``user_id, rank, item_id, score``; rank from 1, empty
    slots left out), one table per batch of users.

    ``users=None`` means every user the model can recommend for (users without training
    rows are left out unless the model serves them). A batch holds at most ``batch_size``
    users (default: as many as fit in the scoring memory budget, at most 10,000).
    ``context`` (see :func:`request_context_from_text`) is the same request context for
    every user; None: unknown.
    """
    from recstack.models.base import DEFAULT_MEMORY_BUDGET_BYTES

    model._require_fitted()
    if users is None:
        eligible = np.ones(len(model.users_), bool)
        if not model.serves_users_without_history:
            eligible &= ~model._users_without_history()
        user_ids = model.users_.to_external(np.flatnonzero(eligible))
    else:
        user_ids = np.atleast_1d(np.asarray(users))
    if batch_size is None:
        batch_size = max(1, min(_MAX_USERS_PER_BATCH,
                                DEFAULT_MEMORY_BUDGET_BYTES // (len(model.items_) * 8 * 2)))
    elif (whole := as_whole(batch_size)) is None or whole < 1:
        raise ConfigError(f"batch_size must be a positive integer, got {shown(batch_size):.80}")
    else:
        batch_size = whole  # Decimal("500") is 500, as every count
    with resolve(progress).task("Recommending", total=len(user_ids)) as task:
        for start in range(0, len(user_ids), batch_size):
            batch = user_ids[start:start + batch_size]
            extra = {} if context is None else {"context": context}
            items, scores = model.recommend(batch, k, exclude_seen=exclude_seen,
                                            batch_size=batch_size, **extra)
            filled = np.isfinite(scores)
            rank = np.broadcast_to(np.arange(1, items.shape[1] + 1), items.shape)
            yield pd.DataFrame({
                "user_id": np.repeat(batch, items.shape[1]).reshape(items.shape)[filled],
                "rank": rank[filled].astype(np.int32),
                "item_id": items[filled],
                "score": scores[filled].astype(np.float32)})
            task.advance(len(batch))


@arguments_named
def write_recommendations(batches: Iterator[pd.DataFrame], out: str | Path | None, *,
                          stream: TextIO | None = None) -> int:
    """Write the batches to ``out`` (``.csv`` or ``.parquet``/``.pq``, replaced atomically
    when complete) or, when ``out`` is None, as CSV to ``stream``; returns the rows
    written."""
    import sys

    if out is None:
        stream = stream or sys.stdout
        rows = 0
        for number, frame in enumerate(batches):
            frame.to_csv(stream, index=False, header=number == 0)
            rows += len(frame)
        if rows == 0:
            stream.write(",".join(RECOMMENDATION_COLUMNS) + "\n")
        return rows
    from recstack.atomic import atomic_path

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise ConfigError(f"--out {out}: write .csv or .parquet (by the file's extension)")
    rows = 0
    with atomic_path(out) as temporary:
        if suffix == ".csv":
            with open(temporary, "w", encoding="utf-8", newline="") as handle:
                rows = write_recommendations(batches, None, stream=handle)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = None
            empty = None
            try:
                for frame in batches:
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    if writer is None and not len(frame):
                        # the file's types come from a batch with rows: text ids of a batch
                        # without any (its users had seen every item) are typed null, and
                        # every later batch failed to cast to it (ArrowNotImplementedError)
                        empty = table if empty is None else empty
                        continue
                    if writer is None:
                        writer = pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table.cast(writer.schema))
                    rows += len(frame)
                if writer is None:  # no rows: an empty table with the columns
                    pq.write_table(_typed_text(empty if empty is not None else
                                               pa.Table.from_pandas(pd.DataFrame(
                                                   {c: [] for c in RECOMMENDATION_COLUMNS}))),
                                   temporary)
            finally:
                if writer is not None:
                    writer.close()
    return rows


def _typed_text(table: Any) -> Any:
    """``table`` with its columns of no type (what arrow makes of an empty column of text
    ids) as text columns, so that an empty file still says its ids are text."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.large_string()) if pa.types.is_null(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))
