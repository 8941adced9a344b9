"""Training-serving skew: recompute logged requests offline and report what differs.

For every request in the service's request log (:data:`~recstack.serving.request_log.
REQUEST_SCHEMA`) served by the model itself (not a popularity fallback, not from a vector
the embedding store held at the time, which offline code cannot see), the version named in
the log is loaded from the registry and the request is recomputed the offline way:

- **scores**: the model's score of each logged item for that user (``model.score``), or,
  for a new visitor, ``score_histories`` of the posted items; a logged score differing
  from it by more than ``tolerance`` (relative, with an absolute floor of ``tolerance``)
  is a mismatch;
- **items**: where retrieval was exact (sources ``exact`` or ``model``; an approximate
  index may miss items by design, and stages reorder), the logged list must equal the
  model's own top-``k`` (``recommend`` with seen items excluded).

Features that ranking stages logged are recorded for the same check once those stages
exist (:mod:`recstack.pipeline`); requests whose list a stage reordered are checked on
scores only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.errors import RecstackError
from recstack.serving.registry import ModelRegistry
from recstack.serving.request_log import read_log

__all__ = ["SkewReport", "check_skew"]

_EXACT_SOURCES = {"exact", "model"}


@dataclass
class SkewReport:
    """How many requests were recomputed, how many differed, which were skipped (with the
    reason), and one row per mismatch (``request_id``, ``model``, ``what``, ``detail``)."""

    checked: int = 0
    mismatched: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    mismatches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["request_id", "model", "what", "detail"]))

    @property
    def mismatch_rate(self) -> float:
        return self.mismatched / self.checked if self.checked else float("nan")


def check_skew(log_dir: str | Path, registry: ModelRegistry | str | Path, *,
               tolerance: float = 1e-4, limit: int | None = None) -> SkewReport:
    """Recompute the logged requests under ``log_dir`` (the service's ``log_dir`` or its
    ``requests`` folder) with the versions in ``registry``; see the module docstring.
    ``limit``: check at most this many requests (the newest)."""
    if not isinstance(registry, ModelRegistry):
        registry = ModelRegistry(registry)
    folder = Path(log_dir)
    log = read_log(folder / "requests" if (folder / "requests").is_dir() else folder,
                   "requests")
    if limit is not None:
        log = log.tail(limit)
    report = SkewReport()
    problems: list[dict[str, Any]] = []

    def skip(reason: str) -> None:
        report.skipped[reason] = report.skipped.get(reason, 0) + 1

    for reference, group in log.groupby("model", sort=False):
        try:
            model = registry.load(str(reference)).model
        except RecstackError:
            for _ in range(len(group)):
                skip(f"{reference} is no longer in the registry")
            continue
        lookup = {str(i): j for j, i in enumerate(model.items_.external_ids.tolist())}
        users = {str(u): j for j, u in enumerate(model.users_.external_ids.tolist())}
        for row in group.itertuples(index=False):
            if row.fallback is not None and not pd.isna(row.fallback):
                skip("popularity fallback")
                continue
            if row.vector_source == "store":
                skip("user vector from the embedding store")
                continue
            if row.endpoint not in ("user", "new-user") or not len(row.items):
                skip(f"{row.endpoint} not recomputed")
                continue
            item_index = np.array([lookup.get(i, -1) for i in row.items])
            if (item_index < 0).any():
                problems.append(_problem(row, "items", "logged items not in the catalog"))
                report.checked += 1
                report.mismatched += 1
                continue
            logged = np.asarray(row.scores, dtype=np.float64)
            user: int | None = None
            if row.endpoint == "user":
                user = users.get(row.user_id)
                if user is None:
                    skip("user not in the model")
                    continue
                recomputed = model.score(
                    model.users_.external_ids[np.full(len(item_index), user)],
                    model.items_.external_ids[item_index])
            else:
                known = np.unique([lookup[i] for i in row.input_items if i in lookup])
                history = sp.csr_matrix((np.ones(len(known), np.float32), known,
                                         [0, len(known)]), shape=(1, len(lookup)))
                recomputed = np.asarray(model.score_histories(history))[0, item_index]
            report.checked += 1
            differs = []
            gap = np.abs(logged - recomputed)
            if (gap > tolerance * np.maximum(1.0, np.abs(recomputed))).any():
                worst = int(np.argmax(gap))
                differs.append(_problem(row, "scores", f"position {worst + 1}: logged "
                                        f"{logged[worst]:.6g}, recomputed "
                                        f"{recomputed[worst]:.6g}"))
            if user is not None and set(row.sources) <= _EXACT_SOURCES:
                expected = model.recommend(model.users_.external_ids[[user]],
                                           int(row.k))[0][0]
                expected = [str(i) for i in expected[:len(row.items)].tolist()]
                if list(row.items) != expected:
                    differs.append(_problem(row, "items", f"logged {list(row.items)[:5]}..., "
                                            f"recomputed {expected[:5]}..."))
            if differs:
                report.mismatched += 1
                problems.extend(differs)
    if problems:
        report.mismatches = pd.DataFrame(problems)
    return report


def _problem(row: Any, what: str, detail: str) -> dict[str, Any]:
    return {"request_id": row.request_id, "model": row.model, "what": what, "detail": detail}
