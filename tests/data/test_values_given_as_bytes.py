"""Bytes where numbers belong are named as bytes, with the decoding to do first (they were
"text", with advice to convert text)."""
import numpy as np
import pytest

from recstack.data import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize("values", [[b"1", b"2"], np.array([b"1", b"2"], dtype=object)])
def test_bytes_where_numbers_belong_are_named_as_bytes_with_the_decoding(values):
    with pytest.raises(DataFormatError, match=r"bytes such as b'1' .*decode the bytes to "
                                              r"text first, e\.g\. value\.decode\('utf-8'\)"):
        Interactions.from_arrays([1, 2], [1, 2], values=values)
