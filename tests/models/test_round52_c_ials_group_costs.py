"""iALS groups rows for its batched solves by a byte budget; the costs were computed in the
int32 of scipy's row pointers, so large blocks or long rows wrapped or overflowed."""

import numpy as np

from recstack.models.ials import _GROUP_BUDGET_BYTES, _length_groups


def _group_bytes(lengths: list[int], block: int) -> int:
    # the documented cost of a group, in Python integers (no wrapping): per row 3 float32
    # copies of longest x block factors and two block x block systems
    return len(lengths) * (3 * 4 * block * max(lengths) + 3 * 4 * block * block)


def test_a_long_row_is_not_grouped_past_the_budget_by_a_wrapped_cost():
    lengths = [1, 1, 200_000]
    indptr = np.cumsum([0, *lengths]).astype(np.int32)
    block = 1024
    groups = [group.tolist() for group in _length_groups(indptr, block)]
    assert sorted(row for group in groups for row in group) == [0, 1, 2]
    for group in groups:
        if len(group) > 1:
            assert _group_bytes([lengths[row] for row in group], block) <= _GROUP_BUDGET_BYTES
    # by hand: one short row costs 12 * 1024 * (1 + 1024) bytes, about 12.6 MB, so two
    # exceed the 16 MiB budget, and the long row is alone
    assert groups == [[0], [1], [2]]


def test_a_block_whose_systems_pass_int32_groups_rows_instead_of_raising():
    # block_size=None with 20,000 factors: 12 * 20,000 ** 2 bytes per row is past int32
    indptr = np.array([0, 1, 2], dtype=np.int32)
    groups = [group.tolist() for group in _length_groups(indptr, 20_000)]
    assert groups == [[0], [1]]
