"""A small pipeline on the synthetic generator's data: monthly partitions and an item
catalog, written under a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.data.partitioned import write_partitioned
from recstack.data.synthetic import generate

MONTHS = 4


def synthetic(months: int = MONTHS, seed: int = 0):
    return generate(n_users=500, n_items=250, n_interactions=4000 * months, months=months,
                    start="2019-01-01", seed=seed)


def next_month(folder: Path) -> pd.DataFrame:
    """The month after the partitions (2019-05), as a log job would write it."""
    return pd.read_parquet(folder / "next.parquet")


def make_data(folder: Path, *, months: int = MONTHS, seed: int = 0) -> Path:
    """``folder/logs`` (year=/month= partitions) and ``folder/items.parquet``, and the
    month after them, to add as a new partition, in ``folder/next.parquet``."""
    data = synthetic(months + 1, seed)
    end = pd.Timestamp("2019-01-01", tz="UTC") + pd.DateOffset(months=months)
    cut = int(end.timestamp())
    later = data.timestamp >= cut
    write_partitioned(data.select(np.flatnonzero(~later)), folder / "logs", overwrite=True)
    data.select(np.flatnonzero(later)).to_frame().to_parquet(folder / "next.parquet")
    (folder / "logs" / "_common_metadata").unlink()  # a log job's folder: data files only
    data.item_table.to_parquet(folder / "items.parquet")
    return folder


def write_pipeline(folder: Path, *, model: str = 'type = "ease"\nregularization = 50.0',
                   extra: str = "", name: str = "shop", training: str = "") -> Path:
    text = textwrap.dedent(f"""\
        name = "{name}"
        seed = 0

        [data]
        partitions = "logs"
        rating_range = [1.0, 5.0]
        items = "items.parquet"

        [training]
        window = "expanding"
        {training}

        [evaluation]
        metric = "ndcg@10"
        margin = 0.01

        [registry]
        root = "registry"
        """) + "\n[model]\n" + model + "\n" + extra
    path = folder / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    return path


def partition_file(folder: Path, label: str) -> Path:
    year, month = label.split("-")
    return folder / "logs" / f"year={year}" / f"month={month}" / "part-0.parquet"


def add_month(folder: Path, label: str, frame: pd.DataFrame | None = None,
              table: pa.Table | None = None) -> Path:
    """Write a partition for ``label`` (``YYYY-MM``) from a frame or table."""
    path = partition_file(folder, label)
    path.parent.mkdir(parents=True, exist_ok=True)
    if table is None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path)
    return path


def month_frame(folder: Path, label: str) -> pd.DataFrame:
    return pq.read_table(partition_file(folder, label)).to_pandas()


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def comparable(report: dict) -> dict:
    """A run report without what differs between two equal runs (clock, timings)."""
    report = dict(report)
    report.pop("finished", None)
    report["train"] = {k: v for k, v in report["train"].items() if k != "fit_seconds"}
    return report


def shifted(frame: pd.DataFrame, months: int) -> pd.DataFrame:
    """A month's rows moved ``months`` months later (a copy of its behaviour)."""
    out = frame.copy()
    out["timestamp"] = out["timestamp"] + np.int64(months * 31 * 86400)
    return out


def work(folder: Path) -> Path:
    """The work folder of the pipeline :func:`write_pipeline` writes."""
    return folder / "shop.pipeline"


def only_run(folder: Path) -> Path:
    """The one run folder of a pipeline that has run once."""
    (run,) = (work(folder) / "runs").iterdir()
    return run
