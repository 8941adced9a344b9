"""Round 56 E: what a notebook holds (sparse matrices, pyarrow columns with nulls, record
batch readers) given to the Interactions constructors, and the seen pattern of to_csr."""

import numpy as np
import pyarrow as pa
import pytest
import scipy.sparse as sp

from recstack.data import Interactions
from recstack.errors import ConfigError, DataFormatError

MATRICES = [
    sp.csr_matrix(np.array([[1, 0], [0, 2]])),
    sp.csr_array(np.array([[1, 0], [0, 2]])),
    sp.coo_array((np.array([1.0, 2.0]), (np.array([0, 0]), np.array([1, 1]))), shape=(2, 3)),
    sp.csc_matrix(np.array([[True, False], [False, True]])),
]


@pytest.mark.parametrize("matrix", MATRICES, ids=lambda m: type(m).__name__)
def test_sparse_matrix_given_as_ids_names_its_conversion(matrix):
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(matrix, [1, 2])
    message = str(caught.value)
    assert caught.value.column == "user_id"
    assert f"scipy.sparse {type(matrix).__name__} of shape {matrix.shape}" in message
    assert "tocoo()" in message and "eliminate_zeros" in message
    assert "set or dict" not in message  # the old advice, about unordered containers


def test_sparse_matrix_given_as_values_names_its_conversion():
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays([1, 2], [1, 2], sp.csr_matrix(np.eye(2)))
    assert caught.value.column == "value"
    assert "scipy.sparse csr_matrix of shape (2, 2)" in str(caught.value)
    assert "shape ()" not in str(caught.value)


def test_sparse_matrix_given_as_frame_names_its_conversion():
    with pytest.raises(ConfigError, match=r"not csr_array; .*tocoo\(\)"):
        Interactions.from_frame(sp.csr_array(np.eye(2)))


def test_record_batch_reader_is_told_to_read_pandas_which_then_works():
    table = pa.table({"user_id": ["a", "b", "a"], "item_id": [3, 4, 4]})
    with pytest.raises(ConfigError, match=r"RecordBatchReader; pass reader\.read_pandas\(\)"):
        Interactions.from_frame(table.to_reader(max_chunksize=2))
    data = Interactions.from_frame(table.to_reader(max_chunksize=2).read_pandas())
    assert data.to_frame().to_dict("list") == {
        "user_id": ["a", "b", "a"], "item_id": [3, 4, 4], "value": [1.0, 1.0, 1.0]}


def test_null_of_a_chunked_pyarrow_id_column_is_named_null_at_its_row():
    ids = pa.chunked_array([[1, 2], [None, 4]])  # row 2: the first row of the second chunk
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(ids, [1, 2, 3, 4])
    assert caught.value.column == "user_id"
    assert "row 2 holds an empty id, a missing value (null" in str(caught.value)
    assert "NaN" not in str(caught.value)


@pytest.mark.parametrize("values", [pa.array([1.0, None, 2.0]), pa.array([1, None, 2]),
                                    pa.chunked_array([[1.0], [None, 2.0]])])
def test_null_of_a_pyarrow_value_column_is_named_null_not_nan(values):
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays([1, 2, 3], [1, 2, 3], values)
    assert caught.value.column == "value"
    assert "row 1 holds a missing value (null" in str(caught.value)
    assert "non-finite" not in str(caught.value)


def test_null_of_a_pyarrow_time_column_is_named_null():
    times = pa.array([0, None, 2000], pa.timestamp("ms", tz="Asia/Tokyo"))
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays([1, 2, 3], [1, 2, 3], None, times)
    assert caught.value.column == "timestamp"
    assert "row 1 holds a missing value (null" in str(caught.value)


def test_pyarrow_columns_without_nulls_still_build():
    data = Interactions.from_arrays(
        pa.chunked_array([["x"], ["y", "x"]]), pa.array([5, 6, 5]).dictionary_encode(),
        pa.array([1, 2, 3], pa.decimal128(5, 2)),
        pa.array([0, 1000, 2000], pa.timestamp("ms", tz="Asia/Tokyo")))
    assert list(data.users.external_ids) == ["x", "y"]
    assert data.value.tolist() == [1.0, 2.0, 3.0]
    assert data.timestamp.tolist() == [0, 1, 2]  # the UTC instants, in seconds


def test_bool_matrix_marks_every_interaction_seen_whatever_its_value():
    # user 1 rated item 10 zero; user 2's two rows of item 20 sum to 0
    data = Interactions.from_arrays([1, 1, 2, 2, 2], [10, 20, 10, 20, 20],
                                    [0.0, 1.0, 2.0, 1.0, -1.0])
    seen = data.to_csr(dtype=bool)
    assert seen.dtype == np.bool_
    assert seen.toarray().tolist() == [[True, True], [True, True]]
    assert seen[0, 0]
    # a stored False vanished from any sum, so the pair was excluded in one place and not
    # in another
    nothing = sp.csr_matrix(seen.shape, dtype=bool)
    assert (seen + nothing).nnz == 4
    values = data.to_csr()
    assert values.nnz == 4 and values.toarray().tolist() == [[0.0, 1.0], [2.0, 0.0]]
