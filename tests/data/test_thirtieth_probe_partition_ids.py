"""Thirtieth probe, a partition holding an id that is no whole number (2.5, NaN) where
the dataset's ids are integers: the message said the value was one "which user_id as the
dataset stores it (int64) cannot hold exactly", an explanation about storage types,
though no dataset type would make 2.5 an id. Now it says that ids must be whole numbers
or text; a whole number too large for int64 keeps the storage explanation."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

MONTHS = [1577836800, 1580515200]  # 2020-01-01, 2020-02-01


def _dataset(tmp_path, user_ids):
    root = write_partitioned(Interactions.from_arrays([1, 2], [10, 10], timestamps=MONTHS),
                             tmp_path / "log")
    february = root / "year=2020" / "month=02" / "part-0.parquet"
    table = pq.read_table(february)
    table = table.set_column(table.schema.get_field_index("user_id"), "user_id",
                             pa.array(user_ids, pa.float64()))
    pq.write_table(table, february)
    return root


@pytest.mark.parametrize(("value", "shown"), [(2.5, "2.5"), (float("inf"), "inf")])
def test_a_decimal_id_is_told_ids_are_whole_numbers_or_text(tmp_path, value, shown):
    root = _dataset(tmp_path, [value])
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    assert str(caught.value) == (
        f"{root}: column 'user_id': year=2020/month=02/part-0.parquet, row 1: found {shown} "
        "(double), which is not a whole number: ids must be whole numbers or text "
        "(expected whole-number or text ids in every data file)")
    assert "cannot hold exactly" not in str(caught.value)
