"""LightGCN's memory refusal names what to lower.

It always said "lower dim or layers", but a batch's rows (batch_size x dim floats, 17
copies) or the graph and an epoch's triples (per training pair, whatever dim) can be most
of the estimate, and then lowering dim hardly helps: the refusal now names batch_size (and
its value) or the training pairs when they are a large part of it. The bytes are those of
``lightgcn_memory_bytes``'s documented formula.
"""

import numpy as np
import pytest

import recstack.models.lightgcn as lightgcn_module
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture
def data():
    # 20 users x 10 items, each user 5 distinct items: 100 pairs
    users = np.repeat(np.arange(20), 5)
    items = np.array([(u + j * 2) % 10 for u in range(20) for j in range(5)])
    return Interactions.from_arrays(users, items, None, np.arange(100))


@pytest.fixture(autouse=True)
def no_memory(monkeypatch):
    # no torch runtime allowance (so the parts of the formula decide) and no memory left
    monkeypatch.setattr(lightgcn_module, "_TORCH_RUNTIME_BYTES", 0)
    monkeypatch.setattr(lightgcn_module, "available_memory_bytes",
                        lambda: (1, "available (MemAvailable)"))


def refusal(data, **params):
    with pytest.raises(RecstackError) as caught:
        create_model("lightgcn", epochs=1, layers=1, device="cpu", **params).fit(data)
    return str(caught.value)


def test_a_batch_that_is_most_of_it_names_batch_size(data):
    # batch 100 pairs x 64 x 4 x 17 = 435,200 bytes; blocks 30 x 64 x 4 x 14 = 107,520;
    # graph and triples 100 x 128 = 12,800
    message = refusal(data, dim=64, batch_size=4096)
    assert f"needs about 0.00 GiB ({435_200 + 107_520 + 12_800:,} bytes)" in message
    assert "lower batch_size (now 4,096), lower dim or layers, or train on a machine" \
        in message


def test_pairs_that_are_most_of_it_say_to_train_on_fewer(data):
    # dim 1, batch 1: graph and triples 12,800 bytes; blocks 30 x 1 x 4 x 14 = 1,680;
    # batch 68
    message = refusal(data, dim=1, batch_size=1)
    assert f"({12_800 + 1_680 + 68:,} bytes)" in message
    assert "lower dim or layers, train on fewer pairs (e.g. drop rarely seen items), or " \
           "train on a machine with more memory" in message
    assert "batch_size (now" not in message


def test_embeddings_that_are_most_of_it_name_dim_and_layers_only(data):
    # dim 512, batch 1: blocks 30 x 512 x 4 x 14 = 860,160; batch 34,816; pairs 12,800
    message = refusal(data, dim=512, batch_size=1)
    assert f"({860_160 + 34_816 + 12_800:,} bytes)" in message
    assert message.endswith("; lower dim or layers, or train on a machine with more memory")
