"""Only a refusal of the write itself is given the output's name: an operating-system
error of something else inside the write (a remote input timing out) keeps its own words,
rather than reading as "out.parquet: Connection timed out"."""

import errno
import os

import pytest

from recstack.atomic import atomic_directory, write_with


def timing_out(_temporary):
    raise TimeoutError(errno.ETIMEDOUT, "read from the object store timed out")


def test_a_timeout_inside_a_file_write_is_not_said_as_the_outputs(tmp_path):
    path = tmp_path / "out.parquet"
    with pytest.raises(TimeoutError) as raised:
        write_with(path, timing_out)
    assert raised.value.filename is None
    assert "object store" in str(raised.value)
    assert os.listdir(tmp_path) == []


def test_a_connection_reset_inside_a_staged_folder_is_not_said_as_the_targets(tmp_path):
    target = tmp_path / "results"
    with pytest.raises(ConnectionResetError) as raised, \
            atomic_directory(target, overwrite=False):
        raise ConnectionResetError(errno.ECONNRESET, "the peer went away")
    assert raised.value.filename is None
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO])
def test_a_refusal_of_the_write_itself_is_still_named(tmp_path, number):
    target = tmp_path / "results"
    with pytest.raises(OSError) as raised, atomic_directory(target, overwrite=False):
        raise OSError(number, os.strerror(number))
    assert raised.value.filename == str(target)
