"""Forty-ninth bad-input probe, factor counts beyond the data: iALS (and ALS, BPR, MF,
NeuMF, LightGCN) took any number of factors on any data without a word (65,536 factors on
20 items ran for minutes), although the scores have rank at most min(users, items); now a
fit warns once, naming both counts, and still runs (it is valid). And iALS's memory
estimate held a fixed 32 MiB for its batched solves, so tiny data was refused on a machine
with less than that free; it is now sized from the data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import recstack.models.memory as memory
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.models.ials import ials_memory_bytes


@pytest.fixture(scope="module")
def data():
    # 6 users x 5 items
    users = np.repeat(np.arange(6), 3)
    items = np.array([0, 1, 2, 1, 2, 3, 2, 3, 4, 0, 3, 4, 0, 1, 4, 1, 2, 4])
    return Interactions.from_arrays(users, items, values=np.full(18, 4.0),
                                    rating_range=(1.0, 5.0))


MODELS = [
    ("ials", "factors", {"iterations": 1}),
    ("als", "factors", {"iterations": 1, "num_threads": 1}),
    ("bpr", "factors", {"epochs": 1}),
    ("mf", "factors", {"epochs": 1, "device": "cpu"}),
    ("neural_mf", "factors", {"epochs": 1, "layers": (4,), "device": "cpu"}),
    ("lightgcn", "dim", {"epochs": 1, "layers": 1, "device": "cpu"}),
]


def _excess_warnings(caught):
    return [w for w in caught if issubclass(w.category, RuntimeWarning)
            and "more than both" in str(w.message)]


@pytest.mark.parametrize(("name", "param", "params"), MODELS)
def test_more_factors_than_users_and_items_warns_once_and_fits(data, name, param, params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = create_model(name, **{param: 7}, **params).fit(data)
    excess = _excess_warnings(caught)
    assert len(excess) == 1, [str(w.message) for w in caught]
    text = str(excess[0].message)
    assert text.startswith(f"{name}: {param}=7 is more than both the 6 user(s) and the "
                           "5 item(s)")
    assert model.is_fitted


@pytest.mark.parametrize(("name", "param", "params"), MODELS)
def test_factors_within_the_larger_count_do_not_warn(data, name, param, params):
    # 6 factors: more than the 5 items, not more than the 6 users
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model(name, **{param: 6}, **params).fit(data)
    assert not _excess_warnings(caught)


def test_ials_on_tiny_data_fits_in_a_few_mebibytes(data, monkeypatch):
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (4 * 2**20, "available (test)"))
    model = create_model("ials", factors=4, iterations=2).fit(data)
    assert model.is_fitted


def test_ials_estimate_grows_with_the_data_not_from_a_floor():
    # 5 users x 5 items, 4 factors: per row of a solve at most 3 copies of 5 x 4 factors
    # and two 4 x 4 systems (12 * 4 * 4 bytes), all rows of a side in one group
    per_row = 3 * 4 * 4 * 5 + 3 * 4 * 4 * 4
    expected = 10 * (2 * 4 + 4) * 4 + 48 * 9 + 2 * 5 * per_row
    assert ials_memory_bytes(5, 5, 9, 4, 4) == expected


def test_ials_refuses_a_single_solve_beyond_memory(data, monkeypatch):
    # 4,096 factors in one block (block_size None): each row's system alone is 4096^2
    # floats (64 MiB)
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (64 * 2**20, "available (test)"))
    with pytest.raises(RecstackError, match=r"^ials: fitting 4096 factors .*lower factors "
                                            r"\(now 4096\) or block_size \(now 4096\)"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            create_model("ials", factors=4096, block_size=None, iterations=1).fit(data)
