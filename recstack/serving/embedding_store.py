"""User and item vectors keyed by external id, in SQLite (the default) or Redis.

One interface, :class:`EmbeddingStore`: ``put(kind, ids, vectors)`` and ``get(kind, ids)``
in bulk (``kind`` is ``"user"`` or ``"item"``), vectors as float32 rows. Ids are the
external ids of :class:`~recstack.data.interactions.Interactions` (integers or strings;
``1`` and ``"1"`` are different ids). Each kind has one dimension, fixed by its first
``put``.

- :class:`SQLiteEmbeddingStore` (stdlib ``sqlite3``): one table, a float32 blob per row
  (little-endian, as in Redis, so a vector read back is the one put, bit for bit, on any
  machine the file or the server is shared with), written in one transaction per
  ``put``; WAL mode so readers are not blocked by a writer.
  Each ``put`` and ``delete`` ends with a checkpoint, so the ``.sqlite`` file alone holds
  what was written (a backup that copies the file without its ``-wal`` file while a
  service has the store open gets every vector written before the copy started).
- :class:`RedisEmbeddingStore` (the ``redis`` package, the ``serving`` extra): one key per
  vector, ``PREFIX:KIND:ID``, read with one ``MGET`` and written with one ``MSET`` per
  call, in a transaction that watches the kind's dimension (a writer of another dimension
  meanwhile makes it fail, and it is refused on the retry).

Open either with :func:`open_store` (``"path/to/file.sqlite"``, ``"sqlite:///path"`` or
``"redis://host:port/db"``).

When the store cannot be reached
--------------------------------
Every operation that cannot reach its store (Redis down or timing out, an SQLite file that
cannot be opened, is locked past its timeout or is damaged) raises
:class:`StoreUnavailableError`, and only that. The documented fallback for a service is
:func:`read_with_fallback`: it serves the vectors the loaded model holds (its
``user_embeddings()`` / ``item_embeddings()`` at fit time, so nearline updates since are
missing) and says that it did, so the caller can count it in an alert metric rather than
fail the request.

Nearline fold-in
----------------
:func:`fold_in_users` recomputes users' vectors from new events without retraining: each
user's history (their training row in the model, when they have one, plus the new events;
a repeated item adds its values) goes through the model's exact ``fold_in`` (ALS, iALS: the
user step of the training objective with item factors fixed) and the result is written to
the store in the space of ``user_embeddings()`` (so ``user · item`` is the model's score).
It refuses a store whose item vectors are another model's (:func:`other_model_items`):
the users would be written beside vectors of another space.

Damaged vectors
---------------
``put`` keeps a CRC-32 of each vector beside it (SQLite: the table ``checksums``; Redis:
the hash ``PREFIX:sum:KIND``), computed over the kind, the key and the vector's bytes, and
``get`` checks it for every vector it reads: a flipped byte, a vector written again by
another tool (in another byte order or type of the same length), or one id's vector copied
under another id's key is a :class:`DamagedVectorError` (a :class:`StoreUnavailableError`,
so a service serves the model's vectors, as for a store it cannot reach) naming the store,
the id and what is wrong, where it read as another finite vector without a word. A vector
stored without a checksum (put before checksums were kept, or by another tool) is read as
before, unchecked, and a warning says so once per opened store; putting it again (or
``put_model``) has it checked. The check costs one CRC-32 of a few hundred bytes per
vector read, and in Redis one ``HMGET`` in the same round trip as the ``MGET``; no store
is checked whole on opening (every worker opens it, and a store may hold millions).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import threading
import zlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.atomic import broken_link, checked_path, is_looping_link, special_file_problem
from recstack.errors import ConfigError, RecstackError, counted, echoed, shown
from recstack.specs import arguments_named

if TYPE_CHECKING:
    from recstack.models.base import Recommender

__all__ = ["DamagedVectorError", "EmbeddingStore", "FoldInReport", "RedisEmbeddingStore",
           "SQLiteEmbeddingStore",
           "StoreUnavailableError", "fold_in_users", "item_sample", "open_store",
           "other_model_items", "read_with_fallback"]

logger = logging.getLogger(__name__)

KINDS = ("user", "item")
#: SQLite's default limit on parameters of one statement is 999 (older builds)
_SQL_CHUNK = 900
_REDIS_INSTALL = 'pip install "recstack[serving]"'
#: how often a Redis put is tried again when another writer changed the dimension meanwhile
_REDIS_RETRIES = 16
#: URL schemes of store locations: a location starting with one of them and a colon is a
#: URL, never a file path (refused when misspelt rather than opened as a file)
_STORE_SCHEMES = frozenset({"sqlite", "redis", "rediss", "unix"})
#: URL schemes of other systems: a location starting with one and a colon was meant as a
#: URL (SQLite read "file:x.db" as its URI for "x.db"), and is refused naming the store's
_FOREIGN_SCHEMES = frozenset({"file", "http", "https", "ftp", "sftp", "ssh", "s3", "s3a",
                              "gs", "gcs", "az", "abfs", "abfss", "wasb", "wasbs", "hdfs",
                              "postgres", "postgresql", "mysql", "mariadb", "mongodb",
                              "mongodb+srv", "memcached", "valkey", "keydb", "tcp"})
#: the tables of an SQLite store and their columns
_SQLITE_COLUMNS = {"vectors": ["kind", "id", "vector"], "dims": ["kind", "dim"]}
#: the table of the vectors' checksums, added beside them (an older recstack ignores it)
_SQLITE_CHECKSUM_COLUMNS = ["kind", "id", "checksum"]
#: the file extensions of SQLite databases: a plain path creates a new store only under one
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db3", ".s3db", ".sl3")


class StoreUnavailableError(RecstackError):
    """The embedding store cannot be reached or read (see the module docstring for the
    fallback a service uses)."""


class DamagedVectorError(StoreUnavailableError):
    """One stored vector cannot be trusted (its checksum does not match its bytes, or it
    is not the store's number of finite float32 values): the store itself answers, so a
    caller may serve around this id alone rather than treat the whole store as down.

    Attributes
    ----------
    kind : str
        ``"user"`` or ``"item"``.
    key : str
        The store key of the id (``i:42``, ``s:abc``).
    """

    def __init__(self, message: str, *, kind: str, key: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.key = key


def _vector_checksum(kind: str, key: str, blob: bytes | memoryview) -> int:
    """CRC-32 of a vector's bytes, seeded with its kind and key: a vector copied under
    another id's key (one user's taste served as another's) fails the check as a changed
    byte does."""
    seed = zlib.crc32(f"{kind}\0{key}\0".encode("utf-8", "surrogatepass"))
    return zlib.crc32(blob, seed)


def _moved_checksum(kind: str, key: str, trimmed: str, blob: Any, stored: Any) -> Any:
    """The checksum of a vector renamed from ``key`` to ``trimmed``: recomputed for the new
    key where the stored one matched the old (a rename is no damage), else the stored one
    as it is (None: there was none), so that a damaged vector is still refused."""
    if isinstance(blob, bytes) and stored is not None and _stored_checksum(stored) == \
            _vector_checksum(kind, key, blob):
        return _vector_checksum(kind, trimmed, blob)
    return stored


def _stored_checksum(value: Any) -> int | None:
    """A stored checksum as the integer written, or None when it is not one (edited by
    hand or by another tool: it can match no vector)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**32:
        return value
    return None


# --------------------------------------------------------------------------- interface
class EmbeddingStore(ABC):
    """Vectors by (kind, external id); see the module docstring."""

    @abstractmethod
    def put(self, kind: str, ids: Any, vectors: Any) -> None:
        """Write ``vectors[j]`` as the vector of ``ids[j]`` (replacing an existing one)."""

    @abstractmethod
    def get(self, kind: str, ids: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(vectors, found)``: float32 ``(len(ids), dim)`` with zero rows where
        ``found`` (bool ``(len(ids),)``) is False."""

    @abstractmethod
    def dim(self, kind: str) -> int | None:
        """The dimension of ``kind``'s vectors (None while it has none)."""

    @abstractmethod
    def count(self, kind: str) -> int:
        """How many vectors of ``kind`` are stored."""

    @abstractmethod
    def delete(self, kind: str, ids: Any) -> None:
        """Remove the vectors of ``ids`` (missing ones are ignored)."""

    #: set by :meth:`close`: every later call is refused (:meth:`_refuse_if_closed`)
    _closed = False
    #: set once a lookup has read a vector stored without a checksum (said once)
    _unchecked_said = False

    def _say_unchecked(self, kind: str, key: str) -> None:
        """Warn, once per opened store, that vectors without a checksum are read unchecked:
        a store written before checksums were kept reads as before, and its operator
        learns that a damaged vector in it would not be noticed."""
        if self._unchecked_said:
            return
        self._unchecked_said = True
        logger.warning("embedding store %s: %s vectors stored without a checksum (e.g. that "
                       "of %s: put before recstack kept checksums, or by another tool) are "
                       "read unchecked, so a damaged one would be served; put them again "
                       "(put_model) to have them checked", self._location(), kind,
                       _shown_key(key))

    def close(self) -> None:  # noqa: B027 (optional)
        """Release the connection; the store refuses every later call."""

    def __enter__(self) -> EmbeddingStore:
        self._refuse_if_closed()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @arguments_named
    def put_model(self, model: Recommender) -> None:
        """Store every user and item vector of a fitted model (by its external ids)."""
        self._refuse_if_closed()
        _check_model(model, "put_model")  # None was an AttributeError on items_
        model._require_fitted("put_model")  # an unfitted one too
        self.put("item", model.items_.external_ids, model.item_embeddings())
        self.put("user", model.users_.external_ids, model.user_embeddings())

    # shared checks ---------------------------------------------------------------
    def _location(self) -> str:
        """Where the store is, as its messages name it."""
        return type(self).__name__

    def _reopening(self) -> str:
        """The call that opens this store again, for the closed store's message."""
        return "open_store(...)"

    def _refuse_if_closed(self) -> None:
        """One refusal for every store used after :meth:`close` (or after the ``with``
        block that opened it): a Redis store kept answering (its client reconnects by
        itself) while an SQLite store said it was closed."""
        if self._closed:
            raise StoreUnavailableError(self._closed_message())

    def _closed_message(self) -> str:
        return (f"embedding store {self._location()} is closed (its close() was called, or "
                "the with block that opened it ended); open it again with "
                f"{self._reopening()}")

    def _prepare_put(self, kind: str, ids: Any, vectors: Any) -> tuple[list[str], np.ndarray]:
        _check_kind(kind, ids, f"{type(self).__name__}.put")
        keys = encode_ids(ids)
        nul = next((position for position, key in enumerate(keys) if "\0" in key), None)
        if nul is not None:
            # most systems cannot write a NUL (a CSV, a shell, a file name): such an id was
            # stored, but could hardly be given again to find it (a lookup of one finds none)
            raise ConfigError(f"{kind} ids: the id at position {nul} ({keys[nul][2:]!r:.60}) "
                              "holds a NUL character (\\0), which a stored id cannot hold; "
                              "expected integer or text ids")
        from recstack.serving.ann import float32_rows

        array = float32_rows(vectors, f"{kind} vectors")
        if array.ndim != 2 or len(array) != len(keys) or (len(array) and array.shape[1] < 1):
            raise ConfigError(f"{kind} vectors must be a 2-d array with one row per id "
                              f"({len(keys)}) and at least one dimension, got shape "
                              f"{array.shape}")
        # stored little-endian whatever the machine's byte order (a no-op on x86 and ARM):
        # a store written on a big-endian machine read as other numbers on the others
        array = array.astype("<f4", copy=False)
        if len(array) and array.shape[1] > _MAX_DIM:
            # the bound a stored dimension is read with (_stored_dim): wider vectors are
            # a mistake (a matrix given transposed), never a model's
            raise ConfigError(f"{kind} vectors have {array.shape[1]:,} dimensions; a store "
                              f"holds at most {_MAX_DIM:,} (the widest vector a recstack "
                              "model learns; were the vectors given transposed?)")
        if len(set(keys)) != len(keys):
            raise ConfigError(_repeated_id(keys, ids, kind))
        if not np.isfinite(array).all():
            raise ConfigError(f"{kind} vectors hold NaN or infinite values")
        known = self.dim(kind)
        if known is not None and array.shape[1] != known and len(array):
            raise ConfigError(f"{kind} vectors have {array.shape[1]} dimensions; the store "
                              f"holds {kind} vectors of {known} (delete them first to change)")
        return keys, array


def _repeated_id(keys: list[str], ids: Any, kind: str) -> str:
    """The refusal of a put whose ids repeat one: which id, at which positions (0-based,
    as every id message of the store counts), and, where the two are written differently
    (``1`` and ``1.0``, ``"a"`` and ``" a"``), why they are one id. It said "ids must be
    distinct within one put" alone, leaving the user to search thousands of ids for the
    repeat."""
    seen: dict[str, int] = {}
    first = second = 0
    for second, key in enumerate(keys):
        first = seen.setdefault(key, second)
        if first != second:
            break
    key = keys[second]
    same = echoed(shown(key[2:]) if key.startswith("s:") else key[2:])
    given = id_array(ids)
    how = ""
    if len(given) == len(keys):
        a, b = given[first], given[second]
        if type(a) is not type(b) or shown(a) != shown(b):
            why = ("text is read trimmed of surrounding whitespace"
                   if isinstance(a, str) and isinstance(b, str)
                   else "bytes are read as UTF-8 text" if isinstance(a, bytes)
                   or isinstance(b, bytes) else "a whole number is read as its integer")
            how = f" ({echoed(shown(a))} and {echoed(shown(b))} are one id: {why})"
    return (f"{kind} ids must be distinct within one put: {same} is at positions {first} "
            f"and {second}{how}; give each id once, with its one vector")


def encode_ids(ids: Any) -> list[str]:
    """External ids as store keys: ``i:42`` for integers, ``s:abc`` for strings (so 42 and
    "42" stay different ids).

    Values are read by :func:`recstack.data.idmap.id_values`, the rule of id lookups: a
    whole float is that integer, bytes are UTF-8 text, text is trimmed of surrounding
    whitespace (as every id recstack reads), and missing values (None, NaN, the masked
    entries of a masked array), booleans and fractions are refused by position, as is an
    empty id or one of only whitespace."""
    from recstack.data.idmap import id_values

    array = id_array(ids)
    if array.ndim != 1:
        raise ConfigError(f"ids must be a flat list, got shape {array.shape}")
    array = id_values(array, "ids")
    if array.dtype.kind in "iu":
        # integers beyond int64 are their digits (the rule of id_values for Python ints):
        # a uint64 array's 2**64 - 1 was stored as an integer key that the same id given
        # in a list (text '18446744073709551615') never reached
        return [f"i:{v}" if v < 2**63 else f"s:{v}" for v in array.tolist()]
    keys = []
    for position, value in enumerate(array.tolist()):
        if isinstance(value, str):
            if value != value.strip():
                # the one id rule (trim_text_ids): " a" is the model's "a" (it was stored,
                # and looked up, under a key no model's id reaches)
                from recstack.data.idmap import trim_text_ids

                value = str(trim_text_ids([value])[0])
                if not value:
                    raise ConfigError(f"ids: the value at position {position} is only "
                                      "whitespace, an empty id (expected integer or text "
                                      "ids)")
            if not value:
                raise ConfigError(f"ids: the value at position {position} is an empty id "
                                  "(expected integer or text ids)")
            keys.append(f"s:{value}")
        else:
            keys.append(f"i:{value}")
    return keys


def id_array(ids: Any) -> np.ndarray:
    """Ids as a 1-d array without numpy's coercion of a mixed list (``[20, "20"]`` would
    become two strings): arrays are kept, other sequences become object arrays."""
    if isinstance(ids, np.ndarray):
        return np.atleast_1d(ids)
    if isinstance(ids, str | bytes) or np.isscalar(ids):
        ids = [ids]
    if isinstance(ids, Mapping | Set):
        # a set's order is arbitrary (row j of the vectors could not be matched to its id),
        # and a mapping would be read as its keys alone
        raise ConfigError(f"ids must be a list of ids (integers or strings) in the order of "
                          f"their vectors, got a {type(ids).__name__}; pass list(...) of the "
                          "ids in the order wanted")
    try:
        values = list(ids)
    except TypeError:
        raise ConfigError(f"ids must be one id or a list of ids (integers or strings), got "
                          f"{ids!r}") from None
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _shown_url(url: str) -> str:
    """``url`` with its password masked (``redis://user:***@host/0``, ``?password=***``):
    the store's messages reach the service's public ``/health`` as ``store_error``."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    location, question, query = rest.partition("?")
    netloc, slash, path = location.partition("/")
    if "@" in netloc:
        credentials, _, host = netloc.rpartition("@")
        user, colon, _ = credentials.partition(":")
        if colon:
            netloc = f"{user}:***@{host}"
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", query)
    return f"{scheme}://{netloc}{slash}{path}{question}{query}"


def _check_redis_database(url: str) -> None:
    """Refuse a ``redis://`` URL whose path is not a database number: redis-py reads
    ``redis://host:6379/x`` or ``/1/extra`` as database 0, silently."""
    from urllib.parse import urlsplit

    if not url.startswith(("redis://", "rediss://")):
        return
    path = urlsplit(url).path.strip("/")
    if path and not (path.isascii() and path.isdigit()):
        raise ConfigError(f"redis url {_shown_url(url)!r}: the path {urlsplit(url).path!r} is "
                          "not a database number (expected redis://HOST:PORT/DB with DB 0, "
                          "1, ...)")


def _check_timeout(timeout: Any, *, allow_zero: bool) -> float:
    """A timeout in seconds: a finite number, positive (or zero where ``allow_zero``)."""
    import math

    if (isinstance(timeout, bool) or not isinstance(timeout, int | float | np.integer
                                                         | np.floating)
            or not math.isfinite(timeout) or timeout < 0 or (timeout == 0 and not allow_zero)):
        least = "zero or more" if allow_zero else "more than zero"
        raise ConfigError(f"timeout must be a finite number of seconds, {least}, got "
                          f"{timeout!r}")
    return float(timeout)


def _check_kind(kind: Any, ids: Any = None, call: str = "") -> None:
    """Refuse a ``kind`` other than 'user' or 'item'; with ``ids``, name the arguments as
    swapped when the kind is in their place (``get(["42"], "user")`` was told that its
    kind ['42'] was no kind)."""
    if isinstance(kind, str) and kind in KINDS:
        return
    if isinstance(ids, str) and ids in KINDS:
        raise ConfigError(f"{call}: the arguments are swapped: the kind ({ids!r}) comes "
                          f"first, then the ids; write {call}({ids!r}, ids"
                          f"{', vectors' if call.endswith('put') else ''})")
    shown = f"{kind!r}" if isinstance(kind, str | None) else \
        f"{type(kind).__name__} {str(kind)[:40]}"
    raise ConfigError(f"kind must be 'user' or 'item', got {shown}")


# --------------------------------------------------------------------------- SQLite
class SQLiteEmbeddingStore(EmbeddingStore):
    """Vectors in one SQLite file (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The database file (created with its table when missing; its folder must exist).
    timeout : float
        Seconds to wait for a lock held by another writer before
        :class:`StoreUnavailableError`.
    """

    @arguments_named
    def __init__(self, path: str | Path, *, timeout: float = 5.0) -> None:
        if not isinstance(path, str | Path):
            raise ConfigError(f"the SQLite embedding store's path must be a file path, got "
                              f"{path!r}")
        # NUL was sqlite3's bare "embedded null byte" ValueError, "" the working folder
        self.path = checked_path(path, "the SQLite embedding store's path")
        _refuse_new_store_name(os.fsdecode(os.fspath(path)))
        self.timeout = _check_timeout(timeout, allow_zero=True)
        self._lock = threading.Lock()
        odd = special_file_problem(self.path)
        if odd is not None and (is_looping_link(self.path) or not broken_link(self.path)):
            # a named pipe was SQLite's "disk I/O error" and a link that loops its "unable
            # to open", each served around as an outage; a link to a file not made yet is
            # left to SQLite, which creates the file it names (a missing store)
            raise ConfigError(f"embedding store {self.path}: {odd}; give the path of an "
                              "SQLite file (created when missing) or redis://HOST:PORT/DB")
        _refuse_other_file(self.path)
        with self._errors():
            # check_same_thread=False: one connection shared by a server's threads,
            # serialised by the lock above
            # "./": a name starting "file:" is never read as an SQLite URI (which opened
            # another file than the one named)
            name = str(self.path) if self.path.is_absolute() else os.path.join(".", self.path)
            self._db = sqlite3.connect(name, timeout=timeout,
                                       check_same_thread=False, isolation_level=None)
            self._check_schema()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (kind TEXT NOT NULL, "
                             "id TEXT NOT NULL, vector BLOB NOT NULL, "
                             "PRIMARY KEY (kind, id)) WITHOUT ROWID")
            self._db.execute("CREATE TABLE IF NOT EXISTS dims (kind TEXT PRIMARY KEY, "
                             "dim INTEGER NOT NULL)")
            #: whether the file has the table of checksums (read-only, one written before
            #: checksums were kept has none: its vectors are read unchecked)
            self._checksums = self._create_checksums()
            self._check_keys()

    def _create_checksums(self) -> bool:
        """Create the table of checksums beside the vectors when it is missing (a new
        store, or one written before checksums were kept: its vectors stay unchecked until
        put again); False where the file is read-only and has none."""
        try:
            self._db.execute("CREATE TABLE IF NOT EXISTS checksums (kind TEXT NOT NULL, "
                             "id TEXT NOT NULL, checksum INTEGER NOT NULL, "
                             "PRIMARY KEY (kind, id)) WITHOUT ROWID")
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error):
                raise
            return False
        return True

    def _check_schema(self) -> None:
        """Refuse an SQLite database that is not an embedding store before anything is
        written to it: another program's database gained this store's tables (and WAL mode),
        and one with a table named ``vectors`` of other columns failed at the first read
        with SQLite's "no such column: id"."""
        tables = {name: [column[1] for column in self._db.execute(
                      f"PRAGMA table_info('{name}')").fetchall()]
                  for (name,) in self._db.execute(
                      "SELECT name FROM sqlite_master WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite_%'").fetchall()}
        expected = _SQLITE_COLUMNS
        if not tables:
            return  # a new (or empty) database: the tables are created
        ours = {name: columns for name, columns in tables.items() if name in expected}
        wrong = {name: columns for name, columns in ours.items() if columns != expected[name]}
        if not ours or wrong:
            self._db.close()
            found = (f"its table {next(iter(wrong))!r} has the columns "
                     f"{', '.join(next(iter(wrong.values())))}; expected "
                     f"{', '.join(expected[next(iter(wrong))])}" if wrong else
                     f"it holds the tables {', '.join(sorted(tables)[:5])} and none of "
                     f"{', '.join(expected)}")
            # a ConfigError, as a misspelt location: no retry mends it (a service refuses
            # to start on it rather than serving the model's vectors until it comes back)
            raise ConfigError(
                f"embedding store {self.path}: an SQLite database, but not a recstack "
                f"embedding store ({found}); give the path of a store (or a new file name)")
        held = tables.get("checksums", _SQLITE_CHECKSUM_COLUMNS)
        if held != _SQLITE_CHECKSUM_COLUMNS:
            # another program's table under the name: its rows would be read as checksums,
            # and every vector refused as damaged
            self._db.close()
            raise ConfigError(
                f"embedding store {self.path}: its table 'checksums' has the columns "
                f"{', '.join(held)}; expected {', '.join(_SQLITE_CHECKSUM_COLUMNS)} (the "
                "checksums of the stored vectors): another program's table? give the store "
                "a file of its own")
        if "vectors" not in tables and self._db.execute(
                "SELECT 1 FROM dims LIMIT 1").fetchone() is not None:
            # the table of vectors dropped (by hand or another tool) was created again
            # empty, and every lookup said "not found" under dimensions still recorded
            self._db.close()
            raise ConfigError(
                f"embedding store {self.path}: damaged: it records vector dimensions (table "
                "'dims') but has no table 'vectors', so every vector it held is gone; "
                "restore the file from a copy, or remove it and put the vectors again "
                "(put_model)")

    def _check_keys(self) -> None:
        """Refuse rows no lookup can reach, naming them, and rename the text keys stored
        before ids were trimmed (``s: a``) to the key every lookup of ``"a"`` reads.

        A row of another kind (``users``) or of a key that is not ``i:INTEGER`` /
        ``s:TEXT`` as :func:`encode_ids` writes them (``x:a``, ``i:007``) was silently
        invisible: ``get`` said "not found" and ``count`` did not count it. An untrimmed
        key whose trimmed one is also stored is two vectors of one id: refused too."""
        # one scan of the keys; only a key that starts or ends with a character outside
        # printable ASCII may be untrimmed (the others are not handed to Python)
        self._db.create_function("recstack_trimmed", 1, _trimmed_key, deterministic=True)
        rows = self._db.execute(
            f"SELECT kind, id, recstack_trimmed(id) FROM vectors WHERE kind NOT IN {KINDS} "
            "OR NOT ((id GLOB 'i:[1-9]*' OR id GLOB 'i:-[1-9]*' OR id = 'i:0') "
            "AND substr(id, 3) NOT GLOB '?*[^0-9]*' OR id GLOB 's:?*' "
            "AND (id GLOB 's:[!-~]*' AND id GLOB 's:*[!-~]' OR recstack_trimmed(id) = id))"
            ).fetchall()
        unreadable = [(kind, key) for kind, key, trimmed in rows
                      if kind not in KINDS or trimmed == key or trimmed == "s:"]
        if unreadable:
            shown = "; ".join(f"kind {kind!r}, key {key!r}" for kind, key in unreadable[:3])
            self._db.close()
            raise ConfigError(
                f"embedding store {self.path}: {len(unreadable):,} stored row(s) cannot be "
                f"read by any lookup ({shown}{'; ...' if len(unreadable) > 3 else ''}): a "
                "row's kind must be 'user' or 'item' and its key i:INTEGER or s:TEXT, as put "
                "writes them (edited by hand or by another tool?); delete those rows "
                f"(sqlite3 {self.path} \"DELETE FROM vectors WHERE ...\") or write them "
                "again with put")
        if not rows:  # the rest: text keys to trim
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            # read again under the write lock: another process opening the store at the
            # same time may have renamed them meanwhile (its renamed keys are no second
            # vector of the id)
            untrimmed = self._db.execute(
                "SELECT kind, id, recstack_trimmed(id) FROM vectors WHERE kind IN "
                f"{KINDS} AND id GLOB 's:?*' AND NOT (id GLOB 's:[!-~]*' AND "
                "id GLOB 's:*[!-~]') AND recstack_trimmed(id) != id").fetchall()
            for kind, key, trimmed in untrimmed:
                if self._db.execute("SELECT 1 FROM vectors WHERE kind = ? AND id = ?",
                                    (kind, trimmed)).fetchone():
                    raise ConfigError(
                        f"embedding store {self.path}: the {kind} id {_shown_key(trimmed)} "
                        f"has two stored vectors, under the keys {key!r} (written before "
                        f"ids were trimmed of surrounding whitespace) and {trimmed!r}; "
                        f"delete the first (sqlite3 {self.path} \"DELETE FROM vectors "
                        f"WHERE kind = '{kind}' AND id = '{key}'\") or put the vector again")
                self._db.execute("UPDATE vectors SET id = ? WHERE kind = ? AND id = ?",
                                 (trimmed, kind, key))
                self._move_checksum(kind, key, trimmed)
            self._db.execute("COMMIT")
        except BaseException as error:
            self._db.execute("ROLLBACK")
            self._db.close()
            if isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
                raise ConfigError(
                    f"embedding store {self.path}: it holds vectors under untrimmed text ids "
                    f"(e.g. kind {untrimmed[0][0]!r}, key {untrimmed[0][1]!r}, written "
                    "before ids were trimmed of surrounding whitespace), renamed to their "
                    "trimmed ids once, when the store is opened with write access; it is "
                    f"read-only here ({error}): open it once as a user who may write the "
                    "file and its folder") from None
            raise
        if untrimmed:
            logger.warning("embedding store %s: %d vector(s) stored under untrimmed text "
                           "ids (e.g. %r) renamed to their trimmed ids, which lookups read",
                           self.path, len(untrimmed), untrimmed[0][1])

    def _move_checksum(self, kind: str, key: str, trimmed: str) -> None:
        """Move the checksum of a vector renamed from ``key`` to ``trimmed``: recomputed for
        the new key where it matched the old one (a vector renamed is no damage), else kept
        as it was so the damage is still refused."""
        if not self._checksums:
            return
        stored = self._db.execute("SELECT c.checksum, v.vector FROM checksums AS c JOIN "
                                  "vectors AS v ON v.kind = c.kind AND v.id = ? WHERE "
                                  "c.kind = ? AND c.id = ?", (trimmed, kind, key)).fetchone()
        self._db.execute("DELETE FROM checksums WHERE kind = ? AND id = ?", (kind, key))
        if stored is None:
            return
        self._db.execute("INSERT OR REPLACE INTO checksums VALUES (?, ?, ?)",
                         (kind, trimmed, _moved_checksum(kind, key, trimmed, stored[1],
                                                         stored[0])))

    @contextlib.contextmanager
    def _errors(self) -> Any:
        try:
            yield
        except sqlite3.Error as error:
            if isinstance(error, sqlite3.ProgrammingError) and "closed" in str(error):
                # used after close(): it was "Cannot operate on a closed database. (the
                # SQLite file cannot be opened, is locked or damaged)", a sound file's outage
                self._closed = True
                raise StoreUnavailableError(self._closed_message()) from None
            raise StoreUnavailableError(f"embedding store {self.path}: {error} "
                                        f"({_unopenable(self.path, error)})") from None
        except UnicodeDecodeError as error:
            # a byte of a table's name, a kind or an id damaged (sqlite3 decodes every text
            # it reads as UTF-8): it was this bare exception, a traceback in place of a refusal
            raise StoreUnavailableError(
                f"embedding store {self.path}: damaged: it holds text that is not UTF-8 "
                f"({error.reason}: {error.object[error.start:error.end]!r}), where the store "
                "writes only UTF-8 (table names, kinds and ids); restore it from a copy, or "
                "remove it and put the vectors again (put_model)") from None

    @arguments_named
    def put(self, kind: str, ids: Any, vectors: Any) -> None:
        self._refuse_if_closed()
        keys, array = self._prepare_put(kind, ids, vectors)
        if not keys:
            return
        blobs = [memoryview(row) for row in array]  # zero-copy views of each float32 row
        checksums = [_vector_checksum(kind, key, blob) for key, blob in zip(keys, blobs,
                                                                            strict=True)]
        with self._lock, self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # again under the write lock: another process may have written vectors of
                # another dimension since _prepare_put looked (rows of two lengths would be
                # a damaged store)
                row = self._db.execute("SELECT dim FROM dims WHERE kind = ?",
                                       (kind,)).fetchone()
                if row is not None and _stored_dim(row[0], kind, str(self.path)) \
                        != array.shape[1]:
                    raise ConfigError(f"{kind} vectors have {array.shape[1]} dimensions; the "
                                      f"store holds {kind} vectors of {row[0]} (written "
                                      "meanwhile by another process; delete them first to "
                                      "change)")
                if row is None:
                    # vectors without a recorded dimension (the dims table edited by hand):
                    # rows of another length would be added to them
                    held = self._db.execute("SELECT id, length(vector) FROM vectors WHERE "
                                            "kind = ? LIMIT 1", (kind,)).fetchone()
                    if held is not None and held[1] != array.shape[1] * 4:
                        raise StoreUnavailableError(
                            f"embedding store {self.path}: damaged: {kind} vectors are stored "
                            f"(e.g. that of {_shown_key(held[0])}, {held[1] / 4:g} float32 "
                            f"values) but no dimension is recorded for them; these have "
                            f"{array.shape[1]} (delete the stored ones first)")
                self._db.execute("INSERT OR IGNORE INTO dims VALUES (?, ?)",
                                 (kind, array.shape[1]))
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                                     zip([kind] * len(keys), keys, blobs, strict=True))
                # in the same transaction: a vector is never seen beside another's checksum
                self._db.executemany("INSERT OR REPLACE INTO checksums VALUES (?, ?, ?)",
                                     zip([kind] * len(keys), keys, checksums, strict=True))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._checkpoint()

    @arguments_named
    def get(self, kind: str, ids: Any) -> tuple[np.ndarray, np.ndarray]:
        self._refuse_if_closed()
        _check_kind(kind, ids, f"{type(self).__name__}.get")
        keys = encode_ids(ids)
        dim = self.dim(kind) or 0
        found_rows: dict[str, bytes] = {}
        checksums: dict[str, Any] = {}
        # the checksum of each vector read with it, in the same statement (one snapshot)
        query = ("SELECT v.id, v.vector, c.checksum FROM vectors AS v LEFT JOIN checksums AS c "
                 "ON c.kind = v.kind AND c.id = v.id WHERE v.kind = ? AND v.id IN ({})"
                 if self._checksums else
                 "SELECT id, vector, NULL FROM vectors WHERE kind = ? AND id IN ({})")
        with self._lock, self._errors():
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), _SQL_CHUNK):
                chunk = unique[start:start + _SQL_CHUNK]
                for key, blob, checksum in self._db.execute(
                        query.format(",".join("?" * len(chunk))), [kind, *chunk]):
                    found_rows[key] = blob
                    checksums[key] = checksum
        return _assemble(keys, found_rows, dim, kind, str(self.path), checksums, self)

    @arguments_named
    def dim(self, kind: str) -> int | None:
        self._refuse_if_closed()
        _check_kind(kind)
        with self._lock, self._errors():
            row = self._db.execute("SELECT dim FROM dims WHERE kind = ?", (kind,)).fetchone()
        return None if row is None else _stored_dim(row[0], kind, str(self.path))

    @arguments_named
    def count(self, kind: str) -> int:
        self._refuse_if_closed()
        _check_kind(kind)
        with self._lock, self._errors():
            return int(self._db.execute("SELECT COUNT(*) FROM vectors WHERE kind = ?",
                                        (kind,)).fetchone()[0])

    @arguments_named
    def delete(self, kind: str, ids: Any) -> None:
        self._refuse_if_closed()
        _check_kind(kind, ids, f"{type(self).__name__}.delete")
        keys = encode_ids(ids)
        with self._lock, self._errors():
            # one transaction: a put of the same id by another process in between kept its
            # vector and lost its checksum (read unchecked)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("DELETE FROM vectors WHERE kind = ? AND id = ?",
                                     [(kind, key) for key in keys])
                if self._checksums:
                    self._db.executemany("DELETE FROM checksums WHERE kind = ? AND id = ?",
                                         [(kind, key) for key in keys])
                if not self._db.execute("SELECT 1 FROM vectors WHERE kind = ? LIMIT 1",
                                        (kind,)).fetchone():
                    self._db.execute("DELETE FROM dims WHERE kind = ?", (kind,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the database file (SQLite's passive
        checkpoint: it waits for no reader), so that the file alone holds every ``put``
        once it returns: the file copied while the store was open, without its ``-wal``
        file, read as an older or empty store. A reader in the middle of a read can hold
        some pages back; the next write's checkpoint copies them."""
        self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _location(self) -> str:
        return str(self.path)

    def _reopening(self) -> str:
        return f"open_store({str(self.path)!r})"

    def close(self) -> None:
        self._closed = True
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()


#: the widest vectors a store holds: the widest a recstack model learns
#: (:data:`recstack.models.base.MAX_FACTORS`)
_MAX_DIM = 65_536

#: the first bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_other_file(path: Path) -> None:
    """Refuse an existing file that is neither empty nor an SQLite database before SQLite
    opens it: SQLite refuses most such files ("file is not a database"), but one shorter
    than its header it took for a new database and wrote over (a 1-byte file came back as
    16 KB of SQLite, its content gone). An empty file is a new store."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(max(_HEAD_BYTES, _SQLITE_HEADER_BYTES))
    except OSError:
        return  # SQLite names what is wrong with it
    if head.startswith(SQLITE_HEADER) and (cut := _cut_short(head, size)) is not None:
        # SQLite read a database cut inside its pages (shorter than a page, or than the
        # pages its header counts) as an empty one: the store opened without a word, every
        # id read as missing (the service answered from the model) and a put wrote over
        # what was left
        raise StoreUnavailableError(f"embedding store {path}: database disk image is "
                                    "malformed (the SQLite file cannot be opened, is locked "
                                    f"or damaged: it begins with SQLite's header but its "
                                    f"{size:,} bytes are not a whole database: {cut}; a "
                                    "copy cut short?); restore it, or give a new path for an "
                                    "empty store")
    if not head.startswith(SQLITE_HEADER):
        # SQLite's own words for the longer ones, so every such file reads alike, then
        # what the file holds (a CSV or a Parquet file of vectors given as the store)
        raise StoreUnavailableError(f"embedding store {path}: file is not a database (the "
                                    "SQLite file cannot be opened, is locked or damaged): "
                                    f"it holds {_what_file_holds(head)}, not an SQLite "
                                    "database; give the path of an SQLite store (a new "
                                    "one is created where no file is)")


#: the bytes of a file read to say what it holds
_HEAD_BYTES = 64

#: the length of an SQLite database's header (https://www.sqlite.org/fileformat.html)
_SQLITE_HEADER_BYTES = 100


def _cut_short(head: bytes, size: int) -> str | None:
    """Why an SQLite database of ``size`` bytes whose header is ``head`` is not whole, or
    None: a database is whole pages (the page size at bytes 16-17, 1 meaning 65,536), and
    at least the pages its header counts (bytes 28-31, valid while the change counter at
    24-27 equals the version-valid-for number at 92-95). A header itself cut short is
    named too."""
    if len(head) < _SQLITE_HEADER_BYTES:
        return f"its header is {_SQLITE_HEADER_BYTES} bytes"
    page = int.from_bytes(head[16:18], "big")
    page = 65_536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return None  # not a page size SQLite writes: SQLite's own refusal names it
    if size % page:
        return f"its pages are {page:,} bytes each, and {size:,} is not a multiple of that"
    counted = int.from_bytes(head[28:32], "big")
    if counted and head[24:28] == head[92:96] and counted * page > size:
        return f"its header counts {counted:,} pages of {page:,} bytes"
    return None

#: the first bytes of formats a store path is given by mistake, and their names
_MAGIC = ((b"\x1f\x8b", "gzip-compressed data"), (b"PAR1", "a Parquet file"),
          (b"PK\x03\x04", "a ZIP archive"), (b"\x93NUMPY", "a NumPy .npy array"),
          (b"ARROW1", "an Arrow file"), (b"\x89HDF", "an HDF5 file"),
          (b"redis", "a Redis dump"))


def _what_file_holds(head: bytes) -> str:
    """What the first bytes of a file that is not an SQLite database are, for a message:
    a known format's name, the start of an SQLite header cut short, JSON, text (its first
    line) or other bytes (in hex)."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if SQLITE_HEADER.startswith(head):
        return f"only {len(head)} bytes of an SQLite header (a copy cut short?)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        text = head[:error.start].decode("utf-8") if error.start >= 8 else ""
        if not text:
            return f"binary data beginning {head[:8].hex(' ')}"
    text = text.lstrip("\ufeff")
    if text.lstrip()[:1] in ("{", "["):
        return "JSON text"
    line = text.splitlines()[0] if text.strip() else text
    return f"text beginning {line[:40]!r}"


def _unopenable(path: Path, error: sqlite3.Error) -> str:
    """Why SQLite could not use ``path``, when the file system says so: its "unable to open
    database file" read the same for a missing folder, a folder given as the file and a
    folder it may not write (each said "cannot be opened, is locked or damaged"). A missing
    folder is not created: it may be a volume not mounted yet (an outage, served around)."""
    generic = "the SQLite file cannot be opened, is locked or damaged"
    if "not a database" in str(error) or "malformed" in str(error):
        try:
            size = path.stat().st_size
        except OSError:
            return generic
        # the header is SQLite's (other files are refused before SQLite opens them)
        return (f"{generic}: it begins with SQLite's header but its {size:,} bytes are not "
                "a whole database (a copy cut short, or a file written over?); restore "
                "it, or give a new path for an empty store")
    if "readonly" in str(error):
        return ("the SQLite file is read-only here: a store is written (put, delete, and "
                "its tables created), so it needs write access to the file and its folder")
    if "unable to open" not in str(error):
        return generic
    from recstack.atomic import blocking_parent

    try:
        if path.is_dir():
            return "the SQLite file cannot be opened: it is a folder; give the path of " \
                   f"an SQLite file, such as {path / 'vectors.db'} (created when missing)"
        parent = path.parent
        if any(os.path.lexists(p) and not p.is_dir() for p in path.parents):
            return f"the SQLite file cannot be opened or created: {blocking_parent(path)}"
        if not parent.exists():
            return (f"the SQLite file cannot be opened: the folder {parent} does not "
                    "exist; create it first (it is not created here: a missing folder may "
                    "be a volume not mounted yet)")
        if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
            return f"the SQLite file cannot be opened or created: the folder {parent} " \
                   "is not writable by this user"
        if path.exists() and not os.access(path, os.R_OK):
            return "the SQLite file cannot be opened: it is not readable by this user"
    except OSError:
        pass
    return generic


def _assemble(keys: list[str], rows: dict[str, bytes], dim: int, kind: str, where: str,
              checksums: Mapping[str, Any], store: EmbeddingStore
              ) -> tuple[np.ndarray, np.ndarray]:
    """The ``(vectors, found)`` of ``keys`` from ``key -> float32 bytes``, in one
    ``frombuffer`` over the joined bytes. A stored row that is not ``dim`` finite float32
    values (written by another tool, or in a race with a writer of another dimension;
    ``put`` writes none), or whose bytes do not match its checksum (``checksums``, by key;
    a key absent or None there is read unchecked, as ``store`` says once), is a damaged
    store: it would be a reshape traceback, a NaN query vector or another user's taste, so
    it is a :class:`DamagedVectorError` naming the id (the service then serves the model's
    vectors, as when the store is down)."""
    found = np.fromiter((key in rows for key in keys), bool, len(keys))
    vectors = np.zeros((len(keys), dim), np.float32)
    if found.any():
        wanted = dim * np.dtype(np.float32).itemsize
        for key, hit in zip(keys, found, strict=True):
            if hit and not isinstance(rows[key], bytes | bytearray | memoryview):
                # a value of another SQLite type (text, such as a vector written as JSON,
                # or a number), stored by another tool: it was a TypeError traceback
                # ("expected a bytes-like object, str found", "object of type 'int' has no
                # len()"), a 500 of the service rather than the store's damage, served
                # around
                raise DamagedVectorError(
                    f"embedding store {where}: damaged: the {kind} vector of "
                    f"{_shown_key(key)} is stored as {_stored_kind(rows[key])}, not as "
                    f"{dim or 'its'} float32 values in bytes (a blob) as put writes them "
                    "(written by another tool?); write it again with put, or delete it",
                    kind=kind, key=key)
            if hit and len(rows[key]) != wanted:
                size = len(rows[key])
                # 2 bytes were "0.5 float32 values": say the bytes when they make no
                # whole number of values
                held = (counted(size // 4, "float32 value") if size % 4 == 0 else
                        f"{size} bytes, not a whole number of float32 values (4 bytes each)")
                problem = (f"holds {held}; the store's {kind} vectors have {dim}" if dim else
                           f"is stored, but no dimension is recorded for {kind} vectors")
                raise DamagedVectorError(
                    f"embedding store {where}: damaged: the {kind} vector of "
                    f"{_shown_key(key)} {problem} (write it again with put, or delete it)",
                    kind=kind, key=key)
            if hit:
                _check_vector(kind, key, rows[key], checksums.get(key), where, store)
        joined = b"".join(rows[key] for key, hit in zip(keys, found, strict=True) if hit)
        vectors[found] = np.frombuffer(joined, "<f4").reshape(-1, dim)  # as put wrote
        finite = np.isfinite(vectors).all(axis=1)
        if not finite.all():
            first = keys[int(np.flatnonzero(~finite)[0])]
            raise DamagedVectorError(
                f"embedding store {where}: damaged: the {kind} vector of {_shown_key(first)} "
                f"holds NaN or infinite values ({int((~finite).sum())} of the {len(keys)} "
                "asked do; write them again with put, or delete them)", kind=kind, key=first)
    return vectors, found


def _check_vector(kind: str, key: str, blob: bytes, stored: Any, where: str,
                  store: EmbeddingStore) -> None:
    """Refuse a vector whose bytes do not match the checksum ``put`` stored beside it
    (``stored``; None: none was stored, read unchecked)."""
    if stored is None:
        store._say_unchecked(kind, key)
        return
    expected = _stored_checksum(stored)
    actual = _vector_checksum(kind, key, blob)
    if expected == actual:
        return
    recorded = (f"CRC-32 {expected:08x} was stored, the bytes read give {actual:08x}"
                if expected is not None else
                f"its stored checksum {echoed(shown(stored))} is no CRC-32 (a whole number "
                "below 2**32)")
    raise DamagedVectorError(
        f"embedding store {where}: damaged: the {kind} vector of {_shown_key(key)} does not "
        f"match the checksum put stored with it ({recorded}): its bytes changed since they "
        "were written (a damaged disk or copy, an edit by another tool, or another id's "
        "vector copied under this key), so it is not served; write it again with put, or "
        "delete it", kind=kind, key=key)


def _stored_kind(value: Any) -> str:
    """What a stored vector that is not bytes is, for a message: ``text '[0.1, 0.2]'``,
    ``the integer 12345``, ``the number 1.5``."""
    if isinstance(value, str):
        return f"text {echoed(shown(value))}"
    if isinstance(value, int):
        return f"the integer {shown(value)}"
    if isinstance(value, float):
        return f"the number {shown(value)}"
    return f"a {type(value).__name__}"


def _trimmed_key(key: Any) -> Any:
    """A text key ``s:ID`` with ``ID`` trimmed by the one id rule (``s: a`` is ``s:a``);
    ``s:`` alone where nothing is left."""
    if not isinstance(key, str) or not key.startswith("s:"):
        return key  # a key of bytes or a number (another tool's) is refused as it is
    text = key[2:]
    if text == text.strip():
        return key
    from recstack.data.idmap import trim_text_ids

    return "s:" + str(trim_text_ids([text])[0])


#: ids of each kind checked when a Redis store is opened (:class:`RedisEmbeddingStore`)
REDIS_OPEN_CHECK = 1000

_INTEGER_KEY = re.compile(r"i:(?:0|-?[1-9][0-9]*)\Z", re.ASCII)


def _redis_key_problem(member: Any) -> tuple[str, str | None]:
    """A Redis id-set member as text and what is wrong with it: ``"unreadable"`` (no
    lookup reaches it: not ``i:INTEGER`` or ``s:TEXT`` as :func:`encode_ids` writes them),
    ``"untrimmed"`` (a text id stored before ids were trimmed) or None."""
    try:
        key = member.decode("utf-8") if isinstance(member, bytes) else str(member)
    except UnicodeDecodeError:
        return repr(member), "unreadable"
    if _INTEGER_KEY.match(key):
        return key, None
    if key.startswith("s:") and len(key) > 2:
        trimmed = _trimmed_key(key)
        if trimmed == key:
            return key, None
        return key, "untrimmed" if trimmed != "s:" else "unreadable"
    return key, "unreadable"


def _shown_key(key: str) -> str:
    """A store key as the id it stands for: ``i:42`` is 42, ``s:abc`` is 'abc'."""
    return key[2:] if key.startswith("i:") else repr(key[2:])


def _stored_dim(value: Any, kind: str, where: str) -> int:
    """The stored dimension of ``kind``'s vectors, which must be a whole number from 1 to
    :data:`_MAX_DIM` (the most ``put`` writes): a dimension of 99,999,999,999 (edited by
    hand) made every lookup allocate that many floats per id, a raw MemoryError."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    digits = text.lstrip("0")  # int() of thousands of digits is refused, so compare lengths
    if not (text.isascii() and text.isdigit() and len(digits) <= len(str(_MAX_DIM))
            and 0 < int(digits or "0") <= _MAX_DIM):
        raise StoreUnavailableError(f"embedding store {where}: damaged: the dimension of the "
                                    f"{kind} vectors is recorded as {text[:40]!r} (expected a "
                                    f"whole number from 1 to {_MAX_DIM:,})")
    return int(text)


# --------------------------------------------------------------------------- Redis
class RedisEmbeddingStore(EmbeddingStore):
    """Vectors in Redis, one key each (see the module docstring).

    Parameters
    ----------
    url : str
        ``redis://host:port/db`` (``rediss://`` for TLS).
    prefix : str
        Namespace of the keys, so that several models can share a Redis.
    timeout : float
        Socket timeout in seconds; past it an operation raises
        :class:`StoreUnavailableError`.

    Opening checks the first :data:`REDIS_OPEN_CHECK` ids of each kind (one ``SSCAN`` of
    the kind's id set, not a scan of a shared Redis), as the SQLite store checks all of
    them: an id no lookup can reach (``x:a``, ``i:007``, edited by hand or written by
    another tool) is refused (:class:`ConfigError`, naming it), and a vector stored under
    an untrimmed text id by an older recstack (``prefix:user:s: a``) is renamed to its
    trimmed id, which lookups read. Ids beyond the first checked, and keys under the
    prefix that are in no id set, are not checked (a lookup simply does not reach them:
    put the vector again). When Redis cannot be reached at opening, the check is skipped
    (the store is used as it is once it is back). The check is bounded on purpose: every
    worker opens the store when it starts and again after an outage, so opening costs one
    round trip of a bounded size whatever the store holds (checking millions of ids would
    hold up readiness on a shared Redis), and an id it does not reach is a lookup that
    misses, never another id's vector.
    """

    @arguments_named
    def __init__(self, url: str = "redis://localhost:6379/0", *, prefix: str = "recstack",
                 timeout: float = 1.0) -> None:
        try:
            import redis
        except ImportError:
            raise RecstackError(f"the Redis embedding store needs the redis package: "
                                f"{_REDIS_INSTALL}") from None
        self._redis_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                              OSError)
        self._watch_error = redis.exceptions.WatchError
        timeout = _check_timeout(timeout, allow_zero=False)
        if not isinstance(url, str):
            raise ConfigError(f"redis url must be text (redis://HOST:PORT/DB), got {url!r}")
        if not isinstance(prefix, str) or not prefix:
            raise ConfigError(f"prefix must be non-empty text, got {prefix!r}")
        _check_redis_database(url)
        #: the url as messages show it, its password masked (health reports these); the
        #: attribute held the password itself, shown wherever the store was printed
        self.url = self._where = _shown_url(url)
        self.prefix = prefix
        try:
            self._client = redis.Redis.from_url(url, socket_timeout=timeout,
                                                socket_connect_timeout=timeout)
        except ValueError as error:
            raise ConfigError(f"redis url {_shown_url(url)!r}: {error}") from None
        self._response_error = redis.exceptions.ResponseError
        self._check_keys()

    def __repr__(self) -> str:
        return f"RedisEmbeddingStore({self._where!r}, prefix={self.prefix!r})"

    def _check_keys(self) -> None:
        """The bounded check at opening (see the class docstring)."""
        try:
            for kind in KINDS:
                ids_key = f"{self.prefix}:ids:{kind}"
                try:
                    _, members = self._client.sscan(ids_key, 0, count=REDIS_OPEN_CHECK)
                except self._response_error as error:
                    if "WRONGTYPE" in str(error):
                        raise ConfigError(
                            f"embedding store {self._where}: the key {ids_key} is not a set "
                            f"of ids ({error}): another program's keys under the prefix "
                            f"{self.prefix!r}? give the store a prefix of its own"
                        ) from None
                    # not allowed to scan (an ACL that grants lookups only): unchecked,
                    # as before the check existed
                    logger.debug("embedding store %s: ids not checked (%s)", self._where, error)
                    return
                for part, expected, what in (("dim", "string", "the dimension"),
                                             ("sum", "hash", "the checksums")):
                    own_key = f"{self.prefix}:{part}:{kind}"
                    held = self._client.type(own_key)
                    held = held.decode("utf-8", "replace") if isinstance(held, bytes) \
                        else str(held)
                    if held not in (expected, "none"):
                        # opened, then every lookup failed with redis' WRONGTYPE error
                        raise ConfigError(
                            f"embedding store {self._where}: the key {own_key} is not "
                            f"{what} of the {kind} vectors (it "
                            f"holds a Redis {held}): another program's keys under the prefix "
                            f"{self.prefix!r}? give the store a prefix of its own")
                unreadable, untrimmed = [], []
                for member in members[:REDIS_OPEN_CHECK]:
                    key, problem = _redis_key_problem(member)
                    if problem == "unreadable":
                        unreadable.append(key)
                    elif problem == "untrimmed":
                        untrimmed.append(key)
                if unreadable:
                    shown = "; ".join(repr(key) for key in unreadable[:3])
                    raise ConfigError(
                        f"embedding store {self._where}: {len(unreadable):,} stored {kind} "
                        f"id(s) cannot be read by any lookup ({shown}"
                        f"{'; ...' if len(unreadable) > 3 else ''}; among the first "
                        f"{REDIS_OPEN_CHECK:,} of {ids_key} checked): a key must be "
                        "i:INTEGER or s:TEXT, as put writes them (edited by hand or by "
                        "another tool?); remove them (redis-cli SREM "
                        f"{ids_key} KEY; DEL {self.prefix}:{kind}:KEY) or write them "
                        "again with put")
                for key in untrimmed:
                    self._rename_untrimmed(kind, key)
                if untrimmed:
                    logger.warning("embedding store %s: %d %s vector(s) stored under "
                                   "untrimmed text ids (e.g. %r) renamed to their trimmed "
                                   "ids, which lookups read", self._where, len(untrimmed), kind,
                                   untrimmed[0])
        except self._redis_errors:
            return  # down now: an outage, not a damaged store (lookups say so)
        except self._response_error as error:  # from a rename: read-only, or no right
            raise ConfigError(
                f"embedding store {self._where}: it holds vectors under untrimmed text ids, "
                "renamed to their trimmed ids when the store is opened with write access; "
                f"Redis refused the rename ({error}): open it once as a user who may "
                "write") from None

    def _rename_untrimmed(self, kind: str, key: str) -> None:
        """Move the vector of an untrimmed text id (``s: a``) to its trimmed key, in one
        transaction; refused when the trimmed id holds a vector too (two vectors of one
        id), as in the SQLite store."""
        trimmed = _trimmed_key(key)
        ids_key = f"{self.prefix}:ids:{kind}"
        old, new = self._key(kind, key), self._key(kind, trimmed)
        sum_key = f"{self.prefix}:sum:{kind}"
        with self._client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(old, new, ids_key, sum_key)
                if pipe.exists(new) or pipe.sismember(ids_key, trimmed):
                    raise ConfigError(
                        f"embedding store {self._where}: the {kind} id {_shown_key(trimmed)} "
                        f"has two stored vectors, under the keys {old!r} (written before "
                        f"ids were trimmed of surrounding whitespace) and {new!r}; delete "
                        f"the first (redis-cli DEL {old!r}; SREM {ids_key} {key!r}) or put "
                        "the vector again")
                held = pipe.exists(old)
                checksum = _moved_checksum(kind, key, trimmed, pipe.get(old),
                                           pipe.hget(sum_key, key))
                pipe.multi()
                if held:
                    pipe.rename(old, new)
                    pipe.sadd(ids_key, trimmed)
                if checksum is not None:
                    pipe.hdel(sum_key, key)
                    pipe.hset(sum_key, trimmed, checksum)
                pipe.srem(ids_key, key)
                pipe.execute()
            except self._watch_error:
                pass  # another process opening the store renamed it meanwhile

    @contextlib.contextmanager
    def _errors(self, kind: str | None = None) -> Any:
        try:
            yield
        except self._redis_errors as error:
            raise StoreUnavailableError(f"embedding store {self._where}: cannot reach Redis "
                                        f"({error})") from None
        except self._response_error as error:
            if "WRONGTYPE" not in str(error):
                raise
            # a key of the store's written meanwhile as another type (a list at the
            # dimension's key, a string at the id set's) raised redis' own ResponseError
            # from get, put, count and delete, which the service's fallback to the model's
            # vectors did not catch (a 500 for every request)
            raise StoreUnavailableError(self._wrong_type(kind, error)) from None

    #: the type of value each of a kind's own keys holds, and what it is, for messages
    _KEY_TYPES = (("dim", "string", "a string (the dimension of the vectors)"),
                  ("ids", "set", "a set (the ids of the stored vectors)"),
                  ("sum", "hash", "a hash (the checksums of the vectors)"))

    def _wrong_type(self, kind: str | None, error: Exception) -> str:
        """What a WRONGTYPE refusal met: the key of the kind's that holds another type of
        value, found by its TYPE, else the prefix in general."""
        advice = (f"another program's keys under the prefix {self.prefix!r}? give the store "
                  "a prefix of its own")
        for part, expected, what in self._KEY_TYPES if kind else ():
            key = f"{self.prefix}:{part}:{kind}"
            try:
                held = self._client.type(key)
            except (*self._redis_errors, self._response_error):
                continue
            held = held.decode("utf-8", "replace") if isinstance(held, bytes) else str(held)
            if held not in (expected, "none"):
                return (f"embedding store {self._where}: damaged: the key {key} holds a Redis "
                        f"{held}, not {what}: {advice}, or delete the key (redis-cli DEL "
                        f"{key}) and put the {kind} vectors again")
        return (f"embedding store {self._where}: damaged: a key under the prefix holds "
                f"another type of value than the store writes ({error}): {advice}")

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}:{kind}:{key}"

    @arguments_named
    def put(self, kind: str, ids: Any, vectors: Any) -> None:
        self._refuse_if_closed()
        keys, array = self._prepare_put(kind, ids, vectors)
        if not keys:
            return
        mapping = {self._key(kind, key): row.tobytes()
                   for key, row in zip(keys, array, strict=True)}
        checksums = {key: _vector_checksum(kind, key, row.tobytes())
                     for key, row in zip(keys, array, strict=True)}
        dim_key = f"{self.prefix}:dim:{kind}"
        sum_key = f"{self.prefix}:sum:{kind}"
        with self._errors(kind), self._client.pipeline(transaction=True) as pipe:
            # the dimension is checked and the vectors written in one transaction that
            # fails when another writer changed the dimension meanwhile (WATCH): two
            # processes putting vectors of two dimensions into an empty store left rows of
            # both lengths (a damaged store) when each checked before the other wrote
            for _ in range(_REDIS_RETRIES):
                try:
                    pipe.watch(dim_key)
                    stored = pipe.get(dim_key)
                    # the id set read before the transaction: a transaction is not rolled
                    # back, so an id set of another type wrote the vectors, then failed
                    pipe.scard(f"{self.prefix}:ids:{kind}")
                    pipe.hlen(sum_key)  # and the checksums', for the same reason
                    if stored is not None and _stored_dim(stored, kind, self._where) \
                            != array.shape[1]:
                        raise ConfigError(
                            f"{kind} vectors have {array.shape[1]} dimensions; the store "
                            f"holds {kind} vectors of {int(stored)} (written meanwhile by "
                            "another process; delete them first to change)")
                    if stored is None:
                        self._refuse_undimensioned(pipe, kind, array.shape[1])
                    pipe.multi()
                    pipe.setnx(dim_key, array.shape[1])
                    pipe.mset(mapping)
                    # in the same transaction: a vector is never seen beside another's
                    # checksum
                    pipe.hset(sum_key, mapping=checksums)
                    pipe.sadd(f"{self.prefix}:ids:{kind}", *keys)
                    pipe.execute()
                    return
                except self._watch_error:
                    continue
            raise StoreUnavailableError(f"embedding store {self._where}: the {kind} vectors could "
                                        f"not be written: {_REDIS_RETRIES} attempts were each "
                                        "interrupted by another writer")

    def _refuse_undimensioned(self, pipe: Any, kind: str, dim: int) -> None:
        """Refuse to add vectors of ``dim`` values to stored ones of another length whose
        dimension key was deleted (by hand, or by another tool): as the SQLite store."""
        held = pipe.srandmember(f"{self.prefix}:ids:{kind}")
        if held is None:
            return
        key = held.decode("utf-8", "replace") if isinstance(held, bytes) else str(held)
        value = pipe.get(self._key(kind, key))
        if value is not None and len(value) != dim * 4:
            raise StoreUnavailableError(
                f"embedding store {self._where}: damaged: {kind} vectors are stored (e.g. that "
                f"of {_shown_key(key)}, {len(value) / 4:g} float32 values) but no dimension "
                f"is recorded for them; these have {dim} (delete the stored ones first)")

    @arguments_named
    def get(self, kind: str, ids: Any) -> tuple[np.ndarray, np.ndarray]:
        self._refuse_if_closed()
        _check_kind(kind, ids, f"{type(self).__name__}.get")
        keys = encode_ids(ids)
        dim = self.dim(kind) or 0
        if not keys:
            return np.zeros((0, dim), np.float32), np.zeros(0, bool)
        with self._errors(kind):
            values, sums = self._vectors_and_checksums(kind, keys)
        # the client returns bytes (responses are not decoded)
        rows: dict[str, bytes] = {key: cast(bytes, value) for key, value in
                                  zip(keys, values, strict=True) if value is not None}
        if len(rows) < len(keys):
            self._refuse_vector_keys_of_another_type(
                kind, [key for key in keys if key not in rows])
        checksums = dict(zip(keys, sums, strict=True))
        return _assemble(keys, rows, dim, kind, self._where, checksums, self)

    #: set when this connection may not read checksums (an ACL granting GET and MGET only)
    _checksums_refused = False

    def _vectors_and_checksums(self, kind: str, keys: list[str]) -> tuple[list[Any], list[Any]]:
        """The stored values of ``keys`` and their checksums (None where none is stored),
        in one transaction (one round trip): a put between two reads paired a vector with
        the checksum of the one it replaced. A user allowed lookups alone (no MULTI or
        HMGET) reads the vectors unchecked, as before checksums were kept, said once."""
        vector_keys = [self._key(kind, key) for key in keys]
        if not self._checksums_refused:
            pipe = self._client.pipeline(transaction=True)
            pipe.mget(vector_keys)
            pipe.hmget(f"{self.prefix}:sum:{kind}", keys)
            try:
                values, sums = pipe.execute()
                return values, sums
            except self._response_error as error:
                if "NOPERM" not in str(error) and "no permissions" not in str(error):
                    raise
                self._checksums_refused = True
                logger.warning("embedding store %s: this Redis user may not read the "
                               "vectors' checksums (%s): vectors are read unchecked, so a "
                               "damaged one would be served; grant it +multi +exec +hmget",
                               self._where, error)
                self._unchecked_said = True
        return self._client.mget(vector_keys), [None] * len(keys)

    def _refuse_vector_keys_of_another_type(self, kind: str, missing: list[str]) -> None:
        """Refuse ids whose vector key holds another type of value than a string (a hash,
        a list: another program's keys under the prefix, an edit by hand). MGET answers
        nil for such a key, so the id read as one without a vector (the service answered
        from the model, or as for a cold user) while the store held something under it;
        asked of the missing ids only (at most :data:`REDIS_OPEN_CHECK`), in one round
        trip."""
        checked = missing[:REDIS_OPEN_CHECK]
        with self._errors(kind):
            pipe = self._client.pipeline(transaction=False)
            for key in checked:
                pipe.type(self._key(kind, key))
            held = pipe.execute()
        wrong = []
        for key, value in zip(checked, held, strict=True):
            value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            if value not in ("string", "none"):
                wrong.append((key, value))
        if wrong:
            key, value = wrong[0]
            more = f" (and {len(wrong) - 1:,} more id(s) alike)" if len(wrong) > 1 else ""
            raise StoreUnavailableError(
                f"embedding store {self._where}: damaged: the key {self._key(kind, key)} of "
                f"the {kind} id {_shown_key(key)} holds a Redis {value}, not a string (the "
                f"id's vector){more}: another program's keys under the prefix "
                f"{self.prefix!r}? give the store a prefix of its own, or delete the key "
                f"(redis-cli DEL {self._key(kind, key)}) and put the vector again")

    @arguments_named
    def dim(self, kind: str) -> int | None:
        self._refuse_if_closed()
        _check_kind(kind)
        with self._errors(kind):
            value = self._client.get(f"{self.prefix}:dim:{kind}")
        return None if value is None else _stored_dim(value, kind, self._where)

    @arguments_named
    def count(self, kind: str) -> int:
        self._refuse_if_closed()
        _check_kind(kind)
        with self._errors(kind):
            return int(self._client.scard(f"{self.prefix}:ids:{kind}"))

    @arguments_named
    def delete(self, kind: str, ids: Any) -> None:
        self._refuse_if_closed()
        _check_kind(kind, ids, f"{type(self).__name__}.delete")
        keys = encode_ids(ids)
        if not keys:
            return
        ids_key = f"{self.prefix}:ids:{kind}"
        with self._errors(kind):
            pipe = self._client.pipeline(transaction=True)
            pipe.delete(*[self._key(kind, key) for key in keys])
            pipe.hdel(f"{self.prefix}:sum:{kind}", *keys)
            pipe.srem(ids_key, *keys)
            pipe.execute()
            # the dimension goes with the last vector, unless another process put vectors
            # since the count was read (WATCH): their dimension was deleted from under them
            with self._client.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(ids_key)
                    if pipe.scard(ids_key) == 0:
                        pipe.multi()
                        pipe.delete(f"{self.prefix}:dim:{kind}")
                        pipe.execute()
                except self._watch_error:
                    pass  # vectors were put meanwhile: their dimension stays

    def _location(self) -> str:
        return self._where

    def _reopening(self) -> str:
        # the password is masked in _where: the call is shown without it
        prefix = "" if self.prefix == "recstack" else f", prefix={self.prefix!r}"
        return f"open_store({self._where!r}{prefix})"

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(*self._redis_errors):
            self._client.close()


@arguments_named
def open_store(location: str | Path, **options: Any) -> EmbeddingStore:
    """The store at ``location``: ``redis://...`` / ``rediss://...`` for Redis,
    ``sqlite:///path`` or a plain path for SQLite; ``options`` go to its constructor. A
    plain path creates a missing store only under an SQLite file's name (``.sqlite``,
    ``.sqlite3``, ``.db``...; ``sqlite:///path`` creates any name)."""
    if not isinstance(location, str | Path):
        raise ConfigError(f"embedding store location must be a file path, sqlite:///PATH or "
                          f"redis://HOST:PORT/DB, got {location!r}")
    text = str(location)
    if not text.strip() or text.strip() == "sqlite:///":
        # Path("") is the working folder: SQLite's answer would name "."
        raise ConfigError(f"embedding store location is empty ({text!r}); expected a file "
                          "path, sqlite:///PATH or redis://HOST:PORT/DB")
    redis = text.startswith(("redis://", "rediss://", "unix://"))
    _check_options(RedisEmbeddingStore if redis else SQLiteEmbeddingStore, options)
    if redis:
        return RedisEmbeddingStore(text, **options)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        raise ConfigError(f"embedding store {text!r}: use a file path, sqlite:///PATH or "
                          "redis://HOST:PORT/DB")
    else:
        # a misspelt URL ("sqlite:vectors.db", "redis:localhost:6379", "Redis://...") is no
        # path either: it became an SQLite file of that name in the working folder, and the
        # service served from that empty store as if all were well
        scheme = text.partition(":")[0].lower()
        if ":" in text and scheme in _STORE_SCHEMES:
            form = "sqlite:///PATH" if scheme == "sqlite" else f"{scheme}://HOST:PORT/DB"
            raise ConfigError(f"embedding store {text!r}: a {scheme} URL is written {form} "
                              "(scheme, colon and slashes); a plain file path also opens "
                              "an SQLite store")
        # before the extension's refusal, which called 'v.db.' a name with no extension
        # (surrounding whitespace is named there, with the name meant)
        if text == text.strip():
            _refuse_new_store_name(text)
        _refuse_other_scheme(text)
        _refuse_new_file_of_another_kind(text)
    return SQLiteEmbeddingStore(text, **options)


def _refuse_new_store_name(text: str) -> None:
    """Refuse a new SQLite store's path, as typed, whose name ``recstack ... --out``
    refuses for a file (:func:`recstack.atomic.file_name_problem`): ``sqlite:///v.db.``
    created ``v.db.`` beside ``v.db``, ``sqlite:///sub/`` the file ``sub``, and a name
    starting with a space another file than the one meant. An existing file is opened
    whatever its name."""
    from recstack.atomic import file_name_problem

    if "\0" in text:
        return  # named by checked_path
    try:
        if os.path.isfile(text):
            return
    except (OSError, ValueError):
        return  # a name the system cannot look up: the store names the problem
    problem = file_name_problem(text, "vectors.db", "an SQLite store", SQLITE_SUFFIXES)
    if problem is not None:
        raise ConfigError(f"embedding store {text!r}: {problem}")


def _refuse_other_scheme(text: str) -> None:
    """Refuse a location that reads as a URL of a well-known scheme no store has
    (``file:x.db``, ``postgresql:x.db``; :data:`_FOREIGN_SCHEMES`) unless a file of that
    name exists: SQLite reads ``file:`` names as its own URIs (``file:x.db`` opened
    ``x.db``), and other schemes became an SQLite file named after the URL. Other words
    before a colon (``data:v1.sqlite``) are file names, as before."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):", text)
    if match is None or match.group(1).lower() not in _FOREIGN_SCHEMES:
        return  # "data:v1.sqlite" is a file name
    try:
        if Path(text).exists():
            return
    except (OSError, ValueError):
        pass
    raise ConfigError(f"embedding store {text!r}: {match.group(1)!r} is not a store URL "
                      "scheme (the schemes are sqlite:///PATH, redis://HOST:PORT/DB, "
                      "rediss://HOST:PORT/DB and unix://PATH); give a file path, or one of "
                      "those URLs")


def _refuse_new_file_of_another_kind(text: str) -> None:
    """Refuse a plain path to create an SQLite store under a name that says it is another
    kind of file (``vectors.txt``, ``vectors.parquet``) or no file at all (``vectors``):
    ``--store x.txt`` created an SQLite database named ``x.txt`` and served from that
    empty store without a word, where a vectors file or a Redis URL was meant. An existing
    file is opened whatever its name (one that is no database is refused when opened);
    ``sqlite:///PATH`` creates any name."""
    path = Path(text)
    if "\0" in text or is_looping_link(path):
        return  # a NUL, and a link that loops, are named by the SQLite store itself
    if text != text.strip():
        # " vectors.db" (a quoted shell variable, a settings file) became a new file of
        # that name, or "vectors.db " one of no SQLite name
        try:
            exists = path.exists()
        except OSError:
            exists = False
        if not exists:
            raise ConfigError(f"embedding store {text!r}: no such file, and the location "
                              f"has surrounding whitespace; did you mean {text.strip()!r}?")
    if path.suffix.lower() in SQLITE_SUFFIXES:
        return
    try:
        if path.exists():
            return
    except OSError:
        return  # a name the system cannot look up: the SQLite store names the problem
    kind = f"{path.suffix!r} is not an SQLite file's extension" if path.suffix \
        else "it has no file extension"
    # a link that loops or leads nowhere is no missing file: say what it is
    missing = f"is {broken_link(path)}" if broken_link(path) else "no such file"
    raise ConfigError(f"embedding store {text!r}: {missing}, and {kind}; give a new "
                      "store a name ending in .sqlite, .sqlite3 or .db (or write "
                      f"sqlite:///{text} to create an SQLite file of that name; "
                      "redis://HOST:PORT/DB for Redis)")


def _check_options(store_type: type[EmbeddingStore], options: Mapping[str, Any]) -> None:
    """Refuse an option the store's constructor does not take (a misspelt ``timeout`` was a
    TypeError from the constructor's call), naming the ones it does."""
    import inspect

    from recstack.specs import did_you_mean

    accepted = [name for name, parameter in
                inspect.signature(store_type.__init__).parameters.items()
                if parameter.kind is inspect.Parameter.KEYWORD_ONLY]
    for option in options:
        if option not in accepted:
            raise ConfigError(f"open_store: unknown option {option!r} of "
                              f"{store_type.__name__}{did_you_mean(option, accepted)}; it "
                              f"takes: {', '.join(accepted)}")


def _check_model(model: Any, where: str) -> None:
    """Refuse what is not a fitted recstack model (an AttributeError on ``users_``)."""
    from recstack.models.base import Recommender

    if not isinstance(model, Recommender):
        raise ConfigError(f"{where}: model must be a fitted recstack model (a Recommender, "
                          f"e.g. ModelRegistry(...).load('als').model), got "
                          f"{type(model).__name__} {model!r:.40}")


def _check_store(store: Any, where: str, *, optional: bool = False) -> None:
    """Refuse what is not an :class:`EmbeddingStore` (an AttributeError on ``get``)."""
    if not isinstance(store, EmbeddingStore) and not (optional and store is None):
        raise ConfigError(f"{where}: store must be an EmbeddingStore (open_store('vectors."
                          f"sqlite') or open_store('redis://HOST:PORT/DB'))"
                          f"{' or None' if optional else ''}, got {type(store).__name__} "
                          f"{store!r:.40}")


@arguments_named
def read_with_fallback(store: EmbeddingStore | None, kind: str, ids: Any,
                       model: Recommender) -> tuple[np.ndarray, np.ndarray, str]:
    """``store.get(kind, ids)``, or, when the store is unreachable (or None), the model's
    own vectors of those ids: ``(vectors, found, source)`` with ``source`` ``"store"`` or
    ``"model"`` (count the latter: the store is down and nearline updates are not served).
    Ids the model does not know are not found. A store filled for another model (vectors
    of another dimension, or item vectors that are not the model's for the same ids:
    :func:`other_model_items`) is not read either: its vectors belong to another space;
    the model's are returned, with a warning logged that says why."""
    _check_kind(kind)  # "users" read the model's item vectors when the store was down
    _check_store(store, "read_with_fallback", optional=True)
    _check_model(model, "read_with_fallback")
    vocabulary = model.users_ if kind == "user" else model.items_
    if store is not None:
        from recstack.data.idmap import id_values

        try:
            # by the model's ids, as fold_in_users writes them and the model's vectors
            # are found ("42" was no user of a store of integer ids, but one of the model)
            vectors, found = store.get(kind, _as_model_ids(id_values(id_array(ids), "ids"),
                                                           vocabulary))
            sample = item_sample(model)
            whose = f"the given {model.name} model's"
            problem: str | None
            if not found.any() and store.dim(kind) is None:
                # a store never filled answered every id "not found", in vectors of no
                # dimensions, where the model knows them
                problem = f"the store holds no {kind} vectors"
            else:
                problem = None if sample is None else (
                    f"the store's {kind} vectors have {vectors.shape[1]} dimensions, "
                    f"{whose} {sample[1].shape[1]}"
                    if found.any() and vectors.shape[1] != sample[1].shape[1]
                    else other_model_items(store, sample, whose))
            if problem is None:
                return vectors, found, "store"
            # the store of the version before a retrain: its vectors were returned as the
            # store's, to be scored against this model's, without a word
            filled = ("it was never filled" if problem.startswith("the store holds no")
                      else "the store was filled for another model")
            logger.warning("read_with_fallback: %s: %s; the model's own vectors are "
                           "returned (store.put_model(model) fills it for this one)",
                           problem, filled)
        except StoreUnavailableError:
            pass
    all_vectors = model.user_embeddings() if kind == "user" else model.item_embeddings()
    index = vocabulary.to_index(id_array(ids), missing="ignore")
    found = index >= 0
    vectors = np.zeros((len(index), all_vectors.shape[1]), np.float32)
    vectors[found] = all_vectors[index[found]]
    return vectors, found, "model"


# --------------------------------------------------------------------------- fold-in
@dataclass(frozen=True)
class FoldInReport:
    """What :func:`fold_in_users` did: the users written with their vectors, the items of
    events it ignored because they are not in the model's catalog (a retrain is needed for
    those), and the users not written because none of their history is in the catalog."""

    users: np.ndarray
    vectors: np.ndarray
    unknown_items: np.ndarray
    skipped_users: np.ndarray


#: how many of a model's item vectors :func:`item_sample` takes to compare with a store's
STORE_SAMPLE = 8


def item_sample(model: Recommender) -> tuple[list[Any], np.ndarray] | None:
    """A few of ``model``'s items (ids spread over its catalog) and their vectors as
    ``put_model`` writes them, to tell a store filled for this model from one filled for
    another (:func:`other_model_items`); None for a model without item vectors."""
    _check_model(model, "item_sample")  # was AttributeError on items_, as fold_in_users's
    model._require_fitted()
    n_items = len(model.items_)
    try:
        vectors = np.asarray(model.item_embeddings(), dtype=np.float32)
    except RecstackError:
        return None
    if not n_items or vectors.ndim != 2 or len(vectors) != n_items:
        return None
    rows = np.unique(np.linspace(0, n_items - 1, num=min(STORE_SAMPLE, n_items))
                     .round().astype(np.int64))
    return model.items_.external_ids[rows].tolist(), vectors[rows]


def other_model_items(store: EmbeddingStore, sample: tuple[list[Any], np.ndarray],
                      whose: str) -> str | None:
    """How the store's item vectors show it was filled for another model than the one
    ``sample`` (:func:`item_sample`) was taken from, ``whose`` naming that model ("m@2's"):
    another dimension, or another vector for one of the sampled ids; None when they agree
    or the store holds none of the sampled items (nothing to tell by: user vectors put by
    hand or by fold-in alone)."""
    _check_store(store, "other_model_items")
    ids, own = _checked_sample(sample)
    if not isinstance(whose, str):
        raise ConfigError(f"other_model_items: whose must be text naming the model (e.g. "
                          f"\"als@2's\"), got {type(whose).__name__} {whose!r:.40}")
    vectors, found = store.get("item", ids)
    if not found.any():
        return None
    if vectors.shape[1] != own.shape[1]:
        return (f"the store's item vectors have {vectors.shape[1]} dimensions, "
                f"{whose} {own.shape[1]}")
    differ = found & ~np.all(np.isclose(vectors, own, rtol=1e-5, atol=1e-6), axis=1)
    if not differ.any():
        return None
    return f"the store's vector of item {ids[int(np.argmax(differ))]!r} is not {whose}"


def _checked_sample(sample: Any) -> tuple[list[Any], np.ndarray]:
    """``sample`` as :func:`item_sample` returns it (ids, and one vector per id), or a
    ConfigError naming what it is (unpacking None or a 1-tuple, or ``.shape`` of a list,
    failed as Python's TypeError, ValueError or AttributeError)."""
    rule = ("other_model_items: sample must be item_sample(model)'s pair (a list of item ids, "
            "a 2-d array of their vectors, one row per id)")
    if not isinstance(sample, tuple | list) or len(sample) != 2:
        hint = ("; item_sample returns None for a model without item vectors, which has "
                "nothing to compare" if sample is None else "")
        raise ConfigError(f"{rule}, got {type(sample).__name__} {shown(sample)[:60]}{hint}")
    ids, vectors = sample
    if isinstance(ids, str) or not isinstance(ids, Sequence | np.ndarray):
        raise ConfigError(f"{rule}; its ids are {type(ids).__name__} {shown(ids)[:40]}")
    try:
        own = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError):
        raise ConfigError(f"{rule}; its vectors are not an array of numbers: "
                          f"{type(vectors).__name__} {shown(vectors)[:40]}") from None
    if own.ndim != 2 or len(own) != len(ids):
        raise ConfigError(f"{rule}; got {counted(len(ids), 'id')} and vectors of shape "
                          f"{own.shape}")
    return list(ids), own


def _as_model_ids(ids: np.ndarray, vocabulary: Any) -> np.ndarray:
    """``ids`` as the model's vocabulary types them, the keys the service reads (see
    :meth:`recstack.serving.service.LoadedModel.typed_user_id`): a known id as the
    vocabulary holds it (``" 42"`` and ``"42"`` are the user 42 of a map of integers); an
    unknown one trimmed, and for a map of integers an integer when it spells one plainly,
    for a map of text ids its text."""
    from recstack.data.idmap import plain_integers, trim_text_ids

    typed = np.empty(len(ids), dtype=object)
    typed[:] = ids.tolist()
    known = vocabulary.to_index(ids, missing="ignore")
    typed[known >= 0] = vocabulary.external_ids[known[known >= 0]].tolist()
    integers = vocabulary.external_ids.dtype.kind in "iu"
    for position in np.flatnonzero(known < 0).tolist():
        value = typed[position]
        if isinstance(value, str):
            value = str(trim_text_ids([value])[0])
            number, plain = plain_integers(np.array([value], dtype=object))
            typed[position] = int(number[0]) if integers and plain[0] else value
        elif not integers:
            typed[position] = str(value)
    return typed


@arguments_named
def fold_in_users(model: Recommender, store: EmbeddingStore, user_ids: Sequence[Any],
                  item_ids: Sequence[Any], values: Sequence[float] | None = None, *,
                  include_training: bool = True) -> FoldInReport:
    """Recompute the vectors of the users in new events and write them to ``store``.

    Parameters
    ----------
    model : Recommender
        A fitted model with ``fold_in`` (ALS, iALS).
    store : EmbeddingStore
    user_ids, item_ids : sequences of external ids
        The new events, one per position. Users are written under the model's own ids
        (``"42"`` is the user 42 of a model of integer ids), which the service reads.
    values : sequence of float, optional
        Event values (default 1 each), as the model was trained on.
    include_training : bool
        Whether a user's training row in the model is part of the history (True: the new
        events add to what the model saw; False: the events are the whole history).

    Returns
    -------
    FoldInReport
    """
    _check_model(model, "fold_in_users")
    _check_store(store, "fold_in_users")
    if not isinstance(include_training, bool | np.bool_):
        # any text is true: include_training="no" folded the training rows in
        raise ConfigError(f"fold_in_users: include_training must be True or False, got "
                          f"{type(include_training).__name__} {include_training!r:.40}")
    fold_in = getattr(model, "fold_in", None)
    if not callable(fold_in):
        raise RecstackError(f"{model.name}: nearline updates need a model with fold_in "
                            "(als, ials); this one must be retrained to change user vectors")
    model._require_fitted()
    from recstack.data.idmap import id_values
    from recstack.serving.ann import float32_rows

    # the ids by the rule of lookups (a NaN user was row -1 of the history; a masked one
    # the id under the mask), the values as the numbers given (text was numpy's
    # ValueError, NaN or 1e39 a NaN vector refused later as the store's "user vectors")
    # (the items by the same rule and name: a None among them was "ids: the value at
    # position 0 ...", which named no argument of this call)
    users = id_values(id_array(user_ids), "user_ids")
    items = id_values(id_array(item_ids), "item_ids")
    # keyed as the service looks users up: "42" from a JSON event was stored as the text
    # id '42', which the service of a model of integer ids (asking for 42) never found
    users = _as_model_ids(users, model.users_)
    weights = (np.ones(len(users), np.float32) if values is None
               else float32_rows(values, "values"))
    if weights.ndim != 1:
        raise ConfigError(f"values must be one number per event, got shape {weights.shape}")
    if not (len(users) == len(items) == len(weights)):
        # values left out are one per user id: "values (2)" named a list never given
        given = "" if values is None else f" and values ({len(weights)})"
        raise ConfigError(f"events: user_ids ({len(users)}), item_ids ({len(items)})"
                          f"{given} must have one entry per event")
    negative = np.flatnonzero(weights < 0)
    if len(negative):
        # the model refused them as "histories hold 1 negative value(s) (e.g. -1 in row 0,
        # column 0 = item 0)": a row of its own batch, a sparse matrix never given here
        at = int(negative[0])
        raise ConfigError(f"fold_in_users: values must be >= 0 (each event's weight, read "
                          f"as the model was trained on: {model.name} reads a value as how "
                          f"strong an interaction is); {counted(len(negative), 'event')} "
                          f"{'holds' if len(negative) == 1 else 'hold'} a negative one, "
                          f"first event {at} (user {echoed(shown(users[at]))}, item "
                          f"{echoed(shown(items[at]))}): {shown(float(weights[at]))}; leave "
                          "those events out")
    item_index = model.items_.to_index(items, missing="ignore")
    known = item_index >= 0
    # factorize, not np.unique: ids of mixed types (1 and "a") do not sort
    row, distinct = pd.factorize(users)
    distinct = id_array(np.asarray(distinct, dtype=users.dtype))
    n_items = len(model.items_)
    # repeated (user, item) events add up, as a training matrix sums duplicates
    history = sp.csr_matrix((weights[known], (row[known], item_index[known])),
                            shape=(len(distinct), n_items), dtype=np.float32)
    if include_training:
        trained = model.users_.to_index(distinct, missing="ignore")
        present = np.flatnonzero(trained >= 0)
        rows = sp.csr_matrix((np.ones(len(present), np.float32), (present, trained[present])),
                             shape=(len(distinct), len(model.users_)))
        history = history + rows @ model.seen_
    history = sp.csr_matrix(history)
    sample = item_sample(model)
    if sample is not None and (problem := other_model_items(store, sample,
                                                            f"the given {model.name} model's")):
        # the users were written in this model's space beside the item vectors (and the
        # other users) of the model that filled the store: a service serving either model
        # then searched vectors of the other space without a word
        raise ConfigError(f"fold_in_users: {problem}: the store was filled for another "
                          "model (an earlier version, or another catalog), and users folded "
                          "in with this one would not match its vectors; fold in with the "
                          "model the store was filled for, or fill it for this one first "
                          "(store.put_model(model))")
    # a user with nothing the model knows has no history to fold in: left as they are
    empty = np.diff(history.indptr) == 0
    factors = np.asarray(fold_in(history[~empty]), dtype=np.float32)
    if getattr(model, "item_bias_", None) is not None:
        # the public user vectors carry a constant 1 to meet the items' bias column
        factors = np.hstack([factors, np.ones((len(factors), 1), np.float32)])
    store.put("user", distinct[~empty], factors)
    return FoldInReport(distinct[~empty], factors, pd.unique(items[~known]), distinct[empty])
