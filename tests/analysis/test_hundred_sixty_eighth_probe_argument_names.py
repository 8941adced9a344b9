"""A misspelt keyword argument to the public analysis functions (``pca_analysis(v,
n_component=2)``, ``write_report(folder, projecton="umap")``) was Python's
``TypeError: ... got an unexpected keyword argument``, a traceback naming neither the
near name nor what the function takes, where the rest of recstack (the splits, the
loaders, the evaluator) answers a ``ConfigError`` with both. Now these functions answer
alike."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import (
    cosine_top_k,
    embedding_health,
    label_matrix,
    log_popularity,
    nearest_neighbours,
    neighbourhood_coherence,
    pca_analysis,
    project,
    write_report,
)
from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from recstack.errors import ConfigError

VECTORS = np.random.default_rng(0).normal(size=(12, 3))
LABELS = [["a"], ["b"]] * 6


@pytest.mark.parametrize(("call", "message"), [
    (lambda: pca_analysis(VECTORS, n_component=2),
     "pca_analysis() has no argument 'n_component' (did you mean 'n_components'?); it "
     "takes pca_analysis(vectors, popularity, *, n_components=..., kind=..., model=...)"),
    (lambda: embedding_health(VECTORS, dead_tolerence=0.1),
     "embedding_health() has no argument 'dead_tolerence' (did you mean "
     "'dead_tolerance'?)"),
    (lambda: log_popularity(count=[1, 2]),
     "log_popularity() has no argument 'count' (did you mean 'counts'?)"),
    (lambda: nearest_neighbours(VECTORS, [0], k=2, title=None),
     "nearest_neighbours() has no argument 'title' (did you mean 'titles'?)"),
    (lambda: cosine_top_k(VECTORS, row=[0], k=2),
     "cosine_top_k() has no argument 'row' (did you mean 'rows'?)"),
    (lambda: label_matrix(label=["a"]),
     "label_matrix() has no argument 'label' (did you mean 'labels'?)"),
    (lambda: neighbourhood_coherence(VECTORS, LABELS, kk=3),
     "neighbourhood_coherence() has no argument 'kk'"),
    (lambda: project(VECTORS, "tsne", max_point=5),
     "project() has no argument 'max_point' (did you mean 'max_points'?)"),
    (lambda: write_report("results", projecton="umap"),
     "write_report() has no argument 'projecton' (did you mean 'projection'?)"),
    (lambda: write_pipeline_report("run", ot="report.html"),
     "write_pipeline_report() has no argument 'ot' (did you mean 'out'?); it takes "
     "write_pipeline_report(run_folder, out)"),
    (lambda: read_results(pth="results"),
     "read_results() has no argument 'pth' (did you mean 'path'?); it takes "
     "read_results(path)"),
    (lambda: pca_analysis(),
     "pca_analysis(): missing 'vectors'"),
], ids=["pca", "health", "popularity", "neighbours", "top-k", "labels", "coherence",
        "project", "report", "pipeline-report", "read-results", "missing"])
def test_a_misspelt_argument_is_named_with_the_near_one(call, message):
    with pytest.raises(ConfigError) as caught:
        call()
    assert str(caught.value).startswith(message), str(caught.value)


def test_the_functions_still_answer_a_call_that_fits():
    # four points on two lines: rows 0 and 1 point one way, 2 and 3 the other
    vectors = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    indices, cosines = cosine_top_k(vectors, rows=[0, 2], k=1)
    assert indices.tolist() == [[1], [3]]
    assert cosines.tolist() == [[1.0], [1.0]]
    assert log_popularity(counts=[0, 1, 3]).tolist() == pytest.approx(
        [0.0, np.log(2), np.log(4)])
