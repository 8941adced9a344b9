"""Three-hundred-seventeenth probe: a new partitioned dataset folder padded with a space.

``write_partitioned(data, "out/res\\xa0")`` was refused (by the folder swap), but only after
it had made the parent folder ``out``, left behind empty; the name is now refused first."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import RecstackError


def _data():
    return Interactions.from_arrays(np.array([1, 2]), np.array([3, 4]), np.ones(2),
                                    np.array([1_600_000_000, 1_600_100_000]))


@pytest.mark.parametrize("name", ["res\xa0", "res ", " res"])
def test_a_padded_new_root_is_refused_before_any_folder_is_made(tmp_path, name):
    root = tmp_path / "out" / name
    with pytest.raises(RecstackError,
                       match=r"^.* (starts|ends) with .*(space|blank).*write it without"):
        write_partitioned(_data(), root)
    assert list(tmp_path.iterdir()) == []


def test_a_plain_root_is_still_written(tmp_path):
    write_partitioned(_data(), tmp_path / "out" / "res")
    assert (tmp_path / "out" / "res").is_dir()
