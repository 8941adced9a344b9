"""What ``recstack online EVENTS`` does: online metrics per A/B variant from the service's
own event log, with the significance test of each variant against the control.

The event log (:data:`recstack.serving.request_log.EVENT_SCHEMA`, written by
``POST /events``) already carries each event's variant (the user's stable-hash arm) and
session (``session_id``, or the user id when the client sent none); it is mapped onto the
schema of :mod:`recstack.metrics.online` and measured there: CTR, conversion (purchases
per click), bounce rate, ROI and engagement (mean session seconds) per variant, and for
every other variant against the control each testable metric's difference, confidence
interval and p-value (two-proportion z-test for rates, Welch's t-test for per-session
means; ROI, a ratio of totals, has no test).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import recstack.metrics.online as _metrics_module
from recstack.atomic import special_file_problem
from recstack.errors import (
    DataFormatError,
    RecstackError,
    UnknownColumnError,
    echoed,
    shown,
    shown_number,
)
from recstack.metrics.online import (
    EVENT_TYPES,
    MONEY_TEXT_HINT,
    ONLINE_METRICS,
    REFUND_HINT,
    SignificanceResult,
    _compare_sessions,
    _compensated_add,
    _sessions,
    _variant_metrics,
    validate_events,
)
from recstack.serving._arguments import is_real
from recstack.serving.request_log import (
    check_log_columns,
    read_log,
    read_log_file,
    table_as_frame,
)
from recstack.specs import arguments_named

if TYPE_CHECKING:
    from recstack.data.files import DelimitedLayout

__all__ = ["OnlineReport", "online_report", "read_events", "render_report"]

_COLUMNS = ["variant", "session_id", "event", "timestamp", "revenue", "cost"]
_TEXT_COLUMNS = ("variant", "session_id", "event")
#: columns of the service's event log that the metrics do not read, as text in a CSV file
#: (a user "007" is not user 7); checked where a file has them, as the service wrote them
_OTHER_TEXT_COLUMNS = ("user_id", "item_id", "request_id", "model")
#: of those, the ones every event posted to the service has (``POST /events`` requires them)
_REQUIRED_IDS = ("user_id", "item_id")
#: the columns besides the metrics' that tell two events apart, passed on where a file has
#: them: the impressions of one served list share session, time and amounts and differ in
#: item and position, so that only a retried post repeats a row in all of them (``time``,
#: when the service received the event, is left out: a retry is received again, later)
_IDENTITY_COLUMNS = (*_OTHER_TEXT_COLUMNS, "position", "event_id")

#: the columns of a log file that are read: the service's ``time`` (when it received an
#: event) is not, and the text of the others is held as categories (a Python string per
#: row and column made a million events take over 500 MB)
_READ_COLUMNS = (*_COLUMNS, *_IDENTITY_COLUMNS)

#: What a timestamp may be, for messages: a CSV file holds a time as text.
_TIME_EXPECTED = ("Unix seconds (a finite number, e.g. 1796323465) or a time (a datetime, "
                  "or in a CSV file ISO 8601 text such as '2026-12-03T18:44:25Z')")

#: What a CSV file's timestamp may be, for messages.
_TEXT_TIME_EXPECTED = ("one kind of time in the whole column: Unix seconds (e.g. 1796323465) "
                       "or ISO 8601 times (e.g. '2026-12-03T18:44:25Z' or "
                       "'2026-12-03 18:44:25+01:00'; without an offset, UTC)")

#: The start of ISO 8601 text: pandas' ISO 8601 reader also takes 'now' and 'today' (the
#: time of reading), which no log means.
_STARTS_WITH_A_YEAR = r"\s*\d{4}"

#: Where the row at a position of the table is, for messages: ``"events.csv: line 5"``.
Place = Callable[[int], str]


@dataclass
class OnlineReport:
    """Metrics per variant (rows), the tests against ``control``, and the comparisons that
    could not be made (with the reason)."""

    metrics: pd.DataFrame
    control: str
    tests: list[SignificanceResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@arguments_named
def read_events(location: str | Path) -> pd.DataFrame:
    """The event log at ``location``: the service's ``log_dir``, its ``events`` folder, or
    one Parquet/CSV file in the same columns (times in Unix seconds, as datetimes, or as
    ISO 8601 text, read as UTC where no offset is given); returned in the metrics'
    schema, with the service's columns that tell events apart (``user_id``, ``item_id``,
    ``request_id``, ``model``, ``position``, ``event_id``) where the log has them."""
    events = _read_events(location)[0]
    # the ids as the text they are: categories are how the report holds them, not the
    # schema a caller is given
    for column in events.columns:
        if isinstance(events[column].dtype, pd.CategoricalDtype):
            events[column] = events[column].astype(events[column].dtype.categories.dtype)
    return events


def _read_events(location: str | Path) -> tuple[pd.DataFrame, Place]:
    """:func:`read_events`, and where each of its rows is in the files, for the metrics'
    messages ("line 5 of events.csv": the metrics alone could only count rows from 0)."""
    if not isinstance(location, str | Path):
        raise RecstackError(f"the event log's location must be a path (the service's "
                            f"log_dir, a .parquet or a .csv file), got {location!r}")
    path = Path(location)
    odd = special_file_problem(path)
    if odd is not None:
        # a link that loops read as "no such file or folder", a named pipe as a wrong suffix
        raise RecstackError(f"{path}: {odd}; give the service's log_dir, or a .parquet or "
                            ".csv file of its events")
    if path.is_dir():
        folder = path / "events" if (path / "events").is_dir() else path
        # only the columns read, the text as categories: see _READ_COLUMNS
        table = read_log(folder, "events", _COLUMNS, columns=_READ_COLUMNS,
                         text_as_categories=True)
        # looked up when a row is named, not copied into lists of millions of rows
        files, rows = table["log_file_"].to_numpy(), table["log_row_"].to_numpy()

        def place(position: int) -> str:
            return f"row {rows[position]} of {files[position]}"

        _check_rows(table, lambda position: f"{files[position]}: row {rows[position]}")
    elif not path.exists():
        raise RecstackError(f"{path}: no such file or folder (give the service's log_dir)")
    elif _file_kind(path) == ".parquet":
        table = table_as_frame(read_log_file(path, "events", _COLUMNS, in_folder=False,
                                             columns=_READ_COLUMNS,
                                             text_as_categories=True),
                               text_as_categories=True)

        def place(position: int) -> str:  # the messages name the file before it
            return f"row {position}"

        if not pd.api.types.is_numeric_dtype(table["timestamp"]) \
                and not pd.api.types.is_datetime64_any_dtype(table["timestamp"]):
            # ISO 8601 text, read as in a CSV file (it was refused here, accepted there)
            table["timestamp"] = _times_from_text(table["timestamp"],
                                                  lambda position: f"{path}: row {position}")
        _check_rows(table, lambda position: f"{path}: row {position}")
    elif _file_kind(path) == ".csv":
        _check_csv_shape(path)
        try:
            # the ids as text, only an empty field missing: see _CSV_READING
            with _opened(path) as text:
                table = pd.read_csv(text, **_CSV_READING)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            from recstack.data.files import not_utf8_error

            # pandas names only an offset into its buffer: name the line, as the shape
            # check does for the columns it reads
            located = (not_utf8_error(path, "event log")
                       if isinstance(error, UnicodeDecodeError) else None)
            raise located or RecstackError(f"{path}: not a readable CSV file "
                                           f"({_first_line(error)}); export the event log "
                                           "again") from None
        check_log_columns(list(table.columns), _COLUMNS, path, "events", in_folder=False)
        _text_as_categories(table)

        def where(position: int) -> str:
            return f"{path}: {_csv_line(path, position)}"

        def place(position: int) -> str:  # the messages name the file before it
            return _csv_line(path, position)

        table["timestamp"] = _times_from_text(table["timestamp"], where)
        _check_rows(table, where)
        _warn_of_an_unended_last_line(path, table, place)
    else:
        raise RecstackError(f"{path}: expected a log folder, a .parquet or a .csv file "
                            "(either may be compressed: .gz, .bz2 or .zst)")
    return table[_COLUMNS + [c for c in _IDENTITY_COLUMNS if c in table.columns]], place


#: how pandas reads a CSV event log, whole or a batch at a time (the same values either
#: way): the service writes the ids as text, and a guessed type would make session "007"
#: the same session as "7", and variant "01" the same variant as "1"; and only an empty
#: field is missing, so that a variant or session named "NA", "null" or "None" keeps its
#: name (pandas' default reads those as missing)
_CSV_READING: dict[str, Any] = {
    "dtype": dict.fromkeys(_TEXT_COLUMNS + _OTHER_TEXT_COLUMNS, str),
    "keep_default_na": False, "na_values": [""]}


def _text_as_categories(table: pd.DataFrame) -> None:
    """The id columns of a table read from a CSV file as categories (sorted, each text
    once), as a Parquet log is held: the text of every row was held through the report
    (read_csv's own category type read three times slower)."""
    for column in _TEXT_COLUMNS + _OTHER_TEXT_COLUMNS:
        if column in table.columns:
            table[column] = table[column].astype("category")


#: the endings of a compressed export, and the codec each is read with
_COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}


def _file_kind(path: Path) -> str:
    """``.parquet``, ``.csv`` or another ending of a file, its compression's aside: a
    rotated export (``events.csv.gz``) was "expected a log folder, a .parquet or a .csv
    file"."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _opened(path: Path) -> Any:
    """``path`` opened for reading, decompressed as its ending says (pandas alone needs a
    package of its own for ``.zst``)."""
    import pyarrow as pa

    return pa.input_stream(str(path), compression=_COMPRESSION.get(path.suffix.lower()))


def _check_csv_shape(path: Path) -> None:
    """Refuse, naming the line, what pandas reads without a word: a row with more fields
    than the header (its first fields silently became the index, shifting every column
    after them) and a column name given twice (the second renamed ``variant.1`` and
    ignored)."""
    from recstack.data.files import not_utf8_error, read_delimited

    # every column is text here: only the shape of the file is checked, not its values
    try:
        read_delimited(path, _csv_layout(), {"event": "text"})
    except UnknownColumnError:
        return  # check_log_columns lists the columns the log needs
    except DataFormatError as error:
        # bytes that are not UTF-8 (the reader names their line, the file's other problems
        # have none): its advice, an encoding=, is no option of the event log
        located = not_utf8_error(path, "event log") if error.line is not None else None
        if located is not None:
            raise located from None
        expected = error.expected
        if expected is not None and "encoding=" in expected:
            # the reader's advice for other files; the event log takes no encoding=
            expected = "the file saved as UTF-8 (an event log is read as UTF-8 only)"
        elif expected is not None and "separator=" in expected:
            # nor a separator=: 'pass separator=";"' named an option nothing takes here
            expected = ("fields separated by ',' (an event log is read as comma-separated "
                        "values only: export it again with commas)")
        raise DataFormatError(f"not a readable CSV event log: {error.detail}",
                              file=error.file, line=error.line, column=error.column,
                              expected=expected) from None


def _warn_of_an_unended_last_line(path: Path, table: pd.DataFrame, place: Place) -> None:
    """Warn when a plain CSV file ends without a line end, as a file still being written,
    or cut off by a writer that was killed, does: a line cut inside its other fields lacks
    fields and is refused, but one cut inside its last, ``cost``, holds a shorter number
    (12 for 125), read without a word. Every writer of a log ends its lines."""
    if table.empty or not _ends_unended(path):
        return
    import warnings

    from recstack.data.interactions import caller_stacklevel

    last = len(table) - 1
    cost = table["cost"].iloc[last]
    warnings.warn(
        f"{path}: the file ends without a line end, as a file cut off mid-write does: its "
        f"last line ({place(last)}) may be cut short, and its 'cost' "
        f"({'none' if pd.isna(cost) else shown(_plain(cost))}) with it; if the file was "
        "still being written, export it again", UserWarning, stacklevel=caller_stacklevel())


def _ends_unended(path: Path) -> bool:
    """Whether the plain (not compressed) file at ``path`` holds bytes and ends without a
    line end: a compressed file cut short fails to decompress instead."""
    if path.suffix.lower() in _COMPRESSION:
        return False
    with path.open("rb") as file:
        file.seek(0, 2)
        if file.tell() == 0:
            return False
        file.seek(-1, 2)
        return file.read(1) not in (b"\n", b"\r")


def _csv_layout() -> DelimitedLayout:
    """The layout of an exported event log: values quoted where they hold a comma or a
    line break."""
    from recstack.data.files import DelimitedLayout

    return DelimitedLayout(delimiter=",", newlines_in_values=True)


def _csv_line(path: Path, position: int) -> str:
    """Where row ``position`` of the table read from ``path`` starts, as an editor numbers
    the lines (the header is line 1): a blank line (pandas skips it) or a quoted value
    holding a line break puts the rows after it below ``position + 2``. Read again only
    for a message, so a log without problems is read once."""
    from recstack.data.files import line_of_record

    line, _ = line_of_record(path, _csv_layout(), position)
    # None: the two readers disagree on the records (never seen); the count is still true
    return f"line {line}" if line is not None else f"data row {position + 1}"


def _times_from_text(timestamps: pd.Series, place: Place) -> pd.Series:
    """A CSV file's timestamp column, which can hold a time only as text, as the module's
    other times: ISO 8601 text becomes datetimes in UTC (an offset is applied, a time
    without one is UTC, as Parquet datetimes without a zone are read), numbers stay Unix
    seconds. A column of both is refused, since one of the two is then a mistake, and so
    is text that is neither; missing values are left to ``_check_rows``."""
    if pd.api.types.is_numeric_dtype(timestamps) or timestamps.isna().all():
        return timestamps  # pandas read numbers (or nothing): Unix seconds, or refused later
    given = timestamps.notna().to_numpy()
    text = timestamps.astype(object).where(given, None)
    is_number = given & pd.to_numeric(text, errors="coerce").notna().to_numpy()
    # only text that starts with a year may be a time: pandas' reader takes 'now' too
    dated = given & ~is_number & text.str.match(_STARTS_WITH_A_YEAR, na=False).to_numpy(
        dtype=bool)
    times = pd.to_datetime(text.where(dated, None), format="ISO8601", utc=True,
                           errors="coerce")
    is_time = given & times.notna().to_numpy()

    def refuse(position: int, problem: str) -> None:
        raise RecstackError(f"{place(position)}: 'timestamp' is {text.iloc[position]!r}"
                            f"{problem}; expected {_TEXT_TIME_EXPECTED}")

    neither = given & ~is_number & ~is_time
    if neither.any():
        position = int(neither.argmax())
        refuse(position, _why_not_a_time(text.iloc[position]))
    if is_number.any() and is_time.any():
        # the kind of the first value is the column's; the first value of the other kind
        # is the odd one
        first = int(given.argmax())
        odd = is_time if is_number[first] else is_number
        refuse(int(odd.argmax()), f", {'a time' if is_number[first] else 'a number'} in a "
               f"column of {'numbers' if is_number[first] else 'times'} (the first is "
               f"{text.iloc[first]!r})")
    return times if is_time.any() else timestamps


def _why_not_a_time(text: str) -> str:
    """Why ISO 8601 text was not read as a time, when the reason is not that it is none:
    pandas holds the times of one column at one precision, and at nanoseconds a time
    before 1677 or after 2262 has no place."""
    if re.match(_STARTS_WITH_A_YEAR, text) is None:
        return ", not a time"
    try:
        pd.to_datetime(text, format="ISO8601", utc=True)
    except (ValueError, OverflowError):  # pandas' OutOfBoundsDatetime is a ValueError
        return ", not a time"
    return (", a time that cannot be held with the column's others (at nanoseconds, the "
            "years 1677 to 2262)")




def _check_rows(table: pd.DataFrame, place: Place) -> None:
    """Refuse the first row the metrics would refuse, naming its file and row (``place``):
    the metrics see one table and could only name its row number, which points into no
    file."""
    def refuse(position: int, problem: str) -> None:
        raise RecstackError(f"{place(position)}: {problem}")

    for column in ("variant", "session_id", "event", "timestamp"):
        empty = table[column].isna().to_numpy()
        if empty.any():
            refuse(int(empty.argmax()), f"{column!r} has no value; every event needs one")
    unknown = ~table["event"].isin(EVENT_TYPES).to_numpy()
    if unknown.any():
        position = int(unknown.argmax())
        refuse(position, _unknown_event(_plain(table["event"].iloc[position])))
    for column in ("revenue", "cost"):
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(np.float64)
        given = table[column].notna().to_numpy()
        bad = given & ~(np.isfinite(values) & (values >= 0))
        if bad.any():
            position = int(bad.argmax())
            shown = _plain(table[column].iloc[position])
            # text such as '$3.50' or '1,200': the metrics' advice for it (their words),
            # as for a refund
            hint = f": {MONEY_TEXT_HINT}" if isinstance(shown, str) and not np.isfinite(
                pd.to_numeric(pd.Series([shown]), errors="coerce").iloc[0]) else (
                f" ({REFUND_HINT})" if column == "revenue" and values[position] < 0 else "")
            refuse(position, f"{column!r} is {shown!r}; expected a finite number >= 0 (or "
                   f"none){hint}")
    if not pd.api.types.is_datetime64_any_dtype(table["timestamp"]):
        seconds = pd.to_numeric(table["timestamp"], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(seconds)
        if bad.any():
            position = int(bad.argmax())
            shown = _plain(table["timestamp"].iloc[position])
            refuse(position, f"'timestamp' is {shown!r}; expected {_TIME_EXPECTED}")
    _check_future(table["timestamp"], refuse)
    _check_service_columns(table, refuse)


def _unknown_event(value: Any) -> str:
    """The refusal of an event type that is none of :data:`EVENT_TYPES`, in the words of
    ``POST /events``: the nearest type for a misspelt one or one of another case
    (``'Click'``, ``'clicks'``), and the value as written. It named none ("event 'Click'
    is not one of impression, click, purchase") and showed a number of a Parquet file as
    numpy writes it (``np.int64(0)``)."""
    from recstack.specs import did_you_mean

    listed = ", ".join(EVENT_TYPES)
    if isinstance(value, str):
        return f"event {value!r} is not one of {listed}" \
               f"{did_you_mean(value.strip(), EVENT_TYPES)}"
    kind = ("a boolean" if isinstance(value, bool) else "a number"
            if isinstance(value, int | float) else f"a {type(value).__name__}")
    return (f"event {echoed(shown(value))} ({kind}) is not one of {listed}; give the event "
            "type as text")


def _check_future(timestamps: pd.Series, refuse: Callable[[int, str], None]) -> None:
    """Refuse an event time more than :data:`MAX_EVENT_AHEAD_SECONDS` past the clock, as
    ``POST /events`` does: a time in milliseconds the metrics' own bound (the year 9999)
    lets through as seconds (1e10 is the year 2286), or a clock set years ahead, made a
    session last centuries. Seconds from a start (all below 1973) are left to the
    metrics."""
    import time

    from recstack.serving.schemas import MAX_EVENT_AHEAD_SECONDS, time_unit_hint

    clock = time.time()
    if pd.api.types.is_datetime64_any_dtype(timestamps):
        moments = timestamps.dt.tz_localize("UTC") if timestamps.dt.tz is None \
            else timestamps
        latest = pd.Timestamp(clock + MAX_EVENT_AHEAD_SECONDS, unit="s", tz="UTC")
        ahead = (moments > latest).to_numpy(dtype=bool)
        seconds = None
    else:
        seconds = pd.to_numeric(timestamps, errors="coerce").to_numpy(np.float64)
        ahead = seconds > clock + MAX_EVENT_AHEAD_SECONDS
    if not ahead.any():
        return
    position = int(ahead.argmax())
    if seconds is None:
        shown = str(timestamps.iloc[position])
        hint = ("expected a time up to a day from now, as POST /events accepts; check the "
                "clock that wrote it")
    else:
        shown = f"{seconds[position]:.0f}"
        hint = time_unit_hint(float(seconds[position]), clock)
    refuse(position, f"'timestamp' is {shown}, more than a day ({MAX_EVENT_AHEAD_SECONDS} s) "
           f"past the clock ({clock:.0f}, now): {hint}")


def _check_service_columns(table: pd.DataFrame, refuse: Callable[[int, str], None]) -> None:
    """Refuse, where a file has them, the service's columns the metrics do not read that
    hold what ``POST /events`` never writes: an event without ``user_id`` or ``item_id``,
    and a ``position`` in the list that is not a whole number from 1 (the first item is
    at position 1): such a file was edited or written by something else, and its other
    columns are not to be trusted either."""
    for column in _REQUIRED_IDS:
        if column not in table.columns:
            continue
        values = table[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            # each id looked at once, not once per row
            blank = [code for code, value in enumerate(values.cat.categories)
                     if not str(value).strip()]
            empty = (values.cat.codes.isin(blank) | values.isna()).to_numpy(dtype=bool)
        else:
            empty = values.isna().to_numpy() | values.astype(str).str.strip().eq(
                "").to_numpy()
        if empty.any():
            position = int(empty.argmax())
            refuse(position, f"{column!r} has no value; every event the service logs has "
                   "one (POST /events requires it)")
    if "position" in table.columns:
        given = table["position"].notna().to_numpy()
        numbers = pd.to_numeric(table["position"], errors="coerce").to_numpy(np.float64)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers >= 1)
        bad = given & ~whole
        if bad.any():
            position = int(bad.argmax())
            shown = _plain(table["position"].iloc[position])
            refuse(position, f"'position' is {shown!r}; expected the item's place in the "
                   "served list, a whole number from 1 (the first item), or none")


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, so that a message shows ``inf``, not
    ``np.float64(inf)``."""
    return value.item() if isinstance(value, np.generic) else value


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


#: rows of the log measured at a time on the streamed path (see :func:`_streamed_sessions`)
_BATCH_ROWS = 500_000

#: the multiplier that mixes one column's 64-bit hash into a row's
_MIX = np.uint64(0x9E3779B97F4A7C15)


class _GrowingColumn:
    """A numpy array indexed by a session's global code, grown as sessions are found."""

    def __init__(self, dtype: Any, fill: Any) -> None:
        self.values = np.full(1024, fill, dtype=dtype)
        self.fill = fill

    def ensure(self, size: int) -> None:
        if size > len(self.values):
            grown = np.full(max(size, 2 * len(self.values)), self.fill,
                            dtype=self.values.dtype)
            grown[:len(self.values)] = self.values
            self.values = grown


def _text_hashes(values: pd.Series) -> np.ndarray:
    """A 64-bit hash per row of a categorical text column, of the text itself (equal
    across batches, whose categories differ); a missing value hashes as 0."""
    categories = values.cat.categories.to_numpy(dtype=object)
    hashed = np.append(pd.util.hash_array(categories), np.uint64(0)) if len(categories) \
        else np.zeros(1, dtype=np.uint64)
    # code -1 (missing) takes the appended 0
    return hashed[values.cat.codes.to_numpy()]


def _number_hashes(values: Any) -> np.ndarray:
    """A 64-bit hash per row of a numeric column, equal for values pandas' grouping calls
    equal (every NaN alike, 0.0 and -0.0 alike), whatever the batch's dtype."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64) + 0.0
    numbers[np.isnan(numbers)] = np.nan
    return pd.util.hash_array(numbers)


def _row_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One 64-bit hash per row of ``columns`` of ``frame``, equal for rows alike in each."""
    hashes = np.zeros(len(frame), dtype=np.uint64)
    for number, column in enumerate(columns, start=1):
        values = frame[column]
        column_hashes = (_text_hashes(values) if isinstance(values.dtype, pd.CategoricalDtype)
                         else _number_hashes(values))
        # the column's place mixed in, so that (a, b) and (b, a) differ
        hashes = (hashes ^ column_hashes) * _MIX + np.uint64(number)
    return hashes


class _SessionSums:
    """The sufficient statistics of :func:`_sessions` for a log read in batches: per session
    its variant, event counts, amounts and first and last time, in arrays keyed by a global
    code of the session's text; and compact keys (64-bit hashes) of what the checks that
    need every row compare. :meth:`add` says False where a batch, or the batches so far
    together, may hold what the metrics refuse or warn of: the log is then measured whole,
    so that the message is the one it always was."""

    def __init__(self, identity_columns: list[str]) -> None:
        self.identity_columns = identity_columns
        self.session_codes: dict[str, int] = {}
        self.session_names: list[str] = []
        self.variant_codes: dict[str, int] = {}
        self.variant_keys: set[str] = set()
        self.variant = _GrowingColumn(np.int64, -1)
        self.counts = {event: _GrowingColumn(np.int64, 0) for event in EVENT_TYPES}
        self.revenue = _GrowingColumn(np.float64, 0.0)
        self.cost = _GrowingColumn(np.float64, 0.0)
        #: the running compensations of the sums (see _compensated_add)
        self.revenue_error = _GrowingColumn(np.float64, 0.0)
        self.cost_error = _GrowingColumn(np.float64, 0.0)
        #: the rows (session codes, revenue, cost) not yet summed: the sums take whole
        #: blocks of _SUM_BLOCK_ROWS, cut as the whole log's, whatever the batches' size
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending_rows = 0
        self.first_time = _GrowingColumn(np.float64, np.inf)
        self.last_time = _GrowingColumn(np.float64, -np.inf)
        self.amount_totals = {"revenue": 0.0, "cost": 0.0}
        self.early_times = self.late_times = False
        self.rows = 0
        self.text_dtype: Any = object
        #: hashes of each row (or of its event_id), of shown and of clicked (session, item)
        self.row_keys: list[np.ndarray] = []
        self.shown_keys: list[np.ndarray] = []
        self.clicked_keys: list[np.ndarray] = []

    def add(self, events: pd.DataFrame) -> bool:
        """Fold one batch in; False where the log must be measured whole (see the class)."""
        from recstack.metrics.online import _UNIX_TIMES_FROM

        if events.empty:
            return True
        for column in _TEXT_COLUMNS:
            values = events[column]
            if not isinstance(values.dtype, pd.CategoricalDtype) or any(
                    not isinstance(value, str) or value != value.strip()
                    for value in values.cat.categories):
                # numbers beside text, or padded text, may read alike across batches
                return False
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                _check_rows(events, str)
                log = validate_events(events)
        except RecstackError:
            return False
        if caught:  # a repeated row within the batch
            return False
        times = log["timestamp"].to_numpy(np.float64)
        self.early_times |= bool((times < _UNIX_TIMES_FROM).any())
        self.late_times |= bool((times >= _UNIX_TIMES_FROM).any())
        for column in ("revenue", "cost"):
            self.amount_totals[column] += float(log[column].to_numpy().sum())
            # near 2**53 whole amounts add up inexactly, and past 1.8e308 to inf: refused
            if not self.amount_totals[column] < 2.0**52:
                return False
        if self.early_times and self.late_times:
            return False
        if not self._add_sessions(log):
            return False
        if "event_id" in events.columns:
            ids = events["event_id"]
            given = ids.notna().to_numpy()
            if isinstance(ids.dtype, pd.CategoricalDtype):
                if any(isinstance(value, str) and value != value.strip()
                       for value in ids.cat.categories):
                    return False
                self.row_keys.append(_text_hashes(ids)[given])
            else:
                self.row_keys.append(_number_hashes(ids)[given])
        else:
            extra = [column for column in events.columns if column not in log.columns]
            self.row_keys.append(_row_hashes(pd.concat([log, events[extra]], axis=1),
                                             [*log.columns, *extra]))
        if "item_id" in events.columns:
            pairs = _row_hashes(events, ["session_id", "item_id"])
            kinds = events["event"].to_numpy(dtype=object)
            self.shown_keys.append(np.unique(pairs[kinds == "impression"]))
            self.clicked_keys.append(pairs[kinds == "click"])
        self.rows += len(events)
        return True

    def _add_sessions(self, log: pd.DataFrame) -> bool:
        variants = log["variant"]
        # the text's own type (pandas' str), as the whole log's grouping gives it
        self.text_dtype = variants.cat.categories.dtype
        for name in variants.cat.categories.tolist():
            if name not in self.variant_codes:
                key = name.casefold()
                if key in self.variant_keys:  # 'B' beside 'b': refused with both rows named
                    return False
                self.variant_keys.add(key)
                self.variant_codes[name] = len(self.variant_codes)
        variant_of_category = np.array([self.variant_codes[name]
                                        for name in variants.cat.categories.tolist()],
                                       dtype=np.int64)
        sessions = log["session_id"]
        local = sessions.cat.codes.to_numpy().astype(np.int64)
        size = len(sessions.cat.categories)
        used = np.bincount(local, minlength=size) > 0
        codes = np.full(size, -1, dtype=np.int64)
        names = sessions.cat.categories.to_numpy(dtype=object)
        known = self.session_codes
        for position in np.flatnonzero(used):
            name = names[position]
            code = known.get(name)
            if code is None:
                code = known[name] = len(self.session_names)
                self.session_names.append(name)
            codes[position] = code
        for column in (self.variant, self.revenue, self.cost, self.first_time,
                       self.last_time, *self.counts.values()):
            column.ensure(len(self.session_names))
        # one variant per session within the batch (validate_events); across batches here
        row_variant = variant_of_category[variants.cat.codes.to_numpy()]
        batch_variant = np.full(size, -1, dtype=np.int64)
        batch_variant[local] = row_variant
        held = self.variant.values[codes[used]]
        if ((held != -1) & (held != batch_variant[used])).any():
            return False
        self.variant.values[codes[used]] = batch_variant[used]
        kinds = log["event"].to_numpy(dtype=object)
        for event, column in self.counts.items():
            column.values[codes[used]] += np.bincount(local[kinds == event],
                                                      minlength=size)[used]
        self.revenue_error.ensure(len(self.session_names))
        self.cost_error.ensure(len(self.session_names))
        self.pending.append((codes[local], log["revenue"].to_numpy(np.float64),
                             log["cost"].to_numpy(np.float64)))
        self.pending_rows += len(local)
        if self.pending_rows >= _metrics_module._SUM_BLOCK_ROWS:
            self._sum_pending(whole_blocks_only=True)
        times = log["timestamp"].to_numpy(np.float64)
        first, last = np.full(size, np.inf), np.full(size, -np.inf)
        np.minimum.at(first, local, times)
        np.maximum.at(last, local, times)
        self.first_time.values[codes[used]] = np.minimum(
            self.first_time.values[codes[used]], first[used])
        self.last_time.values[codes[used]] = np.maximum(
            self.last_time.values[codes[used]], last[used])
        return True

    def _sum_pending(self, *, whole_blocks_only: bool) -> None:
        """Add the pending rows into the revenue and cost sums, block by block as the whole
        log's (see _compensated_add); ``whole_blocks_only``: the rows past the last whole
        block stay pending, for the next batch to complete."""
        if not self.pending:
            return
        row_codes, revenue, cost = (np.concatenate(parts) for parts in zip(*self.pending,
                                                                          strict=True))
        block = _metrics_module._SUM_BLOCK_ROWS  # read here: the tests make it small
        summed = len(row_codes) // block * block if whole_blocks_only else len(row_codes)
        for values, column, compensation in ((revenue, self.revenue, self.revenue_error),
                                             (cost, self.cost, self.cost_error)):
            _compensated_add(column.values, compensation.values, row_codes[:summed],
                             values[:summed])
        self.pending = [(row_codes[summed:], revenue[summed:], cost[summed:])]
        self.pending_rows = len(row_codes) - summed

    def sessions(self) -> pd.DataFrame | None:
        """The table of :func:`_sessions`, or None where the checks across batches find
        what the metrics refuse or warn of (a repeated row or event id, a click on an
        item its session was not shown)."""
        if not self.rows:
            return None
        keys = np.concatenate(self.row_keys)
        if len(np.unique(keys)) != len(keys):
            return None
        del keys
        if self.clicked_keys:
            shown_pairs = np.unique(np.concatenate(self.shown_keys))
            if not np.isin(np.concatenate(self.clicked_keys), shown_pairs).all():
                return None
        self._sum_pending(whole_blocks_only=False)
        count = len(self.session_names)
        names = np.array(self.session_names, dtype=object)
        order = np.argsort(names, kind="stable")
        variant_names = np.array(list(self.variant_codes), dtype=object)
        table = pd.DataFrame(
            {
                "variant": pd.array(variant_names[self.variant.values[:count][order]],
                                    dtype=self.text_dtype),
                "impressions": self.counts["impression"].values[:count][order],
                "clicks": self.counts["click"].values[:count][order],
                "purchases": self.counts["purchase"].values[:count][order],
                "revenue": self.revenue.values[:count][order],
                "cost": self.cost.values[:count][order],
                "duration_s": (self.last_time.values[:count]
                               - self.first_time.values[:count])[order],
            },
            index=pd.Index(names[order], dtype=self.text_dtype, name="session_id"))
        table["bounced"] = (table["clicks"] == 0) & (table["purchases"] == 0)
        return table


def _streamed_sessions(location: Any) -> pd.DataFrame | None:
    """The table of :func:`_sessions` of the Parquet log at ``location`` (a log folder or
    one uncompressed file) or of its CSV export (:func:`_streamed_csv_sessions`), read
    :data:`_BATCH_ROWS` rows at a time and reduced batch by
    batch (:class:`_SessionSums`), in memory that grows with the sessions, not the events
    (the log read whole took about 256 MiB per million events); None where the log is to
    be read whole: another kind of file, or one that the metrics refuse or warn of, so
    that every message stays as it was."""
    from recstack.serving.request_log import log_batches, plain_parts

    if not isinstance(location, str | Path):
        return None
    path = Path(location)
    if special_file_problem(path) is not None:
        return None
    if path.is_dir():
        path = path / "events" if (path / "events").is_dir() else path
    elif path.is_file() and _file_kind(path) == ".csv":
        return _streamed_csv_sessions(path)
    elif not (path.is_file() and path.suffix.lower() == ".parquet"):
        return None
    found = plain_parts(path, "events", _COLUMNS)
    if found is None:
        return None
    import pyarrow as pa

    files, names = found
    columns = [c for c in (*_COLUMNS, *_IDENTITY_COLUMNS) if c in names]
    sums = _SessionSums([c for c in _IDENTITY_COLUMNS if c in names])
    try:
        if _holds_text(files[0], "timestamp"):
            return None  # ISO 8601 text: read (or refused) with the column whole
        for batch in log_batches(files, columns=columns, batch_rows=_BATCH_ROWS):
            if not sums.add(batch):
                return None
    except (OSError, pa.ArrowException):
        # only the footers were checked: a damaged data page was arrow's bare "OSError:
        # Unexpected end of stream", and a part pruned since the listing a
        # FileNotFoundError; the whole-log reading names the file, or lists the log again
        return None
    return sums.sessions()


def _streamed_csv_sessions(path: Path) -> pd.DataFrame | None:
    """:func:`_streamed_sessions` of a CSV event log (compressed or not): read by pandas
    :data:`_BATCH_ROWS` rows at a time with the options of the whole log's reading
    (:data:`_CSV_READING`: the same parser, so the same numbers, bit for bit), after the
    same check of the file's shape; None, so that the log is read whole and its problem
    named as it always was, where that check or a batch finds one, where the file ends
    without a line end (warned of), or where a column's kind of value changes from batch
    to batch (numbers in one, text in another), which a reading of the whole column
    resolves, or refuses, as one. The whole file read at once took about 350 MiB per
    million events, twice a Parquet log's peak."""
    import pyarrow as pa

    if _ends_unended(path):
        return None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _check_csv_shape(path)
    except RecstackError:
        return None
    if caught:
        return None  # given once, by the whole reading
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sums = _csv_sums(path)
    except (RecstackError, pd.errors.ParserError, pd.errors.EmptyDataError,
            UnicodeDecodeError, OSError, pa.ArrowException):
        # the parser's own errors, those the whole reading catches (and names by line);
        # any other ValueError is a fault of this path, to be seen, not hidden as a slower
        # reading
        return None
    if caught or sums is None:
        # pandas' own (a column of mixed types): given by the whole reading, as it was
        return None
    return sums.sessions()


def _csv_sums(path: Path) -> _SessionSums | None:
    """The batches of the CSV log at ``path`` folded into :class:`_SessionSums`; None where
    one is to be read whole (see :func:`_streamed_csv_sessions`)."""
    sums: _SessionSums | None = None
    kinds: dict[str, str] = {}
    with _opened(path) as text, pd.read_csv(
            text, **_CSV_READING, usecols=lambda name: name in _READ_COLUMNS,
            chunksize=_BATCH_ROWS) as batches:
        for batch in batches:
            if sums is None:
                if any(column not in batch.columns for column in _COLUMNS):
                    return None  # named by check_log_columns on the whole reading
                sums = _SessionSums([c for c in _IDENTITY_COLUMNS if c in batch.columns])
            _text_as_categories(batch)
            if "event_id" in batch.columns \
                    and not pd.api.types.is_numeric_dtype(batch["event_id"]):
                # text ids as categories, as a Parquet log's: hashed by their text
                batch["event_id"] = batch["event_id"].astype("category")
            batch["timestamp"] = _times_from_text(batch["timestamp"], str)
            for column in batch.columns:
                kind = _value_kind(batch[column])
                if kinds.setdefault(column, kind) != kind:
                    return None
            if not sums.add(batch[[c for c in (*_COLUMNS, *_IDENTITY_COLUMNS)
                                   if c in batch.columns]]):
                return None
    return sums


def _value_kind(values: pd.Series) -> str:
    """What a batch's column holds, as far as its reading as a whole could differ: numbers
    (an empty column, all missing, is numbers too), times of a unit, or text."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return f"times of {values.dtype}"
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return "numbers"
    return "text" if not values.isna().all() else "numbers"


def _holds_text(path: Path, column: str) -> bool:
    """Whether ``column`` of the Parquet file at ``path`` holds text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    field = pq.read_schema(path).field(column)
    return bool(pa.types.is_string(field.type) or pa.types.is_large_string(field.type))


@arguments_named
def online_report(location: str | Path, *, control: str | None = None,
                  alpha: float = 0.05) -> OnlineReport:
    """Measure the event log at ``location`` (see the module docstring).

    Parameters
    ----------
    location : str or Path
        As :func:`read_events`.
    control : str, optional
        The variant the others are compared with (default: ``"control"`` or ``"default"``
        when present, else the first in sorted order).
    alpha : float
        1 - the confidence level of the intervals.
    """
    from recstack.metrics._validation import exact_as_float
    from recstack.specs import number_spelling_hint

    # NaN fails too; every test would be "not tested" otherwise. Read by the metrics' rule
    # (exact_as_float): Decimal("0.05"), which compare_variants takes, was refused here
    given, alpha = alpha, exact_as_float(alpha)
    if not is_real(alpha) or not 0 < float(alpha) < 1:
        # alpha="0.05" and alpha=5 were refused without saying what is taken
        percentage = (" (a share, not a percentage: 0.05 for 5%)"
                      if is_real(alpha) and 1 < float(alpha) < 100 else "")
        raise RecstackError(f"alpha must be between 0 and 1 (exclusive), got "
                            f"{shown_number(given)}{percentage}"
                            f"{number_spelling_hint(given, float, 'alpha')}")
    alpha = float(alpha)
    if control is not None and not isinstance(control, str):
        # control=1 beside a variant named "1" was "not in the log": variants are text
        raise RecstackError(f"control must be a variant's name as text (e.g. 'control' or "
                            f"{str(control)!r}), got {type(control).__name__} {control!r:.40}")
    sessions = _streamed_sessions(location)
    if sessions is not None:
        table = _variant_metrics(sessions)
    else:
        events, place = _read_events(location)
        try:
            # validated and grouped once for the table and every test (each test had read
            # a log of millions of events again, and repeated its warnings)
            sessions = _sessions(validate_events(events, place=place))
            table = _variant_metrics(sessions)
        except RecstackError as error:  # e.g. a session in two variants: name the log
            raise RecstackError(f"{location}: {error}") from None
        _warn_of_unshown_clicks(events, place, location)
        del events
    variants = [str(v) for v in table.index]
    if control is None:
        control = next((v for v in ("control", "default") if v in variants), variants[0])
    elif control not in variants:
        from recstack.specs import closest

        # the one nearest-name rule, a difference of case first: difflib's ratio alone
        # gave 'CONTROL' no suggestion
        close = closest(control, variants)
        hint = f"; did you mean {close!r}?" if close else ""
        raise RecstackError(f"control variant {control!r} is not in the log; variants: "
                            f"{', '.join(variants)}{hint}")
    report = OnlineReport(table, control)
    testable = [m for m, kind in ONLINE_METRICS.items() if kind != "untestable"]
    for treatment in variants:
        if treatment == control:
            continue
        for metric in testable:
            try:
                report.tests.append(_compare_sessions(sessions, metric, control, treatment,
                                                      alpha=alpha))
            except RecstackError as error:  # e.g. no clicks: conversion is undefined
                report.skipped.append(f"{metric} {treatment} vs {control}: {error}")
    return report


def _warn_of_unshown_clicks(events: pd.DataFrame, place: Place, location: Any) -> None:
    """Warn, once, of clicks on an item of which the click's session logged no impression,
    where the log names items: each is counted (CTR is clicks over impressions), though
    the log does not show that it was a click on a recommendation; a CTR above 1 was the
    only sign, and only once such clicks outnumbered a variant's impressions."""
    if "item_id" not in events.columns:
        return
    keys = ["session_id", "item_id"]
    clicked = (events["event"] == "click").to_numpy()
    shown_pairs = pd.MultiIndex.from_frame(events.loc[events["event"] == "impression", keys])
    unshown = np.zeros(len(events), dtype=bool)
    unshown[clicked] = ~pd.MultiIndex.from_frame(events.loc[clicked, keys]).isin(shown_pairs)
    if not unshown.any():
        return
    import warnings

    from recstack.data.interactions import caller_stacklevel

    first = int(unshown.argmax())
    warnings.warn(
        f"{location}: {int(unshown.sum()):,} click(s) on an item their session never logged "
        f"an impression of, the first at {place(first)} ('item_id' "
        f"{shown(events['item_id'].iloc[first])}, 'session_id' "
        f"{shown(events['session_id'].iloc[first])}); each is counted in the CTR, which "
        "is then no share of the impressions shown: is every impression posted to "
        "/events?", UserWarning, stacklevel=caller_stacklevel())


@arguments_named
def render_report(report: OnlineReport) -> str:
    """The report as Markdown tables."""
    if not isinstance(report, OnlineReport):
        # a frame of online_metrics or the log's path was an AttributeError ("... has no
        # attribute 'metrics'")
        raise RecstackError(f"render_report: report must be the OnlineReport that "
                            f"online_report returns, got {type(report).__name__}; call "
                            "render_report(online_report(location))")
    columns = ["sessions", "impressions", "clicks", "purchases", "ctr", "conversion_rate",
               "bounce_rate", "roi", "engagement", "revenue_per_session"]
    lines = ["| variant | " + " | ".join(columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for variant, row in report.metrics.iterrows():
        lines.append(f"| {markdown_cell(variant)} | "
                     + " | ".join(_number(row[c]) for c in columns) + " |")
    if report.tests:
        lines += ["", f"Against the control {report.control!r}:", "",
                  "| metric | variant | control | variant value | difference | CI | p-value "
                  "| test |", "|---|---|---|---|---|---|---|---|"]
        for t in report.tests:
            lines.append(f"| {t.metric} | {markdown_cell(t.treatment)} | "
                         f"{_number(t.control_value)} | "
                         f"{_number(t.treatment_value)} | {_number(t.difference)} | "
                         f"[{_number(t.ci_low)}, {_number(t.ci_high)}] | "
                         f"{_number(t.p_value)} | {t.test} |")
    for note in report.skipped:
        lines.append(f"not tested: {note}")
    return "\n".join(lines)


def markdown_cell(value: Any) -> str:
    """``value`` as the text of one cell of a Markdown table: a ``|`` escaped (``\\|``) and
    a line break or other control character written as its escape (``\\n``), so that the
    cell stays one cell on its row. A variant named ``a|b`` in an event file (or an item id
    holding one in a skew mismatch) split its row into one column too many, shifting every
    number after it under the next heading, and a name holding a line break cut its row
    in two."""
    text = str(value)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text.replace("|", "\\|")


def _number(value: float) -> str:
    value = float(value)
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.4g}"
