"""Writes refused part-way (a full disk, a file-size limit) and the standard output refused:
the error names the file (or the standard output), says why in one line, exits with
status 2, and leaves nothing half-written behind."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from recstack.atomic import atomic_directory, write_with
from recstack.cli import describe_os_error

#: a tiny synthetic source: the commands run in a second or two
TINY = "synthetic:n_users=60,n_items=40,n_interactions=600"
#: Python's own wording for the file-size limit, as the command prints it
TOO_LARGE = (f"{os.strerror(errno.EFBIG)} (larger than the file size limit: the shell's "
             "`ulimit -f`, or the largest file the filesystem holds)")
FULL = f"{os.strerror(errno.ENOSPC)} (the disk is full)"
STDOUT = "the standard output (what the command prints, redirected with > or |)"


def _pyarrow_full_disk(target: Path) -> None:
    target.write_bytes(b"PAR1")  # part of the file, then the refusal, as pyarrow words it
    raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space "
                                "left on device")


def test_a_file_whose_write_is_refused_part_way_is_named(tmp_path):
    path = tmp_path / "train.parquet"
    with pytest.raises(OSError) as raised:
        write_with(path, _pyarrow_full_disk)
    # before: filename None, "Error writing bytes to file. Detail: ..." naming no file
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(path)
    assert describe_os_error(raised.value) == f"{path}: {FULL}"
    assert os.listdir(tmp_path) == []  # neither the file nor its temporary


def test_a_file_written_in_a_staged_folder_is_named_by_its_place_in_the_target(tmp_path):
    target = tmp_path / "results"
    with pytest.raises(OSError) as raised, atomic_directory(target, overwrite=False) as staging:
        write_with(staging / "train.parquet", _pyarrow_full_disk)
    # before: the staging folder's name (.results.recstack-tmp-PID-TOKEN/train.parquet),
    # gone once the write failed, or no name at all
    assert raised.value.filename == str(target / "train.parquet")
    assert os.listdir(tmp_path) == []


def test_a_refusal_naming_no_file_inside_a_staged_folder_names_the_target(tmp_path):
    target = tmp_path / "results"
    with pytest.raises(OSError) as raised, atomic_directory(target, overwrite=False):
        raise OSError(errno.EFBIG, "File too large")
    assert raised.value.filename == str(target)
    assert os.listdir(tmp_path) == []


def test_a_refusal_that_names_its_own_file_is_left_as_it_is(tmp_path):
    elsewhere = str(tmp_path / "input.csv")

    def read_then_write(target: Path) -> None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), elsewhere)

    with pytest.raises(FileNotFoundError) as raised:
        write_with(tmp_path / "out.csv", read_then_write)
    assert raised.value.filename == elsewhere


def test_the_file_size_limit_is_said_as_such():
    error = OSError(errno.EFBIG, os.strerror(errno.EFBIG), "/data/out.parquet")
    assert describe_os_error(error) == f"/data/out.parquet: {TOO_LARGE}"


def _limited(limit: int):
    def limit_file_size() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


def _recstack(*argv: str, limit: int | None = None, stdout=subprocess.PIPE,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "recstack.cli", *argv], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=600,
                          preexec_fn=None if limit is None else _limited(limit),
                          env={**os.environ, **(env or {})})


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX only")
def test_data_split_past_the_file_size_limit_names_the_file_without_a_traceback(tmp_path):
    out = tmp_path / "split"
    finished = _recstack("data", "split", TINY, "--out", str(out), limit=1000)
    # before: a traceback ending "OSError: [Errno 27] Error writing bytes to file. Detail:
    # [errno 27] File too large", status 1
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr == f"recstack: error: {out / 'train.parquet'}: {TOO_LARGE}\n"
    assert os.listdir(tmp_path) == []  # no split, no staging folder, no lock


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX only")
def test_evaluate_past_the_file_size_limit_names_the_results_file(tmp_path):
    experiment = tmp_path / "exp.toml"
    experiment.write_text(f'name = "x"\n[data]\nsource = "{TINY}"\n[split]\nmethod = "random"\n'
                          'test_fraction = 0.2\n[evaluation]\nmetrics = ["ndcg"]\nks = [5]\n'
                          '[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    out = tmp_path / "results"
    # results.json (the first file written) is over 2,000 bytes
    finished = _recstack("evaluate", str(experiment), "--out", str(out), limit=1000)
    assert finished.returncode == 2, finished.stderr
    # before: a traceback ending "OSError: [Errno 27] File too large"
    assert finished.stderr.splitlines()[-1] == (
        f"recstack: error: {out / 'results.json'}: {TOO_LARGE}")
    assert "Traceback" not in finished.stderr
    assert sorted(os.listdir(tmp_path)) == ["exp.toml"]


def _full_device() -> bool:
    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)
    except OSError:
        return False


@pytest.mark.skipif(not _full_device(), reason="needs /dev/full, a device always full")
@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("argv", [("data", "info", TINY), ("--version",), ("data", "--help"),
                                  ("--help",)])
def test_printing_into_a_full_disk_names_the_standard_output(argv, unbuffered):
    with open("/dev/full", "w") as full:
        finished = _recstack(*argv, stdout=full, env={"PYTHONUNBUFFERED": unbuffered})
    # before: "recstack: error: No space left on device (the disk is full)", naming no file
    # (data info, unbuffered); "Exception ignored in: <_io.TextIOWrapper name='<stdout>'"
    # and status 120 (buffered); nothing at all and status 0 (--help, --version)
    assert (finished.returncode, finished.stderr) == (2, f"recstack: error: {STDOUT}: {FULL}\n")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGPIPE is POSIX only")
def test_a_closed_pipe_still_ends_the_command_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        finished = _recstack("data", "info", TINY, stdout=write_end)
    finally:
        os.close(write_end)
    assert (finished.returncode, finished.stderr) == (141, "")
