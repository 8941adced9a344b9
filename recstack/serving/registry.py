"""A versioned model registry: publish, load, alias, roll back and prune fitted models.

Layout under the registry's root (a local folder, or any fsspec URL such as
``s3://bucket/models``)::

    NAME/current.json                       {"version": 3, "history": [1, 2]}
                                            (+ "highest": 5 when versions above the ones
                                            named were removed, or published without
                                            being made current: numbers are never reused)
    NAME/versions/00000003/manifest.json    written last: the version exists once it does
    NAME/versions/00000003/model/...        model.save() (model.json + arrays.npz)
    NAME/versions/00000003/index/...        the item index (ItemIndex.save), when built

The manifest (``format = "recstack-registry-version"``) records the model name, version,
model type and hyperparameters, the training data's fingerprint (:func:`data_fingerprint`),
evaluation results when given, the creation time (UTC, ISO 8601), the recstack version, the
item index's description with its recall@10 against exact search, and the SHA-256 and size
of every other file of the version; ``manifest_sha256`` is the digest of the manifest's
canonical JSON (keys sorted, no whitespace, ASCII) without that field, so an edit to any
field is detected.

Publishing is atomic. The version is assembled and verified in a local staging folder,
then: in a local registry the staging folder is renamed into place in one step
(:func:`recstack.atomic.atomic_directory`); in a remote one every file is uploaded, read back
and checked against the manifest, and the manifest is uploaded last. A version without a
valid manifest is never listed or loaded, so a reader never sees half a version. A version
whose files do not match its manifest, or whose manifest does not check out, is refused
both on publish and on load (:class:`CorruptVersionError`), as is one holding a symbolic
link (named, never followed: the registry writes none) or far more entries than a version
holds (the walk of its folder stops there); so is one whose manifest,
checksums and all, describes something else than the folder holds: other hyperparameters
than the model's, another item index, an index over another fit's item vectors, or a data
fingerprint or creation time of another form than publish writes.

The ``current`` alias of each name is one small JSON object replaced in one write (a rename
locally, one PUT on object stores); it keeps the earlier current versions, so
:meth:`ModelRegistry.rollback` returns to the one before. :meth:`ModelRegistry.prune` keeps
the newest ``keep`` versions and never deletes the current one.

Version numbers come from the versions present; two processes publishing the same name at
once into a local registry get different numbers (the rename refuses an existing folder and
the loser takes the next one), and ``current`` ends at the newer of the two, whichever
publisher points it last. Object stores have no such guard: publish one name from one
process at a time there.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

from recstack import __version__
from recstack.atomic import folder_problem, padded_name_problem, special_file_problem
from recstack.errors import ConfigError, RecstackError, counted, echoed, shown, shown_given
from recstack.serving._files import unreadable_file
from recstack.specs import arguments_named, whole_exact_as_int
from recstack.strict_json import loads as strict_loads
from recstack.strict_json import plain_value

if TYPE_CHECKING:
    from recstack.data.interactions import Interactions
    from recstack.models.base import Recommender
    from recstack.serving.ann import ItemIndex

__all__ = ["MAX_VERSION", "CorruptVersionError", "ModelRegistry", "ModelVersion",
           "RegistryUnavailableError", "check_version", "data_fingerprint", "parse_reference"]

FORMAT = "recstack-registry-version"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "current.json"
_ALIAS_LOCK = "current.lock"  # held while current.json is read, changed and written
_ALIAS_LOCK_WAIT = 30.0  # seconds
MODEL_FOLDER = "model"
INDEX_FOLDER = "index"
#: the item indexes of a two-stage model's candidate generators: ``generator-index/g<p>``
GENERATOR_INDEX_FOLDER = "generator-index"
_VERSIONS = "versions"
#: the largest version number: a version's folder is its number in 8 digits
MAX_VERSION = 99_999_999
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_MANIFEST_FIELDS = {"format", "format_version", "name", "version", "model", "params",
                    "data_fingerprint", "evaluation", "created", "recstack_version", "index",
                    "files", "manifest_sha256"}
#: fields a manifest may hold beyond those (absent from versions published before them)
_OPTIONAL_FIELDS = {"generator_indexes"}


class CorruptVersionError(RecstackError):
    """A registry version whose manifest or files do not check out (refused, never loaded:
    a service keeps the version it has)."""


@dataclass
class ModelVersion:
    """A loaded, verified version: the model, its item index (or None), the manifest and
    the local folder it was read from (None for a remote registry without ``cache_dir``,
    whose download is removed once everything is in memory); for a two-stage model the
    item indexes of its generators that have vectors, by position."""

    name: str
    version: int
    model: Recommender
    index: ItemIndex | None
    manifest: dict[str, Any]
    path: Path | None
    generator_indexes: dict[int, ItemIndex] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"{self.name}@{self.version}"


def parse_reference(reference: str) -> tuple[str, int | None]:
    """``"als"`` -> ``("als", None)`` (the current version), ``"als@3"`` -> ``("als", 3)``."""
    if not isinstance(reference, str):
        # str() would turn None into the model name 'None'
        raise ConfigError(f"a model reference is text such as 'als' or 'als@3'; got "
                          f"{type(reference).__name__} {shown(reference):.80}")
    from recstack.registry import blank_around

    name, at, version = reference.partition("@")
    check_name(name)
    if not at:
        return name, None
    padded = padded_version_problem(reference)
    if padded is not None:
        raise ConfigError(padded)
    # ASCII digits only: str.isdigit also accepts '³' (which int() refuses) and '٣'; more
    # digits than the largest version has are out of range unread (Python refuses to read
    # an integer of more than 4,300 digits: a raw ValueError)
    if not (version.isascii() and version.isdigit()) \
            or len(version) > len(str(MAX_VERSION)) or not 1 <= int(version) <= MAX_VERSION:
        shown_reference = (reference if len(reference) <= 60 else
                           f"{reference[:40]}... ({len(version):,} characters after '@')")
        blank = (f" ({blank_around(version)})" if version and version.strip() != version
                 else f" (the current version is named without '@': {name!r})"
                 if version.strip().lower() in ("latest", "current", "newest", "last")
                 else " (a reference holds one '@')" if "@" in version else "")
        raise ConfigError(f"{shown_reference!r}: the version after '@' must be a whole "
                          f"number from 1 to {MAX_VERSION}, e.g. als@3{blank}")
    return name, int(version)


def padded_version_problem(reference: str) -> str | None:
    """Why ``reference`` is refused when its version has leading zeros (``als@01`` was
    read as version 1, though no version is spelt that way: the folders' ``00000001`` is
    no spelling of a reference either); None otherwise."""
    name, at, version = reference.partition("@")
    number = version.lstrip("0")
    # a version 0 is refused as one, however written; one past the largest, by its range
    # (compared as text: Python refuses to read an integer of more than 4,300 digits)
    if at and version.isascii() and version.isdigit() and version != number and number \
            and len(number) <= len(str(MAX_VERSION)):
        return (f"{reference[:80]}: the version after '@' is written with leading zeros; "
                f"write {name}@{number} (versions are whole numbers as the registry prints "
                "them, e.g. als@3)")
    return None


def check_version(version: Any, where: str = "version") -> int:
    """``version`` when it is a registry version number (an int in 1..MAX_VERSION); a
    larger one could never exist (its folder name would not be 8 digits) and one of
    hundreds of digits would fail as a file name too long. A numpy integer (an entry of
    an array of versions) is that number, returned as an int (it was refused as no whole
    number, and would not have been written to ``current.json``)."""
    # a whole exact number (Decimal("2")) is the int it names, as every count
    number = whole_exact_as_int(version)
    if isinstance(number, bool | np.bool_) or not isinstance(number, int | np.integer) \
            or not 1 <= number <= MAX_VERSION:
        raise ConfigError(f"{where} must be a whole number from 1 to {MAX_VERSION}, got "
                          f"{shown(version):.40}{_version_hint(version)}")
    return int(number)


def _version_hint(version: Any) -> str:
    """What the user meant by a version given as text of digits (``"2"``, a version read
    from a file name or a command line) or as a whole float (``2.0``): the number, said;
    ``set_current("als", "2")`` was refused without a word of ``2``."""
    number = None
    if isinstance(version, str) and version.strip().isascii() and version.strip().isdigit():
        number, kind = int(version.strip()), "text"
    elif isinstance(version, float | np.floating) and np.isfinite(version) \
            and float(version).is_integer():
        number, kind = int(version), "a float"
    if number is None or not 1 <= number <= MAX_VERSION:
        return ""
    return f" ({kind}; give the number {number}, as an int)"


def refuse_swapped(call: str, name: Any, other: Any, other_name: str) -> None:
    """Refuse ``call(name, other)`` given as ``call(other, name)``: a number (or a model)
    where the name belongs and a valid name in the second place. ``set_current(1, "als")``
    was told that its version 'als' was no number, which sent the user to fix the wrong
    argument."""
    number = (isinstance(name, int | np.integer) and not isinstance(name, bool | np.bool_))
    if (number or not isinstance(name, str | None)) and isinstance(other, str) \
            and _NAME.fullmatch(other) and not isinstance(other, bool):
        given = f"{shown(name):.40}" if number else f"a {type(name).__name__}"
        raise ConfigError(f"{call}: the arguments are swapped: the name comes first, then "
                          f"{other_name}; got {given} as the name and the name {other!r} as "
                          f"{other_name} (write {call}({other!r}, ...))")


#: names Windows keeps for devices, with or without an extension (``con``, ``NUL.v2``):
#: no file or folder can be named so there
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
                              *(f"LPT{n}" for n in range(10))})


#: words a user may write for "the current version" in place of a model's name
_VERSION_WORDS = frozenset({"latest", "current", "newest", "head", "stable"})


def version_word_problem(name: str) -> str | None:
    """Why a new model ``name`` reads as a version alias (``latest``, ``stable``, in any
    letter case), or None: ``load("latest")`` would load a model so named while a reader
    takes it for "the newest version" of another model."""
    if name.lower() not in _VERSION_WORDS:
        return None
    return (f"model name {name!r} is reserved: {', '.join(sorted(_VERSION_WORDS))} read as "
            f"a version alias (load({name!r}) would look like 'the {name.lower()} version "
            "of a model', not a model of that name); a model's current version is its bare "
            "name and a version is name@N, so name the model after what it is, e.g. 'als' "
            f"or '{name.lower()}-als'")


def _is_name(name: str) -> bool:
    """Whether ``name`` (text) is a model name :func:`check_name` takes."""
    return bool(_NAME.fullmatch(name)) and _unportable(name) is None


def _unportable(name: str) -> str | None:
    """Why a name of the character rule cannot be a folder on every system a registry is
    copied to (Windows): a device name (``CON``, ``nul.v2``) or a trailing ``.`` (Windows
    drops it: ``als.`` and ``als`` are one folder there); None when it can. Published
    on Linux, such a name made a registry that Windows could not copy or read."""
    if name.endswith("."):
        return (f"it ends with '.', which Windows drops from a folder's name, so that "
                f"{name!r} and {name.rstrip('.')!r} would be one folder there; write "
                f"{name.rstrip('.')!r}")
    stem = name.split(".")[0]
    if stem.upper() in _WINDOWS_DEVICES:
        return (f"{stem!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-COM9, "
                f"LPT0-LPT9, in any letter case and with any extension), where no folder "
                f"can be named so; choose another, e.g. {stem + '-model' + name[len(stem):]!r}")
    return None


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        # a name of thousands of characters was repeated whole in the message
        shown_name = (f"{name[:40]!r}... ({len(name):,} characters)"
                      if isinstance(name, str) and len(name) > 100 else f"{shown(name):.100}")
        raise ConfigError(f"model name {shown_name}: use 1 to 100 letters, digits, '.', '_' or "
                          f"'-', starting with a letter or digit{_name_problem(name)}")
    problem = _unportable(name)
    if problem is not None:
        # a registry is a folder that is copied between systems (and synced to S3, then
        # read on another): a name must be a folder's name on each
        raise ConfigError(f"model name {name!r}: not a name a registry can hold on every "
                          f"system: {problem}")
    return name


def _name_problem(name: Any) -> str:
    """Which part of a refused model ``name`` breaks the rule (``" (it ends with a
    space)"``, ``" (character 3 is '/')"``): 'als ' and 'my model' were told the rule
    alone, which a name that looks right by eye seemed to follow."""
    from recstack.registry import blank_around, describe_character

    if not isinstance(name, str) or len(name) > 100:
        return ""  # its kind, or its length, is said beside it
    if not name.strip() or name.strip() != name:
        return f" ({blank_around(name)})"
    if not _NAME.fullmatch(name[0]):
        return f" (it starts with {describe_character(name[0])})"
    position, char = next((n, c) for n, c in enumerate(name, 1)
                          if not _NAME.fullmatch("a" + c))
    stem = name[:position - 1]
    if char == "@" and _NAME.fullmatch(stem) and name[position:].isascii() \
            and name[position:].isdigit():
        # rollback("als@2") or prune("als@3") from a reference copied out of a log or
        # `recstack recommend als@3`: the rule alone did not say that the name is the
        # part before '@' and the version a separate argument
        return (f" (character {position} is '@', which joins a name to a version in a "
                f"reference such as {name!r}: give the name alone, {stem!r}, and any "
                "version as its own argument)")
    return f" (character {position} is {describe_character(char)})"


def data_fingerprint(data: Interactions) -> str:
    """SHA-256 over the interactions as external ids: the id vocabularies, then the user
    index, item index, value and timestamp columns (the same data gives the same
    fingerprint, any changed row a different one)."""
    from recstack.data.interactions import Interactions

    if not isinstance(data, Interactions):
        # a DataFrame or a path failed as AttributeError "... has no attribute 'users'",
        # where publish(data=...) names the same mistake
        raise ConfigError(f"data_fingerprint: data must be Interactions (e.g. "
                          f"Interactions.from_frame(df) or load_source('ml-100k')), got "
                          f"{type(data).__name__}")
    digest = hashlib.sha256(b"recstack-interactions-v1")
    for ids in (data.users.external_ids, data.items.external_ids):
        digest.update(_ids_bytes(np.asarray(ids)))
    for column in (data.user_index, data.item_index, data.value):
        digest.update(np.ascontiguousarray(column).tobytes())
    if data.timestamp is not None:
        digest.update(np.ascontiguousarray(data.timestamp).tobytes())
    return digest.hexdigest()


def _ids_bytes(ids: np.ndarray) -> bytes:
    if ids.dtype.kind in "iuf":
        return ids.dtype.str.encode() + np.ascontiguousarray(ids).tobytes()
    return "\x00".join(map(str, ids.tolist())).encode("utf-8")


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _storage_errors(method: _Method) -> _Method:
    """Report what the storage under the registry refused as a
    :class:`RegistryUnavailableError` naming the registry, not as the storage library's own
    exception, in the terms of that storage: for a remote one (missing credentials, a
    bucket that does not exist, a connection that failed) the location and credentials;
    for a local folder the path and what the system said of it (a folder where a file
    belongs, no permission), which no credentials would change. A missing key stays
    :class:`FileNotFoundError`: callers treat it as "no such version"."""

    @functools.wraps(method)
    def reaching(self: ModelRegistry, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (RecstackError, FileNotFoundError):
            raise
        except OSError as error:
            if self.is_remote:
                raise RegistryUnavailableError(_remote_refusal(self.root, error)) from None
            raise RegistryUnavailableError(_local_refusal(self.root, error)) from None
        except Exception as error:
            # fsspec backends raise their own types (botocore's NoCredentialsError, ...)
            if not self.is_remote:
                raise
            raise RegistryUnavailableError(_remote_refusal(self.root, error)) from None

    return reaching  # type: ignore[return-value]


def _remote_refusal(root: str, error: Exception) -> str:
    return (f"registry {root}: the storage refused or could not be reached "
            f"({type(error).__name__}: {error}); check the location, credentials "
            "(storage_options) and the connection")


#: What to do about the errors a local folder raises, by type (the user's own doing:
#: a hand-made folder where the registry keeps a file, a permission).
_LOCAL_REMEDIES: tuple[tuple[type[OSError], str], ...] = (
    (IsADirectoryError, "a folder stands where the registry keeps a file; move it away"),
    (NotADirectoryError, "a file stands where the registry keeps a folder; move it away"),
    (PermissionError, "give this process permission to read and write there"),
)


def _local_refusal(root: str, error: OSError) -> str:
    path = error.filename if error.filename is not None else root
    if isinstance(error, IsADirectoryError):
        # the system's "Is a directory (IsADirectoryError)": every reader says "is a folder"
        return (f"registry {root}: cannot use {path}: it is a folder, not a file; a folder "
                "stands where the registry keeps a file; move it away")
    reason = error.strerror or str(error)
    remedy = next((text for kind, text in _LOCAL_REMEDIES if isinstance(error, kind)),
                  "check that path and its disk")
    return (f"registry {root}: cannot use {path}: {reason} "
            f"({type(error).__name__}); {remedy}")


class RegistryUnavailableError(RecstackError):
    """The storage holding the registry cannot be read or written."""


class ModelRegistry:
    """Versioned models under ``root`` (see the module docstring).

    Parameters
    ----------
    root : str or Path
        A local folder (created when publishing), or an fsspec URL (``s3://bucket/prefix``,
        ``memory://...``) for which the fsspec implementation is installed.
    storage_options : dict, optional
        Passed to fsspec for a URL (e.g. ``{"endpoint_url": ..., "key": ..., "secret":
        ...}`` for S3).
    cache_dir : str or Path, optional
        Where versions of a remote registry are downloaded to be loaded, and kept (default:
        a temporary folder per load, removed once the version is in memory).
    """

    @arguments_named
    def __init__(self, root: str | Path, *, storage_options: Mapping[str, Any] | None = None,
                 cache_dir: str | Path | None = None) -> None:
        if not isinstance(root, str | os.PathLike):
            # str() of anything is some relative folder: 5 published into ./5
            raise ConfigError(f"registry root: expected a folder or URL (text or a path), got "
                              f"{type(root).__name__} {root!r}")
        if cache_dir is not None and not isinstance(cache_dir, str | os.PathLike):
            raise ConfigError(f"registry cache_dir: expected a folder (text or a path) or None, "
                              f"got {type(cache_dir).__name__} {cache_dir!r}")
        text = os.fspath(root)
        if not isinstance(text, str):
            raise ConfigError(f"registry root: expected a folder or URL as text, got {text!r}")
        if not text.strip():
            raise ConfigError("registry root: expected a folder or URL, got an empty string")
        if "\0" in text:
            # names() listed nothing and load() was a bare "embedded null byte" ValueError
            raise ConfigError(f"registry root {text!r}: a path cannot hold a NUL character "
                              "(\\0)")
        from recstack.specs import mistyped_url

        if mistyped_url(text) is not None:  # s3:/bucket: a local folder named 's3:'
            raise ConfigError(f"registry root {text!r}: {mistyped_url(text)}")
        self.is_remote = "://" in text and not text.startswith("file://")
        if self.is_remote:
            try:
                import fsspec
                self._fs, self._root = fsspec.core.url_to_fs(text, **(storage_options or {}))
            except ImportError as error:
                # fsspec comes with the serving extra and s3fs with the s3 one; another
                # file system's package (gcsfs, adlfs...) is named by fsspec's own error:
                # "for S3: pip install recstack[s3]" was the advice for gs:// too
                remedy = ('pip install "recstack[serving]"' if error.name == "fsspec" else
                          'pip install "recstack[s3]"' if text.startswith(("s3://", "s3a://"))
                          else "install the package it names")
                raise RecstackError(f"registry {text}: this location needs a package that "
                                    f"is missing ({error}); {remedy}") from None
            except ValueError as error:
                raise ConfigError(f"registry {text}: {error}") from None
            self._root = self._root.rstrip("/")
        else:
            self._fs = None
            # '~' is the home folder, as every path recstack reads: publishing wrote into
            # it (the atomic writer expands it) while reads looked for a folder named '~',
            # so the version just published was "no model named ..."
            self._root = os.path.expanduser(text.removeprefix("file://"))
            if not os.path.lexists(self._root):
                # a new folder padded with a space ('models ') was made beside 'models', as
                # `--registry 'models '` refuses (an existing one is read as it is)
                padded = padded_name_problem(text, "folder")
                if padded is not None:
                    raise ConfigError(f"registry root {text!r} {padded}")
            # a link that loops or leads nowhere listed no names ("holds 0 model names")
            # and a named pipe read as a file
            state = folder_problem(Path(self._root))
            if state not in (None, "no such folder"):
                raise ConfigError(f"registry {text}: {state}; the registry root is a "
                                  "folder (created when the first model is published)")
        self.root = text
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None

    def __repr__(self) -> str:
        return f"ModelRegistry({self.root!r})"

    # ------------------------------------------------------------------ paths
    def _join(self, *parts: str) -> str:
        return "/".join([self._root, *parts])

    def _version_key(self, name: str, version: int) -> str:
        return self._join(name, _VERSIONS, f"{version:08d}")

    # ------------------------------------------------------------------ reading
    def names(self) -> list[str]:
        """Model names that have at least one complete version."""
        return sorted(name for name in self._list(self._root)
                      if _is_name(name) and self.versions(name))

    @arguments_named
    def versions(self, name: str) -> list[int]:
        """Complete versions of ``name`` (their manifest exists), oldest first; ``[]`` for a
        name never published, unless it differs only in case from one that was (refused,
        naming it)."""
        check_name(name)
        numbers = self._numbers(name)
        if not numbers:
            self._refuse_case_lookup(name)
        return [v for v in numbers
                if self._exists(f"{self._version_key(name, v)}/{MANIFEST}")]

    @arguments_named
    def current(self, name: str) -> int | None:
        """The version the ``current`` alias points at (None before the first publish; a
        name that differs only in case from a published one is refused, naming it)."""
        alias = self._read_alias(name)
        if alias is None:
            self._refuse_case_lookup(name)
        return None if alias is None else alias["version"]

    @arguments_named
    def manifest(self, name: str, version: int | None = None) -> dict[str, Any]:
        """A version's manifest, checked (fields and its own digest; not the files)."""
        refuse_swapped("manifest", name, version, "the version")
        current = version is None
        name, version = self._resolve(name, version)
        key = f"{self._version_key(name, version)}/{MANIFEST}"
        try:
            raw = self._read_bytes(key)
        except FileNotFoundError:
            raise self._absent(name, version, current=current) from None
        return _parse_manifest(raw, f"{self.root}: {name}@{version}/{MANIFEST}")

    @arguments_named
    def load(self, reference: str, version: int | None = None) -> ModelVersion:
        """Load ``reference`` (``"name"``: the current version, ``"name@3"``, or ``name``
        with ``version``) after verifying every file against its manifest.

        Raises
        ------
        CorruptVersionError
            The manifest or a file does not check out, or the model or index refuses to
            load.
        RecstackError
            No such name or version.
        """
        refuse_swapped("load", reference, version, "the version")
        name, given = parse_reference(reference)
        if version is not None and given is not None and check_version(version) != given:
            # one of the two was ignored without a word: load("als@1", 2) loaded als@2
            raise ConfigError(f"load: the reference {reference!r} names version {given} and "
                              f"version={version} another; give the version once (als@3, or "
                              "'als' with version=3)")
        asked = version if version is not None else given
        current = asked is None
        name, version = self._resolve(name, asked)
        where = f"{self.root}: {name}@{version}"
        if not self.is_remote:
            folder = Path(self._version_key(name, version))
            if not (folder / MANIFEST).is_file():
                raise self._absent(name, version, current=current)
            return _load_folder(name, version, folder, where, folder)
        if self._cache_dir is not None:
            folder = self._download(name, version, self._cache_dir, current=current)
            return _load_folder(name, version, folder, where, folder)
        # everything is read into memory: the download is not needed once loaded
        with tempfile.TemporaryDirectory(prefix="recstack-registry-") as scratch:
            folder = self._download(name, version, Path(scratch), current=current)
            return _load_folder(name, version, folder, where, None)

    # ------------------------------------------------------------------ publishing
    @arguments_named
    def publish(self, name: str, model: Recommender, *, data: Interactions | None = None,
                fingerprint: str | None = None, evaluation: Mapping[str, Any] | None = None,
                index: str | None = "auto", index_options: Mapping[str, Any] | None = None,
                make_current: bool = True, keep: int | None = None) -> ModelVersion:
        """Publish a fitted ``model`` as the next version of ``name``.

        Parameters
        ----------
        name : str
            The model's name in the registry (letters, digits, ``.``, ``_``, ``-``).
        model : Recommender
            A fitted model.
        data, fingerprint
            The training data (its :func:`data_fingerprint` is recorded), or the
            fingerprint itself.
        evaluation : mapping, optional
            Evaluation results to record (JSON-serialisable).
        index : {"auto", "hnsw", "exact"} or None
            The item index built over ``model.item_embeddings()`` and saved with the
            version (backend as :meth:`recstack.serving.ann.ItemIndex.build`); ``"auto"``
            skips models without item vectors; None builds none.
        index_options : mapping, optional
            More arguments of :meth:`~recstack.serving.ann.ItemIndex.build` (metric, M...).
        make_current : bool
            Point the ``current`` alias at the new version.
        keep : int, optional
            Then prune to the newest ``keep`` versions (:meth:`prune`).
        """
        if isinstance(model, str) and _NAME.fullmatch(model) and (
                isinstance(name, os.PathLike) or isinstance(name, str)
                and not _NAME.fullmatch(name) and Path(name).exists()):
            # publish(Path("saved/als"), "als"): not swapped arguments (a folder is no
            # model either way round) but the saved folder given to publish
            raise ConfigError(f"publish: got the folder {str(name)!r} and the name {model!r}; "
                              "publish takes a fitted model, and a folder saved with "
                              "model.save(path) is published with publish_artifact (write "
                              f"publish_artifact({model!r}, {str(name)!r}))")
        refuse_swapped("publish", name, model, "the model")
        check_name(name)
        self._refuse_case_twin(name)
        self._refuse_version_word(name)
        from recstack.models.base import Recommender

        if not isinstance(model, Recommender):
            raise ConfigError(f"{name}: publish takes a recstack model (a Recommender), got "
                              f"{type(model).__name__}; to publish a saved folder use "
                              "publish_artifact(name, path)")
        if not model.is_fitted:
            raise RecstackError(f"{name}: the model is not fitted; fit it before publishing")
        if keep is not None:
            _check_keep(keep)
        _check_publish_options(name, data, fingerprint, evaluation, index_options)
        if not isinstance(make_current, bool | np.bool_):
            # any text is true: make_current="false" pointed the alias at the new version
            raise ConfigError(f"publish {name}: make_current must be True or False, got "
                              f"{type(make_current).__name__} {shown(make_current):.80}")
        if data is not None:
            recorded = data_fingerprint(data)
            if fingerprint is not None and fingerprint != recorded:
                # one of the two was silently dropped (the fingerprint won)
                raise ConfigError(f"publish {name}: fingerprint {fingerprint!r} is not that "
                                  f"of data ({recorded!r}); give data or a fingerprint, not "
                                  "two that disagree")
            fingerprint = recorded
        with tempfile.TemporaryDirectory(prefix="recstack-publish-") as scratch:
            staging = Path(scratch) / "version"
            staging.mkdir()
            model.save(staging / MODEL_FOLDER)
            built = _build_index(model, index, dict(index_options or {}))
            if built is not None:
                built.save(staging / INDEX_FOLDER)
            generator_indexes = _build_generator_indexes(model, index,
                                                         dict(index_options or {}))
            for position, generator_index in generator_indexes.items():
                generator_index.save(staging / GENERATOR_INDEX_FOLDER / f"g{position}")
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "name": name,
                "version": None, "model": model.name,
                "params": _strict_json(model.get_params()),
                "data_fingerprint": fingerprint,
                "evaluation": _strict_json(evaluation) if evaluation is not None else None,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "recstack_version": __version__,
                "index": built.describe() if built is not None else None,
                "files": _file_table(staging),
            }
            if generator_indexes:
                manifest["generator_indexes"] = {
                    str(position): generator_index.describe()
                    for position, generator_index in generator_indexes.items()}
            version = self._commit(name, staging, manifest)
        try:
            published = self.load(name, version)  # read back as a reader will see it
        except CorruptVersionError:
            # damaged between the check and the store: withdrawn before anyone points at it
            self._withdraw(name, version)
            raise
        if make_current:
            self._point_current(name, version, newest=True)
        else:
            self._record_highest(name, version)
        if keep is not None:
            self.prune(name, keep)
        return published

    @arguments_named
    def publish_artifact(self, name: str, path: str | Path, **options: Any) -> ModelVersion:
        """Publish a model saved with ``model.save(path)``; it is loaded (and so checked:
        checksums, format, arrays) first, so a damaged artifact is refused. ``options`` as
        :meth:`publish`."""
        import inspect

        from recstack.models.persistence import load_model
        from recstack.specs import did_you_mean

        if isinstance(path, str) and _NAME.fullmatch(path) and (
                isinstance(name, os.PathLike) or isinstance(name, str)
                and not _NAME.fullmatch(name) and Path(name).exists()):
            # publish_artifact("saved/als", "als"): the folder where the name belongs
            raise ConfigError(f"publish_artifact: the arguments are swapped: the name comes "
                              f"first, then the saved folder; got the folder {str(name)!r} "
                              f"as the name and {path!r} as the folder (write "
                              f"publish_artifact({path!r}, {str(name)!r}))")

        # checked before the model is read: a misspelt option was a TypeError traceback
        # from publish, after the load
        accepted = [p for p in inspect.signature(self.publish).parameters
                    if p not in ("name", "model")]
        for option in options:
            if option not in accepted:
                raise ConfigError(f"publish_artifact {name}: unknown option {option!r}"
                                  f"{did_you_mean(option, accepted)}; it takes: "
                                  f"{', '.join(accepted)}")
        check_name(name)
        self._refuse_version_word(name)  # before the saved model is read
        if not isinstance(path, str | os.PathLike):
            # a wrong argument, not a damaged artifact (it was a CorruptVersionError)
            raise ConfigError(f"publish_artifact {name}: path must be the folder written by "
                              f"model.save (text or a path), got {type(path).__name__} "
                              f"{shown(path):.40}")
        try:
            model = load_model(path)
        except ConfigError as error:
            raise ConfigError(f"{name}: refusing to publish {path}: {error}") from None
        except RecstackError as error:
            raise CorruptVersionError(f"{name}: refusing to publish {path}: {error}") from None
        return self.publish(name, model, **options)

    def _refuse_version_word(self, name: str) -> None:
        """Refuse a new name that reads as a version alias (:func:`version_word_problem`).
        A name the registry already holds (published before this rule) keeps taking
        versions, so that no saved registry or running pipeline breaks."""
        problem = version_word_problem(name)
        if problem is not None and name not in self._list(self._root):
            raise ConfigError(f"{self.root}: {problem}")

    def _refuse_case_twin(self, name: str) -> None:
        """Refuse a new name that differs only in case from a name already in the registry
        (``ALS`` beside ``als``): on a case-insensitive file system (macOS, Windows) the two
        are one folder, and their versions would mix."""
        if twins := self._case_twins(name):
            raise ConfigError(f"{self.root}: model name {name!r} differs only in case from "
                              f"{twins[0]!r}, already in the registry; on a case-insensitive "
                              f"file system (macOS, Windows) they are one folder: publish as "
                              f"{twins[0]!r}, or choose a name that differs in more than case")

    def _case_twins(self, name: str) -> list[str]:
        """The registry's names that differ from ``name`` only in case (``als`` for
        ``ALS``); none when ``name`` itself is there. The one test of every lookup by
        name: publish refuses a twin, and versions/current answer one with the hint of
        :meth:`_name_unknown`."""
        entries = self._list(self._root)
        if name in entries:
            return []
        return sorted(e for e in entries
                      if _is_name(e) and e.casefold() == name.casefold())

    def _refuse_case_lookup(self, name: str) -> None:
        """Refuse a lookup of ``name`` (absent) when a name differing only in case is
        present: versions("ALS") answered [] and current("ALS") None beside 'als', as for
        a name never published, where every other lookup names 'als'."""
        if self._case_twins(name):
            raise self._name_unknown(name)

    def _commit(self, name: str, staging: Path, manifest: dict[str, Any]) -> int:
        """Give the staged version the next number and make it visible at once."""
        from recstack.atomic import atomic_directory

        # every number current.json names was once a version: with the versions folder
        # deleted (or the newest versions removed by hand) numbering restarted at 1 while
        # current.json still said 5, and als@1 came to mean two models (in request logs,
        # in pins, in a rollback)
        # and a rollback from a version removed by hand forgot it (als@3 removed, rolled
        # back to 2: the next publish was a second als@3): 'highest' keeps its number
        named = _alias_numbers(self._read_alias(name))
        for _attempt in range(100):
            version = max([*self._numbers(name), *named], default=0) + 1
            if version > MAX_VERSION:
                raise RecstackError(f"{self.root}: {name}: no version number is left (the "
                                    f"largest is {MAX_VERSION}); publish under a new name")
            manifest["version"] = version
            manifest["manifest_sha256"] = _manifest_digest(manifest)
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, allow_nan=False) + "\n",
                                            encoding="utf-8")
            verify_folder(staging, f"{name}@{version} (not published)")
            key = self._version_key(name, version)
            if not self.is_remote:
                target = Path(key)
                if target.exists():
                    continue
                try:
                    # copied, not moved: after a lost race the staging folder is still whole
                    with atomic_directory(target, overwrite=False) as folder:
                        _copy_into(staging, folder)
                except RecstackError:
                    if target.exists():  # another publisher took this number first
                        continue
                    raise
                return version
            self._upload(staging, key, f"{self.root}: {name}@{version}")
            return version
        raise RecstackError(f"{self.root}: {name}: could not find a free version number")

    @_storage_errors
    def _upload(self, staging: Path, key: str, where: str) -> None:
        files = [p for p in sorted(staging.rglob("*"))
                 if p.is_file() and p.relative_to(staging).as_posix() != MANIFEST]
        try:
            for path in files:
                self._fs.put_file(str(path), f"{key}/{path.relative_to(staging).as_posix()}")
            # read back what the store holds before the manifest makes it visible
            table = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["files"]
            for relative, entry in table.items():
                held = self._fs.cat_file(f"{key}/{relative}")
                if hashlib.sha256(held).hexdigest() != entry["sha256"]:
                    raise CorruptVersionError(f"{where}/{relative}: the stored copy does not "
                                              "match its checksum; not published")
            self._fs.put_file(str(staging / MANIFEST), f"{key}/{MANIFEST}")
        except BaseException:
            try:
                self._fs.rm(key, recursive=True)
            except (OSError, FileNotFoundError):
                pass
            raise

    # ------------------------------------------------------------------ alias, rollback
    @arguments_named
    def set_current(self, name: str, version: int) -> None:
        """Point ``current`` at ``version`` (verified first: a corrupt version is refused)."""
        refuse_swapped("set_current", name, version, "the version")
        check_name(name)
        version = check_version(version)
        try:
            alias = self._read_alias(name)
        except RecstackError:
            alias = None  # a damaged alias: set_current is its remedy
        self._load_to_point(name, version, alias, "set_current")
        self._point_current(name, version, repair=True)

    def _load_to_point(self, name: str, version: int, alias: dict[str, Any] | None,
                       call: str) -> None:
        """Load ``name@version`` before ``current`` (``alias``) is pointed at it. A version
        whose files were removed by hand (damaged, or gone though once current) was refused
        naming what was missing, but not that ``name`` stays at its current version, nor
        which version would load."""
        try:
            self.load(name, version)
        except RecstackError as error:
            removed = isinstance(error, CorruptVersionError) or (
                alias is not None and version in alias["history"])
            if type(error) not in (RecstackError, CorruptVersionError) or alias is None \
                    or not removed:
                raise  # the storage unreachable, a name unknown, a version never published
            current = alias["version"]
            others = sorted(set(self.versions(name)) - {version, current})
            loadable = self._newest_loadable(name, others)
            verb = "roll back to" if call == "rollback" else "point it at"
            to = "to=" if call == "rollback" else ""
            hint = (f"; {verb} a version that checks out with {call}({name!r}, "
                    f"{to}{loadable})" if loadable is not None else "")
            gone = ("" if isinstance(error, CorruptVersionError) else
                    f"; it was current before {name}@{current}, and its folder has gone "
                    "since (pruned, or removed by hand)")
            raise type(error)(f"{error}{gone}; {name} stays at {current}{hint}") from None

    def _point_current(self, name: str, version: int, *, repair: bool = False,
                       newest: bool = False) -> None:
        """``repair``: a damaged ``current.json`` is written over (its history, unreadable,
        starts again): set_current is the remedy every message about one names, and it
        failed on the damage it was named for.

        ``newest`` (a publish): leave ``current`` where it is when it names a later version
        than ``version``. A version's number is above every number at the time it is
        committed, so a later current one is a publish that committed after this one and
        pointed the alias first: two publishers at once ended with the alias at whichever
        wrote last, the older version (the service then served the model published first
        and never the newer one)."""
        with self._alias_lock(name):
            try:
                alias = self._read_alias(name)
            except CorruptVersionError:
                if not repair:
                    raise
                alias = None
            history: list[int] = []
            if alias is not None:
                if alias["version"] == version or (newest and alias["version"] > version):
                    return
                history = [*alias["history"], alias["version"]]
            self._write_alias(name, {"version": version, "history": history[-100:]})

    def _record_highest(self, name: str, version: int) -> None:
        """Record ``version`` as ``highest`` in ``current.json`` when the alias names no
        number as large: a version published with ``make_current=False`` was named nowhere
        but in its own folder, so once that folder was removed by hand the next publish
        gave its number to another model (als@4 in request logs and pins meant two
        models). Before anything was made current there is no ``current.json`` to hold the
        number (writing one would make a version current)."""
        with self._alias_lock(name):
            alias = self._read_alias(name)
            if alias is None or version <= max(_alias_numbers(alias)):
                return
            self._write_alias(name, {**alias, "highest": version})

    @contextlib.contextmanager
    def _alias_lock(self, name: str) -> Iterator[None]:
        """Hold ``NAME/current.lock`` (an ``flock``) while ``current.json`` is read, changed
        and written: two publishers at the same moment each read the same history and the
        second write dropped the first one's entry. The operating system releases the lock
        when its holder ends, however it ends. An object store has no lock: there the last
        writer wins (README)."""
        if self.is_remote:
            yield
            return
        folder = Path(self._join(name))
        if not folder.is_dir():  # nothing published: nothing to guard (refused later)
            yield
            return
        import fcntl
        import time

        path = folder / _ALIAS_LOCK
        from recstack.atomic import describe_path

        if os.path.lexists(path) and not path.is_file():
            # a named pipe was opened and locked as if it were the file
            raise RecstackError(f"{self.root}: {name}: its lock {path} is "
                                f"{describe_path(path)}; remove it (the lock is a file the "
                                "registry creates)")
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise RecstackError(f"{self.root}: {name}: cannot open its lock {path} "
                                f"({error.strerror}); the registry must be writable to "
                                "change which version is current") from None
        try:
            deadline = time.monotonic() + _ALIAS_LOCK_WAIT
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise RecstackError(
                            f"{self.root}: {name}: {path} has been held by another process "
                            f"for over {_ALIAS_LOCK_WAIT:g} s; current.json was not changed "
                            "(try again once the other publish or rollback ends)") from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    @arguments_named
    def rollback(self, name: str, to: int | None = None) -> int:
        """Point ``current`` back at version ``to``, or at the version that was current
        before (skipping versions pruned since); returns the version now current. ``to``
        naming the current version changes nothing (as :meth:`set_current`)."""
        refuse_swapped("rollback", name, to, "the version (to=)")
        check_name(name)
        with self._alias_lock(name):
            return self._rollback(name, to)

    def _rollback(self, name: str, to: int | None) -> int:
        alias = self._read_alias(name)
        if alias is None:
            if not self._numbers(name):
                raise self._name_unknown(name)
            # a registry copied without its current.json: "no current version to roll
            # back" said neither why nor how to point it at one
            raise RecstackError(f"{self._no_current(name)}; a rollback goes back from the "
                                "current version")
        if to is None:
            present = set(self.versions(name))
            history = [v for v in alias["history"] if v in present and v != alias["version"]]
            if not history:
                raise self._nothing_to_roll_back(name, alias, present)
            to = history[-1]
            last = max(i for i, v in enumerate(alias["history"]) if v == to)
            remaining = alias["history"][:last]
            try:
                self.load(name, to)
            except CorruptVersionError as error:
                # the version rolled back to was named as damaged, with no word of the
                # versions that would load
                others = sorted(present - {to, alias["version"]})
                loadable = self._newest_loadable(name, others)
                hint = (f"roll back to another version with rollback({name!r}, "
                        f"to={loadable})" if loadable is not None else
                        f"no other version of {name} checks out: publish the model again")
                raise CorruptVersionError(f"{error}; it was current before "
                                          f"{name}@{alias['version']}, and {name} stays at "
                                          f"{alias['version']}: {hint}") from None
        else:
            to = check_version(to)
            if to == alias["version"]:
                # already current: a no-op, as set_current (it added the current version
                # to the history, so a later rollback() "went back" to where it was)
                self.load(name, to)
                return to
            remaining = [*alias["history"], alias["version"]]
            self._load_to_point(name, to, alias, "rollback")
        self._write_alias(name, {"version": to, "history": remaining[-100:]})
        return to

    def _nothing_to_roll_back(self, name: str, alias: dict[str, Any], present: set[int]
                              ) -> RecstackError:
        """The error for ``rollback(name)`` when no version current before is left. One
        whose earlier versions were all pruned or removed by hand was told it "has no
        earlier current version", as if it never had one, and not which version to name."""
        current = alias["version"]
        earlier = list(dict.fromkeys(v for v in reversed(alias["history"]) if v != current))
        loadable = self._newest_loadable(name, sorted(present - {current}))
        hint = (f"roll back to a version that checks out with rollback({name!r}, "
                f"to={loadable})" if loadable is not None else
                f"no other version of {name} checks out (versions: {sorted(present)}), so "
                f"{name} stays at {current}")
        if not earlier:
            named = (f", e.g. rollback({name!r}, to={loadable})" if loadable is not None
                     else f", though {hint}")
            return RecstackError(f"{self.root}: {name}@{current} has no earlier current "
                                 f"version to roll back to; name one (to=N){named}")
        were = "was" if len(earlier) == 1 else "were"
        return RecstackError(f"{self.root}: {name}@{current} has no earlier current version "
                             f"left to roll back to: {counted(len(earlier), 'version')} "
                             f"current before it ({', '.join(map(str, earlier[:10]))}"
                             f"{', ...' if len(earlier) > 10 else ''}) {were} removed since "
                             f"(pruned, or removed by hand); {hint}")

    @arguments_named
    def prune(self, name: str, keep: int) -> list[int]:
        """Delete all but the newest ``keep`` complete versions, never the current one;
        returns the versions deleted."""
        refuse_swapped("prune", name, keep, "keep")
        check_name(name)
        keep = _check_keep(keep)
        versions = self.versions(name)
        if not versions and not self._numbers(name):
            # a misspelt name pruned nothing and answered [] as if all were well
            raise self._no_current(name)
        with self._alias_lock(name):  # a rollback meanwhile could make a doomed one current
            current = self.current(name)
            doomed = [v for v in versions[:max(0, len(versions) - keep)] if v != current]
            for version in doomed:
                self._withdraw(name, version)
        return doomed

    def _withdraw(self, name: str, version: int) -> None:
        key = self._version_key(name, version)
        # the manifest goes first: the version stops existing before its files do
        self._remove(f"{key}/{MANIFEST}")
        self._remove_tree(key)

    # ------------------------------------------------------------------ storage
    def _resolve(self, name: str, version: int | None) -> tuple[str, int]:
        check_name(name)
        if version is None:
            version = self.current(name)
            if version is None:
                raise self._no_current(name)
        else:
            version = check_version(version)
        return name, int(version)

    def _absent(self, name: str, version: int, *, current: bool = False) -> RecstackError:
        """The error for a version without a readable manifest: one that does not exist,
        or (its folder holding files) one whose publish is in progress or was cut short,
        said as such: "does not exist (versions: none)" sent the user looking for a
        version whose files they could see. ``current``: the version is the one the
        ``current`` alias names (the user asked for ``name`` alone, and "als@5 does not
        exist" did not say where the 5 came from)."""
        if not current and not self._numbers(name):
            # "ALS@1 does not exist (versions: none)" gave no hint that 'als' was meant
            return self._name_unknown(name)
        reason = ""
        misnamed = [e for e in self._list(self._join(name, _VERSIONS))
                    if e.isascii() and e.isdigit() and int(e) == version
                    and e != f"{version:08d}"]
        odd = (None if self.is_remote
               else folder_problem(Path(self._version_key(name, version))))
        if version in self._numbers(name) and odd not in (None, "no such folder"):
            # a file (or a pipe, a dangling link) where the version's folder belongs was
            # said to be a folder that "holds no readable manifest.json"
            reason = (f"; {self._version_key(name, version)} {odd}, where the version's "
                      "folder belongs (moved or written over by hand?): publish the model "
                      "again, or move it away")
        elif version in self._numbers(name) and self._odd_file(
                f"{self._version_key(name, version)}/{MANIFEST}") is not None:
            # a folder or a dangling link in the manifest's place was "holds no readable
            # manifest.json: a publish still uploading"
            key = f"{self._version_key(name, version)}/{MANIFEST}"
            reason = (f"; its {key} {self._odd_file(key)}: moved or written over by hand? "
                      "Put the version's manifest.json back, or publish the model again")
        elif version in self._numbers(name):
            reason = (f"; its folder {self._version_key(name, version)} holds no readable "
                      f"{MANIFEST}: a publish still uploading, cut short, or a copy that "
                      "left the manifest out (publish the model again, or remove the folder)")
        elif misnamed:
            # a folder renamed by hand ("2" for 00000002) was ignored without a word, and
            # the version reported as deleted
            reason = (f"; the folder {name}/{_VERSIONS}/{misnamed[0]} holds it under another "
                      f"name: a version folder is named with 8 digits; rename it "
                      f"{version:08d}")
        elif current:
            reason = (f"; {name}/{CURRENT} points at it (edited by hand, or the version was "
                      f"deleted): {self._pointing_hint(name)}")
        return RecstackError(f"{self.root}: {name}@{version} does not exist (versions: "
                             f"{self.versions(name) or 'none'}){reason}")

    def _odd_file(self, key: str) -> str | None:
        """What stands at ``key`` of a local registry when it is there but is no readable
        file (a folder, a link that leads nowhere, a pipe), in
        :func:`~recstack.serving._files.unreadable_file`'s words; else None (a file,
        nothing at all, or a remote registry)."""
        if self.is_remote:
            return None
        path = Path(key)
        if not os.path.lexists(path) or (path.is_file() and not path.is_symlink()):
            return None
        problem = unreadable_file(path)
        return None if problem.startswith(("no such file", "cannot read it")) else problem

    def _no_current(self, name: str) -> RecstackError:
        """The error for a name without a ``current`` alias. Complete versions without one
        (a first publish cut short before the alias was written, a name folder copied
        without its ``current.json``) were reported as "no model named 'als' (names:
        als)", contradicting itself."""
        versions = self.versions(name)
        if versions:
            loadable = self._newest_loadable(name, versions)
            hint = (f"point it at one with set_current({name!r}, {loadable}), or name the "
                    f"version: {name}@{loadable}" if loadable is not None
                    else self._pointing_hint(name, versions))
            odd = self._odd_file(self._join(name, CURRENT))
            # a link that leads nowhere was said to be "missing"
            what = "is missing" if odd is None else odd
            return RecstackError(
                f"{self.root}: {name} has versions {versions} but no current version "
                f"({name}/{CURRENT} {what}); {hint}")
        incomplete = self._numbers(name)
        if incomplete:
            return self._absent(name, incomplete[-1])
        return self._name_unknown(name)

    def _newest_loadable(self, name: str, versions: list[int]) -> int | None:
        """The newest of ``versions`` whose manifest (and, in a local registry, every file)
        checks out, or None: a hint suggested the newest version listed, and
        ``set_current`` then refused it when its manifest was damaged."""
        for version in reversed(versions):
            try:
                if self.is_remote:
                    self.manifest(name, version)
                else:
                    folder = Path(self._version_key(name, version))
                    verify_folder(folder, f"{self.root}: {name}@{version}")
            except (RecstackError, OSError):
                continue
            return version
        return None

    def _pointing_hint(self, name: str, versions: list[int] | None = None) -> str:
        """What to point ``current`` at: the newest version that checks out, or, when none
        does, that none does (a damaged one was suggested, and refused when taken)."""
        versions = self.versions(name) if versions is None else versions
        loadable = self._newest_loadable(name, versions)
        if loadable is not None:
            return (f"point it at a version that exists with "
                    f"set_current({name!r}, {loadable})")
        if not versions:
            return (f"no version of {name} is left: publish the model again "
                    f"(set_current({name!r}, N) once one exists)")
        return (f"none of its versions {versions} checks out (each manifest or file is "
                f"damaged): publish the model again")

    def _name_unknown(self, name: str) -> RecstackError:
        """The error for a name the registry does not hold, with the nearest name (``als``
        for ``ALS``): one wording for every lookup by name."""
        known = self.names()
        from recstack.specs import did_you_mean

        # "latest" and "current" are no keywords of a reference: a model's current version
        # is its bare name, which a user coming from image tags (als:latest) may not guess
        keyword = (f"; {name!r} is no keyword: a model's current version is named by its "
                   f"name alone (e.g. {known[0]!r}), a version by name@N"
                   if name.lower() in _VERSION_WORDS and known else "")
        return RecstackError(f"{self.root}: no model named {name!r}"
                             f"{did_you_mean(name, known)} ({self.names_held(known)}){keyword}")

    def names_held(self, known: list[str] | None = None) -> str:
        """``names: a, b`` for the names the registry holds, or why it holds none: a local
        folder that does not exist is said to be missing (a mistyped ``--registry`` read
        as "none yet", as if nothing had been published there)."""
        known = self.names() if known is None else known
        if known:
            return f"names: {', '.join(known)}"
        if not self.is_remote and not Path(self._root).exists():
            return ("names: none; no such registry folder: check the path, or publish a "
                    "model there first")
        # a name folder without one complete version (its versions moved or deleted, a
        # publish that never finished) read as "none yet", as if nothing were there
        unfinished = sorted(n for n in self._list(self._root) if _is_name(n))
        if unfinished:
            shown = ", ".join(unfinished[:5]) + (", ..." if len(unfinished) > 5 else "")
            return (f"names: none with a complete version; {shown} "
                    f"{'has' if len(unfinished) == 1 else 'have'} no "
                    f"{_VERSIONS}/NNNNNNNN/{MANIFEST} (a publish that never finished, or "
                    "versions moved or deleted by hand?)")
        return "names: none yet"

    def _numbers(self, name: str) -> list[int]:
        entries = self._list(self._join(name, _VERSIONS))
        # 00000000 is no version (they start at 1, and no reference can name a 0): a folder
        # so named (copied or renamed by hand) was listed by versions() as version 0, kept a
        # name with nothing loadable in names(), and prune counted it among the versions kept
        # and "deleted" it
        return sorted(int(e) for e in entries
                      if len(e) == 8 and e.isascii() and e.isdigit() and int(e) >= 1)

    @_storage_errors
    def _list(self, key: str) -> list[str]:
        if not self.is_remote:
            folder = Path(key)
            return [p.name for p in folder.iterdir()] if folder.is_dir() else []
        try:
            return [entry.rstrip("/").rsplit("/", 1)[-1]
                    for entry in self._fs.ls(key, detail=False)]
        except FileNotFoundError:
            return []

    @_storage_errors
    def _exists(self, key: str) -> bool:
        return Path(key).is_file() if not self.is_remote else bool(self._fs.exists(key))

    @_storage_errors
    def _read_bytes(self, key: str) -> bytes:
        if not self.is_remote:
            odd = special_file_problem(Path(key))
            if odd is not None and not odd.endswith("which does not exist"):
                # a named pipe where current.json or a manifest belongs hung the reader
                # (and the service's reload poll) for ever, waiting for a writer
                raise RegistryUnavailableError(
                    f"registry {self.root}: cannot use {key}: it {odd}, where the registry "
                    "keeps a file; move it away")
            return Path(key).read_bytes()
        return bytes(self._fs.cat_file(key))

    @_storage_errors
    def _remove(self, key: str) -> None:
        if not self.is_remote:
            Path(key).unlink(missing_ok=True)
        elif self._fs.exists(key):
            self._fs.rm_file(key)

    @_storage_errors
    def _remove_tree(self, key: str) -> None:
        if not self.is_remote:
            shutil.rmtree(key, ignore_errors=True)
        elif self._fs.exists(key):
            self._fs.rm(key, recursive=True)

    def _read_alias(self, name: str) -> dict[str, Any] | None:
        check_name(name)
        key = self._join(name, CURRENT)
        try:
            raw = self._read_bytes(key)
        except FileNotFoundError:
            return None
        problem = None
        try:
            # utf-8-sig: an editor's byte-order mark is no damage (it was refused as such)
            # strict: NaN or Infinity (no JSON) is named as such, as a repeated key is
            alias = strict_loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            alias, problem = None, f"not UTF-8 text ({error.reason} at byte {error.start})"
        except ValueError as error:
            # an empty file (a copy or a disk that was full) was "not valid JSON
            # (Expecting value: line 1 column 1 (char 0))"
            alias, problem = None, (f"it is empty ({len(raw)} bytes)" if not raw.strip()
                                    else f"not valid JSON ({error})")
        problem = problem or _alias_problem(alias)
        if problem is not None:
            # what is wrong, not only that something is: the file may have been edited
            raise CorruptVersionError(f"{self.root}: {name}/{CURRENT} is damaged: {problem}; "
                                      f"point it at a version again with set_current({name!r}, "
                                      "VERSION)")
        return cast(dict[str, Any], alias)

    @_storage_errors
    def _write_alias(self, name: str, alias: dict[str, Any]) -> None:
        """Write ``current.json``, with ``highest`` (the largest version number the alias
        has named, before or in ``alias``) when neither its version nor its history names
        it any more: a rollback from a version removed by hand (and the history kept to its
        last 100 entries) dropped the number, and the next publish used it again for
        another model."""
        try:
            before = self._read_alias(name)
        except CorruptVersionError:
            before = None  # set_current's repair: what it held cannot be read
        used = max([*_alias_numbers(before), *_alias_numbers(alias)], default=0)
        alias = {key: value for key, value in alias.items() if key != "highest"}
        if used > max(_alias_numbers(alias)):
            alias["highest"] = used
        data = (json.dumps(alias) + "\n").encode("utf-8")
        key = self._join(name, CURRENT)
        if not self.is_remote:
            from recstack.atomic import write_bytes

            write_bytes(key, data)
        else:
            self._fs.pipe_file(key, data)  # one PUT: readers see the old or the new object

    @_storage_errors
    def _download(self, name: str, version: int, into: Path, *, current: bool = False
                  ) -> Path:
        key = self._version_key(name, version)
        if not self._fs.exists(f"{key}/{MANIFEST}"):
            raise self._absent(name, version, current=current)
        target = into / name / f"{version:08d}"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for remote in self._fs.find(key):
            relative = remote[len(key.rstrip("/")) + 1:] if remote.startswith(key) else \
                remote.split(f"{version:08d}/", 1)[-1]
            local = target / relative
            local.parent.mkdir(parents=True, exist_ok=True)
            self._fs.get_file(remote, str(local))
        return target


def _copy_into(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


def _load_folder(name: str, version: int, folder: Path, where: str,
                 keep: Path | None) -> ModelVersion:
    """Verify a version folder and load its model and index (``keep``: the path to
    record, None when the folder is about to be removed)."""
    from recstack.models.persistence import load_model
    from recstack.serving.ann import ItemIndex

    manifest = verify_folder(folder, where)
    if manifest["name"] != name or manifest["version"] != version:
        # a version folder copied or renamed by hand: serving it would report a version
        # that is not the one it holds
        raise CorruptVersionError(f"{where}: its manifest is of {manifest['name']}@"
                                  f"{manifest['version']}; the folder was copied or renamed "
                                  "by hand (publish it again instead)")
    try:
        model = load_model(folder / MODEL_FOLDER)
        index = (ItemIndex.load(folder / INDEX_FOLDER) if manifest["index"] is not None
                 else None)
        generator_indexes = {
            int(position): ItemIndex.load(folder / GENERATOR_INDEX_FOLDER / f"g{position}")
            for position in (manifest.get("generator_indexes") or {})}
    except (RecstackError, ValueError) as error:
        raise CorruptVersionError(f"{where}: {error}") from None
    if model.name != manifest["model"]:
        # a model folder swapped in from another version, its manifest rewritten to match:
        # the version would serve a model its manifest (and so /health, the CLI) misnames
        raise CorruptVersionError(f"{where}: its manifest says model {manifest['model']!r}, "
                                  f"but {MODEL_FOLDER}/ holds a {model.name!r} model; the "
                                  "version was assembled by hand (publish it again instead)")
    _refuse_disagreeing_params(manifest["params"], model, where)
    if index is not None:
        _refuse_index_of_another_model(index, model, where)
    _refuse_disagreeing_index(manifest["index"], index, folder, where)
    generators = getattr(model, "generators_", None) or []
    for position, generator_index in generator_indexes.items():
        if position >= len(generators):
            raise CorruptVersionError(
                f"{where}: its manifest lists an item index for generator {position}, but "
                f"the model has {counted(len(generators), 'generator')}; the version was "
                "assembled by hand (publish the model again)")
        _refuse_index_of_another_model(generator_index, generators[position], where,
                                       f"the item index of generator {position}")
    return ModelVersion(name, version, model, index, manifest, keep, generator_indexes)


def _refuse_disagreeing_params(recorded: dict[str, Any], model: Any, where: str) -> None:
    """Refuse a manifest whose hyperparameters are not the loaded model's: one edited
    with its digest recomputed (or a model folder swapped in from another version) loaded,
    and the manifest, which /health and the CLI report, described another model. A
    hyperparameter the manifest lacks is let pass: a setting added after the version was
    published takes its default, as load_model lets it."""
    actual = _strict_json(model.get_params())
    differing = sorted(key for key in set(recorded) | set(actual)
                       if key in recorded and not _same_json(recorded[key], actual.get(key)))
    if differing:
        key = differing[0]
        held = (f"the model holds {shown(actual[key])}" if key in actual
                else f"model {model.name!r} has no such hyperparameter")
        raise CorruptVersionError(
            f"{where}: its {MANIFEST} records {key} = {shown(recorded[key])}, but {held}"
            + (f" (and {len(differing) - 1} more differ)" if len(differing) > 1 else "")
            + f"; the manifest was edited or {MODEL_FOLDER}/ was copied in from another "
            "version (publish the model again)")


def _same_json(first: Any, second: Any) -> bool:
    """Whether two JSON values are written alike (Python's ``==`` has ``true == 1`` and
    ``1 == 1.0``, which a manifest edited from 1.0 to true got past)."""
    return json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def _refuse_disagreeing_index(recorded: dict[str, Any] | None, index: Any, folder: Path,
                              where: str) -> None:
    """Refuse a manifest whose ``index`` does not describe the index in the folder: a
    null there with an index folder present served without it, and a description edited
    (its digest recomputed) was reported as the index's (its recall above all)."""
    if index is None:
        if (folder / INDEX_FOLDER).exists():
            raise CorruptVersionError(
                f"{where}: its {MANIFEST} records no item index (index: null), but the "
                f"folder holds {INDEX_FOLDER}/; the manifest was edited (publish the model "
                "again)")
        return
    recorded = recorded or {}  # null with an index loaded: every field differs
    actual = _strict_json(index.describe())
    # without hnswlib a graph index loads as exact search: not the manifest's fault
    fields = [key for key in actual if key != "backend"]
    differing = [key for key in fields if not _same_json(recorded.get(key), actual[key])]
    if recorded.get("backend") not in (actual["backend"], "hnsw") or set(recorded) != set(actual):
        differing.insert(0, "backend" if set(recorded) == set(actual) else "fields")
    if differing:
        key = differing[0]
        shown_recorded = (sorted(recorded) if key == "fields" else shown(recorded.get(key)))
        shown_actual = sorted(actual) if key == "fields" else shown(actual[key])
        raise CorruptVersionError(
            f"{where}: its {MANIFEST} describes the item index with {key} "
            f"{shown_recorded}, but {INDEX_FOLDER}/ holds one with {shown_actual}; the "
            "manifest was edited or the index copied in from another version (publish the "
            "model again)")


def _refuse_index_of_another_model(index: Any, model: Any, where: str,
                                   what: str = "its item index") -> None:
    """Refuse an item index built for other vectors than the model's (another catalog, or
    vectors of other dimensions): a row of the index is an item of the model, so an index
    of 40 items over a model of 80 answered ids of the wrong items, and one of other
    dimensions was silently passed over for the model's own scoring."""
    n_items = len(model.items_.external_ids)
    dim = None
    try:
        items = np.asarray(model.item_embeddings(), np.float64)
        dim = int(items.shape[1])
    except (RecstackError, NotImplementedError, AttributeError, IndexError, TypeError):
        pass  # a model without item vectors: only the count can be checked
    if index.n_items != n_items or (dim is not None and index.dim != dim):
        theirs = counted(n_items, "item") + (f" of {counted(dim, 'dimension')}" if dim is not None
                                              else "")
        raise CorruptVersionError(
            f"{where}: {what} holds {counted(index.n_items, 'item')} of "
            f"{counted(index.dim, 'dimension')}, the model {theirs}; the index was built for "
            "another model or copied in by hand (publish the model again, which builds its index)")
    if dim is not None:
        # an index of another fit of the same catalog (another version's, copied in and its
        # manifest entries recomputed) has the same counts: it answered the other fit's items
        scale = float(np.abs(items).max(initial=0.0))
        if not np.allclose(index.vectors, items, rtol=1e-4, atol=1e-6 * max(scale, 1.0)):
            row = int(np.argmax(np.abs(index.vectors - items).max(axis=1)))
            raise CorruptVersionError(
                f"{where}: {what} holds other item vectors than the model (item index "
                f"{row} differs most); the index was built for another fit of the model or "
                "copied in by hand (publish the model again, which builds its index)")


# --------------------------------------------------------------------------- checks
def verify_folder(folder: Path, where: str) -> dict[str, Any]:
    """Check a version folder against its manifest: the manifest itself, then every file
    (none missing, none extra, each SHA-256 and size). Returns the manifest. A symbolic
    link anywhere in the folder is refused, and so is a folder of far more entries than a
    version holds (:func:`_present_files`)."""
    from recstack.atomic import checked_path

    folder = checked_path(folder, f"{where}: version folder")
    # walked first: manifest.json itself may be the link
    present = _present_files(folder, where)
    try:
        raw = (folder / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise CorruptVersionError(f"{where}: no {MANIFEST}; not a complete version") from None
    manifest = _parse_manifest(raw, f"{where}/{MANIFEST}")
    table = manifest["files"]
    present.discard(MANIFEST)
    missing, extra = sorted(set(table) - present), sorted(present - set(table))
    if missing or extra:
        raise CorruptVersionError(
            f"{where}: files do not match {MANIFEST}"
            + (f"; missing: {missing}" if missing else "")
            + (f"; not listed: {extra}" if extra else ""))
    for relative, entry in table.items():
        path = folder / relative
        size = path.stat().st_size
        if size != entry["size"] or _sha256(path) != entry["sha256"]:
            # the size says which: a copy cut short (an empty file) reads as such, not only
            # as "corrupted", as the item index's own check says it
            how = (f" ({size:,} bytes, {MANIFEST} says {entry['size']:,}: cut short or "
                   "replaced by another file; copy the whole version folder again, or "
                   "publish the model again)" if size != entry["size"] else "")
            raise CorruptVersionError(f"{where}/{relative}: checksum mismatch{how}; the file "
                                      "is corrupted or was modified")
    return manifest


#: the most files and folders the check of a version folder walks: a version holds a few
#: dozen (its manifest, model, item index and one index per candidate generator)
_MOST_ENTRIES = 10_000


def _present_files(folder: Path, where: str) -> set[str]:
    """The files under ``folder``, as paths relative to it, walked without following any
    symbolic link. A version holds only the files the registry wrote, and it never writes
    a link, so a link is refused by name, whether it leads to a file or a folder, inside
    the version or outside it, without walking where it leads: the walk followed links to
    folders (the loader follows them too), so a link to ``/`` or ``/usr`` was walked whole
    before the refusal. The walk itself is bounded: a folder holding more than
    :data:`_MOST_ENTRIES` files and folders is refused naming that count, not walked to
    its end. (A pipe or socket is no file: one the manifest lists reads as missing.)"""
    present: set[str] = set()
    walked = 0
    pending = [Path()]
    while pending:
        relative = pending.pop()
        try:
            entries = os.scandir(folder / relative)  # read as walked: bounded below
        except OSError as error:  # os.walk passed over a folder it could not read
            shown_folder = f"{where}/{relative.as_posix()}" if relative.parts else where
            if error.errno in (errno.ENOENT, errno.ENOTDIR):
                # not a permission problem: removed or replaced meanwhile (a prune)
                raise CorruptVersionError(
                    f"{shown_folder}: removed or replaced while it was being checked (a "
                    "prune, or another process); not a complete version: load it again, "
                    "or another version") from None
            raise CorruptVersionError(
                f"{shown_folder}: the folder cannot be read ({error.strerror or error}); "
                "give this process permission to read the whole version folder") from None
        with entries:
            for entry in entries:
                walked += 1
                if walked > _MOST_ENTRIES:
                    raise CorruptVersionError(
                        f"{where}: the version folder holds more than "
                        f"{_MOST_ENTRIES:,} files and folders, where a version holds the "
                        "few the registry writes (its manifest, model and item index); "
                        "files were added to it by hand, or it is not a version folder "
                        "(publish the model again)")
                inner = (relative / entry.name).as_posix()
                if entry.is_symlink():
                    raise CorruptVersionError(
                        f"{where}/{inner}: a symbolic link (to {_link_target(entry.path)}), "
                        "where a version holds only the files the registry wrote, never a "
                        "link (it is not followed); put the files themselves in its place "
                        "(copy the version folder again without links) or publish the model "
                        "again")
                if entry.is_dir(follow_symlinks=False):
                    pending.append(relative / entry.name)
                elif entry.is_file(follow_symlinks=False):
                    present.add(inner)
    return present


def _link_target(path: str) -> str:
    """Where a symbolic link leads, as it is written, for a message (never followed)."""
    try:
        return repr(echoed(os.readlink(path)))
    except OSError:
        return "somewhere that cannot be read"


def _parse_manifest(raw: bytes, where: str) -> dict[str, Any]:
    if not raw.strip():
        # it was "not valid JSON (Expecting value: line 1 column 1 (char 0))"
        raise CorruptVersionError(f"{where}: is empty ({len(raw)} bytes): a publish or a copy "
                                  "cut short; publish the model again, or copy the whole "
                                  "version folder again")
    try:
        # utf-8-sig: an editor's byte-order mark is no damage, as in current.json (the
        # manifest's own checksum is of its fields, not of its bytes)
        manifest = strict_loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CorruptVersionError(f"{where}: not valid JSON ({error}); the manifest is "
                                  "corrupted") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorruptVersionError(f"{where}: not a recstack registry manifest (expected "
                                  f"format {FORMAT!r})")
    version = manifest.get("format_version")
    if "format_version" not in manifest or type(version) is not int or version < 1:
        # it read "manifest format version None" (the field missing) and "format version
        # '1'; this recstack reads 1" (the field as text): damage, not another version
        from recstack.models.persistence import json_kind

        found = ("the field is missing" if "format_version" not in manifest else
                 f"found {json_kind(version)}")
        raise CorruptVersionError(f"{where}: format_version must be a positive integer (the "
                                  f"manifest format's version), {found}; the manifest is "
                                  "corrupted: publish the model again")
    if version != FORMAT_VERSION:
        raise CorruptVersionError(f"{where}: manifest format version {shown(version)}; this "
                                  f"recstack ({__version__}) reads {FORMAT_VERSION}"
                                  + (": upgrade recstack to read it" if version > FORMAT_VERSION
                                     else ": publish the model again"))
    if not _MANIFEST_FIELDS <= set(manifest) <= _MANIFEST_FIELDS | _OPTIONAL_FIELDS:
        missing = sorted(_MANIFEST_FIELDS - set(manifest))
        unknown = sorted(set(manifest) - _MANIFEST_FIELDS - _OPTIONAL_FIELDS)
        raise CorruptVersionError(f"{where}: manifest fields wrong"
                                  + (f"; missing: {missing}" if missing else "")
                                  + (f"; unknown: {unknown}" if unknown else ""))
    if manifest["manifest_sha256"] != _manifest_digest(manifest):
        raise CorruptVersionError(f"{where}: the manifest's checksum does not match its "
                                  "content; it was edited or is corrupted")
    files = manifest["files"]
    if not isinstance(files, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("sha256"), str)
            and type(e.get("size")) is int and ".." not in k.split("/")
            for k, e in files.items()):
        raise CorruptVersionError(f"{where}: files must map each path to its sha256 and "
                                  "size")
    _check_manifest_fields(manifest, where)
    return manifest


#: what each manifest field holds as publish writes it (a type, or a tuple of them; None:
#: the field may be null)
_FIELD_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a model name"),
    "model": ((str,), "the model type's name"),
    "params": ((dict,), "an object of hyperparameters"),
    "data_fingerprint": ((str, type(None)), "text or null"),
    "evaluation": ((dict, type(None)), "an object of results or null"),
    "created": ((str,), "an ISO 8601 time"),
    "recstack_version": ((str,), "a version text"),
    "index": ((dict, type(None)), "the item index's description or null"),
    "generator_indexes": ((dict,), "an object of generator positions"),
}


def _check_manifest_fields(manifest: dict[str, Any], where: str) -> None:
    """Refuse a manifest whose fields are not of the kinds publish writes: one edited and
    its digest recomputed (by a tool, or by hand) got past the checksum, and a version
    "1" was refused as "its manifest is of als@1" (the very version asked for), generator
    positions that are not numbers as "invalid literal for int()", and readers of the
    results (``evaluation``) failed with an AttributeError."""
    wrong = [f"{field!r} must be {text}, got {type(manifest[field]).__name__} "
             f"{manifest[field]!r:.40}"
             for field, (kinds, text) in _FIELD_KINDS.items()
             if field in manifest and not isinstance(manifest[field], kinds)]
    if not _is_version(manifest["version"]):
        wrong.append(f"'version' must be a whole number from 1 to {MAX_VERSION}, got "
                     f"{type(manifest['version']).__name__} {manifest['version']!r:.40}")
    # a data_fingerprint of another form than a SHA-256 is loaded: publish took any text
    # before this release refused it, and such versions stay loadable
    created = manifest.get("created")
    if isinstance(created, str) and not _is_iso_time(created):
        wrong.append(f"'created' must be an ISO 8601 time such as "
                     f"'2026-01-31T12:00:00+00:00', got {echoed(repr(created), 60)}")
    positions = manifest.get("generator_indexes")
    if isinstance(positions, dict):
        bad = [key for key, entry in positions.items()
               if not (key.isascii() and key.isdigit()) or not isinstance(entry, dict)]
        if bad:
            wrong.append(f"'generator_indexes' must map each generator's position (0, 1, "
                         f"...) to its index's description, got the key(s) {bad!r:.60}")
    if wrong:
        raise CorruptVersionError(f"{where}: {'; '.join(wrong)}; the manifest was edited "
                                  "(publish the model again)")


#: a data fingerprint as :func:`data_fingerprint` writes it: a SHA-256 in lower-case hex
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def fingerprint_problem(fingerprint: str) -> str | None:
    """What keeps ``fingerprint`` from being one :func:`data_fingerprint` wrote (64
    lower-case hexadecimal digits), or None. One of another form never equals the data's,
    so every comparison with the training data would say "other data" without saying why."""
    if _FINGERPRINT.fullmatch(fingerprint):
        return None
    return (f"must be the training data's SHA-256 as data_fingerprint(data) writes it (64 "
            f"lower-case hexadecimal digits), got {echoed(repr(fingerprint), 80)}")


def _is_iso_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _manifest_digest(manifest: Mapping[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _file_table(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.relative_to(folder).as_posix(): {"sha256": _sha256(p), "size": p.stat().st_size}
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build_index(model: Recommender, backend: str | None,
                 options: dict[str, Any]) -> ItemIndex | None:
    from recstack.serving.ann import ItemIndex

    if backend is None:
        return None
    # an array or frame compared with `in` was numpy's "truth value is ambiguous"
    if not isinstance(backend, str) or backend not in ("auto", "hnsw", "exact"):
        raise ConfigError(f"index must be 'auto', 'hnsw', 'exact' or None, got "
                          f"{shown_given(backend)}")
    try:
        items = model.item_embeddings()
    except RecstackError as error:
        if backend == "auto":
            return None  # a model without item vectors is served by its own scoring
        raise RecstackError(f"{error}; publish it without an item index (index=None, "
                            "--no-index)") from None
    try:
        queries = model.user_embeddings()
    except RecstackError:
        queries = None
    options.setdefault("check_queries", queries)
    return ItemIndex.build(items, backend=backend, **options)  # type: ignore[arg-type]


def _build_generator_indexes(model: Recommender, backend: str | None,
                             options: dict[str, Any]) -> dict[int, ItemIndex]:
    """For a two-stage model: an item index per candidate generator whose user and item
    vectors reproduce its scores (what the service searches instead of scoring the
    catalog; :mod:`recstack.serving.two_stage`), by generator position."""
    from recstack.serving.ann import ItemIndex
    from recstack.serving.two_stage import reproducing_vectors

    generators = getattr(model, "generators_", None)
    if backend is None or model.name != "two_stage" or not generators:
        return {}
    built = {}
    for position, generator in enumerate(generators):
        vectors = reproducing_vectors(generator)
        if vectors is not None:
            users, items = vectors
            built[position] = ItemIndex.build(items, backend=backend,  # type: ignore[arg-type]
                                              **{"check_queries": users, **options})
    return built


def _check_publish_options(name: str, data: Any, fingerprint: Any, evaluation: Any,
                           index_options: Any) -> None:
    """Refuse :meth:`ModelRegistry.publish` arguments of the wrong kind before any work,
    naming the argument (they failed deep inside as AttributeError or TypeError, after
    the model was saved and indexed)."""
    import inspect

    from recstack.data.interactions import Interactions
    from recstack.serving.ann import ItemIndex

    where = f"publish {name}"
    if data is not None and not isinstance(data, Interactions):
        raise ConfigError(f"{where}: data must be the training Interactions (for its "
                          f"fingerprint), got {type(data).__name__}")
    if fingerprint is not None and not isinstance(fingerprint, str):
        raise ConfigError(f"{where}: fingerprint must be text (data_fingerprint(data)), got "
                          f"{type(fingerprint).__name__}")
    if isinstance(fingerprint, str) and data is None and fingerprint_problem(fingerprint):
        # it never equals a data's fingerprint, so every comparison with the training data
        # would say "other data" without saying why (with data given, its disagreement with
        # the data's own is refused by publish)
        raise ConfigError(f"{where}: fingerprint {fingerprint_problem(fingerprint)}")
    if evaluation is not None:
        if not isinstance(evaluation, Mapping):
            # readers of the manifest look results up by name (the CLI records results.json's
            # entry); text or a list was recorded as given
            raise ConfigError(f"{where}: evaluation must be a mapping of results (e.g. "
                              f"{{\"ndcg@10\": 0.31}}), got {type(evaluation).__name__} "
                              f"{str(evaluation)[:60]!r}")
        try:
            problem = _evaluation_problem(evaluation, "evaluation")
        except RecursionError:
            problem = "evaluation is nested too deeply to record (hundreds of levels)"
        if problem is not None:
            raise ConfigError(f"{where}: {problem}")
        try:
            json.dumps(evaluation, default=plain_value)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{where}: evaluation must be JSON-serialisable (numbers, "
                              f"text, lists, mappings): {error}") from None
    if index_options is not None:
        if not isinstance(index_options, Mapping):
            raise ConfigError(f"{where}: index_options must be a mapping of "
                              f"ItemIndex.build options, got {type(index_options).__name__}")
        accepted = [p for p in inspect.signature(ItemIndex.build).parameters
                    if p not in ("cls", "vectors", "backend")]
        unknown = sorted(str(key) for key in index_options if key not in accepted)
        if unknown:
            raise ConfigError(f"{where}: index_options {unknown} unknown; the item index "
                              f"takes: {', '.join(accepted)} (the backend is the index "
                              "argument)")


def _evaluation_problem(value: Any, where: str, within: frozenset[int] = frozenset()
                        ) -> str | None:
    """What in a publish's ``evaluation`` (mappings, lists, numbers, text) the manifest
    cannot record as given, naming where (``evaluation['results'][1]``); None when nothing.

    A key that is not text was written as its text (``{1: 0.3}`` read back as ``{"1":
    0.3}``, a lookup of 1 then missing it), and of two keys with one text (``1`` and
    ``"1"``) only the last was kept; an integer beyond Python's digit limit was Python's
    "Exceeds the limit (4300 digits)", with advice to raise that limit."""
    import sys

    from recstack.errors import digit_count

    if isinstance(value, Mapping | list | tuple):
        if id(value) in within:
            return (f"{where} refers back to a list or mapping that holds it (a circular "
                    "reference), which JSON cannot hold")
        within = within | {id(value)}
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                hint = (f"; write {str(key)!r}" if isinstance(key, int | float)
                        and not isinstance(key, bool) and len(str(key)) <= 40 else "")
                return (f"{where} keys must be text (names such as 'ndcg@10'), got "
                        f"{type(key).__name__} {shown(key):.40}{hint}")
            problem = _evaluation_problem(item, f"{where}[{key!r}]", within)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            problem = _evaluation_problem(item, f"{where}[{position}]", within)
            if problem is not None:
                return problem
        return None
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_) \
            and digit_count(int(value)) > sys.get_int_max_str_digits() > 0:
        return (f"{where} is an integer of {digit_count(int(value)):,} digits, which the "
                "manifest cannot record; give a result as a number of ordinary size")
    if isinstance(value, np.generic | np.ndarray):  # written as the Python values they hold
        return _evaluation_problem(value.tolist(), where)
    if not isinstance(value, str | int | float | Path | None):
        # "<object object at 0x7f...> cannot be written as JSON" said not where it was
        return (f"evaluation must be JSON-serialisable (numbers, text, lists, mappings); "
                f"{where} is of type {type(value).__name__}, which JSON cannot hold")
    return None


def _alias_problem(alias: Any) -> str | None:
    """What is wrong with a ``current.json`` object (``{"version": N, "history": [...]}``),
    or None."""
    if not isinstance(alias, dict):
        return (f"expected an object such as {{\"version\": 3, \"history\": [1, 2]}}, got "
                f"{_json_kind(alias)}")
    if "version" not in alias:
        return "no 'version'"
    unknown = sorted(set(alias) - {"version", "history", "highest"})
    if unknown:
        # a misspelt key ("histroy") or one no recstack writes ("pinned") was ignored
        # without a word
        from recstack.specs import did_you_mean

        known = ["version", "history", "highest"]
        return (f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], known)}"
                "; current.json holds only 'version', 'history' and (optional) 'highest'")
    if not _is_version(alias["version"]):
        return (f"'version' must be a whole number from 1 to {MAX_VERSION}, got "
                f"{json.dumps(alias['version'])[:40]}")
    history = alias.get("history")
    if not isinstance(history, list):
        return ("'history' must be a list of the versions current before (possibly empty), "
                f"got {'nothing' if 'history' not in alias else _json_kind(history)}")
    wrong = [v for v in history if not _is_version(v)]
    if wrong:
        return (f"'history' must hold version numbers from 1 to {MAX_VERSION}, got "
                f"{json.dumps(wrong[0])[:40]}")
    if "highest" in alias and not _is_version(alias["highest"]):
        return (f"'highest' (the largest version number used) must be a whole number from 1 "
                f"to {MAX_VERSION}, got {json.dumps(alias['highest'])[:40]}")
    return None


def _alias_numbers(alias: dict[str, Any] | None) -> list[int]:
    """Every version number a ``current.json`` object names: its version, its history and
    its ``highest``."""
    if alias is None:
        return []
    return [alias["version"], *alias["history"],
            *([alias["highest"]] if "highest" in alias else [])]


def _json_kind(value: Any) -> str:
    """The JSON name of ``value``'s type, for messages about a file."""
    kinds = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "text"),
             (list, "a list"), (dict, "an object"), (type(None), "null"))
    return next((text for kind, text in kinds if isinstance(value, kind)), "a value")


def _is_version(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_VERSION


def _check_keep(keep: Any) -> int:
    # a numpy integer (an entry of an array, as versions themselves may be) is that number
    number = whole_exact_as_int(keep)  # Decimal("2") is 2, as every count
    if isinstance(number, bool | np.bool_) or not isinstance(number, int | np.integer) \
            or number < 1:
        raise ConfigError(f"keep must be a positive whole number, got {shown(keep)}")
    return int(number)


def _strict_json(value: Any) -> Any:
    """``value`` as the plain values of standard JSON, an undefined number (NaN, an
    infinity) as null: Python wrote them as the bare words NaN and Infinity, which no other
    JSON reader accepts (a browser's JSON.parse of the manifest failed)."""
    return json.loads(json.dumps(value, default=plain_value), parse_constant=lambda _word: None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
