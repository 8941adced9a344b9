"""write_partitioned swaps the new dataset in with the project's folder swap
(recstack.atomic): what a killed write left beside the dataset is removed by the next
write, and the old dataset is whole under its name until the new one is complete."""

from __future__ import annotations

import os

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import RecstackError

# 2023-11-14, 2023-12-08 and 2024-03-09 (UTC)
TIMES = np.array([1_700_000_000, 1_702_000_000, 1_710_000_000])


def _data(users: list[int]) -> Interactions:
    return Interactions.from_arrays(np.array(users), np.array([10, 20, 30]), np.ones(3),
                                    TIMES)


def test_what_a_killed_write_left_beside_the_dataset_is_removed(tmp_path):
    root = write_partitioned(_data([1, 2, 3]), tmp_path / "log")
    # a staging folder of a writer that is gone (no process has an id this large)
    stale = tmp_path / ".log.recstack-tmp-999999999-0a1b2c3d"
    (stale / "year=2023" / "month=11").mkdir(parents=True)
    write_partitioned(_data([4, 5, 6]), root, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]
    assert read_partitioned(root).users.to_external(np.arange(3)).tolist() == [4, 5, 6]


def test_an_old_dataset_set_aside_by_a_killed_swap_is_put_back(tmp_path):
    root = write_partitioned(_data([1, 2, 3]), tmp_path / "log")
    # killed between the two renames of a swap: the old dataset aside, none in its place
    os.rename(root, tmp_path / ".log.recstack-old-999999999-0a1b2c3d")
    with pytest.raises(RecstackError, match="exists; pass overwrite=True"):
        write_partitioned(_data([4, 5, 6]), root)
    assert read_partitioned(root).users.to_external(np.arange(3)).tolist() == [1, 2, 3]


def test_a_failed_write_leaves_the_old_dataset_and_nothing_else(tmp_path, monkeypatch):
    root = write_partitioned(_data([1, 2, 3]), tmp_path / "log")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("recstack.data.partitioned.pq.write_metadata", broken)
    with pytest.raises(OSError, match="No space left"):
        write_partitioned(_data([4, 5, 6]), root, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]
    assert read_partitioned(root).users.to_external(np.arange(3)).tolist() == [1, 2, 3]


def test_a_link_in_the_dataset_s_place_is_refused_not_followed(tmp_path):
    real = write_partitioned(_data([1, 2, 3]), tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(RecstackError, match=r"link: is a symbolic link to the folder"):
        write_partitioned(_data([4, 5, 6]), tmp_path / "link", overwrite=True)
    assert read_partitioned(real).users.to_external(np.arange(3)).tolist() == [1, 2, 3]
