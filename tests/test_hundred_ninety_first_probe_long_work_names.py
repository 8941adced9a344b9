"""Hundred-ninety-first probe: output names the file system holds, near its limit.

A file or folder name of up to 255 bytes is valid, but every atomic write of one longer than
about 225 bytes failed with the system's "File name too long": the temporary file or
staging folder beside it is named ``.NAME.recstack-tmp-PID-TOKEN.EXT``, some 30 bytes
longer than NAME. The work name now holds the name's start and a hash of the whole name
when the whole does not fit, in the same folder, and its leftovers are still found."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from recstack import atomic


def _sized(total: int, extension: str = ".csv", letter: str = "a") -> str:
    """A name of exactly ``total`` bytes ending in ``extension``."""
    return letter * (total - len(extension.encode())) + extension


@pytest.mark.parametrize("size", [226, 240, 255])
def test_a_file_name_up_to_255_bytes_is_written(tmp_path, size):
    target = tmp_path / _sized(size)
    assert len(target.name.encode()) == size
    atomic.write_text(target, "user,item\n1,2\n")
    assert target.read_text() == "user,item\n1,2\n"
    assert os.listdir(tmp_path) == [target.name]  # no work file left beside it
    atomic.write_text(target, "user,item\n3,4\n")  # and replaced
    assert target.read_text() == "user,item\n3,4\n"
    assert os.listdir(tmp_path) == [target.name]


def test_a_name_of_multi_byte_characters_at_the_limit_is_written(tmp_path):
    # 125 two-byte characters and ".csv": 254 bytes, 129 characters
    target = tmp_path / ("é" * 125 + ".csv")
    assert len(os.fsencode(target.name)) == 254
    atomic.write_bytes(target, b"x")
    assert target.read_bytes() == b"x"
    assert os.listdir(tmp_path) == [target.name]


def test_a_folder_name_of_255_bytes_is_written_and_replaced(tmp_path):
    target = tmp_path / ("f" * 255)
    with atomic.atomic_directory(target, overwrite=False) as staging:
        (staging / "train.csv").write_text("1")
    with atomic.atomic_directory(target, overwrite=True) as staging:
        (staging / "test.csv").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["test.csv"]
    assert os.listdir(tmp_path) == [target.name]


def test_the_work_name_fits_says_whose_it_is_and_keeps_the_extension(tmp_path):
    target = tmp_path / _sized(255, ".csv.gz", "r")
    with atomic.atomic_path(target) as temporary:
        assert temporary.parent == tmp_path
        assert len(os.fsencode(temporary.name)) <= 255
        # the name's start, a hash of the whole, what it is and whose, the two extensions
        # (pandas reads the compression from the last one)
        assert temporary.name.startswith(".rrrrrrrrrr")
        assert f".recstack-tmp-{os.getpid()}-" in temporary.name
        assert temporary.name.endswith(".csv.gz")
        pd.DataFrame({"user": [1], "item": [2]}).to_csv(temporary, index=False)
    assert pd.read_csv(target).to_dict("list") == {"user": [1], "item": [2]}
    # a short name keeps its whole name in the work name, as before
    with atomic.atomic_path(tmp_path / "ratings.csv") as temporary:
        assert temporary.name.startswith(f".ratings.csv.recstack-tmp-{os.getpid()}-")


def test_two_long_names_that_share_their_start_get_different_work_names(tmp_path):
    first, second = tmp_path / ("s" * 250 + "1.csv"), tmp_path / ("s" * 250 + "2.csv")
    with atomic.atomic_path(first) as one, atomic.atomic_path(second) as other:
        stem_one = one.name.split(".recstack-tmp-")[0]
        stem_other = other.name.split(".recstack-tmp-")[0]
        assert stem_one != stem_other
        one.write_text("1")
        other.write_text("2")
    assert (first.read_text(), second.read_text()) == ("1", "2")


def test_what_a_killed_writer_of_a_long_name_left_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / _sized(250, ".json")
    # a writer killed inside the block: its work file stays, named for its process
    script = textwrap.dedent(f"""
        import os
        from recstack import atomic
        with atomic.atomic_path({str(target)!r}) as temporary:
            temporary.write_text("half")
            os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == 9
    left = [name for name in os.listdir(tmp_path) if "recstack-tmp" in name]
    assert len(left) == 1 and not target.exists()
    atomic.write_text(target, "{}")
    assert os.listdir(tmp_path) == [target.name]
    assert target.read_text() == "{}"


def test_a_name_past_the_limit_is_still_refused_naming_it(tmp_path):
    with pytest.raises(atomic.RecstackError, match=r"is 256 bytes long, and a file or folder "
                                                   r"name holds at most 255"):
        atomic.write_text(tmp_path / _sized(256), "x")
