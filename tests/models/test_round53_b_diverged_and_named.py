"""Round 53 (B): a finite but diverged training is refused, two-tower names the catalog
items its item table has no row for, and SASRec names the position of a NaN.

LightGCN, LightGCN++ and Mult-DAE at ``learning_rate=100`` finished with scores of 1e4 to
1e6 and no word: every loss stayed finite and below the likelihood bound, while it grew
from 0.69 to about 1,000 (8.3 to 30,000 for Mult-DAE)."""

import warnings

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402
from recstack.models.torch_training import MAX_LOSS_GROWTH, TorchTrainer  # noqa: E402

from .quick_params import quick_params  # noqa: E402

TORCH_MODELS = ["lightgcn", "lightgcn_pp", "mult_dae", "mult_vae", "neumf", "sasrec",
                "two_tower"]


def _data(item_table=None):
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 5)
    items = (users % 10 + rng.integers(0, 5, len(users))) % 15
    return Interactions.from_arrays(users, items, None, np.arange(len(users)),
                                    duplicates="first", item_table=item_table)


def _quadratic_run(start, learning_rate, growth):
    """One parameter w, loss w**2, one minibatch, one plain SGD step: w becomes
    start - 2 * learning_rate * start. Returns the trained w."""
    weight = torch.nn.Parameter(torch.tensor(float(start)))
    module = torch.nn.Module()
    module.weight = weight
    optimizer = torch.optim.SGD([weight], lr=learning_rate)
    TorchTrainer(epochs=1, model="toy", max_loss=1e4, max_loss_growth=growth).fit(
        module, optimizer, lambda epoch, generator: [epoch], lambda m, batch: m.weight ** 2)
    return float(weight.detach())


def test_a_loss_grown_tenfold_past_its_start_is_refused():
    # w: 1 -> 1 - 2 * 2.5 = -4, loss 1 -> 16: finite and below max_loss, but 16 times
    # the first epoch's loss of 1
    with pytest.raises(RecstackError, match=r"toy: training diverged in 1 epoch\(s\): the loss "
                                            r"of the trained parameters .* is 16, 16 times "
                                            r"the first epoch's mean loss of 1 .*lower the "
                                            r"learning rate"):
        _quadratic_run(1.0, 2.5, MAX_LOSS_GROWTH)


def test_without_a_growth_bound_the_same_run_is_kept():
    assert _quadratic_run(1.0, 2.5, None) == pytest.approx(-4.0)


def test_a_loss_grown_less_than_tenfold_is_kept():
    # w: 1 -> 1 - 2 * 1.6 = -2.2, loss 4.84: below 10 times 1
    assert _quadratic_run(1.0, 1.6, MAX_LOSS_GROWTH) == pytest.approx(-2.2)


def test_a_start_below_one_counts_as_one():
    # w: 0.5 -> 0.5 - 2 * 2.5 * 0.5 = -2, loss 0.25 -> 4: 16 times the start, but below
    # 10 times 1 (a small start, a warm start's, may wander without having diverged)
    assert _quadratic_run(0.5, 2.5, MAX_LOSS_GROWTH) == pytest.approx(-2.0)


@pytest.mark.parametrize("name", ["lightgcn", "lightgcn_pp", "mult_dae"])
def test_a_learning_rate_of_100_is_refused_naming_it(name):
    params = quick_params(name) | {"learning_rate": 100.0, "epochs": 3, "device": "cpu",
                                   "num_threads": 1}
    with pytest.raises(RecstackError, match=rf"{name}: training diverged in 3 epoch\(s\): "
                                            r".* times the first epoch's mean loss .*"
                                            r"learning_rate=100\.0"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            create_model(name, **params).fit(_data())


@pytest.mark.parametrize("name", TORCH_MODELS)
def test_usual_settings_still_train(name):
    params = quick_params(name) | {"device": "cpu", "num_threads": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model(name, **params).fit(_data())
    scores = model.score_users(np.arange(30))
    assert np.isfinite(scores).all() and np.abs(scores).max() < 1e3


def _two_tower(data):
    return create_model("two_tower", **quick_params("two_tower") | {"epochs": 2,
                                                                     "num_threads": 1})


def test_two_tower_names_catalog_items_without_an_item_table_row():
    data = _data(pd.DataFrame({"item_id": np.arange(10),
                               "genres": ["Comedy", "Action|Drama"] * 5}))
    # the items the interactions hold that the table (ids 0 to 9) lacks
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 5)
    held = np.unique((users % 10 + rng.integers(0, 5, len(users))) % 15)
    lacking = held[held >= 10]
    listed = ", ".join(map(str, lacking))
    with pytest.warns(UserWarning, match=rf"two_tower: {len(lacking)} of the {len(held)} "
                                         r"catalog items have no row in the item table.*"
                                         rf"\(item ids {listed}\).*by their id alone"):
        _two_tower(data).fit(data)


def test_two_tower_with_a_row_for_every_item_says_nothing_of_rows():
    data = _data(pd.DataFrame({"item_id": np.arange(15),
                               "genres": ["Comedy", "Action|Drama", "War"] * 5}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _two_tower(data).fit(data)
    assert not [w for w in caught if "no row in the item table" in str(w.message)]


@pytest.fixture(scope="module")
def sasrec():
    params = quick_params("sasrec") | {"epochs": 1, "num_threads": 1}
    return create_model("sasrec", **params).fit(_data())


@pytest.mark.parametrize(("sequences", "row", "position", "shown"), [
    ([[1, 2, 3], [4, float("nan"), 5]], 1, 1, "nan"),
    ([[1, 2, float("nan")]], 0, 2, "nan"),
    (np.array([[1.0, 2.0, np.nan]]), 0, 2, "nan"),
    ([[1, 2.5]], 0, 1, "2.5"),
])
def test_sasrec_names_the_position_of_a_value_that_is_no_index(sasrec, sequences, row,
                                                              position, shown):
    with pytest.raises(RecstackError, match=rf"sasrec: sequence {row} .* its position "
                                            rf"{position} holds {shown}, "):
        sasrec.score_sequences(sequences)


def test_sasrec_still_names_the_first_of_whole_floats(sasrec):
    with pytest.raises(RecstackError, match=r"sequence 0 .* position 0 holds 1\.0, a float"):
        sasrec.score_sequences(np.array([[1.0, 2.0]]))


def test_a_checkpoint_tensor_of_another_shape_is_named_with_both_shapes(tmp_path):
    from safetensors.torch import load_file, save_file

    folder = tmp_path / "checkpoint"
    params = quick_params("lightgcn") | {"epochs": 1, "num_threads": 1,
                                         "checkpoint_dir": str(folder)}
    create_model("lightgcn", **params).fit(_data())
    tensors = load_file(folder / "module.safetensors")
    # the data hold 13 distinct items and dim is 16: 13 * 16 + 1 = 209 values
    tensors["items.weight"] = torch.zeros(209)
    save_file(tensors, folder / "module.safetensors")
    with pytest.raises(RecstackError, match=r"lightgcn: .*module\.safetensors: the checkpoint's "
                                            r"weights do not fit this model \(tensor "
                                            r"'items\.weight' has shape \(209,\), this model's "
                                            r"\(13, 16\)\).*remove the folder"):
        create_model("lightgcn", **params | {"epochs": 2}).fit(_data())
