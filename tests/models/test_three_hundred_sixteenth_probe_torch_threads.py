"""Three-hundred-sixteenth probe, torch's threads: none of the PyTorch models had a thread
setting, so a fit ran on torch's own choice, every core, and on a busy 2-core machine one
NeuMF epoch took 238 to 335 s on 2 threads and 7.6 s on 1. ``num_threads`` (named as
ALS's and BPR's) now sets torch's intra-op threads for the fit (and SASRec's scoring of
new sequences) and restores the caller's count afterwards, also when the fit fails:
torch's count is process-wide."""

from __future__ import annotations

import importlib
import importlib.util
import warnings

import numpy as np
import pytest

from recstack.data._fast_csv import default_threads
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.models.quick_params import quick_params

torch = pytest.importorskip("torch") if importlib.util.find_spec("torch") else None
pytestmark = pytest.mark.skipif(torch is None, reason="needs PyTorch")

#: model name -> the module whose float32_copy reads the learned weights inside the fit
TORCH_MODELS = {"neumf": "neumf", "mf": "mf", "neural_mf": "mf", "lightgcn": "lightgcn",
                "lightgcn_pp": "lightgcn", "two_tower": "two_tower", "sasrec": "sasrec",
                "mult_vae": "vae", "mult_dae": "vae"}
#: a caller's thread count no model would choose: what must be there again after fit
CALLERS = 3


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(24), 6)
    items = np.concatenate([rng.choice(18, 6, replace=False) for _ in range(24)])
    # 1-5 stars: mf and neural_mf fit explicit ratings, the others every pair as a positive
    stars = rng.integers(1, 6, len(users)).astype(float)
    return Interactions.from_arrays(users, items, stars, timestamps=np.arange(len(users)),
                                    rating_range=(1.0, 5.0))


@pytest.fixture
def callers_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(CALLERS)
    yield CALLERS
    torch.set_num_threads(before)


def quick(name, **more):
    return create_model(name, **(quick_params(name) | {"epochs": 2} | more))


def spy_threads(monkeypatch, name, fail=False):
    """The thread counts torch had each time the fit read its learned weights."""
    seen: list[int] = []
    module = importlib.import_module(f"recstack.models.{TORCH_MODELS[name]}")
    real = module.float32_copy

    def spy(tensor):
        seen.append(torch.get_num_threads())
        if fail:
            raise RuntimeError("stopped inside the fit")
        return real(tensor)

    monkeypatch.setattr(module, "float32_copy", spy)
    return seen


@pytest.mark.parametrize("name", TORCH_MODELS)
def test_the_fit_runs_on_num_threads_and_restores_the_callers(train, callers_threads,
                                                              monkeypatch, name):
    assert quick(name).num_threads is None
    seen = spy_threads(monkeypatch, name)
    quick(name, num_threads=1).fit(train)
    assert seen and set(seen) == {1}
    assert torch.get_num_threads() == callers_threads


@pytest.mark.parametrize("name", TORCH_MODELS)
def test_a_fit_that_raises_restores_the_callers_threads(train, callers_threads, monkeypatch,
                                                        name):
    spy_threads(monkeypatch, name, fail=True)
    model = quick(name, num_threads=1)
    with pytest.raises(RuntimeError, match="stopped inside the fit"):
        model.fit(train)
    assert torch.get_num_threads() == callers_threads


@pytest.mark.parametrize("name", ["neumf", "sasrec"])
def test_none_leaves_torchs_own_choice(train, callers_threads, monkeypatch, name):
    seen = spy_threads(monkeypatch, name)
    quick(name).fit(train)
    assert seen and set(seen) == {callers_threads}
    assert torch.get_num_threads() == callers_threads


def test_zero_is_every_core(train, callers_threads, monkeypatch):
    seen = spy_threads(monkeypatch, "neumf")
    quick("neumf", num_threads=0).fit(train)
    assert seen and set(seen) == {default_threads()}
    assert torch.get_num_threads() == callers_threads


@pytest.mark.parametrize("name", ["neumf", "mf", "neural_mf", "lightgcn"])
def test_the_same_seed_gives_the_same_scores_on_1_and_2_threads(train, name):
    one = quick(name, num_threads=1, seed=7).fit(train)
    two = quick(name, num_threads=2, seed=7).fit(train)
    users = train.users.external_ids[:6].tolist()
    np.testing.assert_array_equal(one.score_users(users), two.score_users(users))


def test_more_threads_than_cores_warns_naming_the_setting(train, callers_threads):
    threads = default_threads() + 1
    with pytest.warns(RuntimeWarning, match=rf"^neumf: num_threads={threads} is more threads "
                                            rf"than the {default_threads()} core\(s\)"):
        quick("neumf", num_threads=threads).fit(train)
    assert torch.get_num_threads() == callers_threads


@pytest.mark.parametrize(("value", "message"), [
    (-1, r"num_threads must be >= 0"), (5000, r"num_threads must be <= 4096"),
    ("2", r"num_threads must be int"), (2.0, r"num_threads must be int"),
    (True, r"num_threads must be int")])
@pytest.mark.parametrize("name", ["neumf", "sasrec", "mf"])
def test_wrong_thread_counts_are_refused_naming_the_setting(train, name, value, message):
    with pytest.raises(ConfigError, match=rf"^{name}: {message}"):
        quick(name, num_threads=value).fit(train)


def test_a_numpy_integer_is_a_thread_count(train, callers_threads, monkeypatch):
    seen = spy_threads(monkeypatch, "neumf")
    quick("neumf", num_threads=np.int64(1)).fit(train)
    assert set(seen) == {1}


def test_sasrec_scores_new_sequences_on_num_threads_set_after_fit(train, callers_threads,
                                                                  monkeypatch):
    model = quick("sasrec").fit(train)
    model.num_threads = 1  # where it runs, not what it learned: may change after fit
    seen = spy_threads(monkeypatch, "sasrec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.score_sequences([train.items.external_ids[:3].tolist()])
    assert seen == [1]
    assert torch.get_num_threads() == callers_threads


@pytest.mark.parametrize("name", ["lightgcn", "sasrec", "two_tower"])
def test_a_checkpoint_resumes_on_another_thread_count(train, tmp_path, name):
    folder = tmp_path / "checkpoints"
    first = quick(name, num_threads=1, checkpoint_dir=str(folder)).fit(train)
    again = quick(name, num_threads=2, checkpoint_dir=str(folder), epochs=3).fit(train)
    assert len(again.history_.epochs) == 3 and len(first.history_.epochs) == 2
