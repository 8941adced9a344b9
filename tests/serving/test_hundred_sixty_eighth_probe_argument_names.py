"""A misspelt keyword argument to the public functions of the serving side
(``ModelRegistry(root, storage_option=...)``, ``registry.prune("als", kep=2)``,
``ItemIndex.build(v, metirc="cosine")``) was Python's
``TypeError: ... got an unexpected keyword argument``, naming neither the near name nor
what the function takes, where the rest of recstack answers a ``ConfigError`` with both.
Now they answer alike (a class or a method named as the user called it)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex, exact_search, recall_at
from recstack.serving.embedding_store import fold_in_users, open_store, read_with_fallback
from recstack.serving.registry import ModelRegistry

VECTORS = np.eye(4, dtype=np.float32)


@pytest.fixture(scope="module")
def index():
    return ItemIndex.build(VECTORS, backend="exact")


CALLS = {
    "registry": (lambda root, index: ModelRegistry(root, storage_option={}),
                 "ModelRegistry() has no argument 'storage_option' (did you mean "
                 "'storage_options'?); it takes ModelRegistry(root, *, storage_options=..., "
                 "cache_dir=...)"),
    "prune": (lambda root, index: ModelRegistry(root).prune("als", kep=2),
              "ModelRegistry.prune() has no argument 'kep' (did you mean 'keep'?); it takes "
              "ModelRegistry.prune(name, keep)"),
    "load": (lambda root, index: ModelRegistry(root).load("als", verison=2),
             "ModelRegistry.load() has no argument 'verison' (did you mean 'version'?)"),
    "publish": (lambda root, index: ModelRegistry(root).publish("als", None, dat=None),
                "ModelRegistry.publish() has no argument 'dat' (did you mean 'data'?)"),
    "set-current": (lambda root, index: ModelRegistry(root).set_current("als"),
                    "ModelRegistry.set_current(): missing 'version'"),
    "build": (lambda root, index: ItemIndex.build(VECTORS, metirc="cosine"),
              "ItemIndex.build() has no argument 'metirc' (did you mean 'metric'?)"),
    "search": (lambda root, index: index.search(VECTORS, 2, exlude=None),
               "ItemIndex.search() has no argument 'exlude' (did you mean 'exclude'?); it "
               "takes ItemIndex.search(queries, k, *, exclude=..., blocked=...)"),
    "index-load": (lambda root, index: ItemIndex.load(fodler=root),
                   "ItemIndex.load() has no argument 'fodler' (did you mean 'folder'?)"),
    "save": (lambda root, index: index.save(root, overwite=True),
             "ItemIndex.save() has no argument 'overwite' (did you mean 'overwrite'?)"),
    "exact": (lambda root, index: exact_search(VECTORS, VECTORS, k=2, batch=10),
              "exact_search() has no argument 'batch' (did you mean 'batch_size'?)"),
    "recall": (lambda root, index: recall_at(index, VECTORS, kk=2),
               "recall_at() has no argument 'kk'"),
    "fold-in": (lambda root, index: fold_in_users(None, None, [], include_trainig=True),
                "fold_in_users() has no argument 'include_trainig' (did you mean "
                "'include_training'?)"),
    "fallback": (lambda root, index: read_with_fallback(None, "user", [], fallbak=None),
                 "read_with_fallback() has no argument 'fallbak'"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_a_misspelt_argument_is_named_with_the_near_one(tmp_path, index, name):
    call, message = CALLS[name]
    with pytest.raises(ConfigError) as caught:
        call(tmp_path / "place", index)
    assert str(caught.value).startswith(message), str(caught.value)


def test_open_store_keeps_naming_its_options(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown option 'timout' of SQLiteEmbeddingStore "
                                          r"\(did you mean 'timeout'\?\)"):
        open_store(str(tmp_path / "vectors.db"), timout=1)


def test_calls_that_fit_still_answer(tmp_path, index):
    # inner products with the identity: each row's own item first, then the lowest index
    labels, scores = index.search(VECTORS[:2], k=2)
    assert labels.tolist() == [[0, 1], [1, 0]]
    assert scores.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    again = ItemIndex.load(folder=index.save(tmp_path / "index"))
    assert again.search(VECTORS[:1], 1)[0].tolist() == [[0]]

