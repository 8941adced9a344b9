"""Values by position and unknown keywords in the public methods that did not check them.

``save``, ``item_embeddings``, ``user_embeddings``, the content model's ``item_vectors`` /
``score_new_items`` and the two-tower model's ``embed_items`` / ``score_new_items`` took
no ``*positional`` / ``**unexpected``, so ``save(path, True)``, ``save(path,
overwirte=True)``, ``item_embeddings(5)`` or ``score_new_items(users, rows, 5)`` were
Python's TypeError naming ``Recommender.save`` or the class, not the model nor the keyword
to write. They now refuse such calls as every other model method does (``check_call``), a
``ConfigError`` naming the model, the method and what it takes.
"""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    items = np.arange(12)
    table = pd.DataFrame({"item_id": items, "title": [f"film {i}" for i in items],
                          "genres": [["Drama"] if i % 2 else ["Comedy"] for i in items]})
    return Interactions.from_arrays(np.repeat(np.arange(20), 6), rng.integers(0, 12, 120),
                                    None, np.arange(120), duplicates="last",
                                    item_table=table)


@pytest.fixture(scope="module")
def als(train):
    return create_model("als", factors=4, iterations=2).fit(train)


@pytest.fixture(scope="module")
def content(train):
    return create_model("content").fit(train)


ROWS = pd.DataFrame({"title": ["film 3"], "genres": [["Drama"]]})


def test_save_names_the_keyword(als, tmp_path):
    with pytest.raises(ConfigError, match=r"^als: save\(\): got 1 value\(s\) by position "
                                          r"\(True\) where only keywords are taken; .*"
                                          r"e\.g\. save\(path, overwrite=True\)$"):
        als.save(tmp_path / "m", True)
    with pytest.raises(ConfigError, match=r"^als: save\(\) got an unexpected argument "
                                          r"'overwirte' \(did you mean 'overwrite'\?\)"):
        als.save(tmp_path / "m", overwirte=True)
    assert not (tmp_path / "m").exists()  # nothing written
    als.save(tmp_path / "m")
    als.save(tmp_path / "m", overwrite=True)


@pytest.mark.parametrize("method", ["item_embeddings", "user_embeddings"])
def test_embeddings_take_no_arguments(als, method):
    with pytest.raises(ConfigError, match=rf"^als: {method}\(\): got 1 value\(s\) by "
                                          rf"position \(5\) where it takes no arguments; "
                                          rf"call it as {method}\(\)$"):
        getattr(als, method)(5)
    with pytest.raises(ConfigError, match=rf"^als: {method}\(\) got an unexpected argument "
                                          r"'normalize'; it takes no arguments$"):
        getattr(als, method)(normalize=True)
    assert getattr(als, method)().shape[1] == 4


def test_content_new_items(content):
    with pytest.raises(ConfigError, match=r"^content: score_new_items\(\): got 1 value\(s\) "
                                          r"by position \(5\) where it takes only users and "
                                          r"item_table"):
        content.score_new_items([1], ROWS, 5)
    with pytest.raises(ConfigError, match=r"^content: item_vectors\(\) got an unexpected "
                                          r"argument 'item_tabel' \(did you mean "
                                          r"'item_table'\?\)"):
        content.item_vectors(ROWS, item_tabel=ROWS)
    assert content.score_new_items([1], ROWS).shape == (1, 1)
    assert content.item_vectors(item_table=ROWS).shape[0] == 1


def test_two_tower_new_items(train):
    pytest.importorskip("torch")
    model = create_model("two_tower", dim=4, hidden=8, epochs=3, batch_size=32,
                         learning_rate=0.05, device="cpu").fit(train)
    with pytest.raises(ConfigError, match=r"^two_tower: embed_items\(\): got 1 value\(s\) "
                                          r"by position \(True\) where it takes only "
                                          r"item_rows"):
        model.embed_items(ROWS, True)
    with pytest.raises(ConfigError, match=r"^two_tower: score_new_items\(\) got an "
                                          r"unexpected argument 'item_row' \(did you mean "
                                          r"'item_rows'\?\)"):
        model.score_new_items([1], ROWS, item_row=ROWS)
    assert model.score_new_items([1], ROWS).shape == (1, 1)


@pytest.mark.parametrize("value", [1, "yes", None, 0.0])
def test_save_overwrite_must_be_a_flag(als, tmp_path, value):
    with pytest.raises(ConfigError, match=r"^als: save: overwrite must be True or False, "
                                          r"got "):
        als.save(tmp_path / "m", overwrite=value)
    assert not (tmp_path / "m").exists()


def test_save_overwrite_may_be_a_numpy_flag(als, tmp_path):
    # np.True_ (a flag read from an array or a config) was refused by the folder writer,
    # where exclude_seen=np.True_ is taken; the guard over a foreign folder still holds
    als.save(tmp_path / "m")
    assert als.save(tmp_path / "m", overwrite=np.True_) == tmp_path / "m"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    with pytest.raises(RecstackError, match=r"holds 'keep\.txt', so it is not a saved model"):
        als.save(tmp_path / "other", overwrite=np.True_)
    assert (tmp_path / "other" / "keep.txt").exists()
