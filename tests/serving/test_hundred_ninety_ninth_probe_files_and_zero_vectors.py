"""Hundred-ninety-ninth probe: files the service reads that are no readable file, and zero
query vectors.

- A folder, a symbolic link that leads nowhere or a named pipe where the service reads a
  file (``--config``, ``--admin-token-file``, a registry's ``current.json`` and
  ``manifest.json``, an item index's ``index.json`` and ``items.npy``) is named in the
  words of every other reader ("is a folder, not a file"), not the system's ("cannot read
  it (Is a directory)"); a dangling ``current.json`` was "missing", and a pipe hung the
  reader for ever.
- A zero query vector scores 0 against every item, so the index answered the catalogue's
  order (item indices 0, 1, 2...) without a word: the index now warns naming the rows, and
  the service serves the most popular items instead, naming the user.
"""
from __future__ import annotations

import copy
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.ann import ItemIndex, ZeroQueryWarning, exact_search
from recstack.serving.registry import ModelRegistry, RegistryUnavailableError

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import publish, serve_refusal, settings  # noqa: E402


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _dangling(path: Path) -> None:
    path.unlink()
    path.symlink_to("nowhere")


def _pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


DANGLING = "is a symbolic link to 'nowhere', which does not exist"
PIPE = "is a pipe, socket or device, not a file"


# ------------------------------------------------------------------ recstack serve files
@pytest.mark.parametrize("option", ["--config", "--admin-token-file"])
def test_a_folder_given_as_a_settings_file_is_named_a_folder(tmp_path, capsys, option):
    (tmp_path / "folder").mkdir()
    code = serve_refusal("--registry", str(tmp_path / "registry"), option,
                         str(tmp_path / "folder"))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    # before: "cannot read it (Is a directory)"
    assert f"argument {option}: {tmp_path / 'folder'}: is a folder, not a file; give " in err
    assert "Is a directory" not in err


@pytest.mark.parametrize("option", ["--config", "--admin-token-file"])
def test_a_dangling_link_given_as_a_settings_file_gets_no_pipe_advice(tmp_path, capsys,
                                                                      option):
    (tmp_path / "link").symlink_to("nowhere")
    code = serve_refusal("--registry", str(tmp_path / "registry"), option,
                         str(tmp_path / "link"))
    err = capsys.readouterr().err
    assert code == 2 and f"{tmp_path / 'link'}: {DANGLING}; give " in err
    # before: "... (a file on disk: standard input and pipes are not read)" for a link
    assert "pipes are not read" not in err


def test_a_missing_config_file_says_where_it_was_looked_for(tmp_path, capsys):
    code = serve_refusal("--registry", str(tmp_path / "registry"), "--config",
                         str(tmp_path / "serve.json"))
    err = capsys.readouterr().err
    assert code == 2
    assert (f"{tmp_path / 'serve.json'}: no such file (looked at {tmp_path / 'serve.json'}); "
            "give a JSON file of settings") in err


# ---------------------------------------------------------------------------- registry
@pytest.fixture
def published(tmp_path, popular, train):
    return publish(tmp_path / "registry", popular, train, name="pop")


def _manifest(registry: ModelRegistry) -> Path:
    return Path(registry.root) / "pop" / "versions" / "00000001" / "manifest.json"


def test_a_dangling_current_json_is_not_called_missing(published):
    alias = Path(published.root) / "pop" / "current.json"
    _dangling(alias)
    with pytest.raises(RecstackError) as caught:
        published.load("pop")
    # before: "(pop/current.json is missing)"
    assert f"no current version (pop/current.json {DANGLING}); " in str(caught.value)


@pytest.mark.parametrize(("mutate", "what"), [(_folder, "is a folder, not a file"),
                                              (_dangling, DANGLING), (_pipe, PIPE)])
def test_a_manifest_that_is_no_file_is_named_on_load(published, mutate, what):
    manifest = _manifest(published)
    mutate(manifest)
    with pytest.raises(RecstackError) as caught:
        published.load("pop")
    # before: "holds no readable manifest.json: a publish still uploading, cut short, ..."
    assert f"its {manifest} {what}: moved or written over by hand?" in str(caught.value)


def test_a_pipe_where_current_json_belongs_is_refused_not_waited_on(published):
    alias = Path(published.root) / "pop" / "current.json"
    _pipe(alias)
    # before: the read waited for a writer for ever (and so did the service's reload poll)
    with pytest.raises(RegistryUnavailableError, match=re.escape(
            f"cannot use {alias}: it {PIPE}, where the registry keeps a file; move it away")):
        published.load("pop")


# -------------------------------------------------------------------------- item index
@pytest.fixture
def saved_index(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    return ItemIndex.build(vectors, metric="cosine", backend="exact").save(tmp_path / "idx")


@pytest.mark.parametrize("name", ["index.json", "items.npy"])
@pytest.mark.parametrize(("mutate", "what"), [(_folder, "is a folder, not a file"),
                                              (_dangling, DANGLING), (_pipe, PIPE)])
def test_an_index_file_that_is_no_file_is_named(saved_index, name, mutate, what):
    mutate(Path(saved_index) / name)
    # before: "cannot be read (Is a directory)", "not a saved item index (no index.json)",
    # "missing"; a pipe as index.json hung the load
    with pytest.raises(RecstackError, match=re.escape(f"{Path(saved_index) / name}: {what}; ")):
        ItemIndex.load(saved_index)


# ------------------------------------------------------------------------ zero queries
@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_zero_query_rows_are_answered_with_a_warning_naming_them(backend):
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    vectors = np.eye(4, dtype=np.float32)[[3, 2, 1, 0, 0]]  # item j points along 3 - j
    index = ItemIndex.build(vectors, metric="cosine", backend=backend)
    queries = np.array([[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], np.float32)
    with pytest.warns(ZeroQueryWarning, match=re.escape(
            "ItemIndex.search: 2 of 3 query rows are all zeros (rows 0, 2): a zero vector "
            "scores 0 against every item")) as caught:
        found, scores = index.search(queries, 2)
    assert len(caught) == 1
    # worked by hand: the zero rows tie at 0 and take the lowest indices; [1,0,0,0] is
    # items 3 and 4 (cosine 1), then the rest at 0
    assert found.tolist() == [[0, 1], [3, 4], [0, 1]]
    assert scores[1].tolist() == [1.0, 1.0] and scores[0].tolist() == [0.0, 0.0]
    with pytest.warns(ZeroQueryWarning, match="ItemIndex.search_one: the query is all zeros"):
        assert index.search_one(np.zeros(4, np.float32), 2)[0].tolist() == [0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ZeroQueryWarning)
        index.search(queries[1:2], 2)  # no zero row: no warning


def test_exact_search_names_zero_rows_and_counts_the_rest():
    items = np.eye(3, dtype=np.float32)
    with pytest.warns(ZeroQueryWarning, match=re.escape(
            "exact_search: 10 of 10 query rows are all zeros (rows 0, 1, 2, 3, 4, 5, 6, 7 "
            "(and 2 more))")):
        exact_search(items, np.zeros((10, 3), np.float32), 1)


def test_the_service_serves_popular_items_to_a_user_whose_vector_is_zero(tmp_path, als,
                                                                          train):
    from recstack.serving.service import Service
    from recstack.serving.telemetry import ServiceMetrics

    model = copy.deepcopy(als)
    model.user_factors_ = model.user_factors_.copy()
    model.user_factors_[0] = 0  # the model learned nothing for user 0
    registry = publish(tmp_path / "registry", model, train)
    service = Service(settings(registry), ServiceMetrics())
    service.start()
    try:
        user = str(model.users_.external_ids[0])
        with warnings.catch_warnings():
            warnings.simplefilter("error", ZeroQueryWarning)  # the index is not asked
            served = service.recommend_user(user, 5, exclude_seen=False)
        # before: items 0 to 4, the catalogue's order, as if recommended by the model
        assert served.fallback == (
            f"user {user!r}'s vector in als@1 is all zeros, which scores every item alike "
            "(the index would answer the catalogue's order); the most popular items are "
            "served instead")
        loaded = service.variant_for(user).loaded
        assert served.items.tolist() == loaded.popular[:5].tolist()
        other = str(model.users_.external_ids[1])
        assert service.recommend_user(other, 5).fallback is None
    finally:
        service.close()
