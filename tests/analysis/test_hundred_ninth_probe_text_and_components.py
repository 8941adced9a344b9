"""``pca_analysis(n_components=100)`` on 4-dimensional vectors kept 4 components without a
word; it warns now, while the default (10) keeps working on narrower vectors silently.
Titles given as bytes (a Parquet ``binary`` column, ``np.bytes_``) were shown as
``b'...'`` in the neighbour tables and on the maps' hover: they are UTF-8 text, by the one
rule of text recstack reads (ids, the service's titles and search text), and bytes that
are not UTF-8 are refused naming the row. ``nearest_neighbours(model=b"als")`` titled its
table with bytes, where the other analyses refuse a label that is not text. Genre labels
given as bytes were refused as "a bytes" on their own and became the label "b'Drama'"
inside a list. ``components_for(np.float32(0.5))`` was refused as no number."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.analysis import nearest_neighbours, pca_analysis
from recstack.analysis.neighbours import label_matrix
from recstack.analysis.projections import Projection
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(3).normal(size=(30, 4))


def test_asking_for_more_components_than_dimensions_warns_and_keeps_the_dimensions():
    with pytest.warns(UserWarning, match=r"n_components=100 asks for more components than "
                                         r"the item embeddings have dimensions \(4\); 4 are "
                                         r"kept \(give n_components <= 4\)"):
        analysis = pca_analysis(VECTORS, n_components=100)
    assert analysis.components.shape == (4, 4)


@pytest.mark.parametrize("n_components", [None, 4, 2])
def test_the_default_and_a_possible_count_do_not_warn(n_components):
    options = {} if n_components is None else {"n_components": n_components}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analysis = pca_analysis(VECTORS, **options)
    assert analysis.components.shape == ((n_components or 4), 4)


def test_the_default_keeps_ten_components_of_wider_vectors():
    wide = np.random.default_rng(4).normal(size=(40, 16))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pca_analysis(wide).components.shape == (10, 16)


@pytest.mark.parametrize("titles", [
    [f"t{i}".encode() for i in range(30)],
    np.array([f"t{i}".encode() for i in range(30)]),  # numpy's bytes dtype
])
def test_bytes_titles_are_their_text_in_the_neighbour_table(titles):
    frame = nearest_neighbours(VECTORS, [0], k=2, titles=titles).to_frame()
    assert frame["query"].tolist() == ["t0", "t0"]
    assert all(isinstance(name, str) and name.startswith("t") for name in frame["neighbour"])


def test_titles_that_are_not_utf8_are_refused_naming_the_row():
    titles = [f"t{i}" for i in range(30)]
    titles[7] = b"\xff"
    with pytest.raises(RecstackError, match=r"titles: row 7 holds bytes that are not UTF-8 "
                                            r"text \(b'\\xff': byte 1 cannot be read\)"):
        nearest_neighbours(VECTORS, [0], k=2, titles=titles)


def test_a_model_label_as_bytes_is_refused_as_by_the_other_analyses():
    with pytest.raises(RecstackError, match="nearest_neighbours: model must be the model's "
                                            "label as text"):
        nearest_neighbours(VECTORS, [0], k=2, model=b"als")


def test_bytes_titles_are_text_on_the_map():
    projection = Projection(coordinates=np.zeros((3, 2)), rows=np.arange(3), n_rows=3,
                            method="tsne", kind="item", model="als", seed=0)
    chart = projection.chart(titles=[b"Caf\xc3\xa9", b"b", "c"])
    assert list(chart.series[0].text) == ["Café", "b", "c"]
    with pytest.raises(RecstackError, match="titles: row 1 holds bytes that are not UTF-8"):
        projection.chart(titles=["a", b"\xfe", "c"])


@pytest.mark.parametrize("labels", [
    [b"Drama|War", "Comedy"],        # refused as "a bytes"
    [[b"Drama", "War"], "Comedy"],   # the label "b'Drama'"
])
def test_labels_given_as_bytes_are_their_text(labels):
    matrix, names = label_matrix(labels)
    assert names == ["Drama", "War", "Comedy"]
    assert matrix.toarray().tolist() == [[1, 1, 0], [0, 0, 1]]


def test_labels_that_are_not_utf8_name_the_entry():
    with pytest.raises(RecstackError, match=r"labels entry 1 holds bytes that are not UTF-8"):
        label_matrix(["x", [b"\xfe"]])


def test_a_share_given_as_a_numpy_number_is_that_number():
    analysis = pca_analysis(VECTORS)
    cumulative = np.cumsum(analysis.explained_variance_ratio)
    fewest = int(np.flatnonzero(cumulative >= 0.5 - 1e-12)[0]) + 1  # the definition
    assert analysis.components_for(np.float32(0.5)) == fewest
    assert analysis.components_for(np.int64(1)) == 4
    with pytest.raises(RecstackError, match=r"share must be a number in \(0, 1\], got True"):
        analysis.components_for(np.bool_(True))
