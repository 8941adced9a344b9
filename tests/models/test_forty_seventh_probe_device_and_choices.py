"""Forty-seventh bad-input probe, device and other text-valued hyperparameters given as
objects: ``device=torch.device("cpu")`` or ``device=None`` said only "device must be str",
and ``ease(dtype=np.float32)`` only "dtype must be str", not which texts are taken. Device
names that do not exist here are refused naming what to use."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.models.registry import available_models, model_class

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="needs PyTorch")
TORCH_MODELS = ["mf", "neural_mf", "sasrec", "lightgcn", "lightgcn_pp", "two_tower"]
DEVICES = r"'auto', 'cpu', 'cuda' or 'cuda:<n>'"


def text_params():
    """(model, parameter) for every hyperparameter of a closed set of texts or a pattern."""
    for name in available_models():
        for param_name, param in model_class(name).params.items():
            if param.kind is str and (param.choices or param.pattern):
                yield name, param_name


@needs_torch
@pytest.mark.parametrize("name", TORCH_MODELS)
@pytest.mark.parametrize("device", ["torch", None, 0])
def test_a_device_that_is_no_text_says_which_texts(name, device):
    if device == "torch":
        import torch
        device = torch.device("cpu")
    with pytest.raises(ConfigError, match=rf"^{name}: device must be str \({DEVICES}\), "
                                          rf"got {re.escape(repr(device))}$"):
        create_model(name, device=device).validate_params()


@needs_torch
@pytest.mark.parametrize("device", ["mps", "gpu", "CUDA", "cpu:0", " cpu", "meta"])
def test_a_device_name_torch_has_but_recstack_does_not_take_is_refused(device):
    with pytest.raises(ConfigError, match=rf"^lightgcn: device must be {DEVICES}, "
                                          rf"got '{device}'$"):
        create_model("lightgcn", device=device).validate_params()


@needs_torch
@pytest.mark.parametrize("device", ["cuda", "cuda:7"])
def test_a_cuda_device_that_is_missing_is_refused_at_fit(device):
    import torch
    if torch.cuda.is_available() and torch.cuda.device_count() > 7:
        pytest.skip("this machine has the device")
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(10), 3),
                                    rng.integers(0, 6, 30))
    with pytest.raises(RecstackError, match=rf"^lightgcn: device='{device}', but "):
        create_model("lightgcn", device=device, epochs=1).fit(data)


@pytest.mark.parametrize(("name", "param_name"), list(text_params()))
def test_every_text_choice_given_as_an_object_names_the_texts(name, param_name):
    param = model_class(name).params[param_name]
    allowed = (", ".join(repr(choice) for choice in param.choices) if param.choices
               else param.pattern_doc)
    with pytest.raises(ConfigError) as caught:
        create_model(name, **{param_name: object()}).validate_params()
    assert str(caught.value).startswith(f"{name}: {param_name} must be str (")
    assert allowed in str(caught.value)


def test_ease_dtype_as_a_numpy_type():
    with pytest.raises(ConfigError, match=r"^ease: dtype must be str \(one of 'float32', "
                                          r"'float64'\), got <class 'numpy.float32'>$"):
        create_model("ease", dtype=np.float32).validate_params()
