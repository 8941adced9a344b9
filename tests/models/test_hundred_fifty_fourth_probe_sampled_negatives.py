"""Hundred-fifty-fourth bad-input probe: SASRec's sampled negatives (``loss="bce"``). Kang &
McAuley (2018) draw, for each position, negatives among the items the user has *not*
interacted with. ``negatives=1000`` on a 20-item catalog was taken: drawn with replacement,
each of the at most 19 other items came back about 50 times; ``negatives`` with
``loss="softmax"`` was ignored without a word; and a user who has every item got their own
items, the positive among them, trained as negatives."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch",
                            reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from recstack.models.sasrec import (  # noqa: E402
    PADDING,
    _network_class,
    _sample_negatives,
    next_item_loss,
)

TINY = {"max_length": 8, "hidden": 8, "blocks": 1, "epochs": 1, "batch_size": 16,
        "validation": False, "device": "cpu"}


def _catalog_of(n_items: int) -> Interactions:
    # 20 users, 4 items each, over every item of a catalog of n_items (<= 23)
    users = np.repeat(np.arange(20), 4)
    items = (users + np.tile(np.arange(4), 20)) % n_items
    return Interactions.from_arrays(users, items, timestamps=np.arange(len(users)))


def test_more_negatives_than_the_catalog_allows_is_refused():
    with pytest.raises(ConfigError, match=r"^sasrec: negatives=1000 is more than the training "
                                          r"data allow: .*at most 19 of the 20 item\(s\).*"
                                          r"use negatives <= 19, or loss='softmax'"):
        create_model("sasrec", loss="bce", negatives=1000, **TINY).fit(_catalog_of(20))


def test_negatives_equal_to_the_catalog_is_refused_and_one_less_fits():
    with pytest.raises(ConfigError, match="use negatives <= 19"):
        create_model("sasrec", loss="bce", negatives=20, **TINY).fit(_catalog_of(20))
    model = create_model("sasrec", loss="bce", negatives=19, **TINY).fit(_catalog_of(20))
    assert model.is_fitted


def test_negatives_with_the_softmax_loss_is_refused_as_unread():
    with pytest.raises(ConfigError, match=r"^sasrec: negatives = 5 is read only with loss = "
                                          r"'bce', and loss is 'softmax', so it would be "
                                          r"ignored"):
        create_model("sasrec", negatives=5, **TINY).fit(_catalog_of(20))
    assert create_model("sasrec", **TINY).fit(_catalog_of(20)).is_fitted


def test_bce_where_every_user_has_every_item_is_refused():
    users = np.repeat(np.arange(6), 3)
    items = np.tile(np.arange(3), 6)
    train = Interactions.from_arrays(users, items, timestamps=np.arange(len(users)))
    with pytest.raises(RecstackError, match="no negative item to sample"):
        create_model("sasrec", loss="bce", **TINY).fit(train)


def test_a_sampled_negative_is_never_one_of_the_users_own_items():
    n_items = 5
    # network indices are items + 1; user 0 has every item, user 1 all but item 3 (index 4)
    history = sorted([0 * (n_items + 1) + i for i in range(1, 6)]
                     + [1 * (n_items + 1) + i for i in (1, 2, 3, 5)])
    keys = torch.as_tensor(history)
    generator = torch.Generator().manual_seed(0)
    drawn = _sample_negatives(torch, torch.as_tensor([0, 1]), (2, 3, 50), n_items, keys,
                              generator)
    assert set(drawn[0].unique().tolist()) == {PADDING}
    assert set(drawn[1].unique().tolist()) <= {4, PADDING}
    assert (drawn[1] == 4).any()


def test_padded_negatives_are_left_out_of_the_loss():
    torch.manual_seed(0)
    net = _network_class(torch)(5, max_length=3, hidden=8, blocks=1, heads=1, dropout=0.0)
    net.eval()
    inputs = torch.as_tensor([[1, 2, 3]])
    targets = torch.as_tensor([[2, 3, 4]])
    none = torch.full((1, 3, 4), PADDING)
    with torch.no_grad():
        states = net(inputs)[0]
        positive = (states * net.item_embeddings(targets[0])).sum(-1)
        # the definition with no negatives: -log sigmoid(r_t,o_t), averaged over positions
        expected = float(np.mean([-math.log(1 / (1 + math.exp(-float(p)))) for p in positive]))
        got = float(next_item_loss(torch, net, inputs, targets, none))
    assert got == pytest.approx(expected, rel=1e-5)
