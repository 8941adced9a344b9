"""Ninth bad-input probe: ``Interactions.to_csr`` with a type scipy.sparse cannot hold."""
import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


def test_float16_matrix_is_refused_naming_the_type_that_works():
    # values float16 holds exactly: before, scipy's ValueError came out as a traceback
    data = Interactions.from_arrays([1, 1, 2], [7, 8, 7], [5.0, 2.0, 4.0])
    with pytest.raises(ConfigError, match=r"to_csr: dtype float16: .*use np\.float32"):
        data.to_csr(dtype=np.float16)
    with pytest.raises(ConfigError, match=r"dtype float16"):
        data.to_csr(dtype="float16")
    # float32 holds the same cells: 5 and 2 for user 1, 4 for user 2
    assert data.to_csr(dtype=np.float32).toarray().tolist() == [[5.0, 2.0], [4.0, 0.0]]
