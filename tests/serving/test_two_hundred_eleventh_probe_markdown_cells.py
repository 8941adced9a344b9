"""The Markdown tables of `recstack online-report` (render_report) and `recstack skew`
(render_skew): a variant, id or detail holding a '|' or a line break split its row into
one column too many (every number after it under the next heading) or cut it in two."""

from __future__ import annotations

import pandas as pd

from recstack.serving.online import markdown_cell, online_report, render_report
from recstack.serving.skew import SkewReport, render_skew

HEADER = "variant,session_id,event,timestamp,revenue,cost,user_id,item_id\n"


def _events(path, variants):
    rows = [HEADER]
    for i, variant in enumerate(variants):
        rows.append(f"{variant},s{i},impression,{1764595200 + i},,,u{i},7\n")
        rows.append(f"{variant},s{i},click,{1764595201 + i},,,u{i},7\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


def _cells(line):
    """The cells of a Markdown table row: split at the pipes that are not escaped."""
    cells, cell, escaped = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
        escaped = ch == "\\" and not escaped
    return [*cells, cell.strip()]


def test_markdown_cell_by_hand():
    assert markdown_cell("control") == "control"
    assert markdown_cell("a|b") == "a\\|b"
    assert markdown_cell("x\ny") == "x\\ny"
    assert markdown_cell("tab\there\r") == "tab\\there\\r"
    assert markdown_cell("كتاب") == "كتاب"  # printable text of any script stays as it is
    assert markdown_cell(42) == "42"


def test_online_report_rows_keep_their_columns(tmp_path):
    # three sessions per arm, each an impression and a click: ctr 1, no purchase
    log = _events(tmp_path / "events.csv", ["a|b"] * 3 + ["control"] * 3 + ['"x\ny"'] * 3)
    text = render_report(online_report(log))
    lines = text.splitlines()
    table = lines[:lines.index("")]
    assert table[2] == "| a\\|b | 3 | 3 | 3 | 0 | 1 | 0 | 0 | n/a | 1 | 0 |"
    assert table[3] == "| control | 3 | 3 | 3 | 0 | 1 | 0 | 0 | n/a | 1 | 0 |"
    assert table[4] == "| x\\ny | 3 | 3 | 3 | 0 | 1 | 0 | 0 | n/a | 1 | 0 |"
    assert len(table) == 5
    header = _cells(table[0])
    for line in table[2:]:
        assert len(_cells(line)) == len(header)
    tests = [line for line in lines if line.startswith("| ctr |")]
    assert [_cells(line)[1] for line in tests] == ["a\\|b", "x\\ny"]
    assert all(len(_cells(line)) == 8 for line in tests)


def test_skew_mismatch_rows_keep_their_columns():
    report = SkewReport(checked=1, mismatched=1, mismatches=pd.DataFrame(
        [{"request_id": "r1", "model": "als@1", "what": "items",
          "detail": "logged ['a|b', 'c\nd']..., recomputed ['e']..."}]))
    lines = render_skew(report).splitlines()
    assert lines[-1] == ("| r1 | als@1 | items | logged ['a\\|b', 'c\\nd']..., "
                         "recomputed ['e']... |")
    assert len(_cells(lines[-1])) == 4
