"""Twenty-first bad-input probe, paths given to the report functions in Python: a number
or None as the results folder, the run folder or the page was a ``TypeError`` from
pathlib ("expected str, bytes or os.PathLike object, not int"), and an empty ``out`` was
taken for the working folder ("`.`: is a folder"). Now each is refused naming the function
and the argument."""

from __future__ import annotations

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.report import write_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


@pytest.mark.parametrize("value, shown", [(5, "int 5"), (None, "NoneType None")])
def test_a_results_folder_that_is_no_path_is_named(value, shown):
    with pytest.raises(RecstackError) as refused:
        write_report(value, projection=None, refit="none")
    assert str(refused.value) == (f"write_report(results_dir): expected a path (text or "
                                  f"pathlib.Path), got {shown}")
    with pytest.raises(RecstackError, match=rf"^read_results\(path\): expected a path .*"
                                            rf"got {shown}$"):
        read_results(value)


def test_a_page_that_is_no_path_is_named_before_the_folder_is_read(tmp_path):
    # the folder does not exist: the argument is refused first
    with pytest.raises(RecstackError, match=r"^write_report\(out\): expected a path \(text "
                                            r"or pathlib.Path\), got int 5$"):
        write_report(tmp_path / "nothing", 5, projection=None, refit="none")
    with pytest.raises(RecstackError, match=r"^write_report\(out\): an empty path"):
        write_report(tmp_path / "nothing", "", projection=None, refit="none")


def test_a_run_folder_or_page_that_is_no_path_is_named(tmp_path):
    with pytest.raises(RecstackError, match=r"^write_pipeline_report\(run_folder\): expected "
                                            r"a path .*got NoneType None$"):
        write_pipeline_report(None)
    with pytest.raises(RecstackError, match=r"^write_pipeline_report\(out\): expected a path "
                                            r".*got float 1.5$"):
        write_pipeline_report(tmp_path, 1.5)
