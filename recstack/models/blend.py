"""A learned blend: a weighted sum of several fitted models' per-user normalised scores, the
weights chosen on a validation split carved from the training data, itself a model behind
the one contract (fit, recommend, save/load, fold-in when every member has it).

The blend only ever sees the ``train`` it is given: it sets aside a seeded random share of
each user's training pairs as validation, fits every member on the rest, chooses the
weights by coordinate ascent on validation nDCG@k (or recall@k), then refits every member
on all of ``train``. Given validation rows of the same split (``fit(train,
validation=valid)``, e.g. the graph-CF protocol's ``valid.txt``), it fits every member on
``train`` once and chooses the weights on those rows instead. The test split of an
experiment never reaches it.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.data.splits import share_count
from recstack.errors import ConfigError, DataFormatError, RecstackError, shown
from recstack.models.base import (
    NOT_GIVEN,
    Param,
    PopularityFallbackWarning,
    Recommender,
    check_call,
)
from recstack.models.memory import require_memory
from recstack.models.persistence import ArraySpec, SparseSpec, rebound_spec
from recstack.models.registry import (
    create_declared,
    refuse_refitted_checkpoints,
    refuse_repeated_models,
    register,
)
from recstack.models.training import VALIDATION_METRICS, ValidationSplitMixin, validation_metric
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.progress import Progress, resolve
from recstack.specs import did_you_mean

NORMALIZATIONS = ("zscore", "minmax")
#: the weights tried for one member while the others stay fixed (relative: the ranking
#: depends only on the ratios of the weights)
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0)
# Validation users whose member scores are cached for the weight search: the cache holds
# users x items x members float32 scores, kept within this many bytes (a seeded sample of
# the validation users when they do not all fit). At 512 MiB the weights of eight members
# on Last.fm's 17k items were chosen on 771 of its 1,854 validation users; a fixed size,
# not a share of the memory free, so that a seed gives the same weights on any machine.
_CACHE_BUDGET_BYTES = 2 * 2**30
# rows normalised at once in float64 (:meth:`Blend._normalised`): the copy's bytes at most
_NORMALISE_BLOCK_BYTES = 32 * 2**20
_PREFIX = "m{}__"
_PREFIXED = re.compile(r"^m(\d+)__(.+)$")


@register
class Blend(ValidationSplitMixin, Recommender):
    r"""A weighted sum of member models' normalised scores, weights learned on validation.

    Each member :math:`m` (a registered model with its hyperparameters) scores every
    catalog item for user :math:`u`; the scores are normalised per user over the whole
    catalog (seen items included, before any masking), with ``normalization``

    - ``"zscore"``: :math:`z_{mui} = (s_{mui} - \mu_{mu}) / \sigma_{mu}` (mean and
      standard deviation of the user's row; a constant row becomes 0),
    - ``"minmax"``: :math:`z_{mui} = (s_{mui} - \min_j s_{muj}) / (\max_j s_{muj} -
      \min_j s_{muj})` (a constant row becomes 0),

    and the blend's score is :math:`\hat r_{ui} = \sum_m w_m z_{mui}` with
    :math:`w_m \ge 0`, :math:`\sum_m w_m = 1`.

    *Choosing the weights.* :meth:`fit` sets aside ``validation_fraction`` of each user's
    distinct training items (seeded by ``seed``; users with a single item keep it), fits
    every member on the rest, and runs ``rounds`` rounds of coordinate ascent from equal
    weights: each member's weight in turn takes the value of :data:`WEIGHT_GRID` (relative
    to the others) that maximises the validation ``metric`` (nDCG or recall, which counts
    hits over all of the user's held-out items) at ``metric_k`` (every held-out item
    relevant, the full catalog ranked with the fitting items masked; a change must improve
    it to be kept). The members are then refitted on all of ``train``. With
    ``fit(train, validation=rows)`` the members are fitted on all of ``train`` once, the
    weights are chosen the same way on ``rows`` (with ``train``'s items masked), and there
    is no refit: this is how the graph-CF protocol tunes a blend on ``valid.txt`` before
    refitting it, with the weights found, on train + valid. With ``weights`` given, there is
    no validation: the members are fitted on all of ``train`` and blended with those
    weights. When the validation users' cached scores would exceed 2 GiB, a seeded sample
    of them is used.

    *Members in an experiment file* (TOML)::

        [[models]]
        type = "blend"
        members = [{type = "ease", regularization = 500.0},
                   {type = "rp3beta", beta = 0.6}]

    Each member is checked like a model of its own (its name and every hyperparameter),
    and its learned arrays are saved inside the blend's artifact under ``m<k>__``.

    Attributes
    ----------
    members_ : list of Recommender
        The members, fitted on all of ``train``.
    weights_ : numpy.ndarray
        float32 ``(n_members,)``, summing to 1.
    validation_score_ : float
        The validation ``metric`` at ``metric_k`` of the chosen weights (NaN when
        ``weights`` was given, and after loading: it is not saved).
    """

    name = "blend"
    params: ClassVar[dict[str, Param]] = {
        "members": Param((list, tuple), element=Param(dict, typed_table=True),
                         default=({"type": "ease"}, {"type": "rp3beta"}),
                         doc="The blended models: each a table with 'type' (a registered "
                             "model) and its hyperparameters."),
        "normalization": Param(str, choices=NORMALIZATIONS, default="zscore",
                               doc="Per-user score normalisation: 'zscore' or 'minmax'."),
        "weights": Param((list, tuple), element=Param((int, float), low=0), optional=True,
                         default=None,
                         doc="Fixed member weights (one each, >= 0); None: learned on "
                             "validation."),
        "validation_fraction": Param((int, float), low=0, high=1, low_inclusive=False,
                                     high_inclusive=False, default=0.2,
                                     doc="Share of each user's training items held out to "
                                         "choose the weights."),
        "metric": Param(str, choices=VALIDATION_METRICS, default="ndcg",
                        doc="What the weights maximise on validation: 'ndcg' or 'recall'."),
        "metric_k": Param(int, low=1, high=10_000, default=20,
                          doc="The cut-off of that metric."),
        "rounds": Param(int, low=1, high=100, default=3,
                        doc="Rounds of coordinate ascent over the members' weights."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the validation hold-out (and the sample of its users)."),
    }

    #: models already fitted, used as the members by :meth:`from_fitted` (during its fit)
    _fitted_members: list[Recommender] | None = None

    @classmethod
    def from_fitted(cls, models: Any = NOT_GIVEN, train: Any = NOT_GIVEN, *positional: Any,
                    validation: Interactions | None = None, progress: Progress | None = None,
                    **params: Any) -> Blend:
        """A blend of ``models`` already fitted on ``train``, none of them fitted again:
        the weights are learned on ``validation`` (rows of the same split, as
        ``fit(train, validation=...)`` learns them) or given as ``weights=[...]``; the other
        keywords are the blend's hyperparameters (``metric``, ``normalization``...).

        A LightGCN fitted for an hour, or a model tuned in a notebook, joins a blend as it
        is. Each model must be fitted on exactly ``train`` (the same users, items and
        pairs), since the blend ranks with ``train``'s items masked and saves one id
        vocabulary for all. The blend holds the models themselves, not copies: refitting
        one afterwards is refused by the blend's next call (it would score the blend's
        users by another fit's indices): make the blend again. Its ``members`` are the
        models' declarations, so the saved blend loads like any other."""
        if positional or models is NOT_GIVEN or train is NOT_GIVEN:
            raise ConfigError(f"{cls.name}: from_fitted(models, train, validation=..., "
                              "**hyperparameters) takes the fitted models and the train they "
                              "were fitted on by position, everything else by name")
        if "members" in params:
            raise ConfigError(f"{cls.name}: from_fitted takes the fitted models in place of "
                              "members; give either the models or Blend(members=[...]).fit()")
        if validation is None and params.get("weights") is None:
            raise ConfigError(
                f"{cls.name}: from_fitted needs validation rows to learn the weights on "
                "(validation=valid) or the weights themselves (weights=[...]); without them "
                "a blend holds out part of train and fits every member again on the rest")
        if not isinstance(models, list | tuple) or not models or not all(
                isinstance(model, Recommender) for model in models):
            raise ConfigError(f"{cls.name}: from_fitted takes a non-empty list of fitted "
                              f"recstack models, got {shown(models)}")
        for position, model in enumerate(models):
            if not model.is_fitted:
                raise RecstackError(f"{cls.name}: models[{position}] ({model.name}) is not "
                                    "fitted; fit it on train first")
            model._refuse_changed_params("from_fitted")
        blend = cls(members=[{"type": model.name} | model.get_params() for model in models],
                    **params)
        blend.validate_params()
        for position, model in enumerate(models):
            declared = type(blend._member(position))
            if type(model) is not declared:
                # saved, the blend would load the registered class in its place
                raise ConfigError(
                    f"{cls.name}: models[{position}] is a {type(model).__qualname__}, but the "
                    f"model registered as {model.name!r} is {declared.__qualname__}; register "
                    "the class under a name of its own (recstack.models.register)")
        blend._fitted_members = list(models)
        try:
            blend.fit(train, validation=validation, progress=progress)
        finally:
            blend._fitted_members = None
        # what each model learned from, to refuse the blend's calls after a model's refit
        blend._adopted_states = [model.seen_ for model in models]
        return blend

    #: the fitted models' ``seen_`` when :meth:`from_fitted` adopted them (None otherwise)
    _adopted_states: list[Any] | None = None

    def _refuse_refitted_members(self) -> None:
        """Refuse a blend of :meth:`from_fitted` whose models were fitted again since."""
        if self._adopted_states is None:
            return
        for position, (member, state) in enumerate(
                zip(self.members_, self._adopted_states, strict=True)):
            if member.seen_ is not state:
                raise RecstackError(
                    f"{self.name}: models[{position}] ({member.name}) was fitted again after "
                    "Blend.from_fitted took it, so its scores follow another fit (its users "
                    "and items may be others); make the blend again from the refitted models")

    # ------------------------------------------------------------------ declarations
    #: the settings of the weight search, read only while the weights are learned
    #: (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {
        name: ("weights", (None,))
        for name in ("validation_fraction", "metric", "metric_k", "rounds", "seed")}

    def validate_params(self) -> None:
        if isinstance(self.weights, dict):
            # weights keyed by member name ({ease = 2, rp3beta = 1}) was refused as "must be
            # list or tuple", without a word of which list: a member named twice (two
            # ease members) or not at all has no one weight to take
            raise ConfigError(self._keyed_weights_message(self.weights))
        super().validate_params()
        if not self.members:
            raise ConfigError(f"{self.name}: members must name at least one model, e.g. "
                              "[{type = 'ease'}, {type = 'rp3beta'}]")
        members = [self._member(position) for position in range(len(self.members))]
        if self.weights is not None:
            if len(self.weights) != len(self.members):
                given, count = len(self.weights), len(self.members)
                raise ConfigError(f"{self.name}: weights has {given} value{'s' * (given != 1)} "
                                  f"for {count} member{'s' * (count != 1)}; give one weight "
                                  "per member")
            if not sum(float(w) for w in self.weights) > 0:
                raise ConfigError(f"{self.name}: weights must not all be 0")
        # the same model twice (default values written out or not) scores the same table
        # twice: a blend of it with itself, a larger weight in disguise
        refuse_repeated_models(members, self.name, "members",
                               "a member listed twice scores identically and only doubles "
                               "its weight (give the one a larger weight instead)")

    def _keyed_weights_message(self, weights: dict[Any, Any]) -> str:
        """The refusal of ``weights`` given as a table keyed by member names: the list to
        write instead where each key names exactly one member, else the keys that name
        none (or several) and the members there are."""
        members = list(self.members) if isinstance(self.members, list | tuple) else []
        types = [member.get("type") if isinstance(member, dict) else None
                 for member in members]
        start = (f"{self.name}: weights must be a list with one weight per member, in the "
                 f"order of members, got a table {shown(weights)}")
        listed = ", ".join(map(repr, types)) or "(none)"
        unknown = [key for key in weights if key not in types]
        if unknown:
            near = did_you_mean(unknown[0], [t for t in types if isinstance(t, str)]) \
                if isinstance(unknown[0], str) else ""
            return (f"{start}: {', '.join(map(repr, unknown))} names no member{near} "
                    f"(members: {listed})")
        repeated = [key for key in weights if types.count(key) > 1]
        if repeated:
            return (f"{start}: {repeated[0]!r} names {types.count(repeated[0])} members "
                    f"(members: {listed}); give the weights as a list")
        missing = [kind for kind in types if kind not in weights]
        if missing:
            return (f"{start}: it has no weight for {', '.join(map(repr, missing))} "
                    f"(members: {listed})")
        return f"{start}; write weights = {[weights[kind] for kind in types]!r}"

    def _member(self, position: int) -> Recommender:
        """An unfitted member built from its declaration, checked like a model of its own;
        errors name the member."""
        return create_declared(self.members[position], f"{self.name}: members[{position}]",
                               container=self.name,
                               written=self._as_written("members", position),
                               nesting="a blend cannot be a member of a blend; list its "
                                       "members directly")

    def _fit_member(self, position: int, data: Interactions, on: str,
                    progress: Progress | None) -> Recommender:
        """Member ``position`` fitted on ``data`` (described by ``on``). A member that
        refuses the data says so under its place in the blend: two members of one type
        (say two gf_cf with different k) could not be told apart by the member's words."""
        if self._fitted_members is not None:
            return self._fitted_member(position, data, on)
        member = self._member(position)
        try:
            return member.fit(data, progress=progress)
        except RecstackError as error:
            # the same error (its type and fields kept, for callers that catch them), with
            # the member's place in front of what it said
            error.args = (f"{self.name}: members[{position}] ({member.name}) could not be "
                          f"fitted on {on}: {error}", *error.args[1:])
            raise

    def _fitted_member(self, position: int, data: Interactions, on: str) -> Recommender:
        """Model ``position`` of :meth:`from_fitted`, refused unless fitted on ``data``."""
        assert self._fitted_members is not None
        member = self._fitted_members[position]
        fitted, given = member.seen_, data.to_csr()
        if (member.users_ == data.users and member.items_ == data.items
                and fitted.shape == given.shape and (fitted != given).nnz == 0):
            return member
        raise ConfigError(
            f"{self.name}: models[{position}] ({member.name}) was fitted on other data than "
            f"the {on} given to from_fitted ({len(member.users_):,} users x "
            f"{len(member.items_):,} items, {fitted.nnz:,} pairs; {on}: {data.n_users:,} x "
            f"{data.n_items:,}, {given.nnz:,}); the blend masks {on}'s items and saves one id "
            f"vocabulary, so fit every model on {on}, or declare the members "
            "(Blend(members=[...]).fit(train)) to have the blend fit them")

    # ------------------------------------------------------------------ training
    def _refuse_unread_settings(self, validation: Interactions | None) -> None:
        """Fixed ``weights`` are used as given: validation rows and the settings of the
        weight search were ignored without a word (a blend fitted on rows it never read)."""
        if self.weights is not None:
            if validation is not None:
                raise ConfigError(
                    f"{self.name}: fit(train, validation=...) is read only to learn the "
                    f"weights, and weights is fixed ({shown(self.weights)}), so the "
                    f"{len(validation):,} validation rows would be ignored; leave weights out "
                    "to learn them on those rows, or fit without them")
            refuse_unread_settings(self.name, self, self.read_only_with)
        super()._refuse_unread_settings(validation)

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        self._adopted_states = None  # this fit's members are the blend's own
        reporter = resolve(progress)
        members: list[Recommender] = []
        if self.weights is not None:
            weights = np.asarray(self.weights, dtype=np.float64)
            score = float("nan")
        elif self._explicit_validation is not None:
            weights, score = self._learn_weights(train, self._explicit_validation, reporter,
                                                 keep=members, fitting_name="train")
        else:
            refuse_refitted_checkpoints(
                self.name, [(f"members[{p}]", self._member(p))
                            for p in range(len(self.members))],
                "a blend without weights or validation rows fits each member twice (on "
                "train less a validation hold-out, to learn the weights, then on all of "
                "train)", "give the validation rows, fit(train, validation=valid), to fit "
                "each member once, or leave checkpoint_dir out of the members")
            weights, score = self._learn_weights(
                *self._hold_out(train), reporter,
                fitting_name="the part of train left after the validation hold-out")
        if not members:
            for position in range(len(self.members)):
                members.append(self._fit_member(position, train, "train", progress))
        self.members_ = members
        self.weights_ = (weights / weights.sum()).astype(np.float32)
        self.validation_score_ = score

    def _learn_weights(self, fitting: Interactions, validation: Interactions, reporter: Any,
                       keep: list[Recommender] | None = None, *, fitting_name: str
                       ) -> tuple[np.ndarray, float]:
        """Weights by coordinate ascent on ``validation``, members fitted on ``fitting``;
        the fitted members are appended to ``keep`` when it is given (else dropped)."""
        n_members, n_items = len(self.members), fitting.n_items
        validation_users = np.flatnonzero(np.diff(validation.to_csr().indptr) > 0)
        per_user = 4 * n_items * (n_members + 2)  # the cache, plus a blended row and a mask
        most_users = max(1, _CACHE_BUDGET_BYTES // per_user)
        if len(validation_users) > most_users:
            rng = np.random.default_rng([self.seed, 1])
            validation_users = np.sort(rng.choice(validation_users, most_users,
                                                  replace=False))
            validation = validation.for_users(validation_users)
        require_memory(self.name, per_user * len(validation_users),
                       f"caching {n_members} members' scores of {len(validation_users):,} "
                       "validation users",
                       "give weights = [...] to skip learning them, or use fewer members "
                       "or items")
        cache = np.empty((n_members, len(validation_users), n_items), np.float32)
        with reporter.task(f"{self.name}: members on the validation split",
                           total=n_members) as task:
            for position in range(n_members):
                member = self._fit_member(position, fitting, fitting_name, None)
                with warnings.catch_warnings():
                    # a validation user without fitting rows is scored by popularity: a
                    # stand-in of the member's, not news to the caller of fit
                    warnings.filterwarnings("ignore", category=PopularityFallbackWarning)
                    scores = member.score_users(validation_users)
                cache[position] = self._normalised(scores)
                if keep is not None:
                    keep.append(member)
                del member
                task.advance()
        row_of = np.full(fitting.n_users, -1, np.int64)
        row_of[validation_users] = np.arange(len(validation_users))

        def quality(weights: np.ndarray) -> float:
            def blended(users: np.ndarray) -> np.ndarray:
                rows = cache[:, row_of[users]]
                return np.tensordot(weights.astype(np.float32), rows, axes=1)

            return validation_metric(blended, fitting, validation, metric=self.metric,
                                     k=self.metric_k)

        weights = np.ones(n_members)
        best = quality(weights)
        if n_members == 1:
            return weights, best
        with reporter.task(f"{self.name}: weights", total=self.rounds * n_members) as task:
            for _ in range(self.rounds):
                changed = False
                for position in range(n_members):
                    for value in WEIGHT_GRID:
                        if value == weights[position]:
                            continue
                        trial = weights.copy()
                        trial[position] = value
                        if not trial.sum() > 0:
                            continue
                        score = quality(trial)
                        if score > best:
                            best, weights, changed = score, trial, True
                    task.advance()
                    task.report(**{self.metric: best})
                if not changed:
                    break
        return weights, best

    def _hold_out(self, train: Interactions) -> tuple[Interactions, Interactions]:
        """Split ``train`` by (user, item) pair: each user with at least two distinct items
        gives ``validation_fraction`` of them (rounded, at least 1, never all) to
        validation; repeated rows of a pair stay together. Rounded as every split's share
        (:func:`~recstack.data.splits.share_count`: a half up, the fraction read as
        written): 0.5 of 5 items is 3 (numpy's ``rint`` rounded 2.5 to 2)."""
        users = train.user_index.astype(np.int64)
        items = train.item_index.astype(np.int64)
        pair = users * train.n_items + items
        distinct, row_pair = np.unique(pair, return_inverse=True)
        pair_user = distinct // train.n_items
        rng = np.random.default_rng(self.seed)
        # a random order of each user's pairs: sort by user, then by a random key
        order = np.lexsort((rng.random(len(distinct)), pair_user))
        counts = np.bincount(pair_user, minlength=train.n_users)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.empty(len(distinct), np.int64)
        rank[order] = np.arange(len(distinct)) - np.repeat(starts, counts)
        quota = np.clip(share_count(self.validation_fraction, counts), 1, counts - 1)
        held_pair = rank < quota[pair_user]
        held = held_pair[row_pair]
        if not held.any():
            raise RecstackError(f"{self.name}: no user has two distinct training items, so "
                                "no validation split can be carved to learn the weights; "
                                "give weights = [...] instead")
        return train.select(~held), train.select(held)

    # ------------------------------------------------------------------ inference
    def _normalised(self, scores: np.ndarray) -> np.ndarray:
        """Each row of ``scores`` normalised over the catalog (see the class docstring);
        non-finite scores (a member's -inf) count as the row's minimum.

        Computed in float64 and returned as float32: the normalised values are bounded
        (a z-score by the square root of the catalog's size, a min-max value by 1), but
        the scale ``1 / spread`` of a row of tiny scores is not. In float32 a spread below
        2.9e-39 made the scale infinite and the row NaN (``0 * inf``) or +-inf, and those
        ranked the user's items by their position in the catalog, whatever the weights.
        Rows go through float64 a block at a time, so the copy stays within
        ``_NORMALISE_BLOCK_BYTES`` besides the float32 result."""
        scores = np.asarray(scores)
        out = np.empty(scores.shape, np.float32)
        block = max(1, _NORMALISE_BLOCK_BYTES // (8 * max(1, scores.shape[-1])))
        for start in range(0, scores.shape[0], block):
            out[start:start + block] = self._normalised_block(scores[start:start + block])
        return out

    def _normalised_block(self, scores: np.ndarray) -> np.ndarray:
        """:meth:`_normalised` of a few rows, in float64."""
        rows = np.array(scores, dtype=np.float64, copy=True)
        finite = np.isfinite(rows)
        if not finite.all():
            low = np.where(finite, rows, np.inf).min(axis=1, keepdims=True)
            low = np.where(np.isfinite(low), low, 0.0)
            rows = np.where(finite, rows, low)
        if self.normalization == "zscore":
            center = rows.mean(axis=1, keepdims=True)
            spread = rows.std(axis=1, keepdims=True)
        else:
            center = rows.min(axis=1, keepdims=True)
            spread = rows.max(axis=1, keepdims=True) - center
        rows -= center
        rows *= np.divide(1.0, spread, out=np.zeros_like(spread), where=spread > 0)
        return rows

    def _blend(self, parts: list[np.ndarray]) -> np.ndarray:
        total = np.zeros_like(parts[0], dtype=np.float32)
        for weight, part in zip(self.weights_, parts, strict=True):
            if weight:
                total += weight * self._normalised(part)
        return total

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        self._refuse_refitted_members()
        with warnings.catch_warnings():
            # the blend's own score_users names the users without history once
            warnings.filterwarnings("ignore", category=PopularityFallbackWarning)
            parts = [member.score_users(user_indices) for member in self.members_]
        return self._blend(parts)

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items`` in this model's item
        order), blended from the members' own ``score_histories``; refused when a member
        cannot score histories. A row with no interaction gets item popularity (training
        users per item), with one
        :class:`~recstack.models.base.PopularityFallbackWarning` naming the blend."""
        check_call(self, Blend.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        self._refuse_refitted_members()
        history = self._history_matrix(histories)
        lacking = [m.name for m in self.members_ if not callable(getattr(m, "score_histories",
                                                                         None))]
        if lacking:
            raise RecstackError(f"{self.name}: members {lacking} cannot score users from "
                                "their histories, so the blend cannot either; refit with "
                                "data that includes these users")
        parts = []
        fallbacks: list[str] = []
        counts_stored_zeros = any(not member._learns_from_values() for member in self.members_)
        for position, member in enumerate(self.members_):
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", PopularityFallbackWarning)
                    # refused here, on the histories as given: the member saw only the
                    # blend's sparse copy, and its remedy was a sparse one for a dense row
                    # (and "set them to 0" where another member counts a stored 0)
                    member._refuse_negative_history_values(history, histories,
                                                           counts_stored_zeros)
                    parts.append(member.score_histories(history))
                for warning in caught:
                    if issubclass(warning.category, PopularityFallbackWarning):
                        # said once, by the blend, below
                        fallbacks.append(f"{self.name}: members[{position}] "
                                         f"({member.name}): {warning.message}")
                    else:
                        warnings.warn_explicit(warning.message, warning.category,
                                               warning.filename, warning.lineno)
            except RecstackError as error:
                # a member refused the histories (e.g. a negative value, which one that
                # binarises them cannot read): say which member, as the other errors do
                kind = type(error) if type(error) in (ConfigError, DataFormatError) \
                    else RecstackError
                raise kind(f"{self.name}: members[{position}] ({member.name}): "
                           f"{error}") from None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PopularityFallbackWarning)
            scores = self._empty_histories_by_popularity(history, self._blend(parts))
        if caught or fallbacks:
            # rows without interaction, or rows that a member reads as such (only values of
            # 0): one warning, the blend's own where it has one
            warnings.warn(PopularityFallbackWarning(
                str(caught[0].message) if caught else fallbacks[0]), stacklevel=caller_stacklevel())
        return scores

    def _items_without_similarity(self) -> np.ndarray:
        """The items no member learned anything of (a content member places items
        without training rows by their content)."""
        unknown = np.ones(len(self.items_), bool)
        for member in self.members_:
            unknown &= member._items_without_similarity()
        return unknown

    def _item_similarity_missing(self) -> str | None:
        """Why the blend has no item similarity: a member of non-zero weight has none (it
        blends every such member's similarity), named by position and type."""
        for position, (weight, member) in enumerate(
                zip(self.weights_, self.members_, strict=True)):
            reason = member._item_similarity_missing() if weight else None
            if reason is not None:
                return (f"it blends its members' similarities, and members[{position}] "
                        f"({member.name}) has none: {reason}")
        return None

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """The members' item similarities, each normalised per row like the scores, blended
        with the same weights; an item that no weighted member answers (each gives it
        ``-inf``: a kNN neighbour pruned away, an item RP3beta's walk does not reach) stays
        no answer (``-inf``). Normalised with every ``-inf`` counted as the row's minimum,
        such items were blended into finite values: with one neighbour the row was
        constant, every value 0, and ``similar_items`` listed the catalog in index order,
        without the neighbour, as if every item were similar."""
        self._refuse_refitted_members()
        # a member of weight 0 adds nothing (_blend skips it), so one without a similarity
        # (user_knn) need not answer: its placeholder row is never read
        rows = [member._similarity_rows(item_indices) if weight
                else np.zeros((len(item_indices), len(self.items_)), np.float32)
                for weight, member in zip(self.weights_, self.members_, strict=True)]
        blended = self._blend(rows)
        answered = np.zeros(blended.shape, bool)
        for weight, row in zip(self.weights_, rows, strict=True):
            if weight:
                answered |= np.isfinite(row)
        blended[~answered] = -np.inf
        return blended

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state = {"weights": self.weights_}
        for position, member in enumerate(self.members_):
            prefix = _PREFIX.format(position)
            state.update({prefix + key: value for key, value in member._state().items()})
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.weights_ = np.asarray(arrays["weights"], dtype=np.float32)
        self.validation_score_ = float("nan")
        members = []
        for position in range(len(self.members)):
            member = self._member(position)
            member.users_, member.items_, member.seen_ = self.users_, self.items_, self.seen_
            member._load_state(_unprefixed(arrays, position))
            members.append(member)
        self.members_ = members

    def _state_spec(self) -> dict[str, ArraySpec | SparseSpec] | None:
        spec: dict[str, ArraySpec | SparseSpec] = {
            "weights": ArraySpec("float32", (len(self.members),), low=0.0, high=1.0)}
        for position in range(len(self.members)):
            member = self._member(position)
            member_spec = member._state_spec()
            if member_spec is None:
                return None  # a member that cannot be checked on load: neither can the blend
            prefix = _PREFIX.format(position)
            symbols = {k: v for k, v in member.get_params().items() if type(v) is int}
            for name, entry in member_spec.items():
                spec[prefix + name] = rebound_spec(entry, symbols, prefix)
        return spec

    def _declared_models(self) -> list[tuple[str, Recommender]]:
        return [(_PREFIX.format(position), self._member(position))
                for position in range(len(self.members))]

    def _saved_array_label(self, name: str) -> str:
        """A member's array is named by the member, as the blend's other errors name it:
        ``array 'user_states' of members[2] (sasrec) of model 'blend'`` (saved as
        ``m2__user_states``)."""
        match = _PREFIXED.match(name)
        if match is not None and int(match.group(1)) < len(self.members):
            position = int(match.group(1))
            kind = self.members[position].get("type") \
                if isinstance(self.members[position], dict) else None
            return (f"array {match.group(2)!r} of members[{position}] ({kind}) of model "
                    f"{self.name!r} (saved as {name!r})")
        return super()._saved_array_label(name)

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        total = float(np.sum(arrays["weights"], dtype=np.float64))
        if not abs(total - 1.0) <= 1e-4:
            # fit normalises them: weights of 0 made every score 0 (each list the catalog
            # in index order), and any other sum is an edit
            return (f"weights sum to {total:.6g}, expected 1 (the learned weights are "
                    "normalised to sum to 1)")
        if self.weights is not None:
            # one source of truth: fixed weights are saved twice, as the hyperparameter in
            # model.json and normalised in the weights array; an edit of either one left
            # the array to rank while model.json said otherwise
            given = np.asarray(self.weights, dtype=np.float64)
            expected = given / given.sum()
            saved = np.asarray(arrays["weights"], dtype=np.float64)
            if not np.allclose(saved, expected, rtol=1e-5, atol=1e-6):
                return (f"the saved weights {np.round(saved, 6).tolist()} disagree with "
                        f"model.json's params.weights {list(self.weights)} (normalised: "
                        f"{np.round(expected, 6).tolist()}); one of the two files was edited: "
                        "save the blend again from the model that fitted it, or fit it with "
                        "the weights wanted")
        for position in range(len(self.members)):
            member = self._member(position)
            part = _unprefixed(arrays, position)
            part.update({k: v for k, v in arrays.items() if k.startswith("base__")})
            problem = member._check_state(part)
            if problem:
                return f"members[{position}] ({member.name}): {problem}"
        return None


def _unprefixed(arrays: dict[str, np.ndarray], position: int) -> dict[str, np.ndarray]:
    prefix = _PREFIX.format(position)
    return {key[len(prefix):]: value for key, value in arrays.items()
            if key.startswith(prefix)}
