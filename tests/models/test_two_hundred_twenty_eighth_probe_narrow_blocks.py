"""RP3beta and item/user-kNN build their pruned similarity a dense block of rows at a time.
The block was sized by a fixed 256 MiB budget alone, so a machine with less free than the
block (and the pruned matrix) refused the fit, which narrower blocks would have done with
the same matrix. The block is now narrowed to the memory left; only a fit that cannot take
even one row is refused."""

import numpy as np
import pytest

import recstack.models.memory as memory
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.models.memory import rows_that_fit


@pytest.fixture(scope="module")
def data() -> Interactions:
    rng = np.random.default_rng(7)
    matrix = (rng.random((40, 30)) < 0.25).astype(np.float64)
    matrix[np.arange(40), np.arange(40) % 30] = 1.0
    users, items = np.nonzero(matrix)
    return Interactions.from_arrays(users, items, matrix[users, items])


# (model, params, rows of the similarity, entries kept a row)
CASES = [("rp3beta", {"neighbors": 5}, 30, 5),
         ("item_knn", {"neighbors": 5}, 30, 5),
         ("user_knn", {"neighbors": 5}, 40, 5)]


def fixed_bytes(n_rows: int, kept: int, nnz: int) -> int:
    # the pruned matrix (16 bytes a kept entry) and three copies of the training matrix
    # (12 bytes a stored entry)
    return n_rows * kept * 16 + 3 * 12 * nnz


@pytest.mark.parametrize(("name", "params", "n_rows", "kept"), CASES)
def test_a_block_narrowed_to_the_memory_left_gives_the_same_matrix(data, monkeypatch, name,
                                                                   params, n_rows, kept):
    reference = create_model(name, **params).fit(data)
    nnz = reference.seen_.nnz
    # room for the pruned matrix, the copies and 3 dense rows (24 bytes an entry), where
    # the block of every row (30 or 40) was asked for and refused
    available = fixed_bytes(n_rows, kept, nnz) + 3 * n_rows * 24
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (available, "available (test)"))
    model = create_model(name, **params).fit(data)
    assert (model.similarity_ != reference.similarity_).nnz == 0
    np.testing.assert_array_equal(model.similarity_.toarray(),
                                  reference.similarity_.toarray())
    users = np.arange(5)
    np.testing.assert_array_equal(model.score_users(users), reference.score_users(users))


@pytest.mark.parametrize(("name", "params", "n_rows", "kept"), CASES)
def test_no_room_for_one_row_is_still_refused(data, monkeypatch, name, params, n_rows, kept):
    nnz = create_model(name, **params).fit(data).seen_.nnz
    needed = fixed_bytes(n_rows, kept, nnz) + n_rows * 24  # a block of one row
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (needed - 1, "available (test)"))
    model = create_model(name, **params)
    with pytest.raises(RecstackError, match=rf"^{name}: the pruned .* needs about .*"
                                            rf"\({needed:,} bytes\)"):
        model.fit(data)
    assert not model.is_fitted


def test_rows_that_fit_worked_by_hand(monkeypatch):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (1000, "available (test)"))
    assert rows_that_fit(100, 10_000, 250) == 7      # (1000 - 250) // 100
    assert rows_that_fit(100, 300, 250) == 3         # the budget is the smaller room
    assert rows_that_fit(100, 10_000, 990) == 1      # at least one row
    assert rows_that_fit(100, 10_000, 5_000) == 1
