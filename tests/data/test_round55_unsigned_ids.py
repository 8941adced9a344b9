"""Unsigned 64-bit ids from 2**63 on (hashes written by other systems) have no int64:
encoding them must keep them exact, in their own type."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions


@pytest.mark.parametrize("ids", [
    [2**63 + 1, 2**63 + 2, 2**63 + 7, 2**63 + 1],
    [2**64 - 1, 2**64 - 3, 2**64 - 1],
    [2**63 - 2, 2**63 + 2],  # a span across int64's end
])
def test_close_together_unsigned_ids_beyond_int64_keep_their_values(ids):
    users = np.array(ids, dtype=np.uint64)
    data = Interactions.from_arrays(users, np.arange(len(ids)), None)
    external = data.users.external_ids
    assert external.dtype == np.uint64
    assert sorted(set(ids)) == [int(value) for value in external]
    codes = data.users.to_index(users)
    assert [int(external[code]) for code in codes] == ids
