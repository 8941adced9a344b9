"""Twenty-first bad-input probe, the partitions folder given in Python: ``list_partitions``
of None or a number was a ``TypeError`` from pathlib, and of an empty string the working
folder, scanned as partitions. Now each is refused naming the function and argument."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.ops.partitions import list_partitions


@pytest.mark.parametrize("root, reason", [(None, "expected a path .*got NoneType None"),
                                          (2024, "expected a path .*got int 2024"),
                                          ("", "an empty path"), (" ", "an empty path")])
def test_a_root_that_is_no_path_is_refused(root, reason):
    with pytest.raises(RecstackError, match=rf"^list_partitions\(root\): {reason}"):
        list_partitions(root)


def test_a_folder_of_partitions_is_still_listed(tmp_path):
    folder = tmp_path / "logs" / "year=2024" / "month=03"
    folder.mkdir(parents=True)
    assert [p.label for p in list_partitions(str(tmp_path / "logs"))] == ["2024-03"]
