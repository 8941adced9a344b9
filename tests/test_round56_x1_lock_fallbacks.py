"""Round 56 (x1): output locks and no-replace renames on filesystems that lack a feature,
and a holder record that the disk refuses.

The operating system's refusals are simulated in ``recstack.atomic``'s view: ``flock``
failing as on NFS without lockd or a FUSE/SMB mount, ``link`` failing as on SMB or FAT
(with ``renameat2`` reported missing, as on an older kernel or libc), and the holder
record's ``write``/``ftruncate`` failing as on a full disk. Every check reads what is on
disk afterwards.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from pathlib import Path

import pytest

from recstack import atomic
from recstack.atomic import atomic_directory, lock_path, output_lock, write_text, write_with
from recstack.errors import RecstackError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="output locks are flock-based (Linux, macOS)")


def _refusing(code: int):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return refuse


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------------------
# 1. a filesystem without locks: written unlocked, said once


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL],
                         ids=errno.errorcode.get)
def test_no_locks_writes_unlocked_and_warns_once(tmp_path, monkeypatch, caplog, code):
    import fcntl

    monkeypatch.setattr(fcntl, "flock", _refusing(code))
    monkeypatch.setattr(atomic, "_unlocked_said", False, raising=False)
    target = tmp_path / "results.json"
    folder_target = tmp_path / "split"
    with caplog.at_level(logging.WARNING, logger="recstack"):
        write_text(target, "first")
        write_text(target, "second")
        with atomic_directory(folder_target, overwrite=False) as staging:
            (staging / "train.csv").write_text("user,item\n1,2\n")
    assert target.read_text() == "second"
    assert (folder_target / "train.csv").read_text() == "user,item\n1,2\n"
    # no lock file, temporary or staging folder left beside the outputs
    assert _names(tmp_path) == ["results.json", "split"]
    said = [r.getMessage() for r in caplog.records if r.name == "recstack"]
    assert len(said) == 1, said
    assert said[0].startswith(f"{tmp_path}: ")
    assert os.strerror(code) in said[0]
    assert "lock" in said[0]


def test_no_locks_output_lock_taken_again_inside(tmp_path, monkeypatch, caplog):
    """A run holding its results folder writes into it: the inner take runs too."""
    import fcntl

    monkeypatch.setattr(fcntl, "flock", _refusing(errno.ENOLCK))
    monkeypatch.setattr(atomic, "_unlocked_said", False, raising=False)
    target = tmp_path / "runs" / "exp"
    with caplog.at_level(logging.WARNING, logger="recstack"):
        with output_lock(target, "--out"):
            with atomic_directory(target, overwrite=False) as staging:
                (staging / "metrics.json").write_text("{}")
    assert (target / "metrics.json").read_text() == "{}"
    assert _names(target.parent) == ["exp"]
    assert len([r for r in caplog.records if r.name == "recstack"]) == 1


def test_other_lock_errors_still_refuse_naming_the_output(tmp_path, monkeypatch):
    import fcntl

    monkeypatch.setattr(fcntl, "flock", _refusing(errno.EIO))
    target = tmp_path / "results.json"
    with pytest.raises(RecstackError) as raised:
        write_text(target, "x")
    assert str(raised.value).startswith(f"{target}: cannot write: {os.strerror(errno.EIO)}")
    assert not os.path.lexists(target)


# --------------------------------------------------------------------------------------
# 2. overwrite=False without renameat2 and without hard links


@pytest.fixture
def no_renameat2_nor_links(monkeypatch):
    def refuse(code: int) -> None:
        monkeypatch.setattr(atomic, "_call_renameat2", lambda *args: False)
        monkeypatch.setattr(atomic.os, "link", _refusing(code))
    return refuse


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK],
                         ids=errno.errorcode.get)
def test_no_hard_links_new_file_is_written(tmp_path, no_renameat2_nor_links, code):
    no_renameat2_nor_links(code)
    target = tmp_path / "report.html"
    assert write_text(target, "<p>ok</p>", overwrite=False) == target
    assert target.read_text() == "<p>ok</p>"
    assert _names(tmp_path) == ["report.html"]


def test_no_hard_links_file_made_meanwhile_is_kept(tmp_path, no_renameat2_nor_links):
    no_renameat2_nor_links(errno.EPERM)
    target = tmp_path / "report.html"

    def write_while_another_program_writes(temporary: Path) -> None:
        temporary.write_text("mine")
        target.write_text("theirs")  # a writer that takes no lock

    with pytest.raises(RecstackError) as raised:
        write_with(target, write_while_another_program_writes, overwrite=False)
    assert str(raised.value).startswith(f"{target}: appeared meanwhile")
    assert target.read_text() == "theirs"
    assert _names(tmp_path) == ["report.html"]


def test_no_hard_links_other_link_errors_still_refuse(tmp_path, no_renameat2_nor_links):
    no_renameat2_nor_links(errno.EIO)
    target = tmp_path / "report.html"
    with pytest.raises(RecstackError) as raised:
        write_text(target, "x", overwrite=False)
    assert str(raised.value).startswith(f"{target}: cannot write: {os.strerror(errno.EIO)}")
    assert _names(tmp_path) == []


# --------------------------------------------------------------------------------------
# 3. the holder record refused (a full disk)


@pytest.mark.parametrize("call", ["ftruncate", "write"])
def test_full_disk_at_the_holder_record(tmp_path, monkeypatch, call):
    target = tmp_path / "made" / "for" / "lock" / "results"
    monkeypatch.setattr(atomic.os, call, _refusing(errno.ENOSPC))
    with pytest.raises(RecstackError) as raised:
        with output_lock(target, "--out"):
            pytest.fail("the block ran without its lock's record")
    assert not isinstance(raised.value, OSError)
    assert str(raised.value) == (f"{target}: cannot write: {os.strerror(errno.ENOSPC)} "
                                 f"(the disk is full; free space or choose another location)")
    # neither the lock file nor the folders made for it are left
    assert _names(tmp_path) == []
    monkeypatch.undo()
    # let go: the next writer takes it at once (not taken again from a stale count)
    with output_lock(target, wait=False):
        assert lock_path(target).exists()
    assert not lock_path(target).exists()
