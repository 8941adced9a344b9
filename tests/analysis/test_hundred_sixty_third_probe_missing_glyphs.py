"""Text from data that the default font cannot draw (an emoji or another astral-plane
glyph in a title or a model label, a CJK genre) gave a "Glyph ... missing from font(s)
DejaVu Sans" warning for every chart that drew it, twice (layout, then saving): a report
of such titles filled the console. Now such characters are drawn by the installed
fallback fonts (matplotlib's Last Resort font at least, which draws a box naming the
character's block) without a warning, in the report's PNG charts and on an axes of the
caller's; text the default font draws is drawn by it as before."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from recstack.analysis.charts import (  # noqa: E402
    Chart,
    Heatmap,
    Series,
    draw_matplotlib,
    png_data_uri,
)

ODD = "\U0001F3AC clapper \u4e2d\u6587 \U0001D538 \u2603 \U0001F600"


def _chart(text: str) -> Chart:
    return Chart(title=f"title {text}", x_label=f"x {text}", y_label="y",
                 series=[Series(name=f"als {text}", x=np.arange(3), y=np.arange(3.0)),
                         Series(name="ease", x=np.arange(3), y=np.arange(3.0) + 1)])


def _glyph_warnings(record: list) -> list[str]:
    return [str(w.message) for w in record if "missing from" in str(w.message)]


def test_a_png_chart_of_glyphs_the_font_lacks_warns_nothing():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        uri = png_data_uri(_chart(ODD))
    assert uri.startswith("data:image/png;base64,")
    assert _glyph_warnings(record) == []


def test_a_heatmap_of_such_labels_warns_nothing():
    chart = Chart(title=ODD, heatmap=Heatmap(z=np.eye(2), x_labels=[ODD, "b"],
                                             y_labels=["a", ODD],
                                             text=[[ODD, "1"], ["2", ODD]]))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        png_data_uri(chart)
    assert _glyph_warnings(record) == []


def test_on_the_callers_axes_too():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    try:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            draw_matplotlib(_chart(ODD), ax)
            figure.canvas.draw()
        assert _glyph_warnings(record) == []
        assert ax.get_title() == f"title {ODD}"  # the text itself is kept
    finally:
        plt.close(figure)


def test_the_default_font_draws_what_it_can_and_the_settings_are_restored():
    import matplotlib.pyplot as plt

    before = list(matplotlib.rcParams["font.family"])
    ax = draw_matplotlib(_chart("plain"))
    try:
        family = ax.title.get_fontfamily()
        default = matplotlib.font_manager.findfont(matplotlib.font_manager.FontProperties())
        # the first family is the default font, the fallbacks only after it
        assert matplotlib.font_manager.findfont(family[0]) == default
        assert len(family) >= 1
    finally:
        plt.close(ax.figure)
    assert list(matplotlib.rcParams["font.family"]) == before
