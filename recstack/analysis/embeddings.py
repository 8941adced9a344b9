"""What a factor model's vectors carry: principal components and health diagnostics.

Each function computes once and returns a result object that draws itself later
(scikit-learn's Display pattern): :func:`pca_analysis` -> :class:`PCAAnalysis`,
:func:`embedding_health` -> :class:`EmbeddingHealth`. The vectors are any float matrix
``(n_rows, dim)``, e.g. ``model.item_embeddings()``; popularity is one number per row
(a training count), read on a log scale.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from scipy import stats

from recstack.analysis import _checks as checks
from recstack.analysis.charts import Chart, Series
from recstack.data.interactions import caller_stacklevel
from recstack.errors import RecstackError, counted, shown
from recstack.metrics._validation import MetricInputError
from recstack.specs import arguments_named

#: a first component correlating more than this with log popularity "captures popularity"
POPULARITY_CORRELATION = 0.6
#: share of the variance in the first component above which the vectors count as collapsed
COLLAPSE_SHARE = 0.9
#: fewest vectors a correlation with popularity is read from: two points always lie on a
#: line, so their correlation is +1 or -1 whatever the vectors (2 items were read as "the
#: first component captures popularity (correlation -1.00)", and their lengths as tracking
#: popularity "(Spearman +1.00)")
MIN_CORRELATION_ROWS = 3
#: rows per block when projecting onto the components: bounds memory for millions of users
_BLOCK_ROWS = 1 << 16
#: components kept by default (fewer where the vectors are narrower)
_DEFAULT_COMPONENTS = 10


@arguments_named
def log_popularity(counts: Any) -> np.ndarray:
    """``log(1 + count)``: the popularity scale every correlation here is taken on (counts
    span orders of magnitude, and an item never seen in training stays finite at 0)."""
    return np.log1p(checks.count_array(counts, "popularity"))


def _as_vectors(vectors: Any, what: str) -> np.ndarray:
    try:
        return checks.vectors(vectors, what)
    except MetricInputError as error:
        if "must be finite" not in str(error):
            raise
        # NaN or inf in a model's vectors: say the likely cause
        raise RecstackError(f"{error} (did training diverge?)") from None


def _scaled(x: np.ndarray) -> tuple[np.ndarray, float]:
    """``x`` divided by its largest absolute value, and that value (1 for all zeros).

    Shares of variance, effective rank, relative lengths and correlations do not change
    with the vectors' scale, but their squares do: vectors of tiny values (1e-200, or
    float32's subnormals) squared to zero, so that full-rank vectors, all different, were
    read as "every vector is the same" by :func:`pca_analysis` and as collapsed and dead
    by :func:`embedding_health` (the cosine analyses scale each row the same way, in
    :func:`recstack.analysis._checks.unit_rows`)."""
    largest = float(np.abs(x).max()) if x.size else 0.0
    if largest == 0.0:
        return x, 1.0
    return x / largest, largest


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation, NaN (not a warning) when either side is constant.

    Constant means every value equal (``ptp == 0``): the standard deviation of 30 equal
    values log(2) is 3e-16, not 0, in floating point, so equal popularity was read as a
    correlation of -0.00 and a "component most related to it"."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def _without_noise(eigenvalues: np.ndarray, n_rows: int) -> np.ndarray:
    """The eigenvalues of a scatter matrix with those that are rounding noise set to 0.

    Beyond the rank of the vectors (fewer rows than dimensions, or dimensions that depend
    on each other) the variance is 0, but the eigenvalues computed come out as tiny
    positive numbers (1e-17 of the total), which were reported as shares of variance.
    An eigenvalue counts as noise at or below ``largest x max(n_rows, dim) x eps``, numpy's
    rank tolerance (``matrix_rank``), taken relative to the largest eigenvalue."""
    values = np.clip(eigenvalues, 0.0, None)
    if not values.size:
        return values
    tolerance = values.max() * max(n_rows, len(values)) * np.finfo(np.float64).eps
    return np.where(values <= tolerance, 0.0, values)


def _wide_components(centred: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """The scatter matrix's eigenvalues (largest first, all ``dim`` of them) and its first
    ``keep`` unit eigenvectors, for centred vectors with fewer rows than dimensions.

    They come from the thin SVD of the rows (eigenvalues = squared singular values, the
    rest 0), never from the ``dim x dim`` scatter matrix: vectors given transposed (64
    factors x 50,000 items, read as 64 vectors of dimension 50,000) built a 20 GB matrix,
    and 16 x 3,000 took half a minute for what the SVD does in a blink. Directions beyond
    the rows carry no variance; they are completed to an orthonormal set (QR of the known
    ones and the first unit axes), as any such direction is as good as another."""
    n, dim = centred.shape
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    eigenvalues = np.concatenate([singular ** 2, np.zeros(dim - len(singular))])
    if keep <= len(directions):
        return eigenvalues, directions[:keep]
    known = directions.T
    basis, _ = np.linalg.qr(np.hstack([known, np.eye(dim, keep)]))
    return eigenvalues, np.vstack([directions, basis[:, len(directions):keep].T])


def _scatter_eigenvalues(centred: np.ndarray) -> np.ndarray:
    """The eigenvalues of ``centred.T @ centred`` (all ``dim`` of them, any order); with
    fewer rows than dimensions from the rows' singular values (see
    :func:`_wide_components`), never from the ``dim x dim`` matrix."""
    n, dim = centred.shape
    if n >= dim:
        return np.linalg.eigvalsh(centred.T @ centred)
    singular = np.linalg.svd(centred, compute_uv=False)
    return np.concatenate([singular ** 2, np.zeros(dim - len(singular))])


@dataclass(frozen=True)
class PCAAnalysis:
    """Principal components of a set of vectors (see :func:`pca_analysis`).

    Attributes
    ----------
    explained_variance_ratio
        Share of the total variance along each component, largest first (all ``dim``);
        exactly 0 for a component beyond the rank of the vectors (fewer rows than
        dimensions, or dimensions that depend on each other), where the variance computed
        is rounding noise (at most ``max(n_rows, dim) x eps`` of the largest).
    components
        The first ``n_components`` unit directions, ``(n_components, dim)``.
    popularity_correlation
        Pearson correlation of the scores on each of the first components with
        ``log(1 + popularity)``; empty when no popularity was given. A component's sign is
        arbitrary, so is the correlation's: its size is what counts. NaN for a component
        that carries no variance (beyond the rank of the vectors: fewer rows than
        dimensions, or dimensions that depend on each other), whose scores are rounding
        noise, where popularity is constant, and for fewer than
        :data:`MIN_CORRELATION_ROWS` vectors (two points always correlate +1 or -1).
    kind
        "item" or "user", for titles.
    """

    explained_variance_ratio: np.ndarray
    components: np.ndarray
    popularity_correlation: np.ndarray
    n_rows: int
    kind: str = "item"
    model: str = ""

    @property
    def cumulative(self) -> np.ndarray:
        """Cumulative share of the variance of the first 1, 2, ... components."""
        return np.cumsum(self.explained_variance_ratio)

    @arguments_named
    def components_for(self, share: float) -> int:
        """Fewest components whose variance adds up to at least ``share`` of the total."""
        # a numpy number (np.float32(0.5), an entry of an array of shares) is that number,
        # as is a Decimal (no numbers.Real, but a real number: Decimal("0.5") was refused
        # as "not a number")
        given = share
        if isinstance(share, Decimal) and share.is_finite():
            share = float(share)
        if isinstance(share, bool | np.bool_) or not isinstance(share, numbers.Real) \
                or not 0 < share <= 1:
            raise RecstackError(f"share must be a number in (0, 1], got {shown(given)}")
        # a tolerance so that share = 1 is reached despite rounding in the sum
        return int(np.searchsorted(self.cumulative, share - 1e-12) + 1)

    @property
    def n_for_50(self) -> int:
        return self.components_for(0.5)

    @property
    def n_for_90(self) -> int:
        return self.components_for(0.9)

    @property
    def captures_popularity(self) -> bool:
        """Whether the first component correlates above :data:`POPULARITY_CORRELATION` (in
        size) with log popularity."""
        return (len(self.popularity_correlation) > 0
                and abs(self.popularity_correlation[0]) > POPULARITY_CORRELATION)

    def reading(self) -> str:
        """The numbers in plain words."""
        dim = len(self.explained_variance_ratio)
        text = (f"{self.n_rows:,} {self.kind} vectors of dimension {dim}: the first "
                f"component carries {self.explained_variance_ratio[0]:.0%} of the variance; "
                f"{self.n_for_50} component(s) carry half of it and {self.n_for_90} carry 90%.")
        # a user's "popularity" is their activity: the same count, read in its own words
        word, what = (("popularity", "how popular an item is") if self.kind == "item"
                      else ("activity", f"how active a {self.kind} is"))
        if len(self.popularity_correlation):
            r = self.popularity_correlation[0]
            if self.captures_popularity:
                text += (f" The first component captures {word} (correlation {r:+.2f} "
                         f"with log {word}): the main direction the model learned is {what}.")
            elif math.isnan(r) and self.n_rows < MIN_CORRELATION_ROWS:
                text += (f" No correlation with {word} can be read from {self.n_rows} "
                         f"vectors (two points always correlate +1 or -1; it takes "
                         f"{MIN_CORRELATION_ROWS} or more).")
            elif math.isnan(r):
                text += f" {word.capitalize()} is constant, so no correlation can be read."
            else:
                strongest = int(np.nanargmax(np.abs(self.popularity_correlation)))
                text += (f" The first component does not capture {word} (correlation "
                         f"{r:+.2f}); the component most related to it is PC{strongest + 1} "
                         f"({self.popularity_correlation[strongest]:+.2f}).")
        return text

    @arguments_named
    def chart(self, max_components: int = 30) -> Chart:
        """Explained variance per component (bars) and cumulative (line)."""
        shown = min(checks.whole_number(max_components, "max_components"),
                    len(self.explained_variance_ratio))
        x = np.arange(1, shown + 1)
        title = f"{self.model}: PCA of the {self.kind} embeddings".lstrip(": ")
        return Chart(title=title, x_label="component", y_label="share of variance",
                     series=[Series("per component", x, self.explained_variance_ratio[:shown],
                                    mode="bar"),
                             Series("cumulative", x, self.cumulative[:shown],
                                    mode="lines+markers")],
                     note=self.reading())

    @arguments_named
    def plot(self, ax: Any = None) -> Any:
        """Draw :meth:`chart` on a matplotlib axes (a new figure when None); returns it."""
        from recstack.analysis.charts import draw_matplotlib

        return draw_matplotlib(self.chart(), ax=ax)


@arguments_named
def pca_analysis(vectors: Any, popularity: Any = None, *, n_components: int | None = None,
                 kind: str = "item", model: str = "") -> PCAAnalysis:
    r"""Principal component analysis of embedding vectors.

    With :math:`X_c = X - \bar{x}` (rows centred), the components are the eigenvectors of
    the scatter matrix :math:`X_c^\top X_c` and component :math:`j` explains
    :math:`\lambda_j / \sum_k \lambda_k` of the variance (the same as
    ``sklearn.decomposition.PCA(...).explained_variance_ratio_``). The ``dim x dim`` scatter
    matrix is accumulated block by block, so millions of rows fit in memory.

    Parameters
    ----------
    vectors : array_like, shape (n_rows, dim)
    popularity : array_like, shape (n_rows,), optional
        Training counts; the scores on each of the first components are correlated with
        ``log(1 + popularity)``.
    n_components : int, optional
        How many leading components to keep directions and correlations for: at most
        ``dim``, the vectors' width (more is kept as ``dim``, with a warning saying so);
        by default 10, or ``dim`` when the vectors are narrower.
    """
    kind, model = checks.kind_and_model(kind, model, "pca_analysis")
    # scaled: the shares and directions are those of the vectors as given (see _scaled)
    x, _ = _scaled(_as_vectors(vectors, f"{kind} embeddings"))
    n, dim = x.shape
    if n_components is None:
        n_components = min(_DEFAULT_COMPONENTS, dim)
    n_components = checks.whole_number(n_components, "n_components")
    if n_components > dim:
        warnings.warn(f"pca_analysis: n_components={shown(n_components)} asks for more components "
                      f"than the {kind} embeddings have dimensions ({dim}); {dim} are kept "
                      f"(give n_components <= {dim})", UserWarning, stacklevel=caller_stacklevel())
    target = None if popularity is None else log_popularity(
        checks.counts(popularity, n, f"popularity of the {kind} vectors"))
    mean = x.mean(axis=0)
    keep = min(n_components, dim)
    if n < dim:
        eigenvalues, components = _wide_components(x - mean, keep)
    else:
        scatter = np.zeros((dim, dim))
        for start in range(0, n, _BLOCK_ROWS):
            block = x[start:start + _BLOCK_ROWS] - mean
            scatter += block.T @ block
        eigenvalues, eigenvectors = np.linalg.eigh(scatter)
        order = np.argsort(eigenvalues)[::-1]
        eigenvalues = eigenvalues[order]
        components = eigenvectors[:, order][:, :keep].T
    # components beyond the vectors' rank carry no variance: 0, not rounding noise
    eigenvalues = _without_noise(eigenvalues, n)
    total = eigenvalues.sum()
    if total <= 0:
        raise RecstackError(f"{kind} embeddings: every vector is the same, so there is no "
                            "variance to analyse (collapsed embeddings)")
    correlations = np.array([])
    if target is not None:
        scores = np.concatenate([(x[s:s + _BLOCK_ROWS] - mean) @ components.T
                                 for s in range(0, n, _BLOCK_ROWS)])
        # a component beyond the vectors' rank (fewer rows than dimensions, or dependent
        # dimensions) carries no variance: its scores are rounding noise, whose correlation
        # with popularity was read as "the component most related to it" (numpy's rank
        # tolerance, on the eigenvalues of the scatter matrix: set to 0 above)
        noise = eigenvalues[:keep] == 0
        correlations = np.array([math.nan if noise[j] or n < MIN_CORRELATION_ROWS
                                 else _pearson(scores[:, j], target) for j in range(keep)])
    return PCAAnalysis(eigenvalues / total, components, correlations, n, kind, model)


@dataclass(frozen=True)
class EmbeddingHealth:
    """Warning signs in a set of vectors (see :func:`embedding_health`).

    Attributes
    ----------
    first_component_share
        Share of the variance along the first principal component.
    effective_rank
        The effective rank of Roy & Vetterli (2007) of the centred vectors: with
        :math:`\\sigma_1, \\ldots, \\sigma_Q` their singular values,
        :math:`p_k = \\sigma_k / \\sum_j \\sigma_j` (their eq. 1) and
        :math:`\\exp(-\\sum_k p_k \\log p_k)` (their eqs. 2 and 3, with :math:`0 \\log 0 = 0`): the
        number of directions in use, between 1 and ``min(n_rows - 1, dim)``. The paper
        normalises the singular values, not their squares (the variances, whose entropy
        reads fewer directions: 1.6 instead of 1.9 for variances 4 and 1). The vectors are
        centred first, as for the PCA, so that an offset shared by every vector is no
        direction in use (a deliberate choice: the paper takes the matrix as it is).
    dead
        Row indices of vectors with (near) zero length.
    duplicate_groups
        Groups (arrays of row indices) of vectors equal to each other up to ``1e-6``
        relative; only the first :data:`_SHOWN_GROUPS` are kept, ``n_duplicates`` counts all.
    norm_popularity_correlation
        Spearman correlation of vector lengths with popularity (NaN without popularity,
        and for fewer than :data:`MIN_CORRELATION_ROWS` vectors: two points always
        correlate +1 or -1).
    """

    dim: int
    n_rows: int
    first_component_share: float
    effective_rank: float
    dead: np.ndarray
    duplicate_groups: list[np.ndarray]
    n_duplicates: int
    norm_popularity_correlation: float
    norms: np.ndarray = field(repr=False)
    kind: str = "item"
    model: str = ""
    #: whether the vectors differ at all (False: every vector is the same)
    varied: bool = True

    @property
    def possible_directions(self) -> int:
        """The most directions the centred vectors can span: ``min(n_rows - 1, dim)``
        (2 vectors lie on one line whatever their width; a 1-D embedding has one)."""
        return max(1, min(self.n_rows - 1, self.dim))

    @property
    def collapsed(self) -> bool:
        # judged against the directions the vectors can span: 2 items, or vectors of
        # one dimension, were "collapsed" however they were spread, since their one
        # direction always carries 100% of the variance; vectors all the same still are
        possible = self.possible_directions
        if not self.varied:
            return True
        return possible >= 2 and (self.first_component_share > COLLAPSE_SHARE
                                  or (possible > 2 and self.effective_rank < 1.5))

    def _span(self) -> str:
        possible = self.possible_directions
        return (f"; {counted(self.n_rows, 'vector')} span at most {possible}" if possible < self.dim
                else "")

    def findings(self) -> list[str]:
        """One sentence per problem found; empty when the vectors look healthy."""
        found = []
        if self.collapsed:
            found.append(f"collapsed: the first direction carries "
                         f"{self.first_component_share:.0%} of the variance and only "
                         f"{self.effective_rank:.1f} of {self.dim} dimensions are in use"
                         f"{self._span()}")
        if len(self.dead):
            found.append(f"{len(self.dead):,} dead {self.kind} vector(s) (length ~0), e.g. "
                         f"rows {self.dead[:5].tolist()}: the model learned nothing for them")
        if self.n_duplicates:
            # the groups themselves are the attribute: "(3 group(s) shown)" was read on
            # the report's page, which shows none
            example = self.duplicate_groups[0][:5].tolist() if self.duplicate_groups else []
            found.append(f"{self.n_duplicates:,} {self.kind} vectors duplicate another one "
                         f"(e.g. rows {example} are the same vector): they cannot be "
                         "told apart")
        r = self.norm_popularity_correlation
        # only where the directions are alike (collapsed) do the scores order items by
        # length, that is by popularity, alone. Vectors spread over many directions rank
        # each user's items by direction, and lengths that grow with popularity are the
        # learned popularity prior of every healthy factor model (ALS on MovieLens 100K:
        # Spearman +0.96 over 61 of 64 dimensions in use, twice most-popular's nDCG),
        # which was listed as a problem on every such run. A user vector's length scales
        # all of that user's scores alike and changes no list.
        if self.kind == "item" and self.collapsed and not math.isnan(r) \
                and abs(r) > POPULARITY_CORRELATION:
            found.append(f"vector lengths track popularity (Spearman {r:+.2f}): dot-product "
                         "scores favour popular items by length alone")
        return found

    def reading(self) -> str:
        found = self.findings()
        head = (f"{self.effective_rank:.1f} of {self.dim} dimensions in use (effective rank"
                f"{self._span()}); first direction {self.first_component_share:.0%} of the "
                "variance")
        if not math.isnan(self.norm_popularity_correlation):
            head += f"; length-popularity Spearman {self.norm_popularity_correlation:+.2f}"
        return head + (". Problems: " + "; ".join(found) + "." if found
                       else ". No problem found.")

    @arguments_named
    def chart(self, popularity: Any = None) -> Chart:
        """Vector length against log popularity (or a histogram-like sorted curve)."""
        title = f"{self.model}: {self.kind} vector lengths".lstrip(": ")
        if popularity is None:
            y = np.sort(self.norms)[::-1]
            return Chart(title=title, x_label="rank", y_label="length",
                         series=[Series("length", np.arange(1, len(y) + 1), y)],
                         note=self.reading())
        counts = checks.counts(popularity, len(self.norms), f"popularity of the {self.kind} "
                               "vectors")
        return Chart(title=title, x_label="log(1 + popularity)", y_label="length",
                     series=[Series("vectors", log_popularity(counts), self.norms,
                                    mode="markers")], note=self.reading())

    @arguments_named
    def plot(self, ax: Any = None, popularity: Any = None) -> Any:
        from recstack.analysis.charts import draw_matplotlib

        return draw_matplotlib(self.chart(popularity), ax=ax)


_SHOWN_GROUPS = 20
#: relative spread under which vector lengths count as equal: float32 rounding leaves
#: unit vectors 2e-7 apart
_EQUAL_LENGTHS = 1e-5


@arguments_named
def embedding_health(vectors: Any, popularity: Any = None, *, dead_tolerance: float = 1e-6,
                     kind: str = "item", model: str = "") -> EmbeddingHealth:
    """Collapse, dead and duplicated vectors, and lengths that track popularity (a
    problem only in collapsed item vectors, whose scores then order items by length).

    Parameters
    ----------
    vectors : array_like, shape (n_rows, dim)
    popularity : array_like, shape (n_rows,), optional
        Training counts, for the length-popularity correlation.
    dead_tolerance : float
        A vector shorter than ``dead_tolerance`` times the median length is dead.
    """
    kind, model = checks.kind_and_model(kind, model, "embedding_health")
    x = _as_vectors(vectors, f"{kind} embeddings")
    n, dim = x.shape
    dead_tolerance = checks.positive_number(dead_tolerance, "dead_tolerance", allow_zero=True)
    pop = None if popularity is None else checks.counts(popularity, n,
                                                        f"popularity of the {kind} vectors")
    # judged on the vectors scaled to a largest value of 1 (see _scaled): every test
    # below is relative to the typical length; the lengths reported are the true ones
    x, largest = _scaled(x)
    norms = np.linalg.norm(x, axis=1)
    median = float(np.median(norms))
    dead = np.flatnonzero(norms <= dead_tolerance * max(median, np.finfo(float).tiny))
    centred = x - x.mean(axis=0)
    eigenvalues = _without_noise(_scatter_eigenvalues(centred), n)
    total = eigenvalues.sum()
    if total > 0:
        first_share = float(eigenvalues.max() / total)
        # Roy & Vetterli's eq. 1 normalises the singular values of the centred vectors,
        # the square roots of the scatter matrix's eigenvalues (not the variances
        # themselves, whose entropy read 1.6 directions for variances 4 and 1, not 1.9);
        # the zero ones (rounding noise, set to 0 above) add 0 log 0 = 0
        singular = np.sqrt(eigenvalues[eigenvalues > 0])
        p = singular / singular.sum()
        effective_rank = float(np.exp(-(p * np.log(p)).sum()))
    else:
        first_share, effective_rank = 1.0, 1.0
    # Rounded to 6 significant digits of the typical length, equal rows share one key.
    scale = median if median > 0 else 1.0
    keys = np.round(x / scale, 6)
    alive = np.setdiff1d(np.arange(n), dead)
    _, inverse, counts = np.unique(keys[alive], axis=0, return_inverse=True,
                                   return_counts=True)
    inverse = inverse.ravel()
    repeated = np.flatnonzero(counts > 1)
    n_duplicates = int((counts[repeated] - 1).sum())
    groups = [alive[inverse == g] for g in repeated[:_SHOWN_GROUPS]]
    spearman = math.nan
    if pop is not None:
        # lengths equal up to float32 rounding (a model that normalises its vectors, as
        # two_tower does) are equal: ranked, their last-digit noise gave a Spearman of
        # +0.81 on 8 unit vectors and the problem "lengths track popularity"
        equal_lengths = np.ptp(norms) <= _EQUAL_LENGTHS * norms.max()
        if np.ptp(pop) > 0 and not equal_lengths and n >= MIN_CORRELATION_ROWS:
            spearman = float(stats.spearmanr(norms, pop).statistic)
    return EmbeddingHealth(dim, n, first_share, effective_rank, dead, groups, n_duplicates,
                           spearman, norms * largest, kind, model, varied=bool(total > 0))
