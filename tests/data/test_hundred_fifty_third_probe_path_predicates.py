"""is_partitioned and detect_variant, asked of something that is no path, failed with
os.fspath's TypeError ("expected str, bytes or os.PathLike object, not NoneType") naming
no argument, and an empty path was taken as the folder the program runs in; every reader
(read_partitioned, load_movielens) refuses both, naming the argument."""

from __future__ import annotations

import pytest

from recstack.data.movielens import detect_variant
from recstack.data.partitioned import is_partitioned
from recstack.errors import RecstackError


@pytest.mark.parametrize("given", [None, 5, 2.5, ["data"]])
def test_no_path_is_refused_naming_the_argument(given):
    with pytest.raises(RecstackError, match=r"^root must be a path \(text or a pathlib\.Path\)"):
        is_partitioned(given)
    with pytest.raises(RecstackError, match=r"^path must be a path \(text or a pathlib\.Path\)"):
        detect_variant(given)


@pytest.mark.parametrize("given", ["", "   "])
def test_an_empty_path_is_refused_not_read_as_the_working_folder(given):
    with pytest.raises(RecstackError, match="^root is empty"):
        is_partitioned(given)
    with pytest.raises(RecstackError, match="^path is empty"):
        detect_variant(given)


def test_a_missing_folder_is_still_just_no(tmp_path):
    assert is_partitioned(tmp_path / "absent") is False
    assert detect_variant(tmp_path / "absent") is None
    assert is_partitioned(str(tmp_path)) is False
