"""Two hundred twentieth bad-input probe: the item-index lists of the item index
(``ItemIndex.search_one(exclude=)``, ``ItemIndex.search(blocked=)``): one flat list of item
indices, never a nested list silently flattened, a single index or a sparse row failing in
numpy, or a boolean read as item 1."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex

# query (1, 0.5) by inner product: item 0 scores 1.0, item 1 0.5, item 2 1.5
VECTORS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
QUERY = np.array([1.0, 0.5], dtype=np.float32)
BACKENDS = ["exact", "hnsw"]


def _index(backend: str) -> ItemIndex:
    if backend == "hnsw":
        pytest.importorskip("hnswlib")
    return ItemIndex.build(VECTORS, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("nested", [[[2]], [[2], [0]], np.array([[2]])])
def test_a_nested_exclude_is_refused_not_flattened(backend, nested):
    # [[2]] was read as [2]: a per-query list of lists passed to the one-query call
    # excluded every query's items from this one without a word
    index = _index(backend)
    with pytest.raises(ConfigError, match=r"ItemIndex.search_one: exclude must be item "
                       r"indices \(integers\) in one flat list.*2-d values of shape "
                       r".*nested lists are not flattened"):
        index.search_one(QUERY, 2, exclude=nested)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_nested_blocked_list_is_refused_not_flattened(backend):
    index = _index(backend)
    with pytest.raises(ConfigError, match=r"ItemIndex.search: blocked must be item indices "
                       r"\(integers\) in one flat list.*shape \(1, 1\)"):
        index.search(QUERY[None, :], 2, blocked=[[2]])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("single", [2, np.int64(2), np.array(2)])
def test_a_single_index_is_refused_with_the_list_to_write(backend, single):
    # len() of an int was Python's bare TypeError
    index = _index(backend)
    with pytest.raises(ConfigError, match=r"for one item pass a list, e\.g\. \[2\]"):
        index.search_one(QUERY, 2, exclude=single)
    with pytest.raises(ConfigError, match=r"blocked .*for one item pass a list, e\.g\. \[2\]"):
        index.search(QUERY[None, :], 2, blocked=single)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_sparse_row_text_and_a_mapping_are_refused_by_name(backend):
    index = _index(backend)
    row = sp.csr_matrix(np.array([[0, 0, 1]]))
    with pytest.raises(ConfigError, match=r"got a scipy sparse matrix of shape \(1, 3\).*"
                       r"matrix\.indices"):
        index.search_one(QUERY, 2, exclude=row)  # "sparse array length is ambiguous"
    with pytest.raises(ConfigError, match=r"exclude must be item indices.*got str '2'"):
        index.search_one(QUERY, 2, exclude="2")
    with pytest.raises(ConfigError, match=r"exclude must be item indices.*got a mapping"):
        index.search_one(QUERY, 2, exclude={2: True})
    with pytest.raises(ConfigError, match=r"exclude must be item indices.*uneven lengths"):
        index.search_one(QUERY, 2, exclude=[[2], [0, 1]])  # numpy's ValueError


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_boolean_beside_integers_is_refused_not_read_as_item_1(backend):
    # [2, True] excluded items 2 and 1
    index = _index(backend)
    with pytest.raises(ConfigError, match=r"got \[2, True\] \(object\)"):
        index.search_one(QUERY, 2, exclude=[2, True])
    with pytest.raises(ConfigError, match=r"blocked must be item indices.*\[2, True\]"):
        index.search(QUERY[None, :], 2, blocked=[2, True])


@pytest.mark.parametrize("backend", BACKENDS)
def test_indices_outside_the_catalog_name_the_value_given(backend):
    # an unsigned 2**64 - 1 wrapped to int64 and was reported as -1; 2**70 as "(object)"
    index = _index(backend)
    for bad, shown in ((np.array([2**64 - 1], np.uint64), "18446744073709551615"),
                       ([2**70], "1180591620717411303424"), ([0, 3], "3"), ([-1], "-1")):
        with pytest.raises(ConfigError, match=rf"excluded item indices must be in \[0, 3\), "
                           rf"got {shown}$"):
            index.search_one(QUERY, 2, exclude=bad)
        with pytest.raises(ConfigError, match=rf"blocked item indices must be in \[0, 3\), "
                           rf"got {shown}$"):
            index.search(QUERY[None, :], 2, blocked=bad)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("given", [lambda: {2}, lambda: frozenset([2, 2]), lambda: (2,),
                                   lambda: range(2, 3), lambda: (i for i in [2, 2]),
                                   lambda: np.array([2], np.uint8), lambda: [2]])
def test_every_flat_container_of_indices_excludes_those_items(backend, given):
    # a set was "got [{2}] (object)" and a generator a TypeError; without item 2 the list
    # is item 0 (1.0) then item 1 (0.5)
    index = _index(backend)
    items, scores = index.search_one(QUERY, 2, exclude=given())
    assert items.tolist() == [0, 1]
    assert scores.tolist() == [1.0, 0.5]


@pytest.mark.parametrize("backend", BACKENDS)
def test_blocked_as_a_set_blocks_those_items(backend):
    index = _index(backend)
    items, scores = index.search(QUERY[None, :], 2, blocked={2})
    assert items.tolist() == [[0, 1]]
    assert scores.tolist() == [[1.0, 0.5]]
    assert index.search_one(QUERY, 2, exclude=[])[0].tolist() == [2, 0]


@pytest.mark.parametrize("mask", [sp.csr_matrix(([1], ([1], [2])), shape=(2, 3)),
                                  np.zeros((2, 3))])
def test_exact_search_refuses_an_exclude_with_rows_for_other_queries(mask):
    # a 2-row mask for 1 query was taken: its row 1 ignored, the list [2, 0] unmasked
    from recstack.serving.ann import exact_search

    with pytest.raises(ConfigError, match=r"exact_search: exclude must have one row per "
                       r"query \(1 x 3, queries x items\), got 2 x 3; take the queries' "
                       r"rows of a larger mask \(mask\[rows\]\)"):
        exact_search(VECTORS, QUERY[None, :], 2, exclude=mask)


def test_exact_search_masks_the_one_row_of_its_one_query():
    from recstack.serving.ann import exact_search

    top, scores = exact_search(VECTORS, QUERY[None, :], 2,
                               exclude=sp.csr_matrix(([1], ([0], [2])), shape=(1, 3)))
    assert top.tolist() == [[0, 1]]
    assert scores.tolist() == [[1.0, 0.5]]
