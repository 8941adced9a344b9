"""Summary statistics of interaction data (what `recstack data info` prints)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from recstack.data.interactions import Interactions

QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        def quantile_line(q: dict[str, float]) -> str:
            return "  ".join(f"{k}={v:g}" for k, v in q.items())

        lines = [
            f"rows        {self.rows:,}",
            f"users       {self.users:,}",
            f"items       {self.items:,}"
            + (f" ({self.items_without_rows:,} without interactions)"
               if self.items_without_rows else ""),
            f"density     {self.density:.4%}",
            f"time range  {self.first_time} .. {self.last_time}" if self.first_time
            else "time range  (no timestamps)",
            f"rows per user  {quantile_line(self.user_activity_quantiles)}",
            f"rows per item  {quantile_line(self.item_popularity_quantiles)}",
            "ratings" if self.explicit else "values",
        ]
        top = max(self.value_histogram.values(), default=1)
        for value, count in self.value_histogram.items():
            bar = "#" * max(1 if count else 0, round(40 * count / top))
            lines.append(f"  {value:>6}  {count:>12,}  {bar}")
        return "\n".join(lines)


def describe(data: Interactions, *, max_histogram_bins: int = 12) -> DatasetSummary:
    """Sizes, density, the value histogram (every distinct value when there are few, else
    equal-width bins), activity and popularity quantiles, and the time range."""
    values, counts = np.unique(data.value, return_counts=True)
    if len(values) > max_histogram_bins:
        counts, edges = np.histogram(data.value, bins=max_histogram_bins)
        labels = [f"{lo:.3g}-{hi:.3g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    else:
        labels = [f"{v:g}" for v in values]
    user_rows = data.user_counts()
    item_rows = data.item_counts()
    times = data.timestamp

    def quantiles(counts: np.ndarray) -> dict[str, float]:
        counts = counts[counts > 0]
        if len(counts) == 0:
            return {}
        return {f"p{round(q * 100)}": float(np.quantile(counts, q)) for q in QUANTILES}

    def iso(t: int) -> str:
        return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%d %H:%M:%S")

    return DatasetSummary(
        rows=len(data), users=data.n_users, items=data.n_items, density=data.density,
        explicit=data.is_explicit,
        value_histogram={label: int(c) for label, c in zip(labels, counts, strict=True)},
        user_activity_quantiles=quantiles(user_rows),
        item_popularity_quantiles=quantiles(item_rows),
        first_time=iso(times.min()) if times is not None and len(times) else None,
        last_time=iso(times.max()) if times is not None and len(times) else None,
        items_without_rows=int((item_rows == 0).sum()),
    )
