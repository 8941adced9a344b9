"""2-D maps of embeddings: t-SNE (openTSNE) and UMAP (umap-learn), both optional extras.

:func:`project` computes the map once and returns a :class:`Projection` that draws
itself later, coloured by popularity or an item-table column, with titles on hover.
Above ``max_points`` rows a random subset (the stated seed) is mapped, because both methods
take minutes on hundreds of thousands of points and a page cannot show them anyway.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from recstack.analysis import _checks as checks
from recstack.analysis.charts import Chart, Series
from recstack.data.interactions import caller_stacklevel
from recstack.errors import RecstackError
from recstack.metrics._validation import refuse_reordered_rows
from recstack.specs import arguments_named

METHODS = ("tsne", "umap")
#: fewest rows a map is drawn for (t-SNE's neighbourhoods need a few points)
MIN_POINTS = 5
#: rows mapped at most, by default: a t-SNE of 2,000 points takes a few seconds on 2 cores
DEFAULT_MAX_POINTS = 2000
#: t-SNE's perplexity by default (fewer points cap it lower, without a warning)
_DEFAULT_PERPLEXITY = 30.0
#: UMAP's n_neighbors (McInnes et al. 2018, umap-learn's default), fewer where the points are
_UMAP_NEIGHBOURS = 15
#: t-SNE optimisation steps (early exaggeration, then the rest): two thirds of openTSNE's
#: defaults (250 + 500), which leave the clusters of a few thousand points where they are
#: and cut the report's largest cost by a third
_TSNE_EXAGGERATION_ITER = 125
_TSNE_ITER = 375


@dataclass(frozen=True)
class Projection:
    """A 2-D map of (a subset of) embedding rows.

    Attributes
    ----------
    rows
        The row indices mapped (all rows, or the seeded subset).
    coordinates
        ``(len(rows), 2)``.
    n_rows
        Rows there were before subsampling.
    """

    method: str
    rows: np.ndarray
    coordinates: np.ndarray
    n_rows: int
    seed: int
    kind: str = "item"
    model: str = ""

    @property
    def subsampled(self) -> bool:
        return len(self.rows) < self.n_rows

    def note(self) -> str:
        name = {"tsne": "t-SNE (openTSNE)", "umap": "UMAP (umap-learn)"}[self.method]
        text = f"{name} map of the {self.kind} embeddings"
        if self.subsampled:
            text += (f"; {len(self.rows):,} of {self.n_rows:,} {self.kind}s, drawn at random "
                     f"with seed {self.seed}")
        return text + "."

    @arguments_named
    def chart(self, colour: Any = None, *, colour_label: str = "", titles: Any = None) -> Chart:
        """The map, points coloured by ``colour`` (one value per row of the *full* set:
        numbers for a colour scale, labels for a legend) with ``titles`` (one per row) on
        hover."""
        def chosen(values: Any, name: str) -> Any:
            if values is None:
                return None
            # read by position: a Series indexed by the row numbers in another order
            # coloured (or titled) each point by another row's value
            refuse_reordered_rows(values, name, RecstackError)
            # titles are text whatever they are given as: ids given as numbers were made
            # floats for a colour scale, and the hover read "7.0" (and 12345678901234567 as
            # 12345678901234568, past a float's 53 bits)
            array = (np.asarray(values, dtype=np.float64)
                     if name == "colour" and _numeric(values)
                     else np.asarray(values, dtype=object))
            if isinstance(values, str) or array.ndim != 1 or len(array) != self.n_rows:
                got = ("a string" if isinstance(values, str) else
                       f"a {type(values).__name__}" if array.ndim == 0 else
                       f"shape {array.shape}")
                raise RecstackError(f"{name} must hold one value per row ({self.n_rows:,} "
                                    f"rows of the full set), got {got}")
            array = checks.decoded_text(array, name)
            if name == "titles":
                array = checks.untitled_as_rows(checks.printable_titles(array, name))
                array = np.asarray([_title_text(value) for value in array.tolist()],
                                   dtype=object)
            if array.dtype == object:
                # a table or a set per row (a column of JSON metadata) is no label: the
                # legend's grouping failed with "unhashable type: 'dict'"
                for row, value in enumerate(array):
                    if not isinstance(value, Hashable):
                        raise RecstackError(f"{name} must hold one label or number per row; "
                                            f"row {row} holds a {type(value).__name__} "
                                            f"{value!r:.60}")
            if array.dtype.kind == "f":
                # a colour scale of ±inf (or of values whose span overflows) has no range:
                # matplotlib failed with "Axis limits cannot be NaN or Inf", plotly drew
                # the points uncoloured without a word (NaN stays: a missing value)
                infinite = np.isinf(array)
                if infinite.any():
                    position = int(infinite.argmax())
                    raise RecstackError(f"{name} must be finite numbers (NaN for a missing "
                                        f"value); row {position} holds {float(array[position])!r}")
                shown = array[np.isfinite(array)]
                with np.errstate(over="ignore"):  # the overflow is the refusal below
                    span = np.ptp(shown) if len(shown) else 0.0
                if not np.isfinite(span):
                    raise RecstackError(f"{name} spans {shown.min():g} to {shown.max():g}, "
                                        "beyond a float's range; rescale it (e.g. log) "
                                        "before colouring by it")
            return array[self.rows]

        if not isinstance(colour_label, str):
            # a number or a list was drawn as its repr (or failed inside the plotting
            # library) as the colour scale's title
            raise RecstackError(f"colour_label must be text (the colour scale's title), got "
                                f"{type(colour_label).__name__} {colour_label!r:.60}")
        title = f"{self.model}: {self.method.upper()} of the {self.kind} embeddings".lstrip(": ")
        return Chart(title=title, x_label="", y_label="",
                     series=[Series(self.kind + "s", self.coordinates[:, 0],
                                    self.coordinates[:, 1], mode="markers",
                                    text=chosen(titles, "titles"),
                                    colour=chosen(colour, "colour"),
                                    colour_label=colour_label)],
                     note=self.note())

    @arguments_named
    def plot(self, ax: Any = None, colour: Any = None, *, colour_label: str = "") -> Any:
        from recstack.analysis.charts import draw_matplotlib

        return draw_matplotlib(self.chart(colour, colour_label=colour_label), ax=ax)


def check_map_options(*, max_points: Any, n_threads: Any, seed: Any = 0
                      ) -> tuple[int, int, int]:
    """Refuse map options the methods cannot take, before any vector is loaded; returns
    them as ints (``max_points``, ``n_threads``, ``seed``: a whole ``Decimal`` is its int,
    which numpy's generator would not take)."""
    from recstack.config import MAX_POINTS_MAX
    from recstack.specs import MAX_THREADS

    return (checks.whole_number(max_points, "max_points", minimum=MIN_POINTS,
                                maximum=MAX_POINTS_MAX),
            checks.whole_number(n_threads, "n_threads", maximum=MAX_THREADS),
            checks.whole_number(seed, "seed", minimum=0))


def _title_text(value: Any) -> Any:
    """A title as the hover shows it: text as it is, a number (an id given as the title) as
    the text it is written as (``7``, not ``7.0``; an integer of any size, not a float's
    rounding). A value that is no title (a dict) is left for the check that names it."""
    if isinstance(value, str) or not isinstance(value, numbers.Number | np.generic):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def _numeric(values: Any) -> bool:
    try:
        return np.asarray(values).dtype.kind in "iuf"
    except ValueError:  # ragged: not numbers for a colour scale
        return False


@arguments_named
def project(vectors: Any, method: str = "tsne", *, max_points: int = DEFAULT_MAX_POINTS,
            seed: int = 0, n_threads: int = 1, kind: str = "item", model: str = "",
            perplexity: float | None = None) -> Projection:
    """A 2-D map of the rows of ``vectors`` by ``method`` ("tsne" or "umap").

    Both maps compare directions. t-SNE (van der Maaten & Hinton 2008, openTSNE) takes the
    rows scaled to length 1 with Euclidean distance: between unit vectors
    :math:`\\lVert u - v\\rVert^2 = 2(1 - \\cos(u, v))`, so its Gaussian affinities (their
    eq. 1, each point's bandwidth set by the perplexity) are those of
    ``sklearn.manifold.TSNE(metric="cosine")``. UMAP (McInnes et al. 2018, umap-learn)
    takes ``metric="cosine"`` and ``n_neighbors`` 15 (umap-learn's default), or the
    number of other points where they are fewer.

    Parameters
    ----------
    max_points : int
        Above this many rows, a random subset of this size (drawn with ``seed``) is mapped;
        at least 5, at most 1,000,000 (``recstack.config.MAX_POINTS_MAX``).
    seed : int
        Seeds the subset and the method (the method with ``seed % 2**32``: its generator
        takes 32 bits), so a run is repeatable.
    n_threads : int
        Threads t-SNE may use (at most 4096, ``recstack.specs.MAX_THREADS``). One
        is often fastest on a shared machine: on 2 busy cores, 2 threads took three times
        as long as 1. A UMAP map runs on one thread whatever this is: umap-learn runs a
        seeded map on one, so that the seed makes it repeatable.
    perplexity : float, optional
        t-SNE's perplexity (van der Maaten & Hinton 2008), at least 1 and at most
        ``(points - 1) / 3`` (more is capped there, with a warning saying so); by default
        30, or that cap where the points are fewer.
    """
    if not isinstance(method, str) or method not in METHODS:
        from recstack.specs import did_you_mean

        raise RecstackError(f"projection method must be one of {METHODS}, got {method!r}"
                            f"{did_you_mean(method, METHODS)}")
    max_points, n_threads, seed = check_map_options(max_points=max_points,
                                                    n_threads=n_threads, seed=seed)
    kind, model = checks.kind_and_model(kind, model, "project")
    asked = perplexity is not None
    perplexity = checks.positive_number(_DEFAULT_PERPLEXITY if perplexity is None
                                        else perplexity, "perplexity")
    if perplexity < 1:
        # an effective number of neighbours below one: openTSNE looked up int(3 *
        # perplexity) = 0 neighbours and failed with "range() arg 3 must not be zero"
        raise RecstackError(f"perplexity must be at least 1 (t-SNE's effective number of "
                            f"neighbours of each point; 5 to 50 is usual), got {perplexity!r}")
    if asked and method == "umap":
        # UMAP has no perplexity: the value was ignored without a word
        warnings.warn(f"project: perplexity={perplexity:g} is t-SNE's setting; a UMAP map "
                      "ignores it (leave it out, or use method='tsne')", UserWarning,
                      stacklevel=caller_stacklevel())
    # float64 until the directions are taken: float32 made values below 1e-38 zero (or
    # subnormal, with a few significant bits), and the directions with them
    x = checks.vectors(vectors, f"{kind} embeddings (for a 2-D map)", min_rows=MIN_POINTS)
    if x.shape[1] < 2:
        # both maps compare directions, and a single number has two (its sign): t-SNE failed
        # in openTSNE's PCA start with a scikit-learn ValueError, UMAP drew two blobs
        raise RecstackError(f"{kind} embeddings (for a 2-D map) have one dimension (shape "
                            f"{x.shape}): a map compares directions, and one number has "
                            "only two (+ and -), so it would show two points; map "
                            "embeddings of 2 or more dimensions (e.g. factors >= 2)")
    n = x.shape[0]
    rng = np.random.default_rng(seed)
    rows = np.arange(n) if n <= max_points else np.sort(rng.choice(n, max_points,
                                                                   replace=False))
    # both maps compare directions only (t-SNE the unit vectors, UMAP the cosine)
    data = checks.unit_rows(x[rows])
    # openTSNE and UMAP seed numpy's legacy RandomState, which takes 32 bits: an
    # experiment's wider seed (any int64 is allowed) failed there with a ValueError after
    # the whole evaluation. The subset above is drawn with the seed as given.
    method_seed = seed % 2**32
    # both maps compare directions (t-SNE the unit vectors, UMAP the cosine): vectors that
    # all point one way (or are all zero) have no neighbourhoods to lay out; t-SNE drew
    # them as NaN coordinates and UMAP as a random cloud, both without a word
    checks.refuse_one_direction(
        x[rows], f"{kind} embeddings (for a 2-D map)" + (" (the mapped subset)"
                                                      if len(rows) < n else ""),
        "a map would show a single point")
    if method == "tsne":
        try:
            from openTSNE import TSNE
        except ImportError:
            raise RecstackError('t-SNE maps need openTSNE: pip install "recstack[insight]"'
                                ) from None
        most = (len(rows) - 1) / 3
        if asked and perplexity > most:
            # perplexity=100 on 40 points ran with 13 without a word
            warnings.warn(f"project: perplexity={perplexity:g} is more than t-SNE can use "
                          f"for {len(rows):,} points; {most:g}, (points - 1) / 3, is used "
                          f"(give perplexity <= {most:g})", UserWarning,
                          stacklevel=caller_stacklevel())
        perplexity = min(perplexity, most)
        # Euclidean distance between unit vectors ranks pairs as cosine does, and openTSNE's
        # Annoy index handles it without compiling pynndescent's numba kernels (~10 s cold)
        embedding = TSNE(n_components=2, perplexity=perplexity, metric="euclidean",
                         neighbors="annoy", random_state=method_seed, n_jobs=n_threads,
                         early_exaggeration_iter=_TSNE_EXAGGERATION_ITER, n_iter=_TSNE_ITER,
                         verbose=False).fit(data)
        coordinates = np.asarray(embedding, dtype=np.float64)
    else:
        try:
            with warnings.catch_warnings():
                # umap-learn says on import that its parametric variant (which needs
                # TensorFlow) is unavailable: no map here uses it
                warnings.filterwarnings("ignore", message="Tensorflow not installed")
                import umap
        except ImportError:
            raise RecstackError('UMAP maps need umap-learn: pip install "recstack[insight]"'
                                ) from None
        # n_neighbors: umap-learn's default 15, or every other point where there are fewer
        # (umap-learn's own cap, taken here without its warning). One thread: umap-learn
        # runs a seeded map on one (a seeded map is repeatable only so), and said so for
        # any other n_jobs with a warning that named n_jobs=1 as the value overridden
        reducer = umap.UMAP(n_components=2, metric="cosine", random_state=method_seed,
                            n_neighbors=min(_UMAP_NEIGHBOURS, len(rows) - 1), n_jobs=1)
        coordinates = np.asarray(reducer.fit_transform(data), dtype=np.float64)
    if not np.isfinite(coordinates).all():
        raise RecstackError(f"the {method} map of the {kind} embeddings came out with "
                            f"{int((~np.isfinite(coordinates)).any(axis=1).sum()):,} point(s) "
                            "at NaN or infinity; check the vectors with embedding_health")
    return Projection(method, rows, coordinates, n, seed, kind, model)
