"""Twenty-seventh probe, a partition whose ids (or times) are stored in a type whose values
the dataset's type cannot all hold: float ids with a fraction, NaN or 1e19 where the
dataset's ids are int64, unsigned ids or times beyond int64. The merged read failed as
"could not read the dataset: Float value 2.500000 was truncated converting to int64
(expected the intact Parquet files that write_partitioned writes)": no file, row or
column, and the files are intact. Now the file, the row, the column and the value are
named; whole-number float ids still merge, as documented."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

MONTHS = [1577836800, 1580515200, 1583020800]  # 2020-01, 2020-02, 2020-03


def _dataset(tmp_path, column, values, kind=None):
    """Three monthly partitions, February's ``column`` rewritten as ``values``."""
    root = tmp_path / "events"
    n = len(values)
    users = [1, *range(100, 100 + n), 3]
    write_partitioned(Interactions.from_arrays(
        users, [10] * len(users), timestamps=[MONTHS[0], *[MONTHS[1] + i for i in range(n)],
                                              MONTHS[2]]), root)
    february = root / "year=2020" / "month=02" / "part-0.parquet"
    table = pq.read_table(february)
    table = table.set_column(table.schema.get_field_index(column), column,
                             pa.array(values, kind))
    pq.write_table(table, february)
    return root


# (thirtieth probe: an id that is no whole number is told so, not what int64 holds)
_NOT_WHOLE = (r"which is not a whole number: ids must be whole numbers or text \(expected "
              r"whole-number or text ids in every data file\)$")


@pytest.mark.parametrize(("values", "shown", "why"), [
    ([100.0, 101.0, 102.5, 103.5], r"row 3: found 102\.5 \(double\)", _NOT_WHOLE),
    ([100.0, float("nan")], r"row 2: found nan \(double\)", _NOT_WHOLE),
    ([1e19], r"row 1: found 1e\+19 \(double\)",
     r"which {column} as the dataset stores it \(int64\) cannot hold exactly \(expected "
     r"whole-number ids that int64 holds in every data file\)$"),
])
@pytest.mark.parametrize("column", ["user_id", "item_id"])
def test_a_float_id_the_int64_ids_cannot_hold_is_named(tmp_path, column, values, shown, why):
    root = _dataset(tmp_path, column, values)
    with pytest.raises(DataFormatError, match=rf"^{root}: column '{column}': "
                                              rf"year=2020/month=02/part-0\.parquet, {shown}, "
                                              + why.format(column=column)):
        read_partitioned(root)


def test_an_unsigned_time_beyond_int64_is_named(tmp_path):
    root = _dataset(tmp_path, "timestamp", [MONTHS[1], 2**64 - 1], pa.uint64())
    with pytest.raises(DataFormatError, match=r"column 'timestamp': year=2020/month=02/"
                                              r"part-0\.parquet, row 2: found "
                                              r"18446744073709551615 \(uint64\), which "
                                              r"timestamp as the dataset stores it \(int64\)"):
        read_partitioned(root)


def test_whole_float_ids_still_merge_and_other_months_still_read(tmp_path):
    (tmp_path / "whole").mkdir()
    (tmp_path / "february").mkdir()
    users = read_partitioned(_dataset(tmp_path / "whole", "user_id", [7.0, 8.0])).users
    assert sorted(users.external_ids.tolist()) == [1, 3, 7, 8]
    root = _dataset(tmp_path / "february", "item_id", [2.5])
    assert len(read_partitioned(root, start="2020-03")) == 1  # February is not read


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    root = _dataset(tmp_path, "user_id", [100.5])
    assert main(["data", "info", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "year=2020/month=02/part-0.parquet, row 1: found 100.5 (double)" in err
