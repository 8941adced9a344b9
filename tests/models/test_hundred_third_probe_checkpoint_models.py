"""Only SASRec's checkpoints recorded the model that made them: resuming a LightGCN
checkpoint with LightGCN++ (or a two-tower one with LightGCN) listed every differing
setting instead of saying it was another model's checkpoint. Every torch model now records
its name, and a checkpoint written before that (no name in it) is read as before."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402

QUICK = {"dim": 8, "epochs": 2, "batch_size": 16, "learning_rate": 0.01, "device": "cpu"}


def small_data() -> Interactions:
    rng = np.random.default_rng(3)
    return Interactions.from_arrays(rng.integers(0, 12, 150), rng.integers(0, 9, 150),
                                    np.ones(150), rng.integers(0, 10**6, 150))


@pytest.mark.parametrize(("maker", "resumer"), [("lightgcn", "lightgcn_pp"),
                                                 ("lightgcn_pp", "lightgcn")])
def test_another_models_checkpoint_is_refused_naming_both_models(tmp_path, maker, resumer):
    data = small_data()
    folder = tmp_path / "checkpoint"
    create_model(maker, **QUICK, checkpoint_dir=str(folder)).fit(data)
    assert json.loads((folder / "state.json").read_text())["model"] == maker
    with pytest.raises(RecstackError, match=rf"made by the model '{maker}', not "
                                            rf"'{resumer}'"):
        create_model(resumer, **QUICK, checkpoint_dir=str(folder)).fit(data)


def test_the_same_models_checkpoint_still_resumes(tmp_path):
    data = small_data()
    folder = tmp_path / "checkpoint"
    create_model("lightgcn", **(QUICK | {"epochs": 1}), checkpoint_dir=str(folder)).fit(data)
    resumed = create_model("lightgcn", **QUICK, checkpoint_dir=str(folder)).fit(data)
    straight = create_model("lightgcn", **QUICK).fit(data)
    np.testing.assert_array_equal(resumed.user_embeddings(), straight.user_embeddings())


def test_a_checkpoint_without_the_models_name_is_read_as_before(tmp_path):
    # as written before the name was recorded: the configuration check alone applies
    data = small_data()
    folder = tmp_path / "checkpoint"
    create_model("lightgcn", **(QUICK | {"epochs": 1}), checkpoint_dir=str(folder)).fit(data)
    state = json.loads((folder / "state.json").read_text())
    del state["model"]
    (folder / "state.json").write_text(json.dumps(state))
    with pytest.raises(RecstackError, match=r"another model configuration \(differs in: "):
        create_model("lightgcn_pp", **QUICK, checkpoint_dir=str(folder)).fit(data)
    resumed = create_model("lightgcn", **QUICK, checkpoint_dir=str(folder)).fit(data)
    assert len(resumed.history_.epochs) == 2
