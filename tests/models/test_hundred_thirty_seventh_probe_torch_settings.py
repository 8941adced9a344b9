"""Settings of the PyTorch models that a user could plausibly get wrong:

* a CUDA device beyond those present was refused with "only 1 CUDA device(s) exist",
  leaving the user to work out the names that do (now: ``cuda:0``, or the range);
* a seed (or another bounded integer) beyond 64 bits was told "at most
  9223372036854775807", where the most it may be is its declared bound (a seed at most
  4294967295): the declared bound is said too;
* tied timestamps: a user's rows with the same timestamp are read in row order, the last
  the latest, by SASRec and by two-tower's recent-items window alike (documented).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model

torch = pytest.importorskip("torch") if importlib.util.find_spec("torch") else None
pytestmark = pytest.mark.skipif(torch is None, reason="needs PyTorch")


@pytest.fixture
def one_gpu(monkeypatch):
    """A machine with one CUDA device, as torch reports it."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(12), 5)
    items = np.concatenate([rng.choice(10, 5, replace=False) for _ in range(12)])
    return Interactions.from_arrays(users, items, timestamps=np.arange(len(users)))


@pytest.mark.parametrize("name", ["lightgcn", "sasrec", "two_tower"])
def test_a_missing_cuda_device_names_the_ones_there_are(one_gpu, train, name):
    params = {"device": "cuda:3", "epochs": 1}
    with pytest.raises(RecstackError, match=rf"^{name}: device='cuda:3', but only 1 CUDA "
                                            r"device\(s\) exist \(cuda:0\); use one of them, "
                                            r"'cuda' \(the first\), 'cpu' or 'auto'"):
        create_model(name, **params).fit(train)


def test_several_cuda_devices_are_named_as_a_range(monkeypatch):
    from recstack.models.torch_training import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    with pytest.raises(RecstackError, match=r"only 4 CUDA device\(s\) exist \(cuda:0 to "
                                            r"cuda:3\)"):
        resolve_device("cuda:4", "sasrec")


@pytest.mark.parametrize("name", ["sasrec", "lightgcn", "two_tower", "neural_mf"])
@pytest.mark.parametrize("seed", [2**70, -(2**70)])
def test_a_seed_beyond_64_bits_says_what_a_seed_may_be(name, seed):
    # the seed's own bound first, the long integer by its digit count (one message: "must
    # fit in a 64-bit integer" was said before the bound a seed has)
    bound = r"<= 4294967295, got a 22-digit" if seed > 0 else r">= 0, got a negative 22-digit"
    with pytest.raises(ConfigError, match=rf"^{name}: seed must be {bound} integer; a seed is "
                                          r"a whole number in \[0, 4294967295\]"):
        create_model(name, seed=seed).validate_params()


def test_a_bounded_integer_beyond_64_bits_says_its_bound():
    with pytest.raises(ConfigError, match=r"^sasrec: epochs must be <= 10000, got a "
                                          r"22-digit integer$"):
        create_model("sasrec", epochs=2**70).validate_params()


def _tied_rows():
    # user "a": items x, y, z at one timestamp, then w later; the rows in the order given
    return pd.DataFrame({"user": ["a", "a", "a", "a", "b", "b"],
                         "item": ["x", "y", "z", "w", "x", "y"],
                         "timestamp": [5, 5, 5, 9, 1, 2]})


def test_two_tower_recent_items_read_tied_rows_in_row_order():
    from recstack.models.two_tower import recent_item_window

    frame = _tied_rows()
    rows = Interactions.from_frame(frame, user_col="user", item_col="item",
                                   timestamp_col="timestamp")
    window = recent_item_window(rows, 3)
    user = int(rows.users.to_index(["a"])[0])
    ids = rows.items.external_ids
    # the 3 latest of a: y, z (the later of the tied rows in row order), then w
    assert [ids[i] for i in window[user]] == ["y", "z", "w"]
    # the same rows given in another order: the tied ones are read in that order
    shuffled = frame.iloc[[2, 1, 0, 3, 4, 5]]
    rows = Interactions.from_frame(shuffled, user_col="user", item_col="item",
                                   timestamp_col="timestamp")
    window = recent_item_window(rows, 3)
    ids = rows.items.external_ids
    assert [ids[i] for i in window[int(rows.users.to_index(["a"])[0])]] == ["y", "x", "w"]


def test_two_tower_refuses_dropping_every_id_without_item_content(train):
    """id_dropout=1 places items by content alone: without an item table every item gets
    one vector. The fit trained every epoch, then called it a collapse and sent the user to
    the temperature and the learning rate."""
    with pytest.raises(ConfigError, match=r"^two_tower: id_dropout=1\.0 drops every item id "
                                          r".*no item content .*lower id_dropout below 1"):
        create_model("two_tower", id_dropout=1.0, epochs=1, dim=8, hidden=16).fit(train)


def test_two_tower_with_item_content_may_drop_every_id():
    catalog = pd.DataFrame({"item_id": list("abcdef"),
                            "genres": ["A|B", "A", "B", "C", "C|A", "B|C"]})
    users = np.repeat(np.arange(8), 3)
    rng = np.random.default_rng(1)
    items = np.concatenate([rng.choice(list("abcdef"), 3, replace=False) for _ in range(8)])
    data = Interactions.from_arrays(users, items, item_table=catalog)
    model = create_model("two_tower", id_dropout=1.0, epochs=2, dim=8, hidden=16,
                         batch_size=8, device="cpu").fit(data)
    assert np.isfinite(model.score_users(np.arange(2))).all()
