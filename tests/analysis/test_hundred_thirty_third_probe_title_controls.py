"""Hundred-thirty-third probe: a title holding a NUL or an escape was written as given into
the neighbour tables, the maps' hover text and the report's item titles, where the service
refuses it in an items file. One rule for titles now (``title_problem``): a control
character is refused naming the row and the character; tabs and line breaks are whitespace
a title may hold, as in the service."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.neighbours import nearest_neighbours
from recstack.analysis.report import _item_titles
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(6, 3))


@pytest.mark.parametrize(("title", "named"), [
    ("Heat\x00", "(NUL) at character 5"),
    (b"Heat\x00", "(NUL) at character 5"),  # bytes are UTF-8 text, the NUL included
    ("\x1b[31mRed", "(U+001B) at character 1"),
    ("DEL\x7f", "(DEL) at character 4"),
])
def test_neighbour_titles_with_a_control_character_are_refused(title, named):
    titles = ["a", "b", "c", title, "e", "f"]
    with pytest.raises(RecstackError) as raised:
        nearest_neighbours(VECTORS, [0], k=2, titles=titles)
    message = str(raised.value)
    assert message.startswith("titles: row 3 is not printable text: it holds a control "
                              "character ")
    assert named in message and "give titles as printable text" in message


def test_tabs_and_line_breaks_stay_whitespace_a_title_may_hold():
    titles = ["Alien\tcut", "Heat\n(1995)", "Ran\r\n", "Up\u2028", "e", "f"]
    table = nearest_neighbours(VECTORS, [0, 1], k=2, titles=titles)
    assert list(table.titles) == titles


def test_map_hover_titles_follow_the_same_rule():
    from recstack.analysis.projections import Projection

    projection = Projection("tsne", np.arange(6), VECTORS[:, :2], 6, 0)
    with pytest.raises(RecstackError, match=r"^titles: row 1 is not printable text: it "
                       r"holds a control character \(NUL\) at character 2"):
        projection.chart(titles=["a", "b\x00", "c", "d", "e", "f"])
    chart = projection.chart(titles=["a", "b\tc", "c", "d", "e", "f"])
    assert list(chart.series[0].text) == ["a", "b\tc", "c", "d", "e", "f"]


def test_the_reports_item_titles_follow_the_same_rule():
    table = pd.DataFrame({"item_id": [100, 101, 102], "title": ["ok", "bad\x00", "fine"]})
    train = Interactions.from_arrays(np.array([1, 2, 3]), np.array([100, 101, 102]),
                                     item_table=table)
    with pytest.raises(RecstackError, match=r"^the item table's title column: row 1 is not "
                       r"printable text: it holds a control character \(NUL\) at "
                       r"character 4"):
        _item_titles(train)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, "", "  "])
def test_a_missing_title_is_shown_by_its_row_not_as_nan(missing):
    titles = ["a", "b", missing, "d", "e", "f"]
    frame = nearest_neighbours(VECTORS, [2, 0], k=5, titles=titles).to_frame()
    shown = set(frame["query"]) | set(frame["neighbour"])
    # row 2 has no title: it is named by its row number, as an untitled table names rows
    assert "2" in shown
    assert not {text for text in shown if not isinstance(text, str) or not text.strip()}
    assert not any(str(text) in {"nan", "None", "<NA>"} for text in shown)


def test_map_hover_shows_a_missing_title_by_its_row():
    from recstack.analysis.projections import Projection

    projection = Projection("tsne", np.arange(6), VECTORS[:, :2], 6, 0)
    chart = projection.chart(titles=["a", None, "c", np.nan, "e", "f"])
    assert list(chart.series[0].text) == ["a", "1", "c", "3", "e", "f"]


@pytest.mark.parametrize("titles", [{i: "t" for i in range(6)}, set("abcdef")])
def test_titles_given_as_one_object_are_named_by_type(titles):
    kind = type(titles).__name__
    with pytest.raises(RecstackError, match=rf"titles must hold one title per row \(6\), "
                       rf"got a {kind}$"):
        nearest_neighbours(VECTORS, [0], k=2, titles=titles)
