"""Resolve what a user names as a data source into `Interactions`.

A source is one of:

- ``synthetic`` or ``synthetic:n_users=5000,n_interactions=200000,seed=3``: the built-in
  generator with optional overrides;
- a registered dataset name such as ``movielens-100k``: read from the cache that
  ``recstack data fetch`` fills (it is not downloaded implicitly);
- a path: a MovieLens folder (detected from its files), a Hive-partitioned Parquet folder
  (``year=YYYY/month=MM/``), or one CSV / TSV / Parquet file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.progress import Progress

SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class ColumnMapping:
    """Names of the columns of a generic file; ``None`` means the file has no such column."""

    user: str = "user_id"
    item: str = "item_id"
    value: str | None = None
    timestamp: str | None = None
    rating_range: tuple[float, float] | None = None


def parse_synthetic_spec(spec: str) -> dict[str, Any]:
    """``synthetic:a=1,b=2`` -> ``{"a": 1, "b": 2}`` (numbers parsed, the rest left as text)."""
    _, _, rest = spec.partition(":")
    overrides: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, raw = part.partition("=")
        if not sep:
            raise ConfigError(f"synthetic option {part!r} should look like name=value")
        overrides[key.strip()] = _number_or_text(raw.strip())
    return overrides


def load_source(source: str, *, columns: ColumnMapping | None = None,
                progress: Progress | None = None) -> Interactions:
    """Load the interactions a source names (see the module docstring)."""
    if source == SYNTHETIC or source.startswith(SYNTHETIC + ":"):
        from recstack.data.synthetic import generate

        return generate(progress=progress, **parse_synthetic_spec(source))

    from recstack.data import fetch, movielens

    path = Path(source).expanduser()
    if not path.exists():
        if source in fetch.DATASETS:
            cached = fetch.cached_path(source)
            if cached is None:
                raise RecstackError(f"{source} is not in the cache yet; run "
                                    f"`recstack data fetch {source}` first")
            return movielens.load_movielens(cached, progress=progress)
        raise RecstackError(
            f"no such file or folder: {source!r}; a source is a path, 'synthetic[:opts]', "
            f"or one of: {', '.join(sorted(fetch.DATASETS))}")
    if path.is_dir():
        from recstack.data.partitioned import is_partitioned, read_partitioned

        if is_partitioned(path):
            return read_partitioned(path)
        if movielens.detect_variant(path) is not None:
            return movielens.load_movielens(path, progress=progress)
        raise RecstackError(f"{path}: a folder, but neither a MovieLens release nor a "
                            "partitioned Parquet dataset (year=YYYY/month=MM/)")
    from recstack.data.files import load_table

    mapping = columns or ColumnMapping()
    return load_table(path, user_col=mapping.user, item_col=mapping.item,
                      value_col=mapping.value, timestamp_col=mapping.timestamp,
                      rating_range=mapping.rating_range, progress=progress)


def _number_or_text(raw: str) -> Any:
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return raw
