"""A folder that cannot be written: the refusal names the absolute folder as well as the
relative --out given, so the user knows where it tried to write."""

import errno
import os

import pytest

from recstack import experiment
from recstack.errors import RecstackError


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.mark.parametrize("check, what, end", [
    (lambda out: experiment.check_output(out, overwrite=False), "the results", ""),
    # check_output_file serves the file --out options: its refusal names the option
    (lambda out: experiment.check_output_file(out, overwrite=False), "it",
     "; choose another --out"),
])
def test_a_relative_output_is_named_with_its_absolute_folder(tmp_path, monkeypatch, check,
                                                             what, end):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(experiment.tempfile, "mkdtemp", _read_only)
    folder = os.path.join(str(tmp_path), "results")
    with pytest.raises(RecstackError) as caught:
        check(os.path.join("results", "demo"))
    assert str(caught.value) == (f"{os.path.join('results', 'demo')} (in {folder}): cannot "
                                 f"write {what} there: Read-only file system{end}")


def test_an_absolute_output_is_named_once(tmp_path, monkeypatch):
    monkeypatch.setattr(experiment.tempfile, "mkdtemp", _read_only)
    out = tmp_path / "results" / "demo"
    with pytest.raises(RecstackError) as caught:
        experiment.check_output(out, overwrite=False)
    assert str(caught.value) == f"{out}: cannot write the results there: Read-only file system"


def test_a_relative_output_under_a_file_names_the_absolute_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.csv").write_text("x\n")
    with pytest.raises(RecstackError, match=rf"^log.csv/demo \(in {tmp_path}/log.csv\): "
                                            r"cannot write the results there: "):
        experiment.check_output("log.csv/demo", overwrite=False)
