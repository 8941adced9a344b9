"""A results folder edited by hand or cut short: a per-user row of fewer fields than the
header (a file truncated mid-row, a stray line) and a calibration table of values no
evaluation writes are refused naming the file and line, not read as users without a value
or drawn as a curve."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def _per_user(results: Path) -> Path:
    return results / "per_user_most_popular.csv"


def test_a_file_cut_mid_row_is_refused_naming_the_line(results):
    path = _per_user(results)
    text = path.read_text()
    lines = text.splitlines()
    # the last row loses its last field (and its newline): pandas read the rest as empty
    cut = text[:text.rstrip("\n").rindex(",")]
    path.write_text(cut)
    with pytest.raises(RecstackError, match=rf"per_user_most_popular.csv: line {len(lines)}: "
                                            r"2 field\(s\) .*the header has 3; the file is "
                                            r"damaged \(cut short"):
        read_results(results)


def test_a_stray_line_is_refused(results):
    path = _per_user(results)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines) + "\ngarbage\n")
    # before: a user 'garbage' without values joined the report's users
    with pytest.raises(RecstackError, match=rf"line {len(lines) + 1}: 1 field\(s\) "
                                            r"\('garbage'\), the header has 3"):
        read_results(results)


def test_empty_cells_and_blank_lines_still_read(results):
    path = _per_user(results)
    lines = path.read_text().splitlines()
    path.write_text("\n\n".join(lines) + "\n")
    assert len(read_results(results).results[0].per_user) == len(lines) - 1


def _calibration(results: Path, rows: str) -> None:
    (results / "calibration_most_popular.csv").write_text(
        "mean_predicted,observed_rate,count\n" + rows)


def test_a_calibration_table_as_written_is_read(results):
    _calibration(results, "0.05,0.1,10\n,,0\n0.95,0.9,4\n")
    assert len(read_results(results).calibration["most_popular"]) == 3


@pytest.mark.parametrize(("rows", "match"), [
    ("0.5,0.4,\n", r"line 2: column 'count' holds nan; expected a whole number"),
    ("0.5,0.4,-3\n", r"line 2: column 'count' holds -3.0; expected a whole number"),
    ("0.5,0.4,2.5\n", r"line 2: column 'count' holds 2.5"),
    ("0.5,0.4,3\n0.5,2.0,3\n", r"line 3: column 'observed_rate' holds 2.0; expected a share "
                               r"between 0 and 1"),
    ("-0.5,0.4,3\n", r"line 2: column 'mean_predicted' holds -0.5"),
    ("0.5,,3\n", r"line 2: column 'observed_rate' holds nan; expected a share between 0 "
                 r"and 1 \(empty only in a bin of count 0\)"),
    ("0.5,0.4\n", r"line 2: 2 field\(s\) \('0.5,0.4'\), the header has 3"),
])
def test_a_calibration_value_no_evaluation_writes_is_refused(results, rows, match):
    _calibration(results, rows)
    # before: drawn as a curve (an empty count was int(nan), a bare ValueError)
    with pytest.raises(RecstackError, match=r"calibration_most_popular.csv: " + match):
        read_results(results)
