r"""Bayesian logistic regression with a Laplace posterior, updated online batch by batch.

The model is :math:`p(y = 1 \mid x, w) = \sigma(w^\top x)` (an intercept, when fitted, is a
weight on a constant feature) with a Gaussian prior :math:`w \sim \mathcal N(m_0, P_0^{-1})`.
The posterior is approximated by a Gaussian at its mode (the Laplace approximation; Bishop,
*Pattern Recognition and Machine Learning*, 2006, section 4.5):

.. math:: m = \arg\min_w \; \sum_i s_i\,[\log(1 + e^{z_i}) - y_i z_i]
          + \tfrac12 (w - m_0)^\top P_0 (w - m_0), \qquad z_i = w^\top x_i

.. math:: P = P_0 + \sum_i s_i\, p_i (1 - p_i)\, x_i x_i^\top, \qquad p_i = \sigma(m^\top x_i)

with row weights :math:`s_i`. ``diagonal=True`` keeps only the diagonal of the precision,
:math:`P_{jj} = P_{0,jj} + \sum_i s_i p_i (1 - p_i) x_{ij}^2`, which costs :math:`O(d)`
memory for :math:`d` features (Chapelle & Li 2011, "An Empirical Evaluation of Thompson
Sampling", Algorithm 3, labels :math:`y_i \in \{-1, 1\}` there:
:math:`w = \arg\min_w \tfrac12 \sum_j q_j (w_j - m_j)^2 + \sum_i \log(1 + e^{-y_i w^\top
x_i})`, then :math:`q_j \leftarrow q_j + \sum_i x_{ij}^2 p_i (1 - p_i)` with :math:`p_i =
\sigma(w^\top x_i)`, the posterior :math:`(m, q)` being the next batch's prior: what
:meth:`~BayesianLogisticRegression.partial_fit` does with ``diagonal=True`` and
``forgetting=1``). The mode is found with scipy: an exact-Hessian trust-region Newton
method for the full posterior, L-BFGS for the diagonal one.

**Online updates.** :meth:`BayesianLogisticRegression.partial_fit` treats the current
posterior :math:`\mathcal N(m, P^{-1})` as the prior of the next batch, so that a stream of
batches is learned without refitting on the history. With a forgetting factor
:math:`\gamma \in (0, 1]` the prior for the next batch is

.. math:: m_0 \leftarrow m, \qquad P_0 \leftarrow \gamma P + (1 - \gamma) P_{\text{init}}

(:math:`P_{\text{init}}` the initial prior precision): the evidence of a batch seen
:math:`a` updates ago weighs :math:`\gamma^a`, an effective memory of about
:math:`1 / (1 - \gamma)` batches, and the covariance of weights the recent data does not
inform returns towards the initial prior instead of growing without bound. :math:`\gamma = 1`
is plain sequential Bayesian updating (for stationary data it lands near a fit on all the
data at once); :math:`\gamma < 1` tracks drifting behaviour.

**Predictions.** :meth:`predict_proba` integrates the weight uncertainty with the probit
approximation (MacKay 1992, "The evidence framework applied to classification networks";
Bishop eq. 4.155):

.. math:: p(y = 1 \mid x) \approx \sigma\!\left(\frac{\mu}{\sqrt{1 + \pi s^2 / 8}}\right),
          \qquad \mu = m^\top x, \quad s^2 = x^\top P^{-1} x

:meth:`sample_weights` draws weight vectors from the posterior, for Thompson sampling.

**Imbalanced clicks.** ``negative_rate`` (uniform negative downsampling) and
``class_weight`` train on lighter negatives; :meth:`predict_proba` then undoes the shift
of the odds with the shared correction of :mod:`recstack.pipeline.imbalance`, so its
probabilities keep the data's base rate.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
from scipy import linalg, optimize, special

from recstack.data.interactions import caller_stacklevel
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.metrics._validation import check_aligned
from recstack.models.base import Configurable, Param
from recstack.pipeline.bandit_checks import (
    MAX_DENSE_CELLS,
    BanditInputError,
    as_float_array,
    check_count,
    check_same_length,
    check_unit_interval,
    refuse_booleans,
)
from recstack.pipeline.schema import arrow_table_as_pandas
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.specs import arguments_named, did_you_mean, number_spelling_hint

__all__ = ["BayesianLogisticRegression", "probit_sigmoid"]

_NAME = "BayesianLogisticRegression"
#: the hyperparameters a posterior is learned under: fit reads them, and an online update or
#: a prediction under other values would mix two models (a diagonal precision read as a full
#: one, an intercept weight read as a feature's, batches downsampled at two rates under one
#: probability correction), so after fit they may only change through a new fit
_FIXED_AT_FIT = ("diagonal", "fit_intercept", "prior_precision", "intercept_precision",
                 "negative_rate", "class_weight")
#: those of them that decide the posterior's shape, which every prediction reads
_SHAPE_OF_POSTERIOR = ("diagonal", "fit_intercept")
#: the most numbers one call of sample_weights may draw (8 bytes each: 1 GiB)
_MAX_DRAWN_VALUES = 1 << 27


@dataclass(frozen=True)
class Caller:
    """How the user of an outer object (a bandit policy) names what it hands the model, for
    the model's errors and warnings raised during one call: ``where`` begins the message
    (``"linucb.update"``), ``argument`` is the array the user passed (``"contexts"``), whose
    leading shape ``lead`` (``(n_users, k)``) locates the model's flattened rows in it, and
    ``settings`` are the hyperparameters the user can set (advice names no other). Without
    one, the model's own names: ``BayesianLogisticRegression``, ``X``, its rows."""

    where: str = _NAME
    argument: str = "X"
    lead: tuple[int, ...] | None = None
    settings: tuple[str, ...] | None = None

    def row(self, row: int, column: int | None = None) -> str:
        """Row ``row`` of the model's 2-D design (its ``column``, if given), as the user's
        array places it: ``"row 3"``, or ``"contexts[1, 0, 2]"``."""
        if self.lead is None:
            return f"row {row}"
        index = [int(i) for i in np.unravel_index(row, self.lead)]
        index += [] if column is None else [column]
        return f"{self.argument}[{', '.join(map(str, index))}]"

    def column(self, column: int, names: tuple[str, ...] | None) -> str:
        """Feature column ``column`` of the user's array."""
        if self.lead is not None:
            return f"feature {column} (last axis) of {self.argument}"
        return f"column {names[column]!r} of X" if names else f"column {column} of X"

    def largest(self) -> str:
        """The words before the largest absolute value of the user's array."""
        return "largest |feature|" if self.lead is None else f"largest |value| of {self.argument}"

    def advice(self, *names: str) -> str:
        """``names`` (hyperparameters to raise) that the user can set, joined by "or"."""
        kept = [n for n in names if self.settings is None or n in self.settings]
        return " or ".join(kept or names)


#: the model's own names, outside a :meth:`BayesianLogisticRegression.called_as` block
_OWN = Caller()


def full_posterior_problem(d: int) -> str | None:
    """Why a full (``diagonal=False``) posterior over ``d`` weights cannot be held, or None:
    its precision, the Newton step's Hessian and the Cholesky factor are each ``d * d``
    float64 cells, refused past :data:`~recstack.pipeline.bandit_checks.MAX_DENSE_CELLS`
    (1 GiB each). 100,000 features failed in numpy's allocator ("Unable to allocate 74.5
    GiB"), or had the process killed, at the first update."""
    if d * d <= MAX_DENSE_CELLS:
        return None
    return (f"a full posterior over {d:,} weights is {d:,} x {d:,} float64 cells "
            f"({d * d * 8 / 2**30:,.1f} GiB for the precision alone; at most "
            f"{math.isqrt(MAX_DENSE_CELLS):,} weights, {MAX_DENSE_CELLS * 8 / 2**30:.0f} GiB); "
            "use diagonal=True, whose posterior grows with the weights, not their square")


def _column_names(X: Any) -> tuple[str, ...] | None:
    """The column names of a pandas DataFrame ``X``, as text; None for anything else."""
    columns = getattr(X, "columns", None)
    if columns is None or getattr(X, "ndim", None) != 2:
        return None
    return tuple(str(name) for name in columns)


def _name_problems(missing: list[str], unexpected: list[str],
                   names: tuple[str, ...]) -> list[str]:
    """What is wrong with the feature ``names`` given, against those of fit: the names
    ``missing`` and ``unexpected`` and those given twice (a frame holding a column twice
    and lacking another was told only "missing 'b'", leaving the doubled 'a' to be
    found)."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    return [f"{what} {', '.join(map(repr, listed))}" for what, listed in
            (("missing", missing), ("unexpected", unexpected), ("named twice", repeated))
            if listed]


def _warn_positional(doing: str, fitted: tuple[str, ...]) -> None:
    """Warn that ``X`` without column names is read by position, after a fit on a DataFrame
    whose columns had names (scikit-learn's "X does not have valid feature names")."""
    shown_names = ", ".join(map(repr, fitted[:5])) + (", ..." if len(fitted) > 5 else "")
    warnings.warn(f"{_NAME}: X for {doing} has no column names, but fit was given a "
                  f"DataFrame with columns {shown_names}, so X's columns are read by "
                  "position in that order; give a DataFrame with those columns to have them "
                  "checked by name", UserWarning, stacklevel=caller_stacklevel())


def _require_binary(y: np.ndarray, setting: str, which: str, fix: str) -> None:
    """Refuse fractional labels (click probabilities) under a setting that needs to know
    which rows are the positives and which the negatives."""
    fractional = (y > 0) & (y < 1)
    if fractional.any():
        raise ConfigError(f"{_NAME}: {setting} needs 0/1 labels (which rows are {which}?), "
                          f"but y[{int(np.argmax(fractional))}] = "
                          f"{float(y[fractional][0])!r}; {fix}")


#: the most by which the weights' curvatures at the start of a MAP search may differ before
#: the search is run on rescaled weights: beyond about 1e14 (prior_precision = 1e16 beside
#: the intercept's 1e-4 and a few hundred rows) L-BFGS-B stopped at once, "converged", and
#: the trust-region search made no step, both leaving the intercept at its prior mean
_CURVATURE_SPREAD = 1e10


def _search_scale(prior_precision: np.ndarray, curvature: np.ndarray, design: np.ndarray
                  ) -> np.ndarray:
    """The scale of each weight in the MAP search: ones (the search as it always ran) when
    the diagonal of the objective's Hessian at the start, ``h_j`` (prior precision plus
    ``sum_i c_i x_ij^2``), spans at most :data:`_CURVATURE_SPREAD`; else ``sqrt(h_min /
    h_j)``, which gives every weight of positive ``h_j`` the same curvature, that of the
    least curved one (whose gradient the tolerance then reads as before)."""
    prior = prior_precision if prior_precision.ndim == 1 else np.diagonal(prior_precision)
    with np.errstate(over="ignore", invalid="ignore"):
        diagonal = prior + curvature @ design**2
    scale = np.ones_like(diagonal)
    usable = np.isfinite(diagonal) & (diagonal > 0)
    if usable.sum() < 2:
        return scale
    least, most = float(diagonal[usable].min()), float(diagonal[usable].max())
    if most <= _CURVATURE_SPREAD * least:
        return scale
    scale[usable] = np.sqrt(least / diagonal[usable])
    return scale


def _lost_columns(X: np.ndarray, weight: np.ndarray, prior_precision: np.ndarray
                  ) -> np.ndarray:
    """Which feature columns of ``X`` have squares whose sum over the rows (up to ``n max
    x^2 / 4``, the column's diagonal entry of the posterior precision) passes its prior
    precision by more than float64's 16 digits, or overflows: the prior is then lost in
    rounding (see :meth:`BayesianLogisticRegression._refuse_huge_column`)."""
    if not X.size:
        return np.zeros(X.shape[1] if X.ndim == 2 else 0, dtype=bool)
    largest = np.abs(X).max(axis=0)
    prior = np.diagonal(prior_precision) if prior_precision.ndim == 2 else prior_precision
    with np.errstate(over="ignore"):
        curvature = 0.25 * np.count_nonzero(weight) * largest**2
    return ~np.isfinite(curvature) | (curvature * np.finfo(np.float64).eps
                                      > prior[: X.shape[1]])


def _newton_step(gradient: np.ndarray, prior_precision: np.ndarray, curvature: np.ndarray,
                 design: np.ndarray) -> float:
    """The largest ``|g_j| / h_j``: how far, weight by weight, a Newton step on the diagonal
    of the Hessian (``h_j``, prior precision plus ``sum_i c_i x_ij^2``) would still move
    the MAP search's result; ``inf`` where a weight with a gradient has no curvature."""
    prior = prior_precision if prior_precision.ndim == 1 else np.diagonal(prior_precision)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        steps = np.abs(gradient) / (prior + curvature @ design**2)
    steps = np.where(gradient == 0, 0.0, steps)
    return float(np.max(np.nan_to_num(steps, nan=np.inf))) if steps.size else 0.0


def probit_sigmoid(mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    r""":math:`\sigma(\mu / \sqrt{1 + \pi s^2 / 8})`: the logistic of a Gaussian logit
    :math:`\mathcal N(\mu, s^2)` integrated with the probit approximation (MacKay 1992).

    ``mean`` and ``variance`` hold one logit each, of the same shape (or either a single
    number); finite, the variances >= 0. Anything else is refused with a
    :class:`~recstack.pipeline.bandit_checks.BanditInputError` naming the position."""
    # read raw, a negative variance gave NaN (numpy's "invalid value in sqrt" at most),
    # text or None a TypeError from numpy, and a mean of shape (n,) beside variances of
    # shape (n, 1) broadcast to an (n, n) table without a word
    mean = as_float_array("probit_sigmoid", "mean", mean, ndim=None)
    variance = as_float_array("probit_sigmoid", "variance", variance, ndim=None)
    if mean.ndim and variance.ndim and mean.shape != variance.shape:
        raise BanditInputError(f"probit_sigmoid: mean has shape {mean.shape} and variance "
                               f"{variance.shape}; give one variance per mean (the same "
                               "shape), or a single number for either")
    if (variance < 0).any():
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(variance < 0)),
                                                       variance.shape))
        where = f" at position {list(index)}" if variance.ndim else ""
        raise BanditInputError(f"probit_sigmoid: variance must be >= 0 (a variance of the "
                               f"logit), got {float(variance[index])!r}{where}")
    return special.expit(mean / np.sqrt(1.0 + np.pi * variance / 8.0))


class BayesianLogisticRegression(Configurable):
    """Logistic regression with a Gaussian (Laplace) posterior over its weights, fitted in
    batch and updated online; see the module docstring for the formulas.

    Parameters
    ----------
    prior_precision : float > 0
        :math:`\\lambda`: the prior is :math:`\\mathcal N(0, \\lambda^{-1} I)` on the feature
        weights. The MAP estimate equals scikit-learn's L2 logistic regression with
        ``C = 1 / prior_precision`` exactly when ``fit_intercept=False``, or with an
        intercept when ``intercept_precision = 0`` (scikit-learn leaves the intercept
        unpenalised; the default 1e-4, a prior standard deviation of 100, shrinks it
        slightly towards 0).
    intercept_precision : float >= 0
        Prior precision of the intercept (0: a flat prior, which needs both classes in the
        first batch). Read only with an intercept: given otherwise, refused at fit.
    fit_intercept : bool
        Whether to learn an intercept (a weight on a constant feature).
    diagonal : bool
        Keep only the diagonal of the posterior precision (for many features). Online
        updates then drop the weights' correlations between batches and land less close to
        a full refit (in the tests: within 1.2 posterior standard deviations, against 0.15
        for the full posterior).
    forgetting : float in (0, 1]
        :math:`\\gamma` of the online update (1: no forgetting).
    max_iter : int >= 1
        Iterations of the optimiser per fit or update.
    tol : float > 0
        Gradient tolerance of the optimiser.
    seed : int >= 0
        Seed of the generator behind :meth:`sample_weights` and of the negative
        downsampling.
    negative_rate : float in (0, 1]
        :math:`w`: each batch keeps every positive and each negative with probability
        :math:`w` (:func:`recstack.pipeline.imbalance.downsample_negatives`); labels must
        then be 0 or 1. 1 keeps every row. :meth:`fit` refuses a batch of which no row is
        kept (the posterior would be the prior).
    class_weight : None, "balanced" or float > 0
        Row weights by class: ``"balanced"`` gives :math:`c_y = N / (2 N_y)`
        (:func:`recstack.pipeline.imbalance.class_weights`) computed on the first batch
        (after downsampling) and kept for the online updates, so every batch is weighed
        alike (a first batch of one class is refused: it has nothing to balance); a number
        is the positives' weight (negatives 1). Multiplies
        ``sample_weight``.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        Posterior mean of the feature weights.
    intercept_ : float
        Posterior mean of the intercept (0.0 without one).
    precision_ : ndarray
        Posterior precision over ``[coef_, intercept_]``: (d, d), or (d,) when diagonal.
    n_updates_ : int
        Batches learned: 1 after :meth:`fit`, +1 per :meth:`partial_fit`.
    class_weights_ : tuple of float
        :math:`(c_0, c_1)`, the negatives' and positives' weights (1, 1 without
        ``class_weight``).
    odds_rate_ : float
        :math:`r = w c_0 / c_1`: the factor the negatives' weight was multiplied by.
        :meth:`predict_proba` and :meth:`predict_proba_map` return
        :math:`q = p / (p + (1 - p) / r)` (He et al. 2014; see
        :mod:`recstack.pipeline.imbalance`), so that probabilities are on the scale of the
        data before downsampling and weighting, while :meth:`decision_function` and
        :meth:`sample_weights` stay on the training scale (ranking is the same on both).
    """

    name = _NAME
    #: settings read only under another's value (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {
        "intercept_precision": ("fit_intercept", (True,)),
    }
    params: ClassVar[dict[str, Param]] = {
        "prior_precision": Param((int, float), low=0.0, low_inclusive=False, default=1.0,
                                 computes_in="float64",
                                 doc="precision of the Gaussian prior on the weights"),
        "intercept_precision": Param((int, float), low=0.0, default=1e-4,
                                     computes_in="float64",
                                     doc="precision of the prior on the intercept"),
        "fit_intercept": Param(bool, default=True, doc="learn an intercept"),
        "diagonal": Param(bool, default=False, doc="diagonal posterior precision"),
        "forgetting": Param((int, float), low=0.0, high=1.0, low_inclusive=False, default=1.0,
                            computes_in="float64",
                            doc="forgetting factor of online updates (1: none)"),
        "max_iter": Param(int, low=1, default=200, doc="optimiser iterations per batch"),
        "tol": Param((int, float), low=0.0, low_inclusive=False, default=1e-8,
                     computes_in="float64",
                     doc="gradient tolerance of the optimiser"),
        "seed": Param(int, low=0, default=0,
                      doc="seed of the Thompson draws and of the negative downsampling"),
        "negative_rate": Param((int, float), low=0.0, high=1.0, low_inclusive=False,
                               default=1.0,
                               computes_in="float64",
                               doc="share w of the negatives (y = 0) each batch keeps, "
                                   "drawn uniformly; probabilities are corrected back"),
        "class_weight": Param((str, int, float), optional=True, default=None,
                              doc="None, 'balanced' (N / (2 N_c), from the first batch) or "
                                  "the positives' weight; probabilities are corrected back"),
    }

    # ------------------------------------------------------------------ fitting
    @arguments_named
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Self:
        """Fit the posterior on one batch, starting from the initial prior (a refit forgets
        every earlier batch).

        Parameters
        ----------
        X : array (n, n_features)
        y : array (n,) of values in [0, 1]
            Clicks (0/1); fractional labels are read as click probabilities.
        sample_weight : array (n,) of values >= 0, optional
        """
        self.validate_params()
        # an intercept precision given without an intercept was ignored without a word
        refuse_unread_settings(_NAME, self, self.read_only_with)
        self._check_imbalance_params()
        # a pyarrow Table's columns are named as a DataFrame's: recorded, and read by name
        # later (numpy read a table by position, in whatever order its columns came)
        X = arrow_table_as_pandas(X)
        names = _column_names(X)
        if names is not None and len(set(names)) != len(names):
            # later frames are read by column name: one of two columns named alike would
            # take the other's weight (or be refused as "a column named twice" only then)
            repeated = next(name for name in names if names.count(name) > 1)
            positions = [i for i, name in enumerate(names) if name == repeated]
            raise BanditInputError(f"{_NAME}: X has more than one column named {repeated!r} "
                                   f"(positions {positions[0]} and {positions[1]}); give "
                                   "each feature its own name")
        X, y, weight = self._check_batch(X, y, sample_weight, n_features=None)
        problem = (None if self.diagonal else
                   full_posterior_problem(X.shape[1] + int(self.fit_intercept)))
        if problem:
            raise BanditInputError(f"{_NAME}: X has {X.shape[1]:,} columns: {problem}")
        n_given, n_positive = len(y), int((y > 0).sum())
        X, y, weight = self._downsample(X, y, weight, batch=0)
        if not len(y):
            # the posterior would be the prior, which no data was fitted into
            raise ConfigError(
                f"{_NAME}: negative_rate = {float(self.negative_rate)!r} dropped every row of "
                f"the batch ({counted(n_given, 'row')}: {counted(n_positive, 'positive')}, "
                f"{counted(n_given - n_positive, 'negative')}, none kept), so nothing would "
                "be learned; fit on a batch with positives or raise negative_rate (1 keeps "
                "every row)")
        if not weight.any():
            # the posterior would be the prior, as when downsampling keeps no row
            raise BanditInputError(f"{_NAME}: sample_weight is 0 for every row of the batch "
                                   f"({counted(len(weight), 'row')}), so nothing would be "
                                   "learned; give some rows a positive weight")
        self._require_binary_for_class_weight(y)
        self.class_weights_ = self._class_weights(y)
        self.odds_rate_ = float(self.negative_rate) * self.class_weights_[0] \
            / self.class_weights_[1]
        weight = weight * np.where(y > 0, self.class_weights_[1], self.class_weights_[0])
        self.n_features_in_ = X.shape[1]
        #: the columns' names when X was a DataFrame (None otherwise): later frames are read
        #: by name, not by position
        self.feature_names_in_ = names
        d = self.n_features_in_ + int(self.fit_intercept)
        self.initial_precision_ = np.full(d, float(self.prior_precision))
        if self.fit_intercept:
            self.initial_precision_[-1] = float(self.intercept_precision)
        prior_mean = np.zeros(d)
        prior_precision = (self.initial_precision_.copy() if self.diagonal
                           else np.diag(self.initial_precision_))
        self._rng = np.random.default_rng(self.seed)
        self.n_updates_ = 0
        self._update(X, y, weight, prior_mean, prior_precision)
        self.fitted_settings_ = {name: getattr(self, name) for name in _FIXED_AT_FIT}
        #: the seed the generator of the Thompson draws was started from
        self.fitted_seed_ = self.seed
        return self

    @arguments_named
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> Self:
        """Update the posterior with a new batch, the current posterior (its precision
        discounted by ``forgetting``, see the module docstring) acting as the prior. Before
        any fit this is :meth:`fit`. A batch whose every row ``negative_rate`` drops (all
        negatives, none drawn) adds no data: only the forgetting is applied."""
        if not hasattr(self, "mean_"):
            return self.fit(X, y, sample_weight)
        self.validate_params()
        self._check_imbalance_params()
        self._refuse_changed(_FIXED_AT_FIT, "an online update")
        self._refuse_changed_seed("an online update")
        X = self._in_fitted_order(X, "partial_fit")
        X, y, weight = self._check_batch(X, y, sample_weight, n_features=self.n_features_in_)
        X, y, weight = self._downsample(X, y, weight, batch=self.n_updates_)
        self._require_binary_for_class_weight(y)
        weight = weight * np.where(y > 0, self.class_weights_[1], self.class_weights_[0])
        gamma = float(self.forgetting)
        initial = (self.initial_precision_ if self.diagonal
                   else np.diag(self.initial_precision_))
        prior_precision = gamma * self.precision_ + (1.0 - gamma) * initial
        self._update(X, y, weight, self.mean_.copy(), prior_precision)
        return self

    def _update(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray,
                prior_mean: np.ndarray, prior_precision: np.ndarray) -> None:
        design = self._design(X)
        diagonal = prior_precision.ndim == 1

        def prior_term(delta: np.ndarray) -> np.ndarray:
            return prior_precision * delta if diagonal else prior_precision @ delta

        def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
            z = design @ w
            delta = w - prior_mean
            penalty = prior_term(delta)
            # log(1 + e^z) - y z, summed stably
            value = float(weight @ (np.logaddexp(0.0, z) - y * z)) + 0.5 * float(delta @ penalty)
            gradient = design.T @ (weight * (special.expit(z) - y)) + penalty
            return value, gradient

        def curvature(w: np.ndarray) -> np.ndarray:
            p = special.expit(design @ w)
            return weight * p * (1.0 - p)

        def hessian(w: np.ndarray) -> np.ndarray:
            data = (design * curvature(w)[:, None]).T @ design
            return data + (np.diag(prior_precision) if diagonal else prior_precision)

        start = prior_mean
        # the search runs over w = prior_mean + scale * u; scale is 1 unless the curvatures
        # of the weights at the start differ by more than float64's search can span
        # (not for a column whose squares swamp its prior: the precision matrix is then
        # singular to float64 whatever the search, which is refused below, as before)
        scale = (np.ones_like(start) if _lost_columns(X, weight, prior_precision).any()
                 else _search_scale(prior_precision, curvature(start), design))
        rescaled = not np.all(scale == 1.0)
        origin = start if rescaled else np.zeros_like(start)  # unscaled: w itself, as ever

        def scaled_objective(u: np.ndarray) -> tuple[float, np.ndarray]:
            value, gradient = objective(origin + scale * u)
            return value, scale * gradient

        def scaled_hessian(u: np.ndarray) -> np.ndarray:
            return hessian(origin + scale * u) * scale[:, None] * scale[None, :]

        try:
            with np.errstate(over="ignore", invalid="ignore"):
                if diagonal:
                    result = optimize.minimize(
                        scaled_objective, start - origin, jac=True, method="L-BFGS-B",
                        options={"maxiter": self.max_iter, "gtol": self.tol, "ftol": 0.0})
                else:
                    result = optimize.minimize(
                        scaled_objective, start - origin, jac=True, hess=scaled_hessian,
                        method="trust-exact",
                        options={"maxiter": self.max_iter, "gtol": self.tol})
        except (ValueError, ArithmeticError, linalg.LinAlgError, UnboundLocalError):
            # scipy's trust-exact solver itself fails with an UnboundLocalError when the
            # Hessian is beyond its reach (features of 1e30): a traceback from inside scipy;
            # it is a failed search, reported below naming the column
            result = None
        mean = (origin + scale * np.asarray(result.x, dtype=np.float64) if result is not None
                else np.full_like(start, np.nan))
        failed = not np.isfinite(mean).all() or not np.isfinite(objective(mean)[0])
        gradient_norm = math.inf if failed else float(np.max(np.abs(objective(mean)[1])))
        if failed or (not result.success
                      and gradient_norm > 1e-4 * max(1.0, float(weight.sum()))):
            # a column the search could not cope with is named, rather than max_iter
            # blamed (a constant column of 2**62 ended in 0.5 for every row)
            self._refuse_huge_column(X, weight, prior_precision, failed)
        caller = self._caller()
        if failed:
            # features so large that the logits overflow: the posterior is not a number
            raise BanditInputError(
                f"{caller.where}: the MAP search overflowed ({caller.largest()} "
                f"{float(np.max(np.abs(X))) if X.size else 0.0:.3g}"
                # a policy's rows all weigh 1: its user gave no weights
                + (f", largest row weight {float(np.max(weight)) if weight.size else 0.0:.3g}"
                   if caller is _OWN else "")
                + "); standardise the features (e.g. to mean 0 and standard deviation 1)"
                + (" and keep the weights moderate (e.g. scaled to mean 1)"
                   if caller is _OWN else ""))
        if not result.success and gradient_norm > 1e-4 * max(1.0, float(weight.sum())) \
                and _newton_step(objective(mean)[1], prior_precision, curvature(mean),
                                 design) > 1e-9 * (1.0 + float(np.max(np.abs(mean)))):
            # (a gradient left by a prior of 1e20 moves the weights by 1e-20: the search
            # could not take that step in float64, and need not; it was told to "raise
            # prior_precision", the setting that made it)
            warnings.warn(f"{caller.where}: the MAP search stopped before converging "
                          f"({result.message}; largest gradient {gradient_norm:.3g}); raise "
                          f"{caller.advice('max_iter', 'prior_precision')}",
                          RuntimeWarning, stacklevel=caller_stacklevel())
        with np.errstate(over="ignore", invalid="ignore"):
            if diagonal:
                precision = prior_precision + curvature(mean) @ design**2
            else:
                precision = hessian(mean)
                # halved before the sum: (P + P') / 2 overflowed to infinity for a
                # prior_precision past half of float64's largest value (1.7e308), and the
                # posterior then collapsed on its mean (every draw the same) without a word
                precision = 0.5 * precision + 0.5 * precision.T
        if not np.isfinite(precision).all():
            # the prior's precision and the data's curvature together past float64's range:
            # an infinite precision is a posterior without uncertainty (no exploration)
            raise BanditInputError(
                f"{caller.where}: the posterior precision overflows float64 (prior_precision "
                f"= {float(np.max(prior_precision)):.3g} plus the curvature of the data, "
                f"{caller.largest()} {float(np.max(np.abs(X))) if X.size else 0.0:.3g}, "
                "passes 1.8e308); lower prior_precision or standardise the features")
        # L^-1 of P = L L', kept once per update: draws and variances are then products;
        # found before the state changes, so that a refused update leaves the posterior
        # as it was (the mean and precision were replaced, the factor left stale)
        factor = None if diagonal else self._inverse_factor_of(precision, y)
        self.mean_ = mean
        self.precision_ = precision
        self._inverse_factor = factor
        self.coef_ = mean[: self.n_features_in_]
        self.intercept_ = float(mean[-1]) if self.fit_intercept else 0.0
        self.n_updates_ += 1

    def _refuse_huge_column(self, X: np.ndarray, weight: np.ndarray,
                            prior_precision: np.ndarray, overflowed: bool) -> None:
        """Refuse, naming it, a feature column whose values are so large that the posterior
        precision cannot be computed: its diagonal entry sums ``p (1 - p) x^2`` over the
        rows (up to ``n max x^2 / 4``), and once that passes the prior precision by more
        than float64's 16 digits (``max |x|`` beyond about 1e7 for 500 rows and a prior
        precision of 1) the prior is lost in rounding, the precision matrix is singular to
        float64 and the search fails (or its squares overflow outright)."""
        if not X.size:
            return
        largest = np.abs(X).max(axis=0)
        prior = np.diagonal(prior_precision) if prior_precision.ndim == 2 else prior_precision
        with np.errstate(over="ignore"):
            curvature = 0.25 * np.count_nonzero(weight) * largest**2
        lost = _lost_columns(X, weight, prior_precision)
        if not lost.any():
            return
        column = int(np.argmax(lost))
        caller = self._caller()
        name = caller.column(column, getattr(self, "feature_names_in_", None))
        row = int(np.argmax(np.abs(X[:, column])))
        total = (f"up to {float(curvature[column]):.3g}" if np.isfinite(curvature[column])
                 else "beyond float64's range")
        raise BanditInputError(
            f"{caller.where}: {name} holds values up to {float(largest[column]):.3g} ("
            f"{caller.row(row, None if caller is _OWN else column)}); the posterior "
            f"precision sums their squares over the rows ({total}), "
            f"past what float64 can hold beside the prior precision "
            f"{float(prior[column]):.3g} (about 16 digits), so the MAP search "
            f"{'overflowed' if overflowed else 'could not converge'} and its probabilities "
            "would be meaningless; standardise the features (e.g. to mean 0 and standard "
            "deviation 1), or give this one in a larger unit")

    def _inverse_factor_of(self, precision: np.ndarray, y: np.ndarray) -> np.ndarray:
        """:math:`L^{-1}` for :math:`P = L L^\top` (LAPACK's triangular inverse: a small
        matrix, where BLAS's threaded triangular solve costs more than it saves);
        ``y``: the batch's labels (one class only: the advice of a flat intercept prior)."""
        factor, info = linalg.lapack.dpotrf(precision, lower=1, clean=1)
        if info == 0:
            inverse, info = linalg.lapack.dtrtri(factor, lower=1)
        if info != 0:
            caller = self._caller()
            # "set intercept_precision > 0" was the advice whatever the cause, to a model
            # without an intercept too (a bandit policy's): the cause that fits is named
            one_class = not len(y) or bool(np.all(y == y[0]))
            if self.fit_intercept and float(self.intercept_precision) == 0.0 and one_class:
                cause = ("a flat intercept prior with a single class?); set "
                         "intercept_precision > 0")
            else:
                cause = (f"prior_precision = {float(self.prior_precision):.3g} is lost beside "
                         f"the curvature of features that move together, e.g. repeated or "
                         f"constant columns of {caller.argument}); raise prior_precision, or "
                         "standardise the features and drop repeated ones")
            raise RecstackError(f"{caller.where}: the posterior precision is not positive "
                                f"definite ({cause}")
        return np.tril(inverse)

    # ------------------------------------------------------------------ the caller's names
    @contextmanager
    def called_as(self, caller: Caller) -> Iterator[Self]:
        """Within the block, errors and warnings name what ``caller`` says (the policy and
        its ``contexts``, with their positions), not the model's ``X`` and rows."""
        previous = self.__dict__.get("_called_as")
        self.__dict__["_called_as"] = caller
        try:
            yield self
        finally:
            if previous is None:
                self.__dict__.pop("_called_as", None)
            else:
                self.__dict__["_called_as"] = previous

    def _caller(self) -> Caller:
        return self.__dict__.get("_called_as") or _OWN

    # ------------------------------------------------------------------ prediction
    @arguments_named
    def latent_mean_variance(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        r"""Mean :math:`\mu = m^\top x` and variance :math:`s^2 = x^\top P^{-1} x` of the
        logit of each row under the posterior; ``X`` may have any leading shape
        ``(..., n_features)``."""
        self._check_fitted()
        X = as_float_array(_NAME, "X", self._in_fitted_order(X, "predicting"), ndim=None)
        if X.ndim < 1 or X.shape[-1] != self.n_features_in_:
            raise BanditInputError(f"{_NAME}: X must have {self.n_features_in_} features "
                                   f"(as in fit) in its last dimension, got shape {X.shape}")
        lead = X.shape[:-1]
        # rows counted from the shape: reshape(-1, 0) cannot infer them
        design = self._design(X.reshape(int(np.prod(lead)), self.n_features_in_))
        mean = design @ self.mean_
        if self.diagonal:
            variance = design**2 @ (1.0 / self.precision_)
        else:
            # x' P^-1 x = |L^-1 x|^2 with P = L L'
            half = design @ self._l_inverse().T
            variance = np.einsum("ij,ij->i", half, half)
        if not (np.isfinite(mean).all() and np.isfinite(variance).all()):
            # an infinite variance would turn every probability into 0.5 without a word
            row = int(np.argmin(np.isfinite(mean) & np.isfinite(variance)))
            caller = self._caller()
            raise BanditInputError(
                f"{caller.where}: the logit of {caller.row(row)} overflows "
                f"({caller.largest()} {float(np.max(np.abs(X))):.3g}); give "
                f"{'features' if caller is _OWN else caller.argument} on the scale of the "
                "training ones (standardised)")
        return mean.reshape(lead), variance.reshape(lead)

    @arguments_named
    def decision_function(self, X: Any) -> np.ndarray:
        """The posterior-mean logit :math:`m^\\top x` of each row."""
        return self.latent_mean_variance(X)[0]

    @arguments_named
    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of a click for each row, the weights' uncertainty integrated out with
        the probit approximation (module docstring); shape ``X.shape[:-1]``."""
        mean, variance = self.latent_mean_variance(X)
        return self._original_scale(mean / np.sqrt(1.0 + np.pi * variance / 8.0))

    @arguments_named
    def predict_proba_map(self, X: Any) -> np.ndarray:
        """:math:`\\sigma(m^\\top x)`: the plug-in probability at the posterior mean, which
        ignores the weights' uncertainty (over-confident far from the data)."""
        return self._original_scale(self.decision_function(X))

    @arguments_named
    def sample_weights(self, n_draws: int, *, rng: np.random.Generator | None = None
                       ) -> np.ndarray:
        """Draws of the weight vector ``[coef, intercept]`` from the posterior, for Thompson
        sampling: :math:`w = m + L^{-\\top} z`, :math:`z \\sim \\mathcal N(0, I)`, whose
        covariance is :math:`P^{-1}`. Shape (n_draws, d); the model's own seeded generator
        when ``rng`` is None."""
        self._check_fitted()
        limit = max(1, _MAX_DRAWN_VALUES // len(self.mean_))
        caller = self._caller()
        if caller is not _OWN and caller.lead is not None \
                and isinstance(n_draws, int | np.integer) and n_draws > limit:
            # one draw per user of the round: "n_draws must be ... got 1000000" named an
            # argument the policy's user never gave
            raise BanditInputError(
                f"{caller.where}: {int(n_draws):,} users in one round need as many draws of "
                f"the {len(self.mean_):,} weights, more than one call may hold "
                f"({limit:,} draws, 1 GiB); select for at most {limit:,} users per call")
        n_draws = check_count(_NAME, "n_draws", n_draws, high=limit)
        if rng is None:
            self._refuse_changed_seed("the draws")
        generator = self._rng if rng is None else rng
        if not isinstance(generator, np.random.Generator):
            raise BanditInputError(f"{_NAME}: rng must be a numpy.random.Generator "
                                   f"(numpy.random.default_rng(seed)), got "
                                   f"{type(generator).__name__}")
        z = generator.standard_normal((n_draws, len(self.mean_)))
        if self.diagonal:
            return self.mean_ + z / np.sqrt(self.precision_)
        # rows: w' = m' + z' L^-1
        return self.mean_ + z @ self._l_inverse()

    @property
    def covariance_(self) -> np.ndarray:
        """The posterior covariance :math:`P^{-1}` (a vector when diagonal)."""
        self._check_fitted()
        if self.diagonal:
            return 1.0 / self.precision_
        return self._l_inverse().T @ self._l_inverse()

    # ------------------------------------------------------------------ imbalance
    def _check_imbalance_params(self) -> None:
        weight = self.class_weight
        if isinstance(weight, str) and weight != "balanced":
            # a weight in quotes ("2") is named with its spelling, as the other settings'
            hint = (number_spelling_hint(weight, float, "class_weight")
                    or did_you_mean(weight, ("balanced",)))
            raise ConfigError(f"{_NAME}: class_weight must be None, 'balanced' or the "
                              f"positives' weight (a number > 0), got {shown(weight)}{hint}")
        if isinstance(weight, int | float) and not (weight > 0 and np.isfinite(weight)):
            raise ConfigError(f"{_NAME}: class_weight must be > 0, got {shown(weight)}")

    def _downsample(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray, *, batch: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The batch with its negatives downsampled (every row when ``negative_rate`` is
        1); batch ``k`` draws with the seed ``(seed, k)``."""
        from recstack.pipeline.imbalance import downsample_negatives

        rate = float(self.negative_rate)
        if rate == 1.0:
            return X, y, weight
        _require_binary(y, "negative_rate < 1", "negatives", "use negative_rate = 1")
        seed = int(np.random.SeedSequence([self.seed, batch]).generate_state(1)[0])
        keep = downsample_negatives(y, rate, seed=seed, name=f"{_NAME}: negative_rate")
        return X[keep], y[keep], weight[keep]

    def _require_binary_for_class_weight(self, y: np.ndarray) -> None:
        """Class weights weigh positives against negatives: with click probabilities as
        labels every row counted as a positive, so ``"balanced"`` weighed nothing and a
        number scaled every row, and the probabilities were then corrected by its odds
        factor all the same (silently too low)."""
        if self.class_weight is not None:
            _require_binary(y, f"class_weight = {self.class_weight!r}", "positives",
                            "leave class_weight None")

    def _class_weights(self, y: np.ndarray) -> tuple[float, float]:
        """:math:`(c_0, c_1)` for the first batch (see ``class_weight``)."""
        from recstack.pipeline.imbalance import class_weights

        if self.class_weight is None:
            return 1.0, 1.0
        if self.class_weight == "balanced":
            weights = class_weights(y)
            positive = y > 0
            if positive.all() or not positive.any():
                # the weights of (1, 1) were kept for every online update: the classes of
                # all later batches went unbalanced without a word
                label, other = ("1", "0") if positive.all() else ("0", "1")
                raise ConfigError(
                    f"{_NAME}: class_weight = 'balanced' weighs the classes of the first "
                    f"batch and keeps those weights for every update, but every label of "
                    f"it is {label} ({counted(len(y), 'row')}), so there is nothing to "
                    f"balance; fit on a first batch with rows labelled {other} too, or give the "
                    "positives' weight as a number (class_weight=5.0)")
            return float(weights[~positive][0]), float(weights[positive][0])
        return 1.0, float(self.class_weight)

    def _original_scale(self, logits: np.ndarray) -> np.ndarray:
        """The probabilities of ``logits`` learned with lighter negatives, on the original
        scale: :math:`\\sigma(z + \\log r)`, the odds times ``odds_rate_`` :math:`r`, in
        float64 from the logit (no ``1 - p`` near 1 rounded: the same as
        :func:`~recstack.pipeline.imbalance.correct_probability` of :math:`\\sigma(z)`)."""
        rate = float(getattr(self, "odds_rate_", 1.0))
        shift = 0.0 if rate == 1.0 else float(np.log(rate))
        return np.asarray(special.expit(np.asarray(logits, dtype=np.float64) + shift),
                          dtype=np.float64)

    # ------------------------------------------------------------------ helpers
    def _l_inverse(self) -> np.ndarray:
        """:math:`L^{-1}` of the full posterior's precision (None only when diagonal)."""
        assert self._inverse_factor is not None
        return self._inverse_factor

    def _design(self, X: np.ndarray) -> np.ndarray:
        if not self.fit_intercept:
            return X
        return np.hstack([X, np.ones((X.shape[0], 1))])

    def _in_fitted_order(self, X: Any, doing: str) -> Any:
        """A DataFrame ``X`` with its columns put in the order of fit, by name: read by
        position, a frame whose columns come in another order gave each weight another
        feature's values, silently. Names that differ from fit's are refused; arrays (and
        frames after a fit on an array) are read by position, as before."""
        import pandas as pd

        X = arrow_table_as_pandas(X)
        fitted, names = getattr(self, "feature_names_in_", None), _column_names(X)
        if fitted is not None and names is None and isinstance(X, pd.Series):
            # one row of a frame (frame.iloc[0]) names its features in its index: read by
            # position, a row of another frame's column order (or of other features) was
            # scored silently; an index of row labels that names no feature stays positional
            labels = tuple(str(label) for label in X.index)
            if labels == fitted:
                return X
            if set(labels) & set(fitted) or not pd.api.types.is_integer_dtype(X.index):
                missing = [n for n in fitted if n not in labels]
                unexpected = [n for n in labels if n not in fitted]
                if missing or unexpected or len(set(labels)) != len(labels):
                    parts = _name_problems(missing, unexpected, labels)
                    raise BanditInputError(
                        f"{_NAME}: the row X for {doing} (a Series, read by its index as "
                        f"feature names) does not name the features of fit "
                        f"({'; '.join(parts)}); fit used "
                        f"{', '.join(map(repr, fitted))}")
                label = {str(key): key for key in X.index}
                return X[[label[name] for name in fitted]]
            _warn_positional(doing, fitted)
            return X
        if fitted is not None and names is None:
            # scikit-learn's habit: fitted with names and given none, X is read by position
            _warn_positional(doing, fitted)
            return X
        if fitted is None and names is not None and hasattr(self, "n_features_in_"):
            warnings.warn(f"{_NAME}: X for {doing} has column names "
                          f"({', '.join(map(repr, names[:5]))}{', ...' if len(names) > 5 else ''}"
                          "), but fit was given an array without names, so its columns are "
                          "read by position, not by name; fit on a DataFrame to have them "
                          "read by name", UserWarning, stacklevel=caller_stacklevel())
            return X
        if fitted is None or names is None or names == fitted:
            return X
        missing = [n for n in fitted if n not in names]
        unexpected = [n for n in names if n not in fitted]
        if missing or unexpected or len(set(names)) != len(names):
            parts = _name_problems(missing, unexpected, names)
            raise BanditInputError(
                f"{_NAME}: the columns of X for {doing} are not those of fit "
                f"({'; '.join(parts)}); fit used "
                f"{', '.join(map(repr, fitted))}")
        label = {str(column): column for column in X.columns}
        return X[[label[name] for name in fitted]]

    def _check_fitted(self) -> None:
        if not hasattr(self, "mean_"):
            raise RecstackError(f"{_NAME}: call fit (or partial_fit) before predicting")
        self._refuse_changed(_SHAPE_OF_POSTERIOR, "a prediction")

    def _refuse_changed(self, names: tuple[str, ...], doing: str) -> None:
        """Refuse hyperparameters among ``names`` set to other values since fit (see
        :data:`_FIXED_AT_FIT`)."""
        fitted = getattr(self, "fitted_settings_", {})
        changed = [f"{name}={fitted[name]!r} at fit, now {getattr(self, name)!r}"
                   for name in names if name in fitted and getattr(self, name) != fitted[name]]
        if changed:
            raise ConfigError(f"{_NAME}: {'; '.join(changed)}; the posterior was learned "
                              f"with the values of fit, so {doing} cannot use the new ones: "
                              "call fit() to learn again with them, or set them back")

    def _refuse_changed_seed(self, doing: str) -> None:
        """Refuse a ``seed`` set to another value since fit: the Thompson draws come from
        the generator fit started from the seed of then, and the online updates downsample
        by it, so a new seed was ignored by :meth:`sample_weights` without a word (the
        draws went on from the old one) while the updates followed it, a mix of two
        seeds; as a policy refuses its seed changed after reset."""
        fitted = getattr(self, "fitted_seed_", None)
        if fitted is None:
            return
        seed = self.seed
        same = (not isinstance(seed, bool | np.bool_)) and isinstance(seed, int | np.integer) \
            and int(seed) == fitted
        if not same:
            raise ConfigError(f"{_NAME}: seed={fitted!r} at fit, now {shown(seed)}; the "
                              f"generator of the Thompson draws was started from the seed "
                              f"of fit, so {doing} cannot follow the new one: call fit() to "
                              f"start again from it, pass rng=numpy.random.default_rng(...) "
                              "to sample_weights, or set it back")

    def _check_batch(self, X: Any, y: Any, sample_weight: Any, *, n_features: int | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # read by position: a y (or weights) Series sorted otherwise than the X frame paired
        # each row with another row's label without a word
        check_aligned(("X", X), ("y", y), ("sample_weight", sample_weight),
                      error=BanditInputError, where=f"{_NAME}: ")
        X = as_float_array(_NAME, "X", X, ndim=2)
        y = as_float_array(_NAME, "y", y, ndim=1)
        check_same_length(_NAME, X=X, y=y)
        if not len(y):
            raise BanditInputError(f"{_NAME}: the batch is empty; give at least one row")
        if X.shape[1] == 0 and not self.fit_intercept:
            raise BanditInputError(f"{_NAME}: X has no feature columns and fit_intercept is "
                                   "False, so there is no weight to learn; give features or "
                                   "set fit_intercept=True")
        check_unit_interval(_NAME, "y", y)
        if n_features is not None and X.shape[1] != n_features:
            raise BanditInputError(f"{_NAME}: X has {X.shape[1]} features, the model was "
                                   f"fitted with {n_features}")
        if sample_weight is None:
            weight = np.ones(len(y))
        else:
            # true/false read as weights 1 and 0: a mask (or y) given in their place
            refuse_booleans(f"{_NAME}: sample_weight", sample_weight, BanditInputError,
                            wanted="one weight >= 0 per row (a mask m as m.astype(float))")
            weight = as_float_array(_NAME, "sample_weight", sample_weight, ndim=1)
            check_same_length(_NAME, X=X, sample_weight=weight)
            if (weight < 0).any():
                raise BanditInputError(f"{_NAME}: sample_weight must be >= 0, row "
                                       f"{int(np.argmax(weight < 0))} is "
                                       f"{float(weight[weight < 0][0])!r}")
            if not weight.any():
                # the batch would add nothing: an online update left the posterior as it
                # was without a word, where fit refuses it
                raise BanditInputError(f"{_NAME}: sample_weight is 0 for every row of the "
                                       f"batch ({counted(len(weight), 'row')}), so nothing "
                                       "would be learned; give some rows a positive weight")
        if (self.fit_intercept and float(self.intercept_precision) == 0.0
                and n_features is None and (np.all(y == y[0]) and y[0] in (0.0, 1.0))):
            raise ConfigError(f"{_NAME}: every label is {y[0]:g}, so with a flat intercept "
                              "prior (intercept_precision=0) the intercept is infinite; "
                              "set intercept_precision > 0")
        return X, y, weight
