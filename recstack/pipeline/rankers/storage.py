"""Saving and loading rankers: a folder of the ranker's own safe files plus ``ranker.json``.

``ranker.json`` holds the format and its version, the ranker's registry name, its
hyperparameters, the feature schema it was fitted with, what the ranker chose to keep
(``state``: e.g. the architecture's sizes), and the SHA-256 of every other file of the
folder and of the metadata itself (its canonical JSON without the ``sha256`` field). The
other files are never pickles: LightGBM's text model, ``.npz`` read with
``allow_pickle=False``, safetensors. Loading checks, in order: the metadata is a JSON object
of this format and version; the checksums; the ranker is registered and its hyperparameters
pass :meth:`Ranker.validate_params`; then the ranker reads its files (which record the
features they were fitted on, in order: a schema edited to others is refused). Anything else is
refused with a :class:`~recstack.errors.RecstackError` naming the file. A file of the folder
that ``ranker.json`` does not list (notes, a copy left beside) is never read, so it is
ignored, as :func:`recstack.models.load_model` ignores one beside a saved model. The folder is
written with :func:`recstack.atomic.atomic_directory` (an overwrite keeps the old ranker
readable until the new one is complete).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recstack import __version__, strict_json
from recstack.atomic import atomic_directory, recover
from recstack.errors import ConfigError, RecstackError, shown
from recstack.models.persistence import META as MODEL_META
from recstack.pipeline._paths import (
    refuse_not_folder,
    refuse_unreadable_file,
)
from recstack.pipeline.position_bias import MAX_POSITION
from recstack.pipeline.schema import FeatureSchema
from recstack.strict_json import json_syntax_problem, read_json_text

if TYPE_CHECKING:
    from recstack.pipeline.rankers.base import Ranker

FORMAT = "recstack-ranker"
FORMAT_VERSION = 1
META = "ranker.json"
#: the key of a ranker's state holding the positions it learned from
_LOGGED = "logged_positions"
_FIELDS = {"format", "format_version", "recstack_version", "ranker", "params", "schema",
           "state", "sha256"}


def save_ranker(ranker: Ranker, path: str | Path, *, overwrite: bool = False) -> Path:
    path = _as_path(path, f"{ranker.name}.save")
    # as a calibrator's save reads it: text ("no") named neither the ranker nor its save,
    # and numpy's true (a flag read from an array) was refused
    if not isinstance(overwrite, bool | np.bool_):
        raise ConfigError(f"{ranker.name}.save: overwrite must be True (replace an "
                          f"existing folder) or False, got {shown(overwrite)}")
    with atomic_directory(path, overwrite=bool(overwrite)) as staging:
        state = ranker._save_files(staging)
        logged = getattr(ranker, "logged_positions_", None)
        if logged is not None:
            # the positions it learned from, against which a serving position is checked
            state = {**state, _LOGGED: list(logged)}
        files = sorted(p.name for p in staging.iterdir())
        meta: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "recstack_version": __version__, "ranker": ranker.name,
            "params": _jsonable(ranker.get_params()),
            "schema": ranker.schema_.to_json(), "state": _jsonable(state),
        }
        meta["sha256"] = {name: _sha256(staging / name) for name in files}
        meta["sha256"][META] = _digest(meta)
        (staging / META).write_text(json.dumps(meta, indent=2, allow_nan=False) + "\n",
                                    encoding="utf-8")
    return path


def load_ranker(path: str | Path) -> Ranker:
    """Read a ranker written by :meth:`Ranker.save`, refusing anything that does not check
    out (see the module docstring)."""
    from recstack.pipeline.rankers.registry import ranker_class

    path = _as_path(path, "load_ranker")
    recover(path)
    # a file, a pipe, a link that loops or leads nowhere: said as what it is (a link that
    # loops was "no ranker.json")
    refuse_not_folder(path, "ranker", META, RecstackError)
    meta_path = path / META
    # a pipe was opened and waited for a writer forever; a folder or a broken link was
    # "no ranker.json" though something of that name is there
    refuse_unreadable_file(meta_path, f"a saved ranker's {META} is a file: save the "
                           "ranker again", RecstackError)
    if not meta_path.is_file():
        model = (f"; it holds {MODEL_META}, a saved model, which "
                 "recstack.models.load_model reads" if (path / MODEL_META).is_file() else "")
        raise RecstackError(f"{path}: not a saved recstack ranker (no {META}){model}")
    # a file without read permission, or one the disk cannot give back, was a traceback;
    # an empty one (a save cut short) "not valid UTF-8 JSON (Expecting value: line 1 column
    # 1 (char 0))"; an editor's byte-order mark (a hand edit) is no part of the JSON, as a
    # saved model's and a calibrator's metadata read it
    text = read_json_text(meta_path, "the metadata is corrupted: save the ranker again",
                          RecstackError)
    try:
        meta = strict_json.loads(text)
    except json.JSONDecodeError as error:
        raise RecstackError(f"{meta_path}: not valid UTF-8 JSON ({json_syntax_problem(error)})"
                            "; the metadata is corrupted") from None
    except ValueError as error:
        raise RecstackError(f"{meta_path}: not valid UTF-8 JSON ({error}); the metadata is "
                            "corrupted") from None
    except RecursionError:
        # nesting thousands deep: Python's JSON reader runs out of stack
        raise RecstackError(f"{meta_path}: nested too deeply to be a ranker's metadata; it "
                            "is corrupted") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise RecstackError(f"{meta_path}: not a recstack ranker (format "
                            f"{meta.get('format') if isinstance(meta, dict) else None!r}, "
                            f"expected {FORMAT!r})")
    version = meta.get("format_version")
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        raise RecstackError(f"{meta_path}: ranker format version {version!r}; this recstack "
                            f"({__version__}) reads 1 to {FORMAT_VERSION}")
    if set(meta) != _FIELDS:
        raise RecstackError(f"{meta_path}: fields {sorted(set(meta) ^ _FIELDS)} missing or "
                            "unexpected; the metadata was edited or is corrupted")
    checksums = meta["sha256"]
    if not isinstance(checksums, dict) or checksums.get(META) != _digest(meta):
        raise RecstackError(f"{meta_path}: checksum mismatch for the metadata; it was edited "
                            "or is corrupted")
    for name, expected in checksums.items():
        if name == META:
            continue
        file = path / name
        if Path(name).name == name:
            # a pipe waited forever in the checksum; a folder or a link that loops was
            # "missing" though something of that name is there
            refuse_unreadable_file(file, "the ranker saved a file here: save the ranker "
                                   "again", RecstackError)
        if Path(name).name != name or not file.is_file():
            raise RecstackError(f"{file}: missing (the ranker's metadata lists it)")
        try:
            digest = _sha256(file)
        except OSError as error:
            raise RecstackError(f"{file}: cannot read ({error.strerror or error})") from None
        if digest != expected:
            raise RecstackError(f"{file}: checksum mismatch; the file was changed or is "
                                "corrupted")
    if not isinstance(meta["ranker"], str) or not isinstance(meta["params"], dict):
        raise RecstackError(f"{meta_path}: 'ranker' must be a ranker's name and 'params' an "
                            "object of its hyperparameters; the metadata is corrupted")
    cls = ranker_class(meta["ranker"])
    unlisted = [name for name in cls.model_files if name not in checksums]
    if unlisted:
        # read by the ranker but checked by nothing: a model file from another save
        raise RecstackError(f"{path / unlisted[0]}: {cls.name} reads this file, but {META} "
                            "does not list it among its checksums; the metadata was edited "
                            "or belongs to another ranker: save the ranker again")
    for name in cls.model_files:
        refuse_foreign_model_file(path / name, cls.name)
    try:
        # JSON has no tuples: sequences come back as the tuples they were declared as
        ranker = cls(**{k: tuple(v) if isinstance(v, list) else v
                        for k, v in meta["params"].items()})
        ranker.validate_params()
        # the schema first: a ranker checks its files against it
        ranker.schema_ = FeatureSchema.from_json(meta["schema"])
        ranker._load_files(path, meta["state"])
        ranker.logged_positions_ = _logged_positions(meta["state"], meta_path)
        ranker.fitted_params_ = copy.deepcopy(ranker.get_params())
    except RecstackError as error:
        raise RecstackError(f"{path}: {error}") from None
    except ValueError as error:
        if "allow_pickle" in str(error):
            # numpy's own message advised loading the file "unsafely" with pickle, which
            # can run any code the file holds; recstack never writes pickled arrays
            raise RecstackError(f"{path}: a model file of the ranker holds pickled Python "
                                "objects, which recstack never writes and never reads "
                                "(opening them can run code); the file was replaced: save "
                                "the ranker again") from None
        raise RecstackError(f"{path}: the saved ranker does not fit {cls.name} "
                            f"(ValueError: {error})") from None
    except (KeyError, TypeError, AttributeError) as error:
        raise RecstackError(f"{path}: the saved ranker does not fit {cls.name} "
                            f"({type(error).__name__}: {error})") from None
    except Exception as error:  # noqa: BLE001 (the model file's own reader fails many ways)
        # a model file whose checksum was made to match its damage failed in its format's
        # reader (zipfile, safetensors), e.g. "BadZipFile: File is not a zip file", with a
        # traceback
        raise RecstackError(f"{path}: the ranker's model file cannot be read "
                            f"({type(error).__name__}: {error}); it is damaged: save the "
                            "ranker again") from None
    return ranker


#: the model file formats rankers write, by the suffix of the file's name: what the format
#: is called and the bytes every file of it starts with (a safetensors file: an 8-byte
#: little-endian header length, then its JSON header)
_MODEL_FORMATS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".txt": ("a LightGBM text model (the lightgbm ranker's)", (b"tree\n", b"tree\r\n")),
    ".npz": ("a numpy .npz archive (the logistic ranker's)", (b"PK\x03\x04", b"PK\x05\x06")),
    ".safetensors": ("safetensors weights (a PyTorch ranker's: wide_deep, dcn_v2, multitask)",
                     ()),
}


def _model_format(head: bytes, size: int) -> str | None:
    """The suffix of the format whose files (of ``size`` bytes) start with ``head``, or
    None."""
    for suffix, (_, starts) in _MODEL_FORMATS.items():
        if any(head.startswith(start) for start in starts):
            return suffix
    # a header length that fits the file: 8 bytes of text read as one are about 1e18
    if len(head) > 8 and head[8:9] == b"{" \
            and int.from_bytes(head[:8], "little") <= size - 8:
        return ".safetensors"
    return None


def refuse_foreign_model_file(file: Path, ranker: str) -> None:
    """Refuse a model ``file`` whose bytes are of another ranker's format than its name
    says, naming the format it holds: another ranker's model copied over it (its checksum
    set to match) was told as the reader's own failure, e.g. LightGBM's "UnicodeDecodeError:
    'utf-8' codec can't decode byte 0xd2" or safetensors' "header too large", naming no
    ranker."""
    expected = _MODEL_FORMATS.get(file.suffix)
    if expected is None:
        return
    try:
        with open(file, "rb") as handle:
            head = handle.read(16)
        size = file.stat().st_size
    except OSError as error:
        raise RecstackError(f"{file}: cannot read ({error.strerror or error})") from None
    found = _model_format(head, size)
    if found is None or found == file.suffix:
        # content of no known format is damage, which the ranker's reader tells in detail
        return
    raise RecstackError(f"{file}: the {ranker} ranker reads {expected[0]} from this file, but "
                        f"it holds {_MODEL_FORMATS[found][0]}; the folder mixes the files of "
                        "two saved rankers: save the ranker again")


def _logged_positions(state: Any, file: Path) -> tuple[str, float, float] | None:
    """The saved ``[feature, smallest, largest]`` logged position of a ranker's state
    (:func:`~recstack.pipeline.rankers.base.logged_position_range`); None for a ranker
    saved without it (before it was recorded, or trained without a position feature)."""
    saved = state.get(_LOGGED) if isinstance(state, dict) else None
    if saved is None:
        return None
    if isinstance(saved, list) and len(saved) == 3 and isinstance(saved[0], str) \
            and all(isinstance(v, int | float) and not isinstance(v, bool)
                    and math.isfinite(v) for v in saved[1:]) \
            and 1 <= saved[1] <= saved[2] <= MAX_POSITION:
        return saved[0], float(saved[1]), float(saved[2])
    raise RecstackError(f"{file}: state {_LOGGED!r} must be [the position feature, its "
                        f"smallest, its largest logged value] with 1 <= smallest <= largest "
                        f"<= {MAX_POSITION:,}, got {shown(saved)}; the metadata is corrupted")


def _as_path(path: Any, where: str) -> Path:
    if not isinstance(path, str | PathLike) or not str(path):
        raise RecstackError(f"{where}: path must be a folder's path (a string or Path), got "
                            f"{path!r}")
    return Path(path)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item")
                                 else list(v) if isinstance(v, tuple) else str(v)))


def _digest(meta: dict[str, Any]) -> str:
    body = {k: v for k, v in meta.items() if k != "sha256"}
    body["sha256"] = {k: v for k, v in meta.get("sha256", {}).items() if k != META}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
