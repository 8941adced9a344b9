"""Leakage-free train/test splits.

Every split shares the id vocabularies between its parts (indices mean the same thing in
train and test), is seeded, and reports what it had to set apart instead of keeping or
losing it silently: test rows whose item never occurs in training (no model can rank
it), test rows of users with no training rows (unless held-out users are the point),
and test rows repeating a (user, item) pair that is already in training (evaluation
excludes seen items, so such a row can never be hit).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from recstack.data.dates import held_scalar
from recstack.data.filters import to_unix_seconds
from recstack.data.interactions import (
    FIRST_SECOND,
    LAST_SECOND,
    Interactions,
    caller_stacklevel,
    flag_values,
    is_one_of,
    not_a_selection,
    reordered_rows,
    require_interactions,
    seed_value,
)
from recstack.errors import ConfigError, EmptyResultError, RecstackError, counted, shown
from recstack.specs import SEED_MAX, Registry, Spec, arguments_named, did_you_mean, option

#: why a split chose no test row of a user, by method ('' for the per-user holdouts)
_WHY_NO_TEST_ROWS = {"": "too little history to hold any out",
                     "temporal": "no rows at or after the cutoff",
                     "given": "none of their rows was flagged as test"}


class NoFoldInWarning(UserWarning):
    """A held-out-users split (:func:`user_split`) left some held-out test users without a
    fold-in row: every row of theirs became a test target (a user with a single row, or
    one whose ``fold_in_fraction`` of a few rows rounds to none), or their revealed rows
    were set apart (items never seen in training). A model scores such users as strangers;
    the evaluator's ``NoHistoryWarning`` came only later, and only for a tenth of them."""


@dataclass(frozen=True)
class SplitReport:
    """Sizes of each part and every row the split set apart, with the reason."""

    method: str
    params: dict[str, Any]
    train_rows: int
    test_rows: int
    fold_in_rows: int
    test_users: int
    cold_item_rows: int = 0
    cold_user_rows: int = 0
    repeated_pair_rows: int = 0
    cold_fold_in_rows: int = 0
    users_without_test: int = 0
    #: of ``users_without_test``, those with rows chosen for test that were all set apart
    users_test_set_apart: int = 0

    @property
    def set_apart_rows(self) -> int:
        return (self.cold_item_rows + self.cold_user_rows + self.repeated_pair_rows
                + self.cold_fold_in_rows)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"set_apart_rows": self.set_apart_rows}

    def __str__(self) -> str:
        # counts in agreement with their nouns ("1 row", not "1 rows")
        lines = [
            f"{self.method} split ({_parameters(self.params)})",
            f"  train: {counted(self.train_rows, 'row')}",
            f"  test:  {counted(self.test_rows, 'row')} for "
            f"{counted(self.test_users, 'user')}",
        ]
        if self.fold_in_rows:
            lines.append(f"  fold-in history of held-out users: "
                         f"{counted(self.fold_in_rows, 'row')}")
        set_apart = [(self.cold_item_rows, "test row", "whose item never occurs in train"),
                     (self.cold_user_rows, "test row", "of users with no train rows"),
                     (self.repeated_pair_rows, "test row", "repeating a train "
                      + ("or fold-in " if self.fold_in_rows else "") + "(user, item) pair"),
                     (self.cold_fold_in_rows, "fold-in row", "whose item never occurs in train")]
        for count, noun, reason in set_apart:
            if count:
                lines.append(f"  set apart: {counted(count, noun)} {reason}")
        # Two reasons, told apart: a user none of whose rows was chosen for test, and one
        # whose chosen rows were all set apart (a leave-last-out user whose last item is
        # new was reported as having "too little history" before).
        never_chosen = self.users_without_test - self.users_test_set_apart
        if never_chosen:
            lines.append(f"  {counted(never_chosen, 'user')} {_has(never_chosen)} no test rows "
                         f"({_WHY_NO_TEST_ROWS.get(self.method, _WHY_NO_TEST_ROWS[''])})")
        if self.users_test_set_apart:
            lines.append(f"  {counted(self.users_test_set_apart, 'user')} "
                         f"{_has(self.users_test_set_apart)} no test rows left "
                         "(every test row of theirs was set apart, as counted above)")
        return "\n".join(lines)


@dataclass(frozen=True)
class Split:
    """``train`` to fit on, ``test`` to evaluate on, ``fold_in`` (held-out users' revealed
    history, handed to the model at test time), and ``set_apart`` (test rows removed,
    counted in ``report``)."""

    train: Interactions
    test: Interactions
    set_apart: Interactions
    report: SplitReport
    fold_in: Interactions | None = None


# --------------------------------------------------------------------------- the splits
def _exact_as_read(given: Any, read: Any) -> Any:
    """A fraction given as an exact number (``Decimal``, ``Fraction``) as the float its
    spec read (numpy refused a Decimal in arithmetic, and JSON a Fraction in the report);
    a 0-d numpy array as the scalar it holds (:func:`held_scalar`); any other as given
    (``np.float32(0.4)`` is reported as 0.4, its own shortest form)."""
    given = held_scalar(given)
    return read if isinstance(given, Decimal | Fraction) else given


def exact_share(fraction: Any) -> Fraction:
    """A share as the exact number it is written as: a float by its shortest spelling
    (``0.35`` is 35/100, not the binary 0.34999999999999997...), a ``Decimal`` or
    ``Fraction`` as it is. The count it gives (:func:`share_count`) is then the same for
    ``0.35``, ``Decimal("0.35")`` and ``Fraction(7, 20)``."""
    if isinstance(fraction, Fraction | Decimal):
        return Fraction(fraction)
    if isinstance(fraction, np.floating):
        return Fraction(str(fraction))  # numpy's shortest spelling for its precision
    return Fraction(repr(float(fraction)))


def share_count(fraction: Any, count: Any) -> Any:
    """The one rounding rule of every split's share: ``fraction x count`` rounded to the
    nearest whole number, a half rounded up (0.5 x 5 users is 2.5: 3 users), with
    ``fraction`` read exactly as written (:func:`exact_share`): in floating point 0.9 x 15
    is 13.499999999999998 and 0.009 x 1500 is 13.499999999999998, which rounded down where
    the half they are rounds up. ``count``: an int (an int back) or an integer array (an
    int64 array back, one count per element)."""
    share = exact_share(fraction)

    def one(n: int) -> int:
        # floor(share x n + 1/2) in integers: no float rounding at all
        return (2 * share.numerator * n + share.denominator) // (2 * share.denominator)

    if isinstance(count, np.ndarray):
        sizes, where = np.unique(count, return_inverse=True)
        return np.array([one(int(n)) for n in sizes], dtype=np.int64)[where].reshape(
            count.shape)
    return one(int(count))


#: whole numbers from this on given for a share are a slip, not a count (as the specs' hint)
_COUNT_FOR_A_SHARE_MOST = 10**9


def refuse_a_count_for_a_share(given: Any, argument: str, method: str, meaning: str,
                               things: str, total: int | Callable[[], int]) -> None:
    """Refuse a share given as a count (``test_users=5`` for five users) with the share
    that count is of these data's ``total`` ``things``: "5 users would be
    test_users=0.0025 of these 2,000 users". The spec, which has no data, can only say
    "the share 5 / the number of users". ``meaning``: what the share is ("the share of
    users held out of training"). A share, or a value that is no whole number above 1, is
    left to the spec's checks; so is a count of empty data. Shared with the Spark splits,
    whose ``total`` is a function, called only for a count (it runs a job)."""
    number = held_scalar(given)
    if isinstance(number, bool | np.bool_) or not isinstance(number, numbers.Real | Decimal):
        return
    try:
        # a numpy scalar as the Python number it holds: Fraction takes no np.float32
        exact = Fraction(number.item() if isinstance(number, np.generic)
                         else number)  # type: ignore[arg-type]
    except (ValueError, OverflowError):  # NaN, infinity: the spec's own words
        return
    if exact.denominator != 1 or not 1 <= exact < _COUNT_FOR_A_SHARE_MOST:
        return
    count = int(exact)
    total = total() if callable(total) else total
    if total < 1:
        return
    if count == 1 and total > 1:
        # 1 is both the whole (as a share) and one of them (as a count): it was told only
        # "must be in (0, 1)", with no word of the share that one of them is
        raise ConfigError(
            f"{method}: {argument}={shown(given)} must be in (0, 1): it is {meaning}, and "
            f"as a share 1 is all of these {total:,} {things}, of which some must stay in "
            f"training; one {things[:-1]} would be "
            f"{argument}={_share_of(1, total)}")
    if count < total:
        meant = (f"{count:,} {things} would be {argument}={_share_of(count, total)} of "
                 f"these {total:,} {things}")
    else:
        # a part of the data must train: the most a count can be is total - 1
        most = (f": at most {total - 1:,} ({argument}={_share_of(total - 1, total)})"
                if total > 1 else "")
        meant = (f"{count:,} {things} would be {'all of' if count == total else 'more than'} "
                 f"these {total:,} {things}, and some must stay in training{most}")
    percent = f", and {count}% is {Decimal(count) / 100}" if count < 100 else ""
    raise ConfigError(
        f"{method}: {argument}={shown(given)} must be in (0, 1): it is {meaning}, not a "
        f"count{' or a percentage' if percent else ''}: {meant}{percent}")


def _share_of(count: int, total: int) -> str:
    """The shortest decimal share that gives ``count`` of ``total`` by the one rounding
    rule (:func:`share_count`): 5 of 2,000 is 0.0025, 5 of 3,000 is 0.0017 (0.002 would
    be 6)."""
    exact = Fraction(count, total)
    places = 1
    while True:
        candidate = round(exact, places)
        if candidate > 0 and share_count(candidate, total) == count:
            text = f"{Decimal(candidate.numerator) / Decimal(candidate.denominator):.{places}f}"
            return text.rstrip("0")
        places += 1


@arguments_named
def random_split(data: Interactions, test_fraction: float = 0.2, *, seed: int = 0) -> Split:
    """Per-user random holdout: each user's rows are shuffled and ``round(test_fraction *
    n)`` of them (at most ``n - 1``, so every user keeps a training row) go to test.

    Rounding (:func:`share_count`, the rule of every split's share): to the nearest whole
    number, a half up, with ``test_fraction`` read as written: 0.25 of 2 rows is 0.5, one
    test row; 0.25 of 6 rows is 1.5, two; 0.9 of 15 rows is 13.5, fourteen."""
    require_interactions(data, "random_split")
    # the declared checks, naming the argument
    spec = RandomSplit(test_fraction, seed)
    test_fraction, seed = _exact_as_read(test_fraction, spec.test_fraction), spec.seed
    _require_rows(data)
    position, size = _rank_within_user(data, np.random.default_rng(seed).random(len(data)))
    n_test = np.minimum(share_count(test_fraction, size), size - 1)
    is_test = position < n_test[data.user_index]
    if not is_test.any():
        raise EmptyResultError(random_split_chose_none(test_fraction, int(size.max())))
    return _finish(data, is_test, "random", {"test_fraction": test_fraction, "seed": seed})


def refuse_cutoff_beyond_the_years(given: Any, cutoff_s: int) -> None:
    """Refuse a cutoff (``given``, read as ``cutoff_s`` Unix seconds) outside the years
    1-9999: its date was a numpy overflow ("int too big to convert"); one machine's and
    Spark's temporal splits say it in these words."""
    if FIRST_SECOND <= cutoff_s <= LAST_SECOND:
        return
    beyond = "after the year 9999" if cutoff_s > 0 else "before the year 1"
    raise ConfigError(
        f"temporal split: cutoff={shown(given)} is {beyond} read as Unix seconds, so "
        f"{'every row is training' if cutoff_s > 0 else 'no row is training'}; a "
        "number is a time in seconds (one in milliseconds is 1000 times too "
        "large), or give an ISO date such as 2020-01-31")


@arguments_named
def temporal_split(data: Interactions, cutoff: int | str | None = None, *,
                   test_fraction: float | None = None) -> Split:
    """Global temporal split: rows before ``cutoff`` train, rows at or after it test.

    Give ``cutoff`` (Unix seconds or an ISO date) or ``test_fraction`` (the cutoff is then
    the time that leaves that share of rows for test). Training never sees the future.

    With ``test_fraction`` the cutoff is the time of the latest ``k`` rows' earliest, where
    ``k`` is ``test_fraction x n`` of the ``n`` rows rounded by the one rule of every
    split's share (:func:`share_count`: to the nearest whole number, a half up; 0.34 of 10
    rows is 3 rows, 0.35 is 4), at most ``n - 1`` so that a row trains; a share that rounds
    to no row is refused, saying the least share that gives one
    (:func:`temporal_cutoff_position`).

    Ties: every row at the cutoff time is test, whatever its row order, so the split never
    depends on the order of the rows: when many rows share that time, all of them are test,
    and a test part well over the share asked for is warned of (:class:`TiedCutoffWarning`).
    """
    require_interactions(data, "temporal_split")
    timestamps = _require_timestamps(data)
    _require_rows(data)
    if (cutoff is None) == (test_fraction is None):
        raise ConfigError("temporal split: give exactly one of cutoff or test_fraction")
    given = cutoff
    if cutoff is not None:
        # the one rule (and words) for a time given as an argument, before the settings'
        # check: numpy's NaT and pandas' were refused in two ways, and a float cutoff as
        # "expected an integer or a string", naming none of the date types taken
        cutoff = to_unix_seconds(cutoff, "cutoff")
    refuse_a_count_for_a_share(test_fraction, "test_fraction", "temporal split",
                               "the share of all rows, the latest, held out for test", "rows",
                               len(data))
    test_fraction = _exact_as_read(test_fraction,
                                   TemporalSplit(cutoff, test_fraction).test_fraction)
    if test_fraction is not None:
        # the time of the row at that sorted position: the share by share_count (it was
        # numpy's "higher" 1 - f quantile, which kept 1 + floor(f x (n - 1)) rows: 4 of 10
        # for 0.34, and one row of 1,000 for 0.0001, which rounds to none)
        position = temporal_cutoff_position(test_fraction, len(timestamps))
        cutoff_s = int(np.partition(timestamps, position)[position])
    else:
        cutoff_s = cutoff  # type: ignore[assignment]
        refuse_cutoff_beyond_the_years(given, cutoff_s)
    _refuse_cutoff_outside(timestamps, cutoff_s, test_fraction)
    is_test = timestamps >= cutoff_s
    if test_fraction is not None:
        _warn_of_a_tied_cutoff(timestamps, is_test, cutoff_s, test_fraction)
    params: dict[str, Any] = {"cutoff": cutoff_s}
    if test_fraction is not None:
        params["test_fraction"] = test_fraction
    return _finish(data, is_test, "temporal", params)


def temporal_cutoff_position(test_fraction: Any, total: int) -> int:
    """The sorted position (from 0, earliest first) of the row whose time is the cutoff of
    a temporal split by ``test_fraction`` of ``total`` rows: the latest
    ``share_count(test_fraction, total)`` rows are test, at most ``total - 1`` (a row
    trains). A share that rounds to no row is refused (:class:`EmptyResultError`), naming
    the least share that gives one. Shared with the Spark split, which finds the time at
    this position from per-day counts."""
    test_rows = min(share_count(test_fraction, total), total - 1)
    if test_rows < 1 and total > 1:
        raise EmptyResultError(
            f"temporal split left no test rows (test_fraction={_plain(test_fraction)}): the "
            f"test part is the latest test_fraction x the {total:,} rows, rounded (a half "
            f"up), which is no row; raise test_fraction to at least {_ceil_3(0.5 / total)}, "
            "or give a cutoff (a time) instead")
    return total - max(test_rows, 1)


class TiedCutoffWarning(UserWarning):
    """A temporal split by ``test_fraction`` chose a cutoff time that many rows share: every
    row at or after the cutoff is test, so the test part is much larger than the share
    asked for (a tenth asked, three quarters given, when most rows have one time)."""


class TiedLastRowsWarning(TiedCutoffWarning):
    """``leave_last_out`` (or ``user_split(by_time=True)``) held out a user's last rows
    where a row of the same time stays in training (or in the revealed history), and the
    rows' order within those ties follows their item ids or their values: the test targets
    are then chosen by that order, not by time. A file sorted by item within a user
    (MovieLens latest-small's ``ratings.csv``, where many ratings share one second) holds
    out the highest item ids of each tie (the movies added to MovieLens last). Where the
    tied rows stand in no such order (MovieLens 100K's ``u.data`` lists ratings in no
    order) row order already breaks the ties as a shuffle would, and nothing is said."""


def _warn_of_tied_last_rows(data: Interactions, is_test: np.ndarray, position: np.ndarray,
                            n_test: np.ndarray | int, method: str, before: str) -> None:
    """Warn (:class:`TiedLastRowsWarning`) of the users whose earliest test row (at
    ``position`` ``n_test - 1``, rows ranked latest first) has the time of their latest
    row kept (at ``n_test``), naming how many and one example; nothing when no user's
    boundary is tied. Whole-array work on the two boundary rows of each user."""
    timestamps = data.timestamp
    if timestamps is None or not is_test.any():
        return
    times = timestamps.astype(np.int64)
    n_of_row = n_test if isinstance(n_test, int) else n_test[data.user_index]
    tested = np.zeros(data.n_users, bool)
    tested[data.user_index[is_test]] = True
    last_test = is_test & (position == n_of_row - 1)
    first_kept = tested[data.user_index] & ~is_test & (position == n_of_row)
    earliest_test = np.zeros(data.n_users, np.int64)
    earliest_test[data.user_index[last_test]] = times[last_test]
    latest_kept = np.zeros(data.n_users, np.int64)
    latest_kept[data.user_index[first_kept]] = times[first_kept]
    kept = np.zeros(data.n_users, bool)  # a held-out user may keep no row (fold-in)
    kept[data.user_index[first_kept]] = True
    tied = kept & (earliest_test == latest_kept)
    if not tied.any():
        return
    test_row = np.zeros(data.n_users, np.int64)
    test_row[data.user_index[last_test]] = np.flatnonzero(last_test)
    kept_row = np.zeros(data.n_users, np.int64)
    kept_row[data.user_index[first_kept]] = np.flatnonzero(first_kept)
    tied_users = np.flatnonzero(tied)
    sorted_by = _ties_ordered_by(data, test_row[tied_users], kept_row[tied_users])
    if sorted_by is None:
        return
    user = int(tied_users[0])
    at = int(earliest_test[user])
    test_item = data.items.to_external(data.item_index[last_test & (data.user_index == user)])[0]
    kept_item = data.items.to_external(data.item_index[first_kept & (data.user_index == user)])[0]
    warnings.warn(tied_last_rows_warning(
        method, before, int(np.count_nonzero(tied)), int(np.count_nonzero(tested)),
        data.users.to_external(np.array([user]))[0], test_item, kept_item, at,
        sorted_by=sorted_by),
        stacklevel=caller_stacklevel())


# Fewer tied users than this cannot show whether their rows stand in an order, so they are
# warned of whatever their order: a few ties cost little, and a sorted file is the danger.
_TIES_TO_JUDGE_ORDER = 8
# The share of tied users whose held-out row comes after (or before) the kept one in an
# order for the ties to count as sorted by it; rows in no order give about half, and a
# sorted file all of them.
_SORTED_SHARE = 0.9


def _ties_ordered_by(data: Interactions, test_rows: np.ndarray,
                     kept_rows: np.ndarray) -> str | None:
    """What the tied boundary rows (``test_rows[j]`` held out, ``kept_rows[j]`` kept, one
    pair per tied user) are ordered by in the data (:func:`tie_order`)."""
    counts = []
    for name, column in [("item id", data.item_index),
                         *([("value", data.value)] if data.value is not None else [])]:
        held, kept = column[test_rows], column[kept_rows]
        differ = held != kept
        counts.append((name, int(np.count_nonzero(differ)),
                       int(np.count_nonzero(held[differ] > kept[differ]))))
    return tie_order(len(test_rows), counts)


def tie_order(n_tied: int, counts: Sequence[tuple[str, int, int]]) -> str | None:
    """The order that ``n_tied`` users' tied boundary rows stand in, by both backends'
    rule: ``"item id"`` or ``"value"`` when, in at least :data:`_SORTED_SHARE` of the pairs
    that differ in it, the held-out row is on the same side; ``""`` when too few users tie
    to tell; ``None`` when in neither order, so that row order breaks the ties as a shuffle
    would and no warning is due. ``counts`` holds, per column, its name, the pairs that
    differ in it and, of those, the pairs whose held-out row has the larger value."""
    if n_tied < _TIES_TO_JUDGE_ORDER:
        return ""
    for name, differ, after in counts:
        if differ < _TIES_TO_JUDGE_ORDER:
            continue
        if max(after / differ, 1 - after / differ) >= _SORTED_SHARE:
            return name
    return None


def tied_last_rows_warning(method: str, before: str, count: int, tested: int, user: Any,
                           test_item: Any, kept_item: Any, at: int, *,
                           sorted_by: str = "") -> TiedLastRowsWarning:
    """The :class:`TiedLastRowsWarning` of ``count`` of the ``tested`` users with test rows,
    with one example (``user``'s ``test_item`` held out, ``kept_item`` kept in ``before``,
    both at Unix second ``at``), in the words of both backends; ``sorted_by`` names the
    order the tied rows stand in (see :func:`_ties_ordered_by`)."""
    order = (f"; the tied rows are in {sorted_by} order in the data, so the targets are "
             f"chosen by {sorted_by}" if sorted_by else "")
    return TiedLastRowsWarning(
        f"{method}: for {counted(count, 'user')} of the {tested:,} with test rows, a "
        f"test row has the time of a row kept in {before} (e.g. user {shown(user)}: item "
        f"{shown(test_item)} went to test and item {shown(kept_item)} to {before}, both at "
        f"{at} ({_iso(at)})), so which of the tied rows is held out follows row order (the "
        f"row later in the data goes to test{order}), not time; to choose otherwise, order "
        "the rows before splitting (e.g. shuffle them with a seed), or silence this with "
        "warnings.filterwarnings('ignore', category=recstack.data.splits.TiedLastRowsWarning)")


def _warn_of_a_tied_cutoff(timestamps: np.ndarray, is_test: np.ndarray, cutoff_s: int,
                           test_fraction: float) -> None:
    """Warn (:class:`TiedCutoffWarning`) when the rows at the cutoff time carry the test
    part past ``test_fraction`` by more than half of it and a row (the rounding of a
    quantile): the split was silently far from the share asked for. A split whose every
    row is test is refused after this (no training rows), and not warned of."""
    warn_of_a_tied_cutoff(len(timestamps), int(np.count_nonzero(is_test)),
                          lambda: int(np.count_nonzero(timestamps == cutoff_s)), cutoff_s,
                          test_fraction)


def warn_of_a_tied_cutoff(total: int, chosen: int, count_tied: Any, cutoff_s: int,
                          test_fraction: float) -> None:
    """:func:`_warn_of_a_tied_cutoff` from counts (``count_tied()``: the rows at the
    cutoff time, counted only when warned of); shared with the Spark split."""
    asked = test_fraction * total
    if chosen <= asked * 1.5 + 1 or chosen == total:
        return
    tied = count_tied()
    after = chosen - tied
    later = (f"a test_fraction of at most {math.floor(after / total * 1e4) / 1e4:g} puts "
             "the cutoff after that time" if after else
             "no row comes after that time")
    warnings.warn(TiedCutoffWarning(
        f"temporal split: test_fraction={_plain(test_fraction)} asked for about "
        f"{asked:,.0f} of the {total:,} rows, but {tied:,} rows share the cutoff time "
        f"{cutoff_s} ({_iso(cutoff_s)}), and every row at or after it is test: "
        f"{chosen:,} rows ({chosen / total:.0%}) were chosen for test; {later}, or give "
        "a cutoff (a time) instead"), stacklevel=caller_stacklevel())


#: a count a message derives (rows a user would need) is written out up to this size, and
#: roughly beyond it (no data set holds 10**15 rows of one user)
_LARGEST_COUNT_SHOWN = 10**15


def _ceil_3(number: float) -> str:
    """``number`` rounded up to three significant digits, for advice on a lower bound
    (0.1666... becomes 0.167: rounded down, the advice would fall short of the bound)."""
    step = 10.0 ** (math.floor(math.log10(number)) - 2)
    shown = float(f"{math.ceil(number / step - 1e-9) * step:.3g}")
    while shown < number:
        shown = float(f"{shown + step:.3g}")
    return f"{shown:g}"


def random_split_chose_none(test_fraction: float, most: int) -> str:
    """Why a random split chose no test row, ``most`` being the most rows any user has (the
    generic message counted 0 chosen, 0 set apart). Shared with the Spark split."""
    if 0.5 / test_fraction > _LARGEST_COUNT_SHOWN:
        # 1e-300 printed a 300-digit count: past any data set's size, say it roughly
        needed = f"about {0.5 / test_fraction:.1e} (0.5 / test_fraction)"
    else:
        # exactly, by the rule of share_count: 0.5 / f in floats may round past a whole
        fewest = max(2, math.ceil(Fraction(1, 2) / exact_share(test_fraction)))
        needed = f"{fewest:,}"
    return (f"random split left no test rows (test_fraction={test_fraction}): each user "
            f"keeps a training row and holds out test_fraction x their rows, rounded (a half "
            f"up), so a user needs at least {needed} rows for one test row; the most any "
            f"user has "
            f"is {most:,}" + fewer_hint(most, f"raise test_fraction to at least "
                                              f"{_ceil_3(0.5 / most)}"))


def leave_last_out_chose_none(n: int, most: int) -> str:
    """Why a leave-last-out split chose no test row, ``most`` being the most rows any user
    has. Shared with the Spark split."""
    return (f"leave_last_out split left no test rows (n={n}): a user's last {n} row(s) go "
            f"to test only when the user has more than {n} (one row at least stays for "
            f"training), and the most any user has is {most:,}"
            + fewer_hint(most, f"choose an n of at most {most - 1:,}"))


def fewer_hint(most: int, hint: str) -> str:
    """The end of a message on a per-user split that chose no test row, ``most`` being the
    most rows any user has."""
    if most <= 1:
        return "; every user has a single row, which no per-user split can hold out"
    return f"; {hint}"


def _refuse_cutoff_outside(timestamps: np.ndarray, cutoff_s: int,
                           test_fraction: float | None) -> None:
    """:func:`refuse_cutoff_outside` over the timestamps in memory."""
    refuse_cutoff_outside(int(timestamps.min()), int(timestamps.max()), len(timestamps),
                          lambda time: int(np.count_nonzero(timestamps == time)),
                          cutoff_s, test_fraction)


def refuse_cutoff_outside(earliest: int, latest: int, total: int,
                          rows_at: Callable[[int], int], cutoff_s: int,
                          test_fraction: float | None) -> None:
    """Say why a temporal cutoff leaves one side empty (the generic message named only the
    cutoff, in seconds): a cutoff outside the data's times ``[earliest, latest]``, or a
    ``test_fraction`` whose cutoff fell on the earliest time, which most of the ``total``
    rows share (``rows_at(time)`` counts them, only then: Spark runs a job for it). Shared
    with the Spark split, so both say it in the same words."""
    if earliest < cutoff_s <= latest or earliest == latest:
        return  # both sides have rows; all rows at one time is named by _finish
    if test_fraction is None:
        before = cutoff_s <= earliest
        side = (f"no training rows: it is at or before the earliest time, {_iso(earliest)}"
                if before else f"no test rows: it is after the latest time, {_iso(latest)}")
        raise EmptyResultError(
            f"temporal split: the cutoff {cutoff_s} ({_iso(cutoff_s)}) leaves {side}; "
            f"choose a cutoff after {_iso(earliest)} and at or before {_iso(latest)}")
    at_earliest = rows_at(earliest)
    raise EmptyResultError(
        f"temporal split left no training rows (test_fraction={test_fraction}): "
        f"{_of_the(at_earliest, total, 'row')} "
        f"{'shares' if at_earliest == 1 else 'share'} the earliest time, {_iso(earliest)}, "
        f"so the cutoff that leaves {test_fraction:.0%} for test is that time and no row "
        f"comes before it; choose a test_fraction of at most "
        f"{math.floor((1 - at_earliest / total) * 1e4 + 1e-6) / 1e4:g} or a cutoff after "
        "it")


def _iso(seconds: int) -> str:
    """Unix seconds as an ISO-8601 UTC time, for messages."""
    return f"{np.datetime64(seconds, 's').astype(str)}Z"


@arguments_named
def leave_last_out(data: Interactions, n: int = 1) -> Split:
    """Each user's last ``n`` rows by time (ties broken by row order) go to test; users with
    ``n`` rows or fewer keep them all in training and are counted. A
    :class:`TiedLastRowsWarning` counts the users whose held-out rows share their time with
    a row kept in training (which of them is held out then follows row order), when those
    tied rows stand in the order of their item ids or values (a file sorted by item within
    a user); ties in no such order are broken by row order as a shuffle would."""
    require_interactions(data, "leave_last_out")
    n = LeaveLastOut(n).n  # the spec's int (a whole Decimal is read as one)
    timestamps = _require_timestamps(data)
    _require_rows(data)
    position, size = _rank_within_user(data, -timestamps.astype(np.float64),
                                       tie_break=-np.arange(len(data), dtype=np.float64))
    is_test = (position < n) & (size[data.user_index] > n)
    if not is_test.any():
        raise EmptyResultError(leave_last_out_chose_none(n, int(size.max())))
    split = _finish(data, is_test, "leave_last_out", {"n": n})
    _warn_of_tied_last_rows(data, is_test, position, n, "leave_last_out", "training")
    return split


@arguments_named
def user_split(data: Interactions, test_users: float = 0.2, *, fold_in_fraction: float = 0.8,
               by_time: bool = False, seed: int = 0) -> Split:
    """Held-out users: a share of users is kept out of training entirely. Of each held-out
    user's rows, ``fold_in_fraction`` (the earliest ones when ``by_time``, a random share
    otherwise) is the history handed to the model at test time; the rest is the test.

    ``round(test_users x users with rows)`` users are held out, at least one, and at least
    one must stay in training (a share that holds out every user is refused). A held-out
    user of ``n`` rows has ``round((1 - fold_in_fraction) x n)`` test targets, at least
    one, and the rest of their rows as fold-in; of their rows at one time (``by_time``) the
    later in row order counts as the later, as in :func:`leave_last_out` (with its
    :class:`TiedLastRowsWarning` when such a tie divides targets from fold-in rows).

    Rounding (:func:`share_count`, the rule of every split's share, as in
    :func:`random_split`): to the nearest whole number, a half up, with the shares read as
    written: ``test_users=0.5`` of 5 users is 2.5, three users held out (Python's
    ``round`` held out 2); ``fold_in_fraction=0.9`` of 15 rows leaves 1.5 rows, two
    targets."""
    require_interactions(data, "user_split")
    # users with rows: those the share is of
    refuse_a_count_for_a_share(test_users, "test_users", "user_split",
                               "the share of users held out of training", "users",
                               int(np.count_nonzero(data.user_counts())))
    spec = UserSplit(test_users, fold_in_fraction, by_time, seed)
    test_users = _exact_as_read(test_users, spec.test_users)
    fold_in_fraction = _exact_as_read(fold_in_fraction, spec.fold_in_fraction)
    seed, by_time = spec.seed, spec.by_time
    _require_rows(data)
    rng = np.random.default_rng(seed)
    active = np.flatnonzero(data.user_counts())
    n_held = max(1, share_count(test_users, len(active)))
    if n_held >= len(active):
        raise EmptyResultError(no_training_users(n_held, len(active), test_users))
    held = np.zeros(data.n_users, bool)
    held[rng.choice(active, size=n_held, replace=False)] = True
    keys = (data.timestamp.astype(np.float64) if by_time and data.timestamp is not None
            else rng.random(len(data)))
    if by_time and data.timestamp is None:
        raise RecstackError("user split by_time needs timestamps; these data have none")
    # position 0 is the row revealed last, so the latest rows become test targets; rows
    # at one time are ordered by row order, as in leave_last_out (the first of them was
    # the target, and the rows after it revealed)
    position, size = _rank_within_user(
        data, -keys, tie_break=-np.arange(len(data), dtype=np.float64) if by_time else None)
    # 1 - fold_in_fraction exactly: in floats 1 - 0.9 is 0.09999999999999998
    n_target = np.maximum(share_count(1 - exact_share(fold_in_fraction), size), 1)
    row_held = held[data.user_index]
    is_target = row_held & (position < n_target[data.user_index])
    is_fold_in = row_held & ~is_target
    split = _finish(data, is_target, "user", {"test_users": test_users,
                                              "fold_in_fraction": fold_in_fraction,
                                              "by_time": by_time, "seed": seed},
                    fold_in_mask=is_fold_in)
    if by_time:
        _warn_of_tied_last_rows(data, is_target, position, n_target,
                                "user split (by_time=True)", "the fold-in history")
    _warn_of_users_without_fold_in(split, size, fold_in_fraction)
    return split


def no_training_users(n_held: int, n_active: int, test_users: Any) -> str:
    """The refusal of a user split that would hold out all ``n_active`` users, counts and
    nouns in agreement (it was "holding out 1 of 1 users"); shared with the Spark split."""
    held = "the one user" if n_active == 1 else f"{n_held:,} of the {n_active:,} users"
    return (f"user split: holding out {held} (test_users={test_users}) leaves no training "
            "users")


def _has(count: int) -> str:
    return "has" if count == 1 else "have"


def _of_the(part: int, total: int, noun: str) -> str:
    """``2 of the 3 users``, and of one ``the one user`` (it was "1 of the 1 users")."""
    return f"the one {noun}" if total == 1 else f"{part:,} of the {total:,} {noun}s"


def _warn_of_users_without_fold_in(split: Split, size: np.ndarray,
                                   fold_in_fraction: float) -> None:
    """Warn (:class:`NoFoldInWarning`) when some held-out users kept in the test have no
    fold-in row, naming how many and why (``size``: each user's row count in the data).
    They were said nothing of until the evaluator's ``NoHistoryWarning``, and that only
    from a tenth of the test users."""
    tested = np.unique(split.test.user_index)
    revealed = np.zeros(split.test.n_users, bool)
    if split.fold_in is not None:
        revealed[split.fold_in.user_index] = True
    without = tested[~revealed[tested]]
    if len(without):
        warn_of_users_without_fold_in(len(tested), len(without),
                                      int(np.count_nonzero(size[without] == 1)),
                                      fold_in_fraction)


def warn_of_users_without_fold_in(n_tested: int, n_without: int, single: int,
                                  fold_in_fraction: float) -> None:
    """:func:`_warn_of_users_without_fold_in` from counts (``single``: those of the
    ``n_without`` users with one row in the data); shared with the Spark split."""
    if not n_without:
        return
    reasons = []
    if single:
        reasons.append(f"{single:,} {_has(single)} a single row, which is their test "
                       "target")
    several = n_without - single
    if several:
        reasons.append(f"{several:,} {_has(several)} a few rows, all held out as targets or "
                       "their revealed rows set apart (items never seen in training)")
    warnings.warn(NoFoldInWarning(
        f"user split: {_of_the(n_without, n_tested, 'held-out test user')} "
        f"{_has(n_without)} no "
        f"fold-in history ({'; '.join(reasons)}; fold_in_fraction={_plain(fold_in_fraction)})"
        ", so a model scores them as strangers and their metrics measure its cold-start "
        "ranking; to hold out only users with a history to reveal, drop users with a "
        "single row first (e.g. KCore(user_min=2, item_min=1)) or raise fold_in_fraction"),
        stacklevel=caller_stacklevel())


def kfold_stratify(stratify: Any) -> str | None:
    """``kfold_split``'s ``stratify`` as read on one machine and on Spark: ``"user"``, or
    None (also written ``"none"``, the spelling of experiment files and the CLI); anything
    else is refused with the nearest spelling (an array of names was numpy's "truth value
    of an array ... is ambiguous")."""
    if stratify is None or is_one_of(stratify, ("none",)):
        return None
    if not is_one_of(stratify, ("user",)):
        near = did_you_mean(stratify, ["user"]) if isinstance(stratify, str) else ""
        raise ConfigError(f"kfold stratify must be 'user' or None, got {shown(stratify)}"
                          f"{near}")
    return "user"


@arguments_named
def kfold_split(data: Interactions, k: int = 5, *, stratify: str | None = "user",
                seed: int = 0) -> Iterator[Split]:
    """``k`` splits whose test parts partition the data. ``stratify="user"`` deals each
    user's shuffled rows round-robin into the folds, so every user is in every fold's
    test (when they have ``k`` rows or more); ``stratify=None`` shuffles all rows.
    The arguments are checked at the call, before the first fold is asked for, and so is
    every fold's test part: a fold whose test rows would all be set apart (items or users
    no other fold has, pairs another fold holds) is refused then, not when its turn comes."""
    require_interactions(data, "kfold_split")
    stratify = kfold_stratify(stratify)
    spec = KFold(k, "none" if stratify is None else stratify, seed)
    k, seed = spec.k, spec.seed  # the spec's ints (a whole Decimal is read as one)
    _require_rows(data)
    if k > len(data):
        # refused before dealing: a k beyond int64 would fail in numpy's generator
        # (and with one row no k >= 2 works: 'a k of at most 1' was advice k refuses)
        advice = (f"choose a k of at most {len(data):,}" if len(data) >= 2 else
                  "k-fold needs at least 2 rows, one per fold")
        raise EmptyResultError(
            f"kfold: {too_few_rows_for_folds(k, len(data))}; {advice}")
    fold = _kfold_assignment(data, k, stratify, seed)
    # every fold must have test rows: found here, not after the folds before it have run
    check_every_fold_has_rows(k, np.unique(fold), len(data), stratify)
    _refuse_folds_set_apart(data, k, fold)
    return _kfold_folds(data, k, stratify, seed, fold)


def _refuse_folds_set_apart(data: Interactions, k: int, fold: np.ndarray) -> None:
    """Refuse, before the first fold runs, a fold whose test rows would all be set apart
    as :func:`_finish` sets them apart (an item or user with no row in the other folds, a
    pair that the other folds hold too): the split of that fold would fail after the folds
    before it had been trained and evaluated. Counts by (key, fold), no loop over folds."""
    def only_in_fold(keys: np.ndarray) -> np.ndarray:
        # each row: whether every row of its key lies in the row's own fold
        _, dense = np.unique(keys, return_inverse=True)
        total = np.bincount(dense)
        _, in_fold_group, in_fold = np.unique(dense.astype(np.int64) * k + fold,
                                              return_inverse=True, return_counts=True)
        return in_fold[in_fold_group] == total[dense]

    cold_item = only_in_fold(data.item_index)
    cold_user = only_in_fold(data.user_index)
    pair = data.user_index.astype(np.int64) * data.n_items + data.item_index
    repeated = ~only_in_fold(pair)
    kept = ~(cold_item | cold_user | repeated)
    kept_per_fold = np.bincount(fold[kept], minlength=k)
    if kept_per_fold.all():
        return
    empty = int(np.argmin(kept_per_fold))
    rows = fold == empty
    raise EmptyResultError(fold_set_apart_message(
        k, empty, int(rows.sum()), int((cold_item & rows).sum()),
        int((cold_user & ~cold_item & rows).sum()),
        int((repeated & ~cold_item & ~cold_user & rows).sum())))


def too_few_rows_for_folds(k: int, rows: int) -> str:
    """``k = 3 folds, but there are only 2 rows, so some fold would have no test rows``,
    its counts and nouns in agreement (it was "there are only 1 rows"); shared with the
    Spark split, so both backends keep one wording."""
    there = "there is only 1 row" if rows == 1 else f"there are only {rows:,} rows"
    return f"k = {k} folds, but {there}, so some fold would have no test rows"


def fold_set_apart_message(k: int, fold: int, rows: int, cold_items: int, cold_users: int,
                           repeats: int) -> str:
    """The refusal of a k-fold split whose fold ``fold`` would keep none of its ``rows``
    test rows: ``cold_items`` of them of items in no other fold, ``cold_users`` of users in
    no other fold, ``repeats`` repeating a pair of another fold. Counts and nouns agree
    ("1 row of an item in no other fold"; it was "1 of items in no other fold"); shared
    with the Spark split, so both backends keep one wording."""
    reasons = [(cold_items, "row of an item in no other fold",
                "rows of items in no other fold"),
               (cold_users, "row of a user in no other fold",
                "rows of users in no other fold"),
               (repeats, "row repeating a (user, item) pair of another fold",
                "rows repeating a (user, item) pair of another fold")]
    why = "; ".join(counted(count, one, many) for count, one, many in reasons if count)
    its = "its only row would be set apart" if rows == 1 else \
        f"its {rows:,} rows would all be set apart"
    return (f"kfold: k = {k} folds, but fold {fold} would keep no test rows: {its} "
            f"({why}); {kfold_advice(k)}")


def kfold_advice(k: int) -> str:
    """What would work when a k-fold split leaves a fold without test rows: a smaller k,
    or at k = 2 (no smaller k exists) more rows or another split. Shared with Spark."""
    if k > 2:
        return "choose a smaller k"
    return ("no smaller k exists (k-fold needs at least 2 folds): give it more users and "
            "rows (each fold's test rows need their user and item in the other fold), or "
            "choose another split such as random or leave_last_out")


def check_every_fold_has_rows(k: int, folds_with_rows: np.ndarray, n_rows: int,
                              stratify: str | None) -> None:
    """Refuse, before any fold runs, a k-fold split whose fold would have no test rows
    (``folds_with_rows``: the sorted fold numbers that have some; never an array of ``k``,
    which may be huge). Shared by the single-machine and the Spark split."""
    present = np.asarray(folds_with_rows, dtype=np.int64)
    if len(present) == k:
        return
    gaps = np.flatnonzero(present != np.arange(len(present)))
    first_empty = int(gaps[0]) if len(gaps) else len(present)
    raise EmptyResultError(
        f"kfold: k = {k} folds, but fold {first_empty} would have no test rows "
        f"({n_rows:,} rows in all{', dealt per user' if stratify else ''}); "
        f"{kfold_advice(k)}")


def _kfold_assignment(data: Interactions, k: int, stratify: str | None, seed: int
                      ) -> np.ndarray:
    """The fold of every row."""
    rng = np.random.default_rng(seed)
    if stratify == "user":
        position, _ = _rank_within_user(data, rng.random(len(data)))
        # a per-user random offset so that fold 0 does not always get users' first rows
        offset = rng.integers(0, k, size=data.n_users)
        return (position + offset[data.user_index]) % k
    return rng.permutation(len(data)) % k


def _kfold_folds(data: Interactions, k: int, stratify: str | None, seed: int,
                 fold: np.ndarray) -> Iterator[Split]:
    for i in range(k):
        yield _finish(data, fold == i, "kfold", {"k": k, "fold": i, "stratify": stratify,
                                                 "seed": seed})


@arguments_named
def given_split(data: Interactions, is_test: np.ndarray, *,
                fold_in_mask: np.ndarray | None = None) -> Split:
    """A split whose parts were decided elsewhere (e.g. files written by ``recstack data
    split``): rows flagged ``is_test`` are the test part, ``fold_in_mask`` the revealed
    history of held-out users. Test rows no model could rank are set apart and counted, as
    in every other split."""
    require_interactions(data, "given_split")
    if is_test is None:
        # passed the checks below as "no flag at all" and was refused as a split that
        # "left no test rows: 0 rows were chosen for test"
        raise ConfigError(f"given split: is_test is None; expected one true/false flag per "
                          f"row, ({len(data)},), true for the test rows")
    masks = {"is_test": is_test, "fold_in_mask": fold_in_mask}
    for name, mask in masks.items():
        problem = None if mask is None else not_a_selection(mask, flags_only=True)
        if problem is not None:
            # numpy wraps a set, a generator or one flag in an array of shape (), which was
            # named as "has shape ()"
            raise ConfigError(f"given split: {name} is {problem}; expected one true/false "
                              f"flag per row, ({len(data)},)")
        if mask is not None and np.shape(mask) != (len(data),):
            given = np.asarray(mask)
            # row numbers where a mask belongs (np.flatnonzero(mask) passed by mistake)
            positions = (given.ndim == 1 and given.dtype.kind in "iu" and given.size > 0
                         and given.min() >= 0 and given.max() < len(data))
            hint = (f" (row numbers? give them as a mask: np.isin(np.arange({len(data)}), "
                    "rows))" if positions else "")
            raise ConfigError(f"given split: {name} has shape {np.shape(mask)}; expected one "
                              f"flag per row, ({len(data)},){hint}")
    # 2 or "x" would silently count as True; 0.0/1.0 were refused though the message asked
    # for 0/1: one rule for masks (flag_values)
    for name, mask in masks.items():
        problem = reordered_rows(mask, len(data))
        if problem is not None:  # a mask of a sorted to_frame() flagged other rows
            raise ConfigError(f"given split: {name} {problem}")
    is_test = flag_values(is_test, "given split: is_test")
    if fold_in_mask is not None:
        fold_in_mask = flag_values(fold_in_mask, "given split: fold_in_mask")
        both = is_test & fold_in_mask
        if both.any():
            # a row both revealed to the model and held out as its target: it was counted
            # as a repeated pair and set apart, so a wrong mask lost test rows unnoticed
            rows = np.flatnonzero(both)
            raise ConfigError(
                f"given split: {len(rows):,} row(s) are flagged both in is_test and in "
                f"fold_in_mask, e.g. rows {rows[:5].tolist()}; a row is either a test "
                "target or part of the revealed (fold-in) history, not both")
    return _finish(data, is_test, "given", {}, fold_in_mask=fold_in_mask)


# --------------------------------------------------------------------------- the registry
#: every split method by its one name: experiment files, ``recstack data split`` and
#: ``recstack tune`` all read this (add a split here and all three know it)
SPLITS: Registry[SplitSpec] = Registry("split method")


class SplitSpec(Spec):
    """A split method with its parameters; :meth:`apply` runs it."""

    def __post_init__(self) -> None:
        _read_held_scalars(self)
        super().__post_init__()

    def apply(self, data: Interactions) -> list[Split]:
        """The split (one element), or every fold of a cross-validation."""
        raise NotImplementedError

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        """The split that carves a validation part out of this split's training part (for
        tuning): the same method, holding out ``fraction`` where the method has a share."""
        raise NotImplementedError


def _read_held_scalars(spec: SplitSpec) -> None:
    """Every setting of ``spec`` given as a 0-d numpy array read as its scalar
    (:func:`held_scalar`), before the declared checks."""
    for name in getattr(spec, "__dataclass_fields__", {}):
        given = getattr(spec, name)
        scalar = held_scalar(given)
        if scalar is not given:
            object.__setattr__(spec, name, scalar)


class _SeededSplit(SplitSpec):
    """A split spec with a ``seed`` field, read by the one seed rule of the data layer
    (:func:`~recstack.data.interactions.seed_value`) before the declared checks: the
    splits refused ``seed=3.0`` and ``Decimal(3)``, which ``SyntheticConfig`` takes.
    (An experiment file's ``seed = 3.0`` is still refused by its number spelling rule,
    before the spec is made.)"""

    def __post_init__(self) -> None:
        _read_held_scalars(self)  # before the seed rule: seed=np.array(3) is the seed 3
        given = self.seed  # type: ignore[attr-defined]
        object.__setattr__(self, "seed", seed_value(
            given, f"{self.kind_name or type(self).__name__}: seed"))
        super().__post_init__()


@SPLITS.register("random")
@dataclass(frozen=True)
class RandomSplit(_SeededSplit):
    """Per-user random holdout (:func:`random_split`)."""

    test_fraction: float = option(0.2, "share of each user's rows held out for test",
                                  low=0.0, high=1.0, open_low=True, open_high=True)
    seed: int = option(0, "random seed", low=0, high=SEED_MAX)

    def apply(self, data: Interactions) -> list[Split]:
        return [random_split(data, self.test_fraction, seed=self.seed)]

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        return RandomSplit(fraction, seed)


@SPLITS.register("temporal")
@dataclass(frozen=True)
class TemporalSplit(SplitSpec):
    """Global temporal split at a cutoff time (:func:`temporal_split`)."""

    cutoff: int | str | None = option(None, "first test moment: Unix seconds or an ISO date")
    test_fraction: float | None = option(
        None, "share of all rows, the latest, held out for test when no cutoff is given "
        "(default 0.2)", low=0.0, high=1.0, open_low=True, open_high=True)

    def check(self) -> None:
        if self.cutoff is not None and self.test_fraction is not None:
            raise ConfigError("temporal: give cutoff or test_fraction, not both")
        if isinstance(self.cutoff, str):
            to_unix_seconds(self.cutoff, "cutoff")

    def apply(self, data: Interactions) -> list[Split]:
        if self.cutoff is not None:
            return [temporal_split(data, self.cutoff)]
        fraction = 0.2 if self.test_fraction is None else self.test_fraction
        return [temporal_split(data, test_fraction=fraction)]

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        return TemporalSplit(test_fraction=fraction)


@SPLITS.register("leave_last_out")
@dataclass(frozen=True)
class LeaveLastOut(SplitSpec):
    """Each user's latest rows held out (:func:`leave_last_out`)."""

    n: int = option(1, "rows per user held out for test, the latest", low=1)

    def apply(self, data: Interactions) -> list[Split]:
        return [leave_last_out(data, self.n)]

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        return self


@SPLITS.register("users")
@dataclass(frozen=True)
class UserSplit(_SeededSplit):
    """Held-out users, evaluated from a revealed share of their history (:func:`user_split`)."""

    test_users: float = option(0.2, "share of users held out of training",
                               low=0.0, high=1.0, open_low=True, open_high=True)
    fold_in_fraction: float = option(0.8, "share of a held-out user's rows given to the model",
                                     low=0.0, high=1.0, open_low=True, open_high=True)
    by_time: bool = option(False, "reveal each held-out user's earliest rows, test the rest")
    seed: int = option(0, "random seed", low=0, high=SEED_MAX)

    def apply(self, data: Interactions) -> list[Split]:
        return [user_split(data, self.test_users, fold_in_fraction=self.fold_in_fraction,
                           by_time=self.by_time, seed=self.seed)]

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        return UserSplit(fraction, self.fold_in_fraction, self.by_time, seed)


@SPLITS.register("kfold")
@dataclass(frozen=True)
class KFold(_SeededSplit):
    """Cross-validation: ``k`` splits whose test parts partition the data (:func:`kfold_split`)."""

    k: int = option(5, "number of folds", low=2)
    stratify: str = option("user", "'user' deals each user's rows over the folds; 'none' "
                           "shuffles all rows", choices=("user", "none"))
    seed: int = option(0, "random seed", low=0, high=SEED_MAX)

    def apply(self, data: Interactions) -> list[Split]:
        return list(kfold_split(data, self.k, seed=self.seed,
                                stratify=None if self.stratify == "none" else self.stratify))

    def for_validation(self, fraction: float, seed: int) -> SplitSpec:
        # one fold's worth of each user's rows, as in the folds themselves
        return RandomSplit(fraction, seed)


# --------------------------------------------------------------------------- machinery
def _finish(data: Interactions, is_test: np.ndarray, method: str, params: dict[str, Any],
            *, fold_in_mask: np.ndarray | None = None) -> Split:
    """Set apart test rows no model could rank and build the report."""
    # numpy numbers as Python ones: a seed of np.int64(3) made report.to_dict() unfit for
    # json, and a test_fraction of np.float32(0.4) read 0.4000000059604645 in the report
    params = {name: _plain(value) for name, value in params.items()}
    is_train = ~is_test if fold_in_mask is None else ~is_test & ~fold_in_mask
    train_items = np.zeros(data.n_items, bool)
    train_items[data.item_index[is_train]] = True
    train_users = np.zeros(data.n_users, bool)
    train_users[data.user_index[is_train]] = True

    cold_item = is_test & ~train_items[data.item_index]
    cold_user = is_test & ~cold_item & ~train_users[data.user_index]
    if fold_in_mask is not None:
        cold_user[:] = False  # held-out users have no training rows by design
    # a test pair the user's revealed (fold-in) history also holds is excluded from the
    # ranked list like a training pair: no model could rank it
    revealed = is_train if fold_in_mask is None else is_train | fold_in_mask
    repeated = is_test & ~cold_item & ~cold_user & _pair_in(data, is_test, revealed)
    set_apart = cold_item | cold_user | repeated
    kept_test = is_test & ~set_apart

    fold_in = None
    cold_fold_in = np.zeros(len(data), bool)
    if fold_in_mask is not None:
        cold_fold_in = fold_in_mask & ~train_items[data.item_index]
        fold_in = data.select(fold_in_mask & ~cold_fold_in)
        set_apart = set_apart | cold_fold_in
    if not is_train.any():
        # (one row is not "all 1 rows share the time")
        tied = (f"; all {len(data):,} rows share the time {int(data.timestamp[0])}"
                if data.timestamp is not None and len(data) > 1 and np.all(
                    data.timestamp == data.timestamp[0]) else "")
        raise EmptyResultError(f"{method} split left no training rows{_shown(params)}{tied}")
    if not kept_test.any():
        # read after a count: "2 whose item is never seen in training" ("2 of items...")
        reasons = {"whose item is never seen in training": cold_item,
                   "whose user has no training rows": cold_user,
                   ("repeating a training (user, item) pair" if fold_in_mask is None else
                  "repeating a training or fold-in (user, item) pair"): repeated}
        why = "; ".join(f"{int(mask.sum()):,} {reason}" for reason, mask in reasons.items()
                        if mask.any())
        raise EmptyResultError(
            f"{method} split left no test rows{_shown(params)}: "
            f"{counted(int(is_test.sum()), 'row')} "
            f"{'was' if int(is_test.sum()) == 1 else 'were'} chosen for test and "
            f"{int((set_apart & is_test).sum()):,} of them set apart"
            + (f" ({why})" if why else ""))

    users_with_rows = data.user_counts() > 0
    test_users = np.zeros(data.n_users, bool)
    test_users[data.user_index[kept_test]] = True
    eligible = users_with_rows if fold_in_mask is None else np.isin(
        np.arange(data.n_users), data.user_index[is_test | fold_in_mask])
    chosen_users = np.zeros(data.n_users, bool)
    chosen_users[data.user_index[is_test]] = True
    report = SplitReport(
        method=method, params=params, train_rows=int(is_train.sum()),
        test_rows=int(kept_test.sum()),
        fold_in_rows=0 if fold_in is None else len(fold_in),
        test_users=int(test_users.sum()), cold_item_rows=int(cold_item.sum()),
        cold_user_rows=int(cold_user.sum()), repeated_pair_rows=int(repeated.sum()),
        cold_fold_in_rows=int(cold_fold_in.sum()),
        users_without_test=int((eligible & ~test_users).sum()),
        users_test_set_apart=int((eligible & chosen_users & ~test_users).sum()))
    return Split(train=data.select(is_train), test=data.select(kept_test),
                 set_apart=data.select(set_apart), report=report, fold_in=fold_in)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it shows (``np.float32(0.4)`` is 0.4)."""
    if isinstance(value, np.floating):
        return float(str(value))
    return value.item() if isinstance(value, np.generic) else value


def _shown(params: dict[str, Any]) -> str:
    """The split's parameters for a message, as its report shows them, ``(n=1)`` (a dict
    printed as ``({'n': 1})``); none for a given split (it printed '({})')."""
    return f" ({_parameters(params)})" if params else ""


def _parameters(params: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in params.items())


def _rank_within_user(data: Interactions, key: np.ndarray,
                      tie_break: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each row, its 0-based position among its user's rows ordered by ``key``
    ascending, and each user's row count."""
    keys = [key] if tie_break is None else [tie_break, key]
    order = np.lexsort(keys + [data.user_index])
    size = data.user_counts()
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    position = np.empty(len(data), np.int64)
    position[order] = np.arange(len(data)) - starts[data.user_index[order]]
    return position, size


def _pair_in(data: Interactions, rows: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Mask over all rows: ``rows`` whose (user, item) pair also occurs among ``reference``."""
    pair = data.user_index.astype(np.int64) * data.n_items + data.item_index
    result = np.zeros(len(data), bool)
    result[rows] = np.isin(pair[rows], pair[reference])
    return result


def _require_rows(data: Interactions) -> None:
    if len(data) == 0:
        raise EmptyResultError("cannot split: the data have no rows")


def _require_timestamps(data: Interactions) -> np.ndarray:
    if data.timestamp is None:
        raise RecstackError("this split orders rows by time, but the data have no timestamps")
    return data.timestamp


# a misspelt field (RandomSplit(test_frac=0.2)) was the dataclass's TypeError naming
# __init__(), not the near name, as the split functions say it
for _spec in (RandomSplit, TemporalSplit, LeaveLastOut, UserSplit, KFold):
    _spec.__init__ = arguments_named(_spec.__init__)  # type: ignore[method-assign]
