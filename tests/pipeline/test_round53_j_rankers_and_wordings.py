"""The torch rankers train under the trainer's divergence check (a final loss far above the
first epoch's is refused), and a block list's warning leaves out a zero count ("7 blocked
item id(s) and 0 user id(s)" named a kind of id nobody gave)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import torch_training
from recstack.pipeline.rerank import BlockList, UnknownIdsWarning
from tests.pipeline.test_rankers import labels_for, make, synthetic_frame


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2", "multitask"])
def test_every_torch_ranker_trains_under_the_loss_growth_bound(name, monkeypatch):
    pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
    made = []

    class Recording(torch_training.TorchTrainer):
        def __init__(self, *args, **options) -> None:
            super().__init__(*args, **options)
            made.append(self)

    monkeypatch.setattr("recstack.pipeline.rankers.neural.TorchTrainer", Recording)
    frame, labels, _ = synthetic_frame(n_groups=4)
    make(name, epochs=1).fit(frame, labels_for(name, labels))
    # ten times the first epoch's loss, the bound every torch model of recstack uses
    assert [trainer.max_loss_growth for trainer in made] == [10.0]


def test_a_loss_grown_past_the_bound_stops_a_ranker_as_diverged(monkeypatch):
    pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
    original = torch_training.TorchTrainer._grown_beyond_start

    def seen_as_grown(self, value, first_loss):
        # the trained parameters' loss reported as 11 times the first epoch's (at least 1)
        return original(self, 11.0 * max(first_loss, 1.0), first_loss)

    monkeypatch.setattr(torch_training.TorchTrainer, "_grown_beyond_start", seen_as_grown)
    frame, labels, _ = synthetic_frame(n_groups=4)
    with pytest.raises(RecstackError, match=r"wide_deep: .*diverged.*times the first epoch's "
                                        r"mean loss.*learning_rate"):
        make("wide_deep", epochs=1).fit(frame, labels)


@pytest.fixture(scope="module")
def train() -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12]})
    return Interactions.from_arrays(["a", "a", "b"], [10, 11, 12], item_table=table)


@pytest.mark.parametrize(("options", "said"), [
    ({"items": [10, 998, 999]}, "2 blocked item id(s) are not in the training data "
                                "(items: 998, 999)"),
    ({"per_user": [{"user": "zz", "items": [11]}]},
     "1 user id(s) are not in the training data (users: 'zz')"),
    ({"items": [998], "per_user": [{"user": "zz", "items": [11]}]},
     "1 blocked item id(s) and 1 user id(s) are not in the training data "
     "(items: 998; users: 'zz')"),
])
def test_a_block_list_names_only_the_kinds_of_unknown_id_it_was_given(train, options, said):
    with pytest.warns(UnknownIdsWarning) as caught:
        BlockList(**options).fit(train)
    assert [str(w.message) for w in caught] == [f"block_list: {said}; they are ignored"]
    assert "0 " not in str(caught[0].message)
