"""Sixth bad-input probe, partitions: column types the data loaders read that the pipeline
refused. Each test failed before its fix."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from recstack.ops.partitions import list_partitions, read_schema, read_table
from recstack.ops.pipeline import run_pipeline
from recstack.ops.quality import PASSED, QualitySpec, check_partition

from .scenario import make_data, write_pipeline


def _rewrite(folder, change):
    """Every partition file of ``folder/logs`` with ``change`` applied to its table."""
    for path in sorted((folder / "logs").rglob("*.parquet")):
        table = pq.read_table(path)
        pq.write_table(change(table), path)


def _decimal_ratings(table: pa.Table) -> pa.Table:
    # ratings stored as DECIMAL(4, 1), as a SQL export writes them
    position = table.column_names.index("value")
    return table.set_column(position, "value",
                            pc.cast(table.column("value"), pa.decimal128(4, 1)))


def _category_users(table: pa.Table) -> pa.Table:
    # user ids as a pandas category (dictionary-encoded text in Parquet)
    position = table.column_names.index("user_id")
    text = pc.cast(table.column("user_id"), pa.string())
    return table.set_column(position, "user_id", pc.dictionary_encode(text))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_data(tmp_path_factory.mktemp("data"))


@pytest.mark.parametrize("change, column", [(_decimal_ratings, "value"),
                                            (_category_users, "user_id")])
def test_the_schema_check_reads_decimal_ratings_and_category_ids(base, tmp_path, change,
                                                                   column):
    # "column 'value' holds decimal128(4, 1) (expected numbers)": the check failed data
    # that `recstack data info` reads
    import shutil

    folder = shutil.copytree(base, tmp_path / "p")
    _rewrite(folder, change)
    partition = list_partitions(folder / "logs")[0]
    table = read_table(folder / "logs", partition)
    results = {r.check: r for r in check_partition(table, QualitySpec(),
                                                   rating_range=(1.0, 5.0))}
    assert results["schema"].status == PASSED, results["schema"].message
    assert results["range"].status == PASSED
    expected = pa.float64() if column == "value" else pa.string()
    assert table.schema.field(column).type == expected
    assert read_schema(folder / "logs", partition).field(column).type == expected


def test_a_pipeline_over_decimal_ratings_and_category_ids_publishes(base, tmp_path):
    import shutil

    folder = shutil.copytree(base, tmp_path / "p")
    _rewrite(folder, lambda table: _category_users(_decimal_ratings(table)))
    outcome = run_pipeline(write_pipeline(folder))
    assert outcome.published
