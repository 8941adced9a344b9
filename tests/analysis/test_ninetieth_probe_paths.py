"""A results folder or an experiment_base that is a symbolic link that loops, one that
leads nowhere, or a named pipe: each read as "no such folder" or "is a file"; now said by
what it is."""

from __future__ import annotations

import os
import re

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


@pytest.fixture(params=["loop", "dangling", "fifo"])
def odd(request, tmp_path):
    path = tmp_path / request.param
    if request.param == "loop":
        os.symlink(path.name, path)
        return path, "is a symbolic link that loops (it leads back to itself)"
    if request.param == "dangling":
        os.symlink("nowhere", path)
        return path, "is a symbolic link to 'nowhere', which does not exist"
    os.mkfifo(path)
    return path, "is a pipe, socket or device, not a folder"


def test_a_results_folder_is_refused_by_what_it_is(odd):
    path, said = odd
    with pytest.raises(RecstackError, match=re.escape(f"{path}: {said}; give the results "
                                                      "folder")):
        read_results(path)


def test_the_report_command_names_it_in_one_line(odd, capsys):
    from recstack.cli import main

    path, said = odd
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path}: {said}" in err and len(err.splitlines()) == 1


def test_an_experiment_base_is_refused_by_what_it_is(odd, tmp_path):
    from recstack.analysis.report import _check_caller_options

    path, said = odd
    with pytest.raises(RecstackError, match=re.escape(f"experiment_base = '{path}': {said}")):
        _check_caller_options(path, None, "build_report")
