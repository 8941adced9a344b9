"""Forty-third probe, split arguments given as numpy numbers (a seed from
``np.random.SeedSequence``, a fraction from a numpy grid): the report kept them as numpy
scalars, so ``json.dumps(split.report.to_dict())`` raised "Object of type int64 is not
JSON serializable", and a ``np.float32(0.4)`` fraction read 0.4000000059604645 in the
report. The report now holds the Python numbers they show."""

import json

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import kfold_split, leave_last_out, random_split, user_split


@pytest.fixture
def data():
    users = np.repeat(np.arange(6), 5)
    items = np.tile(np.arange(5), 6)
    # each user's last item differs, so every item keeps training rows under leave_last_out
    return Interactions.from_arrays(users, items, timestamps=(items - users) % 5 + 10 * users)


@pytest.mark.parametrize("make", [
    lambda d: random_split(d, np.float32(0.4), seed=np.int64(3)),
    lambda d: user_split(d, np.float64(0.34), fold_in_fraction=np.float32(0.6),
                         seed=np.uint8(2)),
    lambda d: leave_last_out(d, np.int32(1)),
    lambda d: next(iter(kfold_split(d, np.int64(2), seed=np.int16(1)))),
])
def test_reports_of_numpy_arguments_are_plain_json(data, make):
    report = make(data).report
    text = json.dumps(report.to_dict())
    assert json.loads(text)["params"] == report.params
    assert all(not isinstance(v, np.generic) for v in report.params.values())


def test_a_float32_fraction_reads_as_written(data):
    report = random_split(data, np.float32(0.4), seed=np.int64(3)).report
    assert report.params == {"test_fraction": 0.4, "seed": 3}
    assert str(report).splitlines()[0] == "random split (test_fraction=0.4, seed=3)"
