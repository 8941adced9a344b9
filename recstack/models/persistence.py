"""Saving and loading fitted models without pickle, refusing any artifact that does not check out.

A saved model is a folder with two files:

- ``arrays.npz``: every learned array, plus the id vocabularies, the training matrix and
  ``base__model``, which model saved the arrays (and which nested model, e.g. a blend's
  member, saved which prefixed ones), so that a ``model.json`` relabelled to a model whose
  arrays look alike (``item_knn`` and ``rp3beta``, ``als`` and ``ials``) is refused (stored
  uncompressed; read back without pickle, so opening it cannot run code);
- ``model.json``: the format version, the model's registry name and hyperparameters, the
  recstack version, the dtype and shape of every array, and two SHA-256 checksums:
  ``sha256["arrays.npz"]`` of the archive's bytes and ``sha256["model.json"]`` of the
  metadata itself, taken over its canonical JSON form (keys sorted, no whitespace, ASCII)
  with the ``sha256`` field left out. Editing any field of the metadata by hand, or any byte
  of the archive, is therefore detected. (The checksums detect corruption and accidental
  edits; they are not a signature: whoever can write the folder can recompute them.)

Loading checks, in this order, and refuses with a :class:`~recstack.errors.RecstackError`
that names the file and what is wrong:

1. ``model.json`` is UTF-8 JSON holding an object, of this format, with an integer
   ``format_version`` in ``[MIN_FORMAT_VERSION, FORMAT_VERSION]`` (a string, float, bool,
   negative or newer version is refused);
2. both checksums;
3. the model is registered, its hyperparameters are exactly the model's (none unknown, none
   missing) and pass the checks ``fit`` applies (:meth:`Recommender.validate_params`);
4. ``arrays.npz`` is a readable archive holding exactly the arrays the metadata lists, each
   with the listed dtype and shape;
5. every array matches the model's declaration, :meth:`Recommender._state_spec` (and the
   vocabularies and training matrix, which every model has): present, nothing extra, the
   declared dtype, a shape consistent with the id lists and the hyperparameters (e.g. item
   factors have ``n_items`` rows and ``factors`` columns), finite where floats, within the
   declared value bounds (indices inside the catalog), sparse matrices structurally valid;
   then the model's own cross-array check, :meth:`Recommender._check_state`, if it has one.

Only then are the arrays handed to the model, so a loaded model never meets an array it was
not built for (no NaN scores, no ``IndexError`` later). :func:`save_model` applies step 5
before writing, so a model that could not be loaded (e.g. factors that diverged to NaN) is
refused instead of saved.

Declaring the arrays
--------------------
A model's ``_state_spec()`` maps each name its ``_state()`` returns to an :class:`ArraySpec`
(or, for a CSR matrix stored with :func:`sparse_state`, a :class:`SparseSpec` under the
prefix). Shapes are written with symbols, checked generically here:

- an ``int``: that exact length;
- ``"n_users"`` / ``"n_items"``: the lengths of the user and item id lists;
- a hyperparameter's name (e.g. ``"factors"``): that hyperparameter's value;
- any other name (e.g. ``"features"``): free, but the same wherever it appears in the model;
- ``"NAME+K"`` or ``"NAME*K"``: the symbol plus or times an integer (``"n_items+1"``).

The folder is written with :func:`recstack.atomic.atomic_directory`: overwriting a model keeps
the old one loadable until the new one is complete and swapped in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from recstack import __version__, strict_json
from recstack.atomic import (
    atomic_directory,
    blocking_parent,
    broken_link,
    checked_path,
    describe_path,
    recover,
)
from recstack.data.idmap import IdMap
from recstack.errors import ConfigError, RecstackError, counted, echoed, shown, shown_given
from recstack.specs import did_you_mean
from recstack.strict_json import json_syntax_problem, read_json_text

if TYPE_CHECKING:
    from recstack.models.base import Recommender

__all__ = ["ArraySpec", "SparseSpec", "describe_artifact", "load_model", "save_model",
           "sparse_from_state", "sparse_state"]

FORMAT = "recstack-model"
#: version 2: the metadata is checksummed and lists every array's dtype and shape
FORMAT_VERSION = 2
MIN_FORMAT_VERSION = 2
ARRAYS = "arrays.npz"
META = "model.json"
_BASE_PREFIX = "base__"
_META_FIELDS = {"format", "format_version", "recstack_version", "model", "params", "arrays",
                "sha256"}


# --------------------------------------------------------------------------- declarations
_MAX_ABS = 1e15


@dataclass(frozen=True)
class ArraySpec:
    """What one saved array must be.

    Parameters
    ----------
    dtype : str
        A numpy dtype name (``"float32"``, ``"int64"``, ``"bool"``) or a family: ``"int"``
        (any signed or unsigned integer), ``"str"`` (fixed-width unicode) or ``"id"`` (an
        integer, float or unicode id list).
    shape : tuple of int or str
        One entry per dimension, written as the module docstring explains.
    finite : bool
        For floating arrays: refuse NaN and infinities (the default).
    max_abs : float or None
        For floating arrays: refuse values of larger magnitude. The default, 1e15, is far
        beyond any learned weight, so only damage reaches it, and it keeps the products and
        sums that scoring computes finite in float32 (a dot product of two such vectors stays
        below 1e30 per term, where float32 ends near 3.4e38).
    low, high : int, float, str or None
        Inclusive bounds of the values (a symbol is allowed, e.g. ``high="n_items"``).
    nonzero : bool
        Refuse an array of zeros only (learned factors: a fitted model's never are, and
        with them every score was 0).
    """

    dtype: str
    shape: tuple[int | str, ...]
    finite: bool = True
    max_abs: float | None = _MAX_ABS
    low: float | str | None = None
    high: float | str | None = None
    nonzero: bool = False


@dataclass(frozen=True)
class SparseSpec:
    """A CSR matrix saved by :func:`sparse_state` under a prefix: its ``(rows, columns)``
    shape (symbols as for :class:`ArraySpec`) and the dtype of its values (finite and
    within ``max_abs``, as for :class:`ArraySpec`). The structure (row pointers rising from 0
    to the number of values, column indices inside the shape) is checked too.
    ``max_per_row`` (an int or a symbol, e.g. ``"neighbors"``) bounds the values stored in
    any one row: a pruned similarity keeps at most that many, so a model.json whose
    hyperparameter says fewer than the arrays hold describes another model."""

    shape: tuple[int | str, str | int]
    dtype: str = "float32"
    finite: bool = True
    max_abs: float | None = _MAX_ABS
    max_per_row: int | str | None = None


def canonical_csr(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` with each row's columns sorted and each once (a copy when it was not),
    the form every saved sparse matrix takes and :func:`load_model` requires."""
    if matrix.has_canonical_format:
        return matrix
    matrix = matrix.copy()
    matrix.sum_duplicates()  # sorts each row's columns too
    return matrix


def sparse_state(prefix: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    """A CSR matrix as plain arrays for :meth:`Recommender._state` (no pickle needed), in
    canonical form (each row's columns sorted, each once), as :func:`load_model` requires."""
    matrix = canonical_csr(matrix)
    return {f"{prefix}_indptr": matrix.indptr, f"{prefix}_indices": matrix.indices,
            f"{prefix}_data": matrix.data, f"{prefix}_shape": np.asarray(matrix.shape, np.int64)}


def sparse_from_state(prefix: str, arrays: dict[str, np.ndarray]) -> sp.csr_matrix:
    """The CSR matrix that :func:`sparse_state` stored under ``prefix``, each row's columns
    sorted (the rows' binary searches need them so; older artifacts may not hold them so)."""
    matrix = sp.csr_matrix((arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"],
                            arrays[f"{prefix}_indptr"]),
                           shape=tuple(int(s) for s in arrays[f"{prefix}_shape"]))
    if not matrix.has_sorted_indices:
        matrix.sort_indices()
    return matrix


#: the array recording which model wrote the arrays (and which nested model wrote which
#: prefixed ones): ``["PREFIX:NAME", ...]``, the model itself first with an empty prefix;
#: optional, as artifacts saved before it was written lack it
_KINDS = f"{_BASE_PREFIX}model"


def _saved_kinds(model: Recommender, prefix: str = "") -> list[str]:
    """Which model owns which arrays: ``model`` under ``prefix``, then the models it is
    built from (a blend's members...) under theirs, as its hyperparameters declare them."""
    kinds = [f"{prefix}:{model.name}"]
    for inner_prefix, inner in model._declared_models():
        kinds += _saved_kinds(inner, prefix + inner_prefix)
    return kinds


def _check_kinds(where: str, model: Recommender, arrays: Mapping[str, np.ndarray]) -> None:
    """Refuse arrays written by another model than the one ``model.json`` names: ``item_knn``
    and ``rp3beta`` (or ``als`` and ``ials``, ``gf_cf`` and ``bspm``) save arrays of the same
    names and shapes, so a ``model.json`` relabelled to the other (its checksum recomputed)
    loaded and served one model's arrays with the other's meaning."""
    if _KINDS not in arrays:
        return  # saved before the array was written: the declarations alone check it
    saved = arrays[_KINDS]
    entries = saved.tolist() if saved.dtype.kind == "U" and saved.ndim == 1 else []
    if not entries or not all(":" in entry for entry in entries):
        raise RecstackError(
            f"{where}: array {_KINDS!r} must list the models that saved the arrays as text "
            f"('PREFIX:NAME', the model itself first as ':NAME'), found {saved.dtype} "
            f"{list(saved.shape)} {echoed(shown(saved.tolist()))}; the archive was damaged "
            "or edited")
    prefixes = [entry.split(":", 1)[0] for entry in entries]
    repeated = sorted({prefix for prefix in prefixes if prefixes.count(prefix) > 1})
    if repeated:
        # read into a dict, the last entry of a prefix won: [':rp3beta', ':item_knn']
        # loaded rp3beta's arrays as item_knn's, the very relabelling this check refuses
        raise RecstackError(
            f"{where}: array {_KINDS!r} records more than one model under the prefix(es) "
            f"{repeated} (it lists {', '.join(repr(entry) for entry in entries)}); save "
            "writes each prefix once, so the archive was damaged or edited; save the model "
            "again")
    written = dict(entry.split(":", 1) for entry in entries)
    declared = dict(entry.split(":", 1) for entry in _saved_kinds(model))
    for prefix, name in declared.items():
        owner = written.get(prefix)
        if owner == name:
            continue
        if prefix == "":
            raise RecstackError(
                f"{where}: holds the arrays model {owner!r} saved (its array {_KINDS!r} "
                f"records the model that saved them), but {META} names model {name!r}; "
                f"loading would give them the meaning of model {name!r}: put back the "
                f"{META} saved with these arrays (model {owner!r}), or fit and save "
                f"{name!r} again")
        # where the model sits, in the words the model's array errors use: "members[0]
        # (rp3beta) of model 'blend'" (from "array 'x' of members[0] ... (saved as ...)")
        place = model._saved_array_label(f"{prefix}x").split(" of ", 1)[-1]
        place = place.split(" (saved as ", 1)[0]
        if owner is None:
            raise RecstackError(
                f"{where}: {META} declares model {name!r} for the arrays under {prefix!r} "
                f"({place}), but its array {_KINDS!r} records no model there (it lists "
                f"{', '.join(repr(entry) for entry in entries)}): the {META} or the archive "
                "was edited; save the model again")
        raise RecstackError(
            f"{where}: the arrays under {prefix!r} were saved by model {owner!r} (array "
            f"{_KINDS!r} records it), but {META} declares model {name!r} there ({place}); "
            f"loading would give them the meaning of model {name!r}: put back the {META} "
            "saved with these arrays, or fit and save the model again")
    extra = sorted(set(written) - set(declared))
    if extra:
        raise RecstackError(
            f"{where}: array {_KINDS!r} records models under {extra} "
            f"({', '.join(repr(written[prefix]) for prefix in extra)}) that {META} does not "
            "declare: the metadata or the archive was edited; save the model again")


_BASE_SPEC: dict[str, ArraySpec | SparseSpec] = {
    "user_ids": ArraySpec("id", ("n_users",)),
    "item_ids": ArraySpec("id", ("n_items",)),
    "seen": SparseSpec(("n_users", "n_items")),
}


# --------------------------------------------------------------------------- saving
def save_model(model: Recommender, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a fitted ``model`` to the folder ``path`` (see the module docstring).

    Raises
    ------
    RecstackError
        If ``path`` exists and ``overwrite`` is False, or cannot be written.
    """
    from recstack.models.base import Recommender

    if not isinstance(model, Recommender):
        # a path, a model's name or a class in the model's place (the two arguments
        # swapped) was "AttributeError: 'str' object has no attribute '_require_fitted'"
        swapped = isinstance(path, Recommender)
        given = (f"the class {model.__name__} itself" if isinstance(model, type) else
                 f"{type(model).__name__} {echoed(shown(model))}")
        raise ConfigError(
            f"save_model(model, path): model must be a fitted recstack model, got {given}"
            + ("; model and path are in each other's place: call save_model(model, path), "
               "or model.save(path)" if swapped else
               "; fit one first (recstack.models.create_model(name).fit(train))"))
    if not isinstance(overwrite, bool | np.bool_):
        # as model.save says it: the folder writer's refusal named neither the model nor
        # the call, and it refused numpy's True, which model.save takes
        raise ConfigError(f"{model.name}: save_model: overwrite must be True or False, got "
                          f"{shown(overwrite)}")
    overwrite = bool(overwrite)
    # hyperparameters changed since fit are refused there (the arrays follow fit's values)
    model._require_fitted("save")
    # "~" means the home folder, as for the data loaders (it made a folder named "~")
    path = checked_path(path, f"{model.name}: save(path)").expanduser()
    try:
        # what load_model would refuse in model.json is not written either (a model
        # assembled from arrays has no values of fit to compare with)
        model.validate_params()
    except RecstackError as error:
        raise RecstackError(f"{path} (not saved): {error}") from None
    for kind, ids in (("user", model.users_), ("item", model.items_)):
        problem = _unstorable_id(ids)
        if problem:
            raise RecstackError(f"{path} (not saved): {model.name}: {kind} id {problem}")
    arrays = {f"{_BASE_PREFIX}{k}": np.asarray(v) for k, v in _base_state(model).items()}
    arrays[_KINDS] = np.asarray(_saved_kinds(model), dtype=str)
    for name, value in model._state().items():
        arrays[name] = np.asarray(value)
    for name, value in arrays.items():
        if value.dtype.hasobject:
            raise TypeError(f"state array {name!r} has dtype object, which needs pickle")
    # what load_model would refuse is not written (e.g. factors that diverged to NaN)
    _check_arrays(f"{path} (not saved)", model, arrays)
    _refuse_unreplaceable(path, overwrite)
    with atomic_directory(path, overwrite=overwrite) as staging:
        np.savez(staging / ARRAYS, **arrays)  # type: ignore[arg-type]  # numpy stubs
        meta: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "recstack_version": __version__, "model": model.name,
            "params": json.loads(json.dumps(model.get_params(), default=_jsonable)),
            "arrays": {name: {"dtype": value.dtype.str, "shape": list(value.shape)}
                       for name, value in arrays.items()},
        }
        meta["sha256"] = {ARRAYS: _sha256(staging / ARRAYS), META: _metadata_digest(meta)}
        (staging / META).write_text(json.dumps(meta, indent=2, allow_nan=False) + "\n",
                                    encoding="utf-8")
    return path


def _refuse_unreplaceable(path: Path, overwrite: Any) -> None:
    """Refuse, saying what would work, a ``path`` that no ``overwrite`` may replace: a file,
    a link or a pipe where the folder goes (the writer's refusal did not say whether
    ``overwrite=True`` would help; it would not), or a folder that holds anything but a
    saved model (only :data:`META` and :data:`ARRAYS`, even damaged): ``overwrite=True``
    there would delete it all (``save("results", overwrite=True)`` wiped a results folder),
    and without it the writer said to pass ``overwrite=True``, which is then refused. A
    saved model or an empty folder is left to the atomic writer (replaced with
    ``overwrite=True``, else refused saying to pass it)."""
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        raise RecstackError(
            f"{path}: is {describe_path(path)}, but save writes a folder there ({META} and "
            f"{ARRAYS}); overwrite=True would not help, since it replaces only a saved "
            "model's folder or an empty folder, never anything else: choose another path, "
            "or remove it first")
    try:
        with os.scandir(path) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError:
        return  # the writer names what the system refuses
    foreign = [name for name in names if name not in (META, ARRAYS)]
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:3])
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        if overwrite is True:
            raise RecstackError(
                f"{path}: holds {shown}{more}, so it is not a saved model; overwrite=True "
                f"replaces only a saved model (a folder holding {META} and {ARRAYS}) or an "
                "empty folder, and would have deleted them: choose another folder")
        # the writer's "already exists; pass overwrite=True" led to the refusal above
        raise RecstackError(
            f"{path} already exists and holds {shown}{more}, so it is not a saved model; "
            f"overwrite=True would not help: it replaces only a saved model (a folder "
            f"holding {META} and {ARRAYS}) or an empty folder: choose another folder")


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    # an array or a frame set as a hyperparameter was repeated whole
    raise TypeError(f"hyperparameter value {shown_given(value)} cannot be written as JSON")


def _metadata_digest(meta: Mapping[str, Any]) -> str:
    body = {key: value for key, value in meta.items() if key != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                           allow_nan=False)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- loading
def _registry_hint(path: Path) -> str:
    """The way in when ``path`` is part of a model registry rather than a saved model: the
    README's `recstack fit --registry models/` writes ``models/NAME/versions/N/model``, and
    ``load_model("models/NAME")`` is a natural first try. The file names are the registry's
    (``recstack.serving.registry``), written out to keep this module free of serving."""
    if (path / "manifest.json").is_file() and (path / "model" / META).is_file():
        name_folder = path.parent.parent  # REGISTRY/NAME/versions/00000003
        version = int(path.name) if path.name.isdigit() else path.name
        return (f"; it is a registry version: load its model with load_model("
                f"'{path / 'model'}'), or checked against its manifest with "
                f"ModelRegistry('{name_folder.parent}').load('{name_folder.name}@{version}')")
    if (path / "state.json").is_file() and (path / "module.safetensors").is_file():
        # a training checkpoint (recstack.models.torch_training), named here to keep this
        # module free of torch
        return ("; it is a training checkpoint (checkpoint_dir), not a saved model: fit "
                "with checkpoint_dir set to it to resume or finish that run, then save the "
                "fitted model with model.save(path)")
    if (path / "current.json").is_file() or (path / "versions").is_dir():
        return (f"; it is a model name in a registry: load its current version with "
                f"ModelRegistry('{path.parent}').load('{path.name}') "
                "(recstack.serving.registry)")
    try:
        names = [child for child in path.iterdir() if (child / "current.json").is_file()]
    except OSError:  # an unreadable folder: the plain message says enough
        names = []
    if names:
        return (f"; it is a model registry: load a model with ModelRegistry('{path}')"
                f".load('{names[0].name}') (recstack.serving.registry)")
    return ""


def load_model(path: str | Path) -> Recommender:
    """Read a model saved by :func:`save_model`, refusing anything that does not check out.

    Raises
    ------
    RecstackError
        Naming the file and what is wrong, for any of the checks of the module docstring.
    """
    path = checked_path(path, "load_model(path)").expanduser()
    recover(path)  # an interrupted overwrite may have left the old version set aside
    meta = _read_metadata(path)
    _check_checksums(path, meta)
    model = _model_from_metadata(path, meta)
    arrays = _read_arrays(path, meta["arrays"])
    _check_arrays(str(path / ARRAYS), model, arrays)
    base = {k[len(_BASE_PREFIX):]: v for k, v in arrays.items() if k.startswith(_BASE_PREFIX)}
    state = {k: v for k, v in arrays.items() if not k.startswith(_BASE_PREFIX)}
    try:
        _restore_base(model, base)
        model._load_state(state)
    except RecstackError as error:
        raise RecstackError(f"{path}: {error}") from None
    # the values the arrays were fitted with, as fit records them: changed later, they are
    # refused by the model's methods and by save
    model._record_fitted_params()
    return model


def describe_artifact(path: str | Path) -> dict[str, Any]:
    """The metadata of a saved model (format, model, hyperparameters, arrays), checked like
    :func:`load_model` checks it, without reading the arrays: a model this recstack does not
    have, hyperparameters it would refuse, or an ``arrays`` list that is not one
    ``{"dtype", "shape"}`` entry per array are refused here as there (they were handed back
    as if sound, and load_model refused the same folder)."""
    path = checked_path(path, "describe_artifact(path)").expanduser()
    meta = _read_metadata(path)
    _check_metadata_digest(path / META, meta)
    model = _model_from_metadata(path, meta)
    _check_manifest(path / META, meta["arrays"])
    # the arrays it lists must be the model's (members swapped in a blend's params): the
    # names only, as the arrays are not read
    specs = _declared_specs(model)
    if specs is not None:
        _refuse_other_arrays(str(path / META), model, specs, set(meta["arrays"]))
    if _KINDS in meta["arrays"]:
        # which models saved the arrays (a model.json relabelled to a look-alike model):
        # this one small array is read; damage to the others is load_model's to find
        try:
            with np.load(path / ARRAYS, allow_pickle=False) as stored:
                kinds = {_KINDS: stored[_KINDS]}
        except (OSError, ValueError, KeyError, EOFError, TypeError, AttributeError,
                zipfile.BadZipFile):
            kinds = {}
        _check_kinds(str(path / ARRAYS), model, kinds)
    return meta


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, in JSON's words, for messages about a file that holds
    another kind of value than the one expected: ``a list ([1, 2])``, ``null``."""
    for kind, name in ((bool, "true/false"), (str, "text"), (int | float, "a number"),
                       (list, "a list"), (dict, "an object")):
        if isinstance(value, kind):
            return f"{name} ({echoed(json.dumps(value, default=str))})"
    return "null" if value is None else type(value).__name__


def _read_metadata(path: Path) -> dict[str, Any]:
    meta_path, arrays_path = path / META, path / ARRAYS
    a_model = f"a saved model is a folder with {META} and {ARRAYS}"
    # a link that loops or leads nowhere was "cannot read this path (Too many levels of
    # symbolic links)" or "no such folder": say what is there
    try:
        broken = broken_link(path)
    except (OSError, ValueError):  # a name too long, a NUL character: said just below
        broken = None
    if broken is not None:
        raise RecstackError(f"{path}: is {broken}; {a_model}")
    try:
        path.stat()
    except FileNotFoundError:
        pass  # refused just below, naming what a saved model is
    except NotADirectoryError:  # a file where a folder above it belongs
        raise RecstackError(f"{path}: cannot be a saved model: "
                            f"{blocking_parent(path)}") from None
    except (OSError, ValueError) as error:  # a name too long, a NUL character
        raise RecstackError(f"{path}: cannot read this path "
                            f"({getattr(error, 'strerror', None) or error})") from None
    if not path.exists():
        raise RecstackError(f"{path}: no such folder ({a_model})")
    if not path.is_dir():
        # one of the folder's two files given for the folder: name the folder to give
        hint = (f"; give the folder that holds it, {str(path.parent)!r}"
                if path.name in (META, ARRAYS) and (path.parent / META).is_file()
                and (path.parent / ARRAYS).is_file() else "")
        # a named pipe was "a file"
        raise RecstackError(f"{path}: is {describe_path(path)}; {a_model}{hint}")
    for needed in (meta_path, arrays_path):
        if not needed.is_file():
            there = describe_path(needed)
            if there != "nothing":
                # a folder, a pipe or a link that leads nowhere in the file's place was
                # called "missing"; opening a pipe would wait forever for a writer
                raise RecstackError(f"{path}: not a saved recstack model ({needed.name} is "
                                    f"{there}, not a file; it needs the files {META} and "
                                    f"{ARRAYS}): the folder was changed after saving")
            raise RecstackError(f"{path}: not a saved recstack model (missing {needed.name}; "
                                f"it needs {META} and {ARRAYS})"
                                + _registry_hint(path))
    # a byte-order mark from an editor that saved a hand edit is no part of the JSON (it
    # was called corrupted); an empty file (a save or a copy cut short) was "not valid JSON
    # (line 1, column 1: Expecting value)", and text in another encoding named only a byte:
    # said as a saved ranker's and a calibrator's metadata say it
    text = read_json_text(meta_path, "the metadata is corrupted: save the model again",
                          RecstackError)
    try:
        meta = strict_json.loads(text)
    except json.JSONDecodeError as error:
        raise RecstackError(f"{meta_path}: not valid JSON ({json_syntax_problem(error)}); "
                            "the metadata is corrupted") from None
    except ValueError as error:
        raise RecstackError(f"{meta_path}: not valid JSON ({error}); the metadata is "
                            "corrupted") from None
    except RecursionError:
        raise RecstackError(f"{meta_path}: JSON nested too deeply; the metadata is "
                            "corrupted") from None
    if not isinstance(meta, dict):
        # "found list", "found NoneType": Python's names for what the file holds
        raise RecstackError(f"{meta_path}: expected a JSON object, found "
                            f"{json_kind(meta)}; the metadata is corrupted")
    if meta.get("format") != FORMAT:
        # a missing field read "format None" and a JSON null "format None" too: say which
        found = ("no format field" if "format" not in meta
                 else f"format {json_kind(meta['format'])}")
        raise RecstackError(f"{meta_path}: not a recstack model ({found}, expected "
                            f"{FORMAT!r})")
    version = meta.get("format_version")
    if "format_version" not in meta or type(version) is not int or version < 1:
        # the field missing read "must be an integer, found None", as a JSON null did, and
        # text or 2.0 were Python's reprs; said as a registry manifest's version is. (A
        # version below 1, "no longer read ... fit and save the model again": no recstack
        # ever wrote one, so it is damage, not age)
        found = ("the field is missing" if "format_version" not in meta else
                 f"found {shown(version)}" if type(version) is int else
                 f"found {json_kind(version)}")
        raise RecstackError(f"{meta_path}: format_version must be a positive integer (the "
                            f"model format's version), "
                            f"{found}; the metadata is corrupted")
    if version > FORMAT_VERSION:
        written = _written_by(meta)
        raise RecstackError(f"{meta_path}: model format version {shown(version)}"
                            f"{f', saved by recstack {written}' if written else ''}; this "
                            f"recstack ({__version__}) reads {_readable_versions()}: upgrade "
                            f"recstack{f' (to {written} or later)' if written else ''} to "
                            "load it")
    if version < MIN_FORMAT_VERSION:
        raise RecstackError(f"{meta_path}: model format version {version} is no longer read "
                            f"(this recstack reads {_readable_versions()}, "
                            "which checksum the metadata too); fit and save the model again")
    missing = sorted(_META_FIELDS - set(meta))
    if missing:
        raise RecstackError(f"{meta_path}: missing field(s) {missing}; the metadata is "
                            "corrupted")
    unknown = sorted(set(meta) - _META_FIELDS)
    if unknown:
        raise RecstackError(f"{meta_path}: unknown field(s) {unknown}; the metadata was "
                            "edited or is corrupted")
    if not isinstance(meta["recstack_version"], str) or not meta["recstack_version"]:
        raise RecstackError(f"{meta_path}: recstack_version must be the version text that "
                            f"saved the model (e.g. {__version__!r}), found "
                            f"{meta['recstack_version']!r}; the metadata is corrupted")
    return meta


def _check_metadata_digest(meta_path: Path, meta: dict[str, Any]) -> None:
    checksums = meta.get("sha256")
    if (not isinstance(checksums, dict) or set(checksums) != {ARRAYS, META}
            or not all(isinstance(v, str) for v in checksums.values())):
        raise RecstackError(f"{meta_path}: sha256 must map {ARRAYS!r} and {META!r} to "
                            f"hexadecimal digests, found {checksums!r}")
    try:
        actual = _metadata_digest(meta)
    except (TypeError, ValueError) as error:
        raise RecstackError(f"{meta_path}: metadata cannot be checksummed ({error})") from None
    if checksums[META] != actual:
        raise RecstackError(f"{meta_path}: checksum mismatch for the metadata (expected "
                            f"{checksums[META]}, got {actual}); it was edited or is corrupted")


def _check_checksums(path: Path, meta: dict[str, Any]) -> None:
    _check_metadata_digest(path / META, meta)
    expected = meta["sha256"][ARRAYS]
    try:
        empty = (path / ARRAYS).stat().st_size == 0
        actual = _sha256(path / ARRAYS)
    except OSError as error:
        raise RecstackError(f"{path / ARRAYS}: cannot read ({error.strerror})") from None
    if empty and expected != actual:
        # "checksum mismatch (expected 9914..., got e3b0...)" hid that nothing is there
        raise RecstackError(f"{path / ARRAYS}: is empty (0 bytes): a save or a copy was cut "
                            "short; copy the whole model folder again, or save the model "
                            "again")
    if expected != actual:
        raise RecstackError(f"{path / ARRAYS}: checksum mismatch (expected {expected}, got "
                            f"{actual}); the artifact is corrupted or was modified")


def _model_from_metadata(path: Path, meta: dict[str, Any]) -> Recommender:
    from recstack.models.registry import available_models, model_class

    meta_path = path / META
    name, params = meta["model"], meta["params"]
    if not isinstance(name, str) or name not in available_models():
        # 'EASE' or 'item-knn' for 'ease' or 'item_knn': say the name that is registered
        hint = did_you_mean(name, available_models()) if isinstance(name, str) else ""
        raise RecstackError(f"{meta_path}: unknown model {name!r}{hint}; this recstack has: "
                            f"{', '.join(available_models())}")
    if not isinstance(params, dict):
        raise RecstackError(f"{meta_path}: params must be a JSON object, found "
                            f"{json_kind(params)}; the metadata is corrupted")
    cls = model_class(name)
    declared = set(cls.params)
    unknown, missing = sorted(set(params) - declared), sorted(declared - set(params))
    # a setting added after the file was saved takes its default, the behaviour the model
    # was fitted under (threads and NeuMF's fine-tuning settings made every torch model
    # saved before them unloadable, "missing: ['num_threads']")
    missing = [name for name in missing if not cls.params[name].added_later]
    if unknown or missing:
        raise RecstackError(
            f"{meta_path}: the hyperparameters do not match model {name!r}"
            + (f"; unknown: {unknown}" if unknown else "")
            + (f"; missing: {missing}" if missing else "")
            + f" (its parameters are: {', '.join(sorted(declared)) or '(none)'})")
    try:
        model = cls(**params)
        model.validate_params()
    except RecstackError as error:
        raise RecstackError(f"{meta_path}: {error}") from None
    except (TypeError, ValueError) as error:
        raise RecstackError(f"{meta_path}: hyperparameters refused by {name!r}: "
                            f"{error}") from None
    return model


def _read_arrays(path: Path, manifest: Any) -> dict[str, np.ndarray]:
    """Read every array of the archive, checking each against the metadata's list before
    allocating it; any damage is a RecstackError, whatever the reader tripped over."""
    arrays_path = path / ARRAYS
    _check_manifest(path / META, manifest)
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(arrays_path) as archive:
            listed = archive.infolist()
            members = {info.filename: info for info in listed}
            if len(members) != len(listed):
                # one name stored twice: this reader took the last copy, np.load and unzip
                # may take another, so which array the model holds would depend on the tool
                counts = Counter(info.filename for info in listed)
                twice = next(name for name, count in counts.items() if count > 1)
                raise RecstackError(f"{arrays_path}: holds {twice!r} twice; np.savez writes "
                                    "each array once, so the archive was damaged or edited")
            stored = {name[:-4] for name in members if name.endswith(".npy")}
            if stored != set(manifest) or len(stored) != len(members):
                extra = sorted(set(members) - {f"{n}.npy" for n in manifest})
                absent = sorted(set(manifest) - stored)
                raise RecstackError(f"{arrays_path}: holds other arrays than {META} lists"
                                    + (f"; missing: {absent}" if absent else "")
                                    + (f"; not listed: {extra}" if extra else ""))
            for name, entry in manifest.items():
                info = members[f"{name}.npy"]
                with archive.open(info) as member:
                    arrays[name] = _read_member(arrays_path, name, member, info.file_size,
                                                entry)
    except RecstackError:
        raise
    except Exception as error:  # noqa: BLE001 (a damaged archive can fail in many ways)
        raise RecstackError(f"{arrays_path}: unreadable archive ({type(error).__name__}: "
                            f"{error}); the artifact is corrupted") from None
    return arrays


def _check_manifest(meta_path: Path, manifest: Any) -> None:
    """Refuse a metadata ``arrays`` field that is not one ``{"dtype": str, "shape": [int,
    ...]}`` entry per array name."""
    if not isinstance(manifest, dict) or not all(
            isinstance(entry, dict) and set(entry) == {"dtype", "shape"}
            and isinstance(entry["dtype"], str) and isinstance(entry["shape"], list)
            and all(type(n) is int and n >= 0 for n in entry["shape"])
            for entry in manifest.values()):
        raise RecstackError(f"{meta_path}: arrays must map each array name to "
                            "{\"dtype\": ..., \"shape\": [...]}; the metadata is corrupted")


def _read_member(arrays_path: Path, name: str, member: Any, stored_size: int,
                 entry: dict[str, Any]) -> np.ndarray:
    fmt = np.lib.format
    version = fmt.read_magic(member)
    if version == (1, 0):
        shape, fortran, dtype = fmt.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran, dtype = fmt.read_array_header_2_0(member)
    else:
        raise RecstackError(f"{arrays_path}: array {name!r} has npy format {version}")
    if dtype.hasobject:
        raise RecstackError(f"{arrays_path}: array {name!r} holds Python objects, which "
                            "recstack never writes (they would need pickle)")
    if dtype.str != entry["dtype"] or list(shape) != entry["shape"]:
        raise RecstackError(f"{arrays_path}: array {name!r} is {dtype.str} {list(shape)}, but "
                            f"{META} lists {entry['dtype']} {entry['shape']}")
    if math.prod(shape) * dtype.itemsize > stored_size:
        raise RecstackError(f"{arrays_path}: array {name!r} is truncated")
    # read straight into the array: one copy of it in memory, not two
    array = np.empty(math.prod(shape), dtype=dtype)
    if array.nbytes and member.readinto(array.view(np.uint8)) != array.nbytes:
        raise RecstackError(f"{arrays_path}: array {name!r} is truncated")
    if fortran:
        return np.ascontiguousarray(array.reshape(shape[::-1]).transpose())
    return array.reshape(shape)


# --------------------------------------------------------------------------- array checks
def _check_arrays(where: str, model: Recommender, arrays: dict[str, np.ndarray]) -> None:
    """Check ``arrays`` against the model's declaration; errors start with ``where``."""
    specs = _declared_specs(model)
    if specs is None:
        raise RecstackError(f"{where}: model {model.name!r} does not declare its saved "
                            "arrays (_state_spec), so they cannot be checked")
    _refuse_other_arrays(where, model, specs, set(arrays))
    _check_kinds(where, model, arrays)
    for kind in ("user", "item"):
        ids = arrays[f"{_BASE_PREFIX}{kind}_ids"]
        if ids.ndim != 1:  # their lengths size every other array: checked first
            raise RecstackError(f"{where}: array '{_BASE_PREFIX}{kind}_ids' of model "
                                f"{model.name!r} has {ids.ndim} dimension(s) {ids.shape}, "
                                f"expected 1 (one id per {kind})")
    symbols: dict[str, int] = {
        "n_users": len(arrays[f"{_BASE_PREFIX}user_ids"]),
        "n_items": len(arrays[f"{_BASE_PREFIX}item_ids"]),
    }
    for param, value in model.get_params().items():
        if type(value) is int:
            symbols[param] = value
    checker = _Checker(where, model, symbols)
    for name, spec in specs.items():
        if isinstance(spec, SparseSpec):
            checker.sparse(name, spec, arrays)
        else:
            checker.array(name, spec, arrays[name])
    for name in ("user_ids", "item_ids"):
        ids = arrays[f"{_BASE_PREFIX}{name}"]
        if ids.dtype.kind == "f" and (ids.dtype.itemsize < 4 or not np.isfinite(ids).all()):
            # an id vocabulary is built on a pandas index, which has no float16
            raise RecstackError(f"{where}: {name} are {ids.dtype} with NaN, infinite or "
                                "half-precision values; ids are integers, text, or finite "
                                "float32/float64")
        if len(np.unique(ids)) != len(ids):
            raise RecstackError(f"{where}: {name} has repeated ids")
    check_state = getattr(model, "_check_state", None)
    if check_state is not None:
        problem = check_state(arrays)
        if problem:
            raise RecstackError(f"{where}: {problem}")


def _declared_specs(model: Recommender) -> dict[str, ArraySpec | SparseSpec] | None:
    """Every array ``model`` saves (its own and the base ones), or None when it declares
    none."""
    state_spec = model._state_spec() if hasattr(model, "_state_spec") else None
    if state_spec is None:
        return None
    specs: dict[str, ArraySpec | SparseSpec] = {
        f"{_BASE_PREFIX}{k}": v for k, v in _BASE_SPEC.items()}
    specs.update(state_spec)
    return specs


def _refuse_other_arrays(where: str, model: Recommender,
                         specs: Mapping[str, ArraySpec | SparseSpec], names: set[str]) -> None:
    expected = expected_array_names(specs) | ({_KINDS} & names)  # _KINDS: optional
    missing, extra = sorted(expected - names), sorted(names - expected)
    if missing or extra:
        raise RecstackError(f"{where}: the arrays do not match model {model.name!r}"
                            + (f"; missing: {missing}" if missing else "")
                            + (f"; unexpected: {extra}" if extra else ""))


def expected_array_names(specs: Mapping[str, ArraySpec | SparseSpec]) -> set[str]:
    names = set()
    for name, spec in specs.items():
        if isinstance(spec, SparseSpec):
            names |= {f"{name}_{part}" for part in ("indptr", "indices", "data", "shape")}
        else:
            names.add(name)
    return names


_DTYPE_FAMILIES = {"int": "iu", "str": "U", "id": "iufU"}
_SYMBOL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:([+*])\s*(\d+))?\s*$")


class _Checker:
    """Checks arrays against declarations, binding free shape symbols on first sight."""

    def __init__(self, where: str, model: Recommender, symbols: dict[str, int]) -> None:
        self.where = where
        self.model = model
        self.symbols = dict(symbols)
        self.bound_by: dict[str, str] = {}

    def fail(self, name: str, problem: str) -> None:
        raise RecstackError(f"{self.where}: {self.model._saved_array_label(name)} {problem}")

    def dtype(self, name: str, wanted: str, array: np.ndarray) -> None:
        family = _DTYPE_FAMILIES.get(wanted)
        ok = (array.dtype.kind in family) if family else array.dtype == np.dtype(wanted)
        if not ok:
            self.fail(name, f"has dtype {array.dtype}, expected {wanted}")

    def resolve(self, name: str, axis: int, dim: int | str, actual: int) -> int:
        """The declared length of ``axis`` (binding a free symbol to ``actual``)."""
        if isinstance(dim, int):
            return dim
        match = _SYMBOL.match(dim)
        if match is None:
            raise ValueError(f"bad shape symbol {dim!r} in {self.model.name}._state_spec")
        symbol, operator, operand = match.groups()
        if symbol not in self.symbols:
            if operator is None:
                self.symbols[symbol] = actual
            elif operator == "+":
                self.symbols[symbol] = actual - int(operand)
            elif actual % int(operand) == 0:
                self.symbols[symbol] = actual // int(operand)
            else:
                return -1
            self.bound_by[symbol] = f"{name!r} axis {axis}"
        value = self.symbols[symbol]
        if operator == "+":
            return value + int(operand)
        if operator == "*":
            return value * int(operand)
        return value

    def shape(self, name: str, declared: tuple[int | str, ...], actual: tuple[int, ...],
              why: str | None = None) -> None:
        """Refuse ``actual`` unless it is the ``declared`` shape; ``why``: where a declared
        length taken from another array comes from (a sparse matrix's parts), said in the
        refusal: "expected 239 (239)" named neither the other array nor the rule, so a
        shortened ``data`` was reported as ``indices`` of the wrong length, unexplained."""
        if len(declared) != len(actual):
            self.fail(name, f"has {len(actual)} dimension(s) {actual}, expected "
                            f"{len(declared)} {tuple(declared)}")
        for axis, (dim, length) in enumerate(zip(declared, actual, strict=True)):
            wanted = self.resolve(name, axis, dim, length)
            if wanted != length:
                reason = (f" ({why})" if why else
                          f" ({dim}{self._origin(dim)})" if isinstance(dim, str) else "")
                self.fail(name, f"has length {length} on axis {axis}, expected {wanted}"
                                f"{reason}; shape {actual} vs declared {tuple(declared)}")

    def _origin(self, dim: int | str) -> str:
        if not isinstance(dim, str):
            return ""
        match = _SYMBOL.match(dim)
        symbol = match.group(1) if match else dim
        if symbol in ("n_users", "n_items"):
            return f" = length of the {symbol[2:-1]} id list"
        if symbol in self.bound_by:
            return f", as in {self.bound_by[symbol]}"
        return f" = hyperparameter {symbol}" if symbol in self.model.get_params() else ""

    def bound(self, value: float | str | None) -> float | None:
        if value is None or isinstance(value, int | float):
            return value
        match = _SYMBOL.match(value)
        if match is None or match.group(1) not in self.symbols:
            raise ValueError(f"bad bound {value!r} in {self.model.name}._state_spec")
        return self.resolve("bound", 0, value, 0)

    def values(self, name: str, spec: ArraySpec | SparseSpec, array: np.ndarray) -> None:
        if array.dtype.kind in "fc" and spec.finite and not np.isfinite(array).all():
            bad = int((~np.isfinite(array)).sum())
            self.fail(name, f"has {bad} value(s) that are NaN or infinite")
        if array.dtype.kind == "f" and spec.max_abs is not None and array.size:
            largest = float(np.abs(array).max())
            if largest > spec.max_abs:
                self.fail(name, f"has a value of magnitude {largest:.3g}, beyond the "
                                f"{spec.max_abs:.0e} no learned weight reaches")
        if isinstance(spec, ArraySpec) and spec.nonzero and array.size and not array.any():
            self.fail(name, "holds only zeros; a fitted model's vectors and weights never "
                            "do (every score would be 0, or the same for every user or "
                            "item), so the file was damaged or edited")
        if isinstance(spec, ArraySpec) and array.size and array.dtype.kind in "iuf":
            low, high = self.bound(spec.low), self.bound(spec.high)
            if low is not None and array.min() < low:
                self.fail(name, f"has value {array.min()} below its minimum {spec.low}")
            if high is not None and array.max() > high:
                self.fail(name, f"has value {array.max()} above its maximum {spec.high}")

    def array(self, name: str, spec: ArraySpec, array: np.ndarray) -> None:
        self.dtype(name, spec.dtype, array)
        self.shape(name, spec.shape, array.shape)
        self.values(name, spec, array)

    def sparse(self, prefix: str, spec: SparseSpec, arrays: dict[str, np.ndarray]) -> None:
        indptr, indices = arrays[f"{prefix}_indptr"], arrays[f"{prefix}_indices"]
        data, shape = arrays[f"{prefix}_data"], arrays[f"{prefix}_shape"]
        for part, array in (("indptr", indptr), ("indices", indices), ("shape", shape)):
            self.dtype(f"{prefix}_{part}", "int", array)
        self.dtype(f"{prefix}_data", spec.dtype, data)
        self.shape(f"{prefix}_shape", (2,), shape.shape)
        rows, columns = (int(v) for v in shape)
        if rows < 0 or columns < 0:
            self.fail(f"{prefix}_shape", f"has a negative length: {(rows, columns)}")
        self.shape(f"{prefix}_shape", spec.shape, (rows, columns))
        if indices.ndim != 1 or data.ndim != 1:
            self.fail(prefix, "is not a valid sparse matrix (indices and data must be 1-D)")
        self.shape(f"{prefix}_indptr", (rows + 1,), indptr.shape,
                   f"a row pointer holds one more entry than the {rows:,} rows "
                   f"'{prefix}_shape' gives")
        self.shape(f"{prefix}_indices", (len(data),), indices.shape,
                   f"one column index for each of the {len(data):,} values of "
                   f"'{prefix}_data': the two must be as long, so one of them was cut or "
                   "edited")
        if indptr[0] != 0 or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
            self.fail(f"{prefix}_indptr", "is not a valid row pointer (must rise from 0 to "
                                          "the number of stored values)")
        if len(indices) and (indices.min() < 0 or indices.max() >= columns):
            self.fail(f"{prefix}_indices", f"has column indices outside [0, {columns})")
        self.canonical(prefix, indptr, indices)
        self.values(f"{prefix}_data", spec, data)
        if spec.max_per_row is not None and rows:
            most = self.bound(spec.max_per_row)
            counts = np.diff(np.asarray(indptr, np.int64))
            if most is not None and counts.max() > most:
                row = int(np.argmax(counts))
                named = (f"{spec.max_per_row} = {int(most)}" if isinstance(spec.max_per_row, str)
                         else str(int(most)))
                self.fail(prefix, f"holds {counted(int(counts[row]), 'value')} in row {row}, "
                                  "but the "
                                  f"hyperparameters in {META} keep at most {named} a row; "
                                  "they and the arrays disagree, so one of the two files was "
                                  "edited")

    def canonical(self, prefix: str, indptr: np.ndarray, indices: np.ndarray) -> None:
        """Refuse a row holding a column twice: matrices are saved summed, and a repeated
        column was counted twice by one scoring path and once by another. Columns out of
        order are no damage (artifacts saved before matrices were sorted hold them):
        :func:`sparse_from_state` sorts them."""
        if len(indices) < 2:
            return
        counts: np.ndarray = np.diff(np.asarray(indptr, np.int64))
        rows = np.repeat(np.arange(len(indptr) - 1), counts)
        order = np.lexsort((indices, rows))
        columns, rows = indices[order], rows[order]
        repeated = np.flatnonzero((columns[1:] == columns[:-1]) & (rows[1:] == rows[:-1]))
        if len(repeated):
            at = int(repeated[0])
            self.fail(f"{prefix}_indices", f"holds column {int(columns[at])} twice in row "
                                           f"{int(rows[at])}; saved matrices hold each "
                                           "column of a row once, so the file was damaged "
                                           "or edited")


# --------------------------------------------------------------------------- base state
def _base_state(model: Recommender) -> dict[str, np.ndarray]:
    return {"user_ids": _storable_ids(model.users_), "item_ids": _storable_ids(model.items_),
            **sparse_state("seen", model.seen_)}


def _restore_base(model: Recommender, state: dict[str, np.ndarray]) -> None:
    model.users_ = IdMap.restore(state["user_ids"])
    model.items_ = IdMap.restore(state["item_ids"])
    model.seen_ = sparse_from_state("seen", state)


def _readable_versions() -> str:
    """The model format versions this recstack reads, for messages ("versions 2 to 2"
    read oddly where it reads one)."""
    if MIN_FORMAT_VERSION == FORMAT_VERSION:
        return f"version {FORMAT_VERSION} only"
    return f"versions {MIN_FORMAT_VERSION} to {FORMAT_VERSION}"


def _written_by(meta: dict[str, Any]) -> str:
    """Which recstack saved the model, from ``model.json`` (``"0.3.0"``: what to upgrade
    to), or "" where the field is missing, not text, or this recstack's own version (a
    newer format under the same number: an edited file or a development build, which
    says nothing of what to upgrade to)."""
    written = meta.get("recstack_version")
    if not isinstance(written, str) or not written.strip() or written.strip() == __version__:
        return ""
    return echoed(written.strip(), 40)


def _unstorable_id(ids: IdMap) -> str | None:
    """What keeps a text id from being saved as it is, or None: numpy's fixed-width text,
    the saved form of text ids, drops trailing NUL characters, so ``'a\\x00'`` came back
    as ``'a'`` (refused as a repeated id beside ``'a'``, and otherwise loaded as another
    id than the one the model was fitted with). Data built by the loaders, ``IdMap()``
    and ``IdMap.encode`` refuse such ids already; this check is for the vocabularies set
    by hand, which it can still reach: ``IdMap.restore`` (the reader of saved ids) keeps
    ids as given, and an ``Interactions`` built on such a map trains a model that holds
    them."""
    external = np.asarray(ids.external_ids)
    if external.dtype != object:
        return None
    for position, value in enumerate(external.tolist()):
        if isinstance(value, str) and value.endswith("\x00"):
            return (f"{value!r} (position {position}) ends with a NUL character ('\\x00'), "
                    "which the saved id list cannot keep (it would load as "
                    f"{value.rstrip(chr(0))!r}); strip NUL characters from the ids before "
                    "building the interactions")
    return None


def _storable_ids(ids: IdMap) -> np.ndarray:
    external = np.asarray(ids.external_ids)
    if external.dtype == object:
        # strings come back as a fixed-width unicode array: no pickle needed
        return external.astype(str)
    return external


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rebound_spec(entry: Any, symbols: dict[str, int], prefix: str) -> Any:
    """A nested model's array declaration restated in its container's terms (a blend's
    members, a two-stage model's generators, a re-ranked model's inner model), for arrays
    saved under ``prefix``: the nested model's integer hyperparameters (``symbols``) become
    their values, other free names get the prefix (so two members' ``factors`` are not forced
    equal); ``n_users``/``n_items`` stay."""

    def symbol(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _SYMBOL.match(value)
        if match is None:
            return value
        name, operator, number = match.groups()
        if name in ("n_users", "n_items"):
            return value
        if name in symbols:
            base = symbols[name]
            if operator is None:
                return base
            return base + int(number) if operator == "+" else base * int(number)
        return prefix + value.strip()

    changes: dict[str, Any] = {"shape": tuple(symbol(s) for s in entry.shape)}
    if isinstance(entry, ArraySpec):
        changes["low"] = symbol(entry.low)
        changes["high"] = symbol(entry.high)
    else:
        changes["max_per_row"] = symbol(entry.max_per_row)
    return dataclasses.replace(entry, **changes)
