"""Interaction logs generated, then damaged the way real files are, fed to ``load_table``.

Property (one per file kind): the loader either returns exactly the rows the damaged file
holds, as read independently here (Python's :mod:`csv` module and plain string parsing for
text, pyarrow's own reader for Parquet), or raises a :class:`RecstackError` whose message
names the file and, where the damage sits on one line, that line. Damage that leaves the
rows intact (a byte-order mark, CRLF or lone CR line ends, a blank line, a duplicated row)
must be read, never refused.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError

# RECSTACK_FUZZ_EXAMPLES=2000 hunts longer (the default keeps the file near 10 s)
EXAMPLES = int(os.environ.get("RECSTACK_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

HEADER = ["user_id", "item_id", "value", "timestamp"]

#: spellings real logs hold where a number or an id belongs
TOKENS = ["1e3", "0x10", "+5", "\u0663", "1,000", "99999999999999999999999", "-7", "",
          " 5 ", "nan", "inf", "1_000", "\uff10", "007", "5.0", "NA", "1.5e2", "-0", "1e400",
          "0.1", "u 9", "'3'", "\u00a05"]

#: a decimal number as a plain parser reads one: ASCII digits, an optional sign, point and
#: exponent (the reference reading here, written independently of the loader)
DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@dataclass
class Log:
    lines: list[str]   # header first, one string per physical line, no line ends
    line_end: str
    bom: bool
    damaged_line: int | None   # 1-based line the damage sits on; None: rows intact
    final_line_end: bool = True

    def render(self) -> str:
        body = self.line_end.join(self.lines)
        text = ("\ufeff" if self.bom else "") + body
        return text + self.line_end if self.final_line_end else text


@st.composite
def logs(draw, separator: str) -> Log:
    """A small clean log: integer or text ids, values exact in float32, 10-digit seconds."""
    n_rows = draw(st.integers(1, 6))
    ids = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["u1", "u2", "x-7", "A"]))
    rows = []
    for _ in range(n_rows):
        rows.append([draw(ids), draw(ids),
                     draw(st.sampled_from(["1", "2.5", "3", "4.5", "5", "0.5"])),
                     str(draw(st.integers(1_500_000_000, 1_700_000_000)))])
    # a byte-order mark beside any other damage: some checks looked past it
    return Log([separator.join(HEADER)] + [separator.join(r) for r in rows], "\n",
               draw(st.booleans()), None)


def _quoted(token: str, separator: str) -> str:
    """``token`` as a CSV writer would write it into one field."""
    if separator in token or '"' in token:
        return '"' + token.replace('"', '""') + '"'
    return token


@st.composite
def damaged(draw, separator: str) -> tuple[Log, str]:
    log = draw(logs(separator))
    n_lines = len(log.lines)
    at = draw(st.integers(1, n_lines - 1))   # a data line (0 is the header)
    kind = draw(st.sampled_from([
        "bom", "crlf", "cr", "mixed_ends", "no_final_end", "blank_line", "spaces_line",
        "duplicate_row", "truncated_last", "extra_field", "missing_field", "header_again",
        "token", "quoted_field", "padded_field", "non_utf8", "nul", "separator_swapped",
        "stray_quote"]))
    fields = log.lines[at].split(separator)
    column = draw(st.integers(0, len(fields) - 1))
    if kind == "bom":
        log.bom = True
    elif kind == "crlf":
        log.line_end = "\r\n"
    elif kind == "cr":
        log.line_end = "\r"
    elif kind == "mixed_ends":
        log.lines[at] += "\r"   # this line ends CRLF, the others LF
    elif kind == "no_final_end":
        log.final_line_end = False
    elif kind == "blank_line":
        log.lines.insert(at, "")
    elif kind == "spaces_line":
        log.lines.insert(at, draw(st.sampled_from([" ", "\t", " \t "])))
    elif kind == "duplicate_row":
        log.lines.insert(at, log.lines[at])
    elif kind == "truncated_last":
        last = log.lines[-1]
        log.lines[-1] = last[:draw(st.integers(1, len(last) - 1))]
        log.final_line_end = False
        log.damaged_line = n_lines
    elif kind == "extra_field":
        log.lines[at] += separator + draw(st.sampled_from(["9", "", "x"]))
        log.damaged_line = at + 1
    elif kind == "missing_field":
        log.lines[at] = separator.join(fields[:-1])
        log.damaged_line = at + 1
    elif kind == "header_again":
        log.lines.insert(at, log.lines[0])
        log.damaged_line = at + 1
    elif kind == "token":
        fields[column] = _quoted(draw(st.sampled_from(TOKENS)), separator)
        log.lines[at] = separator.join(fields)
        log.damaged_line = at + 1
    elif kind == "quoted_field":
        fields[column] = '"' + fields[column] + '"'
        log.lines[at] = separator.join(fields)
    elif kind == "padded_field":
        fields[column] = draw(st.sampled_from([" ", "  ", "\t"])) + fields[column] + " "
        if separator == "\t":
            fields[column] = fields[column].replace("\t", " ")
        log.lines[at] = separator.join(fields)
    elif kind == "non_utf8":
        fields[column] += "\udce9"   # rendered as the lone byte 0xE9 (surrogateescape)
        log.lines[at] = separator.join(fields)
        log.damaged_line = at + 1
    elif kind == "nul":
        fields[column] += "\x00"
        log.lines[at] = separator.join(fields)
        log.damaged_line = at + 1
    elif kind == "stray_quote":
        # a quote inside a field, after a closing quote, or escaped with a backslash
        field = fields[column] or "x"
        fields[column] = draw(st.sampled_from([
            field[:1] + '"' + field[1:], '"' + field + '"x', '"' + field + '\\""']))
        log.lines[at] = separator.join(fields)
        log.damaged_line = at + 1
    elif kind == "separator_swapped":
        other = " " if separator == "\t" else ";"
        log.lines[at] = log.lines[at].replace(separator, other, 1)
        log.damaged_line = at + 1
    return log, kind


# ------------------------------------------------------------------- the independent reading
class Refuse(Exception):
    """The reference reading finds the file malformed: the loader must refuse it."""


def _decimal(text: str) -> float:
    text = text.strip(" \t")
    if not DECIMAL.fullmatch(text):
        raise Refuse(text)
    number = float(text)
    if not math.isfinite(number) or abs(number) > float(np.finfo(np.float32).max):
        raise Refuse(text)
    return number


def _identifier(text: str) -> str:
    # ids lose surrounding whitespace in every format (the README's trimming rule)
    text = text.strip()
    if not text:
        raise Refuse("empty id")
    return text


def reference_rows(raw: bytes, separator: str) -> list[tuple[str, str, float, int]]:
    """The rows ``raw`` holds, read with :mod:`csv` and ``float``/``int``; Refuse where the
    file is malformed (bytes that are not UTF-8, a NUL, a row of the wrong width, the header
    again, a field that is no number where one belongs)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refuse("not UTF-8") from error
    if "\x00" in text:
        raise Refuse("NUL")
    text = text.removeprefix("\ufeff")
    records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
               if r and any(f.strip(" \t") for f in r)]
    if records[0] != HEADER:
        raise Refuse("header")
    rows = []
    for record in records[1:]:
        if len(record) != len(HEADER) or [f.strip() for f in record] == HEADER:
            raise Refuse("row shape")
        user, item = _identifier(record[0]), _identifier(record[1])
        value = _decimal(record[2])
        # the loaders floor a fraction of a second (the README's time rule)
        time = math.floor(_decimal(record[3]))
        rows.append((user, item, float(np.float32(value)), time))
    return rows


def _loaded_rows(data: Interactions) -> list[tuple[str, str, float, int]]:
    assert data.timestamp is not None
    users = [str(u) for u in data.users.to_external(data.user_index)]
    items = [str(i) for i in data.items.to_external(data.item_index)]
    return list(zip(users, items, data.value.astype(float).tolist(),
                    data.timestamp.tolist(), strict=True))


def _names_the_place(message: str, path: Path, line: int | None) -> bool:
    if str(path) not in message and path.name not in message:
        return False
    if line is None:
        return True
    return f"{path}:{line}:" in message or f"line {line}" in message


def check_delimited(tmp_path: Path, log: Log, kind: str, separator: str, suffix: str) -> None:
    raw = log.render().encode("utf-8", errors="surrogateescape")
    path = tmp_path / f"log{suffix}"
    path.write_bytes(raw)
    try:
        expected: list[tuple[str, str, float, int]] | None = reference_rows(raw, separator)
    except Refuse:
        expected = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = load_table(path)
    except RecstackError as error:
        message = str(error)
        assert log.damaged_line is not None or expected is None, (
            f"intact rows ({kind}) refused: {message}\n{raw!r}")
        assert _names_the_place(message, path, log.damaged_line), (
            f"{kind}: the refusal does not name {path.name} line {log.damaged_line}: "
            f"{message}\n{raw!r}")
        return
    assert expected is not None, f"{kind}: a malformed file was read: {raw!r}"
    got = _loaded_rows(data)
    # a value and a time may be read as the same number in another spelling
    assert got == expected, f"{kind}: rows differ from the file's\n{raw!r}"


@pytest.mark.parametrize(("separator", "suffix"), [(",", ".csv"), ("\t", ".tsv")])
@SETTINGS
@given(data=st.data())
def test_a_damaged_log_is_read_exactly_or_refused_naming_its_line(tmp_path, separator,
                                                                 suffix, data):
    log, kind = data.draw(damaged(separator))
    check_delimited(tmp_path, log, kind, separator, suffix)


# ---------------------------------------------------------------------------------- Parquet
#: cells a Parquet writer may hold where an id, a value or a time belongs
ODD_IDS = [None, "", " 7 ", "007", "-3", "99999999999999999999999", "\u0663", "NA"]
ODD_VALUES = [None, float("nan"), float("inf"), -1.5, 1e3, 1e39]


@st.composite
def parquet_columns(draw) -> dict[str, list]:
    n_rows = draw(st.integers(1, 6))
    users = draw(st.lists(st.integers(0, 30).map(str) | st.sampled_from(ODD_IDS),
                          min_size=n_rows, max_size=n_rows))
    items = draw(st.lists(st.integers(0, 30).map(str) | st.sampled_from(ODD_IDS),
                          min_size=n_rows, max_size=n_rows))
    values = draw(st.lists(st.sampled_from([1.0, 2.5, 4.0]) | st.sampled_from(ODD_VALUES),
                           min_size=n_rows, max_size=n_rows))
    times = draw(st.lists(st.integers(1_500_000_000, 1_700_000_000) | st.none(),
                          min_size=n_rows, max_size=n_rows))
    if draw(st.booleans()) and n_rows > 1:   # a duplicated row
        for column in (users, items, values, times):
            column[-1] = column[0]
    return {"user_id": users, "item_id": items, "value": values, "timestamp": times}


def _parquet_reference(columns: dict[str, list]) -> list[tuple[str, str, float, int]]:
    rows = []
    for user, item, value, time in zip(*columns.values(), strict=True):
        if user is None or item is None or value is None or time is None:
            raise Refuse("null")
        user, item = _identifier(user), _identifier(item)
        if not math.isfinite(value) or abs(value) > float(np.finfo(np.float32).max):
            raise Refuse("value")
        rows.append((user, item, float(np.float32(value)), time))
    return rows


@SETTINGS
@given(columns=parquet_columns())
def test_a_parquet_log_with_odd_cells_is_read_exactly_or_refused_naming_its_row(tmp_path,
                                                                               columns):
    path = tmp_path / "log.parquet"
    table = pa.table({"user_id": pa.array(columns["user_id"], pa.string()),
                      "item_id": pa.array(columns["item_id"], pa.string()),
                      "value": pa.array(columns["value"], pa.float64()),
                      "timestamp": pa.array(columns["timestamp"], pa.int64())})
    pq.write_table(table, path)
    try:
        expected: list | None = _parquet_reference(columns)
    except Refuse:
        expected = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = load_table(path)
    except RecstackError as error:
        assert expected is None, f"an intact Parquet log was refused: {error}"
        assert path.name in str(error), f"the refusal does not name the file: {error}"
        assert re.search(r"\brow \d+|line \d+|:\d+:", str(error)), (
            f"the refusal does not name a row: {error}")
        return
    assert expected is not None, f"a malformed Parquet log was read: {columns}"
    assert _loaded_rows(data) == expected


# ------------------------------------------------------- the classes found, one case each
def test_a_time_beside_another_blank_is_refused_as_a_value_is(tmp_path):
    """Before: ``'\\xa05'`` under ``timestamp`` was read as the time 5, where the same cell
    under ``value`` was refused ("numbers here may have spaces and tabs around them only")."""
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,value,timestamp\n1,10,4,1577836800\n"
                    "2,10,3,\u00a01577836900\n", encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        load_table(path)
    assert str(caught.value).startswith(
        f"{path}:3: column 'timestamp': found '\\xa01577836900', a number with a blank other "
        "than a space or a tab beside it (no-break space, U+00A0); numbers here may have "
        "spaces and tabs around them only: write 1577836900")


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["plain", "byte-order-mark"])
def test_a_nul_in_an_id_far_into_the_file_names_its_line(tmp_path, bom):
    """Before: a NUL past the first 4 KiB (or anywhere after a byte-order mark) reached the
    ids and was refused as "column 'item_id': the value at position 15000", naming
    neither the file nor the line."""
    lines = [f"{n},{n},3,1577836900" for n in range(600)]
    lines[500] = "500,5\x0000,3,1577836900"
    path = tmp_path / "log.csv"
    path.write_text(bom + "user_id,item_id,value,timestamp\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        load_table(path)
    assert str(caught.value).startswith(f"{path}:502: column 'item_id': found '5\\x0000', "
                                        "text holding a NUL character")


def test_a_nul_in_the_header_after_a_byte_order_mark_names_its_line(tmp_path):
    """Before: the NUL check stopped at the mark, and the NUL was read into a column name:
    "no column 'user_id' for user ids; the columns are: 'us\\x00er_id', ...", no line."""
    path = tmp_path / "log.csv"
    path.write_bytes("\ufeffus\x00er_id,item_id\n1,2\n".encode())
    with pytest.raises(RecstackError) as caught:
        load_table(path)
    assert str(caught.value).startswith(f"{path}:1: holds a NUL byte (code 0) at character 3")
