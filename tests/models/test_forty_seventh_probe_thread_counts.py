"""Forty-seventh bad-input probe, thread counts: ``num_threads`` above the cores the
process may use (say 4096 on a laptop) was taken without a word, and the threads took
turns: a BPR fit ran 400 times slower than with the cores' number of threads."""

from __future__ import annotations

import importlib.util
import os
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)


MODELS = [pytest.param("als", {"factors": 4, "iterations": 1}, marks=pytest.mark.skipif(
              importlib.util.find_spec("implicit") is None, reason="needs implicit")),
          ("bpr", {"factors": 4, "epochs": 1})]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(20), 5)
    items = np.concatenate([rng.choice(15, 5, replace=False) for _ in range(20)])
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize(("name", "params"), MODELS)
def test_more_threads_than_cores_warns_and_still_fits(data, name, params):
    threads = cores() + 1
    with pytest.warns(RuntimeWarning, match=rf"^{name}: num_threads={threads} is more "
                                            rf"threads than the {cores()} core\(s\) .*use "
                                            rf"num_threads=0 \(every core\) or at most "
                                            rf"{cores()}$"):
        model = create_model(name, num_threads=threads, **params).fit(data)
    assert model.is_fitted


@pytest.mark.parametrize(("name", "params"), MODELS)
@pytest.mark.parametrize("threads", [0, 1, "cores"])
def test_up_to_the_cores_no_warning(data, name, params, threads):
    threads = cores() if threads == "cores" else threads
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        create_model(name, num_threads=threads, **params).fit(data)
