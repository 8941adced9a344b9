"""Two hundred twenty-third probe: a count given as a whole exact number.

recstack reads ``Decimal("10")`` or ``Fraction(10)`` as the count 10 everywhere
(``recommend(k=Decimal("10"))``, ``similar_items``, ``ItemIndex.search``, the metrics, the
hyperparameters: :func:`recstack.specs.whole_exact_as_int`). The ranking functions of
``recstack.topk`` (``k``, ``workers``, ``n_threads``, ``batch_size``, ``n_items``), the
analysis functions (``nearest_neighbours``' ``k``, ``pca_analysis``' ``n_components``,
``project``'s ``max_points``/``seed``/``n_threads``), ``ItemIndex.build``'s graph settings,
a registry version or ``keep``, the service's ``k`` from Python, the logs' counts and the
skew check's ``limit``/``show`` refused it as no whole number. They take it now; a
fraction (``Decimal("2.5")``), a float or a boolean is still refused as written."""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.topk import top_k, top_k_batched, top_k_threaded

D, F = decimal.Decimal, fractions.Fraction
SCORES = np.array([[1.0, 3.0, 2.0, 0.0], [0.0, 1.0, 5.0, 2.0]])


def test_topk_reads_whole_exact_counts():
    indices, values = top_k(SCORES, D(2))
    assert indices.tolist() == [[1, 2], [2, 3]] and values.tolist() == [[3.0, 2.0], [5.0, 2.0]]
    assert top_k(SCORES, F(4, 2))[0].tolist() == [[1, 2], [2, 3]]
    assert top_k_threaded(SCORES, D(2), None, D(2))[0].tolist() == [[1, 2], [2, 3]]
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0], [0, 0, 1, 0]]))
    indices, _ = top_k_batched(lambda rows: SCORES[rows], np.array([0, 1]), D(2),
                               exclude=exclude, batch_size=F(1), n_items=D(4),
                               n_threads=D(1))
    assert indices.tolist() == [[2, 0], [3, 1]]


@pytest.mark.parametrize("k", [D("2.5"), D("NaN"), D(0), 2.0, True, "2"])
def test_topk_still_refuses_what_is_no_count(k):
    with pytest.raises(ConfigError, match=r"^k must be a positive integer, got "):
        top_k(SCORES, k)


def test_analysis_reads_whole_exact_counts():
    from recstack.analysis import nearest_neighbours, pca_analysis

    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.2]])
    table = nearest_neighbours(x, [0], k=D(2))
    assert table.neighbours.tolist() == [[1, 3]]
    assert pca_analysis(x, n_components=F(1)).components.shape == (1, 2)
    with pytest.raises(RecstackError, match=r"n_components must be a whole number >= 1, "
                                            r"got Decimal\('1.5'\)"):
        pca_analysis(x, n_components=D("1.5"))


def test_a_map_reads_a_whole_exact_seed_as_its_int():
    pytest.importorskip("openTSNE")
    from recstack.analysis import project

    x = np.random.default_rng(0).normal(size=(20, 4))
    exact = project(x, max_points=D(10), seed=D(1), n_threads=D(1))
    plain = project(x, max_points=10, seed=1, n_threads=1)
    assert exact.rows.tolist() == plain.rows.tolist()
    np.testing.assert_array_equal(exact.coordinates, plain.coordinates)


def test_registry_and_index_read_whole_exact_counts():
    from recstack.serving.ann import ItemIndex
    from recstack.serving.registry import _check_keep, check_version

    assert check_version(D(2)) == 2 and type(check_version(D(2))) is int
    assert _check_keep(F(3)) == 3
    with pytest.raises(ConfigError, match=r"got Decimal\('2.5'\)"):
        check_version(D("2.5"))
    vectors = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    index = ItemIndex.build(vectors, backend="exact", exact_below=D(100), n_check=D(5))
    assert index.backend == "exact"
    with pytest.raises(ConfigError, match=r"^M must be a positive integer, got "
                                          r"Decimal\('2.5'\)"):
        ItemIndex.build(vectors, M=D("2.5"))


def test_service_counts_read_whole_exact_numbers(tmp_path):
    from recstack.serving.request_log import REQUEST_SCHEMA, ParquetLog
    from recstack.serving.service import RequestLimitError, request_count
    from recstack.serving.skew import SkewReport, render_skew

    assert request_count(D(5), "k", most=100, setting="max_k") == 5
    with pytest.raises(RequestLimitError, match=r"^k: Input should be a whole number from 1 "
                                                r"to 100 \(this service's max_k\), not "):
        request_count(D("5.5"), "k", most=100, setting="max_k")
    log = ParquetLog(tmp_path / "logs", "requests", REQUEST_SCHEMA, rotate_rows=D(10),
                     keep_files=F(2), max_pending=D(100))
    try:
        assert (log.rotate_rows, log.keep_files, log.max_pending) == (10, 2, 100)
    finally:
        log.close()
    mismatches = pd.DataFrame({"request_id": ["r1", "r2", "r3"], "model": ["als@1"] * 3,
                               "what": ["items"] * 3, "detail": ["a", "b", "c"]})
    report = SkewReport(checked=3, mismatched=3, mismatches=mismatches)
    assert render_skew(report, show=D(1)) == render_skew(report, show=1)
    assert "... and 2 more" in render_skew(report, show=D(1))
    with pytest.raises(ConfigError, match=r"render_skew: show must be a whole number"):
        render_skew(report, show=D("1.5"))
