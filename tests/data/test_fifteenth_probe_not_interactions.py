"""Fifteenth probe, the data layer given something other than Interactions: the DataFrame
of a log handed to a split, a filter, ``describe``, ``save_table``, ``write_partitioned``
or ``concat`` failed deep inside with ``'DataFrame' object has no attribute
'user_index'`` (a sparse matrix with scipy's "sparse array length is ambiguous"). Each
now names the function, what it got and how to make Interactions."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.files import save_table
from recstack.data.filters import KCore, apply_filters, k_core
from recstack.data.interactions import Interactions, concat
from recstack.data.partitioned import write_partitioned
from recstack.data.splits import (
    RandomSplit,
    given_split,
    kfold_split,
    leave_last_out,
    random_split,
    temporal_split,
    user_split,
)
from recstack.data.stats import describe
from recstack.errors import ConfigError, RecstackError

FRAME = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 2, 1, 2],
                      "value": [1.0, 2.0, 3.0, 4.0], "timestamp": [1, 2, 3, 4]})
FROM_FRAME = "; make one with Interactions.from_frame(frame)"


@pytest.mark.parametrize(("name", "call"), [
    ("random_split", lambda data: random_split(data, 0.5)),
    ("temporal_split", lambda data: temporal_split(data, test_fraction=0.5)),
    ("leave_last_out", lambda data: leave_last_out(data)),
    ("user_split", lambda data: user_split(data, 0.5)),
    ("kfold_split", lambda data: kfold_split(data, 2)),
    ("given_split", lambda data: given_split(data, np.array([True, False, True, False]))),
    ("random_split", lambda data: RandomSplit(0.5).apply(data)),  # an experiment's step
    ("apply_filters", lambda data: apply_filters(data, [KCore(1, 1)])),
    ("k_core", lambda data: k_core(data, 1, 1)),
    ("describe", lambda data: describe(data)),
])
def test_a_data_frame_is_refused_naming_the_function_and_the_remedy(name, call):
    with pytest.raises(RecstackError) as error:
        call(FRAME)
    assert str(error.value) == f"{name} takes recstack Interactions, got a pandas DataFrame" \
                               + FROM_FRAME


def test_writers_refuse_a_data_frame_and_write_nothing(tmp_path):
    with pytest.raises(RecstackError, match=r"^save_table takes recstack Interactions, got a "
                                            r"pandas DataFrame; make one with"):
        save_table(FRAME, tmp_path / "log.parquet")
    with pytest.raises(RecstackError, match=r"^write_partitioned takes recstack Interactions, "
                                            r"got a pandas DataFrame; make one with"):
        write_partitioned(FRAME, tmp_path / "logs")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("value", "shown"), [
    (None, "None"),
    (sp.csr_matrix(np.eye(2)), "csr_matrix"),
    ("ratings.csv", "str"),
])
def test_other_things_are_named_by_their_type(value, shown):
    with pytest.raises(RecstackError) as error:
        random_split(value)
    assert str(error.value) == (f"random_split takes recstack Interactions, got {shown}; make "
                                "one with Interactions.from_frame or load_table, or take a "
                                "split's train or test")


def test_concat_names_the_part_that_is_not_interactions():
    data = Interactions.from_frame(FRAME)
    with pytest.raises(RecstackError, match=r"^concat: part 2 takes recstack Interactions, "
                                            r"got a pandas DataFrame"):
        concat([data, FRAME])
    with pytest.raises(ConfigError, match=r"^concat takes a list of Interactions, got "
                                          r"DataFrame$"):
        concat(FRAME)
    assert len(concat([data, data])) == 8  # a list of Interactions still concatenates
