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

import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pandas as pd

from recstack.atomic import checked_output, checked_path, special_file_problem
from recstack.errors import ConfigError, RecstackError, echoed, shown
from recstack.progress import Progress, resolve
from recstack.serving._arguments import as_whole, is_real
from recstack.specs import arguments_named

if TYPE_CHECKING:
    from recstack.config import Experiment
    from recstack.data.interactions import Interactions
    from recstack.models.base import Recommender
    from recstack.serving.registry import ModelRegistry, ModelVersion

__all__ = ["TRAINING_CHOICES", "fit_and_publish", "fit_model", "open_artifact",
           "recommendation_batches", "request_context_from_text", "training_data",
           "user_ids_from_file", "write_recommendations"]

#: what ``fit`` trains on: every interaction the experiment reads, or its training split
TRAINING_CHOICES = ("all", "train")
RECOMMENDATION_COLUMNS = ("user_id", "rank", "item_id", "score")
#: the extensions :func:`write_recommendations` takes; the extension chooses the format
RECOMMENDATION_SUFFIXES = (".csv", ".parquet", ".pq")
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

    _check_experiment(experiment, "training_data")
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

    _check_experiment(experiment, "fit_model")
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
    return _evaluation(results, label)[2]


def _evaluation(results: str | Path, label: str) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """The file :func:`evaluation_of` reads, its whole content and model ``label``'s entry."""
    path = checked_path(results, "evaluation_of(results, label): results")
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
    return path, payload, entries[label]


def _refuse_evaluation_of_another_model(path: Path, payload: dict[str, Any],
                                        experiment: Experiment, label: str,
                                        on: str = "all") -> None:
    """Refuse a results.json whose model ``label`` is not the one ``experiment`` fits: of
    another type or hyperparameters, or evaluated on other data or filters, or (``on =
    "train"``, the evaluated model itself) on another split. Its numbers were recorded in
    the manifest as the published model's evaluation without a word (an older run's
    folder, or the results of an earlier version of the file)."""
    from recstack.analysis.results_folder import _data_identity
    from recstack.config import parse_experiment
    from recstack.experiment import build_models
    from recstack.models.registry import settings_key

    evaluated_raw = payload.get("experiment")
    if not isinstance(evaluated_raw, dict):
        return  # an older format records no experiment: nothing to compare
    base_folder = payload.get("base_folder")
    try:
        evaluated = parse_experiment(
            evaluated_raw, source=str(path),
            base=Path(base_folder) if isinstance(base_folder, str) else Path.cwd())
        evaluated_models = dict(build_models(evaluated))
    except (RecstackError, TypeError, ValueError):
        return  # what cannot be rebuilt cannot be compared; the entry itself was checked
    fitted = dict(build_models(experiment))[label]
    here = experiment.where.rstrip(": ")
    rerun = (f"rerun `recstack evaluate` on {experiment.source_file or 'the experiment'} "
             "for its results, or publish without --results")
    other = evaluated_models.get(label)
    if other is None:
        return  # evaluation_of found the label's results; an edited experiment table
    if type(other).name != type(fitted).name:
        raise RecstackError(f"{path}: model {label!r} was evaluated as a "
                            f"{type(other).name!r} model, but {here} fits a "
                            f"{type(fitted).name!r}: these are not its results; {rerun}")
    theirs, ours = other.get_params(), fitted.get_params()
    # by the rule that finds one model listed twice: 500 is 500.0, but true is not 1
    differing = [key for key in sorted(set(theirs) | set(ours))
                 if settings_key(theirs.get(key)) != settings_key(ours.get(key))]
    if differing:
        shown_keys = ", ".join(f"{key} = {echoed(shown(theirs.get(key)))} there, "
                               f"{echoed(shown(ours.get(key)))} here"
                               for key in differing[:3])
        raise RecstackError(f"{path}: model {label!r} was evaluated with other "
                            f"hyperparameters than {here} gives it "
                            f"({shown_keys}): these are not its results; {rerun}")
    if experiment.raw:  # an Experiment built in Python has no tables as written
        here_base = (str(experiment.base_folder) if experiment.base_folder is not None
                     else None)
        for table, theirs_value, ours_value in (
                ("[data]", _data_identity(evaluated_raw.get("data"), base_folder),
                 _data_identity(experiment.raw.get("data"), here_base)),
                ("[[filters]]", evaluated_raw.get("filters", []),
                 experiment.raw.get("filters", []))):
            if theirs_value != ours_value:
                raise RecstackError(f"{path}: model {label!r} was evaluated with another "
                                    f"{table} than {here} has: "
                                    f"these are not the results of the data it is fitted "
                                    f"on; {rerun}")
    if on == "train":
        # the model published is fitted on this file's training part: results of another
        # split (method, test fraction, seed) are another model's, yet were recorded
        split_differs = _split_difference(evaluated.split, experiment.split)
        if split_differs:
            raise RecstackError(f"{path}: model {label!r} was evaluated on another [split] "
                                f"than {here} fits it on with --on train ({split_differs}): "
                                f"these are not the results of the model published; "
                                f"{rerun}")


def _split_difference(theirs: Any, ours: Any) -> str:
    """The settings in which split spec ``theirs`` (of the results) differs from ``ours``
    (of the experiment fitted), as ``seed = 0 there, 1 here``; "" where they are one split.
    Compared as parsed, so a default written out (``test_fraction = 0.2``) is no
    difference, and a seed taken from the file's top ``seed`` is."""
    if theirs is None or ours is None:
        # data already split: its parts are compared as [data]
        return "" if theirs is ours else (
            f"method = {'none (data already split)' if theirs is None else theirs.kind_name} "
            f"there, {'none (data already split)' if ours is None else ours.kind_name} here")
    if type(theirs) is not type(ours):
        return f"method = {theirs.kind_name!r} there, {ours.kind_name!r} here"
    their_params, our_params = theirs.params(), ours.params()
    keys = [key for key in sorted(set(their_params) | set(our_params))
            if their_params.get(key) != our_params.get(key)]
    return ", ".join(f"{key} = {echoed(shown(their_params.get(key)))} there, "
                     f"{echoed(shown(our_params.get(key)))} here" for key in keys[:3])


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

    _check_registry(registry, "fit_and_publish")
    experiment = load_experiment(experiment_file)
    name = check_name(name if name is not None else label)
    evaluation = None
    if on not in TRAINING_CHOICES:
        raise ConfigError(f"on must be one of {TRAINING_CHOICES}, got {on!r}")
    if results is not None:
        results_path, payload, evaluation = _evaluation(results, label)
        if label in {spec.label for spec in experiment.models}:  # else fit_model names it
            _refuse_evaluation_of_another_model(results_path, payload, experiment, label, on)
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

    if registry is not None:
        _check_registry(registry, "open_artifact")
    path = checked_path(artifact, "open_artifact(artifact): artifact")
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


def _check_experiment(experiment: Any, where: str) -> None:
    """Refuse what is not a loaded experiment (an AttributeError on ``models`` or
    ``where``): a path is the usual mistake, so its remedy is named."""
    from recstack.config import Experiment

    if not isinstance(experiment, Experiment):
        hint = (f"; load it first: {where}(load_experiment({shown(str(experiment))}), ...)"
                if isinstance(experiment, str | Path) else "")
        raise ConfigError(f"{where}: experiment must be an Experiment (recstack.config."
                          f"load_experiment(path)), got {type(experiment).__name__} "
                          f"{echoed(shown(experiment))}{hint}")


def _check_registry(registry: Any, where: str) -> None:
    """Refuse what is not a :class:`ModelRegistry` (an AttributeError on ``load`` or
    ``publish``): its folder is the usual mistake, so its remedy is named."""
    from recstack.serving.registry import ModelRegistry

    if not isinstance(registry, ModelRegistry):
        hint = (f"; open it first: ModelRegistry({shown(str(registry))})"
                if isinstance(registry, str | Path) else "")
        raise ConfigError(f"{where}: registry must be a ModelRegistry, got "
                          f"{type(registry).__name__} {echoed(shown(registry))}{hint}")


def _check_model(model: Any, where: str) -> None:
    """Refuse what is not a recstack model (an AttributeError on ``name`` or
    ``_require_fitted``), worded as the embedding store words it."""
    from recstack.serving.embedding_store import _check_model as refuse_other_than_a_model

    refuse_other_than_a_model(model, where)


def model_user_ids(model: Recommender, given: list[str]) -> np.ndarray:
    """User ids typed on a command line, in the type of the model's ids (integers where
    the model's are), by the one id rule of every reader (:mod:`recstack.data.idmap`):
    trimmed, and an integer only when spelt plainly. Python's ``int`` would also read
    ``"007"``, ``"+7"``, ``"1_0"`` and ``"٣"`` as other users, and raise on ``"³"``."""
    from recstack.data.idmap import plain_integers, trim_text_ids

    _check_model(model, "model_user_ids")
    # one text would be read letter by letter ("u12" as the users u, 1 and 2), and numbers
    # were arrow's "Expected bytes, got a 'int' object"
    if isinstance(given, str | bytes) or not isinstance(given, Sequence | np.ndarray):
        raise ConfigError(f"model_user_ids: given must be a list of user ids as typed (text), "
                          f"got {type(given).__name__} {echoed(shown(given))}")
    not_text = [value for value in given if not isinstance(value, str)]
    if not_text:
        raise ConfigError(f"model_user_ids: given holds {echoed(shown(not_text[0]))} "
                          f"({type(not_text[0]).__name__}); it takes the user ids as typed "
                          "(text); for ids of the model's own type call recommend directly")
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


#: a first line of a ``--users-file`` read as a column name, not as a user (the header a
#: CSV export or ``recstack recommend --out`` writes), where the model knows no such user
USER_FILE_HEADERS = ("user_id", "user", "userid", "users", "user_ids")


def user_ids_from_file(model: Recommender, path: str | Path) -> list[str]:
    """The user ids of a ``recommend --users-file``: a UTF-8 text file of one user id a
    line, as typed (give them to :func:`model_user_ids`). Blank lines are skipped, and so
    is a first line naming the column (``user_id``, ``user``...) that is no user of the
    model. A file holding no id, an id given twice or an id the model does not know is
    refused naming the file and the line, before any list is computed: a repeated user
    would be written twice, ranks 1..K and again 1..K, and an unknown one was refused
    without its line."""
    from recstack.serving._files import PIPE_NOTE, is_pipe_problem, unreadable_file

    _check_model(model, "user_ids_from_file")
    path = Path(path)
    remedy = "give a text file of user ids, one a line"
    try:
        raw = path.read_bytes()
    except OSError as error:
        problem = unreadable_file(path, error)
        note = PIPE_NOTE if is_pipe_problem(problem) else ""
        raise ConfigError(f"--users-file {path}: {problem}; {remedy}{note}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: is not UTF-8 text (byte {raw[error.start]:#04x}); "
                          f"{remedy}, saved as UTF-8") from None
    # str.splitlines would also break at form feeds and other separators an id may hold
    entries = [(number, line.strip()) for number, line in
               enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)
               if line.strip()]
    known = model.users_
    if entries and entries[0][1].lower() in USER_FILE_HEADERS and known.to_index(
            [entries[0][1]], missing="ignore")[0] < 0:
        entries = entries[1:]
    if not entries:
        raise ConfigError(f"{path}: holds no user ids; {remedy}")
    index = known.to_index([entry for _, entry in entries], missing="ignore")
    unknown = [(number, entry) for (number, entry), position in zip(entries, index, strict=True)
               if position < 0]
    if unknown:
        from recstack.data.idmap import plain_integers

        number, entry = unknown[0]
        more = ("" if len(unknown) == 1 else f" (nor is the one on line {unknown[1][0]})"
                if len(unknown) == 2 else f" (nor are {len(unknown) - 1:,} more, the next on "
                f"line {unknown[1][0]})")
        hint = ""
        # a spreadsheet's export in a locale that writes ';' (or '|') between cells
        if any(separator in entry for separator in (",", "\t", ";", "|")):
            hint = " (the file holds one user id a line, not columns)"
        elif (np.asarray(known.external_ids).dtype.kind in "iu"
              and not plain_integers(np.asarray([entry], dtype=object))[1].all()):
            hint = " (this model's user ids are integers, written plainly: 7, not 007 or +7)"
        raise ConfigError(f"{path}:{number}: {entry!r} is not a user {model.name} was fitted "
                          f"on{more}; give only users it knows{hint}")
    first_line: dict[int, int] = {}
    for (number, entry), position in zip(entries, index.tolist(), strict=True):
        if position in first_line:
            raise ConfigError(f"{path}:{number}: user {entry!r} is also on line "
                              f"{first_line[position]}; give each user once")
        first_line[position] = number
    return [entry for _, entry in entries]


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
    _check_model(model, "request_context_from_text")
    # one text was read letter by letter ("device=phone" as the pairs 'd', 'e', ...)
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Sequence | np.ndarray):
        raise ConfigError(f"--context: pairs must be a list of KEY=VALUE texts, got "
                          f"{type(pairs).__name__} {echoed(shown(pairs))}"
                          + (f"; pass [{shown(pairs)}]" if isinstance(pairs, str) else ""))
    not_text = [pair for pair in pairs if not isinstance(pair, str)]
    if not_text:
        raise ConfigError(f"--context: pairs holds {echoed(shown(not_text[0]))} "
                          f"({type(not_text[0]).__name__}); write each as a KEY=VALUE text")
    if timestamp is not None and not (is_real(timestamp) and math.isfinite(timestamp)):
        raise ConfigError(f"--timestamp: the request's time is a finite number of Unix "
                          f"seconds, got {type(timestamp).__name__} {echoed(shown(timestamp))}")
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
    from recstack.models.base import DEFAULT_MEMORY_BUDGET_BYTES, _as_ids, _lookup

    _check_model(model, "recommendation_batches")
    model._require_fitted()
    if users is None:
        eligible = np.ones(len(model.users_), bool)
        if not model.serves_users_without_history:
            eligible &= ~model._users_without_history()
        user_ids = model.users_.to_external(np.flatnonzero(eligible))
    else:
        # read as the model reads them: a set, a dict or a generator wrapped in an array
        # was "the value at position 0 is {'a', 'b'} (set)", and a list of texts and
        # numbers became all texts
        user_ids = _as_ids(users, f"{model.name}: users")
        index = _lookup(model.users_, user_ids, f"{model.name}: users", missing="ignore")
        if (index >= 0).all():
            # written as the model's ids, one type: [7, "8"] for a model of integer ids
            # was a column of a number and a text, which Parquet cannot hold (recommend
            # refuses the users it does not know, naming them)
            user_ids = model.users_.to_external(index)
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
                          stream: TextIO | None = None, overwrite: bool = True) -> int:
    """Write the batches to ``out`` (``.csv`` or ``.parquet``/``.pq``, replaced atomically
    when complete) or, when ``out`` is None, as CSV to ``stream``; returns the rows
    written. ``overwrite=False``: a file at ``out`` when the lists are complete (another
    program wrote it meanwhile) is kept and the write refused
    (:func:`recstack.atomic.atomic_path`).

    Each batch is a table with the columns ``user_id, rank, item_id, score`` (what
    :func:`recommendation_batches` yields; the columns in any order); one table alone is
    one batch. Anything else is refused naming the batch, before its rows are written."""
    import sys

    frames = _recommendation_frames(batches)
    if out is None:
        if stream is None:
            stream = sys.stdout
        elif isinstance(stream, io.RawIOBase | io.BufferedIOBase) or \
                not callable(getattr(stream, "write", None)) or \
                getattr(stream, "closed", False) is True:
            # a file name was taken by pandas as a path and written in the working folder;
            # a binary stream failed on the header of an empty list
            raise ConfigError(
                f"write_recommendations: stream must be an open text stream (sys.stdout, "
                f"open(path, 'w'), io.StringIO()), got a closed {type(stream).__name__}"
                if getattr(stream, "closed", False) is True else
                f"write_recommendations: stream must be an open text stream (sys.stdout, "
                f"open(path, 'w'), io.StringIO()), got {type(stream).__name__} "
                f"{echoed(shown(stream))}"
                + ("; to write a file, pass it as out" if isinstance(stream, str | Path)
                   else ""))
        from recstack.data.files import csv_quoting

        rows = 0
        for number, frame in enumerate(frames):
            frame.to_csv(stream, index=False, header=number == 0,
                         quoting=csv_quoting(frame))
            rows += len(frame)
        if rows == 0:
            stream.write(",".join(RECOMMENDATION_COLUMNS) + "\n")
        return rows
    from recstack.atomic import atomic_path

    if stream is not None:
        raise ConfigError("write_recommendations: give out (a file) or stream, not both; "
                          "the lists would go to one of them only")
    # the rule every writer of a file keeps (`recstack recommend --out` refuses the same
    # names before any work): " m.csv" was written as a second file beside "m.csv", and
    # "m.csv/" as the file "m.csv"; the refusals named --out to a Python caller
    what = "write_recommendations(out)"
    out = checked_output(out, what, suffixes=RECOMMENDATION_SUFFIXES,
                         writes="a CSV or Parquet table")
    suffix = out.suffix.lower()
    if suffix not in RECOMMENDATION_SUFFIXES:  # no extension: nothing says the format
        raise ConfigError(f"{what}: {str(out)!r} has no extension, but the extension "
                          f"chooses what is written: name it .csv, .parquet or .pq, e.g. "
                          f"{out.with_name(out.name + '.csv')}")
    rows = 0
    with atomic_path(out, overwrite=overwrite) as temporary:
        if suffix == ".csv":
            with open(temporary, "w", encoding="utf-8", newline="") as handle:
                rows = write_recommendations(frames, None, stream=handle)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = None
            empty = None
            try:
                for number, frame in enumerate(frames, start=1):
                    table = _arrow_table(frame, number)
                    if writer is None and not len(frame):
                        # the file's types come from a batch with rows: text ids of a batch
                        # without any (its users had seen every item) are typed null, and
                        # every later batch failed to cast to it (ArrowNotImplementedError)
                        empty = table if empty is None else empty
                        continue
                    if writer is None:
                        writer = pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(_cast_like(table, writer.schema, number))
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


def _recommendation_frames(batches: Any) -> Iterator[pd.DataFrame]:
    """The batches given to :func:`write_recommendations` as tables of the columns
    :data:`RECOMMENDATION_COLUMNS` in that order; anything else refused naming the batch.

    Before, a table given alone was read column name by column name ("'str' object has no
    attribute 'to_csv'"), a batch of other values failed the same way, and a table with a
    column missing, one more, or the columns in another order was written as it was: a
    file without scores, or a second batch's scores under the header's user_id."""
    if isinstance(batches, pd.DataFrame):
        batches = (batches,)  # one table: one batch
    elif isinstance(batches, str | bytes | Mapping) or not isinstance(batches, Iterable):
        raise ConfigError(
            f"write_recommendations: batches must be tables (pandas DataFrames with the "
            f"columns {', '.join(RECOMMENDATION_COLUMNS)}; what recommendation_batches "
            f"yields), or one such table, got {type(batches).__name__} "
            f"{echoed(shown(batches))}")
    return (_recommendation_frame(frame, number)
            for number, frame in enumerate(batches, start=1))


def _recommendation_frame(frame: Any, number: int) -> pd.DataFrame:
    """Batch ``number`` (from 1) as a table of :data:`RECOMMENDATION_COLUMNS`, in order."""
    wanted = ", ".join(RECOMMENDATION_COLUMNS)
    if not isinstance(frame, pd.DataFrame):
        # a column or an array is named by its shape: its repr spreads over lines
        given = (f"{type(frame).__name__} of shape {tuple(frame.shape)}"
                 if isinstance(getattr(frame, "shape", None), tuple)
                 else f"{type(frame).__name__} {echoed(shown(frame))}")
        raise ConfigError(f"write_recommendations: batch {number} is a {given}, not a table; "
                          f"each batch is a pandas DataFrame with the columns {wanted}"
                          + ("; make one with .to_frame() or pd.DataFrame(...)"
                             if isinstance(frame, pd.Series | np.ndarray) else ""))
    columns = list(frame.columns)
    repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
    missing = [c for c in RECOMMENDATION_COLUMNS if c not in columns]
    other = [str(c) for c in columns if c not in RECOMMENDATION_COLUMNS]
    if repeated or missing or other:
        problems = ([f"the column(s) {', '.join(repeated)} given twice"] * bool(repeated)
                    + [f"no column {', '.join(missing)}"] * bool(missing)
                    + [f"the other column(s) {', '.join(other)}"] * bool(other))
        index = [str(name) for name in frame.index.names if name in missing]
        raise ConfigError(
            f"write_recommendations: batch {number} has {'; '.join(problems)}; each batch "
            f"has exactly the columns {wanted}"
            + (f" ({', '.join(index)} is the index: .reset_index() it)" if index else ""))
    return frame[list(RECOMMENDATION_COLUMNS)]


def _arrow_table(frame: pd.DataFrame, number: int) -> Any:
    """Batch ``number`` as an arrow table; a column arrow cannot type (ids that are text
    and numbers at once) is refused naming the batch and the column."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as error:
        text = str(error)
        column = next((c for c in RECOMMENDATION_COLUMNS
                       if f"'{c}'" in text or f"column {c} " in text), None)
        raise ConfigError(
            f"write_recommendations: batch {number}: "
            + (f"column {column}" if column else "a column")
            + f" cannot be written to Parquet ({str(error).splitlines()[0]:.200}); give each "
              "column values of one type (ids all text or all integers)") from None


def _cast_like(table: Any, schema: Any, number: int) -> Any:
    """``table`` cast to the file's ``schema`` (the first batch with rows set it); a batch
    whose column cannot take that type is refused naming the batch, the column and both
    types, before any of its rows are written."""
    import pyarrow as pa

    for field in schema:
        given = table.schema.field(field.name).type
        if given == field.type:
            continue
        try:
            table.column(field.name).cast(field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as error:
            raise ConfigError(
                f"write_recommendations: batch {number}: column {field.name} holds {given} "
                f"values where the earlier batches' hold {field.type}, and they cannot be "
                f"written as {field.type} ({str(error).splitlines()[0]:.120}); give every "
                "batch the same types") from None
    return table.cast(schema)


def _typed_text(table: Any) -> Any:
    """``table`` with its columns of no type (what arrow makes of an empty column of text
    ids) as text columns, so that an empty file still says its ids are text."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.large_string()) if pa.types.is_null(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))
