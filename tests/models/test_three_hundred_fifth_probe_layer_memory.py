"""Three hundred fifth bad-input probe, memory of the neural models' layers: NeuMF had no
memory estimate at all, and neural_mf's counted its embeddings but not its hidden layers,
so ``layers=[65536, 65536]`` on 40 users (or NeuMF's ``factors=65536`` or
``negatives=1000`` on a million rows) spent minutes filling memory and failed with torch's
allocator message, or was killed, without the bytes needed. The byte counts below are
worked by hand from the layer widths."""

from __future__ import annotations

import numpy as np
import pytest

import recstack.models.memory as memory
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

pytest.importorskip("torch")

# 3 users, 4 items, 5 (user, item) pairs
USERS = np.array([0, 0, 1, 1, 2])
ITEMS = np.array([0, 1, 1, 2, 3])

# NeuMF, factors=2, layers=[4, 2], negatives=1 on that data:
#   embeddings (3 + 4) x (2 GMF + 4 / 2 MLP) = 28, hidden 4 x 2 + 2 = 10,
#   output (2 + 2) + 1 = 5: 43 weights, 16 bytes each (weight, gradient, Adam's two
#   moments) = 688; an epoch's 5 x (1 + 1) = 10 instances, 20 bytes each, twice = 400
NEUMF_BYTES = 688 + 400
# with pretrain the GMF and MLP towers train beside it: 32 bytes a weight
NEUMF_PRETRAIN_BYTES = 32 * 43 + 400


def neumf(**params):
    return create_model("neumf", factors=2, layers=(4, 2), reg_layers=(0.0, 0.0),
                        negatives=1, epochs=1, device="cpu", **params)


def offer(monkeypatch, available):
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (available, "available (test)"))


@pytest.fixture(scope="module")
def implicit():
    return Interactions.from_arrays(USERS, ITEMS)


@pytest.fixture(scope="module")
def ratings():
    return Interactions.from_arrays(USERS, ITEMS, np.array([1.0, 5.0, 3.0, 4.0, 2.0]),
                                    rating_range=(1, 5))


@pytest.mark.parametrize(("params", "needed"), [({}, NEUMF_BYTES),
                                                 ({"pretrain": True}, NEUMF_PRETRAIN_BYTES)])
def test_neumf_refuses_what_the_memory_cannot_hold_with_the_bytes(implicit, monkeypatch,
                                                                  params, needed):
    offer(monkeypatch, needed - 1)
    with pytest.raises(RecstackError, match=(
            rf"^neumf: not enough memory to fit 3 users x 4 items with factors=2, "
            rf"layers=\[4, 2\] and negatives=1: its 43 weights.*, and an epoch's 10 "
            rf"training instances, needs about 0\.00 GiB \({needed:,} bytes\) but only "
            rf"0\.00 GiB \({needed - 1:,} bytes\) is available \(test\); lower factors or "
            r"layers .*, or negatives$")):
        neumf(**params).fit(implicit)


def test_neumf_fits_when_the_memory_holds_exactly_what_it_counts(implicit, monkeypatch):
    offer(monkeypatch, NEUMF_BYTES)
    model = neumf().fit(implicit)
    assert model.is_fitted


def test_neural_mf_counts_its_hidden_layers_and_names_them(ratings, monkeypatch):
    # factors=2, layers=[3]: embeddings (3 + 4) x 2 x 16 = 224; hidden 4 x 3 + 3 = 15 and
    # output 3 + 1 = 4 weights, x 16 = 304; the first layer's per-user and per-item halves
    # kept for scoring, (3 + 4) x 3 x 4 = 84: 612 bytes (the embeddings alone were 224)
    offer(monkeypatch, 611)
    with pytest.raises(RecstackError, match=(
            r"^neural_mf: not enough memory to fit 3 users x 4 items with factors=2 and "
            r"layers=\[3\]: the fit needs about 0\.00 GiB \(612 bytes\) but only 0\.00 GiB "
            r"\(611 bytes\) is available \(test\); lower layers or factors ")):
        create_model("neural_mf", factors=2, layers=(3,), epochs=1, device="cpu"
                     ).fit(ratings)


def test_mf_still_counts_its_embeddings_alone(ratings, monkeypatch):
    # mf has no hidden layers: (3 + 4) x 2 x 16 = 224 bytes, and no word of layers
    offer(monkeypatch, 223)
    with pytest.raises(RecstackError, match=(
            r"^mf: not enough memory to fit 3 users x 4 items with factors=2: the fit needs "
            r"about 0\.00 GiB \(224 bytes\) .*; lower factors \(the factor vectors")):
        create_model("mf", factors=2, epochs=1, device="cpu").fit(ratings)


def test_neural_mf_without_hidden_layers_names_factors_alone(ratings, monkeypatch):
    # layers=[]: embeddings (3 + 4) x 2 x 16 = 224; the output layer over the 4
    # concatenated values, 4 + 1 = 5 weights x 16 = 80: 304 bytes
    offer(monkeypatch, 303)
    with pytest.raises(RecstackError, match=(
            r"^neural_mf: not enough memory to fit 3 users x 4 items with factors=2: the fit "
            r"needs about 0\.00 GiB \(304 bytes\) .*; lower factors \(the factor vectors")):
        create_model("neural_mf", factors=2, layers=(), epochs=1, device="cpu").fit(ratings)
