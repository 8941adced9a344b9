"""Charts described once, drawn by Plotly (interactive) or matplotlib (static).

The analysis objects and the report describe what to draw as a :class:`Chart` (lines,
bands, markers, bars or a heatmap); :func:`plotly_figure` and :func:`draw_matplotlib` turn
that description into a figure, so that the report needs no second version of each chart
for its static fallback.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recstack.errors import ConfigError, RecstackError, counted, echoed, shown
from recstack.specs import arguments_named, did_you_mean

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


#: the ways a :class:`Series` is drawn
MODES = ("lines", "markers", "lines+markers", "bar")


def _values(values: Any) -> np.ndarray | None:
    """``values`` as a 1-d array, or None where it is no sequence of values (a number, a
    string, an array of another number of dimensions)."""
    if values is None or isinstance(values, str | bytes | dict | set):
        return None
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nested lists
        return None
    if array.ndim != 1 or (array.dtype.kind == "O" and any(
            isinstance(value, list | tuple | np.ndarray) for value in array)):
        return None
    return array


def _numbers(values: np.ndarray) -> np.ndarray | None:
    """The values as floats where they are numbers (booleans excluded), else None."""
    if values.dtype.kind in "iuf":
        return values.astype(np.float64)
    if values.dtype.kind == "O" and len(values) and all(
            isinstance(v, int | float | np.integer | np.floating)
            and not isinstance(v, bool) for v in values):
        return values.astype(np.float64)
    return None


def checked_chart(chart: Chart) -> Chart:
    """``chart`` once it can be drawn as described, else a :class:`ConfigError` naming the
    chart, the series (its position and name) and what is wrong.

    Plotly drew a series whose ``y`` (or band, hover texts, colours) held fewer values
    than its ``x`` by dropping the points past the shorter one without a word, while
    matplotlib raised its own ValueError or IndexError for the same chart; an infinite
    value was drawn by neither (Plotly writes it as a missing value); a heatmap whose
    labels did not match its matrix labelled the wrong rows; a band with ``low`` but no
    ``high`` was left out. NaN stays a gap (a missing value), as both libraries draw it.
    """
    if not isinstance(chart, Chart):
        raise ConfigError(f"a chart must be a recstack.analysis.charts.Chart, got "
                          f"{type(chart).__name__} {echoed(shown(chart))}")
    where = f"chart {echoed(chart.title)!r}"
    if not isinstance(chart.series, list | tuple):
        raise ConfigError(f"{where}: series must be a list of Series, got "
                          f"{type(chart.series).__name__} {echoed(shown(chart.series))}")
    for position, s in enumerate(chart.series):
        if not isinstance(s, Series):
            raise ConfigError(f"{where}: series[{position}] must be a Series, got "
                              f"{type(s).__name__} {echoed(shown(s))}")
        what = f"{where}, series {echoed(s.name)!r} (series[{position}])"
        if s.mode not in MODES:
            raise ConfigError(f"{what}: mode must be one of "
                              f"{', '.join(repr(m) for m in MODES)}, got {echoed(shown(s.mode))}"
                              f"{did_you_mean(s.mode, MODES)}")
        x = _values(s.x)
        if x is None:
            raise ConfigError(f"{what}: x must be a sequence of values (a list or a 1-d "
                              f"array), got {_kind(s.x)}")
        for field_name in ("y", "low", "high", "text", "colour"):
            given = getattr(s, field_name)
            if given is None:
                if field_name == "y":
                    raise ConfigError(f"{what}: y is missing; give one value per x value "
                                      f"({counted(len(x), 'value')})")
                continue
            values = _values(given)
            if values is None:
                raise ConfigError(f"{what}: {field_name} must be a sequence of values (a "
                                  f"list or a 1-d array), got {_kind(given)}")
            if len(values) != len(x):
                raise ConfigError(f"{what}: {field_name} holds {counted(len(values), 'value')}"
                                  f" and x {len(x):,}; give one {field_name} value per x "
                                  f"value")
        for field_name in ("x", "y", "low", "high", "colour"):
            values = _values(getattr(s, field_name))
            if values is not None:
                _refuse_complex(values, f"{what}: {field_name}")
        if (s.low is None) != (s.high is None):
            given, missing = ("low", "high") if s.high is None else ("high", "low")
            raise ConfigError(f"{what}: a band needs both low and high; {given} is given "
                              f"and {missing} is not (give both, or neither for no band)")
        for field_name in ("x", "y", "low", "high"):
            values = _values(getattr(s, field_name))
            numbers = None if values is None else _numbers(values)
            if values is None or numbers is None:
                continue
            _refuse_infinities(numbers, values, f"{what}: {field_name}")
            if field_name == "x" and chart.log_x and (numbers <= 0).any():
                first = int(np.flatnonzero(numbers <= 0)[0])
                raise ConfigError(
                    f"{what}: x holds {shown(values[first])} at position {first:,}, but the "
                    f"chart's x axis is logarithmic (log_x=True) and draws positive values "
                    f"only")
    if chart.heatmap is not None:
        _check_heatmap(chart.heatmap, where)
    return chart


def _complex_positions(values: np.ndarray) -> np.ndarray:
    """The flat positions of the complex numbers in ``values`` (any shape): in an array of
    complex type (numpy makes ``[1j, 2, 3]`` one), those with an imaginary part, or all
    where none has one."""
    if values.dtype.kind == "c":
        imaginary = np.flatnonzero(values.imag != 0)
        return imaginary if len(imaginary) else np.arange(values.size)
    if values.dtype.kind != "O":
        return np.arange(0)
    return np.flatnonzero([isinstance(value, complex | np.complexfloating)
                           for value in values.flat])


def _refuse_complex(values: np.ndarray, what: str) -> None:
    """Refuse complex numbers: matplotlib drew their real part (numpy's warning "casting
    complex values to real discards the imaginary part"), Plotly its own way, and as
    colours both drew each as a legend label ("1j")."""
    found = _complex_positions(values)
    if len(found):
        raise ConfigError(
            f"{what} holds {_first_of(found, values, 'complex number')}; a chart draws real "
            "numbers (and text labels) only: give the real part (.real) or the size (abs()) "
            "of each")


def _refuse_infinities(numbers: np.ndarray, values: np.ndarray, what: str) -> None:
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        raise ConfigError(
            f"{what} holds {_first_of(infinite, values, 'infinite value')}; a chart cannot "
            "draw an infinity (NaN draws a gap, for a missing value)")


def _first_of(found: np.ndarray, values: np.ndarray, noun: str) -> str:
    """``2 infinite values, first inf at position 3`` (``[1, 0]`` in a matrix): the count
    of the flat positions ``found`` of ``values`` and the first of them."""
    first = int(found[0])
    at = np.unravel_index(first, values.shape)
    position = f"{at[0]:,}" if len(at) == 1 else f"[{at[0]:,}, {at[1]:,}]"
    return f"{counted(len(found), noun)}, first {shown(values.flat[first])} at position {position}"


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {echoed(shown(value))}"


def _check_heatmap(h: Heatmap, where: str) -> None:
    what = f"{where}, heatmap"
    try:
        given = np.asarray(h.z)
    except (TypeError, ValueError):
        given = None  # ragged rows: refused below
    if given is not None:
        _refuse_complex(given, f"{what}: z")
    try:
        z = np.asarray(h.z, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"{what}: z must be a 2-d array of numbers, got "
                          f"{_kind(h.z)}") from None
    if z.ndim != 2:
        raise ConfigError(f"{what}: z must be a 2-d array of numbers (rows x columns), got "
                          f"shape {z.shape}")
    _refuse_infinities(z, z, f"{what}: z")
    rows, columns = z.shape
    for name, labels, wanted, of in (("x_labels", h.x_labels, columns, "column"),
                                     ("y_labels", h.y_labels, rows, "row")):
        values = _values(labels)
        if values is None or len(values) != wanted:
            got = _kind(labels) if values is None else counted(len(values), "label")
            raise ConfigError(f"{what}: {name} must hold one label per {of} of z "
                              f"({counted(wanted, of)}; z has shape {z.shape}), got {got}")
    if h.text is not None:
        try:
            text = np.asarray(h.text, dtype=object)
        except ValueError:  # ragged rows (older numpy)
            text = None
        if text is not None and text.ndim == 1 and any(
                isinstance(row, list | tuple | np.ndarray) for row in text):
            text = None  # rows of different lengths, held as one list per row
        if text is None or text.shape != z.shape:
            got = "rows of different lengths" if text is None else f"shape {text.shape}"
            raise ConfigError(f"{what}: text must hold one text per cell of z (shape "
                              f"{z.shape}), got {got}")


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


#: the line dash, marker and bar pattern of each pass through :data:`PALETTE`: with more
#: models than colours, model 1 and model 9 were drawn alike, one line read as two models'
PLOTLY_DASHES = ("solid", "dash", "dot", "dashdot")
PLOTLY_SYMBOLS = ("circle", "square", "triangle-up", "diamond")
PLOTLY_PATTERNS = ("", "/", ".", "x")
MATPLOTLIB_LINES = ("-", "--", ":", "-.")
MATPLOTLIB_MARKERS = ("o", "s", "^", "D")
MATPLOTLIB_HATCHES = ("", "//", "..", "xx")


def _pass(position: int) -> int:
    """Which pass through the palette ``position`` is on (0 for the first 8 models), to
    pick its dash, marker and pattern: colour and style together tell 32 models apart."""
    return (position // len(PALETTE)) % len(PLOTLY_DASHES)


#: heatmap rows drawn at the default height; more get :data:`HEATMAP_ROW_PX` each
HEATMAP_ROWS_AT_DEFAULT = 12
HEATMAP_ROW_PX = 24
#: cells of a heatmap that carry their text; more are too narrow to read it (the values
#: are on hover, and the report lists them in a table)
HEATMAP_TEXT_CELLS = 144


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _is_numeric(values: Any) -> bool:
    return np.asarray(values).dtype.kind in "iuf"


#: the legend entry of the points whose label is missing (None, NaN, ``pd.NA``, ``pd.NaT``),
#: as the report's maps name an item without a genre (:func:`recstack.analysis._checks.
#: first_label`)
MISSING_LABEL = "(none)"


def label_groups(labels: Any) -> list[tuple[str, np.ndarray]]:
    """The legend entries of points coloured by label: ``(name, mask)`` per entry, sorted by
    name, the points without a label (None, NaN, ``pd.NA``, ``pd.NaT``, or the text
    ``"(none)"``) last as :data:`MISSING_LABEL`.

    Labels are grouped by the text the legend shows. Grouped by value, a point labelled NaN
    matched no entry (NaN equals nothing) and was left off the chart without a word, under
    an empty legend entry ``nan`` (one per NaN object); ``pd.NA`` failed in numpy's indexing
    ("arrays used as indices must be of integer (or boolean) type"); ``1`` and ``"1"`` were
    two entries both named ``1``, while ``True`` was put with ``1``."""
    from recstack.analysis._checks import is_missing

    values = np.asarray(labels, dtype=object).tolist()
    # the text "(none)" (the report's maps write it for an item without a genre) is the
    # same entry as a missing label, after the labels
    names = np.array([MISSING_LABEL if is_missing(value) else str(value) for value in values],
                     dtype=object)
    missing = names == MISSING_LABEL
    present = sorted(set(names[~missing].tolist()))
    groups = [(name, (names == name) & ~missing) for name in present]
    if missing.any():
        groups.append((MISSING_LABEL, missing))
    return groups


#: the most characters of a label shown on an axis or in a legend: a model label may be
#: 200 bytes long, and Plotly gave such a label the chart's whole width, drawing the plot
#: itself as a sliver (the full label stays in the tables and the hover text)
SHOWN_LABEL_CHARS = 40


def short_label(text: Any, most: int = SHOWN_LABEL_CHARS) -> str:
    """``text`` cut in the middle to at most ``most`` characters, keeping its end, where
    labels that share a long prefix differ (``..._seed1``, ``..._seed2``)."""
    text = str(text)
    if len(text) <= most:
        return text
    tail = most // 3
    return f"{text[:most - tail - 1]}…{text[-tail:]}"


#: the most characters of a legend entry's line: a longer name is broken over lines
LEGEND_LINE_CHARS = 48


def legend_lines(text: Any, width: int = LEGEND_LINE_CHARS) -> list[str]:
    """``text`` in lines of at most ``width`` characters: a legend of a 200-byte model
    label on one line took the chart's width from its plot, and cut short it hid the end
    where labels that share a long prefix differ."""
    text = str(text)
    return [text[start:start + width] for start in range(0, max(len(text), 1), width)]


#: the most characters of a legend line beside a chart drawn at half the page's width
HALF_LEGEND_LINE_CHARS = 20


def plotly_legend_name(text: Any, width: int = LEGEND_LINE_CHARS) -> str:
    """A trace's name as Plotly shows it literally (:func:`plotly_text`), on lines of
    :func:`legend_lines` of at most ``width`` characters."""
    return "<br>".join(plotly_text(line) for line in legend_lines(text, width))


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


def _extra_heatmap_rows(chart: Chart) -> int:
    """Rows of the chart's heatmap beyond what the default height draws readably."""
    if chart.heatmap is None:
        return 0
    return max(len(chart.heatmap.y_labels) - HEATMAP_ROWS_AT_DEFAULT, 0)


def plotly_figure(chart: Chart) -> Any:
    """The chart as a ``plotly.graph_objects.Figure``."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise RecstackError('interactive charts need plotly: pip install '
                            '"recstack[insight]"') from None
    checked_chart(chart)
    t = plotly_text
    # beside a half-width chart a 200-byte label in lines of 48 characters left the plot
    # itself about 110 px wide
    legend_width = HALF_LEGEND_LINE_CHARS if chart.half else LEGEND_LINE_CHARS
    figure = go.Figure()
    if chart.heatmap is not None:
        h = chart.heatmap
        limit = float(np.nanmax(np.abs(h.z))) if np.isfinite(h.z).any() else 1.0
        # 30 models wrote 900 overlapping numbers over each other, unreadable
        written = h.text is not None and h.z.size <= HEATMAP_TEXT_CELLS
        figure.add_trace(go.Heatmap(
            z=h.z, x=t(list(h.x_labels)), y=t(list(h.y_labels)), text=t(h.text),
            texttemplate="%{text}" if written else None,
            hovertemplate=None if written or h.text is None
            else "%{y}<br>%{x}<br>%{text}<extra></extra>",
            colorscale="RdBu" if h.symmetric else "Viridis",
            zmid=0 if h.symmetric else None, zmin=-limit if h.symmetric else None,
            zmax=limit if h.symmetric else None, colorbar={"title": t(h.colour_label)}))
        # the labels shown cut short (the hover keeps them whole): a 200-byte label took
        # the chart's whole width and drew the matrix as a sliver
        figure.update_xaxes(tickmode="array", tickvals=t(list(h.x_labels)),
                            ticktext=[t(short_label(x)) for x in h.x_labels])
        figure.update_yaxes(autorange="reversed", tickmode="array",
                            tickvals=t(list(h.y_labels)),
                            ticktext=[t(short_label(y)) for y in h.y_labels])
    for position, s in enumerate(chart.series):
        colour = _colour(position)
        style = _pass(position)
        x = np.asarray(s.x)
        if s.low is not None and s.high is not None:
            band_x = np.concatenate([x, x[::-1]])
            band_y = np.concatenate([np.asarray(s.high), np.asarray(s.low)[::-1]])
            figure.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines",
                                        line={"width": 0}, fillcolor=_rgba(colour, 0.18),
                                        hoverinfo="skip", showlegend=False,
                                        legendgroup=f"series {position}"))
        if s.mode == "bar":
            figure.add_trace(go.Bar(x=t(x), y=s.y,
                                    name=plotly_legend_name(s.name, legend_width),
                                    marker_color=colour,
                                    marker_pattern_shape=PLOTLY_PATTERNS[style],
                                    hovertext=t(s.text)))
            continue
        marker: dict[str, Any] = {"color": colour, "symbol": PLOTLY_SYMBOLS[style]}
        if s.colour is not None and _is_numeric(s.colour):
            marker = {"color": np.asarray(s.colour, dtype=np.float64), "colorscale": "Viridis",
                      "showscale": True, "colorbar": {"title": t(s.colour_label)}, "size": 5}
        elif s.colour is not None:
            # a label per point: one trace per label, so the legend names them
            for number, (label, chosen) in enumerate(label_groups(s.colour)):
                figure.add_trace(go.Scattergl(
                    x=_screen_coordinates(x[chosen]),
                    y=_screen_coordinates(np.asarray(s.y)[chosen]), mode="markers",
                    name=plotly_legend_name(label),
                    marker={"color": LABEL_PALETTE[number % len(LABEL_PALETTE)], "size": 5},
                    hovertext=None if s.text is None else t(np.asarray(s.text)[chosen]),
                    hoverinfo="text" if s.text is not None else None))
            continue
        many_points = s.mode == "markers" and len(x) > 1000
        trace = go.Scattergl if many_points else go.Scatter
        figure.add_trace(trace(x=_screen_coordinates(x) if many_points else t(x),
                               y=_screen_coordinates(s.y) if many_points else s.y,
                               mode=s.mode, name=plotly_legend_name(s.name, legend_width),
                               marker=marker,
                               line={"color": colour, "dash": PLOTLY_DASHES[style]},
                               legendgroup=f"series {position}",
                               hovertext=t(s.text),
                               hoverinfo="text+name" if s.text is not None else None))
    figure.update_layout(title=t(chart.title), xaxis_title=t(chart.x_label),
                         yaxis_title=t(chart.y_label), template="plotly_white",
                         margin={"l": 60, "r": 20, "t": 50, "b": 50},
                         height=420 + HEATMAP_ROW_PX * _extra_heatmap_rows(chart))
    if chart.log_x:
        figure.update_xaxes(type="log")
    return figure


def _screen_coordinates(values: Any) -> Any:
    """Numeric coordinates of a large scatter as 32-bit floats: their 7 significant digits
    are a thousand times finer than a screen's pixels, and Plotly writes them as 4 bytes a
    value (its typed-array encoding), where 64-bit floats took 8 and made half of a
    100,000-point map's bytes. Text values (categories) pass unchanged."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        return plotly_text(values)
    return array.astype(np.float32)


#: a chart whose figure takes more bytes than this (a map of thousands of points with a
#: title on hover each) is written gzip-compressed (:func:`plotly_div`)
PACKED_FIGURE_BYTES = 256_000

#: draws a packed figure: the page's script unpacks it with the browser's own gzip
#: (DecompressionStream: Chromium 80, Firefox 113, Safari 16.4) and says so in the chart's
#: place where the browser lacks it, rather than leaving the place blank
_DRAW_PACKED = """(function(id, packed, config) {
  const place = document.getElementById(id);
  if (!place) return;
  const fail = (why) => { place.textContent = 'This chart could not be drawn: ' + why; };
  if (typeof DecompressionStream === 'undefined' || typeof Plotly === 'undefined') {
    fail('the browser cannot unpack it (it needs DecompressionStream: Chromium 80, ' +
         'Firefox 113 or Safari 16.4 and later) or plotly.js is missing');
    return;
  }
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  new Response(stream).text()
    .then((text) => { const figure = JSON.parse(text);
                      return Plotly.newPlot(place, figure.data, figure.layout, config); })
    .catch((error) => fail(String(error)));
})"""


#: what :func:`plotly_div` takes as an element id (written unescaped into the page)
_HTML_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")


def plotly_div(chart: Chart, div_id: str) -> str:
    """The chart as an HTML ``<div>`` and its script; plotly.js must be on the page.

    ``div_id`` is the element's id: a letter, then letters, digits, ``-``, ``_``, ``.`` or
    ``:``. Plotly writes it into the page and the script as it is, so an id holding ``"``
    or ``<`` (``'"><script>...'``) put markup of its own into the page, and an empty or
    missing one drew a random id, so the same report differed from run to run."""
    if not isinstance(div_id, str) or not _HTML_ID.fullmatch(div_id):
        raise ConfigError(f"plotly_div: div_id must be an HTML id (a letter, then letters, "
                          f"digits, '-', '_', '.' or ':'), e.g. 'chart-1', got "
                          f"{echoed(shown(div_id))}")
    figure = plotly_figure(chart)
    config = {"displaylogo": False, "responsive": True}
    text = figure.to_json()
    if len(text) <= PACKED_FIGURE_BYTES:
        return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                              config=config)
    # a map's hover titles and coordinates as JSON text made a 100,000-point map 5 MB
    # (two maps and plotly.js, 16 MB); gzip takes titles to a fourth and more. mtime=0:
    # the same report is the same file from run to run
    import gzip
    import json

    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii")
    # the figure's own height: a heatmap of many models is taller than 420 px
    return (f'<div id="{div_id}" class="plotly-graph-div" '
            f'style="height:{int(figure.layout.height or 420)}px; '
            f'width:100%;"></div><script type="text/javascript">{_DRAW_PACKED}('
            f'"{div_id}", "{packed}", {json.dumps(config)});</script>')


def plotly_script() -> str:
    """plotly.js itself, to inline once per page (no network needed to open the page)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


#: the most entries a static chart's legend holds inside its plot
_LEGEND_INSIDE = 4


@arguments_named
def draw_matplotlib(chart: Chart, ax: Any = None) -> Any:
    """Draw the chart on a matplotlib axes (a new figure when None); returns the axes."""
    try:
        import matplotlib
        if ax is None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise RecstackError('drawing charts needs matplotlib: pip install '
                            '"recstack[insight]"') from None
    checked_chart(chart)
    _check_axes(ax)
    with _literal_matplotlib_text():
        if ax is None:
            # a row per model: 30 rows in the default height overlapped their labels
            _, ax = plt.subplots(figsize=(7.5, 4.2 + 0.2 * _extra_heatmap_rows(chart)))
        _draw(chart, ax)
    # the title and axis labels of a caller's axes were made before: they keep their
    # font, followed by the fallbacks (the fallbacks are for the chart's text only)
    from matplotlib.text import Text

    for text in ax.findobj(Text):
        families = text.get_fontfamily()
        if families and families[-1] not in FALLBACK_FONTS:
            text.set_fontfamily(_fallback_families(_named_families(list(families))))
    return ax


def _check_axes(ax: Any) -> None:
    """Refuse an ``ax`` that is no matplotlib axes: a figure, the array of axes
    ``plt.subplots(1, 2)`` returns or anything else was an AttributeError ("'Figure' object
    has no attribute 'plot'") from inside the drawing, naming no argument."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if ax is None or isinstance(ax, Axes):
        return
    wanted = ("ax must be a matplotlib Axes (such as ax from fig, ax = plt.subplots()), or "
              "None for a new figure; got ")
    if isinstance(ax, Figure | SubFigure):
        raise ConfigError(wanted + f"a {type(ax).__name__}: draw on one of its axes, "
                          f"fig.gca() or fig.add_subplot()")
    if isinstance(ax, np.ndarray) and ax.dtype.kind == "O" and ax.size and all(
            isinstance(one, Axes) for one in ax.flat):
        first = "axes[" + ", ".join("0" for _ in range(ax.ndim)) + "]"
        raise ConfigError(wanted + f"an array of {ax.size} axes of shape {ax.shape} (as "
                          f"plt.subplots returns for several); give one of them, such as "
                          f"{first}")
    raise ConfigError(wanted + f"{type(ax).__name__} {echoed(shown(ax))}")


def _draw(chart: Chart, ax: Any) -> None:
    if chart.heatmap is not None:
        h = chart.heatmap
        limit = float(np.nanmax(np.abs(h.z))) if np.isfinite(h.z).any() else 1.0
        image = ax.imshow(h.z, cmap="RdBu" if h.symmetric else "viridis",
                          vmin=-limit if h.symmetric else None,
                          vmax=limit if h.symmetric else None)
        ax.set_xticks(range(len(h.x_labels)), [short_label(x) for x in h.x_labels],
                      rotation=45, ha="right")
        ax.set_yticks(range(len(h.y_labels)), [short_label(y) for y in h.y_labels])
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
        names.append("\n".join(legend_lines(label)))
    for position, s in enumerate(chart.series):
        colour = _colour(position)
        style = _pass(position)
        x = np.asarray(s.x)
        if s.mode == "bar":
            at = np.arange(len(x)) if not _is_numeric(x) else x.astype(float)
            offset = (bars.index(s) - (len(bars) - 1) / 2) * width
            entry(ax.bar(at + offset, s.y, width=width, color=colour,
                         hatch=MATPLOTLIB_HATCHES[style] or None), s.name)
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
            for number, (label, chosen) in enumerate(label_groups(s.colour)):
                entry(ax.scatter(x[chosen], np.asarray(s.y)[chosen], s=6,
                                 color=LABEL_PALETTE[number % len(LABEL_PALETTE)]), label)
        elif s.mode == "markers":
            entry(ax.scatter(x, s.y, s=6, color=colour, marker=MATPLOTLIB_MARKERS[style]),
                  s.name)
        else:
            line, = ax.plot(x, s.y, linestyle=MATPLOTLIB_LINES[style],
                            marker=MATPLOTLIB_MARKERS[style] if "markers" in s.mode
                            else None, color=colour, markersize=3)
            entry(line, s.name)
    ax.set_title(chart.title, fontsize=10)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    if chart.log_x:
        ax.set_xscale("log")
    if chart.series and (len(chart.series) > 1 or (chart.series[0].colour is not None
                                                   and not _is_numeric(chart.series[0].colour))):
        if len(names) > _LEGEND_INSIDE or any("\n" in name for name in names):
            # beside the plot: a legend of many (or long) names placed inside it hid the
            # bars and lines it names
            ax.legend(handles, names, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
        else:
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
