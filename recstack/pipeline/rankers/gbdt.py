"""Gradient-boosted trees with LightGBM: pointwise (``binary``) and listwise
(``lambdarank``) objectives.

``binary`` minimises the log loss of each row, :math:`-[y \\log p + (1 - y) \\log(1 - p)]`
with :math:`p = \\sigma(f(x))` (labels > 0 count as positives); scores are the raw
:math:`f(x)`, the logit (float32 probabilities are 1.0 from a logit of about 17 on, which
tied candidates the trees tell apart), and ``predict_proba`` gives :math:`p`.
``lambdarank`` (Burges 2010, LambdaMART) optimises nDCG within each group (the groups come
from ``frame.group_sizes()``, the rows of a group contiguous, as a
:class:`~recstack.pipeline.schema.FeatureFrame` keeps them): the gradient of a pair of rows
with different labels is the RankNet gradient scaled by the change in nDCG their swap would
cause, with gains :math:`2^{y} - 1` (LightGBM's default ``label_gain``, so labels must be
integer grades 0..30) and discounts :math:`1/\\log_2(1 + r)`; scores are raw. LightGBM's
own defaults hold, and differ from the textbook LambdaRank of
:mod:`recstack.pipeline.rankers.losses`: a pair counts only when the better-ranked of its
two rows is within the top 30 of the current ranking (``lambdarank_truncation_level`` =
30, and the nDCG normalised by the ideal DCG@30), so in groups of more than 30 candidates
the order far below the top is not trained; and each group's lambdas are normalised
(``lambdarank_norm``). Early stopping follows LightGBM's nDCG@10 of the validation groups
(a group without a positive counts 1 there, where
:func:`~recstack.pipeline.rankers.base.grouped_ndcg` leaves it out: that shifts the mean by
the same amount at every round, so it does not move the round kept).
Categorical features are passed to LightGBM as categorical (its own optimal splits over the
codes; code 0, the unknown level, is a level like any other), with
``max_cat_to_onehot = 8`` and ``min_data_per_group = 10`` in place of LightGBM's 4 and 100,
so that the few levels of a small feature each get their own split. NaN numerics are
LightGBM's missing values. Row weights multiply each row's gradient (for lambdarank, each
row's lambdas: both rows of a pair by their own weight, where the PyTorch rankers weigh a
pair by its preferred row's).

Saved as LightGBM's own text model (``model.txt``) plus the JSON metadata; never pickle.
Needs the ``ranking`` extra: ``pip install "recstack[ranking]"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from recstack.errors import RecstackError, shown
from recstack.models.base import Param
from recstack.pipeline.rankers.base import (
    POSITION_PARAMS,
    Ranker,
    check_model_cardinalities,
    check_model_features,
    model_feature_names,
)
from recstack.pipeline.rankers.registry import register
from recstack.pipeline.schema import FeatureFrame
from recstack.progress import Progress, resolve
from recstack.specs import did_you_mean

MODEL_FILE = "model.txt"
#: LightGBM's default label_gain (2^i - 1) covers grades up to 30
_MAX_GRADE = 30
#: LightGBM's lambdarank refuses a query (group) of more rows
_MAX_GROUP_ROWS = 10_000
#: every integer up to 2^24 is exact in float32
_FLOAT32_EXACT = 2**24


def require_lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError:
        raise RecstackError('this ranker needs LightGBM: pip install "recstack[ranking]"'
                            ) from None
    return lightgbm


@register
class LightGBMRanker(Ranker):
    """LightGBM trees over the frame's numeric and categorical features."""

    name = "lightgbm"
    supported_losses = ("binary", "lambdarank")
    probability_losses = ("binary",)
    model_files = (MODEL_FILE,)
    #: NaN numerics are LightGBM's missing values, split on as a value of their own
    reads_missing = True
    params = {
        "loss": Param(str, default="lambdarank",
                      doc="'binary' (pointwise log loss) or 'lambdarank' (listwise nDCG)."),
        "n_estimators": Param(int, low=1, default=300, doc="Boosting rounds (trees)."),
        "learning_rate": Param((int, float), low=0, low_inclusive=False, default=0.05,
                               doc="Shrinkage of each tree."),
        # LightGBM's own limits, so that a bigger value is refused by name, not by a
        # failed C++ check
        "num_leaves": Param(int, low=2, high=131_072, default=31, doc="Leaves per tree."),
        "min_child_samples": Param(int, low=1, high=2**31 - 1, default=20,
                                   doc="Rows per leaf at least."),
        "feature_fraction": Param((int, float), low=0, low_inclusive=False, high=1,
                                  default=1.0, doc="Share of features tried per tree."),
        "reg_lambda": Param((int, float), low=0, default=0.0, doc="L2 on leaf values."),
        "early_stopping_rounds": Param(int, low=1, optional=True, default=None,
                                       doc="With validation: stop after this many rounds "
                                           "without a better validation metric."),
        "n_jobs": Param(int, low=1, optional=True, default=None,
                        doc="Threads (None: LightGBM's default, one per core)."),
        "seed": Param(int, low=0, high=2**31 - 1, default=0, doc="Seeds LightGBM."),
        **POSITION_PARAMS,
    }

    def _lgb_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "objective": self.loss, "learning_rate": float(self.learning_rate),
            "num_leaves": self.num_leaves, "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": float(self.feature_fraction),
            "lambda_l2": float(self.reg_lambda), "seed": self.seed, "deterministic": True,
            "force_row_wise": True, "verbosity": -1,
            # categorical codes are small dense integers; give every level its own split
            "max_cat_to_onehot": 8, "min_data_per_group": 10, "cat_smooth": 10,
        }
        if self.n_jobs is not None:
            params["num_threads"] = self.n_jobs
        if self.loss == "lambdarank":
            params["metric"] = "ndcg"
            params["eval_at"] = [10]
        else:
            params["metric"] = "binary_logloss"
        return params

    def _dataset(self, lgb: Any, frame: FeatureFrame, labels: np.ndarray,
                 weights: np.ndarray | None, reference: Any = None) -> Any:
        target = self._target(labels, "training" if reference is None else "validation")
        return lgb.Dataset(
            _matrix(frame), label=target, weight=weights,
            group=frame.group_sizes() if self.loss == "lambdarank" else None,
            feature_name=_safe_names(_column_names(frame)),
            categorical_feature=list(range(frame.numeric.shape[1], frame.numeric.shape[1]
                                           + frame.categorical.shape[1])),
            reference=reference, free_raw_data=True)

    def _target(self, labels: np.ndarray, rows: str = "training") -> np.ndarray:
        """LightGBM's labels: 1/0 for 'binary'; for 'lambdarank' the whole-number grades,
        refused (naming the ``rows``, training or validation, and what to do: the message
        gave no remedy and did not say which rows) beyond LightGBM's default label_gain,
        which has a gain for grades 0..30 only (LightGBM's own error was a "[Fatal]"
        line)."""
        if self.loss == "binary":
            return (labels > 0).astype(np.float64)
        grades = np.rint(labels)
        bad = ~np.isclose(grades, labels) | (labels > _MAX_GRADE)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            value = float(labels[row])
            remedy = (f"rescale the grades into 0..{_MAX_GRADE} (LightGBM's label_gain has "
                      f"a gain for {_MAX_GRADE + 1} grades), e.g. bin them into a few levels"
                      if value > _MAX_GRADE else "round or bin the grades to whole numbers")
            raise RecstackError(f"{self.name}.fit: loss 'lambdarank' needs integer grades "
                                f"0..{_MAX_GRADE} as labels, got e.g. {value:g} (row {row} of "
                                f"the {rows} rows); {remedy}, or use loss='binary' (labels > "
                                "0 are positives)")
        return grades.astype(np.int32)

    def _validation_unused(self) -> str | None:
        if self.early_stopping_rounds is not None:
            return None
        return (f"{self.name} reads them only to stop early, and early_stopping_rounds is "
                f"None, so all {self.n_estimators} trees would be grown regardless; set "
                "early_stopping_rounds (e.g. 20) or leave validation out")

    def _fit(self, frame: FeatureFrame, labels: np.ndarray, weights: np.ndarray | None,
             validation: tuple[FeatureFrame, np.ndarray] | None,
             progress: Progress | None) -> None:
        if self.early_stopping_rounds is not None and validation is None:
            raise RecstackError(f"{self.name}: early_stopping_rounds="
                                f"{self.early_stopping_rounds} needs validation rows: pass "
                                "fit(..., validation=(frame, labels)) or set it to None")
        if self.loss == "lambdarank":
            for rows, where in ((frame, "training"),) + (
                    ((validation[0], "validation"),) if validation is not None else ()):
                _refuse_long_groups(rows, self.name, where)
        lgb = require_lightgbm()
        if weights is not None:
            # LightGBM's hessian-scale settings (its least leaf hessian, 1e-3; the
            # categorical smoothing; reg_lambda) are in units of a row of weight 1: weights
            # normalised to sum 1 (1e-5 each over 100,000 rows) put every leaf below them,
            # and the fit was refused as "no split worth making", blaming min_child_samples
            # (and at 1e-14 LightGBM's own failed check). Weights of mean below 1 are read
            # relative to their mean; of mean 1 or more (class_weight="balanced") as given.
            mean = float(weights[weights > 0].astype(np.float64).mean())
            if mean < 1.0:
                weights = weights.astype(np.float64) / mean
        train = self._dataset(lgb, frame, labels, weights)
        params = self._lgb_params()
        valid_sets, callbacks = [], []
        if validation is not None:
            valid_sets = [self._dataset(lgb, validation[0], validation[1], None, train)]
            if self.early_stopping_rounds is not None:
                callbacks.append(lgb.early_stopping(self.early_stopping_rounds, verbose=False))
        with resolve(progress).task(f"Training {self.name}", total=self.n_estimators) as task:
            def report(env: Any) -> None:
                task.advance(1)
                for _, metric, value, _ in env.evaluation_result_list or ():
                    task.report(**{metric: float(value)})

            callbacks.append(report)
            try:
                self.booster_ = lgb.train(params, train,
                                          num_boost_round=self.n_estimators,
                                          valid_sets=valid_sets, callbacks=callbacks)
            except lgb.basic.LightGBMError as error:
                raise RecstackError(f"{self.name}: LightGBM refused the data: {error}") from None
        if not self.booster_.feature_importance(importance_type="split").any():
            # every tree is one leaf: each candidate would get the same score
            sizes = frame.group_sizes()
            raise RecstackError(
                f"{self.name}: LightGBM found no split worth making in {len(frame)} training "
                f"rows ({len(sizes)} group(s)), so every candidate would get the same score; "
                f"each leaf needs min_child_samples = {self.min_child_samples} rows, so give "
                "more training rows, lower min_child_samples, or check that the features "
                "vary and relate to the labels")

    def _score(self, frame: FeatureFrame) -> np.ndarray:
        # raw scores for 'binary' too (the logit of p): its probabilities, float32, were
        # exactly 1.0 above a logit of about 17 and tied candidates the trees tell apart
        return self.booster_.predict(_matrix(frame), raw_score=True,
                                     num_iteration=self.booster_.best_iteration or None)

    def _save_files(self, folder: Path) -> dict[str, Any]:
        (folder / MODEL_FILE).write_text(self.booster_.model_to_string(), encoding="utf-8")
        # the levels of each categorical feature: the model text records only the ones it
        # saw, so a cardinality edited larger in ranker.json went unnoticed
        return {"best_iteration": int(self.booster_.best_iteration or 0),
                "cardinalities": [int(f.cardinality or 0) for f in self.schema_.categorical]}

    def _load_files(self, folder: Path, state: dict[str, Any]) -> None:
        lgb = require_lightgbm()
        text = (folder / MODEL_FILE).read_text("utf-8")
        problem = _incomplete_model(text)
        if problem:
            # LightGBM reads a cut-off tree by aborting the whole process ("terminate
            # called without an active exception"), past any Python error handling
            raise RecstackError(f"{folder / MODEL_FILE}: not a complete LightGBM model "
                                f"({problem}); the file is damaged: save the ranker again")
        try:
            self.booster_ = lgb.Booster(model_str=text)
        except lgb.basic.LightGBMError as error:
            raise RecstackError(f"{folder / MODEL_FILE}: not a LightGBM model ({error})"
                                ) from None
        self.booster_.best_iteration = _best_iteration(state, self.booster_.current_iteration(),
                                                       folder / "ranker.json")
        width = len(self.schema_.numeric) + len(self.schema_.categorical)
        if self.booster_.num_feature() != width:
            raise RecstackError(f"{folder / MODEL_FILE}: the model has "
                                f"{self.booster_.num_feature()} features, the feature schema "
                                f"of ranker.json {width}")
        # the model names its features and its objective: a ranker.json edited to another
        # feature order read each column as another's (silently), and another loss turned
        # binary probabilities into raw lambdarank scores or back
        check_model_features(self.booster_.feature_name(),
                             _safe_names(model_feature_names(self.schema_)),
                             folder / MODEL_FILE)
        saved = state.get("cardinalities")
        if saved is not None and (not isinstance(saved, list) or not all(
                type(c) is int for c in saved)):
            raise RecstackError(f"{folder / 'ranker.json'}: state 'cardinalities' must be a "
                                f"list of whole numbers, got {saved!r}; the metadata is "
                                "corrupted: save the ranker again")
        check_model_cardinalities(saved, self.schema_, folder / "ranker.json")
        for feature, seen in zip(self.schema_.categorical, _categorical_levels(
                text, len(self.schema_.numeric)), strict=False):
            if seen is not None and seen >= (feature.cardinality or 0):
                raise RecstackError(f"{folder / MODEL_FILE}: the model saw level {seen} of "
                                    f"the categorical feature {feature.name!r}, whose "
                                    f"cardinality in ranker.json is {feature.cardinality}; "
                                    "the metadata was edited: save the ranker again")
        objective = _objective(text)
        if objective is not None and objective != self.loss:
            raise RecstackError(f"{folder / MODEL_FILE}: the model was trained with the "
                                f"objective {objective!r}, ranker.json says loss "
                                f"{self.loss!r}; the metadata was edited: save the ranker "
                                "again")

    def feature_importance(self, kind: str = "gain") -> dict[str, float]:
        """Each feature's total split gain (or split count: ``kind="split"``)."""
        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before feature_importance()")
        # text only: an array compared with ``in`` raised numpy's "truth value is ambiguous"
        if not isinstance(kind, str) or kind not in ("gain", "split"):
            raise RecstackError(f"{self.name}: feature_importance kind must be 'gain' (total "
                                f"split gain) or 'split' (split count), got {shown(kind)}"
                                f"{did_you_mean(kind, ('gain', 'split'))}")
        values = self.booster_.feature_importance(importance_type=kind)
        names = [f.name for f in self.schema_.numeric] + [f.name for f in self.schema_.categorical]
        return dict(zip(names, map(float, values), strict=True))


def _refuse_long_groups(frame: FeatureFrame, name: str, where: str) -> None:
    """LightGBM's lambdarank takes at most :data:`_MAX_GROUP_ROWS` rows per group; a longer
    one failed inside LightGBM with a "[Fatal]" line printed past the error."""
    sizes = frame.group_sizes()
    if len(sizes) and sizes.max() > _MAX_GROUP_ROWS:
        at = int(np.argmax(sizes))
        first = int(np.r_[0, np.cumsum(sizes)][at])
        raise RecstackError(f"{name}: loss 'lambdarank' takes at most {_MAX_GROUP_ROWS:,} rows "
                            f"per group (LightGBM's limit), but {where} group "
                            f"{frame.groups[first].item()!r} has {int(sizes[at]):,}; keep fewer "
                            "candidates per request or use loss='binary'")


def _best_iteration(state: Any, trees: int, file: Path) -> int:
    """The ``best_iteration`` of a saved ranker's state: the number of trees score uses
    (0: all of them), a whole number from 0 to the ``trees`` the model holds. Edited by hand,
    true was read as 1 (the model scored with its first tree alone) and 2.7 as 2, and a
    negative or too large one was taken as "all", all without a word."""
    value = state.get("best_iteration", 0) if isinstance(state, dict) else 0
    if type(value) is not int or not 0 <= value <= trees:
        raise RecstackError(f"{file}: state 'best_iteration' must be a whole number from 0 "
                            f"(every tree) to {trees} (the trees the model holds), got "
                            f"{shown(value)}; the metadata was edited: save the ranker again")
    return value


def _objective(text: str) -> str | None:
    """The objective named in the header of a LightGBM text model (``objective=binary
    sigmoid:1`` gives ``binary``), or None when the header has none."""
    for line in text.split("\n\n", 1)[0].split("\n"):
        if line.startswith("objective="):
            words = line[len("objective="):].split()
            return words[0] if words else None
    return None


def _categorical_levels(text: str, n_numeric: int) -> list[int | None]:
    """The largest level the model saw of each categorical feature (those after the
    ``n_numeric`` numeric ones), from the ``feature_infos`` of its header (``-1:3:2:1:0``
    for a categorical feature); None where the header does not say."""
    for line in text.split("\n\n", 1)[0].split("\n"):
        if line.startswith("feature_infos="):
            largest: list[int | None] = []
            for info in line[len("feature_infos="):].split()[n_numeric:]:
                try:
                    levels = [int(level) for level in info.split(":")]
                except ValueError:  # "none", or a numeric feature's [low:high]
                    largest.append(None)
                    continue
                largest.append(max(levels) if levels else None)
            return largest
    return []


def _incomplete_model(text: str) -> str | None:
    """What is missing from a LightGBM text model whose trees are not all there, or None.

    The header's ``tree_sizes`` gives the bytes of each tree: the trees ``Tree=0``,
    ``Tree=1``... must follow one another at those sizes, then ``end of trees``."""
    data = text.encode("utf-8")
    header = data.split(b"\n\n", 1)[0]
    lines = [line for line in header.split(b"\n") if line.startswith(b"tree_sizes=")]
    if not lines:
        return "its header has no tree_sizes line"
    try:
        sizes = [int(size) for size in lines[0][len(b"tree_sizes="):].split()]
    except ValueError:
        return "its tree_sizes are not whole numbers"
    at = data.find(b"Tree=0\n") if sizes else data.find(b"end of trees")
    if at < 0:
        return "no tree follows its header"
    for number, size in enumerate(sizes):
        if size < 0 or not data.startswith(b"Tree=%d\n" % number, at):
            return f"tree {number} is not where its header says"
        at += size
    if not data.startswith(b"end of trees", at):
        return (f"its {len(sizes)} trees do not end where its header says (the text is cut "
                "short or was edited)")
    return None


def _matrix(frame: FeatureFrame) -> np.ndarray:
    # codes < 2^24 are exact in float32; LightGBM reads categorical columns as integers. A
    # feature with more levels needs float64: in float32, codes 2^24 and 2^24 + 1 are one
    # number, and two categories were silently one
    exact = all((f.cardinality or 0) <= _FLOAT32_EXACT for f in frame.schema.categorical)
    dtype = np.float32 if exact else np.float64
    return np.hstack([frame.numeric.astype(dtype), frame.categorical.astype(dtype)])


def _column_names(frame: FeatureFrame) -> list[str]:
    return [f.name for f in frame.schema.numeric] + [f.name for f in frame.schema.categorical]


def _safe(name: str) -> str:
    # LightGBM refuses some JSON special characters in feature names
    return "".join(c if c.isalnum() or c in "_-." else "_" for c in name)


def _safe_names(names: list[str]) -> list[str]:
    """The names LightGBM is given for the features ``names``, in order: each :func:`_safe`,
    and one that comes out as an earlier one's (``"a b"`` and ``"a_b"`` are both ``a_b``)
    told apart by its position (``a_b_1``). LightGBM refused two names alike as "Feature
    (a_b) appears more than one time", names the user never gave twice, where the other
    rankers take them. A schema without such names gives the names it always gave, so
    the rankers saved before read as they did."""
    given: list[str] = []
    for position, name in enumerate(names):
        safe = _safe(name)
        while safe in given:
            safe = f"{safe}_{position}"
        given.append(safe)
    return given
