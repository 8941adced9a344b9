"""Seventy-third bad-input probe of the report: a ``colour_by`` naming a column in another
case or a letter off was refused with the list of columns only, and the report's
neighbour table of vectors that tie (or all point one way) was shown as if it ranked them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.report import check_colour_by, write_report
from recstack.errors import RecstackError, UnknownColumnError

TABLE = pd.DataFrame({"genres": ["a", "b"], "title": ["x", "y"]})


@pytest.mark.parametrize("given, meant", [("Genres", "genres"), ("genre", "genres"),
                                          ("TITLE", "title"), ("Popularity", "popularity")])
def test_a_near_miss_colour_by_names_the_column_meant(given, meant):
    with pytest.raises(UnknownColumnError, match=rf"no column {given!r} for colouring the "
                                                 rf"embedding maps; the columns are: "
                                                 rf"'popularity', 'genres', 'title' \(did "
                                                 rf"you mean {meant!r}\?\)"):
        check_colour_by(given, TABLE)


def test_a_colour_by_near_nothing_lists_the_columns_without_a_guess():
    with pytest.raises(UnknownColumnError) as caught:
        check_colour_by("budget", TABLE)
    assert "did you mean" not in str(caught.value)
    assert "'popularity', 'genres', 'title'" in str(caught.value)


def _embeddings_section(results_dir, tmp_path, monkeypatch, change):
    from recstack.models.als import ALS

    original = ALS.item_embeddings
    monkeypatch.setattr(ALS, "item_embeddings", lambda self: change(original(self)))
    page = write_report(results_dir, tmp_path / "page.html", projection=None,
                        interactive=False, refit="embeddings").read_text()
    section = page[page.index('<section id="embeddings">'):]
    return page, section[:section.index("</section>")]


def test_the_report_says_when_neighbour_lists_end_inside_a_tie(results_dir, tmp_path,
                                                               monkeypatch):
    def copies(vectors):
        # every item a copy of item 0's vector at its own length, but one other direction
        out = np.outer(np.linspace(1.0, 2.0, len(vectors)), vectors[0])
        out[-1] = -out[-1] + 1.0
        return out

    _, section = _embeddings_section(results_dir, tmp_path, monkeypatch, copies)
    assert "Nearest neighbours of the most popular items" in section
    # the three most popular items are queried; each ties with every copy
    assert ("The neighbour list of 3 of 3 queries ends inside a tie (e.g. row " in section)


def test_the_report_of_collapsed_vectors_has_no_neighbour_table(results_dir, tmp_path,
                                                                monkeypatch):
    page, section = _embeddings_section(results_dir, tmp_path, monkeypatch,
                                        lambda v: np.outer(np.arange(1, len(v) + 1), v[0]))
    assert "No nearest neighbours: embeddings: every vector points the same way" in section
    assert "Nearest neighbours of the most popular items" not in section
    assert '<section id="environment">' in page


@pytest.mark.parametrize("options, message", [
    ({"refit": "All"}, r"refit must be one of \('all', 'embeddings', 'none'\), got 'All' "
                       r"\(did you mean 'all'\?\)"),
    ({"refit": "embedding"}, r"got 'embedding' \(did you mean 'embeddings'\?\)"),
    ({"projection": "t-SNE"}, r"projection must be 'tsne', 'umap' or None, got 't-SNE' "
                              r"\(did you mean 'tsne'\?\)"),
    ({"projection": "UMAP"}, r"got 'UMAP' \(did you mean 'umap'\?\)"),
    ({"projection": "none"}, r"got 'none' \(did you mean None\?\)"),
])
def test_a_misspelt_report_option_names_the_value_meant(results_dir, tmp_path, options,
                                                        message):
    with pytest.raises(RecstackError, match=message):
        write_report(results_dir, tmp_path / "page.html", **options)
    assert not (tmp_path / "page.html").exists()


def test_a_misspelt_map_method_names_the_method_meant():
    from recstack.analysis import project

    with pytest.raises(RecstackError, match=r"projection method must be one of \('tsne', "
                                            r"'umap'\), got 'TSNE' \(did you mean 'tsne'\?\)"):
        project(np.random.default_rng(0).normal(size=(10, 3)), "TSNE")


@pytest.mark.parametrize("cells, kind", [([{"a": 1}, {"b": 2}, {"c": 3}], "dict"),
                                         ([{"x"}, {"y"}, {"z"}], "set")])
def test_a_colour_column_of_tables_or_sets_is_refused_naming_the_item(cells, kind):
    from recstack.analysis.report import _colouring

    # private, but the one place the maps' colours are chosen (before any map is computed)
    table = pd.DataFrame({"item_id": [10, 11, 12], "meta": cells})
    with pytest.raises(RecstackError, match=rf"colour_by 'meta': the item table's column "
                                            rf"holds a {kind} at row 1 \(item 10\); give a "
                                            r"column of labels or numbers"):
        _colouring("meta", table, None, np.ones(3))


def test_map_colours_of_tables_are_refused_naming_the_row():
    from recstack.analysis.projections import Projection

    mapped = Projection("tsne", np.arange(3), np.zeros((3, 2)), 3, 0)
    with pytest.raises(RecstackError, match=r"colour must hold one label or number per row; "
                                            r"row 1 holds a dict"):
        mapped.chart(["a", {"b": 1}, "c"])
    assert mapped.chart(["a", "b", None]).series[0].colour.tolist() == ["a", "b", None]
