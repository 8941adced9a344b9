"""Round 52 (D): the Python writers of stores, indexes and registries refuse the names the
command line's ``--out`` refuses (:func:`recstack.atomic.file_name_problem` for a file, the
folder rules of :func:`recstack.atomic.atomic_directory`), and leave nothing behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from recstack.atomic import atomic_directory
from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store
from recstack.serving.registry import ModelRegistry

#: (name as typed, words of the refusal)
BAD_STORE_NAMES = [
    ("vectors.db.", "ends with a dot"),
    (" vectors.db", "starts with a space"),
    ("vectors.db ", "ends with a space"),
    ("sub/", "ends with '/'"),
    ("sub/.", "ends with '/.'"),
    (".", "is the working folder"),
    ("~", "names a home folder"),
    (".db", "is only an extension"),
]


@pytest.fixture
def vectors() -> np.ndarray:
    return np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]], dtype=np.float32)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("name", "words"), BAD_STORE_NAMES)
@pytest.mark.parametrize("opener", ["class", "sqlite-url"])
def test_a_new_sqlite_store_refuses_the_names_out_refuses(in_tmp, name, words, opener):
    with pytest.raises(ConfigError, match=f"embedding store {name!r}: {words}"):
        if opener == "class":
            SQLiteEmbeddingStore(name)
        else:
            open_store("sqlite:///" + name)
    assert os.listdir(in_tmp) == []  # no database, journal or folder was made


def test_open_store_says_what_is_wrong_with_a_name_ending_in_a_dot(in_tmp):
    # it was told "it has no file extension", of a name ending in .db.
    with pytest.raises(ConfigError, match=r"'vectors\.db\.': ends with a dot, which makes it "
                                          r"another file than 'vectors\.db'"):
        open_store("vectors.db.")
    assert os.listdir(in_tmp) == []


def test_an_existing_store_opens_whatever_its_name(in_tmp, vectors):
    # an empty file is an empty SQLite database: the name rule is for new files only
    Path("old.db.").write_bytes(b"")
    store = SQLiteEmbeddingStore("old.db.")
    store.put("item", ["a"], vectors[:1])
    found, present = store.get("item", ["a"])
    store.close()
    assert present.tolist() == [True] and found.tolist() == [[1.0, 0.0, 0.0]]


@pytest.mark.parametrize(("name", "words"), [
    (".", "is the working folder"),
    ("./", "is the working folder"),
    ("..", "is the folder above the working one"),
    ("sub/..", "ends with '/..', so it names a folder above"),
])
def test_an_item_index_is_not_saved_over_a_folder_above(tmp_path, monkeypatch, vectors, name,
                                                        words):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("kept")
    monkeypatch.chdir(work)
    index = ItemIndex.build(vectors, backend="exact")
    with pytest.raises(RecstackError, match=words):
        index.save(name, overwrite=True)
    # `sub/..` made `sub` before the refusal at the swap
    assert sorted(os.listdir(work)) == ["keep.txt"]
    assert sorted(os.listdir(tmp_path)) == ["work"]


@pytest.mark.parametrize("spelling", ["~", "home-absolute"])
def test_an_item_index_is_not_saved_over_the_home_folder(tmp_path, monkeypatch, vectors,
                                                         spelling):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    # an index already there: the refusal is of the folder, not of what it holds
    index = ItemIndex.build(vectors, backend="exact")
    index.save(home / "index-copy")
    for name in os.listdir(home / "index-copy"):
        os.replace(home / "index-copy" / name, home / name)
    os.rmdir(home / "index-copy")
    (home / "notes.txt").write_text("kept")
    with pytest.raises(RecstackError, match="home folder"):
        index.save("~" if spelling == "~" else str(home), overwrite=True)
    assert (home / "notes.txt").read_text() == "kept"


def test_a_folder_is_not_replaced_while_it_is_the_working_folder(tmp_path, monkeypatch):
    target = tmp_path / "results"
    target.mkdir()
    monkeypatch.chdir(target)
    with pytest.raises(RecstackError, match="is the working folder"):
        with atomic_directory(target, overwrite=True) as staging:
            (staging / "new.txt").write_text("new")
    assert target.is_dir() and os.listdir(target) == []
    assert sorted(os.listdir(tmp_path)) == ["results"]  # no staging folder left


def test_an_item_index_saved_into_sub_dot_is_the_folder_sub(in_tmp, vectors):
    index = ItemIndex.build(vectors, backend="exact")
    index.save("sub/.")
    assert ItemIndex.load("sub").vectors.tolist() == vectors.tolist()


def test_an_item_index_is_not_saved_over_a_folder_of_other_files(in_tmp, vectors):
    Path("results").mkdir()
    Path("results/metrics.csv").write_text("model,ndcg\nals,0.3\n")
    index = ItemIndex.build(vectors, backend="exact")
    with pytest.raises(RecstackError, match=r"holds 'metrics\.csv' and no index\.json, so it "
                                            r"is not a saved item index"):
        index.save("results", overwrite=True)
    assert os.listdir("results") == ["metrics.csv"]
    # what overwrite is for still works: an earlier index, an empty folder
    index.save("index")
    ItemIndex.build(vectors[:, :2], backend="exact").save("index", overwrite=True)
    assert ItemIndex.load("index").dim == 2
    Path("empty").mkdir()
    index.save("empty", overwrite=True)
    assert ItemIndex.load("empty").dim == 3


def test_a_saved_index_with_a_misspelt_metric_names_the_metric_alone(in_tmp, vectors):
    ItemIndex.build(vectors, metric="cosine", backend="exact").save("index")
    meta = json.loads(Path("index/index.json").read_text())
    meta["metric"] = "cosin"
    Path("index/index.json").write_text(json.dumps(meta))
    with pytest.raises(RecstackError) as caught:
        ItemIndex.load("index")
    # it said "unknown backend 'exact' or metric 'cosin'", the sound backend as unknown
    assert "unknown metric 'cosin'" in str(caught.value)
    assert "backend" not in str(caught.value)


@pytest.fixture(scope="module")
def model():
    from recstack.data.synthetic import generate
    from recstack.models.baselines import MostPopular

    data = generate(n_users=40, n_items=25, n_interactions=300, seed=3, progress=None)
    return MostPopular().fit(data)


@pytest.mark.parametrize(("root", "words"), [
    ("models ", "ends with a space"), (" models", "starts with a space")])
def test_a_new_registry_root_padded_with_a_space_is_refused(in_tmp, root, words):
    with pytest.raises(ConfigError, match=f"registry root {root!r} {words}"):
        ModelRegistry(root)
    assert os.listdir(in_tmp) == []


def test_an_existing_registry_root_padded_with_a_space_is_read(in_tmp, model):
    Path("models ").mkdir()
    assert ModelRegistry("models ").publish("m", model).version == 1


def test_a_registry_under_the_home_folder_reads_what_it_publishes(tmp_path, monkeypatch,
                                                                    model):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    registry = ModelRegistry("~/models")
    # the publish wrote into the home folder, then read a folder named '~': "no model"
    assert registry.publish("m", model).version == 1
    assert registry.load("m").version == 1
    assert ModelRegistry(home / "models").versions("m") == [1]
    assert not (tmp_path / "~").exists()
