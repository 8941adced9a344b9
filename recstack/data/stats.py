"""Summary statistics of interaction data (what `recstack data info` prints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from recstack.data.interactions import Interactions, require_interactions
from recstack.errors import ConfigError
from recstack.specs import arguments_named

QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)
#: a histogram printed as lines: more bins than this is no summary
_MOST_BINS = 10_000


@dataclass(frozen=True)
class DatasetSummary:
    rows: int
    users: int
    items: int
    density: float
    explicit: bool
    value_histogram: dict[str, int]
    user_activity_quantiles: dict[str, float]
    item_popularity_quantiles: dict[str, float]
    first_time: str | None
    last_time: str | None
    items_without_rows: int
    #: users of the vocabulary without a row (a split's part shares the whole vocabulary)
    users_without_rows: int = 0
    #: whether the data have timestamps (without rows, they have no time range)
    timestamped: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        def quantile_line(q: dict[str, float]) -> str:
            # without rows there is no quantile: the line ended in blanks
            return "  ".join(f"{k}={v:g}" for k, v in q.items()) or "(no rows)"

        lines = [
            f"rows        {self.rows:,}",
            f"users       {self.users:,}"
            + (f" ({self.users_without_rows:,} without interactions)"
               if self.users_without_rows else ""),
            f"items       {self.items:,}"
            + (f" ({self.items_without_rows:,} without interactions)"
               if self.items_without_rows else ""),
            f"density     {self.density:.4%}",
            f"time range  {self.first_time} .. {self.last_time}" if self.first_time
            else f"time range  ({'no rows' if self.timestamped else 'no timestamps'})",
            f"rows per user  {quantile_line(self.user_activity_quantiles)}",
            f"rows per item  {quantile_line(self.item_popularity_quantiles)}",
            ("ratings" if self.explicit else "values")
            + ("" if self.value_histogram else "     (no rows)"),
        ]
        top = max(self.value_histogram.values(), default=1)
        for value, count in self.value_histogram.items():
            bar = "#" * max(1 if count else 0, round(40 * count / top))
            lines.append(f"  {value:>6}  {count:>12,}  {bar}")
        return "\n".join(lines)


@arguments_named
def describe(data: Interactions, *, max_histogram_bins: int = 12) -> DatasetSummary:
    """Sizes, density, the value histogram (every distinct value when there are few, else
    equal-width bins), activity and popularity quantiles, and the time range."""
    # the shared check of a count (numpy's own errors, and True read as 1, otherwise)
    from recstack.metrics._validation import check_k

    require_interactions(data, "describe")
    max_histogram_bins = check_k(max_histogram_bins, "max_histogram_bins")
    if max_histogram_bins > _MOST_BINS:
        raise ConfigError(f"max_histogram_bins must be at most {_MOST_BINS:,} (a histogram of "
                          f"more bins is no summary, and numpy allocates each), got "
                          f"{max_histogram_bins:,}")
    values, counts = np.unique(data.value, return_counts=True)
    # + 0.0 makes a negative zero (a value computed as -0.0) zero: the histogram's label
    # was "-0" (or a bin "-0-1"), a value no rating has
    values = values + values.dtype.type(0)
    if len(values) > max_histogram_bins:
        # in float64: the span of float32 values near its range (-3e38 to 3e38) is beyond
        # float32, and numpy refused to make the bins ("Too many bins for data range")
        counts, edges = np.histogram(data.value.astype(np.float64), bins=max_histogram_bins)
        edges = edges + 0.0
        # "1-1.5" reads as a range, but "-3--1" and "-1-1" (from -1 to 1) do not: with a
        # negative edge the bins are written "-3 to -1"
        joint = " to " if edges[0] < 0 else "-"
        labels = _distinct_labels(
            lambda digits: [f"{lo:.{digits}g}{joint}{hi:.{digits}g}"
                            for lo, hi in zip(edges[:-1], edges[1:], strict=True)], first=3)
    else:
        labels = _distinct_labels(lambda digits: [f"{v:.{digits}g}" for v in values], first=6)
    user_rows = data.user_counts()
    item_rows = data.item_counts()
    times = data.timestamp

    def quantiles(counts: np.ndarray) -> dict[str, float]:
        counts = counts[counts > 0]
        if len(counts) == 0:
            return {}
        return {f"p{round(q * 100)}": float(np.quantile(counts, q)) for q in QUANTILES}

    def iso(t: int) -> str:
        # not strftime("%Y"): it wrote the year 1 as "1", not "0001", on Linux
        moment = datetime.fromtimestamp(int(t), UTC).replace(tzinfo=None)
        return moment.isoformat(sep=" ", timespec="seconds")

    return DatasetSummary(
        rows=len(data), users=data.n_users, items=data.n_items, density=data.density,
        explicit=data.is_explicit,
        value_histogram={label: int(c) for label, c in zip(labels, counts, strict=True)},
        user_activity_quantiles=quantiles(user_rows),
        item_popularity_quantiles=quantiles(item_rows),
        first_time=iso(times.min()) if times is not None and len(times) else None,
        last_time=iso(times.max()) if times is not None and len(times) else None,
        items_without_rows=int((item_rows == 0).sum()),
        users_without_rows=int((user_rows == 0).sum()),
        timestamped=times is not None,
    )


def _distinct_labels(labels_at: Callable[[int], list[str]], *, first: int) -> list[str]:
    """``labels_at(digits)`` for the fewest significant digits from ``first`` on that tell
    every label apart: the histogram is a dict by label, so two values or bins printed
    alike (1000.01 and 1000.02 at three digits) would silently keep one count."""
    for digits in range(first, 17):
        labels = labels_at(digits)
        if len(set(labels)) == len(labels):
            return labels
    return labels_at(17)  # 17 significant digits tell any two float64 numbers apart
