"""Hundred-thirty-eighth probe, one rule for a separator ending every line.

A file whose header and rows all end with a tab was read (the extra column has no name
and no role), while the same file without a header, read with ``column_names``, was
refused ("the line ends with a separator"). Both are read now; a line that does not end
so, among lines that do, is refused by its line number in both."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

ROWS = "u1\ti1\t5\t\nu2\ti2\t3\t\n"
NAMES = ["user", "item", "rating"]


def _load(path, **options):
    return load_table(path, user_col="user", item_col="item", value_col="rating", **options)


def test_headerless_lines_ending_with_a_tab_read_as_with_a_header(tmp_path):
    headerless = tmp_path / "rows.tsv"
    headerless.write_text(ROWS)
    with_header = tmp_path / "header.tsv"
    with_header.write_text("user\titem\trating\t\n" + ROWS)
    read = _load(headerless, column_names=NAMES).to_frame()
    assert read.equals(_load(with_header).to_frame())
    assert read["user_id"].tolist() == ["u1", "u2"]
    assert read["value"].tolist() == [5.0, 3.0]


def test_a_trailing_comma_reads_too(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("1,2,3,\n2,3,4,\n")
    assert load_table(path, column_names=["user_id", "item_id", "value"]).value.tolist() == [
        3.0, 4.0]


@pytest.mark.parametrize(("text", "options", "line"), [
    ("u1\ti1\t5\t\nu2\ti2\t3\n", {"column_names": NAMES}, 2),
    ("user\titem\trating\t\nu1\ti1\t5\t\nu2\ti2\t3\n", {}, 3),
])
def test_a_line_without_the_separator_is_refused_by_line(tmp_path, text, options, line):
    path = tmp_path / "log.tsv"
    path.write_text(text)
    with pytest.raises(DataFormatError) as refused:
        _load(path, **options)
    assert str(refused.value) == (
        f"{path}:{line}: the row has 3 field(s): the line does not end with a separator, as "
        "the first line does (expected every line ending with a separator, or none)")
