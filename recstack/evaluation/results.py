"""What an evaluation returns: per-user values, means with confidence intervals, paired
significance tests between models, diagnostics, and export."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from recstack.atomic import write_text
from recstack.errors import RecstackError

CONFIDENCE = 0.95


@dataclass(frozen=True)
class MetricSummary:
    """Mean of a per-user metric with a Student-t confidence interval over users."""

    metric: str
    mean: float
    ci_low: float
    ci_high: float
    n_users: int

    @classmethod
    def from_values(cls, metric: str, values: np.ndarray,
                    confidence: float = CONFIDENCE) -> MetricSummary:
        values = values[~np.isnan(values)]
        n = len(values)
        if n == 0:
            return cls(metric, math.nan, math.nan, math.nan, 0)
        mean = float(values.mean())
        if n == 1:
            return cls(metric, mean, math.nan, math.nan, 1)
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
        return cls(metric, mean, mean - half, mean + half, n)


@dataclass(frozen=True)
class PairedTest:
    """Model A minus model B on the users both were evaluated on."""

    metric: str
    mean_difference: float
    ci_low: float
    ci_high: float
    t_p_value: float
    wilcoxon_p_value: float
    n_users: int

    @property
    def significant(self) -> bool:
        return self.t_p_value < 1 - CONFIDENCE

    def __str__(self) -> str:
        verdict = "significant" if self.significant else "not significant"
        return (f"{self.metric}: difference {self.mean_difference:+.4f} "
                f"[{self.ci_low:+.4f}, {self.ci_high:+.4f}], paired t p={self.t_p_value:.3g}, "
                f"Wilcoxon p={self.wilcoxon_p_value:.3g} over {self.n_users:,} users "
                f"({verdict} at {1 - CONFIDENCE:.0%})")


@dataclass
class EvaluationResult:
    """Per-user metric values of one model (rows: evaluated users, by external id) and
    catalog-level metrics (coverage...), with the counts of users left out and why."""

    model: str
    per_user: pd.DataFrame
    aggregate: dict[str, float] = field(default_factory=dict)
    users_without_relevant: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        return list(self.per_user.columns)

    def summary(self) -> dict[str, MetricSummary]:
        return {m: MetricSummary.from_values(m, self._values(m)) for m in self.per_user.columns}

    def _values(self, metric: str) -> np.ndarray:
        # per_user may come from a hand-edited CSV: a word among the numbers must say where
        values = pd.to_numeric(self.per_user[metric], errors="coerce")
        bad = values.isna() & self.per_user[metric].notna()
        if bad.any():
            raise RecstackError(f"{self.model}: per-user {metric!r} of user "
                                f"{self.per_user.index[bad.to_numpy()][0]!r} is "
                                f"{self.per_user[metric][bad].iloc[0]!r}; expected a number")
        return values.to_numpy(np.float64)

    def means(self) -> dict[str, float]:
        out = {m: s.mean for m, s in self.summary().items()}
        return out | self.aggregate

    def compare(self, other: EvaluationResult, metric: str) -> PairedTest:
        """Paired test of this model against ``other`` on the users both have a value for:
        Student's paired t-test (with a CI of the mean difference) and the Wilcoxon
        signed-rank test, which does not assume normal differences."""
        for result in (self, other):
            if metric not in result.per_user.columns:
                raise RecstackError(f"{result.model} has no per-user metric {metric!r}; it has: "
                                    + ", ".join(result.per_user.columns))
        joined = pd.concat([self.per_user[metric], other.per_user[metric]], axis=1,
                           join="inner", keys=["a", "b"]).dropna()
        diff = (joined["a"] - joined["b"]).to_numpy(np.float64)
        n = len(diff)
        if n < 2:
            raise RecstackError(f"paired test of {metric} needs at least 2 shared users, got {n}")
        summary = MetricSummary.from_values(metric, diff)
        if np.allclose(diff, 0):
            t_p = w_p = 1.0
        else:
            t_p = float(stats.ttest_rel(joined["a"], joined["b"]).pvalue)
            w_p = float(stats.wilcoxon(diff, zero_method="zsplit").pvalue)
        return PairedTest(metric, summary.mean, summary.ci_low, summary.ci_high, t_p, w_p, n)

    # ------------------------------------------------------------------ export
    def to_pandas(self) -> pd.DataFrame:
        """One row per metric: mean, CI bounds and users counted."""
        rows = [{"model": self.model, "metric": s.metric, "mean": s.mean, "ci_low": s.ci_low,
                 "ci_high": s.ci_high, "n_users": s.n_users} for s in self.summary().values()]
        rows += [{"model": self.model, "metric": name, "mean": value, "ci_low": math.nan,
                  "ci_high": math.nan, "n_users": math.nan}
                 for name, value in self.aggregate.items()]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        def clean(x: float) -> float | None:
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else x

        return {
            "model": self.model,
            "metrics": {m: {"mean": clean(s.mean), "ci_low": clean(s.ci_low),
                            "ci_high": clean(s.ci_high), "n_users": s.n_users}
                        for m, s in self.summary().items()},
            "aggregate": {k: clean(v) for k, v in self.aggregate.items()},
            "users_without_relevant": self.users_without_relevant,
            "meta": self.meta,
        }

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            write_text(path, text)
        return text

    def to_csv(self, path: str | Path, *, per_user: bool = False) -> None:
        """The summary table, or with ``per_user`` every user's values."""
        frame = self.per_user.reset_index() if per_user else self.to_pandas()
        write_text(path, frame.to_csv(index=False))


def comparison_table(results: list[EvaluationResult]) -> pd.DataFrame:
    """Models as rows, metric means as columns."""
    return pd.DataFrame({r.model: r.means() for r in results}).T
