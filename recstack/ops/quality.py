"""Data quality checks on a batch of interactions, with thresholds from a pipeline file.

Each check looks at one partition as read from its files (a pyarrow table, before anything
is converted, so that wrong types and nulls can be counted rather than refused on the first
row) and returns a :class:`CheckResult`: ``passed``, ``warned``, ``failed`` or ``skipped``,
with the count of offending rows, their share and up to five examples.

The checks (``[quality]`` table of a pipeline file, :class:`QualitySpec`):

``schema``
    ``user_id`` and ``item_id`` (integers or text), ``timestamp`` (integer Unix seconds)
    and, for explicit data, ``value`` (numbers) are present with those types. A failure
    here skips the checks that read the column.
``empty``
    The partition has rows.
``nulls``
    The share of rows with an empty value (a null, a NaN, or blank text in an id column)
    in a column the pipeline reads: the ids, the timestamp, the value of explicit data and
    any ``read_columns`` of :func:`check_partition` (a context column a model or a rule
    reads). Such a row is an event the run cannot use, and training would refuse it.
    Empty values of the other columns (an optional ``device`` or ``country``) are named in
    the message but neither counted nor warned of: they change nothing the pipeline
    computes, an optional column is often partly empty by design, and counting them
    failed healthy runs while the one way out, a higher threshold, let empty ids through
    too; a warning on every run would teach readers to skip the warnings that matter.
    Thresholds in ``[quality.nulls]``, as for the share checks below.
``range``, ``duplicates``, ``future``, ``before_floor``, ``outside_partition``,
``unknown_items``, ``unknown_users``
    Shares of rows with a value outside the rating range, a repeated
    ``(user_id, item_id, timestamp)`` (ids trimmed, as the pipeline reads them), a
    timestamp after the run's clock, before ``timestamp_floor`` (without one, before
    1970-01-01: negative Unix seconds) or outside the period the partition's folder names
    (late events, or a file put in the wrong folder), an item not in the catalog or a user
    not in the user table (ids trimmed too). Each has a ``[quality.NAME]`` table with
    ``warn`` and ``fail``: a share above ``fail`` fails, above ``warn`` warns.
``volume``
    Rows against the median of the previous ``volume_history`` partitions: a ratio (either
    way) above ``volume_warn`` warns, above ``volume_fail`` fails.

A failed check stops a pipeline before training (:class:`QualityFailure`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recstack.data.interactions import ITEM_ID, TIMESTAMP, USER_ID, VALUE
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.metrics._validation import exact_as_float
from recstack.specs import (
    Spec,
    arguments_named,
    build_spec,
    fields_of,
    option,
    toml_shown,
    whole_exact_as_int,
)

__all__ = ["CheckResult", "QualityFailure", "QualitySpec", "ShareThreshold",
           "check_partition", "SHARE_CHECKS"]

PASSED, WARNED, FAILED, SKIPPED = "passed", "warned", "failed", "skipped"
EXAMPLES = 5


@dataclass(frozen=True)
class ShareThreshold(Spec):
    """Shares of offending rows that warn and fail (a ``[quality.NAME]`` table)."""

    warn: float = option(0.0, "a share of offending rows above this warns", low=0.0, high=1.0)
    fail: float = option(0.0, "a share of offending rows above this fails", low=0.0, high=1.0)

    def check(self) -> None:
        if self.fail < self.warn:
            raise ConfigError(_crossed_thresholds("warn", self.warn, "fail", self.fail,
                                                  "a share of offending rows"))


#: the share checks and their default thresholds (warn, fail)
SHARE_CHECKS: dict[str, tuple[float, float]] = {
    "nulls": (0.0, 0.0),
    "range": (0.0, 0.0),
    "duplicates": (0.0, 0.01),
    "future": (0.0, 0.0),
    "before_floor": (0.0, 0.0),
    "outside_partition": (0.0, 0.01),
    "unknown_items": (0.0, 0.01),
    "unknown_users": (1.0, 1.0),  # new users are normal: reported, never a stop
}


@dataclass(frozen=True)
class QualitySpec(Spec):
    """The ``[quality]`` table of a pipeline file (the share checks' thresholds are in
    :attr:`shares`, from its ``[quality.NAME]`` sub-tables)."""

    timestamp_floor: str | None = option(None, "timestamps before this date (ISO 8601, UTC) "
                                         "are counted by the before_floor check (without "
                                         "it, negative ones: before 1970-01-01)",
                                         dates=True)
    volume_history: int = option(4, "previous partitions whose median row count the volume "
                                 "check compares with", low=1)
    volume_warn: float = option(2.0, "a row-count ratio (either way) above this warns",
                                low=1.0)
    volume_fail: float = option(10.0, "a row-count ratio (either way) above this fails",
                                low=1.0)
    max_missing_partitions: int = option(0, "gaps in the sequence of partitions above this "
                                         "fail", low=0)
    shares: dict | None = option(None, "thresholds of the share checks, by name")

    def check(self) -> None:
        if self.volume_fail < self.volume_warn:
            raise ConfigError(_crossed_thresholds("volume_warn", self.volume_warn,
                                                  "volume_fail", self.volume_fail,
                                                  "a row-count ratio"))
        if self.timestamp_floor is not None:
            floor_seconds(self.timestamp_floor)
        object.__setattr__(self, "shares", _checked_shares(self.shares))

    @classmethod
    def from_table(cls, table: dict[str, Any], file: str = "") -> QualitySpec:
        """From a ``[quality]`` table: plain keys, and a sub-table per share check;
        ``file`` starts the messages (``"PIPELINE.toml: "``)."""
        where = f"{file}[quality] "
        if not isinstance(table, dict):
            raise ConfigError(f"{where}expected a table")
        plain_keys = [key for key in fields_of(cls) if key != "shares"]
        # a table under a plain key's name (volume_warn = {}) is that key's wrong value: it
        # was read as a share check's sub-table, "[quality.volume_warn]: not a check with
        # thresholds", as if the key itself did not exist
        plain = {k: v for k, v in table.items() if not isinstance(v, dict) or k in plain_keys}
        if "shares" in plain:
            raise ConfigError(f"{where}unknown key 'shares'; give each check's thresholds "
                              f"as a table, e.g. [quality.duplicates] warn = 0.0 fail = 0.01")
        for name, value in plain.items():
            if name in SHARE_CHECKS:
                # the check exists: what is wrong is the value, not the key
                warn, fail = SHARE_CHECKS[name]
                raise ConfigError(f"{where}{name} = {toml_shown(value)}: a share check's "
                                  f"thresholds are a table, e.g. [quality.{name}] warn = {warn} "
                                  f"fail = {fail} (shares of rows in [0, 1])")
        stray = [key for key in plain if key not in plain_keys]
        if stray:
            from recstack.specs import did_you_mean

            raise ConfigError(f"{where}unknown key {stray[0]!r}"
                              f"{did_you_mean(stray[0], [*plain_keys, *SHARE_CHECKS])}; known "
                              f"keys: {', '.join(plain_keys)}, and a table per share check: "
                              + ", ".join(SHARE_CHECKS))
        shares = {name: ShareThreshold(*default) for name, default in SHARE_CHECKS.items()}
        for name, sub in table.items():
            if not isinstance(sub, dict) or name in plain_keys:
                continue
            if name not in SHARE_CHECKS:
                from recstack.specs import did_you_mean

                raise ConfigError(f"{file}[quality.{name}]: not a check with thresholds"
                                  f"{did_you_mean(name, SHARE_CHECKS)}; they are: "
                                  + ", ".join(SHARE_CHECKS))
            default = dict(zip(("warn", "fail"), SHARE_CHECKS[name], strict=True))
            shares[name] = _built(ShareThreshold, sub, default, f"{file}[quality.{name}] ",
                                  ("warn", "fail"))
        if "shares" in plain:
            raise ConfigError(f"{where}unknown key 'shares'")
        spec = _built(cls, plain, {}, where, ("volume_warn", "volume_fail"))
        object.__setattr__(spec, "shares", shares)
        return spec


def _built(cls: type, given: dict, default: dict, where: str, pair: Sequence[str]) -> Any:
    """``build_spec(cls, default | given, where)``, a refusal naming a setting of ``pair``
    the table left out as "(the default)" (:func:`_defaults_named`)."""
    try:
        return build_spec(cls, default | given, where)
    except ConfigError as error:
        named = _defaults_named(error, given, pair)
        if named is error:
            raise
        raise named from None


def _crossed_thresholds(warn_key: str, warn: float, fail_key: str, fail: float,
                        measured: str) -> str:
    """The refusal of a warning threshold above its failing one, naming both and the two
    ways out: either key may be the one the user changed (or the one left at its default),
    and it named the failing one first ("fail = 0.01 must be at least warn = 0.05") as if
    that were the mistake, where the user had raised warn alone."""
    return (f"{warn_key} = {warn} and {fail_key} = {fail} are crossed: {measured} above "
            f"{warn_key} warns and above {fail_key} fails, so {warn_key} must be at most "
            f"{fail_key}; lower {warn_key} to {fail} or less, or raise {fail_key} to {warn} "
            "or more")


def _defaults_named(error: ConfigError, given: Any, keys: Sequence[str]) -> ConfigError:
    """``error`` with each of ``keys`` the table left out marked "(the default)" where the
    message shows its value: a refusal across two settings (:func:`_crossed_thresholds`)
    shows both, and one of them may be a value the file never wrote."""
    message = str(error)
    for key in keys:
        if key not in given:
            message = re.sub(rf"(?<![\w.]){re.escape(key)} = [^\s,;:]+", r"\g<0> (the default)",
                             message, count=1)
    # any other refusal stays as it was raised (its kind too: an unquoted date's)
    return error if message == str(error) else ConfigError(message)


def _checked_shares(shares: dict | None) -> dict[str, ShareThreshold]:
    """Every share check's thresholds, from ``QualitySpec(shares=...)``: a
    :class:`ShareThreshold` or a ``{"warn": ..., "fail": ...}`` dict per check name, the
    checks left out at their defaults. A misspelt name (kept, while the check it meant ran
    at its default) or a bare number (an AttributeError in the first partition's check)
    is refused naming it."""
    checked = {name: ShareThreshold(*default) for name, default in SHARE_CHECKS.items()}
    if shares is None:
        return checked
    from recstack.specs import did_you_mean

    for name, value in shares.items():
        if name not in SHARE_CHECKS:
            raise ConfigError(f"QualitySpec: shares has no check {name!r}"
                              f"{did_you_mean(name, SHARE_CHECKS)}; the checks with "
                              f"thresholds are: {', '.join(SHARE_CHECKS)}")
        if isinstance(value, dict):
            default = dict(zip(("warn", "fail"), SHARE_CHECKS[name], strict=True))
            value = _built(ShareThreshold, value, default, f"QualitySpec: shares[{name!r}] ",
                           ("warn", "fail"))
        elif not isinstance(value, ShareThreshold):
            warn, fail = SHARE_CHECKS[name]
            raise ConfigError(f"QualitySpec: shares[{name!r}] = {value!r}: expected the "
                              f"check's thresholds, ShareThreshold(warn={warn}, fail={fail}) "
                              f"or {{'warn': {warn}, 'fail': {fail}}} (shares of rows in "
                              "[0, 1])")
        checked[name] = value
    return checked


@dataclass
class CheckResult:
    """One check of one partition."""

    check: str
    status: str
    count: int = 0
    share: float = 0.0
    examples: list[Any] = field(default_factory=list)
    message: str = ""
    partition: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        where = f"{self.partition}: " if self.partition else ""
        examples = f" e.g. {self.examples}" if self.examples else ""
        return f"{self.status.upper():7s} {where}{self.check}: {self.message}{examples}"


class QualityFailure(RecstackError):
    """A quality check failed: the pipeline stops before training."""


def floor_seconds(text: str) -> int:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise ConfigError(f"timestamp_floor = {toml_shown(text)}: expected a date such as "
                          '"2000-01-01" (ISO 8601, UTC)') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    if moment > now:
        # every event of every partition would then fail the before_floor check at run time
        raise ConfigError(f"timestamp_floor = {toml_shown(text)} is in the future (today is "
                          f"{now.date().isoformat()}): every event would be counted as "
                          "before the floor; give the earliest date real events can have")
    return int(moment.timestamp())


def _share_status(name: str, count: int, total: int, spec: QualitySpec) -> tuple[str, float]:
    share = count / total if total else 0.0
    assert spec.shares is not None  # filled in by QualitySpec.check
    threshold = spec.shares[name]
    if share > threshold.fail:
        return FAILED, share
    if share > threshold.warn:
        return WARNED, share
    return PASSED, share


def _examples(values: Any) -> list[Any]:
    """Up to :data:`EXAMPLES` values as JSON holds them: a non-finite number (the range
    check's NaN or infinite value) as its text, ``'inf'``, since JSON has no such number."""
    shown = [v.item() if isinstance(v, np.generic) else v for v in list(values[:EXAMPLES])]
    return [str(v) if isinstance(v, float) and not math.isfinite(v) else v for v in shown]


# ------------------------------------------------------------------------------ checks
@arguments_named
def check_partition(table: pa.Table, spec: QualitySpec, *, label: str = "",
                    rating_range: tuple[float, float] | None = None,
                    explicit: bool = True, now: int | None = None,
                    previous_rows: list[int] | None = None,
                    period: tuple[int, int] | None = None,
                    catalog_items: np.ndarray | None = None,
                    catalog_users: np.ndarray | None = None,
                    read_columns: Sequence[str] = ()) -> list[CheckResult]:
    """Every check of the module on one partition's rows.

    Parameters
    ----------
    table
        The partition as read from its files.
    spec
        Thresholds.
    label
        The partition's name, for the results.
    rating_range
        ``(low, high)`` for the range check (skipped when None).
    explicit
        Whether a ``value`` column is required.
    now
        The clock (Unix seconds) of the future check (default: the current time).
    previous_rows
        Row counts of the partitions before this one, oldest first (volume check).
    period
        ``[start, end)`` in Unix seconds that the partition's folder names (the
        outside_partition check is skipped when None).
    catalog_items, catalog_users
        Known item and user ids (the unknown-id checks are skipped when None).
    read_columns
        Columns of the log read besides the ids, the timestamp and (``explicit``) the
        value: a context column a model or a rule reads. They must be present, and their
        empty values count in the nulls check; the empty values of every other column are
        reported there, not counted (why: the module docstring, ``nulls``).
    """
    now = check_clock(now, "check_partition")
    # exact numbers are the numbers they name, as every setting of recstack reads them: a
    # rating range of Decimal("0.5") or a period of whole Decimals was refused
    if isinstance(rating_range, tuple | list):
        rating_range = tuple(exact_as_float(x) for x in rating_range)  # type: ignore[assignment]
    if isinstance(period, tuple | list):
        period = tuple(whole_exact_as_int(x) for x in period)  # type: ignore[assignment]
    if previous_rows is not None and not isinstance(previous_rows, str | bytes | dict) \
            and hasattr(previous_rows, "__iter__"):
        # one pass: a generator was used up by the check below, then sliced (a TypeError)
        previous_rows = list(previous_rows)
    _check_arguments(table, spec, label=label, rating_range=rating_range, explicit=explicit,
                     previous_rows=previous_rows, period=period, read_columns=read_columns,
                     catalogs={"catalog_items": catalog_items,
                               "catalog_users": catalog_users})
    results: list[CheckResult] = []

    def add(check: str, status: str, message: str, count: int = 0, share: float = 0.0,
            examples: list[Any] | None = None) -> None:
        results.append(CheckResult(check, status, int(count), float(share), examples or [],
                                   message, label))

    n = table.num_rows
    if n == 0:
        add("empty", FAILED, "the partition has no rows" if table.num_columns
            else "the partition has no data files")
        return results
    add("empty", PASSED, counted(n, "row"))
    usable = _schema(table, explicit, add, read_columns)

    read = _read_columns(explicit, read_columns)
    null_rows = np.zeros(n, dtype=bool)
    nulls_where: list[str] = []
    unread: dict[str, int] = {}
    any_nan = any_blank = unread_nan = False
    # by position: a name written twice (a file's columns) was a KeyError by name
    for name, column in zip(table.column_names, table.columns, strict=True):
        empty, nan, blank = _empty_rows(name, column)
        if not empty.any():
            continue
        if name not in read:
            unread[name] = unread.get(name, 0) + int(empty.sum())
            unread_nan = unread_nan or bool(nan.any())
            continue
        null_rows |= empty
        nulls_where.append(name)
        any_nan = any_nan or bool(nan.any())
        any_blank = any_blank or bool(blank.any())
    count = int(null_rows.sum())
    status, share = _share_status("nulls", count, n, spec)
    notes = [note for note, seen in (("a NaN counts as empty", any_nan),
                                     ("blank text ids count as empty", any_blank)) if seen]
    add("nulls", status, f"{counted(count, 'row')} with an empty value"
        + (f" (in {'; '.join([', '.join(nulls_where), *notes])})" if nulls_where else "")
        + _unread_note(unread, unread_nan), count, share,
        _examples(np.flatnonzero(null_rows)))

    if VALUE in usable and rating_range is not None:
        values = table.column(VALUE).to_numpy(zero_copy_only=False).astype(np.float64)
        low, high = rating_range
        # a NaN is the nulls check's to count, as a null is
        outside = _valid(table, VALUE) & ~np.isnan(values) & (
            (values < low) | (values > high) | np.isinf(values))
        count = int(outside.sum())
        status, share = _share_status("range", count, n, spec)
        add("range", status, f"{counted(count, 'value')} outside [{low:g}, {high:g}]", count, share,
            _examples(values[outside]))
    elif VALUE in usable and _infinite_rows(table.column(VALUE)).any():
        # with no rating range declared, an infinite value passed every check and the run
        # failed at training ("non-finite value(s)")
        infinite = _infinite_rows(table.column(VALUE))
        count = int(infinite.sum())
        status, share = _share_status("range", count, n, spec)
        values = table.column(VALUE).to_numpy(zero_copy_only=False).astype(np.float64)
        add("range", status, f"{counted(count, 'infinite value')} (no rating range "
                             f"declared: values "
            "must still be finite numbers)", count, share, _examples(values[infinite]))
    else:
        add("range", SKIPPED, "no rating range declared" if rating_range is None
            else "no usable value column")

    if {USER_ID, ITEM_ID, TIMESTAMP} <= usable:
        keys = table.select([USER_ID, ITEM_ID, TIMESTAMP]).to_pandas()
        # the ids as the pipeline reads them, trimmed: " a" and "a" are one user there, so
        # two such rows are one event twice; a row with an empty key is the nulls check's
        read_keys = pd.DataFrame({USER_ID: _read_ids(table, USER_ID),
                                  ITEM_ID: _read_ids(table, ITEM_ID),
                                  TIMESTAMP: keys[TIMESTAMP].to_numpy()})
        present = _present(table, USER_ID) & _present(table, ITEM_ID) \
            & _valid(table, TIMESTAMP)
        repeated = np.zeros(n, dtype=bool)
        repeated[present] = read_keys[present].duplicated(keep="first").to_numpy()
        count = int(repeated.sum())
        status, share = _share_status("duplicates", count, n, spec)
        add("duplicates", status, f"{counted(count, 'row')} "
            f"{'repeats' if count == 1 else 'repeat'} an earlier (user_id, item_id, "
            "timestamp)", count, share,
            [tuple(_examples(row)) for row in keys[repeated].head(EXAMPLES).to_numpy()])
    else:
        add("duplicates", SKIPPED, "needs user_id, item_id and timestamp")

    if TIMESTAMP in usable:
        times = table.column(TIMESTAMP).to_numpy(zero_copy_only=False)
        valid = _valid(table, TIMESTAMP)
        clock = int(dt.datetime.now(dt.UTC).timestamp()) if now is None else int(now)
        late = valid & (times > clock)
        count = int(late.sum())
        status, share = _share_status("future", count, n, spec)
        add("future", status, f"{counted(count, 'timestamp')} after the run's clock"
            + _unit_hint(times[late], clock), count, share,
            [_iso(t) for t in times[late][:EXAMPLES]])
        if spec.timestamp_floor is not None:
            floor = floor_seconds(spec.timestamp_floor)
            early = valid & (times < floor)
            count = int(early.sum())
            status, share = _share_status("before_floor", count, n, spec)
            add("before_floor", status, f"{counted(count, 'timestamp')} before "
                                        f"{spec.timestamp_floor}",
                count, share, [_iso(t) for t in times[early][:EXAMPLES]])
        else:
            # without a floor, negative Unix seconds (before 1970, a sentinel or a wrong
            # conversion, never a log event) were accepted without a word
            early = valid & (times < 0)
            count = int(early.sum())
            if count:
                status, share = _share_status("before_floor", count, n, spec)
                add("before_floor", status, f"{counted(count, 'negative timestamp')} (before "
                    "1970-01-01; no timestamp_floor declared, so the floor is the Unix "
                    "epoch)", count, share, [_iso(t) for t in times[early][:EXAMPLES]])
            else:
                add("before_floor", SKIPPED, "no timestamp_floor declared (and no timestamp "
                    "before 1970-01-01)")
        if period is not None:
            outside = valid & ((times < period[0]) | (times >= period[1]))
            count = int(outside.sum())
            status, share = _share_status("outside_partition", count, n, spec)
            add("outside_partition", status, f"{counted(count, 'timestamp')} outside the "
                                             f"partition's "
                f"period [{_iso(period[0])}, {_iso(period[1])})", count, share,
                [_iso(t) for t in times[outside][:EXAMPLES]])
        else:
            add("outside_partition", SKIPPED, "no period given")
    else:
        for check in ("future", "before_floor", "outside_partition"):
            add(check, SKIPPED, "no usable timestamp column")

    for check, column, known in (("unknown_items", ITEM_ID, catalog_items),
                                 ("unknown_users", USER_ID, catalog_users)):
        if known is None:
            add(check, SKIPPED, "no catalog declared")
            continue
        if column not in usable:
            add(check, SKIPPED, f"no usable {column} column")
            continue
        # trimmed, as the pipeline reads them: " 5" is the catalog's "5" there
        ids = _read_ids(table, column)
        known = _trimmed_text(np.asarray(known))
        unknown = _present(table, column) & ~np.isin(ids, known)
        count = int(unknown.sum())
        status, share = _share_status(check, count, n, spec)
        ids_are_numbers = pa.types.is_integer(table.schema.field(column).type)
        # a float catalog (ids read with a NaN) matches integer ids by value: not text
        catalog_numbers = known.dtype.kind in "iuf" or (
            known.dtype.kind == "O" and pd.api.types.infer_dtype(known, skipna=True)
            in ("integer", "floating", "mixed-integer-float"))
        # every id "unknown" because the catalog writes them another way (5 and "5")
        why = "" if not count or ids_are_numbers == catalog_numbers or not len(known) else (
            f" (the catalog's ids are {'integers' if catalog_numbers else 'text'}, this "
            f"column's {'integers' if ids_are_numbers else 'text'}: 5 and '5' differ; store "
            "them with one type)")
        article = "an" if column == ITEM_ID else "a"
        add(check, status, f"{counted(count, 'row')} with {article} {column} not in the "
            f"catalog{why}", count, share, _examples(np.unique(ids[unknown])))

    if previous_rows:
        recent = previous_rows[-spec.volume_history:]
        median = float(np.median(recent))
        ratio = max(n / median, median / n) if median > 0 else float("inf")
        status = (FAILED if ratio > spec.volume_fail else WARNED if ratio > spec.volume_warn
                  else PASSED)
        add("volume", status, f"{counted(n, 'row')} against a median of {median:,.0f} over the "
            f"previous {counted(len(recent), 'partition')} (ratio {ratio:.2f})", n, ratio)
    else:
        add("volume", SKIPPED, "no previous partitions to compare with")
    return results


def _check_arguments(table: Any, spec: Any, *, label: Any, rating_range: Any,
                     explicit: Any, previous_rows: Any, period: Any, read_columns: Any,
                     catalogs: dict[str, Any]) -> None:
    """Refuse an argument of :func:`check_partition` that is not what it documents, naming
    it: a pandas frame, a dict of thresholds, a rating range or a period as text were
    AttributeErrors and TypeErrors from inside a check, and a reversed rating range (5, 1)
    failed every row of the range check without a word about the range itself."""
    where = "check_partition"
    if not isinstance(table, pa.Table):
        hint = (" (convert a pandas DataFrame with pyarrow.Table.from_pandas(frame, "
                "preserve_index=False))" if isinstance(table, pd.DataFrame) else "")
        raise ConfigError(f"{where}: table must be a pyarrow.Table of the partition's rows, "
                          f"got {type(table).__name__}{hint}")
    if not isinstance(spec, QualitySpec):
        raise ConfigError(f"{where}: spec must be a QualitySpec (e.g. QualitySpec() or "
                          f"QualitySpec(volume_warn=3.0)), got {type(spec).__name__}")
    if not isinstance(label, str):
        raise ConfigError(f"{where}: label must be the partition's name as text, got "
                          f"{label!r}")
    if not isinstance(explicit, bool | np.bool_):
        raise ConfigError(f"{where}: explicit must be True or False, got {shown(explicit)}")
    for name, pair, words in (("rating_range", rating_range, "(low, high) of the ratings, "
                               "low < high"),
                              ("period", period, "(start, end) in Unix seconds, start < end")):
        if pair is None:
            continue
        numbers = (int, np.integer) if name == "period" else (int, float, np.number)
        if isinstance(pair, str | bytes) or not hasattr(pair, "__len__") or len(pair) != 2 \
                or any(isinstance(x, bool | np.bool_) or not isinstance(x, numbers)
                       or not np.isfinite(x) for x in pair) or not pair[0] < pair[1]:
            raise ConfigError(f"{where}: {name} must be {words}, or None, got {pair!r}")
    if previous_rows is not None and (
            isinstance(previous_rows, str | bytes | dict)
            or not hasattr(previous_rows, "__iter__")
            or any(isinstance(x, bool | np.bool_) or not isinstance(x, int | np.integer)
                   or x < 0 for x in previous_rows)):
        raise ConfigError(f"{where}: previous_rows must be a list of the row counts (whole "
                          "numbers >= 0) of the partitions before this one, oldest first, "
                          f"or None, got {previous_rows!r:.80}")
    if isinstance(read_columns, str | bytes) or not isinstance(read_columns, list | tuple) \
            or not all(isinstance(c, str) and c.strip() for c in read_columns):
        # one name alone would be read letter by letter, as columns 'd', 'e', 'v'...
        raise ConfigError(f"{where}: read_columns must be a list of column names (e.g. "
                          f"['device']), or empty, got {read_columns!r:.80}")
    for name, known in catalogs.items():
        if known is not None and (isinstance(known, str | bytes) or np.ndim(known) != 1):
            raise ConfigError(f"{where}: {name} must be a 1-D list or array of the known "
                              f"ids, or None, got {known!r:.80}")


def check_clock(now: Any, where: str) -> int | None:
    """The clock of the future check: whole Unix seconds (an int, or a whole ``Decimal`` or
    ``Fraction``, as every count), or None for the current time; returned as an int."""
    given, now = now, whole_exact_as_int(now)
    if now is not None and (isinstance(now, bool) or not isinstance(now, int | np.integer)):
        raise ConfigError(f"{where}: now must be whole Unix seconds (an int) or None, got "
                          f"{shown(given)}")
    from recstack.data.interactions import LAST_SECOND

    if now is not None and not 0 <= now <= LAST_SECOND:
        # a clock in milliseconds flagged no row as in the future, a negative one every row
        beyond = "after the year 9999" if now > 0 else "before 1970"
        flagged = "no row" if now > 0 else "every row after 1969"
        raise ConfigError(f"{where}: now={int(now)} is {beyond} read as Unix seconds, so the "
                          f"future-timestamp check would flag {flagged} as in the future; "
                          "give the clock in seconds (one in milliseconds is 1000 "
                          "times too large), or None for the current time")
    return None if now is None else int(now)


#: the id columns: blank text there is an empty id (the loaders trim ids)
_IDS = (USER_ID, ITEM_ID)


def _read_columns(explicit: bool, read_columns: Sequence[str]) -> set[str]:
    """The columns whose empty values the nulls check counts: those the pipeline reads
    (why only those: the module docstring, ``nulls``)."""
    return {*_IDS, TIMESTAMP, *([VALUE] if explicit else []), *read_columns}


def _empty_rows(name: str, column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray]:
    """Rows where ``column`` is empty, and among them the NaN and blank-text ones.

    A NaN in a float column is an empty value as a null is (what numpy and Spark write
    for a missing number): without a rating range, NaN values passed every check and the
    run failed at training, "non-finite value(s)". Blank text in an id column (``''``,
    ``' '``) is an empty id: the loaders trim ids and refuse an empty one, so such rows
    passed the checks and the run failed at training ("row 3 holds an empty id")."""
    nan = _nan_rows(column)
    blank = _blank_rows(column) if name in _IDS else np.zeros(len(column), dtype=bool)
    empty = nan | blank
    if column.null_count:
        empty = empty | ~np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False),
                                    dtype=bool)
    return empty, nan, blank


def _blank_rows(column: pa.ChunkedArray) -> np.ndarray:
    """Rows where a text ``column`` holds only whitespace (none for other types, nor for
    nulls)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return np.zeros(len(column), dtype=bool)
    trimmed = pc.utf8_trim_whitespace(column)
    return np.asarray(pc.fill_null(pc.equal(trimmed, ""), False)
                      .to_numpy(zero_copy_only=False), dtype=bool)


def _present(table: pa.Table, name: str) -> np.ndarray:
    """Rows where id column ``name`` holds an id (not null, not blank text)."""
    return _valid(table, name) & ~_blank_rows(table.column(name))


def _read_ids(table: pa.Table, name: str) -> np.ndarray:
    """Id column ``name`` as the pipeline reads it: text trimmed of surrounding
    whitespace (the one id rule of every loader, recstack.data.idmap.trim_text_ids)."""
    column = table.column(name)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.utf8_trim_whitespace(column)
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _trimmed_text(known: np.ndarray) -> np.ndarray:
    """Catalog ids as :func:`_read_ids` reads the partition's: text trimmed."""
    if known.dtype.kind == "U" or (known.dtype.kind == "O" and len(known)
                                   and pd.api.types.infer_dtype(known, skipna=True)
                                   == "string"):
        return np.array([v.strip() if isinstance(v, str) else v for v in known.tolist()],
                        dtype=object)
    return known


def _unread_note(unread: dict[str, int], any_nan: bool) -> str:
    """The nulls check's report of empty values in columns the pipeline does not read
    (:func:`_read_columns`: reported, not counted)."""
    if not unread:
        return ""
    where = ", ".join(f"{counted(count, 'row')} in {name}" for name, count in unread.items())
    nan = " (a NaN counts as empty)" if any_nan else ""
    return f"; not counted, as the pipeline does not read the column: {where}{nan}"


def _nan_rows(column: pa.ChunkedArray) -> np.ndarray:
    """Rows where a float ``column`` holds NaN (none for other types, nor for nulls)."""
    if not pa.types.is_floating(column.type):
        return np.zeros(len(column), dtype=bool)
    return np.asarray(pc.fill_null(pc.is_nan(column), False).to_numpy(zero_copy_only=False),
                      dtype=bool)


def _infinite_rows(column: pa.ChunkedArray) -> np.ndarray:
    """Rows where a float ``column`` holds +-inf (none for other types, nor for nulls)."""
    if not pa.types.is_floating(column.type):
        return np.zeros(len(column), dtype=bool)
    return np.asarray(pc.fill_null(pc.is_inf(column), False).to_numpy(zero_copy_only=False),
                      dtype=bool)


def _valid(table: pa.Table, name: str) -> np.ndarray:
    """Rows where column ``name`` has a value (its nulls are the nulls check's to count)."""
    column = table.column(name)
    if not column.null_count:
        return np.ones(table.num_rows, dtype=bool)
    return np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)


def _schema(table: pa.Table, explicit: bool, add: Any,
            read_columns: Sequence[str] = ()) -> set[str]:
    """Check the columns and types (a read context column: of any type); returns the
    columns the other checks may read."""
    wanted: dict[str, tuple[Any, str]] = {
        USER_ID: (lambda t: pa.types.is_integer(t) or pa.types.is_string(t)
                  or pa.types.is_large_string(t), "integers or text"),
        ITEM_ID: (lambda t: pa.types.is_integer(t) or pa.types.is_string(t)
                  or pa.types.is_large_string(t), "integers or text"),
        TIMESTAMP: (pa.types.is_integer, "integer Unix seconds"),
    }
    if explicit:
        wanted[VALUE] = (lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
                         "numbers")
    for name in read_columns:
        wanted.setdefault(name, (lambda t: True, "any type"))
    problems = []
    usable = set()
    names = table.column_names
    for name, (accepts, words) in wanted.items():
        if name not in names:
            problems.append(f"no column {name!r}")
        elif names.count(name) > 1:
            # which of them the checks would read is anyone's guess (a KeyError before)
            problems.append(f"column {name!r} appears {names.count(name)} times")
        elif not accepts(table.schema.field(name).type):
            problems.append(f"column {name!r} holds {table.schema.field(name).type} "
                            f"(expected {words})")
        else:
            usable.add(name)
    if problems:
        add("schema", FAILED, "; ".join(problems) + f" (the columns are: {', '.join(names)})",
            len(problems))
    else:
        add("schema", PASSED, "columns and types as expected")
    return usable


#: the finer units a log job may write timestamps in, and how many of each a second holds
_FINER_UNITS = (("milliseconds", 1_000), ("microseconds", 1_000_000),
                ("nanoseconds", 1_000_000_000))


def _unit_hint(late: np.ndarray, clock: int) -> str:
    """The likely cause of timestamps after the clock when every one of them, read in a
    finer unit, falls between 1970 and the clock: the examples ("51300-06-05T21:03:20Z")
    did not say that the column held milliseconds where Unix seconds are due."""
    # a hundred times the clock at least: a late event or a skewed clock (an hour ahead)
    # is no other unit
    if not len(late) or late.min() < 100 * max(clock, 1):
        return ""
    for unit, per_second in _FINER_UNITS:
        if late.max() // per_second <= clock:
            return (f" (read as {unit} they fall before the clock: the timestamp column "
                    f"seems to hold {unit}, not the Unix seconds it must hold; divide it "
                    f"by {per_second:,} when writing the partition)")
    return ""


def _iso(seconds: Any) -> str:
    """A timestamp as ISO 8601 text; one past numpy's int64 calendar (an unsigned column
    holding -1 as 2**64 - 1) as its number, where it raised OverflowError mid-check."""
    try:
        return str(np.datetime64(int(seconds), "s")) + "Z"
    except (OverflowError, ValueError):
        return f"{int(seconds)} s after 1970 (beyond the calendar)"


def summary(results: list[CheckResult]) -> dict[str, int]:
    """How many checks passed, warned, failed and were skipped."""
    return {status: sum(r.status == status for r in results)
            for status in (PASSED, WARNED, FAILED, SKIPPED)}
