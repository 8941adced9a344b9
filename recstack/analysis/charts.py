"""Charts described once, drawn by Plotly (interactive) or matplotlib (static).

The analysis objects and the report describe what to draw as a :class:`Chart` (lines,
bands, markers, bars or a heatmap); :func:`plotly_figure` and :func:`draw_matplotlib` turn
that description into a figure, so that the report needs no second version of each chart
for its static fallback.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recstack.errors import RecstackError
from recstack.specs import arguments_named

#: a qualitative palette that stays readable for the common colour-vision deficiencies
#: (Okabe & Ito 2008), cycled over models
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
#: for points coloured by a label (genres...): more distinct colours than there are models
LABEL_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
                 "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5")


@dataclass
class Series:
    """One trace: ``x`` against ``y``.

    ``mode`` is "lines", "markers", "lines+markers" or "bar". ``low``/``high`` draw a band
    (e.g. a confidence interval) around a line. ``text`` is shown on hover (Plotly only).
    ``colour`` gives one number or label per point: markers are coloured by it.
    """

    name: str
    x: Any
    y: Any
    mode: str = "lines"
    low: Any = None
    high: Any = None
    text: Any = None
    colour: Any = None
    colour_label: str = ""


@dataclass
class Heatmap:
    """A matrix of values with row and column labels and a text per cell."""

    z: np.ndarray
    x_labels: list[str]
    y_labels: list[str]
    text: list[list[str]] | None = None
    colour_label: str = ""
    symmetric: bool = True


@dataclass
class Chart:
    title: str
    x_label: str = ""
    y_label: str = ""
    series: list[Series] = field(default_factory=list)
    heatmap: Heatmap | None = None
    note: str = ""
    log_x: bool = False
    #: drawn at half the page width (small multiples side by side)
    half: bool = False


def plotly_available() -> bool:
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _colour(position: int) -> str:
    return PALETTE[position % len(PALETTE)]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _is_numeric(values: Any) -> bool:
    return np.asarray(values).dtype.kind in "iuf"


def plotly_text(value: Any) -> Any:
    """Text from data (a model label, an item title, a genre) as Plotly shows it literally.

    plotly.js reads every text it draws (titles, axis and legend labels, trace names,
    hover texts, heatmap cells) as a subset of HTML: ``<a href=...>`` becomes a link,
    ``<b>`` bold, ``<br>`` a line break. It decodes ``&amp;``, ``&lt;`` and ``&gt;`` only
    after cutting the tags out, so escaping those three characters shows the text as it
    is. Numbers and missing values pass unchanged; arrays and lists are escaped element by
    element (only their text elements).
    """
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            return np.asarray([plotly_text(v) for v in value.ravel().tolist()],
                              dtype=object).reshape(value.shape)
        return value
    if isinstance(value, list | tuple):
        return [plotly_text(v) for v in value]
    return value


#: fonts that draw what the default font lacks, tried in this order where installed: CJK
#: scripts, then matplotlib's own Last Resort font (3.10 on), which draws every other
#: character as a box naming its Unicode block
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "WenQuanYi Zen Hei",
                  "Droid Sans Fallback", "Last Resort High-Efficiency")
#: matplotlib's warning for a character no font of the text draws
_MISSING_GLYPH = r"Glyph \d+ .* missing from (current )?font"


def _fallback_families(families: list[str]) -> list[str]:
    """The installed ones of ``families``, then the installed :data:`FALLBACK_FONTS` (a
    family matplotlib does not find would be logged on every text)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    # the default sans-serif list names fonts of other systems (Arial, Helvetica...):
    # given as families, each one absent was logged by findfont on every text
    present = [name for name in families if name in installed] or families
    return [*present, *(name for name in FALLBACK_FONTS
                        if name in installed and name not in present)]


def _named_families(families: list[str]) -> list[str]:
    """``families`` with a generic family first (``sans-serif``) replaced by the fonts
    matplotlib's settings list for it."""
    import matplotlib

    if families and families[0] in ("sans-serif", "serif", "monospace", "cursive",
                                     "fantasy"):
        return [str(name) for name in matplotlib.rcParams[f"font.{families[0]}"]]
    return families


@contextmanager
def _literal_matplotlib_text() -> Iterator[None]:
    """matplotlib reads text between two ``$`` as mathtext: a label such as ``$5-$10``
    came out in italics, and ``a$\\frac$`` raised a parse error while drawing. Text
    objects created inside this block show their text as it is.

    Text from data (a title with an emoji, a CJK genre, a model label) holds characters
    the default font lacks: each was drawn as an empty box with a "Glyph ... missing from
    font(s) DejaVu Sans" warning for every chart that drew it (twice: layout, then
    saving). They are drawn by the installed fallback fonts, Last Resort's box naming
    the block at least, and no warning is given."""
    import matplotlib

    families = _named_families([str(name) for name in matplotlib.rcParams["font.family"]])
    with matplotlib.rc_context({"text.parse_math": False,
                                "font.family": _fallback_families(families)}), \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH, category=UserWarning)
        yield


def plotly_figure(chart: Chart) -> Any:
    """The chart as a ``plotly.graph_objects.Figure``."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise RecstackError('interactive charts need plotly: pip install '
                            '"recstack[insight]"') from None
    t = plotly_text
    figure = go.Figure()
    if chart.heatmap is not None:
        h = chart.heatmap
        limit = float(np.nanmax(np.abs(h.z))) if np.isfinite(h.z).any() else 1.0
        figure.add_trace(go.Heatmap(
            z=h.z, x=t(list(h.x_labels)), y=t(list(h.y_labels)), text=t(h.text),
            texttemplate="%{text}",
            colorscale="RdBu" if h.symmetric else "Viridis",
            zmid=0 if h.symmetric else None, zmin=-limit if h.symmetric else None,
            zmax=limit if h.symmetric else None, colorbar={"title": t(h.colour_label)}))
        figure.update_yaxes(autorange="reversed")
    for position, s in enumerate(chart.series):
        colour = _colour(position)
        x = np.asarray(s.x)
        if s.low is not None and s.high is not None:
            band_x = np.concatenate([x, x[::-1]])
            band_y = np.concatenate([np.asarray(s.high), np.asarray(s.low)[::-1]])
            figure.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines",
                                        line={"width": 0}, fillcolor=_rgba(colour, 0.18),
                                        hoverinfo="skip", showlegend=False,
                                        legendgroup=s.name))
        if s.mode == "bar":
            figure.add_trace(go.Bar(x=t(x), y=s.y, name=t(s.name), marker_color=colour,
                                    hovertext=t(s.text)))
            continue
        marker: dict[str, Any] = {"color": colour}
        if s.colour is not None and _is_numeric(s.colour):
            marker = {"color": np.asarray(s.colour, dtype=np.float64), "colorscale": "Viridis",
                      "showscale": True, "colorbar": {"title": t(s.colour_label)}, "size": 5}
        elif s.colour is not None:
            # a label per point: one trace per label, so the legend names them
            labels = np.asarray(s.colour, dtype=object)
            for number, label in enumerate(sorted(set(labels.tolist()), key=str)):
                chosen = labels == label
                figure.add_trace(go.Scattergl(
                    x=x[chosen], y=np.asarray(s.y)[chosen], mode="markers",
                    name=t(str(label)),
                    marker={"color": LABEL_PALETTE[number % len(LABEL_PALETTE)], "size": 5},
                    hovertext=None if s.text is None else t(np.asarray(s.text)[chosen]),
                    hoverinfo="text" if s.text is not None else None))
            continue
        trace = go.Scattergl if s.mode == "markers" and len(x) > 1000 else go.Scatter
        figure.add_trace(trace(x=t(x), y=s.y, mode=s.mode, name=t(s.name), marker=marker,
                               line={"color": colour}, legendgroup=s.name,
                               hovertext=t(s.text),
                               hoverinfo="text+name" if s.text is not None else None))
    figure.update_layout(title=t(chart.title), xaxis_title=t(chart.x_label),
                         yaxis_title=t(chart.y_label), template="plotly_white",
                         margin={"l": 60, "r": 20, "t": 50, "b": 50}, height=420)
    if chart.log_x:
        figure.update_xaxes(type="log")
    return figure


def plotly_div(chart: Chart, div_id: str) -> str:
    """The chart as an HTML ``<div>`` and its script; plotly.js must be on the page."""
    return plotly_figure(chart).to_html(full_html=False, include_plotlyjs=False,
                                        div_id=div_id,
                                        config={"displaylogo": False, "responsive": True})


def plotly_script() -> str:
    """plotly.js itself, to inline once per page (no network needed to open the page)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@arguments_named
def draw_matplotlib(chart: Chart, ax: Any = None) -> Any:
    """Draw the chart on a matplotlib axes (a new figure when None); returns the axes."""
    try:
        import matplotlib
        if ax is None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise RecstackError('drawing charts needs matplotlib: pip install matplotlib') from None
    with _literal_matplotlib_text():
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.2))
        _draw(chart, ax)
    # the title and axis labels of a caller's axes were made before: they keep their
    # font, followed by the fallbacks (the fallbacks are for the chart's text only)
    from matplotlib.text import Text

    for text in ax.findobj(Text):
        families = text.get_fontfamily()
        if families and families[-1] not in FALLBACK_FONTS:
            text.set_fontfamily(_fallback_families(_named_families(list(families))))
    return ax


def _draw(chart: Chart, ax: Any) -> None:
    if chart.heatmap is not None:
        h = chart.heatmap
        limit = float(np.nanmax(np.abs(h.z))) if np.isfinite(h.z).any() else 1.0
        image = ax.imshow(h.z, cmap="RdBu" if h.symmetric else "viridis",
                          vmin=-limit if h.symmetric else None,
                          vmax=limit if h.symmetric else None)
        ax.set_xticks(range(len(h.x_labels)), h.x_labels, rotation=45, ha="right")
        ax.set_yticks(range(len(h.y_labels)), h.y_labels)
        if h.text is not None and len(h.x_labels) * len(h.y_labels) <= 144:
            for i, row in enumerate(h.text):
                for j, cell in enumerate(row):
                    ax.text(j, i, cell, ha="center", va="center", fontsize=7)
        ax.figure.colorbar(image, ax=ax, label=h.colour_label)
    bars = [s for s in chart.series if s.mode == "bar"]
    width = 0.8 / max(len(bars), 1)
    # legend entries given explicitly: matplotlib leaves out of an automatic legend every
    # label that starts with "_" (a model labelled "_baseline" went missing)
    handles: list[Any] = []
    names: list[str] = []

    def entry(artist: Any, label: Any) -> None:
        handles.append(artist)
        names.append(str(label))
    for position, s in enumerate(chart.series):
        colour = _colour(position)
        x = np.asarray(s.x)
        if s.mode == "bar":
            at = np.arange(len(x)) if not _is_numeric(x) else x.astype(float)
            offset = (bars.index(s) - (len(bars) - 1) / 2) * width
            entry(ax.bar(at + offset, s.y, width=width, color=colour), s.name)
            if not _is_numeric(x):
                ax.set_xticks(np.arange(len(x)), [str(v) for v in x], rotation=20, ha="right")
            continue
        if s.low is not None and s.high is not None:
            ax.fill_between(x, s.low, s.high, color=colour, alpha=0.18, linewidth=0)
        if s.colour is not None and _is_numeric(s.colour):
            points = ax.scatter(x, s.y, c=np.asarray(s.colour, dtype=float), s=6,
                                cmap="viridis")
            ax.figure.colorbar(points, ax=ax, label=s.colour_label)
        elif s.colour is not None:
            labels = np.asarray(s.colour, dtype=object)
            for number, label in enumerate(sorted(set(labels.tolist()), key=str)):
                chosen = labels == label
                entry(ax.scatter(x[chosen], np.asarray(s.y)[chosen], s=6,
                                 color=LABEL_PALETTE[number % len(LABEL_PALETTE)]), label)
        elif s.mode == "markers":
            entry(ax.scatter(x, s.y, s=6, color=colour), s.name)
        else:
            line, = ax.plot(x, s.y, "-o" if "markers" in s.mode else "-", color=colour,
                            markersize=3)
            entry(line, s.name)
    ax.set_title(chart.title, fontsize=10)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    if chart.log_x:
        ax.set_xscale("log")
    if chart.series and (len(chart.series) > 1 or (chart.series[0].colour is not None
                                                   and not _is_numeric(chart.series[0].colour))):
        ax.legend(handles, names, fontsize=7)


@arguments_named
def png_data_uri(chart: Chart) -> str:
    """The chart drawn by matplotlib as a PNG ``data:`` URI, to inline in a page."""
    import matplotlib.pyplot as plt

    ax = draw_matplotlib(chart)
    figure = ax.figure
    with warnings.catch_warnings():
        # a character no installed font draws (before matplotlib 3.10 and its Last Resort
        # font) is a box in the picture, not a warning per chart on the report's console
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH, category=UserWarning)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
