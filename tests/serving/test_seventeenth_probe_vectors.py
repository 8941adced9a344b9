"""Seventeenth bad-input probe of the serving pieces' Python API: vectors given as None or
a single NaN, paths that are not paths, and arguments of the wrong kind.

- ``float32_rows`` (the check of every vector argument: ``ItemIndex.build``/``search``,
  ``EmbeddingStore.put``, ``fold_in_users``'s values) failed with "IndexError: tuple
  index out of range" on a single NaN or infinity, and read None as NaN.
- ``ItemIndex.save``/``load``, ``make_log_folder``, ``read_log``, ``ParquetLog`` and
  ``check_skew`` given a number, None or bytes were ``TypeError`` tracebacks from pathlib;
  an empty path was the working folder; ``SQLiteEmbeddingStore`` and ``ModelRegistry``
  given a path holding NUL were sqlite3's or pathlib's "embedded null byte" (the registry
  listed no names before that).
- ``open_store`` with a misspelt option was a ``TypeError`` from the constructor;
  ``fold_in_users`` and ``read_with_fallback`` given something other than a model or a
  store were ``AttributeError`` tracebacks, and ``include_training="no"`` counted as true.
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    fold_in_users,
    open_store,
    read_with_fallback,
)
from recstack.serving.registry import ModelRegistry
from recstack.serving.request_log import (
    REQUEST_SCHEMA,
    ParquetLog,
    log_files,
    make_log_folder,
    read_log,
)
from recstack.serving.skew import check_skew


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "vectors.sqlite")
    yield opened
    opened.close()


# --------------------------------------------------------------------------- vectors
@pytest.mark.parametrize("value", [np.nan, np.inf, float("-inf")])
def test_a_single_non_finite_number_for_vectors_is_named(store, value):
    expected = f"must be an array of finite numbers, got the single value {value!r}"
    with pytest.raises(ConfigError, match="item vectors " + expected):
        ItemIndex.build(value)
    with pytest.raises(ConfigError, match="user vectors " + expected):
        store.put("user", [1], value)


def test_none_for_vectors_is_named_not_read_as_nan(store):
    with pytest.raises(ConfigError, match="^item vectors must be an array of numbers, got "
                                          "None$"):
        ItemIndex.build(None)
    with pytest.raises(ConfigError, match="^user vectors must be an array of numbers, got "
                                          "None$"):
        store.put("user", [1], None)
    index = ItemIndex.build(np.eye(3, dtype=np.float32))
    with pytest.raises(ConfigError, match="^queries must be an array of numbers, got None$"):
        index.search(None, 2)


def test_a_single_nan_event_value_of_fold_in_is_named(als, store):
    with pytest.raises(ConfigError, match="^values must be an array of finite numbers, got "
                                          "the single value nan$"):
        fold_in_users(als, store, [als.users_.external_ids[0]],
                      [als.items_.external_ids[0]], values=np.nan)


# --------------------------------------------------------------------------- paths
NOT_PATHS = [(5, "got int 5"), (None, "got NoneType None"), (b"logs", "got bytes b'logs'"),
             (["logs"], "got list \\['logs'\\]")]


@pytest.mark.parametrize(("value", "shown"), NOT_PATHS)
def test_a_folder_argument_that_is_not_a_path_is_named(tmp_path, value, shown):
    expected = "expected a path \\(text or pathlib.Path\\), " + shown
    index = ItemIndex.build(np.eye(3, dtype=np.float32))
    for call, what in [(lambda: ItemIndex.load(value), "item index folder"),
                       (lambda: index.save(value), "item index folder"),
                       (lambda: make_log_folder(value), "log folder"),
                       (lambda: log_files(value, "requests"), "log folder"),
                       (lambda: read_log(value, "requests"), "log folder"),
                       (lambda: ParquetLog(value, "requests", REQUEST_SCHEMA), "log folder"),
                       (lambda: check_skew(value, tmp_path), "log_dir")]:
        with pytest.raises(RecstackError, match=f"^{what}: {expected}$"):
            call()


def test_an_empty_log_folder_is_not_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for call in (lambda: make_log_folder(""), lambda: log_files(" ", "requests"),
                 lambda: read_log("", "requests")):
        with pytest.raises(RecstackError, match="^log folder: an empty path; give a file or "
                                                "folder name$"):
            call()


def test_a_path_holding_nul_is_named(tmp_path):
    bad = str(tmp_path / "a\0b")
    with pytest.raises(RecstackError, match="a path cannot hold a NUL character"):
        SQLiteEmbeddingStore(bad)
    with pytest.raises(RecstackError, match="a path cannot hold a NUL character"):
        open_store(bad)
    with pytest.raises(ConfigError, match="^registry root '.*a\\\\x00b': a path cannot hold "
                                          "a NUL character"):
        ModelRegistry(bad)


# --------------------------------------------------------------------------- arguments
def test_a_misspelt_store_option_is_named_with_a_suggestion(tmp_path):
    with pytest.raises(ConfigError, match="^open_store: unknown option 'timeoutt' of "
                                          "SQLiteEmbeddingStore \\(did you mean 'timeout'\\?"
                                          "\\); it takes: timeout$"):
        open_store(tmp_path / "vectors.sqlite", timeoutt=1.0)
    assert not (tmp_path / "vectors.sqlite").exists()
    with pytest.raises(ConfigError, match="unknown option 'prefx' of RedisEmbeddingStore "
                                          "\\(did you mean 'prefix'\\?\\); it takes: prefix, "
                                          "timeout$"):
        open_store("redis://localhost:6379/0", prefx="x")


def test_fold_in_and_fallback_name_a_model_or_store_of_the_wrong_kind(als, store):
    user, item = [als.users_.external_ids[0]], [als.items_.external_ids[0]]
    with pytest.raises(ConfigError, match="^fold_in_users: model must be a fitted recstack "
                                          "model \\(a Recommender.*got str 'als'$"):
        fold_in_users("als", store, user, item)
    with pytest.raises(ConfigError, match="^fold_in_users: store must be an EmbeddingStore "
                                          "\\(open_store.*got str 'vectors.sqlite'$"):
        fold_in_users(als, "vectors.sqlite", user, item)
    with pytest.raises(ConfigError, match="^read_with_fallback: model must be a fitted "
                                          "recstack model.*got NoneType None$"):
        read_with_fallback(None, "user", user, None)
    with pytest.raises(ConfigError, match="^read_with_fallback: store must be an "
                                          "EmbeddingStore .* or None, got dict \\{\\}$"):
        read_with_fallback({}, "user", user, als)
    assert store.count("user") == 0  # nothing was written


def test_include_training_must_be_a_boolean(als, store):
    with pytest.raises(ConfigError, match="^fold_in_users: include_training must be True or "
                                          "False, got str 'no'$"):
        fold_in_users(als, store, [als.users_.external_ids[0]],
                      [als.items_.external_ids[0]], include_training="no")
    assert store.count("user") == 0
