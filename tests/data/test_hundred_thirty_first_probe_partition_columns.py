"""``read_partitioned(columns=...)`` chooses among the optional columns (value, timestamp):
a column the dataset holds and reads in any case (``user_id``, a recorded context column)
was called absent ("no column 'user_id' ...; the columns are: 'value', 'timestamp'"), a
misspelt one got no near name, a lone string was refused with the example
``['user_id', 'item_id']`` (which it then refuses), and a misspelt dataset folder was only
"no such dataset folder"."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import ConfigError, RecstackError, UnknownColumnError


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    frame = pd.DataFrame({"user_id": ["a", "b"], "item_id": ["x", "y"], "value": [4.0, 5.0],
                          "timestamp": [1577836800, 1580515200], "device": ["m", "d"]})
    data = Interactions.from_frame(frame, context_cols=["device"])
    return write_partitioned(data, tmp_path_factory.mktemp("store") / "events")


@pytest.mark.parametrize("name", ["user_id", "item_id", "device"])
def test_a_column_read_in_any_case_is_not_called_absent(root, name):
    with pytest.raises(ConfigError, match=rf"columns names '{name}', which is read in any "
                                          r"case .*; columns chooses among the optional "
                                          r"columns 'value', 'timestamp' \(None reads them "
                                          r"all\)$"):
        read_partitioned(root, columns=["value", name])


def test_a_misspelt_optional_column_gets_the_near_one(root):
    with pytest.raises(UnknownColumnError, match=r"no column 'valeu' for an optional column; "
                                                 r"the columns are: 'value', 'timestamp' "
                                                 r"\(did you mean 'value'\?\)$"):
        read_partitioned(root, columns=["valeu"])


def test_a_lone_string_is_refused_with_an_example_it_takes(root):
    with pytest.raises(RecstackError, match=r"^columns must be a list of names such as "
                                            r"\['value'\], not 'value'$"):
        read_partitioned(root, columns="value")
    assert read_partitioned(root, columns=["value"]).value.tolist() == [4.0, 5.0]


def test_a_misspelt_dataset_folder_gets_the_near_one(root):
    with pytest.raises(RecstackError, match=r"evnets: no such dataset folder \(did you mean "
                                            r"'.*events'\?\)$"):
        read_partitioned(root.parent / "evnets")
    with pytest.raises(RecstackError, match=r"zzzzzz: no such dataset folder$"):
        read_partitioned(root.parent / "zzzzzz")
